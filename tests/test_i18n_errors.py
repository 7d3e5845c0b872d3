"""Errors and help in the learners' languages: lstmshape's own errors in each voice, Click's and
Typer's words (usage errors, help screens), the API's lang=, and English left as it was.

The catalogs' completeness is tests/test_i18n.py's; here, what the run does with them.
"""

from __future__ import annotations

import json
import re

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from rich._wrap import words
from rich.cells import cell_len

import lstmshape
from lstmshape import ExpectationError, InvalidModuleError, UnreadableValueError, explain
from lstmshape.cli.language import CLICK_MESSAGES, click_message, line_words
from lstmshape.i18n import speaking
from lstmshape.i18n.words import PYTHON, Change, Fix, drop, fix, say, without
from tests.conftest import invoke, unwrapped, validate_json

# -- Click's and Typer's words -------------------------------------------------------------------

# Usage errors Click words, one per kind lstmshape's commands can meet.
USAGE_ERRORS = {
    "missing option": "--input 4,3,10",
    "missing argument": "check",
    "no such option": "--input 4,3,10 --hidden 20 --bogus",
    "invalid value": "--input 4,3,10 --hidden 20 --format foo",
    "no such command": "chek",
    "needs a value": "--input 4,3,10 --hidden",
    "takes no value": "--input 4,3,10 --hidden 20 --cost=yes",
}
CLICK_ENGLISH = re.compile(r"Usage:|Missing |No such |Invalid value|requires|does not take|Error")


@pytest.mark.parametrize("name", list(USAGE_ERRORS))
def test_a_usage_error_is_said_in_the_language_and_english_is_left_as_it_was(name: str) -> None:
    english = invoke(USAGE_ERRORS[name])
    result = invoke(["--lang", "ja", *USAGE_ERRORS[name].split()])
    assert result.exit_code == english.exit_code == 2
    # lstmshape's own form, as for its own errors: "Error:" and a Try line, no box.
    first, hint = unwrapped(result.stderr).splitlines()
    assert first.startswith("エラー: ")
    assert hint.startswith("  ")
    assert hint.endswith("てください。")
    assert CLICK_ENGLISH.search(unwrapped(result.stderr)) is None, unwrapped(result.stderr)
    # Typer's words are back in English for the next command of the process.
    assert unwrapped(invoke(USAGE_ERRORS[name]).stderr) == unwrapped(english.stderr)
    assert unwrapped(english.stderr).startswith("Error: ")
    assert unwrapped(english.stderr).splitlines()[1].startswith("  Try ")


def test_the_missing_option_in_each_language() -> None:
    said = {
        lang: unwrapped(invoke(f"--input 4,3,10 --lang {lang}").stderr)
        for lang in ("ja", "fr", "es")
    }
    assert "オプション '--hidden' / '-H' がありません。" in said["ja"]
    assert "Option '--hidden' / '-H' manquante." in said["fr"]
    assert "Falta la opción '--hidden' / '-H'." in said["es"]


def test_every_click_message_reads_back_its_own_english() -> None:
    """Each of Click's messages, with its placeholders filled, is recognised as itself (the first
    match wins, so no shorter message shadows a longer one) and said in the language."""
    for message in CLICK_MESSAGES:
        names = re.findall(r"\{(\w+)\}", message)
        values = {name: f"'<{name}>'" for name in names}
        english = message.format(**values)
        with speaking("ja"):
            said = click_message(english)
        assert said is not None, message
        assert all(value in said for value in values.values()), (message, said)
        assert not re.search(r"[A-Za-z]{3,} [a-z]{3,}", re.sub(r"'<\w+>'", "", said)), said


def test_a_message_click_does_not_know_is_left_as_it_is() -> None:
    with speaking("ja"):
        assert click_message("Something only a newer Click says.") is None


@pytest.mark.parametrize("lang", ["ja", "fr", "es"])
@pytest.mark.parametrize("command", ["", "check", "why", "inspect", "trace"])
def test_a_help_screen_in_each_language_fits_and_cuts_nothing(lang: str, command: str) -> None:
    english = invoke(f"{command} --help".strip())
    result = invoke(f"{command} --help --lang {lang}".strip())
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert "…" not in result.stdout  # Rich cuts a word it cannot fit with an ellipsis
    # English is untouched afterwards: the help texts and Typer's titles are restored.
    assert invoke(f"{command} --help".strip()).stdout == english.stdout


def test_the_help_screen_in_japanese() -> None:
    shown = invoke("--help --lang ja").stdout
    for words_of_the_screen in (
        "使い方: lstmshape",
        "─ オプション ─",
        "─ コマンド ─",
        "[既定値: table]",
    ):
        assert words_of_the_screen in shown
    assert "num_layers（層の数）。[既定値: 1]" in shown  # lstmshape's own "[default: 1]", shown
    assert "このヘルプを表示して終了します。" in shown
    inspect = invoke("inspect --help --lang ja").stdout
    assert "─ 比較するモジュール（--against の代わりに指定） ─" in inspect
    assert "─ 引数 ─" in inspect
    assert "[必須]" in inspect


def test_a_shape_typed_with_spaces_is_said_in_the_language() -> None:
    result = invoke("--input 4, 3, 10 --hidden 20 --lang es")
    assert result.exit_code == 2
    said = unwrapped(result.stderr).splitlines()[0]
    assert said == (
        "Error: Argumentos adicionales inesperados (3, 10): una forma escrita con espacios es un solo "
        "valor. Póngala entre comillas, --input '4, 3, 10', o quite los espacios, --input 4,3,10."
    )


@given(st.text(alphabet="abc DEF\tgh", max_size=60))
def test_line_breaks_are_richs_for_words_and_spaces(text: str) -> None:
    """English words break where Rich breaks them; what lstmshape holds whole besides (names,
    shapes, calls, a number and its unit) is tests/test_layout.py's."""
    assert list(line_words(text)) == list(words(text))


def test_line_breaks_between_japanese_characters_but_not_before_closing_marks() -> None:
    said = [word for _, _, word in line_words("形状（入力）。例: --h0 2,3,20、または")]
    # An option and its value stay together; a run of hiragana (または) is one word.
    assert said == ["形", "状", "（入", "力）。", "例: ", "--h0 2,3,20、", "または"]
    french = [word.strip() for _, _, word in line_words("Usage : lstmshape [défaut : 1]")]
    assert french == ["Usage :", "lstmshape", "[défaut : 1]"]  # a short tag is never broken
    long_tag = "[défaut : LSTMSHAPE_LANG, sinon en]"  # a long one breaks after its label only
    said = [word.strip() for _, _, word in line_words(f"Langue. {long_tag}")]
    assert said[:3] == ["Langue.", "[défaut :", "LSTMSHAPE_LANG,"]


# -- lstmshape's own errors ----------------------------------------------------------------------


def test_an_error_in_each_voice_keeps_the_voice_and_says_the_language() -> None:
    result = invoke("--input 4,3,10 --hidden 20 --module GRU --proj-size 3 --lang fr")
    assert result.exit_code == 2
    assert unwrapped(result.stderr).splitlines() == [
        "Erreur\u00a0: --proj-size 3\u00a0: seul un LSTM projette son état caché.",
        "  Message de torch\u00a0: proj_size argument is only supported for LSTM, not RNN or GRU",
        "  Essayez sans --proj-size, ou --module LSTM.",
    ]
    with pytest.raises(InvalidModuleError, match="seul un LSTM") as raised:
        explain((4, 3, 10), 20, module="GRU", proj_size=3, lang="fr")
    assert raised.value.hint == "Essayez sans proj_size, ou module='LSTM'."


def test_a_fix_says_what_it_leaves_out_last_in_every_language() -> None:
    both = Fix((Change("batch_first"), *fix(h_0=(1, 3, 20)).changes))
    with speaking("ja"):
        assert say(PYTHON, both) == "h_0=(1, 3, 20), batch_first なし"
        assert without(["proj_size なし", "h_0=(1, 3, 20)"]) == ["h_0=(1, 3, 20)", "proj_size なし"]
    with speaking("es"):
        assert say(PYTHON, drop("proj_size")) == "sin proj_size"
    assert say(PYTHON, both) == "h_0=(1, 3, 20), without batch_first"


def test_an_error_speaks_the_language_of_the_call_that_raised_it() -> None:
    with pytest.raises(InvalidModuleError, match="隠れ状態") as raised:
        explain((4, 3, 10), 0, lang="ja")
    error = raised.value
    # Worded after the call, in the environment's English: still the call's Japanese.
    assert str(error).splitlines() == [
        "hidden_size=0: 隠れ状態には少なくとも 1 つの特徴量が必要です。",
        "  torch: hidden_size must be greater than zero",
        "  hidden_size=20 を試してください。",
    ]
    assert error.to_dict()["message"] == error.message == str(error).splitlines()[0]
    assert error.lang == "ja"


def test_the_articles_of_each_language() -> None:
    with pytest.raises(InvalidModuleError, match="una LSTM necesita al menos una capa"):
        explain((4, 3, 10), 20, num_layers=0, lang="es")
    with pytest.raises(InvalidModuleError, match=r"^num_layers=0: LSTM には少なくとも 1 つの層"):
        explain((4, 3, 10), 20, num_layers=0, lang="ja")
    with pytest.raises(
        InvalidModuleError, match=r"^num_layers=0: an LSTM needs at least one layer"
    ):
        explain((4, 3, 10), 20, num_layers=0)


def test_a_value_that_is_not_a_shape_in_each_language() -> None:
    for lang, said in {
        "ja": "input=(4, 2.5) は形状ではありません: 軸 1 が 2.5 で、整数ではありません。",
        "fr": "input=(4, 2.5) n'est pas une forme\u00a0: l'axe 1 vaut 2.5, ce qui n'est pas un nombre "
        "entier.",
        "es": "input=(4, 2.5) no es una forma: el eje 1 es 2.5, no un número entero.",
    }.items():
        with pytest.raises(UnreadableValueError, match=r"^input=\(4, 2\.5\) ") as raised:
            explain((4, 2.5), 20, lang=lang)
        assert raised.value.message == said


def test_assert_shapes_fails_in_the_language_asked_for() -> None:
    lstm = torch.nn.LSTM(10, 20, num_layers=2)
    with pytest.raises(ExpectationError, match=r"^2 formes diffèrent") as raised:
        lstmshape.assert_shapes(lstm, (4, 3, 10), h_n=(1, 3, 20), output=(4, 3, 21), lang="fr")
    lines = str(raised.value).splitlines()
    assert lines[0] == (
        "2 formes diffèrent de celles attendues pour nn.LSTM(10, 20, num_layers=2) sur l'entrée "
        "(4, 3, 10)\u00a0:"
    )
    assert lines[1].split() == ["tenseur", "attendu", "calculé", "axes"]
    assert lines[-1] == (
        "  Indiquez h_n=(2, 3, 20), output=(4, 3, 20) comme forme attendue, ou changez les "
        "arguments du module."
    )
    with pytest.raises(ExpectationError, match=r"^1 forma difiere de la esperada"):
        lstmshape.assert_shapes(lstm, (4, 3, 10), h_n=(1, 3, 20), lang="es")
    with pytest.raises(UnreadableValueError, match="assert_shapes に確認する形状"):
        lstmshape.assert_shapes(lstm, (4, 3, 10), lang="ja")


def test_spec_of_module_explain_module_and_verify_take_lang() -> None:
    with pytest.raises(UnreadableValueError, match=r"^lstmshape lee nn.LSTM, nn.GRU, nn.RNN"):
        lstmshape.spec_of_module(torch.nn.Linear(3, 4), lang="es")
    with pytest.raises(UnreadableValueError, match=r"^lstmshape attend une instance de module"):
        lstmshape.explain_module(torch.nn.LSTM, (4, 3, 10), lang="fr")
    report = explain((4, 3, 10), 20)
    with pytest.raises(UnreadableValueError, match="はメモリサイズではありません"):
        lstmshape.verify(report, budget="lots", lang="ja")
    with pytest.raises(UnreadableValueError, match="lstmshape speaks en, ja, fr, es"):
        lstmshape.spec_of_module(torch.nn.LSTM(3, 4), lang="de")


@pytest.mark.parametrize("lang", ["en", "ja", "fr", "es"])
def test_a_failure_as_json_says_its_language_and_keeps_its_ids(lang: str) -> None:
    result = invoke(f"--input 4,3,11 --input-size 10 --hidden 20 --format json --lang {lang}")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    validate_json(data, "error")
    assert data["lang"] == lang
    assert (data["error"]["error"], data["error"]["subject"]) == ("TensorMismatchError", "input")
    english = json.loads(invoke("--input 4,3,11 --input-size 10 --hidden 20 --format json").stdout)
    assert (data["error"]["message"] == english["error"]["message"]) == (lang == "en")
