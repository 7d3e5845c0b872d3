"""The command line's snapshot: a few thousand argument lists, and what each prints.

``cases()`` makes the argument lists, the same on every run and machine (a seeded random.Random
draws the combinations); ``run(case)`` runs one in-process against ``lstmshape.cli.app``, as a user
runs it, and returns its exit code, stdout and stderr. ``tests/test_cli_snapshot.py`` replays every
case against ``tests/snapshots/cli.jsonl.gz`` byte for byte.

    python tools/cli_snapshot.py             re-record tests/snapshots/cli.jsonl.gz
    python tools/cli_snapshot.py --count     the number of argument lists by command and language
    python tools/cli_snapshot.py --changes [REV]   what a re-record changed since git REV (HEAD),
                                             readable (git shows no diff of a gzip)
    python tools/cli_snapshot.py --out F [--fresh]   record to F instead (--fresh: build the Click
                                             command for each case, as typer.testing does)

Run from anywhere: the cases run with the repository as the working folder, so every path they
print is repository-relative. Left out, because what they print is not the same on every machine
or run: --install-completion/--show-completion (the shell), --export to a file (the file is the
output), --verify and trace beyond a handful (they import torch: time), and trace --deploy.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import gzip
import io
import json
import os
import random
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "tests" / "snapshots" / "cli.jsonl.gz"
FILES = "tests/snapshots/files"
SEED = 20261207

# What every case runs with, as tests/conftest.py runs the command line: no colour, a dumb terminal,
# and a message missing from a catalog an error rather than English.
BASE_ENV = {"NO_COLOR": "1", "TERM": "dumb", "LSTMSHAPE_STRICT_CATALOGS": "1"}
LANGS = ("en", "ja", "fr", "es")
COMMANDS = ("explain", "why", "inspect", "check", "trace")
FAMILIES = ("LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell")
FORMATS = ("table", "json", "markdown", "plain", "code")
RESULT_FORMATS = ("table", "json", "markdown", "plain")  # why, inspect, check, trace

Case = dict[str, Any]


def case(args: list[str], lang: str = "en", columns: int = 80, *, flag: bool = False,
         stdin: str | None = None) -> Case:  # fmt: skip
    """One argument list: the language said by --lang (``flag``) or by LSTMSHAPE_LANG."""
    env = {**BASE_ENV, "COLUMNS": str(columns), "LSTMSHAPE_LANG": "en" if flag else lang}
    argv = [*args, "--lang", lang] if flag else list(args)
    made: Case = {"args": argv, "env": env}
    if stdin is not None:
        made["stdin"] = stdin
    return made


# -- explain ------------------------------------------------------------------------------------

# Each option's bad values: every parse error and every refusal the command line says.
EXPLAIN_BAD = [
    "--input abc --hidden 20",
    "--input 4,3,10,5 --hidden 20",
    "--input 4,,10 --hidden 20",
    "--input 0,3,10 --hidden 20",
    "--input 4,3,0 --hidden 20",
    "--input -4,3,10 --hidden 20",
    "--input '' --hidden 20",
    "--input 4,3,10.5 --hidden 20",
    "--input 4, 3, 10 --hidden 20",
    "--hidden 20 --input 4, 3, 10",
    "--input 4,3,10",
    "--hidden 20",
    "--input 4,3,10 --hidden abc",
    "--input 4,3,10 --hidden 0",
    "--input 4,3,10 --hidden -3",
    "--input 4,3,10 --hidden 2.5",
    "--input 4,3,10 --hidden 20 --module LSTMM",
    "--input 4,3,10 --hidden 20 --module transformer",
    "--input 4,3,10 --hidden 20 --module ''",
    "--input 4,3,10 --hidden 20 --nonlinearity sigmoid",
    "--input 4,3,10 --hidden 20 --nonlinearity relu",
    "--input 4,3,10 --hidden 20 --module GRU --nonlinearity relu",
    "--input 4,3,10 --hidden 20 --layers 0",
    "--input 4,3,10 --hidden 20 --layers abc",
    "--input 4,3,10 --hidden 20 --layers -1",
    "--input 4,3,10 --hidden 20 --layers 1.5",
    "--input 4,3,10 --hidden 20 --proj-size 20",
    "--input 4,3,10 --hidden 20 --proj-size 30",
    "--input 4,3,10 --hidden 20 --proj-size -1",
    "--input 4,3,10 --hidden 20 --proj-size abc",
    "--input 4,3,10 --hidden 20 --proj-size 5 --module GRU",
    "--input 3,10 --hidden 20 --proj-size 5 --module LSTMCell",
    "--input 4,3,10 --hidden 20 --dropout 1.5",
    "--input 4,3,10 --hidden 20 --dropout -0.1",
    "--input 4,3,10 --hidden 20 --dropout abc",
    "--input 4,3,10 --hidden 20 --dropout 0.5",
    "--input 4,3,10 --hidden 20 --dropout 1 --layers 2",
    "--input 4,3,10 --hidden 20 --dropout nan --layers 2",
    "--input 4,3,10 --hidden 20 --input-size 8",
    "--input 4,3,10 --hidden 20 --input-size 0",
    "--input 4,3,10 --hidden 20 --input-size abc",
    "--input 4,3,10 --hidden 20 --h0 2,3,20",
    "--input 4,3,10 --hidden 20 --h0 1,4,20",
    "--input 4,3,10 --hidden 20 --h0 1,3,21",
    "--input 4,3,10 --hidden 20 --h0 3,20",
    "--input 4,3,10 --hidden 20 --h0 abc",
    "--input 4,3,10 --hidden 20 --h0 1,3,20 --c0 1,3,19",
    "--input 4,3,10 --hidden 20 --c0 2,3,20",
    "--input 4,3,10 --hidden 20 --module GRU --c0 1,3,20",
    "--input 4,3,10 --hidden 20 --layers 2 --bidirectional --h0 2,3,20",
    "--input 4,3,10 --hidden 20 --proj-size 5 --h0 1,3,20",
    "--input 4,3,10 --hidden 20 --proj-size 5 --c0 1,3,5",
    "--input 4,3,10 --hidden 20 --batch-first --h0 1,4,20",
    "--input 4,3,10 --hidden 20 --lengths abc",
    "--input 4,3,10 --hidden 20 --lengths 4,3",
    "--input 4,3,10 --hidden 20 --lengths 4,3,2,1",
    "--input 4,3,10 --hidden 20 --lengths 2,4,3",
    "--input 4,3,10 --hidden 20 --lengths 5,3,2",
    "--input 4,3,10 --hidden 20 --lengths 4,3,0",
    "--input 4,3,10 --hidden 20 --lengths 4,3,-1",
    "--input 4,10 --hidden 20 --lengths 4",
    "--input 4,3,10 --hidden 20 --unsorted",
    "--input 3,10 --hidden 20 --module GRUCell --lengths 3,2,1",
    "--input 4,3,10 --hidden 20 --expect output=4,3,21",
    "--input 4,3,10 --hidden 20 --expect h_n=2,3,20",
    "--input 4,3,10 --hidden 20 --expect c_n=1,3,20 --expect h_n=1,3,19",
    "--input 4,3,10 --hidden 20 --expect h_m=1,3,20",
    "--input 4,3,10 --hidden 20 --expect h_n",
    "--input 4,3,10 --hidden 20 --expect h_n=abc",
    "--input 4,3,10 --hidden 20 --expect =1,3,20",
    "--input 4,3,10 --hidden 20 --module GRU --expect c_n=1,3,20",
    "--input 3,10 --hidden 20 --module LSTMCell --expect h_n=3,20",
    "--input 3,10 --hidden 20 --module LSTMCell --expect h_1=3,21",
    "--input 4,3,10 --hidden 20 --dtype float8",
    "--input 4,3,10 --hidden 20 --dtype int64",
    "--input 4,3,10 --hidden 20 --verify-budget lots",
    "--input 4,3,10 --hidden 20 --verify-budget -1MiB",
    "--input 4,3,10 --hidden 20 --format yaml",
    "--input 4,3,10 --hidden 20 --format ''",
    "--input 4,3,10 --hidden 20 --format svg",
    "--input 4,3,10 --hidden 20 --lang de",
    "--input 4,3,10 --hidden 20 --lang ''",
    "--input 4,3,10 --hidden 20 --export picture.png",
    "--input 4,3,10 --hidden 20 --export picture",
    "--input 4,3,10 --hidden 20 --diagram --format json",
    "--input 4,3,10 --hidden 20 --frobnicate",
    "--input 4,3,10 --hidden 20 --hiden 20",
    "--input 4,3,10 --hidden 20 extra",
    "--input 4,3,10 --hidden 20 --hidden",
    "--input",
    "--input 4,3,10 --hidden 20 -x",
    "4,3,10",
    "frobnicate",
    "expalin --input 4,3,10 --hidden 20",
    "--input 4,3,10 --hidden 20 --cost --dtype float8",
    "--input 4,3,10 --hidden 100000000000",
    "--input 100000000000,3,10 --hidden 20",
    "--input 4,3,10 --hidden 20 --layers 100000000000",
    "--input 4,3,10 --hidden 20 --input-size 10 --module RNNCell",
    "--input 4,3,10 --hidden 20 --module RNNCell",
    "--input 4,3,10 --hidden 20 --module LSTMCell --layers 2",
    "--input 4,3,10 --hidden 20 --module GRUCell --bidirectional",
    "--input 4,3,10 --hidden 20 --module RNNCell --batch-first",
    "--input 3,10 --hidden 20 --module LSTMCell --h0 3,20 --c0 2,20",
    "--input 3,10 --hidden 20 --module GRUCell --h0 4,20",
    "--input 10 --hidden 20 --module RNNCell --h0 3,20",
    "--input 10 --hidden 20 --module RNNCell --dropout 0.5",
    "--input 4,10 --hidden 20 --h0 1,3,20",
    "--input 4,10 --hidden 20 --batch-first --h0 1,20",
    "--input 4,3,10 --hidden 20 --deploy --proj-size 5 --layers 2",
    "",
    "-h",
    "--help",
    "--version",
    "explain",
    "explain --help",
    "explain --input 4,3,10",
]

# The sampled space of the explain command: every family with each argument of its own.
SHAPES_RNN = [(4, 3, 10), (1, 1, 1), (7, 2, 5), (50, 32, 128), (3, 0, 10), (100000, 512, 4096)]
HIDDEN = [1, 5, 20, 64, 256, 8192]


def _explain_args(rng: random.Random) -> list[str]:
    family = rng.choice(FAMILIES)
    cell = family.endswith("Cell")
    args = ["--module", rng.choice([family, family.lower(), family.upper()])]
    hidden = rng.choice(HIDDEN)
    shape = list(rng.choice(SHAPES_RNN))
    unbatched = rng.random() < 0.2
    if cell:
        shape = shape[2:] if unbatched else shape[1:]
    elif unbatched:
        shape = [shape[0], shape[2]]
    args += ["--input", _shape(rng, shape), "--hidden", str(hidden)]
    if not cell:
        args += _layer_options(rng, family, hidden, unbatched)
    if family.startswith("RNN") and rng.random() < 0.4:
        args += ["--nonlinearity", rng.choice(["tanh", "relu"])]
    if rng.random() < 0.15:
        args.append("--no-bias")
    if rng.random() < 0.1:
        args += ["--input-size", str(shape[-1])]
    args += _expectations(rng, family, shape, hidden, unbatched)
    args += _outputs(rng)
    return args


def _shape(rng: random.Random, shape: list[int]) -> str:
    style = rng.choice([",", ",", ",", "x", "(", "[", "size"])
    if style == "x":
        return "x".join(map(str, shape))
    if style == "(":
        return "(" + ", ".join(map(str, shape)) + ")"
    if style == "[":
        return "[" + ",".join(map(str, shape)) + "]"
    if style == "size":
        return f"torch.Size([{', '.join(map(str, shape))}])"
    return ",".join(map(str, shape))


def _layer_options(rng: random.Random, family: str, hidden: int, unbatched: bool) -> list[str]:
    args: list[str] = []
    layers = rng.choice([1, 1, 2, 3, 6])
    if layers != 1 or rng.random() < 0.1:
        args += [rng.choice(["--layers", "-l"]), str(layers)]
    if rng.random() < 0.35:
        args.append(rng.choice(["--bidirectional", "-b"]))
    if rng.random() < 0.3:
        args.append("--batch-first")
    if family == "LSTM" and hidden > 1 and rng.random() < 0.3:
        args += ["--proj-size", str(rng.randrange(1, hidden) if hidden < 50 else 5)]
    if rng.random() < 0.2:
        args += ["--dropout", rng.choice(["0", "0.25", "0.5", "1"])]
    if not unbatched and rng.random() < 0.15:
        args += ["--lengths", rng.choice(["4,3,1", "2,5,3", "1", "7,7"])]
        if rng.random() < 0.5:
            args.append("--unsorted")
    return args


def _expectations(rng: random.Random, family: str, shape: list[int], hidden: int,
                  unbatched: bool) -> list[str]:  # fmt: skip
    """A few --expect and --h0/--c0, right or wrong: drawn, so most fail and some pass."""
    args: list[str] = []
    cell = family.endswith("Cell")
    names = (
        ["h_1", "c_1"] if cell and family == "LSTMCell" else ["h_1"] if cell else ["output", "h_n"]
    )
    if family == "LSTM":
        names.append("c_n")
    for _ in range(rng.choice([0, 0, 0, 1, 2])):
        dims = (
            [hidden]
            if cell and unbatched
            else [shape[0], hidden]
            if cell
            else [1, shape[1], hidden]
        )
        if rng.random() < 0.5:
            dims[rng.randrange(len(dims))] += 1
        args += [rng.choice(["--expect", "-e"]), f"{rng.choice(names)}={','.join(map(str, dims))}"]
    if rng.random() < 0.1:
        state = [hidden] if unbatched else [1, shape[1] if not cell else shape[0], hidden]
        if cell and not unbatched:
            state = [shape[0], hidden]
        if rng.random() < 0.5:
            state[0] += 1
        args += [rng.choice(["--h0", "--c0"]), ",".join(map(str, state))]
    return args


def _outputs(rng: random.Random) -> list[str]:
    args: list[str] = []
    if rng.random() < 0.25:
        args.append("--cost")
    if rng.random() < 0.1:
        args += ["--dtype", rng.choice(["float32", "float16", "bfloat16", "float64"])]
    if rng.random() < 0.12:
        args.append("--diagram")
    elif rng.random() < 0.06:
        args.append("--deploy")
    fmt = rng.choice([*FORMATS, "table", "plain"])
    if fmt != "table" or rng.random() < 0.2:
        args += [rng.choice(["--format", "-f"]), rng.choice([fmt, fmt.upper()])]
    return args


def explain_cases(rng: random.Random) -> Iterator[Case]:
    for text in EXPLAIN_BAD:
        args = _split(text)
        for lang in LANGS:
            yield case(args, lang, _columns(rng))
    for index in range(1500):
        args = _explain_args(rng)
        if rng.random() < 0.1:
            args = ["explain", *args]
        yield case(args, rng.choice(LANGS), _columns(rng), flag=index % 3 == 0)
    for family in FAMILIES:  # the explained subcommand and the default, in every format
        for fmt in FORMATS:
            shape = "3,10" if family.endswith("Cell") else "4,3,10"
            for lang in LANGS:
                yield case(
                    ["--module", family, "--input", shape, "--hidden", "20", "-f", fmt], lang
                )


# Proved by torch: a handful, since each imports torch (kept so that the test stays fast).
VERIFY = [
    "--input 4,3,10 --hidden 20 --layers 2 --verify",
    "--input 4,3,10 --hidden 20 --layers 2 --verify --format json",
    "--module GRU --input 3,5,10 --hidden 20 --lengths 4,3,1 --batch-first --verify --format plain",
    "--module LSTMCell --input 3,10 --hidden 20 --verify --format markdown",
    "--input 2000,64,512 --hidden 1024 --proj-size 128 --layers 2 --verify --format plain",
    "--input 4,3,10 --hidden 20 --verify --verify-budget 0",
    "--input 4,3,10 --hidden 20 --verify --expect h_n=2,3,20",
]


def verify_cases() -> Iterator[Case]:
    for index, text in enumerate(VERIFY):
        yield case(_split(text), LANGS[index % len(LANGS)])
        yield case(_split(text), "en", 120)


# -- why ----------------------------------------------------------------------------------------


def pastes() -> list[str]:
    """The texts `why` is run on: the corpus of real pastes, and the texts the why tests paste
    (their string constants that name a torch error), read from the repository's files."""
    corpus = tomllib.loads((ROOT / "tests" / "corpus" / "why_pastes.toml").read_text("utf-8"))
    texts = [paste["text"] for paste in corpus["paste"]]
    for path in sorted((ROOT / "tests").glob("test_why*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and "Error" in text and ("Expected" in text or "size" in text):
                texts.append(text)
    texts.append((ROOT / "examples" / "train.log").read_text("utf-8"))
    texts += [
        "",
        "   ",
        "hello",
        "Traceback (most recent call last):\n  oops",
        "\x1b[31mred\x1b[0m",
    ]
    return list(dict.fromkeys(texts))


WHY_GROUPS = [
    [],
    ["--module", "GRU"],
    ["--module", "LSTM", "--hidden", "256", "--layers", "2"],
    ["--input", "32,8,256", "--batch-first"],
    ["-b", "--no-batch-first"],
    ["--unidirectional", "--proj-size", "5"],
    ["--hidden", "abc"],
    ["--layers", "0"],
    ["--module", "LSTMM"],
    ["--input", "abc"],
    ["--format", "yaml"],
]


def why_cases(rng: random.Random) -> Iterator[Case]:
    texts = pastes()
    for index, text in enumerate(texts):
        fmt = ["--format", RESULT_FORMATS[index % 4]] if index % 4 else []
        yield case(["why", text, *fmt], LANGS[index % 4], _columns(rng))
        yield case(["why", text, *rng.choice(WHY_GROUPS), *fmt], rng.choice(LANGS), _columns(rng),
                   flag=rng.random() < 0.3)  # fmt: skip
    for index in range(240):
        text = rng.choice(texts)
        args = ["why", text, *rng.choice(WHY_GROUPS), "-f", rng.choice(RESULT_FORMATS)]
        yield case(args, rng.choice(LANGS), _columns(rng), flag=index % 2 == 0)
    for lang in LANGS:
        yield case(["why"], lang, stdin=texts[0])
        yield case(["why", "--file", "-"], lang, stdin=texts[1])
        yield case(["why", "--file", "examples/train.log"], lang)
        yield case(["why", "--file", "examples/train.log", "-f", "json"], lang)
        yield case(["why", "--file", "no/such/file.log"], lang)
        yield case(["why", "--file", "examples"], lang)
        yield case(["why", "--file", "examples/seq2seq.pt"], lang)
        yield case(["why", "text", "--file", "examples/train.log"], lang)


# -- inspect ------------------------------------------------------------------------------------


def checkpoints() -> list[str]:
    names = sorted(path.name for path in (ROOT / FILES).iterdir())
    return ["examples/seq2seq.pt", *(f"{FILES}/{name}" for name in names)]


INSPECT_OPTIONS = [
    [],
    ["--hidden", "4"],
    ["--hidden", "5", "--layers", "2", "--bidirectional"],
    ["--module", "GRU", "--hidden", "4"],
    ["--hidden", "4", "--proj-size", "2", "--no-bias", "--input-size", "3"],
    ["--input", "5,2,3"],
    ["--input", "5,2,3", "--batch-first", "--cost"],
    ["--input", "5,2,3", "--h0", "1,2,4", "--c0", "1,2,5"],
    ["--input", "5,2,3", "--lengths", "5,3", "--unsorted"],
    ["--input", "5,2,16", "--dtype", "float16", "--dropout", "0.5"],
    ["--input", "5,2,3", "--nonlinearity", "relu"],
    ["--expect", "hidden_size=4"],
    ["--expect", "lstm.hidden_size=5"],
    ["--expect", "encoder.hidden_size=4", "--expect", "decoder.num_layers=3"],
    ["--input", "5,2,3", "--expect", "h_n=1,2,4"],
    ["--module-name", "encoder"],
    ["--module-name", "decoder", "--input", "5,2,3"],
    ["--module-name", "nowhere"],
    ["--against", f"{FILES}/lstm.pt"],
    ["--against", f"{FILES}/gru.pt"],
    ["--against", "examples/seq2seq.pt"],
    ["--against", "no/such.pt"],
    ["--hidden", "abc"],
    ["--expect", "hidden_size"],
    ["--expect", "x.frob=3"],
    ["--input", "abc"],
    ["--format", "code"],
]


def inspect_cases(rng: random.Random) -> Iterator[Case]:
    files = checkpoints()
    for index, path in enumerate(files):
        for fmt in RESULT_FORMATS:
            yield case(["inspect", path, "-f", fmt], LANGS[index % 4], _columns(rng))
        yield case(["inspect", path], LANGS[(index + 1) % 4], _columns(rng), flag=True)
    for options in INSPECT_OPTIONS:
        for path in rng.sample(files, 4):
            yield case(["inspect", path, *options], rng.choice(LANGS), _columns(rng))
        for lang in LANGS:
            for path in ("examples/seq2seq.pt", f"{FILES}/lstm.pt"):
                yield case(["inspect", path, *options, "-f", rng.choice(RESULT_FORMATS)], lang)
    for lang in LANGS:
        for path in ("no/such.pt", "examples", ""):
            yield case(["inspect", path], lang)
        yield case(["inspect"], lang)


# -- check --------------------------------------------------------------------------------------

SPECS = ["examples/tutorials.toml", "tests/specs/mixed.toml", "tests/specs/bad.toml",
         f"{FILES}/bad_syntax.toml", f"{FILES}/empty.toml", f"{FILES}/not_a_table.toml",
         f"{FILES}/bad_types.toml", f"{FILES}/rules.toml", f"{FILES}/every_key.toml", "no/such.toml", "examples",
         "examples/train.log", "examples/seq2seq.pt"]  # fmt: skip


def check_cases() -> Iterator[Case]:
    for lang in LANGS:
        for spec in SPECS:
            for fmt in RESULT_FORMATS:
                for columns in (80, 120):
                    yield case(["check", spec, "-f", fmt], lang, columns)
        yield case(["check"], lang)
        yield case(["check", "examples/tutorials.toml", "--verify-budget", "lots"], lang)
        yield case(["check", "examples/tutorials.toml", "--format", "code"], lang)
    yield case(["check", "examples/tutorials.toml", "--verify"], "en")
    yield case(["check", "tests/specs/mixed.toml", "--verify", "-f", "json"], "ja")


# -- trace: a handful, since each imports torch and runs a model --------------------------------

TRACE = [
    "trace examples.models:tagger --input 8,5 --input-dtype long --format plain",
    "trace examples.models:tagger --input 8,5 --input-dtype long --expect lstm.h_n=1,8,128",
    "trace examples.models:broken_tagger --input 8,5 --input-dtype long",
    "trace examples.models:seq2seq --input 4,7 --input-dtype long --format json",
    "trace examples.models:nowhere --input 4,7",
    "trace nowhere.models:tagger --input 4,7",
    "trace examples.models:tagger",
    "trace examples.models:tagger --input abc",
    "trace examples.models:tagger --input 8,5 --input-dtype complex7",
    "trace examples.models --input 8,5",
    "trace examples.models:tagger --input 8,5 --budget lots",
]


def trace_cases() -> Iterator[Case]:
    for index, text in enumerate(TRACE):
        yield case(_split(text), LANGS[index % len(LANGS)])


# -- help screens and usage ---------------------------------------------------------------------


def help_cases() -> Iterator[Case]:
    for lang in LANGS:
        for columns in (60, 80, 120):
            for command in ((), *((name,) for name in COMMANDS)):
                yield case([*command, "--help"], lang, columns)
                yield case([*command, "-h"], lang, columns, flag=True)
            yield case([], lang, columns)
        for command in COMMANDS[1:]:
            yield case([command, "--frobnicate"], lang)


# -- the whole set ------------------------------------------------------------------------------


def cases() -> list[Case]:
    """Every argument list of the snapshot, in a fixed order: the same on every run and machine."""
    rng = random.Random(SEED)
    made = [
        *help_cases(),
        *explain_cases(rng),
        *verify_cases(),
        *why_cases(rng),
        *inspect_cases(rng),
        *check_cases(),
        *trace_cases(),
    ]
    once = {json.dumps(c, sort_keys=True): c for c in made}  # a draw may repeat a case
    return list(once.values())


def _columns(rng: random.Random) -> int:
    return rng.choices((80, 120, 60), weights=(50, 40, 10))[0]


def _split(text: str) -> list[str]:
    import shlex

    return shlex.split(text)


def command_of(args: list[str]) -> str:
    """The command an argument list runs: explain unless it names another."""
    return args[0] if args and args[0] in COMMANDS else "explain"


def language_of(made: Case) -> str:
    args = made["args"]
    if "--lang" in args[:-1]:
        return str(args[args.index("--lang") + 1])
    return str(made["env"]["LSTMSHAPE_LANG"])


# -- running ------------------------------------------------------------------------------------


@functools.cache
def _command() -> Any:
    """The app as a Click command, built once: typer.testing.CliRunner builds it again on every
    call (half a case's time), and building it once prints the same (the record was made both ways
    and compared)."""
    import typer.main

    from lstmshape.cli import app

    return typer.main.get_command(app)


def run(made: Case, *, fresh: bool = False) -> dict[str, Any]:
    """Run one argument list in-process, in the repository, as the tests run the command line
    (``fresh``: with the Click command built again for this case, as typer.testing does)."""
    import typer.testing

    from lstmshape.cli import app

    patch = (
        mock.patch.object(typer.testing, "_get_command", return_value=_command())
        if hasattr(typer.testing, "_get_command") and not fresh
        else contextlib.nullcontext()
    )
    runner = typer.testing.CliRunner(env=made["env"])
    with _at_root(), patch:
        result = runner.invoke(app, made["args"], input=made.get("stdin"), prog_name="lstmshape")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is a bug, never a snapshot
    return {**made, "exit_code": result.exit_code, "stdout": result.stdout, "stderr": result.stderr}


@contextlib.contextmanager
def _at_root() -> Iterator[None]:
    before = os.getcwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(before)


class Record(NamedTuple):
    """The snapshot: the versions of the libraries that drew it, and one entry a case."""

    versions: dict[str, str]
    entries: list[dict[str, Any]]


def write(records: list[dict[str, Any]], path: Path = RECORD, *, versions: dict[str, str]) -> None:
    """The record: a first line of versions, then one JSON line a case (args, env, stdin, exit
    code, stdout, stderr), gzipped without a time stamp, so the same output gives the same bytes."""
    lines = [{"versions": versions}, *records]
    text = "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as out:
        out.write(text.encode("utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def read(path: Path = RECORD) -> Record:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        head, *entries = (json.loads(line) for line in lines)
    return Record(head["versions"], entries)


def versions() -> dict[str, str]:
    """What part of the output depends on: Typer and Rich draw the help screens, usage errors and
    tables; torch runs --verify and trace; --deploy says whether the deploy extra is installed.
    The test extra pins each of them."""
    import importlib.metadata
    from importlib.util import find_spec

    found = {name: importlib.metadata.version(name) for name in ("typer", "rich", "torch")}
    deploy = all(find_spec(name) is not None for name in ("onnx", "onnxruntime", "onnxscript"))
    return {**found, "onnx, onnxruntime, onnxscript": "installed" if deploy else "absent"}


def counts(made: list[Case]) -> Counter[tuple[str, str]]:
    return Counter((command_of(c["args"]), language_of(c)) for c in made)


def key(entry: dict[str, Any]) -> str:
    """What makes a case: its arguments, environment and standard input."""
    return json.dumps([entry["args"], entry["env"], entry.get("stdin")], sort_keys=True)


def show_changes(rev: str) -> None:
    """The record's changes since the one at git revision ``rev``, readable (the file is gzipped,
    so git shows no diff of its own): for reviewing a re-record."""
    import difflib
    import subprocess

    blob = subprocess.run(
        ["git", "show", f"{rev}:{RECORD.relative_to(ROOT).as_posix()}"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    head, *entries = json_lines(gzip.decompress(blob).decode("utf-8"))
    before = {key(e): e for e in entries}
    now = read()
    after = {key(e): e for e in now.entries}
    if head["versions"] != now.versions:
        print(f"versions: {head['versions']} -> {now.versions}")
    for made in sorted(before.keys() - after.keys()):
        print(f"removed: {made}")
    for made in sorted(after.keys() - before.keys()):
        print(f"added: {made}")
    for made in sorted(before.keys() & after.keys()):
        old, new = before[made], after[made]
        if old["exit_code"] != new["exit_code"]:
            print(f"{made}\nexit code {old['exit_code']} -> {new['exit_code']}")
        for stream in ("stdout", "stderr"):
            lines = list(
                difflib.unified_diff(
                    old[stream].splitlines(),
                    new[stream].splitlines(),
                    f"{made} {stream}",
                    "",
                    lineterm="",
                )
            )
            if lines:
                print("\n".join(lines))


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def main() -> None:
    os.environ.update({"LSTMSHAPE_LANG": "en", "LSTMSHAPE_STRICT_CATALOGS": "1"})
    sys.path.insert(0, str(ROOT))  # trace imports examples.models from the working folder
    if "--changes" in sys.argv:
        at = sys.argv.index("--changes") + 1
        show_changes(sys.argv[at] if at < len(sys.argv) else "HEAD")
        return
    made = cases()
    if "--count" in sys.argv:
        for (command, lang), number in sorted(counts(made).items()):
            print(f"{command:8} {lang}  {number}")
        print(f"total    {len(made)}")
        return
    path = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else RECORD
    write([run(c, fresh="--fresh" in sys.argv) for c in made], path, versions=versions())
    print(f"wrote {path}: {len(made)} cases, {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
