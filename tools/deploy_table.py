"""Measure every deployment target on lstmshape's configuration classes, with the torch here.

    python tools/deploy_table.py

Rewrites lstmshape/deploy/measured.py (the verdicts --deploy states without --verify, said as
unproven for the user's configuration) and the table of docs/deploy.md between its markers, dated
and with the versions that ran. Needs torch and the deploy extra: pip install -e ".[test]".
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path
from pprint import pformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lstmshape import explain  # noqa: E402
from lstmshape.deploy import documented, run_outcomes, said_versions, verdict  # noqa: E402
from lstmshape.deploy.classes import CLASSES  # noqa: E402
from lstmshape.deploy.targets import LABELS, TARGETS  # noqa: E402
from lstmshape.i18n.text import format_shape  # noqa: E402
from lstmshape.results.deploy import Deployment  # noqa: E402

MEASURED = ROOT / "lstmshape" / "deploy" / "measured.py"
DOCS = ROOT / "docs" / "deploy.md"
BEGIN, END = "<!-- deploy table: begin -->", "<!-- deploy table: end -->"


def main() -> None:
    measured: dict[str, dict[str, tuple[str, str, dict[str, str]]]] = {}
    configurations: dict[str, str] = {}
    rows = []
    versions: dict[str, str] = {}
    for name, arguments in CLASSES.items():
        report = explain(**arguments)
        outcomes, said = run_outcomes(report)
        versions = said
        measured[name] = {t: (o.verdict, o.reason, o.fields) for t, o in outcomes.items()}
        configurations[name] = report.spec.torch_call()
        shown = f"{report.spec.torch_call()} on input {format_shape(report.input_shape)}"
        if report.packing is not None:
            shown += f", lengths {list(report.packing.lengths)} (run padded)"
        made = tuple(
            verdict(report.spec, t, outcomes[t], proven=True, versions=said_versions(said, t))
            if t in outcomes
            else documented(report.spec, t, said)
            for t in TARGETS
        )
        rows.append((name, shown, Deployment(made)))
        print(name, {t: o.verdict for t, o in outcomes.items()}, flush=True)
    date = datetime.date.today().isoformat()
    MEASURED.write_text(
        '"""What tools/deploy_table.py measured: the verdicts --deploy states without verifying.\n\n'
        "Generated; do not edit. Each class of lstmshape.deploy.classes, each target that runs on a\n"
        'CPU: (verdict, reason key of lstmshape.deploy.targets.REASONS, its fields)."""\n\n'
        "from __future__ import annotations\n\n"
        f"MEASURED_VERSIONS = {versions!r}\n"
        f"MEASURED_DATE = {date!r}\n"
        f"MEASURED: dict[str, dict[str, tuple[str, str, dict[str, str]]]] = {pformat(measured, width=96)}\n"
        f"CONFIGURATIONS: dict[str, str] = {pformat(configurations, width=96)}\n"
    )
    # Formatted as the repository is (ruff format, installed by the test extra).
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(MEASURED)], check=False)
    table = _table(rows, versions, date)
    text = DOCS.read_text()
    start, stop = text.index(BEGIN) + len(BEGIN), text.index(END)
    DOCS.write_text(text[:start] + "\n" + table + "\n" + text[stop:])


def _table(rows: list, versions: dict[str, str], date: str) -> str:
    targets = list(TARGETS)
    head = "| configuration | " + " | ".join(f"`{LABELS[t]}`" for t in targets) + " |"
    rule = "|---" * (len(targets) + 1) + "|"
    said = ", ".join(f"{k} {v}" for k, v in versions.items())
    lines = [f"Measured on {date} with {said} (`python tools/deploy_table.py`).", "", head, rule]
    for name, configuration, deployment in rows:
        cells = []
        for t in targets:
            v = deployment.target(t)
            cells.append(v.verdict + ("" if v.proven else " (documented)"))
        lines.append(f"| {name}: `{configuration}` | " + " | ".join(cells) + " |")
    lines += ["", "Reasons, as `--deploy --verify` says them:", ""]
    for name, _, deployment in rows:
        lines.append(f"- **{name}**:")
        for t in targets:
            v = deployment.target(t)
            if v.proven:
                lines.append(f"  - `{LABELS[t]}`: {v.verdict}. {v.reason}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
