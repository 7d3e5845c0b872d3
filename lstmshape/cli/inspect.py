"""The inspect command (``lstmshape inspect CHECKPOINT``): which recurrent modules a checkpoint holds.

The file is read by :mod:`lstmshape.commands.inspect.checkpoint` (no torch, nothing in it runs); the modules come from
the pure core (:mod:`lstmshape.commands.inspect.weights`). Options compare them with another checkpoint or with the
module the user meant, assert their arguments, and explain one for an input as the main command
does. The checkpoint fixes a module's arguments, so no fix offered here changes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from lstmshape.cli.console import consoles, print_error
from lstmshape.errors import LstmShapeError, UnreadableValueError, exit_status
from lstmshape.i18n import N_, tr
from lstmshape.i18n.words import Arg, Fix, Typed, Value, words
from lstmshape.reading.values import read_argument
from lstmshape.results.comparison import Comparison
from lstmshape.results.inspection import CheckpointModule, Inspection, unsafe_error
from lstmshape.results.report import Report
from lstmshape.torchfacts.arguments import ARGUMENTS, BY_NAME, CONSTRUCTOR, MODULE
from lstmshape.torchfacts.kinds import read_module
from lstmshape.torchfacts.rules import refuse_missing
from lstmshape.torchfacts.spec import ModuleSpec

# The arguments a checkpoint fixes: a fix that changes one cannot be followed here.
_FIXED = frozenset(argument.name for argument in ARGUMENTS if argument.in_weights)


@dataclass(frozen=True)
class InputOptions:
    """What to explain a module for, as typed with the main command's options, and the module's
    arguments the weights do not fix (by torch's names, as typed)."""

    input: str | None = None
    arguments: Mapping[str, object] = field(default_factory=dict)
    h0: str | None = None
    c0: str | None = None
    lengths: str | None = None
    unsorted: bool = False
    cost: bool = False
    dtype: str | None = None


@dataclass(frozen=True)
class InspectOptions:
    """The inspect command's options as typed; ``config`` is the module the user meant, by
    torch's names (as typed; those not given left out)."""

    checkpoint: str
    module_name: str | None = None
    against: str | None = None
    config: Mapping[str, object] = field(default_factory=dict)
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
        return exit_status([error])
    from lstmshape.views.inspection import render_inspection

    render_inspection(inspection, options.fmt, out)
    failures = [for_checkpoint(failure) for failure in (*inspection.failures(), *others)]
    for failure in failures:
        print_error(err, failure)
    return exit_status(failures)


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
    elif options.config:
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

    if options.config:
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


def _against_config(
    path: str, module: CheckpointModule, config: Mapping[str, object]
) -> Comparison:
    """The module against the one the user describes: the class, hidden_size and each argument at
    its value or torch's default; input_size only when given."""
    from lstmshape.commands.inspect.weights.compare import compare_with_spec

    if "hidden_size" not in config:
        raise UnreadableValueError(
            words(
                "The module to compare with needs its {hidden}.",
                hidden=Arg("hidden_size"),
            ),
            hint=words("Try {fix}.", fix=Fix.of({"hidden_size": module.spec.hidden_size})),
        )
    kind = read_module(config.get("module", MODULE.default))
    refuse_missing(kind, config, config)
    arguments: dict[str, Any] = {"input_size": module.spec.input_size}
    for argument in CONSTRUCTOR:  # in the order lstmshape reads them
        if argument.name in config:
            arguments[argument.name] = read_argument(argument, config[argument.name])
    spec = ModuleSpec(**arguments, kind=kind)
    # Each argument the weights fix is compared, at torch's default when not given; input_size
    # only when given (the checkpoint's own is taken otherwise).
    compared = {a.name for a in CONSTRUCTOR if a.in_weights and a.name != "input_size"}
    if "input_size" in config:
        compared.add("input_size")
    return compare_with_spec(module, spec, path, compared)


def explain_module(
    module: CheckpointModule, options: InputOptions, expect: tuple[str, ...], fmt: str
) -> Report:
    """The main command's report of ``module`` for the input asked for: the checkpoint's
    arguments, with batch_first, dropout and nonlinearity (not in the weights) as given, else as
    a pickled module holds them."""
    spec = module.spec
    # The weights' arguments as the checkpoint holds them (values, not text); those the weights do
    # not fix as given, else as a pickled module holds them, else torch's defaults.
    arguments: dict[str, object] = {"module": spec.kind}
    for name in spec.kind.arguments:
        if BY_NAME[name].in_weights:
            arguments[name] = getattr(spec, name)
        elif name in options.arguments:
            arguments[name] = options.arguments[name]
        elif name in module.from_file:
            arguments[name] = getattr(spec, name)
    for name, value in options.arguments.items():
        arguments.setdefault(name, value)  # one the class does not take: refused as torch does
    from lstmshape.options.explain import ExplainOptions, build_report  # loads with --input

    explain = ExplainOptions(
        input=options.input or "",
        arguments=arguments,
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
