"""Spec files for CI (``lstmshape check SPEC.toml``): many named modules, each checked like one run.

A spec file is TOML; each table is one named entry, with explain()'s arguments under torch's names
and the expected shapes under ``expect``::

    [encoder]
    module = "LSTM"          # or GRU, RNN, LSTMCell, GRUCell, RNNCell; LSTM if left out
    input = [4, 3, 10]       # or "4,3,10"
    hidden_size = 20
    num_layers = 2
    bidirectional = true
    expect = { output = [4, 3, 40], h_n = [4, 3, 20] }

Reading is strict: every problem of the file (syntax, an unknown key, a missing field, a value of the
wrong type) is collected with the file, the entry and the key, and reported at once.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lstmshape.errors import InvalidModuleError, LstmShapeError, UnreadableValueError
from lstmshape.kinds import LSTM, ModuleKind
from lstmshape.parsing import parse_module, parse_shape
from lstmshape.report import JSONDict, Report
from lstmshape.shapes import explain
from lstmshape.spec import cell_argument_error

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover (Python 3.10)
    import tomli as tomllib


class SpecFileError(UnreadableValueError):
    """A spec file that cannot be read: each problem names the file, the entry and the key."""


# Each key an entry may have, with what it takes (for the messages) and a reader that returns the
# value or raises ValueError with what is wrong.
def _shape(value: Any) -> tuple[int, ...]:
    if isinstance(value, str):
        try:
            return parse_shape(value, "shape")
        except UnreadableValueError as error:
            raise ValueError(error.message.removeprefix("shape ").rstrip(".")) from None
    if isinstance(value, list) and value and all(_is_int(v) and v >= 0 for v in value):
        return tuple(value)
    if value == []:
        raise ValueError("[] is an empty shape")
    raise ValueError(f"{value!r} is not a shape")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(value: Any) -> int:
    if _is_int(value):
        return int(value)
    raise ValueError(f"{value!r} is not a whole number")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"{value!r} is not true or false")


def _float(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"{value!r} is not a number")


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(f"{value!r} is not a string")


_KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "module": ("LSTM, GRU, RNN, LSTMCell, GRUCell or RNNCell", _str),
    "input": ('a shape such as [4, 3, 10] or "4,3,10"', _shape),
    "hidden_size": ("a whole number", _int),
    "input_size": ("a whole number", _int),
    "num_layers": ("a whole number", _int),
    "bias": ("true or false", _bool),
    "batch_first": ("true or false", _bool),
    "dropout": ("a number in [0, 1]", _float),
    "bidirectional": ("true or false", _bool),
    "proj_size": ("a whole number", _int),
    "nonlinearity": ('"tanh" or "relu"', _str),
    "h_0": ("a shape", _shape),
    "c_0": ("a shape", _shape),
    "lengths": ("a list of lengths such as [5, 3, 2]", _shape),
    "enforce_sorted": ("true or false", _bool),
}
_REQUIRED = ("input", "hidden_size")
# What people write out of habit (the command line's options), and the key they mean.
_ALIASES = {
    "hidden": "hidden_size",
    "layers": "num_layers",
    "h0": "h_0",
    "c0": "c_0",
    "expected": "expect",
    "shape": "input",
    "input_shape": "input",
}


@dataclass(frozen=True)
class Entry:
    """One named module of a spec file, as explain() takes it."""

    name: str
    arguments: dict[str, Any]
    expect: tuple[tuple[str, tuple[int, ...]], ...] = ()


@dataclass(frozen=True)
class Outcome:
    """An entry checked: its report (None if it could not be explained) and what failed."""

    entry: Entry
    report: Report | None
    errors: tuple[LstmShapeError, ...] = field(default=())

    @property
    def result(self) -> str:
        """``pass``; ``fail`` (a tensor does not fit, a shape differs, torch disagrees); or
        ``invalid`` (torch would refuse to build the module)."""
        if not self.errors:
            return "pass"
        return "invalid" if max(e.exit_code for e in self.errors) == 2 else "fail"

    def error_lines(self, error: LstmShapeError) -> list[str]:
        """An error as the spec file's user reads it: the entry's name first, and the "Try" line
        in the file's keys (``hidden_size = 20``) rather than the command line's options."""
        first, *rest = error.lines()
        return [f"[{self.entry.name}] {first}", *(in_spec_words(line) for line in rest)]

    def to_dict(self) -> JSONDict:
        """JSON view of one entry."""
        return {
            "name": self.entry.name,
            "result": self.result,
            "errors": ["\n".join(self.error_lines(e)) for e in self.errors],
            "report": None if self.report is None else self.report.to_dict(),
        }


def read_spec(path: Path) -> list[Entry]:
    """Read and validate a spec file; raise :class:`SpecFileError` listing every problem."""
    try:
        text = path.read_bytes().decode("utf-8-sig")  # TOML is UTF-8; a BOM is tolerated
    except UnicodeDecodeError as error:
        raise SpecFileError(
            f"{path}: not UTF-8 text: byte {error.start} is {error.object[error.start]:#04x}.",
            hint="Try saving the file as UTF-8, as TOML requires.",
        ) from None
    except OSError as error:
        raise SpecFileError(
            f"Cannot read the spec file {path}: {error.strerror or error}.",
            hint="Try the path of a TOML file, e.g. lstmshape check shapes.toml.",
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecFileError(
            f"{path}: not valid TOML: {error}.",
            hint="Try fixing that line; each entry is a table such as [encoder] with key = value "
            "lines.",
        ) from None
    problems: list[str] = []
    entries = []
    for name, table in data.items():
        if not isinstance(table, dict):
            problems.append(
                f"{path}: {name} = {table!r} is not an entry: each entry is a table, [{name}]."
            )
            continue
        entry = _read_entry(path, name, table, problems)
        if entry is not None:
            entries.append(entry)
    if not data:
        problems.append(f"{path}: no entries; each entry is a table such as [encoder].")
    if problems:
        raise SpecFileError(
            f"{path}: {len(problems)} problem{'s' if len(problems) > 1 else ''} in the spec file.",
            details=problems,
            hint="Try the keys explain() takes: "
            + ", ".join([*_KEYS, "expect"])
            + f" (required: {', '.join(_REQUIRED)}).",
        )
    return entries


def _read_entry(path: Path, name: str, table: dict[str, Any], problems: list[str]) -> Entry | None:
    where = f"{path}: [{name}]"
    before = len(problems)
    arguments: dict[str, Any] = {}
    for key, value in table.items():
        if key == "expect":
            continue
        if key not in _KEYS:
            problems.append(f"{where} {key}: unknown key{_did_you_mean(key)}.")
            continue
        what, read = _KEYS[key]
        try:
            arguments[key] = read(value)
        except ValueError as error:
            problems.append(f"{where} {key}: {error}; it takes {what}.")
    for key in _REQUIRED:
        if key not in table:
            problems.append(f"{where}: missing {key} ({_KEYS[key][0]}).")
    kind: ModuleKind | None = LSTM if "module" not in table else None
    if isinstance(arguments.get("module"), str):
        try:
            kind = parse_module(arguments["module"])
        except UnreadableValueError:
            problems.append(
                f"{where} module: {arguments['module']!r} is not one of {_KEYS['module'][0]}."
            )
    expect = _read_expect(where, table.get("expect", {}), kind, "lengths" in arguments, problems)
    if len(problems) > before:
        return None
    return Entry(name, arguments, expect)


def _read_expect(
    where: str, table: Any, kind: ModuleKind | None, packed: bool, problems: list[str]
) -> tuple[tuple[str, tuple[int, ...]], ...]:
    if not isinstance(table, dict):
        problems.append(f"{where} expect: {table!r} is not a table such as {{ h_n = [2, 3, 20] }}.")
        return ()
    # Without a module that could be read, any name may be right: explain() checks it later.
    names = None
    if kind is not None:
        names = kind.packed_tensor_names if packed else kind.tensor_names
    expected = []
    for name, value in table.items():
        if isinstance(value, dict):  # expect = { output.data = ... } is a nested table in TOML
            dotted = f"{name}.{next(iter(value), '')}"
            problems.append(
                f"{where} expect.{name}: a table, not a shape; quote a name with a dot: "
                f'"{dotted}" = [...].'
            )
            continue
        if names is not None and name not in names:
            problems.append(
                f"{where} expect.{name}: no such tensor; this module has {', '.join(names)}."
            )
            continue
        try:
            expected.append((name, _shape(value)))
        except ValueError as error:
            problems.append(f"{where} expect.{name}: {error}; it takes a shape.")
    return tuple(expected)


def _did_you_mean(key: str) -> str:
    close = (
        [_ALIASES[key]]
        if key in _ALIASES
        else difflib.get_close_matches(key, [*_KEYS, "expect"], n=1)
    )
    return f" (did you mean {close[0]}?)" if close else ""


# The command line's options and the spec file's keys for them, with the value a flag stands for.
_OPTIONS = {
    "--input": "input",
    "--hidden": "hidden_size",
    "--input-size": "input_size",
    "--layers": "num_layers",
    "--dropout": "dropout",
    "--proj-size": "proj_size",
    "--nonlinearity": "nonlinearity",
    "--module": "module",
    "--h0": "h_0",
    "--c0": "c_0",
    "--lengths": "lengths",
}
_FLAGS = {
    "--bidirectional": "bidirectional = true",
    "--batch-first": "batch_first = true",
    "--no-bias": "bias = false",
    "--unsorted": "enforce_sorted = false",
}
_SHAPE_KEYS = ("input", "h_0", "c_0", "lengths")
_OPTION = re.compile(
    r"--expect (?P<name>[\w.]+)=(?P<shape>\d+(?:,\d+)*)"
    r"|(?P<option>--[a-z0-9-]+)(?: (?P<value>\d+(?:,\d+)+|\d+(?:\.\d+)?|[A-Z][A-Za-z]+|tanh|relu))?"
)


_BARE_OPTION = re.compile(
    r"--(?:" + "|".join(o[2:] for o in sorted([*_OPTIONS, *_FLAGS], key=len, reverse=True)) + r")\b"
)


def in_spec_words(line: str) -> str:
    """A line of the command line's error, in the spec file's keys: in a "Try ..." line
    ``--hidden 20`` becomes ``hidden_size = 20`` and ``--expect h_n=1,3,20`` becomes
    ``expect.h_n = [1, 3, 20]``; elsewhere an option is named by its key (``--lengths``:
    ``lengths``)."""
    if not line.lstrip().startswith("Try "):
        return _BARE_OPTION.sub(lambda m: _OPTIONS.get(m[0]) or _FLAGS[m[0]], line)
    return _try_in_spec_words(line)


def _try_in_spec_words(line: str) -> str:

    def replace(match: re.Match[str]) -> str:
        if match["name"]:
            name = match["name"]
            key = f'"{name}"' if "." in name else name  # a dot would make a nested table
            return f"expect.{key} = [{match['shape'].replace(',', ', ')}]"
        option, value = match["option"], match["value"]
        if option in _FLAGS:
            return _FLAGS[option] + (f" {value}" if value else "")
        key = _OPTIONS.get(option)
        if key is None:
            return match[0]
        if value is None:
            return key  # named, not set: "without --proj-size" is "without proj_size"
        if key in _SHAPE_KEYS:
            value = "[" + value.replace(",", ", ") + "]"
        elif key in ("module", "nonlinearity"):
            value = f'"{value}"'
        return f"{key} = {value}"

    words = _OPTION.sub(replace, line)
    # Two settings in a row are two keys: "input = [5, 1, 10], lengths = [5]".
    words = re.sub(
        r'(?:(?<=\])|(?<=\d)|(?<=")|(?<=true)|(?<=false)) (?=(?:'
        + "|".join(_KEYS)
        + r"|expect\S*) = )",
        ", ",
        words,
    )
    return words.replace("enforce_sorted = false (enforce_sorted=False)", "enforce_sorted = false")


# What each class refuses when it is given at all, even at its default (torch's TypeError or
# ValueError): the sequence modules' arguments for a cell, proj_size for GRU and RNN, nonlinearity
# for all but RNN.
_SEQUENCE_ONLY = ("num_layers", "batch_first", "dropout", "bidirectional", "proj_size")


def _refused_key(entry: Entry) -> LstmShapeError | None:
    arguments = entry.arguments
    kind = parse_module(arguments.get("module", "LSTM"))
    if kind.is_cell:
        for key in (k for k in _SEQUENCE_ONLY if k in arguments):
            return cell_argument_error(kind, key)
    if "proj_size" in arguments and not kind.supports_proj_size:
        return InvalidModuleError(
            f"proj_size = {arguments['proj_size']}: only an LSTM projects its hidden state; "
            f"{kind.a} has no proj_size, not even 0.",
            argument="proj_size",
            torch_says="proj_size argument is only supported for LSTM, not RNN or GRU",
            hint='Try without proj_size, or module = "LSTM".',
        )
    if "nonlinearity" in arguments and not kind.has_nonlinearity:
        rnn = "RNNCell" if kind.is_cell else "RNN"
        return InvalidModuleError(
            f"nonlinearity = {arguments['nonlinearity']!r} is nn.{rnn}'s argument; {kind.a} has "
            "none.",
            argument="nonlinearity",
            torch_says=f"{kind.name}.__init__() got an unexpected keyword argument 'nonlinearity'",
            hint=f'Try without nonlinearity, or module = "{rnn}".',
        )
    return None


def check_entry(entry: Entry) -> Outcome:
    """Explain one entry; its errors are what the command line would print for it."""
    refused = _refused_key(entry)
    if refused is not None:
        return Outcome(entry, None, (refused,))
    try:
        report = explain(**entry.arguments, expect=entry.expect)
    except LstmShapeError as error:
        return Outcome(entry, None, (error,))
    return Outcome(entry, report, tuple(report.failures()))
