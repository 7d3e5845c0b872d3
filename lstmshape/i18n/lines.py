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
  word of Latin letters or digits from kana and kanji, so the break falls on that space.

A piece wider than the line is folded, the one case where it is cut.
"""

from __future__ import annotations

import re

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
_KATAKANA = re.compile(r"[\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HIRAGANA = re.compile(r"[\u3041-\u309f]")
# Held whole though they hold spaces: a call or a tuple (``h_n.view(num_layers, D, N, H_out)``,
# ``(batch, seq, feature)``) up to _LONGEST_HELD columns (a longer one breaks after its commas,
# which keeps Python's lines valid inside the parentheses), a shape or a list of sizes, a number
# and its unit, an option and the value typed after it.
_LONGEST_HELD = 40
_ITEM = r"[^()\s,]+(?:\([^()]*\))?"
_WHOLE = re.compile(
    rf"[\w.\[\]]+\((?:{_ITEM}(?:, ?| ))*{_ITEM}?\)"
    rf"|\((?:{_ITEM}, )+{_ITEM}\)"
    r"|\((?:-?\d+, ?)*-?\d+,?\)"
    r"|\[(?:-?\d+, ?)*-?\d+\]"
    r"|\d[\d.,\u202f]*[ \u00a0\u202f](?:(?:[KMGTPE]i)?[Bo]|s|ms|min|h|[KMGTPE](?=\)))(?![\w])"
    r"|(?<![^\s(])--?[A-Za-z][\w-]* [\d'\"(\[]"
)


def _wide(char: str) -> bool:
    return cells(char) == 2


def _held(text: str) -> set[int]:
    """The places (index of the character after) where a line may not break by _WHOLE."""
    held: set[int] = set()
    for match in _WHOLE.finditer(text):
        if match.group(0).isascii() and len(match.group(0)) <= _LONGEST_HELD:
            held.update(range(match.start() + 1, match.end()))
    return held


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
        return after not in _SPACED_CLOSING
    if after in _CLOSING or before in _OPENING:
        return False
    if before in _PUNCTUATION_CLOSING or after in WIDE_OPENING:
        return True  # after 、 or 」, before 「: Japanese breaks there, whatever is beside
    if not (_wide(before) or _wide(after)):
        return False  # a word, a name, code: narrow characters without a space
    if not (_wide(before) and _wide(after)):
        return False  # ASCII touching Japanese: the space rule puts the break on a space
    return not _same_script(before, after)


def pieces(text: str) -> list[str]:
    """``text`` cut where a line may break: each piece with the spaces that follow it."""
    held = _held(text)
    out: list[str] = []
    start = 0
    for index in range(1, len(text)):
        if index not in held and may_break(text[index - 1], text[index]):
            out.append(text[start:index])
            start = index
    if text:
        out.append(text[start:])
    return out


def widest_piece(text: str) -> int:
    """The columns of the widest piece of ``text`` (without its spaces): the narrowest it can be
    laid out without cutting a piece."""
    return max((cells(piece.rstrip()) for piece in pieces(text)), default=0)


def wrap(text: str, width: int, *, indent: str = "", subsequent: str | None = None) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken where a line may break; the first
    line starts with ``indent``, the others with ``subsequent`` (``indent`` if None). Whitespace
    that breaks (newlines, tabs) is read as a space; blank text has no lines."""
    text = re.sub(r"[\t\n\r]", " ", text)
    if not text.strip():
        return []
    filler = _Filler(width, indent, indent if subsequent is None else subsequent)
    for piece in pieces(text):
        filler.add(piece)
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
        rest = piece.lstrip(" ") if self.fresh else piece
        while rest and cells(rest.rstrip()) > max(self.room(), 1):  # wider than a line: folded
            head = _fold(rest, max(self.room(), 1))
            self.lines.append(self.line + head)
            self.line, rest = self.subsequent, rest[len(head) :]
        if rest:
            self.line += rest
            self.fresh = False

    def finished(self) -> list[str]:
        if self.line.strip():
            self.lines.append(self.line.rstrip())
        return self.lines


def _fold(piece: str, width: int) -> str:
    """The longest start of ``piece`` that fits ``width`` columns (at least one character)."""
    end = 1
    while end < len(piece) and cells(piece[: end + 1]) <= width:
        end += 1
    while 1 < end < len(piece) and piece[end] in _CLOSING:
        end -= 1  # kinsoku even when folding: the closing mark goes with what it closes
    return piece[:end]


def fits(line: str, width: int) -> bool:
    """Whether ``line`` takes at most ``width`` columns (a wide character takes two)."""
    return cells(line) <= width
