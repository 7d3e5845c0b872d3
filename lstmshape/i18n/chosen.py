"""The language lstmshape speaks: the languages it knows and the one chosen for this call.

Its own module, below everything else in i18n: typography and numbers ask which language is
spoken, and the package's ``tr`` loads them, so the choice cannot live in the package itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

LANGUAGES = ("en", "ja", "fr", "es")
NAMES = {"en": "English", "ja": "日本語", "fr": "français", "es": "español"}

_chosen: ContextVar[str | None] = ContextVar("lstmshape_language", default=None)


def language() -> str:
    """The language lstmshape speaks now: the one chosen for this call, else the environment's."""
    chosen = _chosen.get()
    return chosen if chosen is not None else from_environment(os.environ)


def from_environment(environ: Mapping[str, str]) -> str:
    """``LSTMSHAPE_LANG``, else the locale's language (POSIX order: ``LC_ALL``, ``LC_MESSAGES``,
    ``LANG``) when lstmshape speaks it; English otherwise."""
    explicit = environ.get("LSTMSHAPE_LANG", "").strip()
    if explicit:
        return read_language(explicit) or "en"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            return read_language(value) or "en"
    return "en"


def read_language(value: str) -> str | None:
    """``ja``, ``ja_JP.UTF-8``, ``FR``, ``es-ES`` -> the language; None for one lstmshape does not
    speak (``C``, ``de_DE``)."""
    code = value.strip().lower().replace("-", "_").partition(".")[0].partition("@")[0]
    code = code.partition("_")[0]
    return code if code in LANGUAGES else None


@contextmanager
def speaking(lang: str | None) -> Iterator[str]:
    """Speak ``lang`` inside the block (None: keep the language already chosen)."""
    if lang is None:
        yield language()
        return
    token = _chosen.set(lang)
    try:
        yield lang
    finally:
        _chosen.reset(token)


def choose(lang: str) -> None:
    """Speak ``lang`` from now on, in this context (a command-line run)."""
    _chosen.set(lang)
