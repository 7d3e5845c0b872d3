"""IPython and Jupyter: ``%load_ext lstmshape``, then ``%lstmshape --input 4,3,10 --hidden 20``.

The line magic takes the command line's own options and returns the result object, which the
notebook shows as its table view: the report of an explanation, the trace of ``%lstmshape trace
MODULE:FACTORY --input 8,5``. It is built on the library, not on the command line's package: the
options are read by the same readers as the command line's (lstmshape.options), the module's
arguments named by their rows (lstmshape.torchfacts.arguments), and errors said in the command
line's voice, on stderr, never a traceback, in the language --lang asks for.

What is printed rather than shown (another --format, --diagram, --export, --help, --version, a
command other than explain and trace) and a line the command line would refuse as usage (an
unknown option, a missing value) are the command line's own answer: the magic runs ``python -m
lstmshape`` with the same arguments and passes its output through. A notebook user who asks for
JSON or a picture wants exactly what the command line writes, and a usage error is worded by Click
in the command line's way; a second copy of either here could only drift from it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, fields
from typing import Any

from lstmshape.errors import LstmShapeError, UnreadableValueError
from lstmshape.i18n import read_language, speaking, tr
from lstmshape.i18n.words import words
from lstmshape.options.explain import ExplainOptions, build_report
from lstmshape.options.voice import COMMAND_LINE, OPTIONS, SWITCHES
from lstmshape.results.report import Report
from lstmshape.results.trace import Trace
from lstmshape.torchfacts.arguments import ARGUMENTS


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%lstmshape`` (IPython calls this for ``%load_ext lstmshape``)."""
    ipython.register_magic_function(lstmshape_magic, magic_kind="line", magic_name="lstmshape")


def lstmshape_magic(line: str) -> object | None:
    """``%lstmshape ARGS``: what ``lstmshape ARGS`` answers, as an object the notebook shows."""
    try:
        args = shlex.split(line)
    except ValueError:  # shlex's one refusal: a quote (or a last backslash) left open
        _say(
            UnreadableValueError(
                words(
                    "{line}: a quote is left open, so the line cannot be split into arguments.",
                    line=f"%lstmshape {line}",
                ),
                hint=words(
                    "Try closing the quote; a text with an apostrophe (don't) goes in double "
                    "quotes."
                ),
            )
        )
        return None
    return run_line(args)


@dataclass(frozen=True)
class Option:
    """One option the magic reads: its value's name, the flags that set it, and what it takes."""

    name: str
    """The name its value goes by (ExplainOptions' field, or the module argument's name)."""
    flags: tuple[str, ...]
    takes: str
    """"value" (one text), "many" (repeatable), or "flag" (set by the flag alone)."""


# One-letter forms of lstmshape's own options (the module's arguments have theirs in their rows).
# A form the magic does not know is the command line's to read (Unread, below): a form added to
# the command line and not here makes the magic slower for it, never say something else.
_SHORT = {"input": "-i", "expect": "-e", "fmt": "-f"}
# ExplainOptions' field -> the name the command line's voice gives its option.
_VOICED = {"h0": "h_0", "c0": "c_0", "fmt": "format", "unsorted": "enforce_sorted"}


def _own_option(name: str, annotation: str) -> Option:
    """An option of lstmshape's own (not the module's), from ExplainOptions' field."""
    voiced = _VOICED.get(name, name)
    flag = SWITCHES[voiced][0] if voiced in SWITCHES else OPTIONS[voiced]
    short = (_SHORT[name],) if name in _SHORT else ()
    takes = "flag" if annotation == "bool" else "many" if "tuple" in annotation else "value"
    return Option(name, (flag, *short), takes)


def _explain_options() -> tuple[Option, ...]:
    """The explain command's options: its own, derived from ExplainOptions, and the module's
    arguments, derived from their rows."""
    own = tuple(
        _own_option(f.name, str(f.type)) for f in fields(ExplainOptions) if f.name != "arguments"
    )
    module = tuple(
        Option(
            a.name,
            (a.flag, a.short) if a.short else (a.flag,),
            "value" if a.switch is None else "flag",
        )
        for a in ARGUMENTS
    )
    return own + module


# trace's options, by the name build_trace takes each under, said by the command line's voice.
_TRACE_TAKES = {
    "input": "many",
    "input_dtype": "many",
    "inputs": "value",
    "expect": "many",
    "budget": "value",
    "deploy": "flag",
    "verify": "flag",
    "fmt": "value",
}


def _trace_options() -> tuple[Option, ...]:
    return tuple(
        Option(
            name,
            (OPTIONS[_VOICED.get(name, name)], *((_SHORT[name],) if name in _SHORT else ())),
            takes,
        )
        for name, takes in _TRACE_TAKES.items()
    )


class Unread(Exception):
    """A line the magic does not answer itself: the command line answers it."""


def read_line(args: list[str], options: tuple[Option, ...]) -> tuple[dict[str, Any], list[str]]:
    """The options' values in ``args`` by name, and the words that are no option's (positional).
    Raises Unread for what the command line alone answers: --help, --version, an option it does
    not know, an option without its value."""
    by_flag = {flag: option for option in options for flag in option.flags}
    by_flag["--lang"] = Option("lang", ("--lang",), "value")
    values: dict[str, Any] = {}
    positional: list[str] = []
    tokens = iter(args)
    for word in tokens:
        flag, equals, attached = word.partition("=")
        if not word.startswith("-") or word == "-":
            positional.append(word)
            continue
        option = by_flag.get(flag if word.startswith("--") else word)
        if option is None or (equals and option.takes == "flag"):
            raise Unread(word)
        if option.takes == "flag":
            values[option.name] = True
            continue
        value = attached if equals else next(tokens, None)
        if value is None:
            raise Unread(word)
        if option.takes == "many":
            values.setdefault(option.name, []).append(value)
        else:
            values[option.name] = value
    return values, positional


def run_line(args: list[str]) -> object | None:
    """The result of the command line ``args``: a Report or a Trace to show, or None when the
    command line printed its answer (or an error, on stderr). In the language --lang asks for."""
    try:
        if args[:1] == ["trace"]:
            return _traced(args[1:])
        # `explain` is the bare form by name: the same report (its --help is its own: printed).
        return _explained(args[1:] if args[:1] == ["explain"] else args)
    except Unread:
        _printed(args)
        return None


def _language(values: dict[str, Any]) -> str | None:
    """--lang's language (None: LSTMSHAPE_LANG's, else the locale's); one lstmshape does not speak
    is the command line's to refuse."""
    if "lang" not in values:
        return None
    lang = read_language(values["lang"])
    if lang is None:
        raise Unread(values["lang"])
    return lang


def _explained(args: list[str]) -> Report | None:
    values, positional = read_line(args, _explain_options())
    if positional or "input" not in values or "hidden_size" not in values:
        raise Unread(args)  # a command, a stray word, or a missing option: the usage error
    fmt = values.get("fmt", "table")
    if fmt.lower() != "table" or values.get("diagram") or "export" in values:
        raise Unread(fmt)  # text formats and pictures: printed as the command line prints them
    arguments: dict[str, object] = {"module": "LSTM"}  # the command line explains an LSTM
    for argument in ARGUMENTS:
        if argument.name in values:
            value = values.pop(argument.name)
            arguments[argument.name] = value if argument.switch is None else argument.switch
    own: dict[str, Any] = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in values.items()
        if name not in ("lang", "fmt")
    }
    question = ExplainOptions(**own, fmt="table", arguments=arguments)
    with speaking(_language(values)):
        try:
            return build_report(question)
        except LstmShapeError as error:
            _say(error)
            return None


def _traced(args: list[str]) -> Trace | None:
    values, positional = read_line(args, _trace_options())
    if len(positional) != 1 or values.get("fmt", "table").lower() != "table":
        raise Unread(args)  # no factory (the usage error), or a format printed as text
    from lstmshape.options.trace import build_trace  # torch loads with the trace, never before

    with speaking(_language(values)):
        try:
            return build_trace(
                positional[0],
                tuple(values.get("input", ())),
                tuple(values.get("input_dtype", ())),
                tuple(values.get("expect", ())),
                values.get("budget"),
                values.get("inputs"),
                (bool(values.get("deploy")), bool(values.get("verify"))),
            )
        except LstmShapeError as error:
            _say(error)
            return None


def _say(error: LstmShapeError) -> None:
    """An error as the command line says it, on stderr: the user's own traceback first when their
    code raised, then "Error:" in red and the error's lines in the command line's voice."""
    from rich.console import Console
    from rich.text import Text

    from lstmshape.commands.trace.factory import UserCodeError
    from lstmshape.views.notebook import NOTEBOOK_WIDTH
    from lstmshape.views.visible import visible

    console = Console(file=sys.stderr, width=NOTEBOOK_WIDTH, highlight=False, force_jupyter=False)
    if isinstance(error, UserCodeError):
        for line in error.traceback_lines:
            console.print(Text(line), soft_wrap=True)
    first, *rest = (visible(line) for line in error.lines(COMMAND_LINE))
    console.print(Text(tr("Error:") + " ", style="bold red") + Text(first), soft_wrap=True)
    for line in rest:
        console.print(Text(line), soft_wrap=True)


def _printed(args: list[str]) -> None:
    """The command line run with ``args`` (in this notebook's directory, its modules importable):
    its output in the cell, on the streams it wrote them to; its exit code dropped."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    env["PYTHONIOENCODING"] = "utf-8"
    ran = subprocess.run(
        [sys.executable, "-m", "lstmshape", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )
    sys.stdout.write(ran.stdout)
    sys.stderr.write(ran.stderr)
