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


# --- labels: the language's colon where code joins a label and its value -------------------

COLON = {"en": ": ", "ja": ": ", "fr": "\u00a0: ", "es": ": "}


@pytest.mark.parametrize("lang", LANGS)
def test_a_spec_values_problem_follows_its_value_with_the_languages_colon(lang: str) -> None:
    result = invoke(["--lang", lang, "check", "tests/snapshots/files/bad_types.toml"])
    said = unwrapped(result.stdout + result.stderr)
    assert f"'abc'{COLON[lang]}" in said, said
    if lang == "fr":
        assert "'abc': " not in said


@given(
    steps=st.integers(1, 9),
    batch=st.integers(1, 9),
    features=st.integers(1, 64),
    hidden=st.integers(1, 64),
    lang=st.sampled_from(LANGS),
)
def test_a_snippets_assert_comment_labels_its_formula_as_the_language_does(
    steps: int, batch: int, features: int, hidden: int, lang: str
) -> None:
    argv = ["--lang", lang, "--input", f"{steps},{batch},{features}", "--hidden", str(hidden)]
    code = invoke([*argv, "--format", "code"]).stdout
    comments = [line.partition("  # ")[2] for line in code.splitlines() if ".shape == " in line]
    assert comments
    for comment in comments:
        formula, colon, _ = comment.partition(COLON[lang])
        assert colon, comment
        assert formula.startswith("("), comment
        assert formula.endswith(")"), comment


# --- lists, clauses and sentences in the language's own separators -----------------------------


@pytest.mark.parametrize(
    ("lang", "listed"),
    [
        ("en", "float32, float16, bfloat16, float64"),
        ("ja", "float32、float16、bfloat16、float64"),
        ("fr", "float32, float16, bfloat16, float64"),
        ("es", "float32, float16, bfloat16, float64"),
    ],
)
def test_names_in_prose_are_listed_with_the_languages_separator(lang: str, listed: str) -> None:
    said = unwrapped(
        invoke(["--lang", lang, "--input", "4,3,10", "-H", "20", "--dtype", "float99"]).stderr
    )
    assert listed in said, said


def test_japanese_sentences_put_together_follow_each_other_with_no_space() -> None:
    paste = (
        "RuntimeError: While copying the parameter named context_LSTM.weight_ih_l0, whose "
        "dimensions in the model are torch.Size([400, 350]) and whose dimensions in the "
        "checkpoint are torch.Size([400, 300])."
    )
    said = unwrapped(invoke(["--lang", "ja", "why", paste, "--unidirectional"]).stdout)
    assert "この形状からはクラスがわかりません" in said
    assert "。 この形状" not in said
    assert "。この形状" in said


@pytest.mark.parametrize("lang", LANGS)
def test_the_cost_tables_work_is_said_in_the_language(lang: str) -> None:
    said = invoke(["--lang", lang, "--input", "4,3,10", "--hidden", "20", "--cost"]).stdout
    flops, macs = {"en": ("FLOPs", "2 × MACs"), "ja": ("FLOPs", "2 × MAC")}.get(
        lang, ("FLOP", "2 × MAC")
    )
    row = next(line for line in said.splitlines() if line.strip("│ ").startswith(flops))
    assert row.rstrip(" │").endswith(macs), row
    if lang == "ja":
        # Clauses of the caption: separated by 、, never by an ASCII semicolon.
        assert "; " not in unwrapped(said), said


def test_a_long_batch_sizes_and_a_huge_int_are_said_in_the_language() -> None:
    from lstmshape.commands.inspect.checkpoint.hyper import hyper_parameters
    from lstmshape.i18n import speaking
    from lstmshape.results.packing import Packing

    packing = Packing(lengths=(3000, 2999, 1), enforce_sorted=True)
    said = {"en": "values", "ja": "個の値", "fr": "valeurs", "es": "valores"}
    bits = {"en": "an int of 4,000 bits", "ja": "4,000 ビットの int", "fr": "un int de 4\u202f000 bits",
            "es": "un int de 4000 bits"}  # fmt: skip
    for lang in LANGS:
        with speaking(lang):
            assert said[lang] in packing.batch_sizes_text(), lang
            found = hyper_parameters({"hyper_parameters": {"seed": 2**3999}})
            assert found is not None
            assert found[0].value == bits[lang], (lang, found)


@pytest.mark.parametrize(
    ("lang", "diff", "label"),
    [
        ("en", "0.0096", "N=5, L=7: "),
        ("fr", "0,0096", "N=5, L=7\u00a0: "),
        ("es", "0,0096", "N=5, L=7: "),
    ],
)
def test_a_deploy_runs_measured_facts_are_said_in_the_language(
    lang: str, diff: str, label: str
) -> None:
    """A difference torch measured keeps its digits with the language's decimal sign, and the
    sizes a run failed at take the language's colon (deploy.said_fields)."""
    from lstmshape.deploy import said_fields
    from lstmshape.i18n import speaking

    with speaking(lang):
        said = said_fields({"diff": "0.0096", "why": "N=5, L=7: [ONNXRuntimeError] : 2"})
    assert said == {"diff": diff, "why": f"{label}[ONNXRuntimeError] : 2"}
