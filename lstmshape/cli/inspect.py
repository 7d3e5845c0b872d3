"""The inspect command (``lstmshape inspect CHECKPOINT``): which recurrent modules a checkpoint holds.

The file is read by :mod:`lstmshape.commands.inspect.checkpoint` (no torch, nothing in it runs); the modules come from
the pure core (:mod:`lstmshape.commands.inspect.weights`). Options compare them with another checkpoint or with the
module the user meant, assert their arguments, and explain one for an input as the main command
does. The checkpoint fixes a module's arguments, so no fix offered here changes them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from lstmshape.cli.console import consoles, print_error
from lstmshape.cli.explain import ExplainOptions, build_report
from lstmshape.errors import LstmShapeError, UnreadableValueError
from lstmshape.i18n import N_, tr
from lstmshape.i18n.words import Arg, Fix, Typed, Value, words
from lstmshape.reading.values import read_int
from lstmshape.results.comparison import Comparison
from lstmshape.results.inspection import CheckpointModule, Inspection, unsafe_error
from lstmshape.results.report import Report
from lstmshape.torchfacts.kinds import read_module
from lstmshape.torchfacts.rules import refuse_missing
from lstmshape.torchfacts.spec import ModuleSpec

# The arguments a checkpoint fixes: a fix that changes one cannot be followed here.
_FIXED = frozenset(
    ("module", "input_size", "hidden_size", "num_layers", "bias", "bidirectional", "proj_size")
)


class ConfigOptions(NamedTuple):
    """The module the user meant, as typed with the main command's options (None: not given)."""

    hidden: str | None = None
    module: str | None = None
    layers: str | None = None
    bidirectional: bool = False
    proj_size: str | None = None
    no_bias: bool = False
    input_size: str | None = None

    @property
    def given(self) -> bool:
        """Whether any of them was given."""
        return any(value not in (None, False) for value in self)


class InputOptions(NamedTuple):
    """What to explain a module for, as typed with the main command's options."""

    input: str | None = None
    batch_first: bool = False
    nonlinearity: str | None = None
    dropout: str | None = None
    h0: str | None = None
    c0: str | None = None
    lengths: str | None = None
    unsorted: bool = False
    cost: bool = False
    dtype: str | None = None


class InspectOptions(NamedTuple):
    """The inspect command's options as typed."""

    checkpoint: str
    module_name: str | None = None
    against: str | None = None
    config: ConfigOptions = ConfigOptions()
    explain: InputOptions = InputOptions()
    expect: tuple[str, ...] = ()
    fmt: str = "table"


def run_inspect(options: InspectOptions) -> int:
    """Inspect, draw on stdout, say every failure on stderr; the exit code."""
    out, err = consoles()
    try:
        inspection, others = build_inspection(options)
    except LstmShapeError as error:
        print_error(err, error)
        return error.exit_code
    from lstmshape.views.inspection import render_inspection

    render_inspection(inspection, options.fmt, out)
    failures = [for_checkpoint(failure) for failure in (*inspection.failures(), *others)]
    for failure in failures:
        print_error(err, failure)
    return max((failure.exit_code for failure in failures), default=0)


def build_inspection(options: InspectOptions) -> tuple[Inspection, list[LstmShapeError]]:
    """The inspection the options ask for, and the failures of the other checkpoint, if any."""
    from lstmshape.commands.inspect.checkpoint.inspect import inspect_checkpoint
    from lstmshape.commands.inspect.weights.expect import check_expectations, is_config_expectation

    inspection = inspect_checkpoint(options.checkpoint)
    configs = tuple(text for text in options.expect if is_config_expectation(text))
    tensors = tuple(text for text in options.expect if not is_config_expectation(text))
    if tensors and options.explain.input is None:
        raise _tensor_needs_input(inspection, options.module_name, tensors[0])
    if options.module_name is not None:
        chosen(inspection, options.module_name)
    others: list[LstmShapeError] = []
    comparison = None
    if options.against is not None:
        comparison, others = _against_file(inspection, options)
    elif options.config.given:
        module = chosen(inspection, options.module_name)
        comparison = _against_config(inspection.path, module, options.config)
    explained = None
    if options.explain.input is not None:
        module = chosen(inspection, options.module_name)
        explained = (module.name, explain_module(module, options.explain, tensors, options.fmt))
    return (
        replace(
            inspection,
            comparison=comparison,
            expectations=check_expectations(inspection.modules, configs),
            explained=explained,
        ),
        others,
    )


def _tensor_needs_input(inspection: Inspection, name: str | None, text: str) -> LstmShapeError:
    """An expected tensor shape without an input: the fix adds an input the module takes (and the
    module's name, when the checkpoint holds several)."""
    named = [m for m in inspection.modules if m.name == name] or list(inspection.modules)
    settings: dict[str, Value] = {}
    if named:
        module = named[0]
        if name is None and len(inspection.modules) > 1:
            settings["module_name"] = module.name
        width = module.spec.input_size
        settings["input"] = (3, width) if module.spec.kind.is_cell else (4, 3, width)
    return UnreadableValueError(
        words(
            "{typed} names a tensor: its shape depends on the input, so it needs {input}.",
            typed=Typed("expect", text),
            input=Arg("input"),
        ),
        details=[
            words(
                "A module's argument is MODULE.ARGUMENT=VALUE, e.g. {example}.",
                example="lstm.hidden_size=256",
            )
        ],
        hint=words("Try adding {fix}.", fix=Fix.of(settings)) if settings else _NO_MODULE_HINT,
    )


def chosen(inspection: Inspection, name: str | None) -> CheckpointModule:
    """The module ``name`` (its state_dict prefix), or the only one when no name is given."""
    names = [m.name for m in inspection.modules]
    if name is None and len(names) == 1:
        return inspection.modules[0]
    if name is not None and name in names:
        return inspection.module(name)
    listed = ", ".join(m.shown_name for m in inspection.modules) or tr("none")
    path = inspection.path
    if not names:
        message = words("{path} holds no recurrent module.", path=path)
    elif name is None:
        message = words(
            "{path} holds {count} recurrent modules: which one?", path=path, count=len(names)
        )
    else:
        message = words("{path} has no recurrent module named {name}.", path=path, name=repr(name))
    return _refuse(
        UnreadableValueError(
            message,
            details=[words("Its recurrent modules: {names}.", names=listed)],
            hint=words("Try {fix}.", fix=Fix.of({"module_name": names[0]}))
            if names
            else _NO_MODULE_HINT,
        )
    )


_NO_MODULE_HINT = words("Try a checkpoint that holds an nn.LSTM, nn.GRU, nn.RNN or a cell.")


def _refuse(error: LstmShapeError) -> CheckpointModule:
    raise error


def _against_file(
    inspection: Inspection, options: InspectOptions
) -> tuple[Comparison, list[LstmShapeError]]:
    from lstmshape.commands.inspect.checkpoint.inspect import inspect_checkpoint
    from lstmshape.commands.inspect.weights.compare import compare_checkpoints

    if options.config.given:
        raise UnreadableValueError(
            words(
                "{against} compares with another checkpoint; {hidden} and the options beside it "
                "describe a module to compare with: one or the other.",
                against=Arg("against"),
                hidden=Arg("hidden_size"),
            ),
            hint=words("Try {against} alone.", against=Arg("against")),
        )
    assert options.against is not None
    theirs = inspect_checkpoint(options.against)
    others = [unsafe_error(theirs.path, theirs.unsafe, theirs.torch_says)] if theirs.unsafe else []
    return compare_checkpoints(inspection, theirs), others


def _against_config(path: str, module: CheckpointModule, config: ConfigOptions) -> Comparison:
    """The module against the one the user describes: the class, hidden_size and each argument at
    its value or torch's default; input_size only when given."""
    from lstmshape.commands.inspect.weights.compare import compare_with_spec

    if config.hidden is None:
        raise UnreadableValueError(
            words(
                "The module to compare with needs its {hidden}.",
                hidden=Arg("hidden_size"),
            ),
            hint=words("Try {fix}.", fix=Fix.of({"hidden_size": module.spec.hidden_size})),
        )
    kind = read_module(config.module or "LSTM")
    given: dict[str, object] = {
        "num_layers": config.layers,
        "proj_size": config.proj_size,
        "bidirectional": config.bidirectional or None,
    }
    refuse_missing(kind, [k for k, v in given.items() if v is not None], given)
    arguments: dict[str, object] = {
        "input_size": module.spec.input_size
        if config.input_size is None
        else read_int(config.input_size, "input_size", 10),
        "hidden_size": read_int(config.hidden, "hidden_size", 20),
        "bias": not config.no_bias,
    }
    if config.layers is not None:
        arguments["num_layers"] = read_int(config.layers, "num_layers", 2)
    if config.proj_size is not None:
        arguments["proj_size"] = read_int(config.proj_size, "proj_size", 0)
    if config.bidirectional:
        arguments["bidirectional"] = True
    spec = ModuleSpec(**arguments, kind=kind)  # type: ignore[arg-type]
    compared = {"hidden_size", "num_layers", "bias", "bidirectional", "proj_size"}
    if config.input_size is not None:
        compared.add("input_size")
    return compare_with_spec(module, spec, path, compared)


def explain_module(
    module: CheckpointModule, options: InputOptions, expect: tuple[str, ...], fmt: str
) -> Report:
    """The main command's report of ``module`` for the input asked for: the checkpoint's
    arguments, with batch_first, dropout and nonlinearity (not in the weights) as given, else as
    a pickled module holds them."""
    spec = module.spec
    saved = {name: getattr(spec, name) for name in module.from_file}
    explain = ExplainOptions(
        input=options.input or "",
        hidden=str(spec.hidden_size),
        module=spec.kind.name,
        nonlinearity=options.nonlinearity or _said(saved.get("nonlinearity")),
        layers=None if spec.kind.is_cell else str(spec.num_layers),
        bidirectional=spec.bidirectional,
        batch_first=options.batch_first or saved.get("batch_first") is True,
        proj_size=str(spec.proj_size) if spec.proj_size else None,
        dropout=options.dropout or _said(saved.get("dropout")),
        no_bias=not spec.bias,
        input_size=str(spec.input_size),
        h0=options.h0,
        c0=options.c0,
        lengths=options.lengths,
        unsorted=options.unsorted,
        expect=expect,
        cost=options.cost,
        dtype=options.dtype,
        fmt=fmt,
    )
    try:
        return build_report(explain)
    except LstmShapeError as error:
        raise for_checkpoint(error) from None


def _said(value: object) -> str | None:
    """A value read from the file, as an option would give it."""
    return None if value is None else str(value)


def for_checkpoint(error: LstmShapeError) -> LstmShapeError:
    """``error`` with only the fixes a checkpoint allows: none that changes the module's arguments
    (the checkpoint fixes them); the tensors, batch_first and the like may change."""
    fixes = error.fixes
    kept = [fix for fix in fixes if not any(c.argument in _FIXED for c in fix.changes)]
    template = error.hint_words.template if error.hint_words is not None else ""
    if len(kept) == len(fixes) and "module's arguments" not in template:
        return error
    if not kept:
        return error.with_words(
            hint=words("The checkpoint fixes the module's arguments: the tensors must fit them.")
        )
    # A fix that leaves an argument out says "without --flag" itself: every voice does.
    said = {f"fix{i}": f for i, f in enumerate(kept[: len(_TRY)])}
    return error.with_words(hint=words(_TRY[len(said) - 1], **said))  # i18n: extracted where made


# The fixes a checkpoint allows, one to three (no hint of lstmshape's proposes more than two).
_TRY = (
    N_("Try {fix0}."),
    N_("Try {fix0}, or {fix1}."),
    N_("Try {fix0}, or {fix1}, or {fix2}."),
)
