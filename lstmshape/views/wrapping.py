"""Line breaking for text with wide (CJK) characters, which Rich breaks at spaces only.

A Japanese sentence has no spaces: Rich would move it whole to the next line and fold it at the
width, leaving a line that holds only its final 。. Here a line may also break between two wide
characters, or between a wide character and a word, except before closing punctuation or after
opening punctuation (kinsoku). Text without wide characters is left to Rich, unchanged.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

# Never at the start of a line (closing punctuation, small kana, the prolonged sound mark) ...
_NO_START = frozenset(
    "、。，．・：；？！）」』】〕〉》ー…ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ)]}:;,.!?"
)
# ... nor at the end of one (opening punctuation).
_NO_END = frozenset("（「『【〔〈《([{")


def has_wide(text: str) -> bool:
    """Whether ``text`` holds a character two cells wide."""
    return cell_len(text) != len(text)


def wrapped(text: str, width: int) -> Text:
    """``text`` as Rich Text whose lines fit ``width`` cells: broken here when it holds wide
    characters, by Rich otherwise."""
    if width < 2 or not has_wide(text):
        return Text(text)
    return Text("\n".join(wrap_cells(text, width)))


def wrap_cells(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces and between wide characters;
    a piece wider than ``width`` (a long word) is folded."""
    lines: list[str] = []
    line = ""
    for piece in _pieces(text):
        if cell_len((line + piece).rstrip()) <= width:
            line += piece
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = piece.lstrip() if line.strip() else piece
        while cell_len(line.rstrip()) > width:  # a piece wider than a line: folded
            head = _fold(line, width)
            lines.append(head)
            line = line[len(head) :]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _pieces(text: str) -> list[str]:
    """The text cut where a line may break: after spaces, and beside wide characters."""
    pieces: list[str] = []
    start = 0
    for i in range(1, len(text)):
        before, after = text[i - 1], text[i]
        if _breaks(before, after):
            pieces.append(text[start:i])
            start = i
    pieces.append(text[start:])
    return pieces


def _breaks(before: str, after: str) -> bool:
    if after.isspace():
        return False
    if before.isspace():
        return True
    wide = cell_len(before) == 2 or cell_len(after) == 2
    return wide and after not in _NO_START and before not in _NO_END


def _fold(line: str, width: int) -> str:
    """The longest start of ``line`` that fits ``width`` cells (at least one character)."""
    end = 1
    while end < len(line) and cell_len(line[: end + 1]) <= width:
        end += 1
    return line[:end]
