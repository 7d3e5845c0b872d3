"""The pass/fail table of a spec file's entries, in every format."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from lstmshape.errors import LstmShapeError
from lstmshape.i18n import N_, language, ntr, tr
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.words import Voice
from lstmshape.results.check import Outcome
from lstmshape.results.contract import SCHEMA_VERSION
from lstmshape.views.output import write_text
from lstmshape.views.text import json_text, markdown_escape

CHECK_FORMATS = ("table", "json", "markdown", "plain")


# Every result an entry can have (the JSON's ids), in the order the tally says them; as the
# table shows it, and as the tally counts it.
RESULTS = ("pass", "fail", "invalid", "unverified")
_SHOWN = {"pass": N_("pass"), "fail": N_("FAIL"), "invalid": N_("INVALID"),
          "unverified": N_("UNVERIFIED")}  # fmt: skip
_COUNTED = {"pass": N_("{count} pass"), "fail": N_("{count} FAIL"),
            "invalid": N_("{count} INVALID"), "unverified": N_("{count} UNVERIFIED")}  # fmt: skip


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
        names = enumerated(e.tensor for e in report.expectations)
        detail = tr("expected: {names}", names=names)
    else:
        detail = tr("no expected shapes")
    if report is not None and report.verification is not None and not outcome.errors:
        detail = tr("{detail}; torch agrees", detail=detail)
    result = tr(_SHOWN[outcome.result])  # i18n: extracted where made
    return (outcome.name, outcome.call or "-", outcome.shape or "-", result, detail)


def _tally_text(tally: dict[str, int]) -> str:
    """``2 pass, 1 FAIL``: pass always, the others when some entry has them."""
    text = ""
    for result, n in tally.items():
        if n or result == "pass":
            counted = tr(_COUNTED[result], count=n)  # i18n: extracted where made
            text = tr("{before}, {after}", before=text, after=counted) if text else counted
    return text


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
    title = ntr(
        "{path}: {count} entry", "{path}: {count} entries", len(rows), path=path, count=len(rows)
    )
    if fmt == "markdown":
        lines = [f"**{markdown_escape(title)}**", "", "| " + " | ".join(_columns()) + " |"]
        lines.append("|---" * 5 + "|")
        lines += ["| " + " | ".join(markdown_escape(cell) for cell in row) + " |" for row in rows]
        lines += ["", markdown_escape(_tally_text(checked.tally))]
        write_text(console, "\n".join(lines) + "\n")
    else:
        _aligned(title, rows, checked.tally, fmt, console)
    return checked


def _columns() -> tuple[str, ...]:
    """The table's headings: entry, module, input, result, detail."""
    return (tr("entry"), tr("module"), tr("input"), tr("result"), tr("detail"))


def _stream_json(
    path: str, outcomes: Iterable[Outcome], console: Console, voice: Voice, checked: Checked
) -> None:
    """The JSON document, one entry at a time; the tally and the verdict come after them."""
    head = f'  "schema": {SCHEMA_VERSION},\n  "lang": {json_text(language())},\n'
    write_text(console, f'{{\n{head}  "spec": {json_text(path)},\n')
    write_text(console, '  "entries": [')
    for number, outcome in enumerate(outcomes):
        entry = json_text(outcome.to_dict(voice)).replace("\n", "\n    ")
        write_text(console, ("," if number else "") + "\n    " + entry)
    ok = all(n == 0 for result, n in checked.tally.items() if result != "pass")
    tally = json_text(checked.tally, indent=None)
    write_text(console, f'\n  ],\n  "tally": {tally},\n  "ok": {json_text(ok)}\n}}\n')


def _aligned(
    title: str, rows: list[tuple[str, ...]], tally: dict[str, int], fmt: str, console: Console
) -> None:
    # Aligned lines, not a Rich Table: a spec of 1,000 entries draws in milliseconds, not seconds.
    # Padded in cells: a wide (Japanese) character takes two columns of the terminal.
    columns = _columns()
    widths = [max(cell_len(row[i]) for row in (columns, *rows)) for i in range(len(columns) - 1)]
    full = max(cell_len(row[-1]) for row in (columns, *rows))
    text = Text(title + "\n", style="bold")
    if sum(widths) + 2 * len(widths) + full <= console.width:
        _columned(text, columns, rows, widths, rule=fmt != "plain")
    else:  # too wide for the terminal: each entry stacked on lines of its own
        _stacked(text, rows, console.width)
    text.append(_tally_text(tally))
    if fmt == "plain":
        write_text(console, text.plain + "\n")
    else:
        console.print(text, soft_wrap=True)


def _columned(
    text: Text, columns: tuple[str, ...], rows: list[tuple[str, ...]], widths: list[int], rule: bool
) -> None:
    def line(cells: tuple[str, ...]) -> str:
        return "".join(_padded(cell, w) for cell, w in zip(cells, widths, strict=False))

    text.append(line(columns) + columns[-1] + "\n", style="bold")
    if rule:  # the table view's; plain text draws none, so that it pastes as text
        text.append("─" * (sum(widths) + 2 * len(widths) + cell_len(columns[-1])) + "\n")
    for row in rows:
        text.append(line(row[:3]))
        text.append(_padded(row[3], widths[3]), style=_style(row[3]))
        text.append(row[4] + "\n")


def _stacked(text: Text, rows: list[tuple[str, ...]], width: int) -> None:
    """Each entry on lines of its own: its result and name, then its module and input, then the
    detail, each wrapped at spaces to ``width``."""
    from lstmshape.i18n.lines import wrap as wrapped

    for name, call, shape, result, detail in rows:
        text.append(result, style=_style(result))
        text.append(f"  {name}\n")
        module = wrapped(call, width - 4) or [""]
        if cell_len(module[-1]) + 2 + cell_len(shape) <= width - 4:
            module[-1] += f"  {shape}"
        else:  # a shape is never cut: on a line of its own
            module.append(shape)
        for piece in [*module, *(wrapped(detail, width - 4) or [""])]:
            text.append(f"    {piece}\n")


def _style(result: str) -> str:
    passed = tr(_SHOWN["pass"])  # i18n: extracted where made
    return "green" if result == passed else "bold red"


def _padded(cell: str, width: int) -> str:
    """``cell`` and the spaces that take it to ``width`` cells, then the two between columns."""
    return cell + " " * (width - cell_len(cell) + 2)


def render_outcome(outcome: Outcome, console: Console) -> None:
    """One entry as a notebook shows it: its row of the check table, then each error in Python's
    words (the row's one line is a summary; the error says why and the fix)."""
    from lstmshape.i18n.words import PYTHON

    _aligned(outcome.name, [check_row(outcome, PYTHON)], {outcome.result: 1}, "table", console)
    for error in outcome.errors:
        console.print(Text("\n".join(outcome.error_lines(error, PYTHON))), soft_wrap=True)
