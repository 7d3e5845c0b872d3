"""The README and the pages in docs/ stay true: the README's two commands are the ones CI runs,
every ```console example is the real output of the real command, the option reference is made from
the tool, and the pages build as a site with no broken link. LSTMSHAPE_UPDATE=1 rewrites the shown
output and the reference from the tool."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from lstmshape.cli.reference import options_reference
from tests.conftest import invoke, unwrapped
from tests.golden import UPDATE, golden

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))
# A console block: "$ lstmshape ARGS" on its first line, then exactly what the command prints
# (stdout, then stderr); a last line "..." shows the beginning of the output only.
BLOCK = re.compile(r"```console\n\$ lstmshape (?P<args>[^\n]*)\n(?P<shown>.*?)```", re.S)
CUT = "...\n"


def examples() -> list[tuple[Path, str, str]]:
    return [
        (path, m["args"], m["shown"])
        for path in (README, *PAGES)
        for m in BLOCK.finditer(path.read_text())
    ]


def printed(args: str) -> str:
    """What the command prints; ``< FILE`` at the end feeds FILE to its standard input."""
    argv = shlex.split(args)
    stdin = None
    if len(argv) > 2 and argv[-2] == "<":
        stdin = (ROOT / argv[-1]).read_bytes()
        argv = argv[:-2]
    result = invoke(argv, stdin=stdin)
    return result.stdout + unwrapped(result.stderr)


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # The pages' paths (examples/tutorials.toml) are relative to the repository.
    monkeypatch.chdir(ROOT)


def test_the_readme_is_short_and_every_page_has_examples() -> None:
    assert len(README.read_text().splitlines()) <= 200
    assert len([e for e in examples() if e[0] == README]) >= 3
    assert len(examples()) >= 30


@pytest.mark.parametrize(
    ("path", "args", "shown"),
    examples(),
    ids=[f"{p.name}: {a}" for p, a, _ in examples()],
)
@golden
def test_every_example_is_real_output(path: Path, args: str, shown: str) -> None:
    real = printed(args)
    if shown.endswith(CUT):
        shown_part = shown[: -len(CUT)]
        if UPDATE:
            kept = "".join(real.splitlines(keepends=True)[: len(shown_part.splitlines())])
            _rewrite(path, args, shown, kept + CUT)
            return
        assert real.startswith(shown_part)
        return
    if UPDATE:
        _rewrite(path, args, shown, real)
        return
    assert real == shown


def _rewrite(path: Path, args: str, old: str, new: str) -> None:
    text = path.read_text()
    path.write_text(
        text.replace(
            f"```console\n$ lstmshape {args}\n{old}```", f"```console\n$ lstmshape {args}\n{new}```"
        )
    )


@golden
def test_the_option_reference_is_the_tools() -> None:
    path = ROOT / "docs" / "options.md"
    head = path.read_text().split("\n## ", 1)[0]
    made = head + "\n" + options_reference()
    if UPDATE:
        path.write_text(made)
    assert path.read_text() == made
    for flag in ("--diagram", "--export", "--format", "--verify-budget", "--lengths"):
        assert f"`{flag}`" in made


def test_every_page_is_in_the_site_and_linked_from_the_readme() -> None:
    site = (ROOT / "mkdocs.yml").read_text()
    readme = README.read_text()
    for page in PAGES:
        assert f": {page.name}" in site, page.name
        if page.name != "index.md":
            assert f"(docs/{page.name})" in readme, page.name


def test_the_docs_build_without_warnings(tmp_path: Path) -> None:
    """mkdocs is in the test extra, so this runs in CI: strict, a broken link fails it."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, unwrapped(result.stderr)


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
    text = (ROOT / "docs" / "check.md").read_text()
    steps = re.findall(r"- run: lstmshape (.*)", text)
    assert steps == ["check examples/tutorials.toml"]
    for step in steps:
        result = invoke(shlex.split(step))
        assert (result.exit_code, unwrapped(result.stderr)) == (0, "")
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "- id: lstmshape-check" in hooks
    assert "entry: lstmshape check" in hooks
    assert "- id: lstmshape-check\n        args: [examples/tutorials.toml]" in text


def test_the_assertion_shown_is_the_real_one() -> None:
    import lstmshape
    from tests.strategies import torch

    shown = re.search(
        r"```text\n(AssertionError: .*?)\n```", (ROOT / "docs" / "python.md").read_text(), re.S
    )
    assert shown is not None
    encoder = torch.nn.LSTM(10, 20, num_layers=2, bidirectional=True)
    with pytest.raises(AssertionError) as caught:
        lstmshape.assert_shapes(encoder, (4, 3, 10), output=(4, 3, 20))
    assert f"AssertionError: {caught.value}" == shown[1]
