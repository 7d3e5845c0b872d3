"""The report laid out once as neutral sections: title, columns, rows, caption.

The table, Markdown and plain views only draw these sections, and JSON is ``Report.to_dict()``, so
no two formats can disagree on a number.
"""

from __future__ import annotations

from lstmshape.model.report import Report
from lstmshape.model.text import format_shape
from lstmshape.parameters import Parameter, omitted
from lstmshape.views.section import LAYERS_LISTED, Section


def heading(report: Report) -> str:
    """One line naming the module and the input: ``nn.LSTM(10, 20, num_layers=2) on input (4, 3, 10)``."""
    kind = "batched" if report.batched else "unbatched"
    return f"{report.spec.torch_call()} on input {format_shape(report.input_shape)} ({kind})"


def sections(report: Report) -> list[Section]:
    """The report laid out as tables, in reading order."""
    out = [
        Section(
            "Tensors",
            ("tensor", "shape", "axes", "meaning"),
            tuple(
                (
                    t.name,
                    format_shape(t.shape),
                    ", ".join(d.label() for d in t.dims),
                    t.meaning,
                )
                for t in report.tensors
            ),
            words=(2, 3),
            formulas=(2,),
        ),
        Section(
            "Symbols",
            ("symbol", "value", "from"),
            tuple((s.name, str(s.value), s.source) for s in report.symbols),
            numeric=(1,),
            words=(2,),
        ),
        Section(
            "Parameters",
            ("parameter", "shape", "in symbols", "count"),
            _parameter_rows(report),
            caption=f"total {report.num_parameters:,} = sum(p.numel() for p in "
            f"{report.module.lower()}.parameters())",
            numeric=(3,),
            words=(2,),
        ),
    ]
    if report.cost is not None:
        from lstmshape.views.cost_sections import cost_sections  # only a costed report has these

        out += cost_sections(report.cost)
    if report.expectations:
        out.append(
            Section(
                "Expectations",
                ("tensor", "expected", "computed", "result"),
                tuple(
                    (
                        e.tensor,
                        format_shape(e.expected),
                        format_shape(e.computed),
                        "ok" if e.ok else "MISMATCH",
                    )
                    for e in report.expectations
                ),
            )
        )
    verification = report.verification
    if verification is not None:
        from lstmshape.views.verify_sections import run_section  # only a verified report has these

        for number, run in enumerate(verification.runs, 1):
            out.append(run_section(run, number, len(verification.runs)))
    return out


def _parameter_rows(report: Report) -> tuple[tuple[str, ...], ...]:
    """Every parameter of a short stack; layers 0, 1 and the last of a deep one."""

    def row(p: Parameter) -> tuple[str, ...]:
        return (p.name, format_shape(p.shape), p.rows, f"{p.numel:,}")

    layers = report.spec.num_layers
    left_out = omitted(report.spec, LAYERS_LISTED)
    if left_out is None:
        return tuple(row(p) for p in report.parameters)
    return (
        *(row(p) for p in report.parameters if p.layer < 2),
        (
            f"... layers 2 to {layers - 2}",
            "as layer 1",
            f"{left_out.parameter_count:,} parameters",
            f"{left_out.numel:,}",
        ),
        *(row(p) for p in report.parameters if p.layer == layers - 1),
    )
