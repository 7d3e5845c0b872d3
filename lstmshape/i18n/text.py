"""How shapes and sizes are written in every view and message: ``(4, 3, 10)``, ``23.1 KiB``; and
the few words every language writes its own way: a count's plural, a module's article, the width
of wide (CJK) characters.
"""

from __future__ import annotations

from typing import Protocol

from lstmshape.i18n import NP_, tr
from lstmshape.i18n.numbers import number


class Named(Protocol):
    """A module's kind as a sentence names it (torchfacts.kinds.ModuleKind): i18n, the lowest
    layer, knows its name only."""

    @property
    def name(self) -> str: ...


# A longer list of sizes is written with its middle left out: a million-axis shape typed by mistake
# must not come back as a million numbers.
_WRITTEN_WHOLE = 12


def format_shape(shape: tuple[int, ...]) -> str:
    """A shape as torch users write it: ``(4, 3, 10)``; one dimension keeps its comma: ``(80,)``."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + _items(shape) + ")"


def a_module(kind: Named, *, start: bool = False) -> str:
    """The module named with its article, as a sentence says it: "an LSTM", "A GRU"; in Japanese
    the name alone, in French "un LSTM", in Spanish "una LSTM" (una red)."""
    # English says the letters: "an LSTM", "an RNN", "a GRU" (kinds.ModuleKind.a's rule).
    if not kind.name.startswith("G"):
        return tr("An {module}", module=kind.name) if start else tr("an {module}", module=kind.name)
    return tr("A {module}", module=kind.name) if start else tr("a {module}", module=kind.name)


# The English words of a count, marked for the catalogs: said through lstmshape.i18n.ntr, in the
# plural form the language says for the count (CLDR's rules).
STEP = NP_("step", "steps")
SEQUENCE = NP_("sequence", "sequences")
LENGTH = NP_("length", "lengths")


def short_list(values: tuple[int, ...]) -> str:
    """A list as Python prints it, with the middle of a long one left out."""
    return "[" + _items(values) + "]"


def _items(values: tuple[int, ...]) -> str:
    if len(values) <= _WRITTEN_WHOLE:
        return ", ".join(map(str, values))
    head = ", ".join(map(str, values[:6]))
    # The count is said in the language: "(3,000 values)", "(3 000 valeurs)".
    listed = f"{head}, ..., {values[-2]}, {values[-1]}"
    return tr("{listed} ({count} values)", listed=listed, count=number(len(values)))


def shortened(token: str) -> str:
    """A token as quoted in a message: a long one keeps its ends and says how long it is."""
    if len(token) <= 40:
        return token
    from lstmshape.i18n.numbers import number

    return tr(
        "{start}...{end} ({count} characters)",
        start=token[:12],
        end=token[-12:],
        count=number(len(token)),
    )


def size_text(nbytes: int) -> str:
    """Bytes as people read them, in the language's form: ``640 B``, ``23.1 KiB``, ``23,1 Kio``
    (binary units; lstmshape.i18n.numbers.size)."""
    from lstmshape.i18n.numbers import size

    return size(nbytes)


def aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows of cells as aligned lines (two spaces between columns, no trailing spaces): a table
    that reads in a plain message, such as a failed assertion in pytest's output."""
    widths = [max(cells(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def cells(text: str) -> int:
    """The columns ``text`` takes on a terminal: a wide (CJK) character takes two."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len  # only for text that may hold wide characters

    return cell_len(text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` columns (on the left with ``right``), as
    str.ljust and str.rjust do for text whose characters are one column each."""
    spaces = " " * max(width - cells(text), 0)
    return spaces + text if right else text + spaces


# Japanese line breaking (kinsoku): wide punctuation that closes a phrase, small kana and the
# prolonged sound mark never start a line; opening punctuation never ends one. The one table for
# every view and for the command line's help (cli/language.py).
WIDE_CLOSING = frozenset(
    "、。，．・：；？！）」』】〕〉》ー々…ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ"
)
WIDE_OPENING = frozenset("（「『【〔〈《")
