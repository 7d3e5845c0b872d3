"""The app's command group: its own options explain, and a value typed with spaces is said so.

A group reads the first word after its options as a command name: ``--input 4, 3, 10`` would say
"No such command '3,'". The user wrote a shape with spaces; the group says how to write it.

The group and its commands speak the language of the run (cli/language.py), Click's words too.
"""

from __future__ import annotations

import contextlib
import errno
import re
from collections.abc import Iterator
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from lstmshape.cli.language import click_error, click_errors_in_language, usage_in_language
from lstmshape.errors import ExitStatus, UnreadableValueError, exit_status
from lstmshape.i18n import tr
from lstmshape.reading.values import read_shape

# Words of a shape: numbers, separators and brackets (4, 3x10, (4, [4).
_SHAPE_PIECE = re.compile(r"[0-9,xX×()\[\]\s]+", re.ASCII)
# The options whose value is a shape or a list, and the flag that sets each.
_SHAPE_OPTIONS = {"input": "--input", "h0": "--h0", "c0": "--c0", "lengths": "--lengths"}


class _SaidInTheRun:
    """What the app's group and its commands show alike: the usage line in the language of the
    run, and the help laid out for the terminal (cli/help_layout.py, loaded when a help is drawn)."""

    def get_usage(self, ctx: Any) -> str:
        return usage_in_language(super().get_usage(ctx))  # type: ignore[misc]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        from lstmshape.cli.help_layout import help_cells_whole, narrow_options_stacked

        with help_cells_whole(), narrow_options_stacked():
            super().format_help(ctx, formatter)  # type: ignore[misc]


class ExplainGroup(_SaidInTheRun, TyperGroup):
    """The group of commands whose own options are the explain command's.

    Its commands are built when first asked for (a command named, the help, a completion): the
    bare explain form never names one, and building the five commands' options from their
    signatures cost about 6 ms of its start-up. ``source`` is the Typer that registers them."""

    source: Any = None
    _built: Any
    _unbuilt: Any

    @property
    def commands(self) -> Any:
        if self._unbuilt is not None:
            source, self._unbuilt = self._unbuilt, None
            self._built.update(typer.main.get_command(source).commands)  # type: ignore[attr-defined]
        return self._built

    @commands.setter
    def commands(self, commands: Any) -> None:
        # Click's Group sets its commands when made: the registered ones come with them later.
        self._built, self._unbuilt = commands, self.source

    def main(
        self,
        args: Any = None,
        prog_name: Any = None,
        complete_var: Any = None,
        standalone_mode: bool = True,
        *rest: Any,
        **kwargs: Any,
    ) -> Any:
        """Run in the language --lang asks for (else the environment's), chosen before any option
        is read; a host that runs several commands in one process gets each in its own.

        Click's own usage errors are said as lstmshape says its own ("Error: ...", "Try ..."):
        run with ``standalone_mode=False``, Click raises them here instead of drawing them."""
        import sys

        from lstmshape.cli.language import language_asked, typer_speaking
        from lstmshape.i18n import speaking

        argv = list(sys.argv[1:] if args is None else args)
        writable_in_any_language()
        with speaking(language_asked(argv)), typer_speaking():
            try:
                code = super().main(argv, prog_name, complete_var, False, *rest, **kwargs)
            except click_error("ClickException") as error:
                if not standalone_mode:
                    raise
                _say_usage_error(error)
                sys.exit(ExitStatus.UNREADABLE)  # a usage error: a value that cannot be read
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # Bare lstmshape: the short help on stderr, exit 2, as Click does for a group without
        # arguments; --help (exit 0) shows every option.
        if not args and not ctx.resilient_parsing:
            import typer

            from lstmshape.cli.usage import short_help

            typer.echo(short_help(ctx), err=True)
            ctx.exit(ExitStatus.UNREADABLE)
        return super().parse_args(ctx, args)

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)
        for param in params:
            # Typer's --install-completion and --show-completion are flags (the shell detected):
            # a blank metavar, as every flag of the app has, rather than "<bool>".
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = " "
        return params

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        # The app's own --help and --version print here, while its options are read.
        with click_errors_in_language(), output_refused():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        # A command's own options are read here, and its usage errors raised.
        with click_errors_in_language(), output_refused():
            return super().invoke(ctx)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        stray = args[0] if args else ""
        if (
            stray not in self.commands
            and _SHAPE_PIECE.fullmatch(stray)
            and any(map(str.isdigit, stray))
        ):
            raise click_error("UsageError")(_spaced_shape(ctx, args), ctx=ctx)
        return super().resolve_command(ctx, args)


class Command(_SaidInTheRun, TyperCommand):
    """A command of the app: its usage line in the language of the run, its help laid out."""


def _say_usage_error(error: Any) -> None:
    from lstmshape.cli.console import consoles, print_lines
    from lstmshape.cli.usage import error_lines

    _, err = consoles()
    print_lines(err, error_lines(error))


# What writing to a stream fails with: a full disk (>/dev/full), a device error, a closed stream.
_OUTPUT_ERRNOS = frozenset(
    (errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT, errno.EBADF, errno.EPIPE)
)


def _output_fault(error: OSError) -> bool:
    """Whether ``error`` is standard output (or error) refusing what is written: a stream has no
    file name; a file that cannot be read has one, and its reader says so itself."""
    return error.filename is None and error.errno in _OUTPUT_ERRNOS


@contextlib.contextmanager
def output_refused() -> Iterator[None]:
    """The block, with standard output refusing what it writes (a full disk) said as an error,
    exit 2, not a traceback; any other OSError is not the output's and goes on."""
    try:
        yield
    except OSError as error:
        if not _output_fault(error):
            raise
        refuse_output(error)


def refuse_output(error: OSError) -> None:
    """Every command's results that standard output refused: said on stderr if it takes it, exit 2."""
    from lstmshape.cli.console import consoles, print_error, unwritable_output

    unwritten = unwritable_output(error)
    with contextlib.suppress(OSError):
        print_error(consoles()[1], unwritten)
    raise typer.Exit(exit_status([unwritten]))


def writable_in_any_language() -> None:
    """Standard output and error that cannot encode every character (``PYTHONIOENCODING=ascii``,
    a latin-1 terminal) write what they cannot as ``\\u3042`` escapes, rather than stop the
    command with a traceback half way: Japanese on an ASCII terminal, or a table's rules."""
    import io
    import sys

    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if isinstance(stream, io.TextIOWrapper) and encoding not in ("utf8", "utf16", "utf32"):
            with contextlib.suppress(ValueError, OSError):  # a stream closed already
                stream.reconfigure(errors="backslashreplace")


def _spaced_shape(ctx: Any, args: list[str]) -> str:
    """What to say of values left over after a shape option: quote the shape, or drop the spaces."""
    pieces = []
    for arg in args:
        if not _SHAPE_PIECE.fullmatch(arg):
            break
        pieces.append(arg)
    stray = ", ".join(piece.rstrip(",") for piece in pieces)
    given = {name: ctx.params.get(name) for name in _SHAPE_OPTIONS}
    named = [name for name, value in given.items() if isinstance(value, str)]
    # The option that took the first piece of the shape: its value ends where a space cut it.
    name = next((n for n in named if str(given[n]).rstrip().endswith((",", "x", "(", "["))), None)
    if name is None and named:
        name = named[-1]
    if name is None:
        return tr("Got unexpected extra arguments ({stray}).", stray=stray)
    flag = _SHAPE_OPTIONS[name]
    whole = " ".join([str(given[name]), *pieces])
    try:
        compact = ",".join(map(str, read_shape(whole, "input")))
    except UnreadableValueError:
        compact = re.sub(r"\s+", "", whole)
    return tr(
        "Got unexpected extra arguments ({stray}): a shape written with spaces is one value. "
        "Quote it, {quoted}, or drop the spaces, {compact}.",
        stray=stray,
        quoted=f"{flag} '{whole}'",
        compact=f"{flag} {compact}",
    )
