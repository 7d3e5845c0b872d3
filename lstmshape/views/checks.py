"""The pass/fail table of a spec file's entries, in every format."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import NamedTuple

from rich.console import Console
from rich.text import Text

from lstmshape.errors import LstmShapeError
from lstmshape.model.check import Outcome
from lstmshape.model.contract import SCHEMA_VERSION
from lstmshape.views.output import write_text
from lstmshape.views.text import markdown_escape
from lstmshape.words import Voice

CHECK_FORMATS = ("table", "json", "markdown", "plain")


# Every result an entry can have, in the order the tally says them.
RESULTS = ("pass", "fail", "invalid", "unverified")


class Checked(NamedTuple):
    """What a spec file's check found, once every entry is drawn: the tally and the failures."""

    tally: dict[str, int]
    failures: list[tuple[Outcome, LstmShapeError]]


def check_row(outcome: Outcome, voice: Voice) -> tuple[str, ...]:
    """One entry's row: entry, module, input, result, detail."""
    report = outcome.report
    if outcome.errors:
        detail = outcome.errors[0].lines(voice)[0]
    elif report is not None and report.expectations:
        detail = "expected: " + ", ".join(e.tensor for e in report.expectations)
    else:
        detail = "no expected shapes"
    if report is not None and report.verification is not None and not outcome.errors:
        detail += "; torch agrees"
    result = outcome.result if outcome.result == "pass" else outcome.result.upper()
    return (outcome.name, outcome.call or "-", outcome.shape or "-", result, detail)


def _tally_text(tally: dict[str, int]) -> str:
    return ", ".join(
        f"{n} {result if result == 'pass' else result.upper()}"
        for result, n in tally.items()
        if n or result == "pass"
    )


def render_checks(
    path: str, outcomes: Iterable[Outcome], fmt: str, console: Console, voice: Voice
) -> Checked:
    """Write the pass/fail table of a spec file's entries to ``console`` in ``fmt``, taking each
    outcome as it comes: no report is kept once its entry is drawn (a spec file may hold a
    hundred thousand entries)."""
    checked = Checked(dict.fromkeys(RESULTS, 0), [])

    def counted(outcome: Outcome) -> Outcome:
        checked.tally[outcome.result] += 1
        checked.failures.extend((outcome, error) for error in outcome.errors)
        return outcome

    if fmt == "json":
        _stream_json(path, (counted(o) for o in outcomes), console, voice, checked)
        return checked
    rows = [check_row(counted(o), voice) for o in outcomes]
    title = f"{path}: {len(rows)} entr{'y' if len(rows) == 1 else 'ies'}"
    if fmt == "markdown":
        lines = [f"**{markdown_escape(title)}**", "", "| " + " | ".join(_COLUMNS) + " |"]
        lines.append("|---" * 5 + "|")
        lines += ["| " + " | ".join(markdown_escape(cell) for cell in row) + " |" for row in rows]
        lines += ["", markdown_escape(_tally_text(checked.tally))]
        write_text(console, "\n".join(lines) + "\n")
    else:
        _aligned(title, rows, checked.tally, fmt, console)
    return checked


_COLUMNS = ("entry", "module", "input", "result", "detail")


def _stream_json(
    path: str, outcomes: Iterable[Outcome], console: Console, voice: Voice, checked: Checked
) -> None:
    """The JSON document, one entry at a time; the tally and the verdict come after them."""
    write_text(console, f'{{\n  "schema": {SCHEMA_VERSION},\n  "spec": {json.dumps(path)},\n')
    write_text(console, '  "entries": [')
    for number, outcome in enumerate(outcomes):
        entry = json.dumps(outcome.to_dict(voice), indent=2).replace("\n", "\n    ")
        write_text(console, ("," if number else "") + "\n    " + entry)
    ok = all(n == 0 for result, n in checked.tally.items() if result != "pass")
    tally = json.dumps(checked.tally)
    write_text(console, f'\n  ],\n  "tally": {tally},\n  "ok": {json.dumps(ok)}\n}}\n')


def _aligned(
    title: str, rows: list[tuple[str, ...]], tally: dict[str, int], fmt: str, console: Console
) -> None:
    # Aligned lines, not a Rich Table: a spec of 1,000 entries draws in milliseconds, not seconds.
    widths = [max(len(row[i]) for row in (_COLUMNS, *rows)) for i in range(len(_COLUMNS) - 1)]

    def line(cells: tuple[str, ...]) -> str:
        return "".join(cell.ljust(w) + "  " for cell, w in zip(cells, widths, strict=False))

    text = Text(title + "\n", style="bold")
    text.append(line(_COLUMNS) + _COLUMNS[-1] + "\n", style="bold")
    text.append("─" * (sum(widths) + 2 * len(widths) + len(_COLUMNS[-1])) + "\n")
    for row in rows:
        text.append(line(row[:3]))
        verdict = row[3].ljust(widths[3]) + "  "
        text.append(verdict, style="green" if row[3] == "pass" else "bold red")
        text.append(row[4] + "\n")
    text.append(_tally_text(tally))
    if fmt == "plain":
        write_text(console, text.plain + "\n")
    else:
        console.print(text, soft_wrap=True)


def render_outcome(outcome: Outcome, console: Console) -> None:
    """One entry as a notebook shows it: its row of the check table, then each error in Python's
    words (the row's one line is a summary; the error says why and the fix)."""
    from lstmshape.words import PYTHON

    _aligned(outcome.name, [check_row(outcome, PYTHON)], {outcome.result: 1}, "table", console)
    for error in outcome.errors:
        console.print(Text("\n".join(outcome.error_lines(error, PYTHON))), soft_wrap=True)
