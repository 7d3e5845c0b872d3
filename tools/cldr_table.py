"""Write lstmshape/i18n/cldr.py: the few pieces of CLDR's locale data lstmshape formats with, read
from Babel, for each language lstmshape speaks.

    python tools/cldr_table.py          # rewrite the table
    python tools/cldr_table.py --check  # exit 1 if the table is not what Babel says

Why a table and not Babel at run time: lstmshape's start-up is measured (benchmarks/startup.py),
and importing Babel with its first formatted number costs tens of milliseconds on every run (its
locale data is a pickle per language), for a decimal sign, a group sign, a unit's spacing and three
list patterns. tests/test_numbers.py holds the formatting that reads this table to Babel itself over
many numbers in every language; Babel is pinned in the test extra. Needs: pip install -e ".[test]".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "lstmshape" / "i18n" / "cldr.py"
LANGUAGES = ("en", "ja", "fr", "es")


def locale_data(lang: str) -> dict[str, str]:
    """What lstmshape needs of ``lang``'s CLDR data, by Babel."""
    from babel import Locale
    from babel.units import format_unit

    locale = Locale.parse(lang)
    symbols = locale.number_symbols["latn"]
    # The byte's symbol is its narrow form without the number ("640B" -> "B", "640o" -> "o"); the
    # space between a number and a unit is the short kilobyte's ("640 kB", "640\u202fko").
    byte = format_unit(640, "digital-byte", length="narrow", locale=lang).removeprefix("640")
    kilo = format_unit(640, "digital-kilobyte", length="short", locale=lang)
    kilo_symbol = format_unit(640, "digital-kilobyte", length="narrow", locale=lang)[3:]
    unit_space = kilo.removeprefix("640").removesuffix(kilo_symbol)
    lists = locale.list_patterns
    return {
        "decimal": symbols["decimal"],
        "group": symbols["group"],
        "minus": symbols["minusSign"],
        "byte": byte,
        "unit_space": unit_space,
        "list_two": lists["standard"]["2"],
        "list_start": lists["standard"]["start"],
        "list_middle": lists["standard"]["middle"],
        "list_end": lists["standard"]["end"],
        "or_two": lists["or"]["2"],
        "or_end": lists["or"]["end"],
    }


# CLDR's minimumGroupingDigits (common/main/<lang>.xml, numbers; 1 when a language does not set
# it): how many digits must stand before the first group for the group sign to be written.
# Spanish writes 5920 but 15.920. Babel does not read this element, so it is written here;
# tests/test_numbers.py holds it to ICU (node's Intl.NumberFormat) where node is installed.
MINIMUM_GROUPING = {"en": 1, "ja": 1, "fr": 1, "es": 2}


# CLDR's plural categories in gettext's order (Babel's to_gettext): a form's index in a catalog.
CATEGORIES = ("zero", "one", "two", "few", "many", "other")
# A whole number's CLDR operands: n and i are the number; it has no visible fraction digits
# (v, w, f, t) and no compact exponent (c, e).
_ZERO_OPERANDS = frozenset("vwftce")
_SYNTAX = {
    "python": {"and": " and ", "or": " or "},
    "c": {"and": " && ", "or": " || "},
}


def plural_categories(lang: str) -> tuple[str, ...]:
    """The plural categories ``lang`` has, in gettext's order: ``("one", "many", "other")``."""
    from babel import Locale

    used = {*Locale.parse(lang).plural_form.tags, "other"}
    return tuple(tag for tag in CATEGORIES if tag in used)


def plural_expression(lang: str, syntax: str) -> str:
    """The index of a whole number n's form, as an expression of n in Python or in C (gettext):
    each category's CLDR rule folded for whole numbers, first match wins, ``other`` last."""
    from babel import Locale

    categories = plural_categories(lang)
    text = str(categories.index("other"))
    for tag, rule in reversed(Locale.parse(lang).plural_form.abstract):
        condition = _rule(rule, _SYNTAX[syntax])
        if condition is True:
            text = str(categories.index(tag))
        elif condition is not False:
            index = categories.index(tag)
            text = (
                f"{index} if {condition} else {text}"
                if syntax == "python"
                else f"({condition}) ? {index} : {text}"
            )
    return text


def _rule(node: tuple, syntax: dict[str, str], negated: bool = False) -> str | bool:  # type: ignore[type-arg]
    """One CLDR rule (Babel's parsed form) for whole numbers: a condition on n, or a constant; a
    negation is carried down to the comparisons (De Morgan), so that no ``!`` binds wrongly."""
    op, args = node
    if op == "not":
        return _rule(args[0], syntax, not negated)
    if op in ("and", "or"):
        op = {"and": "or", "or": "and"}[op] if negated else op
        left, right = (_rule(arg, syntax, negated) for arg in args)
        absorbing = op == "or"  # True absorbs an or, False an and
        if absorbing in (left, right):
            return absorbing
        if left is (not absorbing):
            return right
        if right is (not absorbing):
            return left
        return f"({left}{syntax[op]}{right})"
    _method, expr, (_, ranges) = args  # "in" and "within" agree on whole numbers
    value = _operand(expr)
    bounds = [(low[1][0], high[1][0]) for low, high in ranges]
    if isinstance(value, int):
        return negated != any(low <= value <= high for low, high in bounds)
    return _relation(value, bounds, syntax, negated)


def _relation(
    value: str, bounds: list[tuple[int, int]], syntax: dict[str, str], negated: bool
) -> str:
    """``value`` in (or, ``negated``, out of) the ranges ``bounds``."""
    if syntax is _SYNTAX["python"] and len(bounds) > 1 and all(a == b for a, b in bounds):
        return f"{value} {'not in' if negated else 'in'} {{{', '.join(str(a) for a, _ in bounds)}}}"
    tests = []
    for low, high in bounds:
        if low == high:
            tests.append(f"{value} {'!=' if negated else '=='} {low}")
        elif negated:
            tests.append(f"({value} < {low}{syntax['or']}{value} > {high})")
        else:
            tests.append(f"({value} >= {low}{syntax['and']}{value} <= {high})")
    joiner = syntax["and"] if negated else syntax["or"]
    return tests[0] if len(tests) == 1 else "(" + joiner.join(tests) + ")"


def _operand(node: tuple) -> str | int:  # type: ignore[type-arg]
    op, args = node
    if op == "value":
        return int(args[0])
    if op == "mod":
        inner, (_, (modulus,)) = _operand(args[0]), args[1]
        return inner % modulus if isinstance(inner, int) else f"{inner} % {modulus}"
    return 0 if op in _ZERO_OPERANDS else "n"


def plural_forms(lang: str) -> str:
    """The gettext ``Plural-Forms`` header of ``lang``'s catalogs."""
    count = len(plural_categories(lang))
    return f"nplurals={count}; plural={plural_expression(lang, 'c')};"


def _plural_lines() -> list[str]:
    lines = [
        "",
        "",
        "# A count's plural form: its index in a catalog's msgstr[N] (CLDR's categories, in",
        "# gettext's order, for whole numbers).",
    ]
    for lang in LANGUAGES:
        lines += [
            "",
            "",
            f"def _plural_{lang}(n: int) -> int:",
            f"    return {plural_expression(lang, 'python')}",
        ]
    lines += ["", "", "PLURAL_INDEX: dict[str, Callable[[int], int]] = {"]
    lines += [f"    {json.dumps(lang)}: _plural_{lang}," for lang in LANGUAGES]
    lines += ["}", "PLURAL_CATEGORIES: dict[str, tuple[str, ...]] = {"]
    lines += [f"    {json.dumps(lang)}: {_tuple(plural_categories(lang))}," for lang in LANGUAGES]
    lines += ["}", "PLURAL_FORMS: dict[str, str] = {"]
    lines += [f"    {json.dumps(lang)}: {json.dumps(plural_forms(lang))}," for lang in LANGUAGES]
    lines.append("}")
    return lines


def _tuple(items: tuple[str, ...]) -> str:
    return (
        "(" + ", ".join(json.dumps(item) for item in items) + ("," if len(items) == 1 else "") + ")"
    )


def table_text() -> str:
    """The module's text, as ruff formats it (strings as JSON writes them: double quotes, and the
    no-break spaces escaped so that a reader sees them)."""
    import babel

    lines = [
        '"""CLDR locale data for lstmshape\'s languages, written by tools/cldr_table.py from Babel',
        f"{babel.__version__} (CLDR's number symbols, byte unit, list patterns and plural rules; the minimum grouping",
        "digits, which Babel does not read, from CLDR's XML): do not edit.",
        '"""',
        "",
        "from collections.abc import Callable",
        "",
        "LOCALE_DATA: dict[str, dict[str, str]] = {",
    ]
    for lang in LANGUAGES:
        lines.append(f"    {json.dumps(lang)}: {{")
        for key, value in locale_data(lang).items():
            lines.append(f"        {json.dumps(key)}: {json.dumps(value)},")
        lines.append("    },")
    lines.append("}")
    lines += ["MINIMUM_GROUPING: dict[str, int] = {"]
    lines += [f"    {json.dumps(lang)}: {MINIMUM_GROUPING[lang]}," for lang in LANGUAGES]
    lines.append("}")
    lines += _plural_lines()
    return "\n".join(lines) + "\n"


def main() -> int:
    text = table_text()
    if "--check" in sys.argv:
        if TABLE.read_text(encoding="utf-8") != text:
            print(f"{TABLE} is not what Babel says: run python tools/cldr_table.py")
            return 1
        return 0
    TABLE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
