"""Where a line may break, in every language: the one rule of every view, of errors on stderr and
of the help screens.

A line breaks at an ordinary space, and in Japanese between two characters, except where that would
tear something a reader takes as one piece:

- a word, an identifier, an option or code (``batch_sizes``, ``h_0``, ``--batch-first``,
  ``h_n[-1]``): a run of characters without an ordinary space, hyphens and slashes included;
- a shape (``(1, 32, 256)``), a number and its unit (``87.0 KiB``, ``87,0\u202fKio``, ``12 s``),
  an option and the value typed after it (``--h0 1,8,256``);
- what a no-break space holds together (French ``valeur\u00a0:``, ``22\u202f272``);
- a katakana word (パラメータ) and a run of hiragana (わかっていれば): Japanese breaks between its
  other characters, and never before a closing mark nor after an opening one (kinsoku: no line
  starts with 、 。 」 or a closing parenthesis, nor ends with 「 or an opening one); nor before
  French's spaced marks (``:`` ``;`` ``?`` ``!`` ``»``), even when written after an ordinary space;
- ASCII touching Japanese (``第1層``): by the spacing rule (docs/languages.md) a space separates a
  word of Latin letters or digits from kana and kanji, so the break falls on that space;
- a binding space: the one between a word and the number it counts or names (``dim 0``,
  ``batch of 32``, ``バッチサイズ 32``), between a number and the Japanese word after it
  (``8 個``, ``32 に``), and either side of a lone ``=`` (``N = 8``, ``h_0 = torch.zeros(``);
- inside code's brackets (a call, an index or a slice, opened right after a name:
  ``torch.zeros(D * num_layers, H_out)``, ``output[..., 20:]``), except after a comma (``, ``) when the brackets hold more than
  _LONGEST_HELD columns: that keeps each line of the call valid Python inside its parentheses.

A Japanese sentence's short ending (「です。」, 「序です。」) is never a line's first piece: it goes
with the pieces before it, so that no line (the last above all) holds only 「です。」.

A piece wider than the line is never cut: it goes whole on a line of its own (after the line's
indent or label) and overflows it; the terminal soft-wraps it and a copy keeps it whole.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lstmshape.i18n.text import WIDE_CLOSING, WIDE_OPENING, cells

# Spaces a line may break at (not U+00A0, U+202F, U+2060: they hold their neighbours together).
_BREAKING_SPACE = frozenset(" \t\n\u3000")
# Marks that never start a line, after a wide character or a space; and that never end one.
_CLOSING = WIDE_CLOSING | frozenset(",.:;!?)]}»%")
_OPENING = WIDE_OPENING | frozenset("([{«")
# Japanese punctuation a line may always break after (not ー, 々 nor small kana: inside words).
_PUNCTUATION_CLOSING = frozenset("、。，．）」』】〕〉》：；？！…")
# French writes these after a space: the space before them is never a break.
_SPACED_CLOSING = frozenset(":;?!»")
_BRACKETS_CLOSING = frozenset(")]}")
_KATAKANA = re.compile(r"[\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HIRAGANA = re.compile(r"[\u3041-\u309f]")
# A run of ordinary spaces with something either side: where a binding space may be.
_SPACES = re.compile(r"(?<=\S) +(?=\S)")
# Held whole though they hold spaces: a call or a tuple (``h_n.view(num_layers, D, N, H_out)``,
# ``(batch, seq, feature)``) up to _LONGEST_HELD columns (a longer one breaks after its commas,
# which keeps Python's lines valid inside the parentheses), a shape or a list of sizes, a number
# and its unit, an option and the value typed after it.
_LONGEST_HELD = 40
_ITEM = r"[^()\s,]+(?:\([^()]*\))?"
# Each alternative starts only where its run starts (the lookbehinds): tried from inside a run it
# would scan to the run's end again, which made a 200,000-character --lengths list quadratic.
_WHOLE = re.compile(
    rf"(?<![\w.\[\]])[\w.\[\]]+\((?:{_ITEM}(?:, ?| ))*{_ITEM}?\)"
    rf"|\((?:{_ITEM}, )+{_ITEM}\)"
    r"|\((?:-?\d+, ?)*-?\d+,?\)"
    r"|\[(?:-?\d+, ?)*-?\d+\]"
    r"|(?<![\d.,\u202f])\d[\d.,\u202f]*[ \u00a0\u202f](?:(?:[KMGTPE]i)?[Bo]|s|ms|min|h|[KMGTPE](?=\)))(?![\w])"
    r"|(?<![^\s(])--?[A-Za-z][\w-]* [\d'\"(\[]"
)


def _wide(char: str) -> bool:
    return cells(char) == 2


def _held(text: str, *, binding: bool = True) -> set[int]:
    """The places (index of the character after) where a line may not break: inside _WHOLE, at
    a binding space (unless ``binding`` is False), and inside code's brackets but after a
    comma."""
    held: set[int] = set()
    for match in _WHOLE.finditer(text):
        if match.group(0).isascii() and len(match.group(0)) <= _LONGEST_HELD:
            held.update(range(match.start() + 1, match.end()))
    if binding:
        held.update(_binding(text))
    held.update(_inside_code(text))
    return held


def _binding(text: str) -> set[int]:
    """The starts of the pieces that follow a binding space (the module's docstring)."""
    held: set[int] = set()
    for match in _SPACES.finditer(text):
        before, after = text[match.start() - 1], text[match.end()]
        numbered = after.isdigit() and (before.isalpha() or before == "=")
        counted = before.isdigit() and _wide(after)
        opened = before in _OPENING  # "{ h_n": a line never ends with an opening bracket
        if numbered or counted or opened or _lone_equals(text, match.start() - 1, match.end()):
            held.add(match.end())
    return held


def _lone_equals(text: str, before: int, after: int) -> bool:
    """Whether the spaces between ``before`` and ``after`` touch a ``=`` with spaces either side
    (``N = 8``): an assignment or an equation reads as one piece."""
    return (text[after] == "=" and text[after + 1 : after + 2] == " ") or (
        text[before] == "=" and text[before - 1 : before] == " "
    )


def _inside_code(text: str) -> set[int]:
    """The places inside code's brackets (opened right after a name, or ``[`` anywhere) where a
    line may not break: all of them up to _LONGEST_HELD columns, and past it all but those after
    a comma."""
    held: set[int] = set()
    for start, end in _code_brackets(text):
        inside = range(start + 1, end)
        if end - start <= _LONGEST_HELD:
            held.update(inside)
        else:
            held.update(i for i in inside if text[i - 2 : i] != ", ")
    return held


def _code_brackets(text: str) -> list[tuple[int, int]]:
    """The (open, close) indexes of the outermost brackets of code in ``text``: a call or an
    index, opened right after a name, a closing bracket or a dot (``torch.zeros(``,
    ``output[``); prose's brackets follow a space. An unclosed one holds nothing."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[int, bool]] = []  # the index of each open bracket, and whether it is code
    inside = 0  # how many of them are code: counted, not searched (20,000 "(" stay linear)
    for index, char in enumerate(text):
        if char in "([":
            previous = text[index - 1] if index else " "
            code = previous.isalnum() or previous in "_.)]" or inside > 0
            stack.append((index, code))
            inside += code
        elif char in ")]" and stack:
            start, code = stack.pop()
            inside -= code
            if code and not inside:
                spans.append((start, index))
    return spans


def _same_script(before: str, after: str) -> bool:
    """Two katakana, or two hiragana: one word of Japanese, kept whole."""
    return bool(
        (_KATAKANA.match(before) and _KATAKANA.match(after))
        or (_HIRAGANA.match(before) and _HIRAGANA.match(after))
    )


def may_break(before: str, after: str, *, next_mark: str = "") -> bool:
    """Whether a line may break between ``before`` and ``after`` (``next_mark``: the first
    character after the spaces that ``after`` starts, when ``after`` is a space)."""
    if after in _BREAKING_SPACE:
        return False  # spaces end the piece before them
    if before in _BREAKING_SPACE:
        # Nor before a closing bracket written after a space: "{ h_n = [2, 3, 20] }" stays whole.
        return after not in _SPACED_CLOSING and after not in _BRACKETS_CLOSING
    if after in _CLOSING or before in _OPENING:
        return False
    if before in _PUNCTUATION_CLOSING or after in WIDE_OPENING:
        return True  # after 、 or 」, before 「: Japanese breaks there, whatever is beside
    if not (_wide(before) or _wide(after)):
        return False  # a word, a name, code: narrow characters without a space
    if not (_wide(before) and _wide(after)):
        return False  # ASCII touching Japanese: the space rule puts the break on a space
    return not _same_script(before, after)


def pieces(text: str, *, binding: bool = True) -> list[str]:
    """``text`` cut where a line may break: each piece with the spaces that follow it. With
    ``binding`` False, binding spaces are breaks too, and a short ending stands alone."""
    return list(_pieces(text, binding))


# Rich measures a table's cell before it draws it, and a column's width reads every cell's widest
# piece: the same texts are cut several times a run.
@lru_cache(maxsize=4096)
def _pieces(text: str, binding: bool) -> tuple[str, ...]:
    held = _held(text, binding=binding)
    out: list[str] = []
    start = 0
    for index in range(1, len(text)):
        if index not in held and may_break(text[index - 1], text[index]):
            out.append(text[start:index])
            start = index
    if text:
        out.append(text[start:])
    return tuple(_endings_joined(out) if binding else out)


# A piece that would start a line with only the end of a Japanese sentence: 「です。」,
# 「ます。」, 「序です。」 (after 順 on the line before).
_SHORT_ENDING = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]{1,3}。")


def _endings_joined(found: list[str]) -> list[str]:
    """``found`` with each short sentence ending joined to the pieces before it, until what the
    ending's line would start with is not short."""
    out: list[str] = []
    for piece in found:
        out.append(piece)
        while len(out) > 1 and _SHORT_ENDING.match(out[-1].lstrip()):
            last = out.pop()
            out[-1] += last
    return out


def widest_piece(text: str) -> int:
    """The columns of the widest piece of ``text`` (without its spaces): the narrowest it can be
    laid out without cutting a piece."""
    return max((cells(piece.rstrip()) for piece in pieces(text)), default=0)


# A list item's marker after the line's indent: its wrapped lines continue under its text.
_MARKER = re.compile(r" *(?:\d+\.|[-•*]) (?=\S)")


def hanging(line: str, more: str = "  ") -> tuple[str, str, str]:
    """``line`` as (first indent, continuation indent, text): a list item (``1. ``, ``- ``,
    ``• ``) continues under its text, any other line ``more`` past its own indent."""
    marker = _MARKER.match(line)
    if marker:
        return marker.group(0), " " * cells(marker.group(0)), line[marker.end() :]
    text = line.lstrip(" ")
    indent = line[: len(line) - len(text)]
    return indent, indent + more, text


def wrap_hanging(line: str, width: int, more: str = "  ") -> list[str]:
    """``line`` wrapped to ``width`` with its hanging indent (hanging()); a blank line is kept."""
    first, subsequent, text = hanging(line, more)
    return wrap(text, width, indent=first, subsequent=subsequent) or [line.rstrip()]


def wrap(text: str, width: int, *, indent: str = "", subsequent: str | None = None) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken where a line may break; the first
    line starts with ``indent``, the others with ``subsequent`` (``indent`` if None). Whitespace
    that breaks (newlines, tabs) is read as a space; blank text has no lines."""
    text = re.sub(r"[\t\n\r]", " ", text)
    if not text.strip():
        return []
    subsequent = indent if subsequent is None else subsequent
    filler = _Filler(width, indent, subsequent)
    room = width - cells(subsequent)
    for piece in pieces(text):
        # A binding space yields only when what it binds is wider than a whole line
        # (``c_n.view(num_layers, D, N, H_cell) = view(4, 2, 100000, 8)``).
        for part in pieces(piece, binding=False) if cells(piece.rstrip()) > room else [piece]:
            filler.add(part)
    return filler.finished()


class _Filler:
    """Lines filled greedily with pieces: a piece that does not fit starts the next line."""

    def __init__(self, width: int, indent: str, subsequent: str) -> None:
        self.width, self.subsequent = width, subsequent
        self.lines: list[str] = []
        self.line = indent
        self.fresh = True  # nothing but the indent on the line yet

    def room(self) -> int:
        return self.width - cells(self.line)

    def add(self, piece: str) -> None:
        if not self.fresh and cells(piece.rstrip()) > self.room():
            self.lines.append(self.line.rstrip())
            self.line, self.fresh = self.subsequent, True
        # On a fresh line a piece wider than the room overflows it, whole: never cut.
        rest = piece.lstrip(" ") if self.fresh else piece
        if rest:
            self.line += rest
            self.fresh = False

    def finished(self) -> list[str]:
        if self.line.strip():
            self.lines.append(self.line.rstrip())
        return self.lines


def fits(line: str, width: int) -> bool:
    """Whether ``line`` takes at most ``width`` columns (a wide character takes two)."""
    return cells(line) <= width
