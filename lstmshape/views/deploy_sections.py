"""A deployment as sections: one table of verdicts, then each target's code."""

from __future__ import annotations

from lstmshape.deploy.targets import SHORT, VERDICT_WORDS
from lstmshape.i18n import tr
from lstmshape.results.deploy import Deployment
from lstmshape.views.section import Section


def deploy_sections(deployment: Deployment) -> list[Section]:
    """The verdicts (target, verdict, reason, what it holds for), then the code of each."""
    works = tr(VERDICT_WORDS["works"])  # i18n: extracted where made
    fails = tr(VERDICT_WORDS["fails"])  # i18n: extracted where made
    table = Section(
        tr("Deployment"),
        (tr("target"), tr("verdict"), tr("why, and what it holds for")),
        tuple(
            (
                SHORT[t.target],
                tr(VERDICT_WORDS[t.verdict]),  # i18n: extracted where made
                f"{t.reason} [{t.versions}]",
            )
            for t in deployment.targets
        ),
        caption=deployment.missing,
        words=(2,),
        passed=(works,),
        failed=(fails,),
        part="deploy",
    )
    out = [table]
    for t in deployment.targets:
        if not t.fix:
            continue
        title = (
            tr("{target}: the code that ran", target=t.label)
            if t.verdict == "works"
            else tr("{target}: the change", target=t.label)
        )
        out.append(
            Section(
                title, (tr("code"),), tuple((line,) for line in t.fix.splitlines()), part="deploy"
            )
        )
    return out
