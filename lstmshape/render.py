"""Views of a report: Rich tables, JSON, Markdown, plain text.

The report is first laid out once as neutral sections (title, columns, rows, caption); the table,
Markdown and plain views only draw those sections, and JSON is ``Report.to_dict()``. So no two formats
can disagree on a number. Nothing here prints on its own: the caller passes the Console.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from textwrap import wrap
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from lstmshape.cost import Cost
from lstmshape.report import ATOL, SCHEMA_VERSION, Report, Run, format_shape, size_text
from lstmshape.snippet import to_code
from lstmshape.spec import Parameter

if TYPE_CHECKING:
    from lstmshape.specfile import Outcome

FORMATS = ("table", "json", "markdown", "plain", "code")
# The width the table view is laid out for; narrower consoles get wrapped formulas, never cut ones.
_FULL_WIDTH = 80


@dataclass(frozen=True)
class Section:
    """One table of the report, independent of how it is drawn."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric: tuple[int, ...] = ()
    """Indexes of columns to right-align."""
    words: tuple[int, ...] = ()
    """Indexes of columns of words, which may wrap; the others (names, shapes, numbers, verdicts)
    are never wrapped or cut."""
    formulas: tuple[int, ...] = ()
    """Indexes of word columns holding formulas: kept on one line down to 80 columns."""


def heading(report: Report) -> str:
    """One line naming the module and the input: ``nn.LSTM(10, 20, num_layers=2) on input (4, 3, 10)``."""
    kind = "batched" if report.batched else "unbatched"
    return f"{report.spec.torch_call()} on input {format_shape(report.input_shape)} ({kind})"


def sections(report: Report) -> list[Section]:
    """The report laid out as tables, in reading order."""
    out = [
        Section(
            "Tensors",
            ("tensor", "shape", "axes", "meaning"),
            tuple(
                (
                    t.name,
                    format_shape(t.shape),
                    ", ".join(d.label() for d in t.dims),
                    t.meaning + (" (given, fits)" if t.given else ""),
                )
                for t in report.tensors
            ),
            words=(2, 3),
            formulas=(2,),
        ),
        Section(
            "Symbols",
            ("symbol", "value", "from"),
            tuple((s.name, str(s.value), s.source) for s in report.symbols),
            numeric=(1,),
            words=(2,),
        ),
        Section(
            "Parameters",
            ("parameter", "shape", "in symbols", "count"),
            _parameter_rows(report),
            caption=f"total {report.num_parameters:,} = sum(p.numel() for p in "
            f"{report.module.lower()}.parameters())",
            numeric=(3,),
            words=(2,),
        ),
    ]
    if report.cost is not None:
        out += _cost_sections(report.cost)
    if report.expectations:
        out.append(
            Section(
                "Expectations",
                ("tensor", "expected", "computed", "result"),
                tuple(
                    (
                        e.tensor,
                        format_shape(e.expected),
                        format_shape(e.computed),
                        "ok" if e.ok else "MISMATCH",
                    )
                    for e in report.expectations
                ),
            )
        )
    verification = report.verification
    if verification is not None:
        for number, run in enumerate(verification.runs, 1):
            out.append(_run_section(run, number, len(verification.runs)))
    return out


def _run_section(run: Run, number: int, runs: int) -> Section:
    rows = [
        (t.name, format_shape(t.computed), format_shape(t.torch), _verdict(t.ok))
        for t in run.tensors
    ]
    rows.append(
        (
            "parameters: names, shapes, total",
            f"{run.num_parameters:,}",
            f"{run.torch_num_parameters:,}",
            _verdict(run.parameters_ok),
        )
    )
    rows.extend(
        (f.fact, "stated", _diff(f.max_abs_diff, f.holds), _verdict(f.holds)) for f in run.facts
    )
    if run.facts_not_run:
        rows.append(("numerical checks", "-", "-", "not run"))
    of = f" {number} of {runs}" if runs > 1 else ""
    caption = run.how + (f" Not run: {run.facts_not_run}." if run.facts_not_run else "")
    return Section(
        f"Verified with torch{of}: "
        + ("real tensors" if run.method == "real" else "shape-only (fake tensors)"),
        ("check", "lstmshape", "torch", "result"),
        tuple(rows),
        caption=caption,
        words=(0,),
    )


# Up to this many layers every parameter is listed; a deeper stack lists layers 0, 1 and the last,
# since every layer above the first repeats layer 1's shapes (JSON always lists all of them).
_LAYERS_LISTED = 4


def _parameter_rows(report: Report) -> tuple[tuple[str, ...], ...]:
    def row(p: Parameter) -> tuple[str, ...]:
        return (p.name, format_shape(p.shape), p.rows, f"{p.numel:,}")

    layers = report.spec.num_layers
    if layers <= _LAYERS_LISTED:
        return tuple(row(p) for p in report.parameters)
    middle = [p for p in report.parameters if 2 <= p.layer < layers - 1]
    return (
        *(row(p) for p in report.parameters if p.layer < 2),
        (
            f"... layers 2 to {layers - 2}",
            "as layer 1",
            f"{len(middle):,} parameters",
            f"{sum(p.numel for p in middle):,}",
        ),
        *(row(p) for p in report.parameters if p.layer == layers - 1),
    )


def _cost_sections(cost: Cost) -> list[Section]:
    def row(label: str, parameters: int, weights: int) -> tuple[str, ...]:
        return (label, f"{parameters:,}", size_text(parameters * cost.itemsize), f"{weights:,}")

    last = cost.layers[-1].layer
    listed = [
        layer for layer in cost.layers if last < _LAYERS_LISTED or layer.layer in (0, 1, last)
    ]
    rows = [
        row(f"{layer.layer} {layer.direction}", layer.parameters, layer.weights) for layer in listed
    ]
    if len(listed) < len(cost.layers):
        middle = [layer for layer in cost.layers if 2 <= layer.layer < last]
        position = len([layer for layer in listed if layer.layer < 2])
        rows.insert(
            position,
            row(
                f"... 2 to {last - 1}",
                sum(layer.parameters for layer in middle),
                sum(layer.weights for layer in middle),
            ),
        )
    rows.append(row("total", cost.num_parameters, sum(layer.weights for layer in cost.layers)))
    elementwise = "; ".join(f"{what}: {n}" for what, n in cost.elementwise)
    return [
        Section(
            f"Cost: parameters ({cost.dtype})",
            ("layer", "parameters", "memory", "MACs per step"),
            tuple(rows),
            caption="Each weight matrix meets one vector per step: a step's MACs are the weights' "
            f"count. Steps per layer and direction: {cost.steps_formula}.",
            numeric=(1, 2, 3),
        ),
        Section(
            f"Cost: memory ({cost.dtype})",
            ("tensor", "shape", "memory", "returned"),
            tuple(
                (
                    t.name,
                    format_shape(t.shape),
                    size_text(t.nbytes) + (f" {t.dtype}" if t.dtype != cost.dtype else ""),
                    "yes" if t.returned else "no",
                )
                for t in cost.tensors
            ),
            caption=f"forward returns {size_text(cost.returned_bytes)}; the parameters hold "
            f"{size_text(cost.parameter_bytes)}.",
            numeric=(2,),
        ),
        Section(
            "Cost: work of one forward pass",
            ("work", "count", "how it is counted"),
            (
                ("matrix multiplies (MACs)", _count(cost.macs), "weights × steps"),
                ("FLOPs", _count(cost.flops), "2 × MACs"),
                (
                    "bias additions",
                    _count(cost.bias_additions),
                    "biases × steps" if cost.bias_additions else "none: bias=False",
                ),
                (
                    "element-wise gate work",
                    _count(cost.elementwise_operations),
                    f"{cost.elementwise_per_step // cost.units if cost.units else 0}"
                    f"×{cost.units} per step, layer and direction",
                ),
                ("torchinfo's Mult-Adds", _count(cost.torchinfo_macs), cost.torchinfo_formula),
            ),
            caption="MACs count the matrix multiplies only, as torch's FlopCounterMode does (its "
            "FLOPs / 2); counters that add biases or gate work report more. Element-wise work per "
            f"unit of hidden_size and step: {elementwise}.",
            numeric=(1,),
            words=(0, 2),
        ),
    ]


_SI = ((10**18, "E"), (10**15, "P"), (10**12, "T"), (10**9, "G"), (10**6, "M"))


def _count(n: int) -> str:
    """``67,200``; from a million on, with its order of magnitude: ``3,454,186,045,440 (3.45 T)``."""
    for scale, unit in _SI:
        if n >= scale:
            return f"{n:,} ({n / scale:.3g} {unit})"
    return f"{n:,}"


def _diff(diff: float, holds: bool) -> str:
    # Rounding between kernels varies with the CPU: a check that holds shows the bound it held to,
    # so the same run reads the same on every machine (JSON keeps the exact figure).
    return f"within {ATOL:.0e}" if holds else f"|diff| {diff:.1g}"


def _verdict(ok: bool) -> str:
    return "agrees" if ok else "DISAGREES"


def to_json(report: Report) -> str:
    """The JSON contract, indented, with a final newline."""
    return json.dumps(report.to_dict(), indent=2) + "\n"


def to_markdown(report: Report) -> str:
    """GitHub-flavoured Markdown: a heading, one table per section, the notes as a list."""
    lines = [f"**{_md(heading(report))}**", ""]
    for section in sections(report):
        lines += [f"#### {section.title}", ""]
        lines.append("| " + " | ".join(section.columns) + " |")
        lines.append(
            "|"
            + "|".join(
                "---:" if i in section.numeric else "---" for i in range(len(section.columns))
            )
            + "|"
        )
        lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in section.rows]
        if section.caption:
            lines += ["", _md(section.caption)]
        lines.append("")
    lines += ["#### Notes", ""]
    lines += [f"- {_md(note.text)}" for note in report.notes]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    # '*' would start emphasis (D*num_layers ... 4*H_cell) and '|' would end a cell.
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("|", "\\|")


def to_plain(report: Report, width: int = 100) -> str:
    """Aligned text with no box drawing and no colour, for logs."""
    lines = [heading(report), ""]
    for section in sections(report):
        widths = [
            max(len(row[i]) for row in (section.columns, *section.rows))
            for i in range(len(section.columns))
        ]

        def line(
            cells: tuple[str, ...], widths: list[int] = widths, section: Section = section
        ) -> str:
            padded = (
                cell.rjust(w) if i in section.numeric else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
            )
            return "  ".join(padded).rstrip()

        lines += [section.title, line(section.columns)]
        lines += [line(row) for row in section.rows]
        if section.caption:
            lines.append(section.caption)
        lines.append("")
    lines.append("Notes")
    for note in report.notes:
        wrapped = wrap(note.text, width=width - 2) or [""]
        lines.append(f"- {wrapped[0]}")
        lines += [f"  {rest}" for rest in wrapped[1:]]
    return "\n".join(lines) + "\n"


def render_table(report: Report, console: Console) -> None:
    """Draw the report as Rich tables on ``console`` (colour only when it is a terminal)."""
    console.print(Text(heading(report), style="bold"))
    for section in sections(report):
        table = Table(
            title=section.title,
            title_justify="left",
            title_style="bold",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
        )
        for i, column in enumerate(section.columns):
            table.add_column(
                column,
                justify="right" if i in section.numeric else "left",
                no_wrap=i not in section.words
                or (i in section.formulas and console.width >= _FULL_WIDTH),
                # A word wider than a narrow column is broken, never cut with an ellipsis.
                overflow="fold" if i in section.words else "ellipsis",
            )
        for row in section.rows:
            # Cells are Text, never markup: "h_n[k]" must not be read as a Rich style tag.
            table.add_row(*(_styled(section, i, cell) for i, cell in enumerate(row)))
        console.print(table)
        if section.caption:
            # Below the table at the console's width, not the table's: the total stays on one line.
            console.print(Text(section.caption))
    notes = Table.grid(padding=(0, 1))
    notes.add_column(no_wrap=True)
    notes.add_column(overflow="fold")
    for note in report.notes:
        notes.add_row("•", Text(note.text))
    console.print(Text("Notes", style="bold"))
    console.print(notes)


def _styled(section: Section, column: int, cell: str) -> Text:
    style = ""
    if column == 0:
        style = "bold"
    elif section.columns[column] in ("shape", "expected", "computed", "lstmshape", "torch"):
        style = "cyan"
    if cell in ("MISMATCH", "DISAGREES"):
        style = "bold red"
    elif cell in ("ok", "agrees"):
        style = "green"
    return Text(cell, style=style)


def write_text(console: Console, text: str) -> None:
    """Write finished text (JSON, Markdown, plain, code) to the console's file as it is.

    Rich's Console.out splits text into styled segments first: 3 s for the 8 MB of JSON of a
    1,000-entry spec file, against milliseconds for a plain write.
    """
    try:
        console.file.write(text)
        console.file.flush()
    except BrokenPipeError:  # the reader closed the pipe (| head): the console decides
        console.on_broken_pipe()


def render(report: Report, fmt: str, console: Console) -> None:
    """Write ``report`` to ``console`` in ``fmt``: one of table, json, markdown, plain, code."""
    if fmt == "table":
        render_table(report, console)
        return
    text = {"json": to_json, "markdown": to_markdown, "plain": to_plain, "code": to_code}[fmt](
        report
    )
    write_text(console, text)


# --- the outcomes of a spec file (lstmshape check) --------------------------------------------

CHECK_FORMATS = ("table", "json", "markdown", "plain")


def check_rows(outcomes: Sequence[Outcome]) -> list[tuple[str, ...]]:
    """One row per entry: entry, module, input, result, detail."""
    rows: list[tuple[str, ...]] = []
    for outcome in outcomes:
        report = outcome.report
        module = report.spec.torch_call() if report is not None else "-"
        shape = format_shape(report.input_shape) if report is not None else "-"
        if outcome.errors:
            detail = outcome.errors[0].message
        elif report is not None and report.expectations:
            detail = "expected: " + ", ".join(e.tensor for e in report.expectations)
        else:
            detail = "no expected shapes"
        if report is not None and report.verification is not None and not outcome.errors:
            detail += "; torch agrees"
        result = outcome.result if outcome.result == "pass" else outcome.result.upper()
        rows.append((outcome.entry.name, module, shape, result, detail))
    return rows


def _tally(outcomes: Sequence[Outcome]) -> str:
    counts = dict.fromkeys(("pass", "fail", "invalid"), 0)
    for outcome in outcomes:
        counts[outcome.result] += 1
    return ", ".join(
        f"{n} {result if result == 'pass' else result.upper()}"
        for result, n in counts.items()
        if n or result == "pass"
    )


def render_checks(path: str, outcomes: Sequence[Outcome], fmt: str, console: Console) -> None:
    """Write the pass/fail table of a spec file's entries to ``console`` in ``fmt``."""
    if fmt == "json":
        data = {
            "schema": SCHEMA_VERSION,
            "spec": path,
            "ok": all(o.result == "pass" for o in outcomes),
            "tally": {r: sum(o.result == r for o in outcomes) for r in ("pass", "fail", "invalid")},
            "entries": [o.to_dict() for o in outcomes],
        }
        write_text(console, json.dumps(data, indent=2) + "\n")
        return
    columns = ("entry", "module", "input", "result", "detail")
    rows = check_rows(outcomes)
    title = f"{path}: {len(outcomes)} entr{'y' if len(outcomes) == 1 else 'ies'}"
    if fmt == "markdown":
        lines = [f"**{_md(title)}**", "", "| " + " | ".join(columns) + " |", "|---" * 5 + "|"]
        lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
        lines += ["", _md(_tally(outcomes))]
        write_text(console, "\n".join(lines) + "\n")
        return
    # Aligned lines, not a Rich Table: a spec of 1,000 entries draws in milliseconds, not seconds.
    widths = [max(len(row[i]) for row in (columns, *rows)) for i in range(len(columns) - 1)]

    def line(cells: tuple[str, ...]) -> str:
        return "".join(cell.ljust(w) + "  " for cell, w in zip(cells, widths, strict=False))

    text = Text(title + "\n", style="bold")
    text.append(line(columns) + columns[-1] + "\n", style="bold")
    text.append("─" * (sum(widths) + 2 * len(widths) + len(columns[-1])) + "\n")
    for row in rows:
        text.append(line(row[:3]))
        verdict = row[3].ljust(widths[3]) + "  "
        text.append(verdict, style="green" if row[3] == "pass" else "bold red")
        text.append(row[4] + "\n")
    text.append(_tally(outcomes))
    if fmt == "plain":
        write_text(console, text.plain + "\n")
    else:
        console.print(text, soft_wrap=True)
