"""A checkpoint's modules compared with another checkpoint's or with given arguments, and expectations
on a module's arguments: plain, frozen data, and the errors they make when they differ."""

from __future__ import annotations

import json
from dataclasses import dataclass

from lstmshape.errors import ConfigMismatchError, ExpectationError, LstmShapeError
from lstmshape.i18n import tr
from lstmshape.i18n.numbers import enumerated, number
from lstmshape.i18n.text import format_shape
from lstmshape.i18n.typography import clauses, labelled
from lstmshape.i18n.words import Fix, Value, nwords, words
from lstmshape.results.checkpoint_words import said_already, top_level
from lstmshape.results.contract import JSONDict

Shape = tuple[int, ...]


@dataclass(frozen=True)
class ArgumentDifference:
    """A constructor argument with another value on each side (``module`` for the class)."""

    module: str
    argument: str
    ours: Value
    theirs: Value


@dataclass(frozen=True)
class ParameterDifference:
    """A state_dict key load_state_dict(strict=True) would stop at: missing on one side, or of
    another shape."""

    key: str
    ours: Shape | None
    theirs: Shape | None

    def text(self) -> str:
        """``encoder.lstm.weight_ih_l0: (1024, 300) here, (512, 300) there``."""
        return tr(
            "{key}: {ours} here, {theirs} there",
            key=self.key,
            ours=shape_or_missing(self.ours),
            theirs=shape_or_missing(self.theirs),
        )


def shape_or_missing(shape: Shape | None) -> str:
    """``(1024, 300)``, or ``missing`` for a key one side lacks."""
    return tr("missing") if shape is None else format_shape(shape)


@dataclass(frozen=True)
class ModuleComparison:
    """One module found on both sides (by its state_dict prefix), with each side's call."""

    name: str
    ours: str
    theirs: str
    arguments: tuple[ArgumentDifference, ...]
    parameters: tuple[ParameterDifference, ...]

    @property
    def same(self) -> bool:
        """Whether the two load each other's state_dict."""
        return not self.arguments and not self.parameters


@dataclass(frozen=True)
class KeyRename:
    """One side's keys are the other's under another prefix: the rename that loads ours into
    theirs' model, as code."""

    old: str
    """The prefix ours' keys carry (``module.``), or ``""``."""
    new: str
    """The prefix theirs' keys carry instead, or ``""``."""
    code: str
    """``state_dict = {k.removeprefix("module."): v for k, v in checkpoint.items()}``."""
    ours_example: str
    """A key of ours (``module.lstm.weight_ih_l0``)..."""
    theirs_example: str
    """...and the same key as theirs names it (``lstm.weight_ih_l0``)."""
    keys_left: tuple[str, ...] = ()
    """Keys that still differ after the rename (other layers' keys outside the prefix)."""

    def to_dict(self) -> JSONDict:
        """JSON view, under the comparison's ``"rename"`` key."""
        return {
            "from": self.old,
            "to": self.new,
            "code": self.code,
            "keys_left": list(self.keys_left),
        }


@dataclass(frozen=True)
class Comparison:
    """A checkpoint's modules against another checkpoint's, or one module against given arguments."""

    ours: str
    """The checkpoint inspected."""
    theirs: str
    """What it is compared with: another file's path, or ``the arguments given``."""
    modules: tuple[ModuleComparison, ...]
    only_ours: tuple[str, ...] = ()
    only_theirs: tuple[str, ...] = ()
    rename: KeyRename | None = None
    """When the modules match only once one prefix is renamed: the rename."""

    @property
    def same(self) -> bool:
        """Whether every module matches, none on one side only, under the same keys."""
        return (
            all(m.same for m in self.modules)
            and not self.only_ours
            and not self.only_theirs
            and self.rename is None
        )

    def failures(self) -> list[LstmShapeError]:
        """One error per module that differs, one for the modules on one side only."""
        failures: list[LstmShapeError] = [] if self.rename is None else [_renamed(self)]
        failures += [_differs(self, m) for m in self.modules if not m.same]
        for names, side, other in (
            (self.only_ours, self.ours, self.theirs),
            (self.only_theirs, self.theirs, self.ours),
        ):
            if names:
                failures.append(
                    ConfigMismatchError(
                        words(
                            "{side} has recurrent modules that {other} has not: {names}.",
                            side=side,
                            other=other,
                            names=enumerated(n or top_level() for n in names),
                        ),
                        details=[
                            words(
                                "{call} reports their keys as missing or unexpected.",
                                call=_STRICT,
                            )
                        ],
                        # strict=False loads the modules both sides have: none here would be
                        # loaded, silently, so it is offered only when some would.
                        hint=words(
                            "Try the same model on both sides, or {code} to load the rest.",
                            code="strict=False",
                        )
                        if self.modules
                        else words("Try the same model on both sides."),
                    )
                )
        return failures

    def to_dict(self) -> JSONDict:
        """JSON view, under the inspection's ``"compared"`` key."""
        return {
            "against": self.theirs,
            "same": self.same,
            "modules": [
                {
                    "name": m.name,
                    "ours": m.ours,
                    "theirs": m.theirs,
                    "same": m.same,
                    "arguments": {
                        d.argument: {"ours": d.ours, "theirs": d.theirs} for d in m.arguments
                    },
                    "parameters": {
                        d.key: {
                            "ours": None if d.ours is None else list(d.ours),
                            "theirs": None if d.theirs is None else list(d.theirs),
                        }
                        for d in m.parameters
                    },
                }
                for m in self.modules
            ],
            "only_ours": list(self.only_ours),
            "only_theirs": list(self.only_theirs),
            "rename": None if self.rename is None else self.rename.to_dict(),
        }


_STRICT = "load_state_dict(strict=True)"


def _renamed(comparison: Comparison) -> LstmShapeError:
    """The error for two state_dicts whose keys differ by one prefix: the rename, as code."""
    rename = comparison.rename
    assert rename is not None
    details = [
        words(
            "DataParallel adds {dp}, torch.compile {compiled}, a Lightning module the name of "
            "its model's attribute ({lightning}): the keys change, the weights do not.",
            dp="module.",
            compiled="_orig_mod.",
            lightning="model.",
        )
    ]
    if rename.keys_left:
        shown = enumerated(rename.keys_left[:6]) + (", ..." if len(rename.keys_left) > 6 else "")
        details.append(
            nwords(
                "Renamed, {count} key still differs: {keys}.",
                "Renamed, {count} keys still differ: {keys}.",
                len(rename.keys_left),
                count=number(len(rename.keys_left)),
                keys=shown,
            )
        )
    return ConfigMismatchError(
        words(
            "{ours} names a key {ours_key} that {theirs} names {theirs_key}: the same modules "
            "under another prefix.",
            ours=comparison.ours,
            ours_key=rename.ours_example,
            theirs=comparison.theirs,
            theirs_key=rename.theirs_example,
        ),
        details=details,
        hint=words(
            "Try {read}, then {code}, then {load} on the model of {theirs}.",
            read=f"checkpoint = torch.load({json.dumps(comparison.ours)})",
            code=rename.code,
            load="load_state_dict(state_dict, strict=True)",
            theirs=comparison.theirs,
        ),
    )


def _differs(comparison: Comparison, module: ModuleComparison) -> LstmShapeError:
    name = module.name or top_level()
    said = ""
    for d in module.arguments:
        one = tr(
            "{argument} is {ours} in {here}, {theirs} in {there}",
            argument=d.argument,
            ours=repr(d.ours),
            here=comparison.ours,
            theirs=repr(d.theirs),
            there=comparison.theirs,
        )
        said = tr("{said}; {more}", said=said, more=one) if said else one
    shown = [d.text() for d in module.parameters[:6]]
    if len(module.parameters) > 6:
        shown.append(tr("and {count} more", count=number(len(module.parameters) - 6)))
    return ConfigMismatchError(
        words("{name}: {said}.", name=name, said=said)
        if said
        else words("{name}: the parameters differ.", name=name),
        details=[
            said_already(
                clauses(
                    [
                        labelled(comparison.ours, module.ours),
                        labelled(comparison.theirs, module.theirs),
                    ]
                )
                + "."
            ),
            words("{call} stops at:", call=_STRICT),
            *(said_already(f"  {line}") for line in shown),
        ],
        hint=words("Try {call} to load {path}.", call=module.ours, path=comparison.ours),
        subject=name,
    )


@dataclass(frozen=True)
class ConfigExpectation:
    """An expected constructor argument of a module (``encoder.lstm.hidden_size=256``)."""

    module: str
    argument: str
    expected: Value
    actual: Value

    @property
    def ok(self) -> bool:
        """Whether the module has the expected value."""
        return self.expected == self.actual

    @property
    def label(self) -> str:
        """``encoder.lstm.hidden_size``: the module and the argument, as written in an expectation."""
        return f"{self.module}.{self.argument}" if self.module else self.argument

    def error(self) -> LstmShapeError:
        """The failed expectation, with the value the checkpoint has as its fix."""
        said = {"setting": f"{self.argument}={self.actual!r}", "expected": repr(self.expected)}
        return ExpectationError(
            words("{name} has {setting}, not the expected {expected}.", name=self.module, **said)
            if self.module
            else words(
                "The checkpoint's module has {setting}, not the expected {expected}.", **said
            ),
            hint=words(
                "Try {fix}, or the checkpoint you meant.",
                fix=Fix.of({f"expect.{self.label}": self.actual}),
            ),
            subject=self.label,
            expected=self.expected,
            actual=self.actual,
        )

    def to_dict(self) -> JSONDict:
        """JSON view."""
        return {
            "module": self.module,
            "argument": self.argument,
            "expected": self.expected,
            "actual": self.actual,
            "ok": self.ok,
        }
