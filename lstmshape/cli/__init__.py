"""The command line: a thin Typer app over the library, one module per command.

``app`` is the Typer application; :func:`main` is the console script (``lstmshape`` and
``python -m lstmshape``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from lstmshape.cli.app import app


def main() -> None:
    """Console-script entry point (``lstmshape`` and ``python -m lstmshape``)."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # started with the stream closed (>&-): said nowhere
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115 (open for the process's life)
    try:
        app(args=sys.argv[1:], prog_name="lstmshape")
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if not _owns_the_process():
            raise
    else:  # pragma: no cover (Typer always exits through SystemExit)
        code = 0
    # Tearing the interpreter down costs 20 ms after Typer, pydantic and Rich, and 0.3 s after torch,
    # and frees nothing the OS would not. None of them registers exit hooks, so once the output is
    # flushed the process leaves at once.
    for stream in (sys.stdout, sys.stderr):
        # The reader may have closed the pipe (| head), or the stream may be closed already.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _owns_the_process() -> bool:
    """Whether lstmshape is the program itself (its console script, or ``python -m lstmshape``).

    A host that runs the CLI in its own process (runpy, an embedding tool) keeps its process: only
    the program itself may leave without the interpreter's teardown.
    """
    path = Path(getattr(sys.modules.get("__main__"), "__file__", None) or "")
    if path.name == "__main__.py":  # python -m lstmshape, or a zipped launcher on Windows
        return path.parent.name in ("lstmshape", "lstmshape.exe")
    return path.stem == "lstmshape"


__all__ = ["app", "main"]
