"""--export FILE.svg / FILE.html: the table view (or the diagram) saved as a picture for docs.

Rich records what it draws on a console and saves it as SVG or HTML; lstmshape draws the view on
such a console, always 80 columns wide (the width the table is laid out for), so a picture does not
depend on the terminal it was made in.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from lstmshape.diagram import render_diagram
from lstmshape.errors import UnreadableValueError
from lstmshape.render import heading, render_table
from lstmshape.report import Report

EXPORT_WIDTH = 80
_KINDS = {".svg": "SVG", ".html": "HTML", ".htm": "HTML"}


def export_kind(path: str) -> str:
    """``SVG`` or ``HTML`` from the file's extension; UnreadableValueError for any other."""
    kind = _KINDS.get(Path(path).suffix.lower())
    if kind is None:
        raise UnreadableValueError(
            f"--export {path!r}: lstmshape saves pictures as .svg or .html.",
            hint=f"Try --export {_as_svg(path)}.",
        )
    return kind


def _as_svg(path: str) -> str:
    """The same path with .svg: ``docs/mission.png`` -> ``docs/mission.svg``."""
    target = Path(path)
    if not target.stem or target.stem.startswith("."):  # ".svg" or ".png": no name to keep
        target = target.with_name("tables.svg")
    return str(target.with_suffix(".svg"))


def export(report: Report, path: str, *, diagram: bool = False) -> str:
    """Save the table view (the diagram with ``diagram``) of ``report`` to ``path``; its kind."""
    kind = export_kind(path)
    console = Console(
        record=True,
        file=io.StringIO(),
        width=EXPORT_WIDTH,
        force_terminal=True,
        color_system="truecolor",
    )
    if diagram:
        render_diagram(report, console)
    else:
        render_table(report, console)
    try:
        if kind == "SVG":
            console.save_svg(path, title=heading(report))
        else:
            console.save_html(path)
    except OSError as error:
        raise UnreadableValueError(
            f"--export {path!r}: cannot write it: {error.strerror or error}.",
            hint="Try a path in a folder that exists and that you can write to.",
        ) from None
    return kind
