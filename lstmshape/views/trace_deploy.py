"""``trace --deploy`` as lines: each recurrent layer's verdicts, then the whole model's export,
its reason, the line at fault and the change. The plain, table and Markdown views share them."""

from __future__ import annotations

from lstmshape.deploy.targets import SHORT, VERDICT_WORDS
from lstmshape.i18n import N_, tr
from lstmshape.i18n.text import aligned
from lstmshape.results.deploy import NOT_RUN, ModelDeployment

MODEL_VERDICTS = {**VERDICT_WORDS, NOT_RUN: N_("not run")}


def deploy_lines(deployment: ModelDeployment) -> list[str]:
    """The heading, a table per layer, the whole model's verdict and its code."""
    lines = [tr("Deployment")]
    for path, layer in deployment.layers:
        lines += ["", tr("{path}: each target's verdict", path=path)]
        rows: list[tuple[str, ...]] = [(tr("target"), tr("verdict"), tr("proven"))]
        rows += [
            (
                SHORT[t.target],
                tr(VERDICT_WORDS[t.verdict]),  # i18n: extracted where made
                tr("run here") if t.proven else tr("unproven"),
            )
            for t in layer.targets
        ]
        lines += aligned(rows)
    if deployment.layers and not any(t.proven for _, d in deployment.layers for t in d.targets):
        lines += [
            "",
            tr(
                "Each layer's verdicts are lstmshape's measurements for its configuration, "
                "unproven here: --verify runs them (lstmshape explain --deploy gives each reason)."
            ),
        ]
    model = deployment.model
    said = tr(MODEL_VERDICTS[model.verdict])  # i18n: extracted where made
    lines += ["", tr("Whole model, torch.onnx.export(..., dynamo=False) in onnxruntime: {verdict}",
                     verdict=said)]  # fmt: skip
    lines += [f"  {model.reason}"]
    if model.versions:
        lines += [f"  [{model.versions}]"]
    if model.site:
        lines += [f"  {tr('At:')} {model.site}"]
    if model.fix:
        title = tr("The code that ran:") if model.verdict == "works" else tr("The change:")
        lines += [f"  {title}", *(f"    {line}" for line in model.fix.splitlines())]
    return lines
