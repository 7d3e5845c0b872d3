"""The module's arguments are declared once (lstmshape/torchfacts/arguments.py): every place an
argument is presented is read here and held to its row, nothing written by hand again.

The places: every command's options (Click's own view of the app), the defaults each --help shows,
the spec file's keys, the voices' fixes (command line, spec file, Python), explain()'s keywords,
ModuleSpec's fields, why's Given, the kinds' argument lists, inspect's --expect, the JSON schema;
and torch itself, for the defaults and which class takes what. Then the issue's "done when": a new
row, added to a copy of the package, shows up in every command, the spec file, --help and a fix.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from lstmshape.cli.app import app
from lstmshape.cli.arguments import COMPARE, EXPLAIN, members
from lstmshape.cli.voice import COMMAND_LINE
from lstmshape.commands.check.keys import KEYS, did_you_mean, read_value, takes
from lstmshape.commands.check.voice import SpecVoice
from lstmshape.commands.explain import explain
from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.i18n.words import PYTHON, Change
from lstmshape.torchfacts.arguments import (
    ARGUMENTS,
    CONSTRUCTOR,
    DEFAULTS,
    FROM_INPUT,
    REQUIRED,
    Argument,
)
from lstmshape.torchfacts.kinds import ALL_ARGUMENTS, KINDS
from lstmshape.torchfacts.spec import ModuleSpec
from tests.conftest import import_torch, invoke

ROOT = Path(__file__).resolve().parent.parent
GROUP: Any = typer.main.get_command(app)
# Each command that takes the module's arguments, and the groups (cli/arguments.py) it shows.
COMMANDS = {
    "lstmshape": (GROUP, ("explain",)),
    "lstmshape explain": (GROUP.commands["explain"], ("explain",)),
    "lstmshape inspect": (GROUP.commands["inspect"], ("compare", "inspect")),
    "lstmshape why": (GROUP.commands["why"], ("known",)),
}
PANELS = {"explain": None, "compare": COMPARE, "inspect": EXPLAIN, "known": None}
HELPS = {
    "explain": lambda a: a.help,
    "compare": lambda a: a.compare_help,
    "inspect": lambda a: a.inspect_help,
    "known": lambda a: a.known_help,
}
FLAGS = {a.flag for a in ARGUMENTS}


def _said(template: str, argument: Argument) -> str:
    return template.replace("{default}", argument.shown_default)


def _params(command: Any) -> dict[str, Any]:
    return {param.name: param for param in command.params}


@pytest.mark.parametrize("usage", COMMANDS)
def test_every_commands_options_are_the_records_rows(usage: str) -> None:
    command, groups = COMMANDS[usage]
    params = _params(command)
    shown = set()
    for group in groups:
        for argument in members(group):
            param = params[argument.name]
            shown.add(argument.name)
            short = [argument.short] if argument.short else []
            assert param.opts == [argument.flag, *short], (usage, argument.name)
            if argument.switch is not None and group == "known":
                assert param.secondary_opts == [argument.off_flag]
                assert param.default is None
            elif argument.switch is not None:
                assert param.is_flag
                assert param.default is False
            else:
                assert param.metavar == argument.metavar
            assert param.help == _said(HELPS[group](argument), argument)
            assert getattr(param, "rich_help_panel", None) == PANELS[group]
    # No option of the command sets a module's argument but through its row.
    for param in command.params:
        names = set(getattr(param, "opts", ())) | set(getattr(param, "secondary_opts", ()))
        if names & FLAGS:
            assert param.name in shown, (usage, param.name)


def test_every_row_is_in_the_main_commands_group_and_each_group_keeps_the_rows_order() -> None:
    assert members("explain") == ARGUMENTS
    for group in ("compare", "inspect", "known"):
        order = [a.name for a in members(group)]
        assert order == [a.name for a in ARGUMENTS if a.name in order]
    # inspect's two groups are the arguments the weights fix and those they do not.
    assert {a.name for a in members("compare")} == {a.name for a in ARGUMENTS if a.in_weights}
    assert {a.name for a in members("inspect")} == {
        a.name for a in ARGUMENTS if not a.in_weights and a.constructor
    }


@pytest.mark.parametrize("usage", COMMANDS)
def test_every_help_screen_shows_each_rows_default(usage: str) -> None:
    command, groups = COMMANDS[usage]
    args = [*usage.split()[1:], "--help"]
    screen = " ".join(invoke(args, columns=400).stdout.split())
    for group in groups:
        for argument in members(group):
            said = " ".join(_said(HELPS[group](argument), argument).split())
            assert said in screen, (usage, argument.name)
            if "{default}" in HELPS[group](argument):
                assert f"[default: {argument.shown_default}]" in said
    if usage in ("lstmshape", "lstmshape explain"):
        module = _params(command)["module"]
        assert module.default == "LSTM"
        assert "[default: LSTM]" in screen


def test_the_spec_files_keys_are_the_rows() -> None:
    keys = list(KEYS)
    rows = [a.name for a in ARGUMENTS]
    assert keys[1 : 1 + len(rows)] == rows  # after the input, in --help's order
    samples = {int: 3, float: 0.5, bool: True, str: "tanh"}
    for argument in ARGUMENTS:
        assert takes(argument.name) == argument.takes
        assert read_value(argument.name, samples[argument.type]) == samples[argument.type]
        with pytest.raises(ValueError, match="is not"):
            read_value(argument.name, [])
        # A key written as the command line's option (hidden, layers, no_bias) is the row's.
        assert did_you_mean(argument.flag.lstrip("-").replace("-", "_")) == argument.name


def test_the_spec_file_page_lists_every_key_in_the_readers_order() -> None:
    page = (ROOT / "docs" / "check.md").read_text(encoding="utf-8")
    paragraph = page[page.index("Keys: ") : page.index("(any tensor name")]
    listed = re.findall(r"`([a-z_0-9]+)`", paragraph)
    assert [key for key in listed if key != "check"] == [*KEYS, "expect"]


def test_the_voices_say_each_row_as_its_front_end_writes_it() -> None:
    spec = SpecVoice(COMMAND_LINE, (*KEYS, "expect"))
    for argument in ARGUMENTS:
        value = argument.example
        said = COMMAND_LINE.change(Change(argument.name, value))
        if argument.switch is None:
            assert COMMAND_LINE.arg(argument.name) == argument.flag
            assert said == f"{argument.flag} {value}"
        else:
            assert said == argument.flag if value == argument.switch else "without"
        toml = str(value).lower() if isinstance(value, bool) else value
        toml = f'"{toml}"' if isinstance(value, str) else toml
        assert spec.change(Change(argument.name, value)) == f"{argument.name} = {toml}"
        assert PYTHON.change(Change(argument.name, value)) == f"{argument.name}={value!r}"


def test_the_librarys_keywords_and_fields_are_the_rows() -> None:
    constructor = [a.name for a in CONSTRUCTOR]
    keywords = inspect.signature(explain).parameters
    assert set(constructor) | {"module"} <= set(keywords)
    assert keywords["module"].default.name == "LSTM"
    fields = {f.name: f for f in dataclasses.fields(ModuleSpec)}
    assert set(fields) == set(constructor) | {"kind"}
    for argument in CONSTRUCTOR:
        if argument.default in (REQUIRED, FROM_INPUT):
            assert fields[argument.name].default is dataclasses.MISSING
        else:
            assert fields[argument.name].default == argument.default
            assert isinstance(argument.default, argument.type)
    known = {a.name for a in ARGUMENTS if a.known_help}
    assert known <= set(Given._fields)
    assert set(Given._fields) - known == {"input", "seen"}
    assert tuple(constructor) == ALL_ARGUMENTS
    assert {n: f.default for n, f in fields.items() if n in DEFAULTS} == DEFAULTS


def test_inspects_expect_names_the_arguments_the_weights_fix() -> None:
    from lstmshape.commands.inspect.weights.expect import ARGUMENTS as EXPECTED

    assert set(EXPECTED) == {a.name for a in ARGUMENTS if a.in_weights}
    help_text = _params(GROUP.commands["inspect"])["expect"].help
    listed = re.search(r"ARG is ([^)]*)\)", help_text)
    assert listed is not None
    assert re.split(r", | or ", listed[1]) == list(EXPECTED)


def test_the_json_schemas_list_the_rows_where_they_list_arguments() -> None:
    schemas = ROOT / "lstmshape" / "schemas"
    report = json.loads((schemas / "report.json").read_text(encoding="utf-8"))["properties"]
    config = report["config"]["properties"]
    assert set(config) == {a.name for a in CONSTRUCTOR}
    kinds = {"size": int, "boolean": bool, "number": float, "enum": str}
    for argument in CONSTRUCTOR:
        said = config[argument.name]
        kind = "size" if "$ref" in said else "enum" if "enum" in said else said["type"]
        assert kinds[kind] is argument.type, argument.name
    assert report["module"]["enum"] == list(KINDS)
    why = json.loads((schemas / "why.json").read_text(encoding="utf-8"))
    told = set(why["$defs"]["configuration"]["properties"]) - {"call", "unknown", "min_layers"}
    assert told == {a.name for a in ARGUMENTS if a.in_weights}


def test_torch_takes_exactly_each_kinds_rows_at_the_rows_defaults() -> None:
    torch = import_torch()
    for kind in KINDS.values():
        module = getattr(torch.nn, kind.name)(3, 4)
        for argument in CONSTRUCTOR:
            if argument.name in kind.arguments and not argument.required:
                if argument.default != FROM_INPUT:
                    assert getattr(module, argument.name) == argument.default, kind.name
            elif argument.name not in kind.arguments:
                with pytest.raises((TypeError, ValueError)):
                    getattr(torch.nn, kind.name)(3, 4, **{argument.name: argument.example})
        if kind.is_cell:
            signature = list(inspect.signature(type(module).__init__).parameters)[1:]
            assert tuple(signature[: len(kind.arguments)]) == kind.arguments


# The value each row's fix proposes, typed where the row is said: a fix is a claim, so it is applied.
NUMBERS = [a for a in ARGUMENTS if a.type in (int, float)]
BASE = "--input 4,3,10 --hidden 20"


@pytest.mark.parametrize("argument", NUMBERS, ids=[a.name for a in NUMBERS])
def test_an_unreadable_value_gets_the_rows_example_in_every_command(argument: Argument) -> None:
    fix = f"Try {argument.flag} {argument.example}."
    base = "--input 4,3,10" if argument.name == "hidden_size" else BASE
    explained = invoke(f"{base} {argument.flag} abc")
    assert explained.exit_code == 2
    assert explained.stderr.splitlines()[-1] == f"  {fix}"
    followed = invoke(f"{base} {argument.flag} {argument.example}")
    assert followed.exit_code == 0, followed.stderr
    if argument.known_help:
        text = "RuntimeError: Expected hidden[0] size (4, 3, 20), got [2, 3, 20]"
        asked = invoke(["why", text, argument.flag, "abc"])
        assert asked.exit_code == 2
        assert asked.stderr.splitlines()[-1] == f"  {fix}"
        assert invoke(["why", text, argument.flag, str(argument.example)]).exit_code == 0


def test_layers_abc_gets_one_fix_from_explain_and_why() -> None:
    """The issue's example: the two commands proposed 2 and 20."""
    text = "RuntimeError: Expected hidden[0] size (4, 3, 20), got [2, 3, 20]"
    assert invoke(f"{BASE} --layers abc").stderr.endswith("  Try --layers 2.\n")
    assert invoke(["why", text, "--layers", "abc"]).stderr.endswith("  Try --layers 2.\n")


# --- the "done when": one row added, seen everywhere --------------------------------

NEW_ROW = """
    Argument(
        name="zoneout",
        type=float,
        default=0.0,
        example=0.1,
        flag="--zoneout",
        metavar="FLOAT",
        help="zoneout between steps, in [0, 1]. [default: {default}]",
        takes="a number in [0, 1]",
        position=9,
        cell_position=None,
        refused=9,
        in_weights=False,
        inspect_help="zoneout (not in the weights). [default: {default}]",
        known_help="zoneout, if you know it.",
    ),
"""

PROBE = """
import json
import typer.main
from typer.testing import CliRunner
from lstmshape.cli.app import app
from lstmshape.cli.voice import COMMAND_LINE
from lstmshape.commands.check.keys import KEYS, read_value
from lstmshape.commands.check.voice import SpecVoice
from lstmshape.i18n.words import Change
from lstmshape.torchfacts.kinds import KINDS

group = typer.main.get_command(app)
commands = {"": group, **group.commands}
runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})
said = {
    "options": {
        name: [p.opts for p in command.params if "--zoneout" in getattr(p, "opts", ())]
        for name, command in commands.items()
    },
    "help": {
        name: runner.invoke(app, [name, "--help"] if name else ["--help"]).stdout
        for name in ("", "explain", "inspect", "why")
    },
    "keys": "zoneout" in KEYS and read_value("zoneout", 0.5) == 0.5,
    "lstm_takes": "zoneout" in KINDS["LSTM"].arguments,
    "fix": runner.invoke(app, ["--input", "4,3,10", "--hidden", "20", "--zoneout", "x"]).stderr,
    "why_fix": runner.invoke(
        app, ["why", "Expected hidden[0] size (4, 3, 20), got [2, 3, 20]", "--zoneout", "x"]
    ).stderr,
    "spec_fix": SpecVoice(COMMAND_LINE, tuple(KEYS)).change(Change("zoneout", 0.1)),
}
print(json.dumps(said))
"""


def test_a_new_argument_added_in_one_place_is_in_every_command_key_help_and_fix(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "lstmshape"
    shutil.copytree(ROOT / "lstmshape", copy, ignore=shutil.ignore_patterns("__pycache__"))
    record = copy / "torchfacts" / "arguments.py"
    source = record.read_text(encoding="utf-8")
    end = source.index("\n)\n\nBY_NAME")
    record.write_text(source[:end] + NEW_ROW[:-1] + source[end:])
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "LSTMSHAPE_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert said["options"] == {
        "": [["--zoneout"]],
        "explain": [["--zoneout"]],
        "check": [],
        "inspect": [["--zoneout"]],
        "why": [["--zoneout"]],
        "trace": [],
    }
    assert "zoneout between steps, in [0, 1]. [default: 0]" in said["help"][""]
    assert "zoneout between steps, in [0, 1]. [default: 0]" in said["help"]["explain"]
    assert "zoneout (not in the weights). [default: 0]" in said["help"]["inspect"]
    assert "zoneout, if you know it." in said["help"]["why"]
    assert said["keys"]
    assert said["lstm_takes"]
    assert said["fix"].endswith("--zoneout takes a number such as 0.1.\n  Try --zoneout 0.1.\n")
    assert said["why_fix"].endswith("  Try --zoneout 0.1.\n")
    assert said["spec_fix"] == "zoneout = 0.1"
