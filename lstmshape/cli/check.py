"""The check command (``lstmshape check SPEC.toml``): every entry of a spec file, one table.

Errors are worded in the file's keys (``Try hidden_size = 20``); the exit code is the worst entry's.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from lstmshape.cli.console import consoles, print_error, print_lines, unwritable_output
from lstmshape.cli.voice import COMMAND_LINE
from lstmshape.errors import LstmShapeError, exit_status
from lstmshape.i18n import tr
from lstmshape.i18n.numbers import number
from lstmshape.options.explain import read_budget
from lstmshape.results.check import Outcome
from lstmshape.views.wrapping import print_wrapped


def run_check(spec: Path, *, verify: bool, verify_budget: str | None, fmt: str) -> int:
    """Check every entry of ``spec``, draw the table on stdout, explain failures on stderr."""
    # TOML is read by this command only: the explain path does not import the reader.
    from lstmshape.commands.check import KEYS, SpecVoice, check_entry, read_spec
    from lstmshape.views.check_table import render_checks

    out, err = consoles()
    voice = SpecVoice(COMMAND_LINE, (*KEYS, "expect"))
    try:
        entries = read_spec(spec)
        budget = read_budget(verify, verify_budget)
        if verify:
            _torch_or_refuse()  # said once for the whole file, before any entry is drawn
    except LstmShapeError as error:
        print_error(err, error)
        return exit_status([error])
    # Each entry is checked as it is drawn: no report outlives its row.
    outcomes = (check_entry(entry) for entry in entries)
    if verify:
        outcomes = (_verified(outcome, budget) for outcome in outcomes)
    try:
        checked = render_checks(str(spec), outcomes, fmt, out, voice)
    except OSError as error:  # a full disk or a closed stream (a closed pipe is the console's)
        unwritten = unwritable_output(error)
        print_error(err, unwritten)
        return exit_status([unwritten])
    for outcome, failure in checked.failures[:FAILURES_EXPLAINED]:
        print_lines(err, outcome.error_lines(failure, voice))
    if len(checked.failures) > FAILURES_EXPLAINED:
        more = len(checked.failures) - FAILURES_EXPLAINED
        said = tr("... and {count} more failures, each in the table above.", count=number(more))
        print_wrapped(err, said)
    return exit_status(failure for _, failure in checked.failures)


# Each failure is explained on stderr up to this many; the table lists every one.
FAILURES_EXPLAINED = 50


def _torch_or_refuse() -> None:
    from lstmshape.proof import import_torch

    import_torch()


def _verified(outcome: Outcome, budget: int) -> Outcome:
    """The outcome with its report proven by torch (entries that already failed stay as they are)."""
    if outcome.report is None or outcome.errors:
        return outcome
    from lstmshape.proof import verify

    try:
        report = verify(outcome.report, budget=budget)
        if report.deploy is not None:  # deploy = true: its targets run too
            from lstmshape.deploy import deploy

            report = deploy(report, verify=True)
    except LstmShapeError as error:
        return replace(outcome, errors=(error,))
    return replace(outcome, report=report, errors=tuple(report.failures()))
