"""Writing finished text to the console's stream."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console


def write_text(console: Console, text: str) -> None:
    """Write finished text (JSON, Markdown, plain, code) to the console's file as it is.

    Rich's Console.out splits text into styled segments first: 3 s for the 8 MB of JSON of a
    1,000-entry spec file, against milliseconds for a plain write.
    """
    try:
        console.file.write(text)
        console.file.flush()
    except BrokenPipeError:  # the reader closed the pipe (| head): the console decides
        console.on_broken_pipe()


@contextmanager
def trimmed(console: Console) -> Iterator[None]:
    """What is printed inside, without the spaces Rich pads each line with, unless the console is
    a terminal: a log or a file gets no trailing spaces."""
    if console.is_terminal or console.record:
        yield
        return
    with console.capture() as capture:
        yield
    lines = capture.get().splitlines()
    write_text(console, "".join(f"{line.rstrip()}\n" for line in lines))
