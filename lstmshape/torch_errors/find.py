"""Finding torch's sentences anywhere in a text: a traceback, a log, a notebook's output.

Each sentence's longest literal part is searched for with str.find (linear, in C); only the lines
that hold it are matched against the sentence's pattern, whose fields cannot backtrack into each
other. A 10 MB log is read in a fraction of a second, whatever it holds.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from lstmshape.model.why import Explained
from lstmshape.sentences import TORCH, Sentence


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


def find_sentences(text: str) -> list[Found]:
    """Every sentence of torch's in ``text``, in order; a sentence repeated verbatim is found once
    per occurrence (the caller counts them)."""
    found: list[Found] = []
    for sentence in TORCH.values():
        found += _occurrences(sentence, text)
    # Where two sentences match the same text (torch's "Expected hidden size" is both a padded
    # and a packed GRU's), the first in TORCH's order is the one meant.
    seen: set[tuple[int, int]] = set()
    kept = []
    for item in sorted(found, key=lambda f: f.position):
        span = (item.position, len(item.message))
        if span not in seen:
            seen.add(span)
            kept.append(item)
    return kept


def _occurrences(sentence: Sentence, text: str) -> list[Found]:
    """Each line holding the sentence's anchor, matched once: the next search starts after it."""
    found = []
    start = text.find(sentence.anchor)
    while start != -1:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        if line_end == -1:
            line_end = len(text)
        for match in sentence.pattern.finditer(text, line_start, line_end):
            found.append(Found(sentence, sentence.read(match), match[0], match.start()))
        start = text.find(sentence.anchor, line_end)
    return found
