"""The README stays true: its two commands are the ones CI runs, and every ```console example is the
real output of the real command. LSTMSHAPE_UPDATE=1 rewrites the shown output from the tool."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import UPDATE, invoke

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# A console block: "$ lstmshape ARGS" on its first line, then exactly what the command prints
# (stdout, then stderr).
BLOCK = re.compile(r"```console\n\$ lstmshape (?P<args>[^\n]*)\n(?P<shown>.*?)```", re.S)


def examples() -> list[tuple[str, str]]:
    return [(m["args"], m["shown"]) for m in BLOCK.finditer(README.read_text())]


def printed(args: str) -> str:
    result = invoke(shlex.split(args))
    return result.stdout + result.stderr


def test_readme_has_examples() -> None:
    assert len(examples()) >= 8


@pytest.mark.parametrize(("args", "shown"), examples(), ids=[a for a, _ in examples()])
def test_readme_example_is_real_output(args: str, shown: str) -> None:
    if UPDATE:
        text = README.read_text()
        old = f"```console\n$ lstmshape {args}\n{shown}```"
        README.write_text(text.replace(old, f"```console\n$ lstmshape {args}\n{printed(args)}```"))
        return
    assert printed(args) == shown


def test_quick_start_commands_are_what_ci_runs() -> None:
    text = README.read_text()
    quick_start = text.split("## ", 2)[1]
    commands = re.findall(r"```bash\n(.*?)\n```", quick_start, re.S)
    assert len(commands) == 2
    main_job, test_command = commands
    assert main_job.endswith("lstmshape --input 4,3,10 --hidden 20 --layers 2")
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command in ci, "the README's test command must be a line of .ci/run, exactly"
