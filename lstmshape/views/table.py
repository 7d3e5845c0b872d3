"""The table view: the report's sections drawn as Rich tables (colour only on a terminal)."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from lstmshape.i18n import tr
from lstmshape.i18n.lines import pieces, widest_piece
from lstmshape.i18n.lines import wrap as wrapped
from lstmshape.i18n.text import cells
from lstmshape.results.report import Report
from lstmshape.views.output import trimmed
from lstmshape.views.plain_table import blocks
from lstmshape.views.section import Section
from lstmshape.views.sections import heading, sections
from lstmshape.views.wrapping import Prose, print_wrapped

# The width the table view is laid out for; narrower consoles get wrapped formulas, never cut ones.
FULL_WIDTH = 80


def render_table(report: Report, console: Console) -> None:
    """Draw the report as Rich tables on ``console`` (colour only when it is a terminal)."""
    with trimmed(console):
        console.print(Text(broken(heading(report), console.width), style="bold"))
        draw_sections(sections(report), console)
        console.print(Text(tr("Notes"), style="bold"))
        for note in report.notes:
            print_wrapped(console, f"• {note.text}")  # continued under its text


def draw_sections(drawn: list[Section], console: Console) -> None:
    """Each section as a table, its caption below it."""
    for section in drawn:
        draw_section(section, console)


def draw_section(section: Section, console: Console) -> None:
    """One section as a Rich table, its caption below it; as blocks of ``column: value`` lines
    when even its narrowest layout (every name and shape whole) is wider than the console."""
    table = None if _narrowest(section) > console.width else _table(section, console)
    # Rich draws a table no narrower than its columns' minimums and the console then cuts its
    # lines at the edge: such a table is drawn as blocks too.
    if table is None or Measurement.get(console, console.options, table).minimum > console.width:
        if section.title:
            console.print(Text(broken(section.title, console.width), style="bold"))
        console.print(Text("\n".join(blocks(section, console.width))))
        if section.caption:
            console.print(Text(broken(section.caption, console.width)))
        return
    console.print(table)
    if section.caption:
        # Below the table at the console's width, not the table's: the total stays on one line.
        console.print(Text(broken(section.caption, console.width)))


def _table(section: Section, console: Console) -> Table:
    table = Table(
        title=section.title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    formulas_whole = console.width >= FULL_WIDTH and _room_for_words(section, console.width)
    kept = None if formulas_whole else _kept_word(section, console.width)
    for i, column in enumerate(section.columns):
        table.add_column(
            column,
            min_width=kept if i in section.words and i not in section.formulas else None,
            justify="right" if i in section.numeric else "left",
            no_wrap=i not in section.words or (i in section.formulas and formulas_whole),
            # A word wider than a narrow column is broken, never cut with an ellipsis.
            overflow="fold" if i in section.words else "ellipsis",
        )
    prose = {i for i in section.words if i not in section.formulas}
    for row in section.rows:
        # Cells are Text, never markup: "h_n[k]" must not be read as a Rich style tag; a column
        # of words is Prose, broken by lstmshape's rule (no name or katakana word torn).
        table.add_row(
            *(
                Prose(cell, _style(section, i, cell))
                if i in prose
                else Text(cell, style=_style(section, i, cell))
                for i, cell in enumerate(row)
            )
        )
    return table


# The narrowest a column of words may get beside formulas kept whole: below it, the formulas wrap
# at their spaces ("D*num_layers=1," over "N=3, H_out=20") rather than the words break mid-word.
MIN_WORDS_WIDTH = 20
# SIMPLE_HEAD without edge padding: a space either side of each inner border (itself a space),
# and the box's two outer edges.
_SPACING = 3


def _narrowest(section: Section) -> int:
    """The width of the section's table with its columns of words and formulas at their widest
    piece and the others whole."""
    widths = [
        max(
            (widest_piece if i in section.words else cells)(text)
            for text in (section.columns[i], *(row[i] for row in section.rows))
        )
        for i in range(len(section.columns))
    ]
    return sum(widths) + _SPACING * (len(widths) - 1) + 2


def _room_for_words(section: Section, width: int) -> bool:
    """Whether the columns of words keep their longest word whole (and MIN_WORDS_WIDTH) beside
    every other column at its widest: the packed tables' long names and formulas leave them ten
    columns at 80, which broke words such as ``batch_sizes``."""
    prose = [i for i in section.words if i not in section.formulas]
    if not prose:
        return True
    widest = [
        max([cells(section.columns[i]), *(cells(row[i]) for row in section.rows)])
        for i in range(len(section.columns))
        if i not in prose
    ]
    longest_word = max(
        (cells(w) for row in section.rows for i in prose for w in _words(row[i])), default=0
    )
    left = width - sum(widest) - _SPACING * (len(section.columns) - 1) - 2
    return left >= len(prose) * max(longest_word, MIN_WORDS_WIDTH)


def _words(text: str) -> list[str]:
    """What a line may not break inside (lstmshape.i18n.lines): names, shapes, numbers with
    their units, katakana words."""
    return [piece.rstrip() for piece in pieces(text)]


def broken(text: str, width: int) -> str:
    """Text broken into lines here, where a line may break in its language
    (lstmshape.i18n.lines): Rich would break at any space, no-break spaces included, and between
    no Japanese characters. Each line of ``text`` is wrapped on its own."""
    return "\n".join(line for part in text.split("\n") for line in wrapped(part, width) or [""])


def _style(section: Section, column: int, cell: str) -> str:
    style = ""
    if column == 0:
        style = "bold"
    elif column in section.shapes or section.columns[column] in _SHAPE_COLUMNS:
        style = "cyan"
    if cell in ("MISMATCH", "DISAGREES") or cell in section.failed:
        style = "bold red"
    elif cell in ("ok", "agrees") or cell in section.passed:
        style = "green"
    return style


# Columns of shapes, as the sections that do not say which they are head them in English.
_SHAPE_COLUMNS = ("shape", "expected", "computed", "lstmshape", "torch")


def _kept_word(section: Section, width: int) -> int | None:
    """The width that keeps the prose column's longest name whole once the formulas wrap at their
    spaces (or all the room the other columns leave, if less); None for several prose columns.
    Only names of narrow characters (``batch_sizes``) set it: a run of Japanese breaks between its
    characters, and a width set for one let Rich draw the table past the console, which cut it."""
    prose = [i for i in section.words if i not in section.formulas]
    if len(prose) != 1:
        return None
    fixed = 0
    for i, column in enumerate(section.columns):
        texts = [row[i] for row in section.rows]
        if i in section.formulas:
            fixed += max(cells(w) for text in [column, *texts] for w in text.split() or [""])
        elif i != prose[0]:
            fixed += max(cells(text) for text in [column, *texts])
    names = (w for row in section.rows for w in _words(row[prose[0]]) if cells(w) == len(w))
    longest = max((len(w) for w in names), default=0)
    left = width - fixed - _SPACING * (len(section.columns) - 1) - 2
    return min(longest, left) if left > 0 else None
