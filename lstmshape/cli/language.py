"""The command line's language: chosen from --lang (else LSTMSHAPE_LANG, else the locale) before
any option is read, so that every message of the run, Click's usage errors included, is said in
it; and the help text of the command asked for, translated when it is shown."""

from __future__ import annotations

from typing import Any

from lstmshape.i18n import read_language


def language_asked(args: list[str]) -> str | None:
    """The language --lang asks for in ``args`` (``--lang ja``, ``--lang=ja``); None if none or
    not one lstmshape speaks (the option's own check then says so, in English)."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            return read_language(args[index + 1])
        if arg.startswith("--lang="):
            return read_language(arg.partition("=")[2])
    return None


# Each help text's English, kept so that a second run in the same process translates the original.
_ENGLISH: dict[int, str] = {}


def translate_help(command: Any) -> None:
    """The help of ``command`` and of each of its options in the language spoken."""
    from lstmshape.i18n import tr

    for holder in [command, *command.params]:
        text = getattr(holder, "help", None)
        if text:
            english = _ENGLISH.setdefault(id(holder), text)
            holder.help = tr(english)  # i18n: extracted where made
