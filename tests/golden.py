"""Golden files, one helper for every test that keeps one: each keeps its input beside its output.

A golden file under tests/golden/ starts with the command line that produced it and what it shows,
then the output, byte for byte::

    $ lstmshape --input 4,3,10 --hidden 20 --layers 2
    # shown: stdout (80 columns, no colour, run from the repository's root); the output follows
    <the output>

A test calls :func:`check_golden` with the arguments it ran and their result: the file's stored
input must be the test's (a renamed case cannot keep another case's output), and its output the
result's. With ``LSTMSHAPE_UPDATE=1`` the helper writes the file instead.

Every golden is rewritten from its stored input alone, without the tests, by::

    python -m tests.golden

and every golden the tests keep (these files, the docs' shown output, the option reference, the
README's picture, the CLI snapshot) by one command, which runs the tests marked ``golden``::

    LSTMSHAPE_UPDATE=1 python -m pytest -m golden
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("LSTMSHAPE_UPDATE") == "1"
"""Rewrite golden files and shown output from the tool, after a deliberate change of output."""
golden = pytest.mark.golden
"""The mark of a test that keeps a golden (``LSTMSHAPE_UPDATE=1 python -m pytest -m golden``)."""

PROMPT = "$ lstmshape "
SHOWN = "# shown: "
STREAMS = ("stdout", "stdout+stderr")
WHERE = "(80 columns, no colour, run from the repository's root); the output follows"


@dataclass(frozen=True)
class Golden:
    """One golden file: the arguments that produced it, the streams it shows, their text."""

    args: tuple[str, ...]
    shown: str
    output: str

    def text(self) -> str:
        """The file's text: its input (two lines), then its output."""
        return f"{PROMPT}{shlex.join(self.args)}\n{SHOWN}{self.shown} {WHERE}\n{self.output}"


def read_golden(path: Path) -> Golden:
    """A golden file's input and output; an AssertionError naming the file if it has no input."""
    text = path.read_text(encoding="utf-8")
    command, shown, output = text.split("\n", 2)
    assert command.startswith(PROMPT), f"{path}: no '{PROMPT}...' line, the input, first"
    assert shown.startswith(SHOWN), f"{path}: no '{SHOWN}...' line second"
    stream = shown.removeprefix(SHOWN).split(" ", 1)[0]
    assert stream in STREAMS, f"{path}: shows {stream!r}, not one of {STREAMS}"
    return Golden(tuple(shlex.split(command.removeprefix(PROMPT))), stream, output)


def shown_by(args: tuple[str, ...], shown: str) -> str:
    """What running ``args`` shows, as the goldens hold it: at 80 columns, from the root."""
    from tests.conftest import invoke

    before = Path.cwd()
    os.chdir(ROOT)  # paths are shown as given: relative to the repository, as in the docs
    try:
        result = invoke(list(args))
    finally:
        os.chdir(before)
    return result.stdout + (result.stderr if shown == "stdout+stderr" else "")


def check_golden(name: str, args: str | list[str], output: str, *, shown: str = "stdout") -> None:
    """``output`` (what ``lstmshape args`` showed) is the golden ``name``'s, and so is ``args``;
    with LSTMSHAPE_UPDATE=1, the file is written."""
    assert shown in STREAMS
    path = GOLDEN / f"{name}.txt"
    made = Golden(tuple(shlex.split(args) if isinstance(args, str) else args), shown, output)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(made.text(), encoding="utf-8")
    stored = read_golden(path)
    assert (stored.args, stored.shown) == (made.args, made.shown), (
        f"{path} was made by another command line: {shlex.join(stored.args)} ({stored.shown}); "
        "rewrite it with LSTMSHAPE_UPDATE=1"
    )
    assert output == stored.output


def golden_files() -> list[Path]:
    """Every golden file, under tests/golden/."""
    return sorted(GOLDEN.rglob("*.txt"))


def regenerate(paths: list[Path]) -> list[Path]:
    """Rewrite each golden from its stored input; the files whose output changed."""
    changed = []
    for path in paths:
        stored = read_golden(path)
        fresh = Golden(stored.args, stored.shown, shown_by(stored.args, stored.shown))
        if fresh != stored:
            path.write_text(fresh.text(), encoding="utf-8")
            changed.append(path)
    return changed


def main() -> int:
    """``python -m tests.golden [FILE...]``: rewrite every golden (or those named) from its input."""
    paths = [Path(arg).resolve() for arg in sys.argv[1:]] or golden_files()
    changed = regenerate(paths)
    for path in changed:
        print(f"rewritten: {path.relative_to(ROOT)}")
    print(f"{len(paths)} golden files, {len(changed)} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
