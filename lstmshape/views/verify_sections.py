"""One section per torch run of a verification: each tensor, the parameters and each fact."""

from __future__ import annotations

from lstmshape.model.text import format_shape
from lstmshape.model.verification import ATOL, Run
from lstmshape.views.section import Section


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
    rows.extend(
        (f.fact, "stated", _diff(f.max_abs_diff, f.holds), _verdict(f.holds)) for f in run.facts
    )
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


def _diff(diff: float, holds: bool) -> str:
    # Rounding between kernels varies with the CPU: a check that holds shows the bound it held to,
    # so the same run reads the same on every machine (JSON keeps the exact figure).
    return f"within {ATOL:.0e}" if holds else f"|diff| {diff:.1g}"


def _verdict(ok: bool) -> str:
    return "agrees" if ok else "DISAGREES"
