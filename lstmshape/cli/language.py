"""The command line's language: chosen from --lang (else LSTMSHAPE_LANG, else the locale) before
any option is read, so that every message of the run is said in it: lstmshape's own, and Click's
and Typer's (usage errors, the titles of a help screen), whose words are in this module's
tables. The help text of the command asked for is translated while it is shown.

English changes nothing: Click and Typer keep their own words, and no catalog is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import typer

from lstmshape.cli.arguments import HELP_TEMPLATES
from lstmshape.i18n import N_, language, read_language, tr
from lstmshape.i18n.lines import pieces
from lstmshape.i18n.text import cells

# Click's and Typer's own words, in English as they write them, each marked for the catalogs (the
# help area's), said in the language chosen.
# Typer's help screens and error panel take theirs from these names of typer.rich_utils.
TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
# The help of Typer's --install-completion and --show-completion (with the shell detected, or
# named when detection is off), said in the language while a help screen is shown.
COMPLETION_HELP = (
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
    N_("Install completion for the specified shell."),
    N_("Show completion for the specified shell, to copy it or customize the installation."),
)
# The first word of a usage line: "Usage: lstmshape [OPTIONS] ...".
USAGE = N_("Usage:")
# Click's usage errors, as Click (or the copy Typer carries) words them in English: each is read
# back from Click's message and said again in the language. The first that matches wins, so a
# longer message comes before the shorter one it starts with.
CLICK_MESSAGES = (
    N_("Missing option {name}."),
    N_("Missing argument {name}."),
    N_("No such option: {name} (Possible options: {names})"),
    N_("No such option: {name} Did you mean {names}?"),
    N_("No such option: {name}"),
    N_("Invalid value for {name}: {reason}"),
    N_("Invalid value: {reason}"),
    N_("Got unexpected extra argument(s) ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Got unexpected extra argument ({args})"),
    N_("No such command {name}. Did you mean {names}?"),
    N_("No such command {name}."),
    N_("Missing command."),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {count} arguments."),
    N_("Option {name} does not take a value."),
    N_("Argument {name} takes {count} values."),
    N_("Could not open file {name}: {reason}"),
)


def click_error(name: str) -> Any:
    """Click's exception class ``name`` (UsageError, MissingParameter) as the running Typer has it:
    recent Typers carry their own copy of Click, so it is found from the BadParameter Typer
    exports rather than imported."""
    family = [*typer.BadParameter.__mro__, *typer.BadParameter.__subclasses__()]
    return next(cls for cls in family if cls.__name__ == name)


def language_asked(args: list[str]) -> str | None:
    """The language --lang asks for in ``args`` (``--lang ja``, ``--lang=ja``); None if none or
    not one lstmshape speaks (the option's own check then says so, in English). Given twice, the
    last one counts, as Click reads a repeated option."""
    asked = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            asked = read_language(args[index + 1])
        elif arg.startswith("--lang="):
            asked = read_language(arg.partition("=")[2])
    return asked


def _said(message: str) -> str:
    """A message of cli/options.py's tables, in the language spoken (its placeholders left for
    Typer to fill)."""
    return tr(message)  # i18n: extracted where made


@contextmanager
def typer_speaking() -> Iterator[None]:
    """Typer's own words (the panels of a help screen, the error panel's title, "[default: ...]")
    in the language spoken, for the block: a host that runs commands in several languages in one
    process gets each in its own."""
    if language() == "en":
        with cjk_line_breaks():  # English words are Rich's, but a shape or a call stays whole
            yield
        return
    from typer import rich_utils

    english = {name: getattr(rich_utils, name) for name in TYPER_WORDS}
    for name, message in TYPER_WORDS.items():
        setattr(rich_utils, name, _said(message))
    try:
        with cjk_line_breaks():
            yield
    finally:
        for name, text in english.items():
            setattr(rich_utils, name, text)


# A help screen's tags: "[default: 1]", "[既定値: 1GiB]", "[par défaut : 0]", "[required]",
# "[必須]": a tag of up to _LONGEST_TAG columns is never broken ("[par défaut : 0]" once left
# "0]" alone on a line); a longer one breaks only after its label's colon, as in any sentence (a
# whole "[default: LSTMSHAPE_LANG, else ...]" held would be cut in a narrow help column). A help
# column narrower than a tag is stacked under its option (cli/help_layout.py).
_TAG = re.compile(r"\[[^\[\]\n]+\]")
_LONGEST_TAG = 20


def _tags_held(text: str) -> set[int]:
    """The places inside a help screen's tags where a line may not break."""
    held: set[int] = set()
    for tag in _TAG.finditer(text):
        label = tag.group().find(": ")
        if cells(tag.group()) <= _LONGEST_TAG:  # "[par défaut : 0]" whole
            held.update(range(tag.start() + 1, tag.end()))
        elif label >= 0:  # a long one breaks after its label: "[default: LSTMSHAPE_LANG, ..."
            held.update(range(tag.start() + 1, tag.start() + label + 1))
    return held


def line_words(text: str) -> Iterator[tuple[int, int, str]]:
    """Rich's words of ``text`` (start, end, the word with the spaces after it): the pieces of
    lstmshape.i18n.lines, so that a help screen breaks where every view breaks (never inside a
    name, an option, a katakana word, nor before a closing mark or French's spaced marks), and
    never inside a help screen's tag's label (``[既定値:``) nor a short tag (``[必須]``)."""
    held = _tags_held(text)
    start = end = 0
    for piece in pieces(text):
        end += len(piece)
        if not piece.strip():
            continue  # the spaces that start the text: part of its first word, as in Rich's
        if end in held:
            continue  # inside a tag: the word goes on to the tag's end
        yield start, end, text[start:end]
        start = end


@contextmanager
def cjk_line_breaks() -> Iterator[None]:
    """Rich breaks lines at spaces, and cuts a longer word with "…" in a table's cell: Japanese
    writes no spaces, so in the block a line may break between any two of its characters; and
    no line starts with a closing mark (line_words)."""
    import rich._wrap

    english = rich._wrap.words
    rich._wrap.words = line_words
    try:
        yield
    finally:
        rich._wrap.words = english


def usage_in_language(usage: str) -> str:
    """A usage line ("Usage: lstmshape [OPTIONS] ...") with its first word in the language."""

    if language() == "en" or not usage.startswith(f"{USAGE} "):
        return usage
    return f"{_said(USAGE)} {usage.removeprefix(f'{USAGE} ')}"


@contextmanager
def click_errors_in_language() -> Iterator[None]:
    """Click's usage errors raised in the block, said again in the language spoken."""

    try:
        yield
    except click_error("ClickException") as error:
        said = _in_language(error)
        if said is error:
            raise
        raise said from None


def _in_language(error: Any) -> Any:
    """``error`` with its message in the language spoken; itself if the language is English or
    Click's message is not one of those lstmshape knows (lstmshape's own are said already)."""

    if language() == "en" or type(error).__name__ == "NoArgsIsHelpError":
        return error
    text = click_message(error.format_message())
    if text is None:
        return error
    usage_error = click_error("UsageError")
    if isinstance(error, usage_error):
        said = usage_error(text, ctx=error.ctx)
    else:
        said = click_error("ClickException")(text)
    said.exit_code = error.exit_code
    return said


def click_message(english: str) -> str | None:
    """One of Click's messages in the language spoken; None if it is not one of Click's."""

    for message in CLICK_MESSAGES:
        match = _pattern(message).fullmatch(english)
        if match is not None:
            return tr(message, **match.groupdict())  # i18n: extracted where made
    return None


@cache
def _pattern(message: str) -> re.Pattern[str]:
    """The message's text, each placeholder read as any text: "Missing option {name}." reads
    "Missing option '--hidden' / '-H'."."""
    parts = re.split(r"\{(\w+)\}", message)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


def help_said(text: str) -> str:
    """An option's or a command's help in the language spoken: an argument's help is a message
    with its default filled in (cli/arguments.py), any other is a message itself."""
    message, fields = HELP_TEMPLATES.get(text, (text, {}))
    return tr(message, **fields)  # i18n: extracted where made


def reflowed(text: str) -> str:
    """``text`` with each paragraph on one line: Typer keeps a docstring's line breaks in Rich
    markup mode, which broke the help mid-sentence where the source's line ended. Japanese
    lines join with no space."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        lines = [line.strip() for line in paragraph.split("\n")]
        joined = lines[0]
        for line in lines[1:]:
            wide = cells(joined[-1:]) == 2 and cells(line[:1]) == 2
            joined += line if wide else " " + line
        paragraphs.append(joined)
    return "\n\n".join(paragraphs)


@contextmanager
def help_in_language(command: Any) -> Iterator[None]:
    """The help of ``command``, of its options and panels, and of its commands (a group's), in the
    language spoken while the block shows it; English again after it."""
    from rich.markup import escape

    english = language() == "en"
    holders = [command, *command.params, *getattr(command, "commands", {}).values()]
    saved = [(h, getattr(h, "help", None), getattr(h, "rich_help_panel", None)) for h in holders]
    for holder, text, panel in saved:
        if text:
            # Escaped: the app reads help as Rich markup (rich_markup_mode="rich"), which would
            # take "[default: 1]" or "[défaut : 1]" for a tag and drop it.
            holder.help = escape(reflowed(text if english else help_said(text)))
        if panel and not english:
            holder.rich_help_panel = tr(panel)  # i18n: extracted where made
    try:
        yield
    finally:
        for holder, text, panel in saved:
            if text:
                holder.help = text
            if panel:
                holder.rich_help_panel = panel
