"""Numbers, sizes and lists in each language's form, held to CLDR through Babel itself.

lstmshape formats from a small table of CLDR data (lstmshape/i18n/cldr.py, written by
tools/cldr_table.py) rather than importing Babel on every run: here every form it writes is
compared with Babel's over a random sample of numbers, in every language.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.units import format_unit
from hypothesis import given
from hypothesis import strategies as st

from lstmshape.i18n import LANGUAGES, speaking
from lstmshape.i18n.cldr import LOCALE_DATA, MINIMUM_GROUPING
from lstmshape.i18n.numbers import decimal, enumerated, listed, number, size

ROOT = Path(__file__).resolve().parent.parent


def test_the_table_is_what_babel_says() -> None:
    """The shipped table is the one tools/cldr_table.py writes from the Babel the tests pin."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "cldr_table.py"), "--check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
    assert set(LOCALE_DATA) == set(LANGUAGES)


def _cldr(value: float, lang: str, pattern: str = "#,##0") -> str:
    """Babel's form of ``value``, with CLDR's minimumGroupingDigits, which Babel does not apply:
    Spanish writes no group sign in a four-digit whole part (5920, but 15.920)."""
    whole = len(str(int(abs(round(value, pattern.count("0") - 1)))))
    if whole < 3 + MINIMUM_GROUPING[lang]:
        pattern = pattern.replace("#,##", "")
    return format_decimal(value, format=pattern, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
@given(n=st.integers(-(10**15), 10**15) | st.integers(0, 10**5))
def test_integers_are_grouped_as_cldr_groups_them(lang: str, n: int) -> None:
    with speaking(lang):
        assert number(n) == _cldr(n, lang)


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="ICU's formatting is read through node's Intl")
def test_the_grouping_is_what_icu_writes() -> None:
    """ICU (node's Intl.NumberFormat, CLDR's own formatter) writes the same integers and decimals
    as the table, minimum grouping included: the one datum Babel cannot check."""
    samples = [0, 7, 999, 1000, 5920, 9999, 10000, 15920, 123456, 22272, 10**9 + 7, -5920, -15920]
    script = (
        "const [langs, ns] = JSON.parse(process.argv[1]); const out = {};"
        "for (const l of langs) out[l] = ns.map(n => [new Intl.NumberFormat(l).format(n),"
        " new Intl.NumberFormat(l, {minimumFractionDigits: 1, maximumFractionDigits: 1})"
        ".format(n + 0.5)]);"
        "console.log(JSON.stringify(out));"
    )
    argument = json.dumps([list(LANGUAGES), samples])
    run = subprocess.run(
        [str(NODE), "-e", script, argument], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    icu = json.loads(run.stdout)
    for lang in LANGUAGES:
        with speaking(lang):
            ours = [[number(n), decimal(n + 0.5, 1)] for n in samples]
        # ICU writes a minus as U+002D where CLDR's symbol may differ; the grouping is compared.
        assert [[a.replace("\u2212", "-") for a in pair] for pair in ours] == icu[lang], lang


@pytest.mark.parametrize("lang", LANGUAGES)
@given(
    value=st.floats(0, 1e9, allow_nan=False) | st.integers(0, 10**6).map(lambda n: n / 20),
    places=st.integers(0, 3),
)
def test_decimals_are_rounded_and_written_as_cldr_writes_them(
    lang: str, value: float, places: int
) -> None:
    pattern = "#,##0" + ("." + "0" * places if places else "")
    with speaking(lang):
        assert decimal(value, places) == _cldr(value, lang, pattern)


def _babel_size(nbytes: int, lang: str) -> str:
    """The size as CLDR writes a byte count (narrow symbol, short pattern's spacing), its binary
    multiples with the IEC prefix before the byte symbol: CLDR has no kibibyte."""
    byte = format_unit(640, "digital-byte", length="narrow", locale=lang).removeprefix("640")
    kilo = format_unit(1, "digital-kilobyte", length="short", locale=lang)
    kilo_symbol = format_unit(1, "digital-kilobyte", length="narrow", locale=lang)[1:]
    space = kilo[1:].removesuffix(kilo_symbol)
    if nbytes < 1024:
        return _cldr(nbytes, lang) + space + byte
    value, prefixes = float(nbytes), ["Ki", "Mi", "Gi", "Ti", "Pi"]
    while True:
        prefix = prefixes.pop(0)
        value /= 1024
        if float(format_decimal(value, format="0.0", locale="en")) < 1024 or not prefixes:
            return _cldr(value, lang, "#,##0.0") + space + prefix + byte


@pytest.mark.parametrize("lang", LANGUAGES)
@given(
    nbytes=st.integers(0, 2**62)
    | st.integers(0, 5000)
    | st.sampled_from([1024**k for k in range(1, 6)]).flatmap(lambda u: st.integers(u - 60, u))
)
def test_sizes_are_written_with_cldr_units(lang: str, nbytes: int) -> None:
    with speaking(lang):
        assert size(nbytes) == _babel_size(nbytes, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
@given(items=st.lists(st.sampled_from(["h_0", "c_0", "input", "x", "batch_sizes"]), max_size=6))
def test_lists_are_joined_as_cldr_joins_them(lang: str, items: list[str]) -> None:
    with speaking(lang):
        assert listed(items) == format_list(items, locale=lang)
        assert listed(items, conjunction="or") == format_list(items, style="or", locale=lang)
        middle = format_list(["{0}", "{1}", "{2}", "{3}"], locale=lang)
        separator = middle.split("{1}")[1].split("{2}")[0]
        assert enumerated(items) == separator.join(items)


def test_the_forms_each_language_writes() -> None:
    """The issue's examples, written out: what a reader of each language sees."""
    said = {}
    for lang in LANGUAGES:
        with speaking(lang):
            said[lang] = (number(22272), size(89088), decimal(0.25, 1), number(5920))
    assert said == {
        "en": ("22,272", "87.0 KiB", "0.2", "5,920"),
        "ja": ("22,272", "87.0 KiB", "0.2", "5,920"),
        "fr": ("22\u202f272", "87,0\u202fKio", "0,2", "5\u202f920"),
        "es": ("22.272", "87,0 KiB", "0,2", "5920"),
    }
