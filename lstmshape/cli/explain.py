"""The explain command (``lstmshape --input 4,3,10 --hidden 20``): options -> explain() -> views.

Options arrive as text and are read by lstmshape.reading.values; the library's errors are worded in the
command line's voice. Errors go to stderr with exit code 2 (unreadable value, module torch would
refuse) or 1 (a tensor that does not fit the module, a failed expectation, torch disagreeing);
results go to stdout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from rich.console import Console
from rich.text import Text

from lstmshape.cli.arguments import given
from lstmshape.cli.console import consoles, print_error, unwritable_output
from lstmshape.cli.voice import COMMAND_LINE
from lstmshape.errors import ExitStatus, LstmShapeError, exit_status
from lstmshape.i18n import tr
from lstmshape.options.explain import ExplainOptions, build_report
from lstmshape.results.report import Report
from lstmshape.views import render
from lstmshape.views.output import write_text


def explain_options(params: Mapping[str, Any]) -> ExplainOptions:
    """The question the explain command's options ask, from their values by parameter name (a
    click context's ``params``): its own options, and the module's arguments given."""
    own = {f.name for f in fields(ExplainOptions)} - {"arguments", "expect"}
    return ExplainOptions(
        **{name: value for name, value in params.items() if name in own},
        arguments=given(params, "explain"),
        expect=tuple(params.get("expect") or ()),
    )


def run_explain(options: ExplainOptions) -> int:
    """Explain, draw the report on stdout, say every failure on stderr; the exit code."""
    out, err = consoles()
    try:
        report = build_report(options)
        if options.export is not None:
            # Saved before anything is printed: a picture that cannot be written leaves no result.
            _export(report, options, err)
    except LstmShapeError as error:
        print_error(err, error)
        if options.fmt == "json" and exit_status([error]) == ExitStatus.NEGATIVE:
            # A negative answer is a result: CI reads why from stdout, as it reads a report.
            from lstmshape.views.text import error_json

            write_text(out, error_json(error, COMMAND_LINE))
        return exit_status([error])
    try:
        draw(report, options, out)
    except OSError as error:  # a full disk or a closed stream (a closed pipe is the console's)
        unwritten = unwritable_output(error)
        print_error(err, unwritten)
        return exit_status([unwritten])
    failures = report.failures()
    for failure in failures:
        print_error(err, failure)
    return exit_status(failures)


def draw(report: Report, options: ExplainOptions, out: Console) -> None:
    """The report on stdout: the diagram, or the format asked for."""
    if options.diagram:
        from lstmshape.views.diagram import render_diagram

        render_diagram(report, out)
    else:
        render(report, options.fmt, out)


def _export(report: Report, options: ExplainOptions, err: Console) -> None:
    from lstmshape.views.export import export

    assert options.export is not None
    saved = export(report, options.export, diagram=options.diagram)
    said = (
        tr("Saved the diagram as {kind}: {path}", kind=saved, path=options.export)
        if options.diagram
        else tr("Saved the tables as {kind}: {path}", kind=saved, path=options.export)
    )
    err.print(Text(said), soft_wrap=True)
