"""Sentences the code puts together read as the language writes them (issue 23, li-text).

Each language assembles its own sentence: a fix that leaves an option out is a request in each
language (and, applied, gives the user the run they meant); labels take the language's colon;
lists and sentences are joined by the language's own separators; and no English word of
lstmshape's own is left in a Japanese, French or Spanish output (tests/test_english_left.py).
"""

from __future__ import annotations

import re
import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import invoke, unwrapped

LANGS = ("en", "ja", "fr", "es")
# How each language says a fix that leaves an option out, around the option: the request is a
# sentence of its own (「--x なしで試してください」, « Essayez sans --x », «Pruebe sin --x»).
LEFT_OUT = {
    "en": re.compile(r"without (--[\w-]+)"),
    "ja": re.compile(r"(--[\w-]+) なし"),
    "fr": re.compile(r"sans (--[\w-]+)"),
    "es": re.compile(r"sin (--[\w-]+)"),
}
REQUEST = {
    "en": re.compile(r"^Try (.+)\.$"),
    "ja": re.compile(r"^(.+)を試してください。$|^(.+ なし)で試してください。$"),
    "fr": re.compile(r"^Essayez (.+)\.$"),
    "es": re.compile(r"^Pruebe (.+)\.$"),
}
SETTING = re.compile(r"(--[\w-]+)(?: ([^\s-][^\s]*))?")
# Options that take no value.
FLAGS = {"--batch-first", "--bidirectional", "--no-bias", "--cost", "--unbatched"}


def hint_of(stderr: str) -> str:
    """The last line of an error: its hint."""
    return unwrapped(stderr).strip().splitlines()[-1].strip()


def applied(argv: list[str], hint: str, lang: str) -> list[str]:
    """``argv`` with the fix the hint says made: its options left out removed, its settings set."""
    match = REQUEST[lang].match(hint)
    assert match, f"{lang}: the hint is not a request: {hint!r}"
    said = next(group for group in match.groups() if group)
    removed = set(LEFT_OUT[lang].findall(said))
    said = LEFT_OUT[lang].sub("", said)
    settings = dict(SETTING.findall(said))
    fixed: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg in removed or arg in settings:
            if arg not in FLAGS:
                next(args)
            continue
        fixed.append(arg)
    for flag, value in settings.items():
        fixed += [flag, value] if value else [flag]
    return fixed


def _fixed_runs(argv: list[str], lang: str) -> tuple[str, int]:
    failed = invoke(["--lang", lang, *argv])
    assert failed.exit_code in (1, 2), failed.stderr
    hint = hint_of(failed.stderr)
    fixed = applied(argv, hint, lang)
    return hint, invoke(["--lang", lang, *fixed]).exit_code


@pytest.mark.parametrize("lang", LANGS)
def test_a_fix_that_leaves_an_option_out_is_a_request_that_works(lang: str) -> None:
    argv = shlex.split("inspect tests/snapshots/files/lstm.pt --input 5,2,3 --nonlinearity relu")
    hint, code = _fixed_runs(argv, lang)
    assert LEFT_OUT[lang].search(hint), hint
    assert "なし を" not in hint
    assert code == 0, hint


@given(
    steps=st.integers(2, 9),
    batch=st.integers(2, 9),
    features=st.integers(1, 12),
    hidden=st.integers(1, 24),
    rows=st.integers(1, 2),
    lang=st.sampled_from(LANGS),
)
def test_a_state_made_from_the_wrong_axis_is_fixed_by_the_hint_in_every_language(
    steps: int, batch: int, features: int, hidden: int, rows: int, lang: str
) -> None:
    """batch_first given by mistake, and c_0 made from the axis torch reads as L (with one row too
    many, or not): the hint leaves --batch-first out (and sets c_0); followed, the run works, whatever the language."""
    if steps == batch:
        steps += 1
    argv = [
        "--input", f"{steps},{batch},{features}", "--hidden", str(hidden), "--batch-first",
        "--c0", f"{rows},{batch},{hidden}",
    ]  # fmt: skip
    hint, code = _fixed_runs(argv, lang)
    assert LEFT_OUT[lang].search(hint), hint
    assert "なし を" not in hint
    assert code == 0, hint
