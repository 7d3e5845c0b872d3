"""Text for Rich, broken into lines here: Rich breaks lines at every space it sees (the no-break
spaces of French included) and between no Japanese characters, so a Japanese sentence would move
whole to the next line and fold at the width, and a French line could start with its ":".

Here text is broken where lstmshape.i18n.lines says a line may break, in every language, and a
piece wider than a line is folded; Rich then has nothing left to break.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from lstmshape.i18n.lines import widest_piece, wrap
from lstmshape.i18n.lines import wrap as wrapped_lines
from lstmshape.i18n.text import cells


def wrapped(text: str, width: int, style: str = "") -> Text:
    """``text`` as Rich Text whose lines fit ``width`` cells, broken where a line may break."""
    if width < 2:
        return Text(text, style=style)
    return Text("\n".join(wrap_cells(text, width)), style=style)


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells; a piece wider than a line is folded."""
    lines: list[str] = []
    for whole in wrapped_lines(text, width) or [""]:
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


def print_wrapped(console: Console, line: str, style: str = "") -> None:
    """One line of text on ``console``, wrapped to its width where a line may break, in every
    language; the continuation of a wrapped line is indented two columns past the line's own
    indent. Printed with soft_wrap, so that Rich adds no breaks of its own."""
    indent = line[: len(line) - len(line.lstrip(" "))]
    for part in wrap(line.removeprefix(indent), console.width, indent=indent,
                     subsequent=indent + "  ") or [""]:  # fmt: skip
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
        lines = [part for line in self.text.split("\n") for part in wrap_cells(line, width)]
        yield Text("\n".join(lines), style=self.style, overflow="fold")
