"""Writing finished text to the console's stream."""

from __future__ import annotations

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
