"""Every sentence pattern of why runs in linear time, whatever the text holds (issue #21).

Each pattern is tried on adversarial text built from its own literal parts, at 10^5 and 2x10^5
characters: the time must double, not quadruple. A ratio, never an absolute time: the machine's
speed cancels out. A structural test says why it holds: no two fields touch, and a pattern that
starts with a field starts at a word's start, so no repeat can be tried from inside another.
"""

from __future__ import annotations

import time

import pytest

from lstmshape.commands.why.find import find_sentences
from lstmshape.torchfacts.sentences import _FIELD, _PATTERNS, _WORD_START, TORCH, Sentence

SIZES = (100_000, 200_000)


def _adversarial(sentence: Sentence, n: int) -> str:
    """A text of about ``n`` characters made to make this sentence's pattern quadratic, if it
    could be: a long word before its words, its words repeated on one line, its longest word on
    every line (each line then joined to its neighbours, as a wrap would be)."""
    anchor, word, third = sentence.anchor, sentence.word, n // 3
    return (
        "a" * third + "!" + anchor + "\n"
        + (anchor + " ") * (third // (len(anchor) + 1)) + "\n"
        + (word + "\n") * (third // (len(word) + 1))
    )  # fmt: skip


def _endless(n: int) -> str:
    """Fields without end, after the literal before them: numbers, shapes, keys, paths."""
    return "\n".join(
        (
            "Expected hidden[0] size (" + "1" * n,
            "Expected hidden[0] size (" + "1, " * (n // 3),
            "Missing key(s) in state_dict: " + '"a", ' * (n // 5),
            "size mismatch for " + "a." * (n // 2),
        )
    )


def _ratio(small_text: str, large_text: str) -> tuple[float, float]:
    """The best of five CPU times of each, taken in turn so that a busy moment of the machine
    falls on both: the ratio then holds on a loaded CI machine too."""
    best = [float("inf"), float("inf")]
    for _ in range(5):
        for i, text in enumerate((small_text, large_text)):
            start = time.process_time()
            find_sentences(text)
            best[i] = min(best[i], time.process_time() - start)
    return best[0], best[1]


@pytest.mark.parametrize("sentence_id", sorted(TORCH))
def test_every_pattern_is_linear_on_adversarial_text(sentence_id: str) -> None:
    small, large = _ratio(*(_adversarial(TORCH[sentence_id], n) for n in SIZES))
    assert large / small < 3, (sentence_id, small, large)  # quadratic would be 4


def test_fields_without_end_are_read_in_linear_time() -> None:
    small, large = _ratio(*(_endless(n) for n in SIZES))
    assert large / small < 3, (small, large)


def test_no_field_can_backtrack_into_another() -> None:
    for sentence in TORCH.values():
        assert "}{" not in sentence.template, sentence.id  # two fields side by side
        if sentence.template.startswith("{"):
            assert sentence.pattern.pattern.startswith(_WORD_START), sentence.id
        for part in _FIELD.findall(sentence.template):
            assert sentence.fields[part] in _PATTERNS
    # Numbers are bounded: a number of thousands of digits is never read (nor given to int()).
    assert "{1,30}" in _PATTERNS["int"]
