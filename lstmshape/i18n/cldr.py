"""CLDR locale data for lstmshape's languages, written by tools/cldr_table.py from Babel
2.18.0 (CLDR's number symbols, byte unit, list patterns and plural rules; the minimum grouping
digits, which Babel does not read, from CLDR's XML): do not edit.
"""

from collections.abc import Callable

LOCALE_DATA: dict[str, dict[str, str]] = {
    "en": {
        "decimal": ".",
        "group": ",",
        "minus": "-",
        "byte": "B",
        "unit_space": " ",
        "list_two": "{0} and {1}",
        "list_start": "{0}, {1}",
        "list_middle": "{0}, {1}",
        "list_end": "{0}, and {1}",
        "or_two": "{0} or {1}",
        "or_end": "{0}, or {1}",
    },
    "ja": {
        "decimal": ".",
        "group": ",",
        "minus": "-",
        "byte": "B",
        "unit_space": " ",
        "list_two": "{0}\u3001{1}",
        "list_start": "{0}\u3001{1}",
        "list_middle": "{0}\u3001{1}",
        "list_end": "{0}\u3001{1}",
        "or_two": "{0}\u307e\u305f\u306f{1}",
        "or_end": "{0}\u3001\u307e\u305f\u306f{1}",
    },
    "fr": {
        "decimal": ",",
        "group": "\u202f",
        "minus": "-",
        "byte": "o",
        "unit_space": "\u202f",
        "list_two": "{0} et {1}",
        "list_start": "{0}, {1}",
        "list_middle": "{0}, {1}",
        "list_end": "{0} et {1}",
        "or_two": "{0} ou {1}",
        "or_end": "{0} ou {1}",
    },
    "es": {
        "decimal": ",",
        "group": ".",
        "minus": "-",
        "byte": "B",
        "unit_space": " ",
        "list_two": "{0} y {1}",
        "list_start": "{0}, {1}",
        "list_middle": "{0}, {1}",
        "list_end": "{0} y {1}",
        "or_two": "{0} o {1}",
        "or_end": "{0} o {1}",
    },
}
MINIMUM_GROUPING: dict[str, int] = {
    "en": 1,
    "ja": 1,
    "fr": 1,
    "es": 2,
}


# A count's plural form: its index in a catalog's msgstr[N] (CLDR's categories, in
# gettext's order, for whole numbers).


def _plural_en(n: int) -> int:
    return 0 if n == 1 else 1


def _plural_ja(n: int) -> int:
    return 0


def _plural_fr(n: int) -> int:
    return 1 if (n != 0 and n % 1000000 == 0) else 0 if n in {0, 1} else 2


def _plural_es(n: int) -> int:
    return 1 if (n != 0 and n % 1000000 == 0) else 0 if n == 1 else 2


PLURAL_INDEX: dict[str, Callable[[int], int]] = {
    "en": _plural_en,
    "ja": _plural_ja,
    "fr": _plural_fr,
    "es": _plural_es,
}
PLURAL_CATEGORIES: dict[str, tuple[str, ...]] = {
    "en": ("one", "other"),
    "ja": ("other",),
    "fr": ("one", "many", "other"),
    "es": ("one", "many", "other"),
}
PLURAL_FORMS: dict[str, str] = {
    "en": "nplurals=2; plural=(n == 1) ? 0 : 1;",
    "ja": "nplurals=1; plural=0;",
    "fr": "nplurals=3; plural=((n != 0 && n % 1000000 == 0)) ? 1 : ((n == 0 || n == 1)) ? 0 : 2;",
    "es": "nplurals=3; plural=((n != 0 && n % 1000000 == 0)) ? 1 : (n == 1) ? 0 : 2;",
}
