"""Pictures for docs, FILE.svg or FILE.html: the table view (or the diagram) saved as a picture for docs.

Rich records what it draws on a console and saves it as SVG or HTML; lstmshape draws the view on
such a console, always 80 columns wide (the width the table is laid out for), so a picture does not
depend on the terminal it was made in.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n.words import Typed, fix, words
from lstmshape.results.report import Report
from lstmshape.views.diagram import render_diagram
from lstmshape.views.sections import heading
from lstmshape.views.table import render_table

EXPORT_WIDTH = 80
_KINDS = {".svg": "SVG", ".html": "HTML", ".htm": "HTML"}


def export_kind(path: str) -> str:
    """``SVG`` or ``HTML`` from the file's extension; UnreadableValueError for any other, and
    for a path among the system's devices."""
    kind = _KINDS.get(Path(path).suffix.lower())
    if kind is None:
        raise UnreadableValueError(
            words(
                "{given}: lstmshape saves pictures as .svg or .html.", given=Typed("export", path)
            ),
            hint=words("Try {a}.", a=fix(export=_as_svg(path))),
        )
    _refuse_devices_folder(path)
    return kind


# The folders of the system's devices (/dev/stdout, /dev/fd/1): a picture's path there names no
# device (none ends in .svg or .html), and writing it would make a regular file among the devices,
# which is never what was asked (--export /dev/stdout.svg means "on stdout", which a picture file
# cannot be).
_DEVICES = (Path("/dev"), Path("/dev/fd"))


def _refuse_devices_folder(path: str) -> None:
    target = Path(path).absolute()
    if target.parent not in _DEVICES:
        return
    raise UnreadableValueError(
        words(
            "{given}: {folder} holds the system's devices, and no device is named {name}; "
            "lstmshape saves a picture as a file of its own.",
            given=Typed("export", path),
            folder=str(target.parent),
            name=target.name,
        ),
        hint=words("Try {fix}: a file in this folder.", fix=fix(export=target.name)),
        subject="export",
    )


def _as_svg(path: str) -> str:
    """The same path with .svg: ``docs/mission.png`` -> ``docs/mission.svg``."""
    if not path.strip():
        return "tables.svg"
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
        force_jupyter=False,  # a picture saved from a notebook is not displayed too
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
            words(
                "{given}: cannot write it: {why}.",
                given=Typed("export", path),
                why=str(error.strerror or error),
            ),
            hint=words("Try a path in a folder that exists and that you can write to."),
        ) from None
    return kind
