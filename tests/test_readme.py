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


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # The README's paths (examples/tutorials.toml) are relative to the repository.
    monkeypatch.chdir(ROOT)


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


def test_ci_examples_run_what_they_say() -> None:
    """The GitHub Actions job's lstmshape steps pass, and the pre-commit hook it documents exists."""
    text = README.read_text()
    steps = re.findall(r"- run: lstmshape (.*)", text)
    assert steps == ["check examples/tutorials.toml"]
    for step in steps:
        result = invoke(shlex.split(step))
        assert (result.exit_code, result.stderr) == (0, "")
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "- id: lstmshape-check" in hooks
    assert "entry: lstmshape check" in hooks
    assert "- id: lstmshape-check\n        args: [examples/tutorials.toml]" in text


def test_the_assertion_shown_is_the_real_one() -> None:
    import lstmshape
    from tests.strategies import torch

    shown = re.search(r"```text\n(AssertionError: .*?)\n```", README.read_text(), re.S)
    assert shown is not None
    encoder = torch.nn.LSTM(10, 20, num_layers=2, bidirectional=True)
    with pytest.raises(AssertionError) as caught:
        lstmshape.assert_shapes(encoder, (4, 3, 10), output=(4, 3, 20))
    assert f"AssertionError: {caught.value}" == shown[1]
