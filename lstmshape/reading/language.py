"""The API's ``lang=``: a language lstmshape speaks, or a fault of the caller's (exit 2)."""

from __future__ import annotations

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n import LANGUAGES, read_language


def lang_argument(lang: object) -> str | None:
    """The API's ``lang=``: None (the environment's language) or one lstmshape speaks."""
    if lang is None:
        return None
    code = read_language(lang) if isinstance(lang, str) else None
    if code is None:
        raise UnreadableValueError(
            f"lang={lang!r}: lstmshape speaks {', '.join(LANGUAGES)}.",
            hint="Try lang='ja' (or 'fr', 'es', 'en'), or leave it out for LSTMSHAPE_LANG or the "
            "locale's language.",
        )
    return code
