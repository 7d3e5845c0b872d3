"""A verification as text: one section per torch run (each tensor, the parameters and each fact),
and a short verdict for the views that have no room for those tables (a diagram, a code snippet)."""

from __future__ import annotations

import textwrap

from lstmshape.model.text import format_shape
from lstmshape.model.verification import FactCheck, Run, Verification
from lstmshape.views.section import Section

# The verdict's comments wrap here: a snippet is pasted into code formatted at black's width.
COMMENT_WIDTH = 88


def run_section(run: Run, number: int, runs: int) -> Section:
    rows = [
        (t.name, format_shape(t.computed), format_shape(t.torch), _verdict(t.ok))
        for t in run.tensors
    ]
    rows.append(
        (
            "parameters: names, shapes, total",
            f"{run.num_parameters:,}",
            f"{run.torch_num_parameters:,}",
            _verdict(run.parameters_ok),
        )
    )
    rows.extend((f.fact, "stated", _diff(f), _verdict(f.holds)) for f in run.facts)
    if run.facts_not_run:
        rows.append(("numerical checks", "-", "-", "not run"))
    of = f" {number} of {runs}" if runs > 1 else ""
    caption = run.how + (f" Not run: {run.facts_not_run}." if run.facts_not_run else "")
    return Section(
        f"Verified with torch{of}: "
        + ("real tensors" if run.method == "real" else "shape-only (fake tensors)"),
        ("check", "lstmshape", "torch", "result"),
        tuple(rows),
        caption=caption,
        words=(0,),
    )


def _diff(check: FactCheck) -> str:
    # Rounding between kernels varies with the CPU: a check that holds shows the bound it held to,
    # so the same run reads the same on every machine (JSON keeps the exact figure).
    return f"within {check.tolerance:.0e}" if check.holds else f"|diff| {check.max_abs_diff:.1g}"


def verdict_lines(verification: Verification) -> list[str]:
    """A short plain-text verdict, to print below a diagram: whether torch agreed (or what it
    disagreed on), the runs with their method and sizes, and what the numerical checks compared
    (or that they did not run). One sentence a line, unwrapped."""
    disagreements = [
        f"{_run_label(verification, number)}{what}"
        for number, run in enumerate(verification.runs, 1)
        for what in _disagreements(run)
    ]
    version = f"torch {verification.torch_version}"
    if disagreements:
        first = f"Verified with {version}: DISAGREES on {'; '.join(disagreements)}."
    else:
        checked = "every tensor shape and parameter"
        if any(run.facts for run in verification.runs):
            checked += ", and every numerical check"
        first = f"Verified with {version}: agrees on {checked}."
    runs = "; then ".join(_run_text(run) for run in verification.runs)
    numerical = verification.numerical
    if numerical.startswith("not run: "):
        numerical = f"Numerical checks not run: {numerical.removeprefix('not run: ')}."
    else:
        numerical = f"Numerical checks: {numerical}."
    return [first, f"Ran: {runs}.", numerical]


def verdict_comments(verification: Verification) -> list[str]:
    """The verdict as Python comment lines for the code snippet, wrapped at COMMENT_WIDTH."""
    return [
        wrapped
        for line in verdict_lines(verification)
        for wrapped in textwrap.wrap(
            line,
            COMMENT_WIDTH,
            initial_indent="# ",
            subsequent_indent="#   ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    ]


def _run_label(verification: Verification, number: int) -> str:
    return f"run {number}: " if len(verification.runs) > 1 else ""


def _run_text(run: Run) -> str:
    """``real tensors at full size``, ``shape-only (fake) tensors with L=8 instead of 100,000``."""
    method = "real tensors" if run.method == "real" else "shape-only (fake) tensors"
    if not run.substitutions:
        return f"{method} at full size"
    return f"{method} with {', '.join(s.text() for s in run.substitutions)}"


def _disagreements(run: Run) -> list[str]:
    """What torch produced otherwise than lstmshape said, in one run."""
    found = [
        f"{t.name} {format_shape(t.computed)}, torch {format_shape(t.torch)}"
        for t in run.tensors
        if not t.ok
    ]
    if not run.parameters_ok or run.num_parameters != run.torch_num_parameters:
        found.append(
            f"the parameters ({run.num_parameters:,}, torch {run.torch_num_parameters:,}; names "
            f"and shapes {'agree' if run.parameters_ok else 'differ'})"
        )
    found.extend(f"{f.fact} (|diff| {f.max_abs_diff:.1g})" for f in run.facts if not f.holds)
    return found


def _verdict(ok: bool) -> str:
    return "agrees" if ok else "DISAGREES"
