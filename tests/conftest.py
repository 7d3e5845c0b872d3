"""Shared test fixtures: the CLI runner, the golden mark, Hypothesis profiles."""

from __future__ import annotations

import functools
import json
import os
import shlex
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

import lstmshape
from lstmshape.cli import app
from tests.golden import UPDATE as GOLDEN_UPDATE

# Derandomized: the same examples on every run, so the suite is deterministic. CI (CI=true) draws more.
settings.register_profile(
    "default",
    derandomize=True,
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", parent=settings.get_profile("default"), max_examples=600)
settings.load_profile("ci" if os.environ.get("CI") else "default")

# Golden files and the docs' shown output are rewritten from the tool with LSTMSHAPE_UPDATE=1
# (tests/golden.py says how).
UPDATE = GOLDEN_UPDATE
# English unless a test asks for another language, whatever the machine's locale; and a message
# missing from a catalog is an error, never English in its place.
os.environ["LSTMSHAPE_LANG"] = "en"
os.environ["LSTMSHAPE_STRICT_CATALOGS"] = "1"

# Rendered output is compared at a fixed width with no colour, whatever the terminal.
CLI_ENV = {"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str
    output: str


def invoke(args: str | list[str], columns: int = 80, stdin: bytes | None = None) -> CliResult:
    """Run the lstmshape command line in-process: invoke("--input 4,3,10 --hidden 20")."""
    argv = shlex.split(args) if isinstance(args, str) else args
    env = {**CLI_ENV, "COLUMNS": str(columns)}
    result = CliRunner(env=env).invoke(app, argv, input=stdin, prog_name="lstmshape")
    # A user's mistake must never surface as an exception (a traceback in the real CLI).
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if _asks_for_json(argv) and result.stdout.strip():
        validate_json(json.loads(result.stdout), _command(argv))
    return CliResult(result.exit_code, result.stdout, result.stderr, result.output)


def _asks_for_json(argv: list[str]) -> bool:
    pairs = zip(argv, [*argv[1:], ""], strict=False)
    return any(a in ("--format", "-f") and b.lower() == "json" for a, b in pairs) or any(
        a.lower() in ("--format=json", "-fjson") for a in argv
    )


def _command(argv: list[str]) -> str:
    return argv[0] if argv and argv[0] in ("check", "trace", "why", "inspect") else "explain"


SCHEMAS = Path(lstmshape.__file__).parent / "schemas"


@functools.cache
def _validators() -> dict[str, Any]:
    """Each shipped schema's validator, every schema known to each (check and trace refer to the
    report's and the error's)."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    schemas = {path.stem: json.loads(path.read_text()) for path in SCHEMAS.glob("*.json")}
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)
    return {
        name: Draft202012Validator(schema, registry=registry) for name, schema in schemas.items()
    }


def validate_json(data: Any, command: str = "explain") -> None:
    """Hold a JSON document to the schema of the command that printed it (lstmshape/schemas):
    explain's report, or its failure document; check's; trace's."""
    name = command
    if command == "explain":
        name = "error" if "error" in data else "report"
    _validators()[name].validate(data)


@pytest.fixture
def run() -> Callable[..., CliResult]:
    """The command line, as a fixture: run("--input 4,3,10 --hidden 20")."""
    return invoke


def import_torch():  # type: ignore[no-untyped-def]
    """torch, imported without its NumPy notice (the tests never need NumPy)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import torch
    return torch


@pytest.fixture
def at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """The repository as the working folder: examples' paths are shown as given, as in the docs."""
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)


@pytest.fixture
def user_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder of the user's own modules, the working folder; forgotten by Python after."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        if name.startswith("usermodels"):
            del sys.modules[name]


def unwrapped(text: str) -> str:
    """Text the tool wrapped to the terminal's width (lstmshape.i18n.lines: the continuation of a
    line is indented four columns) back to one line per sentence: for the tests that hold a
    message's words; tests/test_layout.py holds the layout."""
    from rich.cells import cell_len

    from lstmshape.i18n.text import WIDE_CLOSING

    lines: list[str] = []
    for line in text.split("\n"):
        if line.startswith("    ") and lines:
            rest = line.strip()
            # Japanese breaks between two of its characters, and after its closing marks
            # (、 and 。) before ASCII, with no space; every other break was a space.
            before = lines[-1][-1:]
            joined = cell_len(before) == 2 and (cell_len(rest[:1]) == 2 or before in WIDE_CLOSING)
            lines[-1] += ("" if joined else " ") + rest
        else:
            lines.append(line)
    return "\n".join(lines)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "golden: keeps a golden file or shown output (LSTMSHAPE_UPDATE=1 python -m pytest -m golden "
        "rewrites them all; tests/golden.py)",
    )
