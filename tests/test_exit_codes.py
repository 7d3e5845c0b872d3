"""One exit-code rule (lstmshape.errors.exit_status) and every command held to it.

The rule: 0 fine; 1 a valid question with a negative answer; 2 an unreadable value or file, or a
module torch would refuse. Each error class holds its status; ``exit_status`` maps the errors a run
found to the process's code, and every command returns its answer, over a sample of the CLI
snapshot's argument lists (every command, English): the code a command exits with is the one the
rule gave for the errors it said, or a case the rule has no errors for (a help screen, Click's
usage error, a pasted text with nothing to explain), each named below.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lstmshape
from lstmshape.errors import ExitStatus, LstmShapeError, exit_status
from tools.cli_snapshot import command_of, read, run

CLI_MODULES = ("check", "explain", "group", "inspect", "trace", "why")
SAMPLE_EVERY = 3  # of the snapshot's English argument lists


def error_classes() -> list[type[LstmShapeError]]:
    """Every LstmShapeError subclass lstmshape defines (its modules imported to find them)."""
    for module in pkgutil.walk_packages(lstmshape.__path__, "lstmshape."):
        if module.name != "lstmshape.__main__":
            importlib.import_module(module.name)

    def below(cls: type[LstmShapeError]) -> Iterator[type[LstmShapeError]]:
        yield cls
        for sub in cls.__subclasses__():
            yield from below(sub)

    return sorted(set(below(LstmShapeError)), key=lambda cls: cls.__qualname__)


def test_every_error_class_says_its_status_by_the_rule() -> None:
    classes = error_classes()
    assert len(classes) >= 15
    for cls in classes:
        assert cls.exit_code in (ExitStatus.NEGATIVE, ExitStatus.UNREADABLE), cls
    # The rule's own words: a tensor that does not fit is a negative answer; a value that cannot be
    # read or a module torch refuses is not a question at all.
    by_name = {cls.__name__: ExitStatus(cls.exit_code) for cls in classes}
    assert by_name["TensorMismatchError"] == ExitStatus.NEGATIVE
    assert by_name["ExpectationError"] == ExitStatus.NEGATIVE
    assert by_name["UnreadableValueError"] == ExitStatus.UNREADABLE
    assert by_name["InvalidModuleError"] == ExitStatus.UNREADABLE
    assert by_name["CheckpointError"] == ExitStatus.UNREADABLE


@given(st.lists(st.sampled_from(error_classes())))
def test_the_status_of_a_run_is_its_gravest_error(classes: list[type[LstmShapeError]]) -> None:
    errors = [cls.__new__(cls) for cls in classes]
    want = max((cls.exit_code for cls in classes), default=0)
    assert exit_status(errors) == want
    assert exit_status(iter(errors)) == want  # a generator, as the commands pass


def sample() -> list[dict[str, Any]]:
    entries = [e for e in read().entries if e["env"]["LSTMSHAPE_LANG"] == "en"]
    return entries[::SAMPLE_EVERY]


class Spy:
    """exit_status as each command module sees it, recording every answer it gave."""

    def __init__(self) -> None:
        self.answers: list[tuple[list[LstmShapeError], ExitStatus]] = []
        self.usage_errors = 0

    def __call__(self, errors: Iterable[LstmShapeError] = ()) -> ExitStatus:
        found = list(errors)
        answer = exit_status(found)
        self.answers.append((found, answer))
        return answer


def ruled(made: dict[str, Any]) -> tuple[dict[str, Any], Spy]:
    spy = Spy()
    patches = [
        mock.patch(f"lstmshape.cli.{name}.exit_status", spy)
        for name in CLI_MODULES
        if hasattr(importlib.import_module(f"lstmshape.cli.{name}"), "exit_status")
    ]
    said = importlib.import_module("lstmshape.cli.group")._say_usage_error

    def usage_error(error: Any) -> None:
        spy.usage_errors += 1
        said(error)

    patches.append(mock.patch("lstmshape.cli.group._say_usage_error", usage_error))
    for patch in patches:
        patch.start()
    try:
        return run(made), spy
    finally:
        for patch in patches:
            patch.stop()


def without_errors(args: list[str], done: dict[str, Any], spy: Spy) -> str | None:
    """The cases the rule has no errors for, by what the run printed; None for any other."""
    code, err = done["exit_code"], done["stderr"]
    if code == ExitStatus.UNREADABLE and spy.usage_errors:
        return "usage"  # Click's usage error, said by lstmshape: a value that cannot be read
    if code == 0 and {"--help", "-h", "--version", "--show-completion"} & set(args):
        return "help"
    if code == ExitStatus.UNREADABLE and "Usage:" in err:
        return "usage"  # the short help of a bare lstmshape
    if command_of(args) == "why" and code == ExitStatus.NEGATIVE and not done["stdout"].strip():
        return "nothing to explain"  # no sentence of torch's, or only layers why leaves alone
    if (
        command_of(args) == "why"
        and code == ExitStatus.NEGATIVE
        and '"recognised": false' in done["stdout"]
    ):
        return "nothing to explain"
    return None


def test_every_command_exits_with_the_rules_answer() -> None:
    kinds: Counter[tuple[str, object]] = Counter()
    for entry in sample():
        made = {key: entry[key] for key in ("args", "env", "stdin") if key in entry}
        done, spy = ruled(made)
        assert done["exit_code"] == entry["exit_code"], entry["args"]
        if spy.answers:
            errors, answer = spy.answers[-1]
            assert done["exit_code"] == answer, entry["args"]
            # The errors the rule was given are the ones the run said, on stderr.
            assert (answer == ExitStatus.FINE) == (not errors), entry["args"]
            kind: object = int(answer)
        else:
            kind = without_errors(entry["args"], done, spy)
            assert kind is not None, (entry["args"], done["exit_code"], done["stderr"][:300])
        kinds[command_of(entry["args"]), kind] += 1
    # The sample reaches every command and every status.
    assert {command for command, _ in kinds} >= {"explain", "why", "inspect", "check", "trace"}
    assert {kind for _, kind in kinds} >= {0, 1, 2, "usage", "help", "nothing to explain"}


@pytest.mark.parametrize("name", CLI_MODULES)
def test_no_command_computes_its_code_apart(name: str) -> None:
    """The code is the rule's: no command module reads an error's exit_code itself."""
    text = Path(importlib.import_module(f"lstmshape.cli.{name}").__file__ or "").read_text("utf-8")
    assert ".exit_code" not in text
    assert "return 1\n" not in text
    assert "return 2\n" not in text
