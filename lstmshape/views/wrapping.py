"""Text for Rich, broken into lines here: Rich breaks lines at every space it sees (the no-break
spaces of French included) and between no Japanese characters, so a Japanese sentence would move
whole to the next line and fold at the width, and a French line could start with its ":".

Here text is broken where lstmshape.i18n.lines says a line may break, in every language, and a
piece wider than a line overflows it whole (folded only inside a table's cell, whose borders it
would otherwise tear); Rich then has nothing left to break.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from lstmshape.i18n.lines import widest_piece, wrap_hanging
from lstmshape.i18n.lines import wrap as wrapped_lines
from lstmshape.i18n.text import cells

# On stderr a wrapped line continues four columns in, whatever its own indent (0 for a note, 2 for
# an error's later lines): a reader (and tests.conftest.unwrapped) tells a continuation from the
# next line by it.
STDERR_CONTINUATION = "    "


def wrapped(text: str, width: int, style: str = "") -> Text:
    """``text`` as Rich Text whose lines fit ``width`` cells, broken where a line may break; a
    piece wider than a line overflows it whole (Rich is told not to break nor crop it)."""
    if width < 2:
        return Text(text, style=style)
    return Text("\n".join(wrap_cells(text, width)), style=style, no_wrap=True, overflow="ignore")


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken where a line may break; a piece wider
    than a line is on a line of its own, whole."""
    return wrapped_lines(text, width) or [""]


def _table_cell_lines(text: str, width: int) -> list[str]:
    """A table cell's lines: as wrap_cells, and a piece wider than its column folded, the table's
    last resort (Prose measures the column no narrower than its widest piece when there is room;
    drawing past the column would tear the table's borders instead)."""
    lines: list[str] = []
    for whole in wrap_cells(text, width):
        rest = whole
        while cells(rest) > width:
            head = _fold(rest, width)
            lines.append(head)
            rest = rest[len(head) :]
        lines.append(rest)
    return lines


def _fold(line: str, width: int) -> str:
    """The longest start of ``line`` that fits ``width`` cells (at least one character)."""
    end = 1
    while end < len(line) and cells(line[: end + 1]) <= width:
        end += 1
    return line[:end]


def print_wrapped(console: Console, line: str, style: str = "", more: str = "  ") -> None:
    """One line of text on ``console``, wrapped to its width where a line may break, in every
    language; a list item continues under its text, any other line ``more`` past its own indent
    (lstmshape.i18n.lines.hanging). Printed with soft_wrap, so that Rich adds no breaks of its
    own: a piece wider than the console overflows whole, for the terminal to soft-wrap."""
    for part in wrap_hanging(line, console.width, more):
        console.print(Text(part, style=style), soft_wrap=True)


class Prose:
    """A table's cell of words that Rich lays out by lstmshape's line breaking: measured no
    narrower than its widest piece (a name, a shape, a katakana word stays whole when the table
    has room), and broken where a line may break in its language when drawn."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text, self.style = text, style

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lines = self.text.split("\n")
        widest = max(cells(line) for line in lines)
        return Measurement(max(widest_piece(line) for line in lines), widest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.no_wrap:
            yield Text(self.text, style=self.style)
            return
        width = options.max_width
        lines = [part for line in self.text.split("\n") for part in _table_cell_lines(line, width)]
        yield Text("\n".join(lines), style=self.style, overflow="fold")
