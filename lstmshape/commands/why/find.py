"""Finding torch's sentences anywhere in a text: a traceback, a log, a notebook's output.

Each sentence's longest literal part is searched for with str.find (linear, in C); only the lines
that hold it are matched against the sentence's pattern, whose fields cannot backtrack into each
other. A 10 MB log is read in a fraction of a second, whatever it holds.

Pasted text is read as it comes: Jupyter's colours (ANSI escapes) are taken out first; a sentence
without its last period, or cut after its first clause (an issue's title), is still found; and a
sentence wrapped over two lines is found where its longest word is, on that line joined to the
line before or after it (each line is tried a bounded number of times: linear still).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from lstmshape.results.why import Explained
from lstmshape.torchfacts.sentences import TORCH, Sentence

# Terminal colours and cursor moves (CSI sequences) and OSC titles, as Jupyter and rich print them.
_ESCAPES = re.compile(
    r"\x1b(?:\[[0-9;?]{0,64}[ -/]{0,4}[@-~]|\][^\x07\x1b]{0,4096}(?:\x07|\x1b\\)?)"
)


class Found(NamedTuple):
    """One of torch's sentences in the text: which, its fields, and the text of it."""

    sentence: Sentence
    fields: dict[str, Any]
    message: str
    position: int
    """Where in the text it starts: sentences are explained in the order the text holds them."""

    def explained(self, summary: str, **more: Any) -> Explained:
        """This sentence explained: ``summary`` and the rest of :class:`Explained`'s fields."""
        return Explained(
            sentence=self.sentence.id,
            torch_message=self.message,
            stage=self.sentence.stage,
            summary=summary,
            **more,
        )


def without_escapes(text: str) -> str:
    """``text`` without terminal escapes (a notebook's coloured traceback reads as plain text)."""
    return _ESCAPES.sub("", text) if "\x1b" in text else text


def find_sentences(text: str) -> list[Found]:
    """Every sentence of torch's in ``text``, in order; a sentence repeated verbatim is found once
    per occurrence (the caller counts them)."""
    text = without_escapes(text)
    found: list[Found] = []
    for sentence in TORCH.values():
        found += _occurrences(sentence, text)
    # Where two sentences match the same text (torch's "Expected hidden size" is both a padded
    # and a packed GRU's), the first in TORCH's order is the one meant; a sentence inside a longer
    # one (its first clause) is part of it.
    kept: list[Found] = []
    end = -1
    for item in sorted(found, key=lambda f: (f.position, -len(f.message))):
        if item.position + len(item.message) > end:
            kept.append(item)
            end = item.position + len(item.message)
    return kept


def _occurrences(sentence: Sentence, text: str) -> list[Found]:
    """Each line holding the sentence's anchor, matched once: the next search starts after it;
    then each line holding its longest word but no match, joined to its neighbours (a wrap)."""
    found: list[Found] = []
    matched: set[int] = set()  # the starts of the lines already read
    start = text.find(sentence.anchor)
    while start != -1:
        line_start, line_end = _line(text, start)
        for match in sentence.pattern.finditer(text, line_start, line_end):
            found.append(Found(sentence, sentence.read(match), match[0], match.start()))
            matched.add(line_start)
        start = text.find(sentence.anchor, line_end)
    start = text.find(sentence.word)
    while start != -1:
        line_start, line_end = _line(text, start)
        if line_start not in matched:
            found += _wrapped(sentence, text, line_start, line_end, matched)
        start = text.find(sentence.word, line_end)
    return found


def _line(text: str, position: int) -> tuple[int, int]:
    """Where the line holding ``position`` starts and ends (its newline excluded)."""
    line_end = text.find("\n", position)
    return text.rfind("\n", 0, position) + 1, len(text) if line_end == -1 else line_end


def _wrapped(
    sentence: Sentence, text: str, line_start: int, line_end: int, matched: set[int]
) -> list[Found]:
    """The sentence over this line and the one after it, or the one before it, joined by a space
    (a terminal's or an editor's wrap) or by nothing (a wrap inside a word)."""
    pairs = []
    if line_end < len(text):
        pairs.append((line_start, line_end, _line(text, line_end + 1)[1]))
    if line_start > 0:
        before = _line(text, line_start - 1)[0]
        if before not in matched:
            pairs.append((before, line_start - 1, line_end))
    for first, middle, last in pairs:
        head, tail = text[first:middle].rstrip(), text[middle + 1 : last].lstrip()
        for joint in (" ", ""):
            match = sentence.pattern.search(head + joint + tail)
            if match is not None and match.start() < len(head) < match.end():
                matched.add(first)
                return [Found(sentence, sentence.read(match), match[0], first + match.start())]
    return []
