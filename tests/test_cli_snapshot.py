"""The command line prints, byte for byte, what tests/snapshots/cli.jsonl.gz recorded.

The record holds a few thousand argument lists (tools/cli_snapshot.py makes them: every command,
family, option, format, error path and help screen, in the four languages, at 60, 80 and 120
columns) with the exit code, stdout and stderr of each. This test replays every one in-process.

A deliberate change of output is re-recorded, and the record's changes reviewed like code:

    LSTMSHAPE_UPDATE=1 python -m pytest tests/test_cli_snapshot.py
    python tools/cli_snapshot.py --changes      (the record's changes since HEAD, readable)

Part of the output is drawn by Typer and Rich (help screens, usage errors, tables), run by torch
(--verify, trace) or says whether the deploy extra is installed (--deploy): the record names the
versions it was made with, which the test extra pins. Under others (the lower bounds of Typer and
Rich that .ci/run also tests) the test says which and fails rather than skip.
"""

from __future__ import annotations

import difflib
import traceback
from collections import Counter
from typing import Any

import pytest

from tests.golden import UPDATE, golden
from tools.cli_snapshot import cases, command_of, language_of, read, run, versions, write

SHOWN = 5  # differing cases shown in full


@golden
def test_the_command_line_prints_what_the_snapshot_recorded() -> None:
    if UPDATE:
        write([run(made) for made in cases()], versions=versions())
    recorded = read()
    assert recorded.versions == versions(), (
        f"The snapshot was recorded with {recorded.versions}; this run has {versions()}. Run the "
        "snapshot with those versions, or re-record it (see this test's docstring)."
    )
    differing = []
    for entry in recorded.entries:
        made = {key: entry[key] for key in ("args", "env", "stdin") if key in entry}
        now = replay(made)
        if any(now[key] != entry[key] for key in ("exit_code", "stdout", "stderr")):
            differing.append((entry, now))
    if differing:
        pytest.fail(report(differing, len(recorded.entries)), pytrace=False)


def replay(made: dict[str, Any]) -> dict[str, Any]:
    """One case run again; a traceback (a bug, never a user's mistake) is a differing case too,
    so that one broken path does not hide how many others differ."""
    try:
        return run(made)
    except Exception:  # shown in the report as what it is, never taken for output
        return {"exit_code": "traceback", "stdout": "", "stderr": traceback.format_exc()}


def report(differing: list[tuple[dict[str, Any], dict[str, Any]]], total: int) -> str:
    """The first differing cases as unified diffs, then the count by command and language."""
    lines = [f"{len(differing)} of {total} argument lists print otherwise than recorded."]
    for entry, now in differing[:SHOWN]:
        env = entry["env"]
        lines.append(
            f"\n=== lstmshape {' '.join(map(repr, entry['args']))}"
            f"  (COLUMNS={env['COLUMNS']} LSTMSHAPE_LANG={env['LSTMSHAPE_LANG']}"
            f"{', with stdin' if 'stdin' in entry else ''})"
        )
        if now["exit_code"] != entry["exit_code"]:
            lines.append(f"exit code: recorded {entry['exit_code']}, now {now['exit_code']}")
        for stream in ("stdout", "stderr"):
            lines += difflib.unified_diff(
                entry[stream].splitlines(),
                now[stream].splitlines(),
                f"{stream} (recorded)",
                f"{stream} (now)",
                lineterm="",
            )
    by_kind = Counter((command_of(entry["args"]), language_of(entry)) for entry, _ in differing)
    lines.append("\nDiffering cases by command and language:")
    lines += [
        f"  {command:8} {lang or '-':3} {count}"
        for (command, lang), count in sorted(by_kind.items())
    ]
    return "\n".join(lines)
