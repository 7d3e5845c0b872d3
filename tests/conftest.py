"""Shared test fixtures: the CLI runner, the update switch for golden files, Hypothesis profiles."""

from __future__ import annotations

import os
import shlex
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from lstmshape.cli import app

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

# Golden files and the README's shown output are rewritten from the tool with LSTMSHAPE_UPDATE=1.
UPDATE = os.environ.get("LSTMSHAPE_UPDATE") == "1"

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
    return CliResult(result.exit_code, result.stdout, result.stderr, result.output)


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
