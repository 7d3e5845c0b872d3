"""A count's plural in every language, from CLDR: the rules in lstmshape's generated table held to
Babel itself over random whole numbers, each catalog's Plural-Forms header held to them (and read
by gettext), and every message with a count said in the form its language says for 0, 1, 2, 5,
21, 1000 (and a million: French and Spanish "1 000 000 de ...").

Counts are whole numbers (rows, steps, parameters, calls): lstmshape says no fraction with a noun,
so the rules are folded for whole numbers (tools/cldr_table.py) and ntr takes an int.
"""

from __future__ import annotations

import gettext
import re
import string
import sys
from pathlib import Path

import pytest
from babel import Locale
from hypothesis import example, given
from hypothesis import strategies as st

from lstmshape.i18n import LANGUAGES, PLURAL_SEPARATOR, ntr, speaking
from lstmshape.i18n.catalog import CatalogError, read_po, read_sources, sources
from lstmshape.i18n.cldr import PLURAL_CATEGORIES, PLURAL_FORMS, PLURAL_INDEX
from lstmshape.i18n.words import PYTHON, nwords

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import catalogs  # noqa: E402

FOREIGN = LANGUAGES[1:]
COUNTS = (0, 1, 2, 5, 21, 1000)


def _category(lang: str, n: int) -> str:
    """CLDR's plural category of ``n`` in ``lang``, as Babel says it."""
    return str(Locale.parse(lang).plural_form(n))


def _plural_messages() -> list[tuple[str, str]]:
    """Every message with a count the code says: (English singular, English plural)."""
    messages, _ = catalogs.scan()
    said = {m.text for m in messages if PLURAL_SEPARATOR in m.text}
    return sorted(tuple(text.split(PLURAL_SEPARATOR)) for text in said)  # type: ignore[misc]


PLURALS = _plural_messages()
# Messages with a count and a plural noun that are not plural entries: the count is never 1, and
# Messages with a count and a plural noun that are not plural entries (their start), and why.
_SAID_OF_MANY = {
    "{path} holds {count} recurrent modules: which one?": "asked for 2 or more only",
    "Option {name} requires {count} arguments.": "Click's nargs, 2 or more",
    "Argument {name} takes {count} values.": "Click's nargs, 2 or more",
    "nn.DataParallel splits the batch on dim 0 ({got} sequences": "a batch split over replicas",
    "{got} rows are two per layer": "twice the rows wanted, 2 or more",
    "{weight_ih} and {weight_hh} stack the {count} gates": "3 or 4 gates",
    "sum of {count} lengths": "a sum of lengths is said for 2 or more",
    "{key}: {dtype} of {count} dimensions": "a size past 64 bits needs many dimensions",
    "A header takes about 100 bytes a tensor": "a budget of MiB: thousands of tensors",
    "These parameters belong to {count} modules": "2 or more modules",
    "pack_padded_sequence was given {got} lengths": "why's table of torch's refusals (N_): to do",
    "{start}...{end} ({count} characters)": "a token over 40 characters",
    "{listed} ({count} values)": "a list is shortened only when it is long: many values",
    "{name}: no torch module has these {count} parameters": "a group of 2 or more",
    "The stack of {count} layers is too tall": "a tall stack",
    "{format} in {count} shards": "2 or more shards",
    "{count} parameters": "the parameters of the layers a table leaves out: 2 or more",
    "Cost in {dtype}: {count} parameters": "every recurrent module has 2 or more",
    "{first} to #{last}, {count} identical calls": "2 or more calls folded",
}


def _filled(template: str) -> dict[str, str]:
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return {name: f"<{name}>" for name in names}


# -- the rules, from CLDR ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@given(
    n=st.integers(0, 10**15) | st.integers(0, 3000) | st.integers(1, 10**6).map(lambda k: k * 10**6)
)
@example(n=0)
@example(n=1)
@example(n=2)
@example(n=10**6)
def test_the_plural_rule_is_cldrs(lang: str, n: int) -> None:
    """The generated rule picks Babel's CLDR category for every whole number, and the header's
    C expression, evaluated by gettext itself, picks the same form."""
    index = PLURAL_INDEX[lang](n)
    assert PLURAL_CATEGORIES[lang][index] == _category(lang, n)
    expression = PLURAL_FORMS[lang].split("plural=")[1].rstrip(";")
    assert gettext.c2py(expression)(n) == index  # type: ignore[attr-defined]


def test_the_rules_say_what_each_grammar_says() -> None:
    """The differences the issue names: French counts 0 as one, English and Spanish do not;
    Japanese has one form; a round million takes "de" in French and Spanish."""
    one = {lang: [n for n in range(4) if _category(lang, n) == "one"] for lang in LANGUAGES}
    assert one == {"en": [1], "ja": [], "fr": [0, 1], "es": [1]}
    assert [PLURAL_CATEGORIES[lang][PLURAL_INDEX[lang](10**6)] for lang in LANGUAGES] == [
        "other", "other", "many", "many",
    ]  # fmt: skip


@pytest.mark.parametrize("lang", FOREIGN)
def test_every_catalog_states_its_languages_plural_forms(lang: str) -> None:
    for path in sources(lang):
        header = path.read_text(encoding="utf-8").split("\n\n")[0]
        assert f'"Plural-Forms: {PLURAL_FORMS[lang]}\\n"' in header.splitlines(), path


def test_a_plural_entry_with_other_forms_than_the_header_is_refused() -> None:
    header = 'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=3; plural=0;\\n"\n\n'
    entry = (
        'msgid "{n} row"\nmsgid_plural "{n} rows"\nmsgstr[0] "{n} ligne"\nmsgstr[1] "{n} lignes"\n'
    )
    with pytest.raises(CatalogError, match="2 plural forms where the header's Plural-Forms says 3"):
        read_po(header + entry, "x.po")
    entry += 'msgstr[2] "{n} lignes"\n'
    assert read_po(header + entry, "x.po") == {
        "{n} row\x00{n} rows": "{n} ligne\x00{n} lignes\x00{n} lignes"
    }
    with pytest.raises(CatalogError, match="untranslated"):
        read_po(header + entry.replace('msgstr[1] "{n} lignes"', 'msgstr[1] ""'), "x.po")


# -- every message with a count, in its form -----------------------------------------------------


def test_the_code_says_its_counts_through_the_plural_call() -> None:
    """The messages with a count the issue names are plural entries."""
    assert len(PLURALS) >= 20
    names = {one for one, _ in PLURALS}
    assert "{count} check" in names
    assert any("row was made for fewer layers" in one for one in names)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("one", "many"), PLURALS, ids=lambda text: text[:40])
def test_every_count_is_said_in_its_languages_form(lang: str, one: str, many: str) -> None:
    """For n in 0, 1, 2, 5, 21, 1000 and a million: the form of CLDR's category of n (Babel's),
    in every language; in English, the singular for 1 alone."""
    fields = _filled(many)
    entries = read_sources(lang) if lang != "en" else {}
    for n in (*COUNTS, 10**6):
        with speaking(lang):
            said = ntr(one, many, n, **fields)
            worded = nwords(one, many, n, **fields).render(PYTHON)
        if lang == "en":
            assert said == (one if n == 1 else many).format(**fields), n
        else:
            forms = entries[one + PLURAL_SEPARATOR + many].split(PLURAL_SEPARATOR)
            index = PLURAL_CATEGORIES[lang].index(_category(lang, n))
            assert said == forms[index].format(**fields), n
        assert worded == said


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_a_round_million_takes_de_in_french_and_spanish(lang: str) -> None:
    """CLDR's ``many``: "1 000 000 de paramètres", "1.000.000 de parámetros": the ``other`` form
    with "de" (French "d'" before a vowel) between the count and its noun; the same as ``other``
    where the count is not followed by its noun."""
    entries = read_sources(lang)
    for one, many in PLURALS:
        _, million, other = entries[one + PLURAL_SEPARATOR + many].split(PLURAL_SEPARATOR)
        added = re.sub(r"\{(count|got)\} (de |d')", r"{\1} ", million)
        assert added == other, (million, other)


def test_the_counts_of_one_message_in_every_language() -> None:
    """One message as a reader sees it, written out by hand."""
    lacks = ("The model has {count} parameter the checkpoint lacks.",
             "The model has {count} parameters the checkpoint lacks.")  # fmt: skip
    said = {}
    for lang in LANGUAGES:
        with speaking(lang):
            said[lang] = [ntr(*lacks, n, count=n) for n in (0, 1, 2, 10**6)]
    assert said["en"] == [
        "The model has 0 parameters the checkpoint lacks.",
        "The model has 1 parameter the checkpoint lacks.",
        "The model has 2 parameters the checkpoint lacks.",
        "The model has 1000000 parameters the checkpoint lacks.",
    ]
    assert [s.split(" que ")[0] for s in said["fr"]] == [
        "Le modèle a 0 paramètre",
        "Le modèle a 1 paramètre",
        "Le modèle a 2 paramètres",
        "Le modèle a 1000000 de paramètres",
    ]
    assert [s.split(" que ")[0] for s in said["es"]] == [
        "El modelo tiene 0 parámetros",
        "El modelo tiene 1 parámetro",
        "El modelo tiene 2 parámetros",
        "El modelo tiene 1000000 de parámetros",
    ]
    assert len(set(said["ja"])) == 4
    assert all("個あります" in s for s in said["ja"])


def test_an_english_form_in_a_catalog_never_stands_for_another_count() -> None:
    """No catalog keeps the old English-only shape of a count: a message with ``{count}`` and a
    plural noun right after it is a plural entry."""
    messages, _ = catalogs.scan()
    nouns = (
        "rows|entries|checks|tensors|calls|parameters|features|sequences|steps|lengths|keys|"
        "files|failures|problems|modules|layers|shards|lines|occurrences|items|storages|globals|"
        "shapes|values|arguments|dimensions|gates|characters|times"
    )
    counted = re.compile(rf"\{{(count|got|n)\}} ([\w-]+ )?({nouns})\b")
    fixed = sorted(
        m.text
        for m in messages
        if PLURAL_SEPARATOR not in m.text
        and counted.search(m.text)
        and not any(m.text.startswith(start) for start in _SAID_OF_MANY)
    )
    assert fixed == []
