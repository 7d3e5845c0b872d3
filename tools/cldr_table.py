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


def table_text() -> str:
    """The module's text, as ruff formats it (strings as JSON writes them: double quotes, and the
    no-break spaces escaped so that a reader sees them)."""
    import babel

    lines = [
        '"""CLDR locale data for lstmshape\'s languages, written by tools/cldr_table.py from Babel',
        f"{babel.__version__} (CLDR's number symbols, byte unit and list patterns): do not edit.",
        '"""',
        "",
        "LOCALE_DATA: dict[str, dict[str, str]] = {",
    ]
    for lang in LANGUAGES:
        lines.append(f"    {json.dumps(lang)}: {{")
        for key, value in locale_data(lang).items():
            lines.append(f"        {json.dumps(key)}: {json.dumps(value)},")
        lines.append("    },")
    lines.append("}")
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
