"""A verification as text: one section per torch run (each tensor, the parameters and each fact),
and a short verdict for the views that have no room for those tables (a diagram, a code snippet)."""

from __future__ import annotations

import textwrap

from lstmshape.i18n import N_, tr
from lstmshape.i18n.numbers import enumerated, number
from lstmshape.i18n.text import cells, format_shape
from lstmshape.i18n.typography import clauses
from lstmshape.results.verification import FactCheck, Run, Verification
from lstmshape.views.section import Section
from lstmshape.views.wrapping import wrap_cells

# The verdict's comments wrap here: a snippet is pasted into code formatted at black's width.
COMMENT_WIDTH = 88

# A run's method (the JSON's id), as a table's title and a verdict say it.
_TITLES = {"real": N_("real tensors"), "shape-only": N_("shape-only (fake tensors)")}
_RAN = {"real": N_("real tensors"), "shape-only": N_("shape-only (fake) tensors")}


def run_section(run: Run, index: int, runs: int) -> Section:
    rows = [
        (t.name, format_shape(t.computed), format_shape(t.torch), _verdict(t.ok))
        for t in run.tensors
    ]
    rows.append(
        (
            tr("parameters: names, shapes, total"),
            number(run.num_parameters),
            number(run.torch_num_parameters),
            _verdict(run.parameters_ok),
        )
    )
    stated = tr("stated")
    rows.extend((f.fact, stated, _diff(f), _verdict(f.holds)) for f in run.facts)
    if run.facts_not_run:
        rows.append((tr("numerical checks"), "-", "-", tr("not run")))
    method = tr(_TITLES[run.method])  # i18n: extracted where made
    title = (
        tr(
            "Verified with torch {number} of {runs}: {method}",
            number=index,
            runs=runs,
            method=method,
        )
        if runs > 1
        else tr("Verified with torch: {method}", method=method)
    )
    caption = run.how
    if run.facts_not_run:
        caption = tr("{how} Not run: {why}.", how=run.how, why=run.facts_not_run)
    return Section(
        title,
        (tr("check"), "lstmshape", "torch", tr("result")),
        tuple(rows),
        caption=caption,
        words=(0,),
    )


def _diff(check: FactCheck) -> str:
    # Rounding between kernels varies with the CPU: a check that holds shows the bound it held to,
    # so the same run reads the same on every machine (JSON keeps the exact figure).
    if check.holds:
        return tr("within {tolerance}", tolerance=f"{check.tolerance:.0e}")
    return f"|diff| {check.max_abs_diff:.1g}"


def verdict_lines(verification: Verification) -> list[str]:
    """A short plain-text verdict, to print below a diagram: whether torch agreed (or what it
    disagreed on), the runs with their method and sizes, and what the numerical checks compared
    (or that they did not run). One sentence a line, unwrapped."""
    disagreements = [
        _run_label(verification, number, what)
        for number, run in enumerate(verification.runs, 1)
        for what in _disagreements(run)
    ]
    version = verification.torch_version
    if disagreements:
        first = tr(
            "Verified with torch {version}: DISAGREES on {what}.",
            version=version,
            what=clauses(disagreements),
        )
    elif any(run.facts for run in verification.runs):
        first = tr(
            "Verified with torch {version}: agrees on every tensor shape and parameter, and every "
            "numerical check.",
            version=version,
        )
    else:
        first = tr(
            "Verified with torch {version}: agrees on every tensor shape and parameter.",
            version=version,
        )
    runs = ""
    for run in verification.runs:
        runs = (
            tr("{before}; then {after}", before=runs, after=_run_text(run))
            if runs
            else _run_text(run)
        )
    compared = verification.compared()
    if compared:
        numerical = tr("Numerical checks: {compared}.", compared=compared)
    else:
        numerical = tr("Numerical checks not run: {why}.", why=verification.not_compared())
    return [first, tr("Ran: {runs}.", runs=runs), numerical]


def verdict_comments(verification: Verification) -> list[str]:
    """The verdict as Python comment lines for the code snippet, wrapped at COMMENT_WIDTH."""
    return [wrapped for line in verdict_lines(verification) for wrapped in _comment(line)]


def _comment(line: str) -> list[str]:
    """One line of the verdict as comment lines: broken at spaces, and between wide characters
    when it holds some (a Japanese sentence has no spaces), each at most COMMENT_WIDTH cells."""
    if cells(line) != len(line):
        first, *rest = wrap_cells(line, COMMENT_WIDTH - 4)
        return [f"# {first}", *(f"#   {more}" for more in rest)]
    return textwrap.wrap(
        line,
        COMMENT_WIDTH,
        initial_indent="# ",
        subsequent_indent="#   ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _run_label(verification: Verification, number: int, what: str) -> str:
    if len(verification.runs) > 1:
        return tr("run {number}: {what}", number=number, what=what)
    return what


def _run_text(run: Run) -> str:
    """``real tensors at full size``, ``shape-only (fake) tensors with L=8 instead of 100,000``."""
    method = tr(_RAN[run.method])  # i18n: extracted where made
    if not run.substitutions:
        return tr("{method} at full size", method=method)
    substitutions = enumerated(s.text() for s in run.substitutions)
    return tr("{method} with {substitutions}", method=method, substitutions=substitutions)


def _disagreements(run: Run) -> list[str]:
    """What torch produced otherwise than lstmshape said, in one run."""
    found = [
        tr(
            "{name} {computed}, torch {torch}",
            name=t.name,
            computed=format_shape(t.computed),
            torch=format_shape(t.torch),
        )
        for t in run.tensors
        if not t.ok
    ]
    if not run.parameters_ok or run.num_parameters != run.torch_num_parameters:
        said = {"count": number(run.num_parameters), "torch": number(run.torch_num_parameters)}
        found.append(
            tr("the parameters ({count}, torch {torch}; names and shapes agree)", **said)
            if run.parameters_ok
            else tr("the parameters ({count}, torch {torch}; names and shapes differ)", **said)
        )
    found.extend(
        tr("{fact} (|diff| {diff})", fact=f.fact, diff=f"{f.max_abs_diff:.1g}")
        for f in run.facts
        if not f.holds
    )
    return found


def _verdict(ok: bool) -> str:
    return tr("agrees") if ok else tr("DISAGREES")
