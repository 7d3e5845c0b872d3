"""Where the command line writes: results on stdout, errors on stderr in the command line's voice."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from lstmshape.cli.pipes import go_quiet
from lstmshape.cli.voice import COMMAND_LINE
from lstmshape.errors import LstmShapeError, UnreadableValueError
from lstmshape.i18n import tr
from lstmshape.i18n.lines import wrap
from lstmshape.i18n.words import Voice, words
from lstmshape.views.visible import visible
from lstmshape.views.wrapping import STDERR_CONTINUATION, print_wrapped


class QuietOnClosedPipe(Console):
    """A Console that, when its reader closes the pipe (| head), goes quiet without exiting.

    Rich exits with 1 there, which would replace lstmshape's verdict (0, 1 or 2).
    """

    def on_broken_pipe(self) -> None:
        go_quiet(self)


# The narrowest width the table view is laid out at without cutting a shape or a count: a narrower
# terminal (COLUMNS=20, or 0) gets lines of this width, which it wraps, rather than cut cells.
MIN_WIDTH = 60


def consoles() -> tuple[Console, Console]:
    """The consoles of one command: stdout for results, stderr for errors."""
    out = QuietOnClosedPipe(highlight=False)
    err = QuietOnClosedPipe(stderr=True, highlight=False)
    if out.width < MIN_WIDTH:
        out = QuietOnClosedPipe(highlight=False, width=MIN_WIDTH)
        err = QuietOnClosedPipe(stderr=True, highlight=False, width=MIN_WIDTH)
    return out, err


def print_lines(console: Console, lines: list[str]) -> None:
    """An error's lines: "Error:" in red before the first, the rest as they are, with the control
    characters of what they quote (a key name, a log's line) written out; each wrapped to the
    console's width where a line may break (lstmshape.i18n.lines: never inside a name, a shape or
    an option and its value), a wrapped line's continuation indented four columns, past the
    two of the lines that follow the first."""
    first, *rest = (visible(line) for line in lines)
    label = tr("Error:") + " "
    # The label is the first line's indent: a path wider than the line stays beside it, whole.
    head, *more = wrap(first, console.width, indent=label, subsequent="    ") or [label]
    console.print(Text(label, style="bold red") + Text(head.removeprefix(label)), soft_wrap=True)
    for line in more:
        console.print(Text(line), soft_wrap=True)
    for line in rest:
        indent = len(line) - len(line.lstrip(" "))
        print_wrapped(console, line, more=STDERR_CONTINUATION[indent:])


def print_error(console: Console, error: LstmShapeError, voice: Voice = COMMAND_LINE) -> None:
    """An error in the command line's words (or ``voice``), on ``console``."""
    print_lines(console, error.lines(voice))


def unwritable_output(error: OSError) -> LstmShapeError:
    """Standard output refused the results (a full disk, a closed stream)."""
    return UnreadableValueError(
        words(
            "Cannot write the results to standard output: {reason}.",
            reason=str(error.strerror or error),
        ),
        hint=words("Try sending them to a file or a pipe that takes them."),
    )
