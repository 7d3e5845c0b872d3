"""lstmshape in the learners' languages: English, Japanese, French and Spanish.

The core and the views say every sentence through :func:`tr`: the English text is the message's id
(gettext's convention), with named placeholders filled after translation. What is never translated
stays out of the messages, as placeholders: torch's own sentences (users search for them), PyTorch's
symbols (L, N, H_in, H_cell, H_out, D), tensor and argument names, shapes and code.

The language is chosen per call (``lang=`` in the API, ``--lang`` on the command line), else by
``LSTMSHAPE_LANG``, else by the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``) when it is one of the
four; English otherwise. English never loads a catalog: its messages are their own ids.
"""

from __future__ import annotations

import os
from typing import Any

# The choice of language lives below the package (lstmshape.i18n.chosen), named here for callers.
from lstmshape.i18n.chosen import LANGUAGES as LANGUAGES
from lstmshape.i18n.chosen import NAMES as NAMES
from lstmshape.i18n.chosen import choose as choose
from lstmshape.i18n.chosen import from_environment as from_environment
from lstmshape.i18n.chosen import language as language
from lstmshape.i18n.chosen import read_language as read_language
from lstmshape.i18n.chosen import speaking as speaking

_catalogs: dict[str, dict[str, str]] = {}


class MissingTranslation(KeyError):
    """A message with no translation in the language asked for (raised in strict mode: the tests)."""


def tr(message: str, /, **fields: Any) -> str:
    """``message`` in the current language, its ``{placeholders}`` filled with ``fields``."""
    lang = language()
    text = message if lang == "en" else _translated(lang, message)
    if not fields:
        return text
    if lang == "ja":
        from lstmshape.i18n.typography import requested

        return requested(text.format(**fields))
    return text.format(**fields)


def ntr(one: str, many: str, count: int, /, **fields: Any) -> str:
    """A message said about ``count`` things, in the current language's plural form for that
    count (gettext's ngettext): ``one`` and ``many`` are the English forms, the id of a catalog
    entry whose translation has one form per plural category of its language (CLDR's rules,
    lstmshape.i18n.cldr): French says 0 and 1 alike, Japanese has one form."""
    from lstmshape.i18n.cldr import PLURAL_CATEGORIES, PLURAL_INDEX

    lang = language()
    text = one if PLURAL_INDEX["en"](abs(count)) == 0 else many
    if lang != "en":
        forms = _translated(lang, one + PLURAL_SEPARATOR + many).split(PLURAL_SEPARATOR)
        # An entry missing from a catalog (outside strict mode) is English, by English's rule.
        if len(forms) == len(PLURAL_CATEGORIES[lang]):
            text = forms[PLURAL_INDEX[lang](abs(count))]
    return text.format(**fields) if fields else text


# A plural entry's id is its English forms joined by NUL, and its translation its forms so
# joined: the .mo format's own convention (msgid "one\0many", msgstr "form0\0form1\0...").
PLURAL_SEPARATOR = "\x00"


def NP_(one: str, many: str, /) -> tuple[str, str]:
    """Mark a message with a count (its English singular and plural) where it is defined, to be
    said with :func:`ntr` where it is used."""
    return (one, many)


def N_(message: str, /) -> str:
    """Mark ``message`` for the catalogs where it is defined (a table of meanings), to be said with
    :func:`tr` where it is used: gettext's convention."""
    return message


def _translated(lang: str, message: str) -> str:
    catalog = _catalogs.get(lang)
    if catalog is None:
        catalog = _catalogs[lang] = _load(lang)
    found = catalog.get(message)
    if found is not None:
        return found
    if os.environ.get("LSTMSHAPE_STRICT_CATALOGS"):
        raise MissingTranslation(f"no {lang} translation of {message!r}")
    return message  # a message added since the catalog was made: English rather than nothing


def _load(lang: str) -> dict[str, str]:
    """The catalog of ``lang`` with its typography applied to every message once, as it is loaded
    (lstmshape.i18n.typography: French spaces before : ; ? !)."""
    from lstmshape.i18n.typography import spaced

    return {english: spaced(said, lang) for english, said in _read(lang).items()}


def _read(lang: str) -> dict[str, str]:
    """The compiled catalog shipped in the wheel; in a source tree, the .po sources themselves."""
    from lstmshape.i18n.catalog import compiled_path, read_sources

    path = compiled_path(lang)
    if path.is_file():
        from lstmshape.i18n.catalog import read_mo

        return read_mo(path.read_bytes())
    # A source tree mid-translation shows English for what is not translated yet, unless the
    # catalogs must be complete (the tests); the wheel's compiled catalogs are always complete.
    return read_sources(lang, unfinished_ok=not os.environ.get("LSTMSHAPE_STRICT_CATALOGS"))


__all__ = [
    "LANGUAGES",
    "NP_",
    "N_",
    "PLURAL_SEPARATOR",
    "choose",
    "from_environment",
    "language",
    "ntr",
    "read_language",
    "speaking",
    "tr",
]
