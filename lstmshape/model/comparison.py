"""A checkpoint's modules compared with another checkpoint's or with given arguments, and expectations
on a module's arguments: plain, frozen data, and the errors they make when they differ."""

from __future__ import annotations

from dataclasses import dataclass

from lstmshape.errors import ConfigMismatchError, ExpectationError, LstmShapeError
from lstmshape.model.contract import JSONDict
from lstmshape.model.text import format_shape
from lstmshape.words import Fix, Value, words

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
        ours = "missing" if self.ours is None else format_shape(self.ours)
        theirs = "missing" if self.theirs is None else format_shape(self.theirs)
        return f"{self.key}: {ours} here, {theirs} there"


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
class Comparison:
    """A checkpoint's modules against another checkpoint's, or one module against given arguments."""

    ours: str
    """The checkpoint inspected."""
    theirs: str
    """What it is compared with: another file's path, or ``the arguments given``."""
    modules: tuple[ModuleComparison, ...]
    only_ours: tuple[str, ...] = ()
    only_theirs: tuple[str, ...] = ()

    @property
    def same(self) -> bool:
        """Whether every module matches, none on one side only."""
        return all(m.same for m in self.modules) and not self.only_ours and not self.only_theirs

    def failures(self) -> list[LstmShapeError]:
        """One error per module that differs, one for the modules on one side only."""
        failures: list[LstmShapeError] = [_differs(self, m) for m in self.modules if not m.same]
        for names, side, other in (
            (self.only_ours, self.ours, self.theirs),
            (self.only_theirs, self.theirs, self.ours),
        ):
            if names:
                failures.append(
                    ConfigMismatchError(
                        f"{side} has recurrent modules that {other} has not: "
                        f"{', '.join(n or '(top level)' for n in names)}.",
                        details=[
                            "load_state_dict(strict=True) reports their keys as missing or "
                            "unexpected."
                        ],
                        hint="Try the same model on both sides, or strict=False to load the rest.",
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
        }


def _differs(comparison: Comparison, module: ModuleComparison) -> LstmShapeError:
    name = module.name or "(top level)"
    said = "; ".join(
        f"{d.argument} is {d.ours!r} in {comparison.ours}, {d.theirs!r} in {comparison.theirs}"
        for d in module.arguments
    )
    shown = [d.text() for d in module.parameters[:6]]
    if len(module.parameters) > 6:
        shown.append(f"and {len(module.parameters) - 6:,} more")
    return ConfigMismatchError(
        f"{name}: {said or 'the parameters differ'}.",
        details=[
            f"{comparison.ours}: {module.ours}; {comparison.theirs}: {module.theirs}.",
            "load_state_dict(strict=True) stops at:",
            *(f"  {line}" for line in shown),
        ],
        hint=f"Try {module.ours} to load {comparison.ours}.",
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
        """``encoder.lstm.hidden_size``: the module and the argument, as written in --expect."""
        return f"{self.module}.{self.argument}" if self.module else self.argument

    def error(self) -> LstmShapeError:
        """The failed expectation, with the value the checkpoint has as its fix."""
        name = self.module or "The checkpoint's module"
        return ExpectationError(
            f"{name} has {self.argument}={self.actual!r}, not the expected {self.expected!r}.",
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
