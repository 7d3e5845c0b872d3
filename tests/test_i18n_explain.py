"""The explanation in Japanese, French and Spanish: every sentence said in the language asked for,
the table at 80 columns, Japanese columns aligned by the cells they take, and English untouched.

The catalogs' completeness and the tutorials' terms are tests/test_i18n.py's; these hold what the
explanation's views do with the translations, over random configurations.
"""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

import lstmshape
from lstmshape.i18n import speaking
from lstmshape.i18n.lines import wrap as wrapped
from lstmshape.i18n.text import aligned, pad
from lstmshape.i18n.words import PYTHON
from lstmshape.results.report import Report
from lstmshape.torchfacts.kinds import KINDS
from lstmshape.views.cost_sections import ELEMENTWISE_WORDS
from lstmshape.views.diagram import render_diagram
from lstmshape.views.section import Section
from lstmshape.views.table import render_table
from lstmshape.views.text import plain_section, to_markdown, to_plain
from tests.strategies import configs

FOREIGN = ("ja", "fr", "es")
JAPANESE = "nn.LSTM の隠れ状態は (D*num_layers, N, H_out) である：第0層、第1層、各タイムステップ。"


def _explained(config: dict[str, Any], lang: str) -> Report:
    arguments = {k: v for k, v in config.items() if k != "input"}
    return lstmshape.explain(config["input"], lang=lang, **arguments)


def _table(report: Report, *, diagram: bool = False) -> str:
    stream = io.StringIO()
    console = Console(file=stream, width=80, color_system=None)
    with speaking(report.lang):
        (render_diagram if diagram else render_table)(report, console)
    return stream.getvalue()


def _english_runs(text: str) -> list[str]:
    """Four English words in a row outside code: a sentence left untranslated."""
    prose = re.sub(r"`[^`]*`|\S*[=()\[\]_./*]\S*", " ", text)
    return re.findall(r"\b[a-z]{2,}(?: [a-z]{2,}){3}\b", prose)


@given(config=configs(), lang=st.sampled_from(FOREIGN))
def test_the_table_fits_80_columns_in_every_language(config: dict[str, Any], lang: str) -> None:
    explained = _explained(config, lang)
    explained = replace(explained, cost=lstmshape.cost_of(explained))
    for shown in (_table(explained), _table(explained, diagram=True)):
        assert max(cell_len(line) for line in shown.splitlines()) <= 80, shown


@given(config=configs())
def test_japanese_says_every_sentence_in_japanese(config: dict[str, Any]) -> None:
    report = _explained(config, "ja")
    texts = [n.text for n in report.notes]
    texts += [t.meaning for t in report.tensors] + [s.source for s in report.symbols]
    for text in texts:
        assert _english_runs(text) == [], text
    assert report.lang == "ja"


@given(config=configs(), lang=st.sampled_from(FOREIGN))
def test_every_note_is_translated(config: dict[str, Any], lang: str) -> None:
    english = _explained(config, "en")
    foreign = _explained(config, lang)
    assert [n.id for n in foreign.notes] == [n.id for n in english.notes]
    for said, original in zip(foreign.notes, english.notes, strict=True):
        assert said.text != original.text, (lang, said.id)


def test_the_mission_in_japanese_reads_in_the_tutorials_words() -> None:
    report = lstmshape.explain((4, 3, 10), 20, num_layers=2, h_0=(2, 3, 20), lang="ja")
    shown = _table(report)
    assert "隠れ状態" in shown
    assert "セル状態" in shown
    assert "層" in shown
    assert "(2, 3, 20)" in shown
    assert "sum(p.numel() for p in lstm.parameters())" in shown
    # Japanese notes are broken between characters, never before 、 or 。, and fill their lines.
    notes = shown.split("注記\n")[1].splitlines()
    assert not any(line.lstrip("• ").startswith(("、", "。", "）")) for line in notes)
    assert sum(cell_len(line) > 70 for line in notes) >= len(notes) // 2


@pytest.mark.parametrize("lang", FOREIGN)
def test_an_error_of_the_explain_path_is_said_in_the_language(lang: str) -> None:
    with pytest.raises(lstmshape.TensorMismatchError, match=r"h_0") as caught:
        lstmshape.explain((4, 8, 256), 256, h_0=(1, 32, 256), lang=lang)
    english = caught.value.words.render(PYTHON)
    with speaking(lang):
        said = caught.value.words.render(PYTHON)
        details = [line.render(PYTHON) for line in caught.value.detail_words]
    assert said != english
    assert "(1, 32, 256)" in said
    assert "(1, 8, 256)" in said
    assert any("32" in line and "8" in line for line in details)


def test_english_is_the_english_of_before() -> None:
    """A sample of the English the goldens hold, said through the catalogs' ids."""
    report = lstmshape.explain((4, 3, 10), 20, num_layers=2, bidirectional=True, lang="en")
    plain = to_plain(report)
    assert plain.startswith(
        "nn.LSTM(10, 20, num_layers=2, bidirectional=True) on input (4, 3, 10) (batched)\n"
    )
    assert "- For a classifier, the last layer's final state is torch.cat([h_n[-2], h_n[-1]]," in (
        plain
    )


# -- cells, not characters ----------------------------------------------------------------------


def test_plain_columns_align_by_the_cells_japanese_takes() -> None:
    section = Section(
        "表", ("テンソル", "形状", "数"), (("h_0", "(2, 3, 20)", "1,600"),), numeric=(2,)
    )
    _title, head, row, _ = plain_section(section)
    assert head == "テンソル  形状           数"
    assert row == "h_0       (2, 3, 20)  1,600"
    # Every column starts at the same terminal column on both lines.
    assert cell_len(head.split("形状")[0]) == cell_len(row.split("(2, 3, 20)")[0])


def test_aligned_rows_pad_by_cells() -> None:
    lines = aligned([("期待", "計算値"), ("(2, 3, 21)", "(2, 3, 20)")])
    assert [cell_len(line.split("計算値")[0]) for line in lines[:1]] == [12]
    assert lines[1].startswith("(2, 3, 21)  ")
    assert pad("層", 4) == "層  "
    assert pad("層", 4, right=True) == "  層"


# From 24 columns: the shape (D*num_layers, N, H_out) is one piece of 24, never cut (a narrower line
# lets it run past the edge: tests/test_layout.py holds that rule).
@given(width=st.integers(24, 100))
def test_japanese_wraps_within_the_width(width: int) -> None:
    lines = wrapped(JAPANESE * 3, width)
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == (JAPANESE * 3).replace(" ", "")
    assert not any(line.startswith(("、", "。", "）")) for line in lines)


@given(text=st.text(alphabet="abc def_ ", max_size=300), width=st.integers(10, 100))
def test_words_and_spaces_wrap_as_textwrap_does(text: str, width: int) -> None:
    """Words separated by spaces wrap as textwrap wraps them (a word wider than the line folded
    alike); shapes, calls and options held whole are tests/test_layout.py's."""
    text = text.lstrip()  # textwrap keeps the spaces that start a paragraph
    # A word wider than the line: textwrap cuts it where it stands, lstmshape on a line of its own.
    assume(all(len(word) <= width for word in text.split()))
    assert wrapped(text, width) == textwrap.wrap(text, width=width, break_on_hyphens=False)


def test_markdown_stays_a_table_in_japanese() -> None:
    report = lstmshape.explain((4, 3, 10), 20, lang="ja")
    with speaking("ja"):
        markdown = to_markdown(report)
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert rows
    assert all(line.count("|") == rows[0].count("|") for line in rows[:8])
    assert "#### 注記" in markdown


# -- the cost and the API -----------------------------------------------------------------------


def test_every_kinds_elementwise_words_are_translated() -> None:
    worded = {
        what
        for kind in KINDS.values()
        for what, _ in kind.elementwise
        if re.search(r"\b(for|the|or|and)\b", what)
    }
    assert worded <= set(ELEMENTWISE_WORDS)


@pytest.mark.parametrize("lang", FOREIGN)
def test_cost_of_speaks_the_reports_language_or_its_own(lang: str) -> None:
    report = lstmshape.explain((4, 10), 20, module="LSTMCell", lang=lang)
    english = lstmshape.cost_of(lstmshape.explain((4, 10), 20, module="LSTMCell", lang="en"))
    assert lstmshape.cost_of(report).steps_formula != english.steps_formula
    assert lstmshape.cost_of(report, lang="en").steps_formula == "N = 4, one step each"


def test_a_report_shows_itself_in_its_language() -> None:
    report = lstmshape.explain((4, 3, 10), 20, lang="fr")
    assert repr(report) == "<Report nn.LSTM(10, 20) sur l'entrée (4, 3, 10)\u00a0: ok>"
    assert str(report).startswith("nn.LSTM(10, 20) sur l'entrée (4, 3, 10), avec axe de lot")
    assert "Remarques" in report._repr_html_()
    assert repr(lstmshape.explain((4, 3, 10), 20, lang="en")).endswith("on input (4, 3, 10): ok>")
