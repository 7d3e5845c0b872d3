"""Reading a spec file: TOML -> named entries, each as explain() takes it.

Reading is strict: every problem of the file (syntax, an unknown key, a missing field, a value of the
wrong type) is collected with the file, the entry and the key, and reported at once.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lstmshape.errors import UnreadableValueError
from lstmshape.kinds import LSTM, ModuleKind
from lstmshape.parameters import PARAMETER_NAME
from lstmshape.reading import read_module, tensor_name
from lstmshape.specfile.keys import KEYS, REQUIRED, did_you_mean, read_shape_value, read_value

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover (Python 3.10)
    import tomli as tomllib


# Problems of a bad file listed one by one up to this many; the rest are counted.
PROBLEMS_LISTED = 20


class SpecFileError(UnreadableValueError):
    """A spec file that cannot be read: each problem names the file, the entry and the key."""


@dataclass(frozen=True)
class Entry:
    """One named module of a spec file, as explain() takes it."""

    name: str
    arguments: dict[str, Any]
    expect: tuple[tuple[str, tuple[int, ...]], ...] = ()


def read_spec(path: Path) -> list[Entry]:
    """Read and validate a spec file; raise :class:`SpecFileError` listing every problem."""
    data = _load(path)
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
        shown = problems[:PROBLEMS_LISTED]
        if len(problems) > PROBLEMS_LISTED:
            shown.append(f"... and {len(problems) - PROBLEMS_LISTED:,} more problems.")
        raise SpecFileError(
            f"{path}: {len(problems):,} problem{'s' if len(problems) > 1 else ''} in the spec file.",
            details=shown,
            hint="Try the keys explain() takes: "
            + ", ".join([*KEYS, "expect"])
            + f" (required: {', '.join(REQUIRED)}).",
        )
    return entries


def _load(path: Path) -> dict[str, Any]:
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
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecFileError(
            f"{path}: not valid TOML: {error}.",
            hint="Try fixing that line; each entry is a table such as [encoder] with key = value "
            "lines.",
        ) from None
    except RecursionError:  # TOML's reader recurses once per level of nested arrays or tables
        raise SpecFileError(
            f"{path}: arrays or tables nested too deeply to read.",
            details=["A shape is one flat list, such as [4, 3, 10]."],
            hint="Try writing each shape as a flat list.",
        ) from None


def _read_entry(path: Path, name: str, table: dict[str, Any], problems: list[str]) -> Entry | None:
    where = f"{path}: [{name}]"
    before = len(problems)
    arguments: dict[str, Any] = {}
    for key, value in table.items():
        if key == "expect":
            continue
        if key not in KEYS:
            problems.append(f"{where} {key}: unknown key{did_you_mean(key)}.")
            continue
        try:
            arguments[key] = read_value(key, value)
        except ValueError as error:
            problems.append(f"{where} {key}: {error}; it takes {KEYS[key][0]}.")
    for key in REQUIRED:
        if key not in table:
            problems.append(f"{where}: missing {key} ({KEYS[key][0]}).")
    kind: ModuleKind | None = LSTM if "module" not in table else None
    if isinstance(arguments.get("module"), str):
        try:
            kind = read_module(arguments["module"])
        except UnreadableValueError:
            problems.append(
                f"{where} module: {arguments['module']!r} is not one of {KEYS['module'][0]}."
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
    for key, value in table.items():
        if isinstance(value, dict):  # expect = { output.data = ... } is a nested table in TOML
            dotted = f"{key}.{next(iter(value), '')}"
            problems.append(
                f"{where} expect.{key}: a table, not a shape; quote a name with a dot: "
                f'"{dotted}" = [...].'
            )
            continue
        name = tensor_name(key)  # the command line's aliases: hn is h_n
        if PARAMETER_NAME.fullmatch(key):
            name = key  # a parameter: whether the module has it is explain()'s to say
        elif names is not None and name not in names:
            problems.append(
                f"{where} expect.{key}: no such tensor; this module has {', '.join(names)}, "
                "and parameters such as weight_ih_l0."
            )
            continue
        try:
            expected.append((name, read_shape_value(value)))
        except ValueError as error:
            problems.append(f"{where} expect.{key}: {error}; it takes a shape.")
    return tuple(expected)
