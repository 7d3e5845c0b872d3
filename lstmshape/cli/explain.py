"""The explain command (``lstmshape --input 4,3,10 --hidden 20``): options -> explain() -> views.

Options arrive as text and are read by lstmshape.reading.values; the library's errors are worded in the
command line's voice. Errors go to stderr with exit code 2 (unreadable value, module torch would
refuse) or 1 (a tensor that does not fit the module, a failed expectation, torch disagreeing);
results go to stdout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from rich.console import Console
from rich.text import Text

from lstmshape.cli.arguments import given
from lstmshape.cli.console import consoles, print_error, unwritable_output
from lstmshape.cli.voice import COMMAND_LINE
from lstmshape.commands.explain import explain
from lstmshape.errors import ExitStatus, LstmShapeError, UnreadableValueError, exit_status
from lstmshape.i18n import tr
from lstmshape.i18n.words import Arg, drop, fix, words
from lstmshape.proof import DEFAULT_BUDGET_BYTES
from lstmshape.reading.values import (
    read_argument,
    read_dtype,
    read_expectation,
    read_lengths,
    read_memory,
    read_shape,
)
from lstmshape.results.report import Report
from lstmshape.torchfacts.arguments import CONSTRUCTOR, MODULE
from lstmshape.torchfacts.kinds import ModuleKind, read_module
from lstmshape.torchfacts.rules import refuse_missing
from lstmshape.views import render
from lstmshape.views.output import write_text


@dataclass(frozen=True)
class ExplainOptions:
    """The explain command's question: its own options as typed, and the module's arguments by
    torch's names (the text typed on the command line, or the values a checkpoint holds)."""

    input: str
    arguments: Mapping[str, object]
    h0: str | None = None
    c0: str | None = None
    lengths: str | None = None
    unsorted: bool = False
    expect: tuple[str, ...] = ()
    cost: bool = False
    dtype: str | None = None
    verify: bool = False
    verify_budget: str | None = None
    deploy: bool = False
    diagram: bool = False
    export: str | None = None
    fmt: str = "table"

    @property
    def batch_first(self) -> bool:
        """Whether the input is (N, L, H_in), as the lengths are read against it."""
        return self.arguments.get("batch_first") is True


def explain_options(params: Mapping[str, Any]) -> ExplainOptions:
    """The question the explain command's options ask, from their values by parameter name (a
    click context's ``params``): its own options, and the module's arguments given."""
    own = {f.name for f in fields(ExplainOptions)} - {"arguments", "expect"}
    return ExplainOptions(
        **{name: value for name, value in params.items() if name in own},
        arguments=given(params, "explain"),
        expect=tuple(params.get("expect") or ()),
    )


def run_explain(options: ExplainOptions) -> int:
    """Explain, draw the report on stdout, say every failure on stderr; the exit code."""
    out, err = consoles()
    try:
        report = build_report(options)
        if options.export is not None:
            # Saved before anything is printed: a picture that cannot be written leaves no result.
            _export(report, options, err)
    except LstmShapeError as error:
        print_error(err, error)
        if options.fmt == "json" and exit_status([error]) == ExitStatus.NEGATIVE:
            # A negative answer is a result: CI reads why from stdout, as it reads a report.
            from lstmshape.views.text import error_json

            write_text(out, error_json(error, COMMAND_LINE))
        return exit_status([error])
    try:
        draw(report, options, out)
    except OSError as error:  # a full disk or a closed stream (a closed pipe is the console's)
        unwritten = unwritable_output(error)
        print_error(err, unwritten)
        return exit_status([unwritten])
    failures = report.failures()
    for failure in failures:
        print_error(err, failure)
    return exit_status(failures)


def build_report(options: ExplainOptions) -> Report:
    """The report the options ask for: explained, costed and verified as asked."""
    kind = read_module(options.arguments.get("module", MODULE.default))
    _refuse_combinations(options)
    refuse_missing(kind, options.arguments, options.arguments)
    if options.unsorted and options.lengths is None:
        raise UnreadableValueError(
            words(
                "{unsorted} is pack_padded_sequence's enforce_sorted=False: it needs {lengths}.",
                unsorted=Arg("enforce_sorted"),
                lengths=Arg("lengths"),
            ),
            hint=words(
                "Try adding {lengths} with one length per sequence, or {unsorted}.",
                lengths=Arg("lengths"),
                unsorted=drop("enforce_sorted"),
            ),
        )
    report = explain(**_explain_arguments(options, kind))
    if options.cost or options.dtype is not None:
        from lstmshape.commands.explain.cost import cost_of  # imported by the option that uses it

        report = replace(report, cost=cost_of(report, read_dtype(options.dtype or "float32")))
    budget = read_budget(options.verify, options.verify_budget)
    if options.verify:
        # Imported here: the explain path never loads the torch-facing package.
        from lstmshape.proof import verify

        report = verify(report, budget=budget)
    if options.deploy:
        from lstmshape.deploy import deploy  # the deployment knowledge loads with its option

        report = deploy(report, verify=options.verify)
    return report


def _refuse_combinations(options: ExplainOptions) -> None:
    if options.diagram and options.fmt != "table":
        raise UnreadableValueError(
            words(
                "{diagram} draws a picture in place of the tables; {format} has none.",
                diagram=Arg("diagram"),
                format=fix(format=options.fmt),
            ),
            hint=words(
                "Try {diagram} without {format}, or {export} to save it.",
                diagram=Arg("diagram"),
                format=Arg("format"),
                export=fix(export="FILE.svg"),
            ),
        )
    if options.export is not None:
        from lstmshape.views.export import export_kind  # imported only when asked for

        export_kind(options.export)


def _explain_arguments(options: ExplainOptions, kind: ModuleKind) -> dict[str, Any]:
    """explain()'s keyword arguments, each option read by the reader for its kind of value."""
    input_shape = read_shape(options.input, "input")
    packed = (
        None
        if options.lengths is None
        else read_lengths(options.lengths, input_shape, options.batch_first)
    )
    names = kind.tensor_names if packed is None else kind.packed_tensor_names

    arguments: dict[str, Any] = {"input": input_shape}
    for argument in CONSTRUCTOR:  # in the order lstmshape reads them
        if argument.name in options.arguments:
            arguments[argument.name] = read_argument(argument, options.arguments[argument.name])
    arguments |= {
        "module": kind,
        "expect": [read_expectation(text, names) for text in options.expect],
        "lengths": packed,
        "enforce_sorted": not options.unsorted,
    }
    for name, text in (("h_0", options.h0), ("c_0", options.c0)):
        arguments[name] = None if text is None else _read_state(text, name, arguments)
    return arguments


def _read_state(text: str, name: str, arguments: dict[str, Any]) -> tuple[int, ...]:
    """A state's shape; if it is unreadable, the fix is the shape this module needs."""
    try:
        return read_shape(text, name, (2, 3, 20))
    except UnreadableValueError as error:
        stateless = {k: v for k, v in arguments.items() if k not in ("h_0", "c_0", "expect")}
        try:
            right = explain(**stateless).tensor(name).shape
        except (LstmShapeError, KeyError):  # the rest does not fit either, or no such state
            raise error from None
        raise error.with_words(hint=words("Try {a}.", a=fix(**{name: right}))) from None


def read_budget(verify: bool, text: str | None) -> int:
    """--verify-budget in bytes (1 GiB unless given); refused without --verify."""
    if text is None:
        return DEFAULT_BUDGET_BYTES
    if not verify:
        raise UnreadableValueError(
            words(
                "{budget} sets how much memory {verify} may spend: it needs {verify}.",
                budget=Arg("verify_budget"),
                verify=Arg("verify"),
            ),
            hint=words(
                "Try adding {verify}, or {budget}.",
                verify=fix(verify=True),
                budget=drop("verify_budget"),
            ),
        )
    return read_memory(text, "verify_budget")


def draw(report: Report, options: ExplainOptions, out: Console) -> None:
    """The report on stdout: the diagram, or the format asked for."""
    if options.diagram:
        from lstmshape.views.diagram import render_diagram

        render_diagram(report, out)
    else:
        render(report, options.fmt, out)


def _export(report: Report, options: ExplainOptions, err: Console) -> None:
    from lstmshape.views.export import export

    assert options.export is not None
    saved = export(report, options.export, diagram=options.diagram)
    said = (
        tr("Saved the diagram as {kind}: {path}", kind=saved, path=options.export)
        if options.diagram
        else tr("Saved the tables as {kind}: {path}", kind=saved, path=options.export)
    )
    err.print(Text(said), soft_wrap=True)
