"""Results in a notebook: the table view as HTML (Rich's own export), the plain view as text.

Every result that mixes in :class:`lstmshape.results.shown.Shown` is drawn here. A new result adds
one line to ``VIEWS``: the function that draws its table view on a Rich console and, if it has one,
the function that returns its plain view (otherwise the table view is captured without colour).
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from typing import Any

# A result's class name (or one of its bases') -> "module:function" of its table view and of its
# plain view. Imported when first shown: a result costs nothing until then.
VIEWS: dict[str, tuple[str, str | None]] = {
    "Report": ("lstmshape.views.table:render_table", "lstmshape.views.text:to_plain"),
    "Trace": ("lstmshape.views.trace:render_trace", "lstmshape.views.trace:trace_plain"),
    "Outcome": ("lstmshape.views.check_table:render_outcome", None),
    "WhyResult": ("lstmshape.views.why:why_table", "lstmshape.views.why:to_plain"),
    "Inspection": ("lstmshape.views.inspection:inspection_table", None),
}

# The width a notebook's output cell shows without scrolling, in monospace characters.
NOTEBOOK_WIDTH = 100
# Rich's own Jupyter output wraps its HTML in this <pre>: no wrapping, the notebook's font.
_PRE = (
    '<pre style="white-space:pre;overflow-x:auto;line-height:normal;'
    "font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace\">{code}</pre>"
)


def _views(result: object) -> tuple[Callable[..., Any], Callable[..., str] | None]:
    for cls in type(result).__mro__:
        if cls.__name__ in VIEWS:
            table, plain = VIEWS[cls.__name__]
            return _function(table), None if plain is None else _function(plain)
    raise TypeError(f"{type(result).__name__} has no view in lstmshape.views.notebook.VIEWS")


def _function(path: str) -> Callable[..., Any]:
    module, _, name = path.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return found


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
