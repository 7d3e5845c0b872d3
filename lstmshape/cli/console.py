"""Where the command line writes: results on stdout, errors on stderr in the command line's voice."""

from __future__ import annotations

import os

from rich.console import Console
from rich.text import Text

from lstmshape.cli.voice import COMMAND_LINE
from lstmshape.errors import LstmShapeError
from lstmshape.words import Voice


class QuietOnClosedPipe(Console):
    """A Console that, when its reader closes the pipe (| head), goes quiet without exiting.

    Rich exits with 1 there, which would replace lstmshape's verdict (0, 1 or 2).
    """

    def on_broken_pipe(self) -> None:
        self.quiet = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        # Later writes and the final flush go nowhere instead of failing again.
        os.dup2(devnull, self.file.fileno())


def consoles() -> tuple[Console, Console]:
    """The consoles of one command: stdout for results, stderr for errors."""
    return QuietOnClosedPipe(highlight=False), QuietOnClosedPipe(stderr=True, highlight=False)


def print_lines(console: Console, lines: list[str]) -> None:
    """An error's lines: "Error:" in red before the first, the rest as they are."""
    first, *rest = lines
    # soft_wrap: the terminal wraps long lines, so a copied "Try ..." line stays one line.
    console.print(Text("Error: ", style="bold red") + Text(first), soft_wrap=True)
    for line in rest:
        console.print(Text(line), soft_wrap=True)


def print_error(console: Console, error: LstmShapeError, voice: Voice = COMMAND_LINE) -> None:
    """An error in the command line's words (or ``voice``), on ``console``."""
    print_lines(console, error.lines(voice))
