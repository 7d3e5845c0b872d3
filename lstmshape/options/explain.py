"""The explain command's question, as typed (``--input 4,3,10 --hidden 20 --h0 1,3,20``), read
into a report: each option by the reader for its kind of value, in the order the command line has
always read them, then explained, costed, verified and deployed as asked.

The command line (cli/explain.py, cli/inspect.py) and the %lstmshape magic (notebook.py) both ask
this way, so that they cannot read a question, or refuse one, differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from lstmshape.commands.explain import explain
from lstmshape.errors import LstmShapeError, UnreadableValueError
from lstmshape.i18n.words import Arg, drop, fix, words
from lstmshape.proof import DEFAULT_BUDGET_BYTES
from lstmshape.reading.names import read_expectation
from lstmshape.reading.values import (
    read_argument,
    read_dtype,
    read_lengths,
    read_memory,
    read_shape,
)
from lstmshape.results.report import Report
from lstmshape.torchfacts.arguments import CONSTRUCTOR, MODULE
from lstmshape.torchfacts.kinds import ModuleKind, read_module
from lstmshape.torchfacts.rules import refuse_missing


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
