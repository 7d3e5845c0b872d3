"""A help screen's options on a narrow terminal: each option's help under its names.

Typer draws an options panel as one table row per option: names, short names, metavar, then the
help. At 60 columns the names and metavar leave the help some 18 columns, narrower than one of its
pieces (``bidirectional=True``, ``torch.Size([4, 3, 10])``), and Rich then cuts the piece
mid-name. When the help column cannot hold its widest piece, the panel is drawn as argparse
draws a narrow help: the names on their own line, the help indented under them, where every piece
fits whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from lstmshape.i18n.lines import widest_piece
from lstmshape.i18n.text import WIDE_CLOSING, cells

# Under a stacked option: its help starts this many columns in.
_HELP_INDENT = 4
# A panel's border and its padding take two columns each side; each table column is padded one
# column each side (Typer's STYLE_OPTIONS_TABLE_PADDING), but the table's edges.
_PANEL_EDGES = 4
# A title on the top border: the corners, "─ " before it and " " after it.
_TITLE_EDGES = 6


@contextmanager
def help_cells_whole() -> Iterator[None]:
    """A help screen's cells, for the block, in every language: an overflowing piece folded, not
    cut with "…" (``(input, hidden_size, num_layers…``), and an option's help and its tags one
    text (_one_text)."""
    from typer import rich_utils

    highlighter: Any = rich_utils.highlighter
    parameter_help: Any = rich_utils._get_parameter_help

    def folding(text: Any) -> Any:
        # In a table's cell Rich cuts a line that overflows with "…", and it counts the spaces
        # that end a line in characters, not in cells: a line of wide characters that ends with a
        # space would lose its last word. Folded, only the space goes.
        said = highlighter(text)
        said.overflow = "fold"
        return said

    rich_utils.highlighter = folding  # type: ignore[assignment]
    rich_utils._get_parameter_help = lambda *args, **kwargs: _one_text(
        parameter_help(*args, **kwargs)
    )
    typer_console: Any = rich_utils._get_rich_console
    rich_utils._get_rich_console = lambda *args, **kwargs: _quiet_on_closed_pipe(
        typer_console(*args, **kwargs)
    )
    try:
        yield
    finally:
        rich_utils.highlighter = highlighter
        rich_utils._get_parameter_help = parameter_help
        rich_utils._get_rich_console = typer_console


def _quiet_on_closed_pipe(console: Any) -> Any:
    """Typer's console for a help screen, quiet when its reader closes the pipe
    (``--help | head -1``): Rich would exit with 1 there, a help shown is a 0."""
    from lstmshape.cli.pipes import go_quiet

    console.on_broken_pipe = lambda: go_quiet(console)
    return console


def _one_text(help_items: Any) -> Any:
    """An option's help and Typer's tags ("[既定値: table]", "[必須]") as one text, in the
    language's spacing: Typer lays them out as Rich columns, one space apart, which puts an ASCII
    space after Japanese 。 (STYLE.md: none beside full-width punctuation). Anything other than
    texts in columns (another Typer's layout) is left as it is."""
    from rich.columns import Columns
    from rich.text import Text

    items = help_items.renderables if isinstance(help_items, Columns) else []
    texts = [item for item in items if isinstance(item, Text)]
    if not texts or len(texts) != len(items):
        return help_items
    joined = Text(overflow="fold")
    for item in texts:
        if joined.plain and not joined.plain[-1].isspace():
            joined.append("" if joined.plain[-1] in WIDE_CLOSING else " ")
        joined.append_text(item)
    return joined


@contextmanager
def narrow_options_stacked() -> Iterator[None]:
    """Typer's options panels, for the block, stacked when the help column would cut a piece."""
    from typer import rich_utils

    side_by_side: Any = rich_utils._print_options_panel

    def print_options_panel(*args: Any, console: Any, **kwargs: Any) -> None:
        side_by_side(*args, console=_Stacking(console), **kwargs)

    rich_utils._print_options_panel = print_options_panel
    try:
        yield
    finally:
        rich_utils._print_options_panel = side_by_side


class _Stacking:
    """The console an options panel is printed on: the panel is stacked if it must be."""

    def __init__(self, console: Any) -> None:
        self._console = console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._console, name)

    def print(self, panel: Any, *args: Any, **kwargs: Any) -> None:
        table = getattr(panel, "renderable", None)
        if table is not None and _cuts_a_piece(table, self._console.width):
            panel.renderable = table = _stacked(table)
        title = getattr(panel, "title", None)
        if (
            table is not None
            and title
            and cells(_plain(title)) + _TITLE_EDGES > self._console.width
        ):
            # Rich cuts a panel's title to its top border: a long one goes inside, wrapped.
            from rich.console import Group
            from rich.text import Text

            panel.title = None
            panel.renderable = Group(Text(_plain(title), style="bold"), table)
        self._console.print(panel, *args, **kwargs)


def _texts(column: Any) -> list[str]:
    return [_plain(cell) for cell in column._cells]


def _plain(cell: Any) -> str:
    """A cell's text: a Text's, or the texts of Typer's Columns (an option's help and its tags)."""
    if isinstance(cell, str):
        return cell
    if hasattr(cell, "plain"):
        return str(cell.plain)
    return " ".join(_plain(part) for part in getattr(cell, "renderables", ()))


def _cuts_a_piece(table: Any, width: int) -> bool:
    """Whether the help column, beside the others at their widest, is narrower than its widest
    piece (Rich would cut it)."""
    *names, help_column = table.columns
    used = [max((cells(text) for text in _texts(column)), default=0) for column in names]
    # Every column is padded, an empty one too (Typer's columns for secondary names).
    taken = sum(width + 2 for width in used) + _PANEL_EDGES
    return width - taken < max((widest_piece(text) for text in _texts(help_column)), default=0)


def _stacked(table: Any) -> Any:
    """``table`` as one column: each row's names on a line, its help indented under them."""
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    stacked = Table(show_header=False, expand=True, box=None, padding=(0, 1), pad_edge=False)
    stacked.add_column()
    *names, help_column = table.columns
    said = [_texts(column) for column in names]
    for row, help_text in enumerate(help_column._cells):
        line = Text(" ").join(
            c._cells[row] for c, t in zip(names, said, strict=True) if t[row].strip()
        )
        stacked.add_row(line)
        stacked.add_row(Padding(help_text, (0, 0, 0, _HELP_INDENT)))
    return stacked
