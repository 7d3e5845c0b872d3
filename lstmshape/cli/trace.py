"""The trace command (``lstmshape trace PACKAGE.MODULE:FACTORY --input 8,5``): the user's model,
built on fake tensors, its forward pass traced; every call of a recurrent layer on stdout, a failure
and any shape that differs on stderr.

A traced model's faults are in its Python code, so they are worded in Python (``h_0=(1, 8, 256)``);
an expected shape's fix is an option (``--expect encoder.lstm.h_n=4,8,256``).
"""

from __future__ import annotations

import contextlib
import sys
from io import TextIOBase
from typing import Any

from rich.console import Console
from rich.text import Text

from lstmshape.cli.console import consoles, print_error, print_lines, unwritable_output
from lstmshape.cli.voice import COMMAND_LINE
from lstmshape.errors import LstmShapeError, exit_status
from lstmshape.i18n import tr
from lstmshape.options.trace import build_trace
from lstmshape.views.wrapping import print_wrapped


def run_trace(
    factory: str,
    inputs: tuple[str, ...],
    dtypes: tuple[str, ...],
    expect: tuple[str, ...],
    fmt: str,
    budget: str | None = None,
    inputs_function: str | None = None,
    deploy: tuple[bool, bool] = (False, False),
) -> int:
    """Build, trace, draw the trace on stdout, say every failure on stderr; the exit code."""
    out, err = consoles()
    printed = Printed(sys.stderr)
    try:
        # stdout holds the trace alone (JSON stays JSON): what the user's code prints goes to
        # stderr, and is said so.
        with contextlib.redirect_stdout(printed):
            trace = build_trace(factory, inputs, dtypes, expect, budget, inputs_function, deploy)
    except LstmShapeError as error:
        _say_printed(err, printed)
        print_refusal(err, error)
        return exit_status([error])
    _say_printed(err, printed)
    from lstmshape.views.trace import render_trace_format

    try:
        render_trace_format(trace, fmt, out)
    except OSError as error:  # a full disk or a closed stream (a closed pipe is the console's)
        unwritten = unwritable_output(error)
        print_error(err, unwritten)
        return exit_status([unwritten])
    failures = trace.failures()
    for failure in failures:
        # The model's fault is in its code (its layer's words); an expected shape is an option.
        voice = (
            trace.failure.voice
            if trace.failure is not None and failure is trace.failure.error
            else COMMAND_LINE
        )
        print_error(err, failure, voice)
    return exit_status(failures)


def print_refusal(err: Console, error: LstmShapeError) -> None:
    """An error before the trace: the user's own traceback first when their code raised."""
    from lstmshape.commands.trace.factory import UserCodeError

    if isinstance(error, UserCodeError):
        for line in error.traceback_lines:
            err.print(Text(line), soft_wrap=True)
    print_lines(err, error.lines(COMMAND_LINE))


class Printed(TextIOBase):
    """Where the user's code prints while it is traced: stderr, each write counted."""

    def __init__(self, stream: Any) -> None:
        super().__init__()
        self.stream = stream
        self.writes = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.writes += bool(text)
        return int(self.stream.write(text))

    def flush(self) -> None:
        self.stream.flush()

    # What code that writes to stdout may ask of it, answered by stderr.
    @property
    def encoding(self) -> Any:  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")

    @property
    def buffer(self) -> Any:
        return self.stream.buffer

    def isatty(self) -> bool:
        return bool(self.stream.isatty())

    def fileno(self) -> int:
        return int(self.stream.fileno())


def _say_printed(err: Console, printed: Printed) -> None:
    if printed.writes:
        print_wrapped(
            err,
            tr(
                "Note: your code printed while it was traced; that went to stderr (above), "
                "so that stdout holds the trace alone."
            ),
        )
