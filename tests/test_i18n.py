"""lstmshape in Japanese, French and Spanish: complete catalogs with the tutorials' own terms, the
language chosen as the user asks, compiled catalogs in the wheel, and the whole explanation,
errors included, in each language, aligned at 80 columns.

Catalogs are checked here, never by a fallback at run time: the tests run with
LSTMSHAPE_STRICT_CATALOGS set, so a message missing from a catalog raises wherever it is said.
"""

from __future__ import annotations

import gettext
import io
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from lstmshape.i18n import (
    LANGUAGES,
    PLURAL_SEPARATOR,
    from_environment,
    read_language,
    speaking,
    tr,
)
from lstmshape.i18n.catalog import (
    LOCALE,
    CatalogError,
    read_mo,
    read_po,
    read_sources,
    write_mo,
)
from lstmshape.i18n.cldr import PLURAL_FORMS, PLURAL_INDEX
from tests import glossary
from tests.conftest import invoke, unwrapped
from tests.glossary import Term, read_glossary, says
from tests.golden import check_golden, golden

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import catalogs  # noqa: E402

FOREIGN = LANGUAGES[1:]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# -- the catalogs -------------------------------------------------------------------------------


def test_every_message_is_a_literal_the_catalogs_can_hold() -> None:
    _, problems = catalogs.scan()
    assert problems == []


@pytest.mark.parametrize("area", list(catalogs.AREAS))
@pytest.mark.parametrize("lang", FOREIGN)
def test_every_message_is_translated_with_the_same_placeholders(area: str, lang: str) -> None:
    messages, _ = catalogs.scan()
    wanted = catalogs.by_area(messages)[area]
    path = LOCALE / lang / f"{area}.po"
    if not wanted:
        assert not path.exists() or not read_po(path.read_text(encoding="utf-8"))
        return
    translated = read_po(path.read_text(encoding="utf-8"), str(path))  # refuses fuzzy, empty
    assert sorted(set(wanted) - set(translated)) == [], "untranslated"
    assert sorted(set(translated) - set(wanted)) == [], "stale: run python tools/catalogs.py"
    for english, said in translated.items():
        assert _placeholders(said) == _placeholders(english), (english, said)


def test_an_unfinished_catalog_is_refused_unless_english_may_stand_in() -> None:
    text = 'msgid "done"\nmsgstr "fait"\n\nmsgid "to do"\nmsgstr ""\n\n#, fuzzy\nmsgid "a"\nmsgstr "b"\n'
    with pytest.raises(CatalogError, match=r"x\.po:4: untranslated: 'to do'"):
        read_po(text, "x.po")
    # The flag marks the entry below it, never the one above.
    with pytest.raises(CatalogError, match=r"x\.po:8: fuzzy: 'a'"):
        read_po(text.replace('msgstr ""', 'msgstr "à faire"'), "x.po")
    assert read_po(text, "x.po", unfinished_ok=True) == {"done": "fait"}


@pytest.mark.parametrize("lang", FOREIGN)
def test_the_tutorials_terms_are_used_everywhere(lang: str) -> None:
    """A message whose English says a term of the glossary says the tutorial's word for it, or one
    of the inflections the glossary allows (terms, not whole sentences: tests/glossary.py)."""
    terms = read_glossary(lang)
    assert len(terms) >= 6
    missed = []
    for english, said in read_sources(lang).items():
        for term in terms.values():
            if term.said_in_english(english) and not any(
                says(said, form, lang) for form in term.allowed()
            ):
                missed.append((term.english, english, said))
    assert missed == []


@pytest.mark.parametrize("lang", FOREIGN)
def test_no_message_says_a_refused_synonym(lang: str) -> None:
    """One term per concept: the words a glossary refuses for a term appear in no message."""
    terms = read_glossary(lang)
    refused = [(t.english, word) for t in terms.values() for word in t.refused]
    found = [
        (term, word, said)
        for said in read_sources(lang).values()
        for term, word in refused
        if says(said, word, lang)
    ]
    assert found == []


def test_the_glossary_holds_terms_with_their_inflections() -> None:
    """A form matches as a whole word outside Japanese (so a plural is a form of its own), anywhere
    in Japanese; a malformed entry is refused with its name."""
    capa = Term("layer", "capa", ("capas",), ("nivel",), ())
    assert capa.said_in_english("each layer")
    assert capa.said_in_english("two layers")
    assert not capa.said_in_english("num_layers=2")
    assert not capa.said_in_english("layer(x)")
    # Flags, metavars, placeholders and code are names, not the word (these were read as it).
    assert not capa.said_in_english("Example: lstmshape --input 4,3,10 --hidden 20 --layers 2")
    assert not capa.said_in_english("{given} is not LAYER.TENSOR=SHAPE.")
    assert not capa.said_in_english("write LAYER.TENSOR, e.g. {layer}.h_n")
    assert not capa.said_in_english("Try `model.layer` or model.layers[0].")
    assert capa.said_in_english("Layers above the first take D*H_out = {width} inputs.")
    assert capa.said_in_english("its parameters are named as {parameters} (layer 0).")
    assert capa.said_in_english("--layers sets the number of layers.")
    assert says("dos capas", "capas", "es")
    assert not says("dos capas", "capa", "es")
    assert not says("la capacidad", "capa", "es")
    assert says("隠れ状態の形状", "隠れ状態", "ja")
    assert says("l'état caché", "état caché", "fr")
    assert set(glossary.read_glossary("es")) >= {"hidden state", "cell state", "layer"}


def test_a_malformed_glossary_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "es").mkdir()
    monkeypatch.setattr(glossary, "LOCALE", tmp_path)
    path = tmp_path / "es" / "glossary.toml"
    path.write_text('language = "es"\n[terms]\n"layer" = "capa"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r'\[terms\."layer"\] needs say'):
        glossary.read_glossary("es")
    path.write_text('language = "es"\n[terms.layer]\nsay = "capa"\nplural = "capas"\n')
    with pytest.raises(ValueError, match=r"unknown \['plural'\]"):
        glossary.read_glossary("es")


@pytest.mark.parametrize("lang", FOREIGN)
def test_the_compiled_catalog_is_what_gettext_reads(lang: str) -> None:
    """gettext itself reads the .mo lstmshape writes: every message, and each form of a message
    with a count chosen by the Plural-Forms expression of the header (gettext's own evaluation of
    the C expression), as lstmshape's generated rule chooses it."""
    entries = read_sources(lang)
    data = write_mo(entries, PLURAL_FORMS[lang])
    compiled = gettext.GNUTranslations(io.BytesIO(data))
    for english, said in entries.items():
        if PLURAL_SEPARATOR not in english:
            assert compiled.gettext(english) == said
            continue
        one, many = english.split(PLURAL_SEPARATOR)
        forms = said.split(PLURAL_SEPARATOR)
        for n in (0, 1, 2, 5, 21, 1000, 10**6, 2 * 10**6, 10**6 + 1):
            assert compiled.ngettext(one, many, n) == forms[PLURAL_INDEX[lang](n)], (english, n)
    assert read_mo(data) == entries


def test_the_wheel_ships_each_language_compiled(tmp_path: Path) -> None:
    """setup.py compiles the .po sources into the wheel; the installed package reads the .mo."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    import zipfile

    (wheel,) = tmp_path.glob("lstmshape-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        for lang in FOREIGN:
            data = archive.read(f"lstmshape/locale/{lang}/LC_MESSAGES/lstmshape.mo")
            assert read_mo(data) == read_sources(lang)
            plural_forms = gettext.GNUTranslations(io.BytesIO(data)).info()["plural-forms"]
            assert plural_forms == PLURAL_FORMS[lang]


# -- choosing the language ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "en"),
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "es_ES"}, "es"),
        ({"LANG": "fr_FR.UTF-8", "LC_ALL": "C"}, "en"),
        ({"LC_ALL": "es_MX.UTF-8", "LSTMSHAPE_LANG": "ja"}, "ja"),
        ({"LSTMSHAPE_LANG": "FR"}, "fr"),
    ],
)
def test_the_language_comes_from_the_environment(environ: dict[str, str], lang: str) -> None:
    assert from_environment(environ) == lang


def test_read_language() -> None:
    assert [read_language(v) for v in ("ja", "ja_JP.UTF-8", "es-ES", "fr@euro", "C", "de")] == [
        "ja", "ja", "es", "fr", None, None,
    ]  # fmt: skip


def test_an_unknown_language_is_refused_with_the_fix() -> None:
    result = invoke("--lang de --input 4,3,10 --hidden 20")
    assert result.exit_code == 2
    assert "lstmshape speaks en, ja, fr, es" in unwrapped(result.stderr)


def test_the_english_path_loads_no_catalog() -> None:
    """English messages are their own ids: explaining in English reads no catalog (start-up is
    measured by benchmarks/startup.py; Click imports gettext for itself)."""
    code = (
        "import sys\nfrom lstmshape.cli import app\n"
        "try:\n    app(['--input', '4,3,10', '--hidden', '20'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m == 'lstmshape.i18n.catalog'),"
        " file=sys.stderr)\n"
    )
    env = {**os.environ, "LSTMSHAPE_LANG": "en"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert unwrapped(result.stderr).strip().endswith("[]")


# -- the explanation in each language -----------------------------------------------------------

# Each tutorial's own example, in its own language; the mission example, one error and one why
# explanation in every language.
TUTORIALS = {
    "ja": "--input 4,3,10 --hidden 20 --layers 2 --h0 2,3,20 --c0 2,3,20",
    "fr": "--input 1,4,5 --hidden 6 --batch-first --bidirectional",
    "es": "--input 5,2,10 --hidden 6 --layers 2 --h0 2,2,6 --c0 2,2,6",
}
EVERY_LANGUAGE = {
    "mission": "--input 4,3,10 --hidden 20 --layers 2",
    "error": "--input 4,8,256 --hidden 256 --h0 1,32,256",
    "why": "why --file examples/train.log",
}


def _cases() -> list[tuple[str, str, str]]:
    cases = [(lang, "tutorial", args) for lang, args in TUTORIALS.items()]
    cases += [(lang, name, args) for lang in FOREIGN for name, args in EVERY_LANGUAGE.items()]
    return cases


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@golden
@pytest.mark.parametrize(("lang", "name", "args"), _cases())
@pytest.mark.parametrize("fmt", ["table", "plain"])
def test_golden_outputs_in_each_language(lang: str, name: str, args: str, fmt: str) -> None:
    command = f"{args} --format {fmt} --lang {lang}"
    result = invoke(command)
    shown = result.stdout + result.stderr
    check_golden(f"i18n/{lang}/{name}.{fmt}", command, shown, shown="stdout+stderr")
    if fmt == "table" and result.stdout:
        # Wide characters count two columns: every line of the table view fits the terminal's 80
        # (but why's fix, which is code: one line that pastes whole). The golden holds stderr as
        # the user sees it, wrapped to 80 columns, so `python -m tests.golden` makes it again.
        with speaking(lang):
            fix = "   " + tr("fix: {fix}", fix="").strip()
        drawn = [line for line in result.stdout.splitlines() if not line.startswith(fix)]
        assert max(cell_len(line) for line in drawn) <= 80
    if lang == "ja":
        assert _english_left(result.stdout + unwrapped(result.stderr)) == []


def _english_left(text: str) -> list[str]:
    """Runs of four English words in Japanese output: a message that was not translated. torch's
    sentences, code and file paths stay as they are."""
    left = []
    for line in text.splitlines():
        if "torch says" in line or "torch:" in line or line.lstrip().startswith(("File ", "fix")):
            continue
        prose = re.sub(r"`[^`]*`|\S*[=()\[\]_./]\S*", " ", line)
        if re.search(r"\b[a-z]{2,}(?: [a-z]{2,}){3}\b", prose):
            left.append(line)
    return left


@pytest.mark.parametrize("lang", FOREIGN)
@pytest.mark.parametrize("command", ["", "check", "why", "inspect", "trace"])
def test_help_in_each_language(lang: str, command: str) -> None:
    english = invoke(f"{command} --help".strip())
    result = invoke(f"{command} --help --lang {lang}".strip())
    assert result.exit_code == 0
    assert result.stdout != english.stdout
    assert max(cell_len(line) for line in result.stdout.splitlines()) <= 80


def test_the_last_lang_counts_as_click_reads_a_repeated_option() -> None:
    """``--lang ja --lang fr``: Click keeps the last value, and so does the language chosen before
    any option is read; the whole run is French."""
    twice = invoke("--input 4,3,10 --hidden 20 --lang ja --lang fr --format plain")
    once = invoke("--input 4,3,10 --hidden 20 --lang fr --format plain")
    assert twice.stdout == once.stdout
    assert twice.exit_code == 0
