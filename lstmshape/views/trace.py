"""A trace in every format: one table per call of a recurrent layer (each tensor, its shape, its
axes, and what torch produced), the layers never called, the expected shapes, and the failure.

A layer called again and again alike (a decoder's cell stepped 200 times) is one table: the calls
of a layer that follow each other and got and returned the same shapes, at the same line, fold
into one, titled with their numbers and count (``decoder#2 to #200, 199 identical calls``). The
JSON keeps every call.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import NamedTuple

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from lstmshape.i18n import N_, tr
from lstmshape.i18n.lines import wrap as wrapped
from lstmshape.i18n.lines import wrap_hanging
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.text import aligned, format_shape
from lstmshape.i18n.typography import labelled
from lstmshape.results.trace import Trace, TracedCall
from lstmshape.views.output import trimmed, write_text
from lstmshape.views.plain_table import section_lines
from lstmshape.views.section import Section
from lstmshape.views.text import json_text, markdown_escape
from lstmshape.views.wrapping import Prose, print_wrapped

# The tables' headings and the torch column's words, marked here and said in the trace's language.
_COLUMNS = (N_("tensor"), N_("shape"), N_("axes"), N_("torch"))
_EXPECTED_COLUMNS = (N_("expected"), N_("shape"), N_("traced"), N_("result"))
AGREES = N_("agrees")
NOT_RUN = N_("not run")
NOT_PASSED = N_("zeros (not passed)")
RESULTS = {True: N_("ok"), False: N_("MISMATCH")}


def _said(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(tr(word) for word in words)  # i18n: extracted where made


def heading(trace: Trace) -> str:
    """``Tagger on (8, 5) int64: 2 recurrent calls, ok``."""
    return trace.summary()


class Shown(NamedTuple):
    """One table of the trace: a call, or ``calls`` calls of its layer alike, numbered from its
    ``call.call`` on."""

    call: TracedCall
    calls: int = 1
    first: bool = True
    """Whether it is its layer's first table: the layer's warnings are said there, once."""

    @property
    def label(self) -> str:
        """``decoder#2``, or ``decoder#2 to #200, 199 identical calls`` for calls folded."""
        if self.calls == 1:
            return self.call.label
        first = self.call.call
        return tr(
            "{first} to #{last}, {count} identical calls",
            first=f"{self.call.path}#{first}",
            last=first + self.calls - 1,
            count=self.calls,
        )


def _alike(call: TracedCall) -> Hashable:
    """What a call's table and notes show, but its number: calls equal in it fold into one."""
    return (call.path, call.module, call.site, call.received, call.torch_shapes, call.kernel,
            call.direct)  # fmt: skip


def shown_calls(calls: Sequence[TracedCall]) -> list[Shown]:
    """The trace's tables, in call order: each layer's calls that follow each other (the next
    call of that layer, whatever other layers ran between) and are alike folded into one."""
    shown: list[Shown] = []
    last: dict[str, int] = {}  # a layer's path -> the index of its latest table in ``shown``
    for call in calls:
        at = last.get(call.path)
        if at is not None:
            table = shown[at]
            if table.call.call + table.calls == call.call and _alike(table.call) == _alike(call):
                shown[at] = table._replace(calls=table.calls + 1)
                continue
        shown.append(Shown(call, first=call.path not in last))
        last[call.path] = len(shown) - 1
    return shown


def call_title(call: TracedCall | Shown) -> str:
    """``encoder.lstm: nn.LSTM(16, 32, batch_first=True)``, and the class if it is a subclass."""
    shown = call if isinstance(call, Shown) else Shown(call)
    call, label = shown.call, shown.label
    label = label or call.module  # the traced model is the layer itself: its path is ""
    if call.report is None:
        return labelled(label, call.module)
    torch_call = call.report.spec.torch_call()
    if call.module == call.report.module:
        return labelled(label, torch_call)
    return tr("{label}: {call} (class {module})", label=label, call=torch_call, module=call.module)


def call_rows(call: TracedCall) -> list[tuple[str, str, str, str]]:
    """Each tensor of the call: name, shape, axes, and what torch produced."""
    return [(name, shape, axes, _torch_said(torch)) for name, shape, axes, torch in _rows(call)]


def _torch_said(torch: str) -> str:
    """The torch column's word in the trace's language (a shape as it is)."""
    if torch not in (AGREES, NOT_RUN, NOT_PASSED):
        return torch
    return tr(torch)  # i18n: extracted where made


def _rows(call: TracedCall) -> list[tuple[str, str, str, str]]:
    """call_rows with the torch column's English key (AGREES, NOT_RUN, NOT_PASSED) or a shape."""
    if call.report is None:
        return []
    seen = dict(call.torch_shapes)
    rows = []
    for tensor in call.report.tensors:
        if tensor.name in seen:
            torch = AGREES if seen[tensor.name] == tensor.shape else format_shape(seen[tensor.name])
        elif call.kernel == "lstmshape" and tensor.role == "output":
            torch = NOT_RUN
        elif tensor.name in ("h_0", "c_0"):
            torch = NOT_PASSED
        else:
            torch = ""
        # Symbols with their sizes (L=4, N=3), written as a formula in every language.
        axes = ", ".join(d.label() for d in tensor.dims)
        rows.append((tensor.name, format_shape(tensor.shape), axes, torch))
    return rows


# The report's notes that stand for a warning torch gives, which the trace keeps from the user
# (torch's warnings are not the tool's words): said under the layer's first table. Every note is
# in the JSON, in each call's report.
WARNED = ("dropout_single_layer",)


def call_notes(shown: TracedCall | Shown) -> list[str]:
    """What a reader needs beside the table: where it was called, which kernel ran, and (under its
    layer's first table) what torch would have warned of."""
    shown = shown if isinstance(shown, Shown) else Shown(shown)
    call = shown.call
    notes = [] if call.site is None else [tr("called at {site}", site=call.site)]
    if shown.first and call.report is not None:
        notes += [note.text for note in call.report.notes if note.id in WARNED]
    if call.direct:
        notes.append(
            tr(
                "{layer}.forward(...) was called directly: torch runs no hooks on such a call, so "
                "hooks of your own miss it; lstmshape saw it through the layer's forward.",
                layer=call.path or "model",  # code: model.forward(...)
            )
        )
    if call.kernel == "lstmshape":
        notes.append(
            tr(
                "torch's shape-only kernel steps through every time step in Python here, so torch "
                "ran this layer on the first step alone: its checks, h_n and c_n are torch's; "
                "output's L is lstmshape's (held against torch by its tests)."
            )
        )
    return notes


def _others(trace: Trace) -> list[str]:
    failed = trace.failure if trace.failure is not None and trace.failure.recurrent else None
    called = {c.path for c in trace.calls} | ({failed.path} if failed is not None else set())
    never = [f"{p} ({m})" for p, m in trace.recurrent if p not in called]
    lines = []
    if not trace.recurrent:
        lines.append(
            tr(
                "{model} holds no recurrent layer ({kinds}).",
                model=trace.model,
                kinds=tr("nn.LSTM, GRU, RNN or a cell"),
            )
        )
    elif never:
        lines.append(tr("Never called: {paths}.", paths=enumerated(never)))
    if failed is not None:
        lines.append(
            tr(
                "Failed: {path} ({module}), the error says why.",
                path=trace.failed_name(),
                module=failed.module,
            )
        )
    return lines


def _expectation_rows(trace: Trace) -> list[tuple[str, str, str, str]]:
    return [
        (
            e.name,
            format_shape(e.expected),
            "-" if e.traced is None else format_shape(e.traced),
            tr(RESULTS[e.ok]),  # i18n: extracted where made
        )
        for e in trace.expectations
    ]


def render_trace(trace: Trace, console: Console, *, failure: bool = True) -> None:
    """The table view on ``console``; the failure in red below, unless the caller says it apart
    (the command line writes it on stderr)."""
    with trimmed(console):
        print_wrapped(console, heading(trace), style="bold")
        print_wrapped(console, trace.how, style="dim")
        for shown in shown_calls(trace.calls):
            call = shown.call
            console.print()
            print_wrapped(console, call_title(shown), style="bold")
            table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
            for index, column in enumerate(_said(_COLUMNS)):
                table.add_column(column, overflow="fold", no_wrap=index < 2)
            for name, shape, axes, torch in _rows(call):
                said = (AGREES, "", NOT_RUN, NOT_PASSED)
                style = "" if torch in said else "bold red"
                table.add_row(
                    Text(name, style="bold"), Text(shape, style="cyan"), Prose(axes),
                    Text(_torch_said(torch),
                         style=style or ("green" if torch == AGREES else "dim")),
                )  # fmt: skip
            console.print(table)
            for note in call_notes(shown):
                print_wrapped(console, note, style="dim")
        others = _others(trace)
        if others:
            console.print()
        for line in others:
            print_wrapped(console, line)
        if trace.expectations:
            _expectation_table(trace, console)
        _deployment(trace, console)
        if failure and trace.failure is not None:
            console.print()
            lines = trace.failure.error.lines(trace.failure.voice)
            print_wrapped(console, tr("Error:") + " " + lines[0], style="bold red")
            for line in lines[1:]:
                print_wrapped(console, line)


def _deployment(trace: Trace, console: Console) -> None:
    """trace --deploy's verdicts, when it was asked."""
    if trace.deploy is None:
        return
    from lstmshape.views.trace_deploy import deploy_lines

    console.print()
    for line in deploy_lines(trace.deploy):
        console.print(Text(line), soft_wrap=True)


def _expectation_table(trace: Trace, console: Console) -> None:
    console.print()
    console.print(Text(tr("Expected"), style="bold"))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for column in _said(_EXPECTED_COLUMNS):
        table.add_column(column, no_wrap=True)
    for e, row in zip(trace.expectations, _expectation_rows(trace), strict=True):
        style = "green" if e.ok else "bold red"
        table.add_row(row[0], row[1], row[2], Text(row[3], style=style))
    console.print(table)


def trace_plain(trace: Trace, *, failure: bool = True, width: int | None = None) -> str:
    """Aligned text, no colour: the same tables, for logs and print(trace); every line fits
    ``width`` columns when given (the command line's COLUMNS), the axes wrapping in their column."""
    fit = width or 100

    def line(text: str) -> list[str]:
        return wrapped(text, width) if width else [text]

    lines = [*line(heading(trace)), *wrapped(trace.how, fit)]
    for shown in shown_calls(trace.calls):
        lines += ["", *line(call_title(shown))]
        table = Section(
            "", _said(_COLUMNS), tuple(call_rows(shown.call)), words=(2,), formulas=(2,)
        )
        lines += section_lines(table, width)
        # A call's note is indented two columns, its continuation two more (hanging).
        lines += [part for note in call_notes(shown) for part in wrap_hanging(f"  {note}", fit)]
    others = _others(trace)
    if others:
        lines += ["", *others]
    if trace.expectations:
        lines += ["", tr("Expected")]
        lines += _aligned([_said(_EXPECTED_COLUMNS), *_expectation_rows(trace)])
    if trace.deploy is not None:
        from lstmshape.views.trace_deploy import deploy_lines

        lines += ["", *deploy_lines(trace.deploy)]
    if failure and trace.failure is not None:
        lines += ["", *_error_lines(trace)]
    return "\n".join(lines) + "\n"


def _error_lines(trace: Trace) -> list[str]:
    assert trace.failure is not None
    first, *rest = trace.failure.error.lines(trace.failure.voice)
    return [f"{tr('Error:')} {first}", *rest]


def _aligned(rows: list[tuple[str, ...]]) -> list[str]:
    return aligned(rows)


def trace_markdown(trace: Trace) -> str:
    """GitHub-flavoured Markdown: the heading, then one table per call."""
    lines = [f"**{markdown_escape(heading(trace))}**", "", markdown_escape(trace.how)]
    for shown in shown_calls(trace.calls):
        lines += ["", f"#### {markdown_escape(call_title(shown))}", ""]
        lines += _markdown_table(_said(_COLUMNS), call_rows(shown.call))
        notes = call_notes(shown)
        if notes:
            lines += ["", *(markdown_escape(note) for note in notes)]
    others = _others(trace)
    if others:
        lines += ["", *(markdown_escape(line) for line in others)]
    if trace.expectations:
        lines += ["", f"#### {markdown_escape(tr('Expected'))}", ""]
        lines += _markdown_table(_said(_EXPECTED_COLUMNS), _expectation_rows(trace))
    if trace.deploy is not None:
        from lstmshape.views.trace_deploy import deploy_lines

        lines += ["", "```", *deploy_lines(trace.deploy), "```"]
    return "\n".join(lines) + "\n"


def _markdown_table(columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(markdown_escape(cell) for cell in row) + " |" for row in rows),
    ]


def render_trace_format(trace: Trace, fmt: str, console: Console) -> None:
    """The trace on ``console`` in ``fmt`` (the failure is the caller's to say, on stderr)."""
    if fmt == "table":
        render_trace(trace, console, failure=False)
    elif fmt == "json":
        write_text(console, json_text(trace.to_dict()) + "\n")
    elif fmt == "markdown":
        write_text(console, trace_markdown(trace))
    else:
        write_text(console, trace_plain(trace, failure=False, width=console.width))
