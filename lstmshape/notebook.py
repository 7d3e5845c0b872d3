"""IPython and Jupyter: ``%load_ext lstmshape``, then ``%lstmshape --input 4,3,10 --hidden 20``.

The line magic takes the command line's own options (parsed by the same Typer app), and returns the
result object, which the notebook shows as its table view: the report of an explanation, the trace
of ``%lstmshape trace MODULE:FACTORY --input 8,5``. Any other command, or another format, prints
what the command line prints. Errors are the command line's, on stderr, never a traceback.
"""

from __future__ import annotations

import shlex
import sys
from typing import Any

from lstmshape.errors import LstmShapeError


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%lstmshape`` (IPython calls this for ``%load_ext lstmshape``)."""
    ipython.register_magic_function(lstmshape_magic, magic_kind="line", magic_name="lstmshape")


def lstmshape_magic(line: str) -> object | None:
    """``%lstmshape ARGS``: what ``lstmshape ARGS`` answers, as an object the notebook shows."""
    return run_line(shlex.split(line))


def run_line(args: list[str]) -> object | None:
    """The result of the command line ``args``: a Report or a Trace to show, or None when the
    command printed its answer (or an error, on stderr). In the language --lang asks for."""
    from lstmshape.cli.language import language_asked
    from lstmshape.i18n import speaking

    if args[:1] == ["explain"]:  # the bare form by name: the same report
        args = args[1:]
    with speaking(language_asked(args)):
        return _run_line(args)


def _run_line(args: list[str]) -> object | None:
    import typer
    import typer.main

    from lstmshape.cli.app import app
    from lstmshape.cli.language import click_error

    group: Any = typer.main.get_command(app)
    try:
        if args and args[0] in group.commands:
            if args[0] == "trace":
                return _trace(group, args)
            _printed(app, args)
            return None
        return _explained(group, app, args)
    except typer.Exit:  # --help and --version printed what they say
        return None
    except click_error("ClickException") as error:
        print(f"Error: {error.format_message()}", file=sys.stderr)
        return None
    except LstmShapeError as error:
        from rich.console import Console

        from lstmshape.cli.trace import print_refusal
        from lstmshape.views.notebook import NOTEBOOK_WIDTH

        console = Console(
            file=sys.stderr, width=NOTEBOOK_WIDTH, highlight=False, force_jupyter=False
        )
        print_refusal(console, error)
        return None


def _explained(group: Any, app: Any, args: list[str]) -> object | None:
    from lstmshape.cli.explain import build_report, explain_options
    from lstmshape.torchfacts.arguments import BY_NAME

    ctx = group.make_context("lstmshape", list(args))
    params = {k: v for k, v in ctx.params.items() if k not in ("version", "lang")}
    required = {"input": "--input", "hidden_size": BY_NAME["hidden_size"].flag}
    missing = [flag for name, flag in required.items() if params.get(name) is None]
    if missing:
        print(f"Error: Missing option '{missing[0]}'.", file=sys.stderr)
        return None
    if params["fmt"] != "table" or params["diagram"] or params["export"] is not None:
        _printed(app, args)  # text formats and pictures: what the command line writes
        return None
    return build_report(explain_options(params))


def _trace(group: Any, args: list[str]) -> object | None:
    from lstmshape.cli.trace import build_trace

    command = group.commands["trace"]
    ctx = command.make_context("trace", list(args[1:]))
    p = ctx.params
    if p["fmt"] != "table":
        from lstmshape.cli.app import app

        _printed(app, args)
        return None
    return build_trace(
        p["factory"],
        tuple(p["input"] or ()),
        tuple(p["input_dtype"] or ()),
        tuple(p["expect"] or ()),
        p["budget"],
    )


def _printed(app: Any, args: list[str]) -> None:
    """The command line run in this process: its output in the cell, its exit code dropped."""
    app(args, prog_name="lstmshape", standalone_mode=False)
