"""Output that pastes well at 80 (and 60) columns: a fix is code on one line, never cut; a spec
file's table fits the terminal in every language, and its plain text draws no rule; the option
reference says each command's description whole."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from lstmshape.i18n import LANGUAGES
from tests.conftest import invoke
from tests.strategies import torch
from tests.test_why_fixes import torch_error

ROOT = Path(__file__).resolve().parent.parent


@st.composite
def wrong_states(draw: st.DrawFn) -> str:
    """torch's own error for a recurrent layer given a state of the wrong size."""
    module = draw(st.sampled_from(["LSTM", "GRU", "RNN"]))
    hidden, layers = draw(st.integers(1, 300)), draw(st.integers(1, 3))
    bidirectional, batch = draw(st.booleans()), draw(st.integers(1, 64))
    rows = layers * (2 if bidirectional else 1)
    wrong = [rows, batch, hidden]
    axis = draw(st.integers(0, 2))
    wrong[axis] += draw(st.integers(1, 40))
    layer = getattr(torch.nn, module)(3, hidden, num_layers=layers, bidirectional=bidirectional)
    x = torch.zeros(2, batch, 3)
    state = torch.zeros(*wrong)
    states = (state, torch.zeros(rows, batch, hidden)) if module == "LSTM" else state
    text = torch_error(lambda: layer(x, states))
    assert text is not None
    return text


@settings(max_examples=30)
@given(text=wrong_states(), columns=st.sampled_from([80, 60]))
def test_every_fix_of_why_is_one_whole_line(text: str, columns: int) -> None:
    table = invoke(["why", text], columns=columns).stdout
    found = json.loads(invoke(["why", text, "--format", "json"]).stdout)
    fixes = [cause["fix"] for cause in found["causes"]]
    assert fixes
    lines = [line.strip() for line in table.splitlines()]
    for fix in fixes:
        assert f"fix: {fix}" in lines, (fix, table)


SPECS = ["examples/tutorials.toml", "tests/specs/mixed.toml"]


def _widest(text: str) -> int:
    return max(cell_len(line) for line in text.splitlines())


@pytest.mark.usefixtures("at_the_root")
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("spec", SPECS)
@pytest.mark.parametrize("columns", [80, 60, 200])
def test_a_spec_files_table_fits_the_terminal(spec: str, lang: str, columns: int) -> None:
    for fmt in ("table", "plain"):
        result = invoke(f"check {spec} --format {fmt} --lang {lang}", columns=columns)
        assert _widest(result.stdout) <= columns, result.stdout
        assert ("─" in result.stdout) == (fmt == "table" and columns == 200)
        json_out = invoke(f"check {spec} --format json --lang {lang}").stdout
        for entry in json.loads(json_out)["entries"]:
            assert entry["name"] in result.stdout
        # A shape is never cut across lines.
        for shape in re.findall(r"\(\d+(?:, \d+)*\)", invoke(f"check {spec}", columns=300).stdout):
            assert shape in result.stdout


def test_the_option_reference_says_each_command_whole() -> None:
    """Each command's description in docs/options.md is its help's first paragraph, whole (a
    docstring wraps a sentence over lines: the reference once stopped at the first line)."""
    import typer.main

    from lstmshape.cli.app import app

    group: Any = typer.main.get_command(app)
    reference = (ROOT / "docs" / "options.md").read_text(encoding="utf-8")
    said = dict(re.findall(r"^## `([^`]+)`\n\n(.*)\n", reference, re.MULTILINE))
    commands = {"lstmshape": group, **{f"lstmshape {n}": c for n, c in group.commands.items()}}
    del commands["lstmshape explain"]  # the bare form by name: said once
    for usage, command in commands.items():
        paragraph = " ".join(command.help.strip().split("\n\n")[0].split())
        assert said[usage] == paragraph


@st.composite
def packed_arguments(draw: st.DrawFn) -> list[str]:
    """A packed input of any module of the family, as the command line takes it."""
    module = draw(st.sampled_from(["LSTM", "GRU", "RNN"]))
    batch, steps = draw(st.integers(1, 6)), draw(st.integers(1, 30))
    lengths = sorted((draw(st.integers(1, steps)) for _ in range(batch)), reverse=True)
    lengths[0] = steps
    hidden = draw(st.integers(2, 4096))
    args = ["--module", module, "--input", f"{steps},{batch},{draw(st.integers(1, 4096))}"]
    args += ["--hidden", str(hidden), "--layers", str(draw(st.integers(1, 12)))]
    args += ["--lengths", ",".join(map(str, lengths))]
    if draw(st.booleans()):
        args.append("--bidirectional")
    if module == "LSTM" and draw(st.booleans()):
        args += ["--proj-size", str(draw(st.integers(1, hidden - 1)))]
    return args


@settings(max_examples=40)
@given(args=packed_arguments())
def test_the_packed_tables_keep_every_word_whole_at_80_columns(args: list[str]) -> None:
    # The meaning column was ten columns wide beside the packed names and formulas: "zero-padde"
    # over "d", "batch_size" over "s". The formulas now wrap at their spaces first.
    table = invoke(args, columns=80).stdout
    report = json.loads(invoke([*args, "--format", "json"]).stdout)
    assert _widest(table) <= 80, table
    words = {word for tensor in report["tensors"].values() for word in tensor["meaning"].split()}
    tokens = set(table.split())
    assert words <= tokens, (sorted(words - tokens), table)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "args",
    [
        "--input 4,3,10 --hidden 20 --layers 2",
        "--input 5,3,10 --hidden 20 --lengths 5,3,2 --bidirectional",
        "--module GRU --input 100000,512,4096 --hidden 8192 --layers 4 --bidirectional",
    ],
)
def test_the_tables_fit_80_columns_in_every_language(lang: str, args: str) -> None:
    # A column of words kept wide enough for its longest word must not push the table past the
    # terminal: Japanese has no spaces, so only its ASCII runs are words.
    table = invoke(f"{args} --lang {lang}", columns=80).stdout
    report = json.loads(invoke(f"{args} --lang {lang} --format json").stdout)
    assert _widest(table) <= 80, table
    # Nothing cut at the right edge: every character of every meaning is drawn somewhere.
    meanings = Counter("".join(t["meaning"] for t in report["tensors"].values()).replace(" ", ""))
    assert not meanings - Counter(table), (meanings - Counter(table), table)
