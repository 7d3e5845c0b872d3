"""The report laid out once as neutral sections: title, columns, rows, caption.

The table, Markdown and plain views only draw these sections, and JSON is ``Report.to_dict()``, so
no two formats can disagree on a number.
"""

from __future__ import annotations

from lstmshape.i18n import tr
from lstmshape.i18n.numbers import number
from lstmshape.i18n.text import format_shape
from lstmshape.results.report import Report
from lstmshape.torchfacts.parameters import Parameter, omitted
from lstmshape.views.section import LAYERS_LISTED, Section


def heading(report: Report) -> str:
    """One line naming the module and the input: ``nn.LSTM(10, 20, num_layers=2) on input (4, 3, 10)``."""
    return tr(
        "{call} on input {shape} ({kind})",
        call=report.spec.torch_call(),
        shape=format_shape(report.input_shape),
        kind=tr("batched") if report.batched else tr("unbatched"),
    )


def sections(report: Report) -> list[Section]:
    """The report laid out as tables, in reading order."""
    out = [_tensors(report), _symbols(report), _parameters(report)]
    if report.cost is not None:
        from lstmshape.views.cost_sections import cost_sections  # only a costed report has these

        out += cost_sections(report.cost)
    if report.expectations:
        out.append(_expectations(report))
    verification = report.verification
    if verification is not None:
        from lstmshape.views.verify_sections import run_section  # only a verified report has these

        for index, run in enumerate(verification.runs, 1):
            out.append(run_section(run, index, len(verification.runs)))
    if report.deploy is not None:
        from lstmshape.views.deploy_sections import deploy_sections  # only with deploy=True

        out += deploy_sections(report.deploy)
    return out


def _tensors(report: Report) -> Section:
    return Section(
        tr("Tensors"),
        (tr("tensor"), tr("shape"), tr("axes"), tr("meaning")),
        tuple(
            (
                t.name,
                format_shape(t.shape),
                # Symbols with their sizes (L=4, N=3), written as a formula in every language.
                ", ".join(d.label() for d in t.dims),
                t.meaning,
            )
            for t in report.tensors
        ),
        words=(2, 3),
        formulas=(2,),
        shapes=(1,),
    )


def _symbols(report: Report) -> Section:
    return Section(
        tr("Symbols"),
        (tr("symbol"), tr("value"), tr("from")),
        tuple((s.name, str(s.value), s.source) for s in report.symbols),
        numeric=(1,),
        words=(2,),
    )


def _parameters(report: Report) -> Section:
    return Section(
        tr("Parameters"),
        (tr("parameter"), tr("shape"), tr("in symbols"), tr("count")),
        _parameter_rows(report),
        caption=tr(
            "total {count} = {sum}",
            count=number(report.num_parameters),
            sum=f"sum(p.numel() for p in {report.module.lower()}.parameters())",
        ),
        numeric=(3,),
        words=(2,),
        shapes=(1,),
    )


def _expectations(report: Report) -> Section:
    passed, failed = tr("ok"), tr("MISMATCH")
    return Section(
        tr("Expectations"),
        (tr("tensor"), tr("expected"), tr("computed"), tr("result")),
        tuple(
            (
                e.tensor,
                format_shape(e.expected),
                format_shape(e.computed),
                passed if e.ok else failed,
            )
            for e in report.expectations
        ),
        shapes=(1, 2),
        passed=(passed,),
        failed=(failed,),
        part="expectations",
    )


def _parameter_rows(report: Report) -> tuple[tuple[str, ...], ...]:
    """Every parameter of a short stack; layers 0, 1 and the last of a deep one."""

    def row(p: Parameter) -> tuple[str, ...]:
        return (p.name, format_shape(p.shape), p.rows, number(p.numel))

    layers = report.spec.num_layers
    left_out = omitted(report.spec, LAYERS_LISTED)
    if left_out is None:
        return tuple(row(p) for p in report.parameters)
    return (
        *(row(p) for p in report.parameters if p.layer < 2),
        (
            tr("... layers 2 to {last}", last=layers - 2),
            tr("as layer 1"),
            tr("{count} parameters", count=number(left_out.parameter_count)),
            number(left_out.numel),
        ),
        *(row(p) for p in report.parameters if p.layer == layers - 1),
    )
