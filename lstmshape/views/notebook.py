"""Results in a notebook: the table view as HTML (Rich's own export), the plain view as text.

Every result that mixes in :class:`lstmshape.results.shown.Shown` is drawn here. A new result adds
one line to ``VIEWS``: a function that imports the function drawing its table view on a Rich console
and, if it has one, the function returning its plain view (otherwise the table view is captured
without colour).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

Views = tuple[Callable[..., Any], Callable[..., str] | None]


def _report() -> Views:
    from lstmshape.views.table import render_table
    from lstmshape.views.text import to_plain

    return render_table, to_plain


def _trace() -> Views:
    from lstmshape.views.trace import render_trace, trace_plain

    return render_trace, trace_plain


def _outcome() -> Views:
    from lstmshape.views.check_table import render_outcome

    return render_outcome, None


def _why() -> Views:
    from lstmshape.views.why import to_plain, why_table

    return why_table, to_plain


def _inspection() -> Views:
    from lstmshape.views.inspection import inspection_table

    return inspection_table, None


# A result's class name (or one of its bases') -> its table view and, if it has one, its plain
# view. Imported when first shown: a result costs nothing until then.
VIEWS: dict[str, Callable[[], Views]] = {
    "Report": _report,
    "Trace": _trace,
    "Outcome": _outcome,
    "WhyResult": _why,
    "Inspection": _inspection,
}

# The width a notebook's output cell shows without scrolling, in monospace characters.
NOTEBOOK_WIDTH = 100
# Rich's own Jupyter output wraps its HTML in this <pre>: no wrapping, the notebook's font.
_PRE = (
    '<pre style="white-space:pre;overflow-x:auto;line-height:normal;'
    "font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace\">{code}</pre>"
)


def _views(result: object) -> Views:
    for cls in type(result).__mro__:
        if cls.__name__ in VIEWS:
            return VIEWS[cls.__name__]()
    raise TypeError(f"{type(result).__name__} has no view in lstmshape.views.notebook.VIEWS")


def html_of(result: object) -> str:
    """The table view of ``result`` as HTML, colours inlined: what a notebook shows."""
    from rich.console import Console

    table, _ = _views(result)
    console = Console(
        record=True,
        file=io.StringIO(),
        width=NOTEBOOK_WIDTH,
        force_terminal=True,
        color_system="truecolor",
        force_jupyter=False,  # Rich would display each print in a notebook besides the HTML
    )
    table(result, console)
    return console.export_html(inline_styles=True, code_format=_PRE)


def plain_of(result: object) -> str:
    """The plain view of ``result``: aligned text, no colour; print(result) writes it."""
    table, plain = _views(result)
    if plain is not None:
        return plain(result).rstrip("\n")
    from rich.console import Console

    console = Console(
        file=io.StringIO(), width=NOTEBOOK_WIDTH, color_system=None, force_jupyter=False
    )
    with console.capture() as capture:
        table(result, console)
    return "\n".join(line.rstrip() for line in capture.get().splitlines())
