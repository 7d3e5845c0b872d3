"""The pass/fail table of a spec file's entries, in every format."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from lstmshape.model.check import Outcome
from lstmshape.model.contract import SCHEMA_VERSION
from lstmshape.model.text import format_shape
from lstmshape.views.output import write_text
from lstmshape.views.text import markdown_escape
from lstmshape.words import Voice

CHECK_FORMATS = ("table", "json", "markdown", "plain")


def check_rows(outcomes: Sequence[Outcome], voice: Voice) -> list[tuple[str, ...]]:
    """One row per entry: entry, module, input, result, detail."""
    rows: list[tuple[str, ...]] = []
    for outcome in outcomes:
        report = outcome.report
        module = report.spec.torch_call() if report is not None else "-"
        shape = format_shape(report.input_shape) if report is not None else "-"
        if outcome.errors:
            detail = outcome.errors[0].lines(voice)[0]
        elif report is not None and report.expectations:
            detail = "expected: " + ", ".join(e.tensor for e in report.expectations)
        else:
            detail = "no expected shapes"
        if report is not None and report.verification is not None and not outcome.errors:
            detail += "; torch agrees"
        result = outcome.result if outcome.result == "pass" else outcome.result.upper()
        rows.append((outcome.name, module, shape, result, detail))
    return rows


RESULTS = ("pass", "fail", "invalid", "unverified")


def _tally(outcomes: Sequence[Outcome]) -> str:
    counts = dict.fromkeys(RESULTS, 0)
    for outcome in outcomes:
        counts[outcome.result] += 1
    return ", ".join(
        f"{n} {result if result == 'pass' else result.upper()}"
        for result, n in counts.items()
        if n or result == "pass"
    )


def render_checks(
    path: str, outcomes: Sequence[Outcome], fmt: str, console: Console, voice: Voice
) -> None:
    """Write the pass/fail table of a spec file's entries to ``console`` in ``fmt``."""
    if fmt == "json":
        data = {
            "schema": SCHEMA_VERSION,
            "spec": path,
            "ok": all(o.result == "pass" for o in outcomes),
            "tally": {r: sum(o.result == r for o in outcomes) for r in RESULTS},
            "entries": [o.to_dict(voice) for o in outcomes],
        }
        write_text(console, json.dumps(data, indent=2) + "\n")
        return
    columns = ("entry", "module", "input", "result", "detail")
    rows = check_rows(outcomes, voice)
    title = f"{path}: {len(outcomes)} entr{'y' if len(outcomes) == 1 else 'ies'}"
    if fmt == "markdown":
        lines = [
            f"**{markdown_escape(title)}**",
            "",
            "| " + " | ".join(columns) + " |",
            "|---" * 5 + "|",
        ]
        lines += ["| " + " | ".join(markdown_escape(cell) for cell in row) + " |" for row in rows]
        lines += ["", markdown_escape(_tally(outcomes))]
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
