"""Views of results: every output format is drawn from the same plain data.

table (Rich), json, markdown, plain and code (a runnable snippet) for a report; the diagram and
the exported pictures; the pass/fail table of a spec file. Nothing here prints on its own: the
caller passes the Console.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lstmshape.views.output import write_text

if TYPE_CHECKING:
    from rich.console import Console

    from lstmshape.results.report import Report

# The names of the formats are read by the command line's options before any command runs (its
# --help too): importing this package loads no view.

FORMATS = ("table", "json", "markdown", "plain", "code")
CHECK_FORMATS = ("table", "json", "markdown", "plain")
INSPECT_FORMATS = CHECK_FORMATS
TRACE_FORMATS = ("table", "json", "markdown", "plain")


def render(report: Report, fmt: str, console: Console) -> None:
    """Write ``report`` to ``console`` in ``fmt``: one of table, json, markdown, plain, code."""
    if fmt == "table":
        from lstmshape.views.table import render_table

        render_table(report, console)
        return
    # The other formats are imported by the format that uses them: the table is the common case.
    from lstmshape.views.snippet import to_code
    from lstmshape.views.text import to_json, to_markdown, to_plain

    if fmt == "plain":  # laid out for the terminal's width (COLUMNS), as the table is
        write_text(console, to_plain(report, console.width))
        return
    text = {"json": to_json, "markdown": to_markdown, "code": to_code}[fmt](report)
    write_text(console, text)
