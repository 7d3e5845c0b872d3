"""A console whose reader closed the pipe (``| head``): it goes quiet, and the command's own exit
status stands.

Rich's Console exits with 1 there, which would replace lstmshape's verdict (0, 1 or 2), and a help
screen shown is a 0. Kept apart from cli/console.py so that a help screen, which draws on Typer's
console, loads nothing of the views.
"""

from __future__ import annotations

import os
from typing import Any


def go_quiet(console: Any) -> None:
    """``console`` writes nowhere from now on: later writes and the final flush do not fail again."""
    console.quiet = True
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, console.file.fileno())
