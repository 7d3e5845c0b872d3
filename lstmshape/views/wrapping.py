"""Rich Text for lines that hold wide (CJK) characters, which Rich breaks at spaces only.

A Japanese sentence has no spaces: Rich would move it whole to the next line and fold it at the
width, leaving a line that holds only its final 。. Here it is broken where Japanese may break
(lstmshape.i18n.text.wrapped: between wide characters, never before closing punctuation or after
opening punctuation), and a piece wider than a line is folded. Text without wide characters is
left to Rich, unchanged.
"""

from __future__ import annotations

from rich.text import Text

from lstmshape.i18n.text import cells
from lstmshape.i18n.text import wrapped as wrapped_lines


def wrapped(text: str, width: int) -> Text:
    """``text`` as Rich Text whose lines fit ``width`` cells: broken here when it holds wide
    characters, by Rich otherwise."""
    if width < 2 or cells(text) == len(text):
        return Text(text)
    return Text("\n".join(wrap_cells(text, width)))


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
