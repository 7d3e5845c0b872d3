"""Reading a spec file: TOML -> named entries, each as explain() takes it.

Reading is strict: every problem of the file (syntax, an unknown key, a missing field, a value of the
wrong type) is collected with the file, the entry and the key, and reported at once.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lstmshape.commands.check.keys import (
    KEYS,
    REQUIRED,
    did_you_mean,
    quoted,
    read_shape_value,
    read_value,
    takes,
)
from lstmshape.errors import UnreadableValueError
from lstmshape.i18n.numbers import enumerated, number
from lstmshape.i18n.words import Words, nwords, words
from lstmshape.reading.names import tensor_name
from lstmshape.torchfacts.kinds import LSTM, ModuleKind, read_module
from lstmshape.torchfacts.parameters import PARAMETER_NAME

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
    problems: list[Words] = []
    entries = []
    for name, table in data.items():
        if not isinstance(table, dict):
            problems.append(
                words(
                    "{path}: {name} = {value} is not an entry: each entry is a table, {table}.",
                    path=str(path),
                    name=name,
                    value=quoted(table),
                    table=f"[{name}]",
                )
            )
            continue
        entry = _read_entry(path, name, table, problems)
        if entry is not None:
            entries.append(entry)
    if not data:
        problems.append(
            words("{path}: no entries; each entry is a table such as [encoder].", path=str(path))
        )
    if problems:
        raise _problems_error(path, problems)
    return entries


def _problems_error(path: Path, problems: list[Words]) -> SpecFileError:
    """Every problem of the file in one error, the first PROBLEMS_LISTED listed."""
    shown = problems[:PROBLEMS_LISTED]
    if len(problems) > PROBLEMS_LISTED:
        more = number(len(problems) - PROBLEMS_LISTED)
        left = len(problems) - PROBLEMS_LISTED
        shown.append(
            nwords(
                "... and {count} more problem.", "... and {count} more problems.", left, count=more
            )
        )
    said = {"path": str(path), "count": number(len(problems))}
    return SpecFileError(
        nwords(
            "{path}: {count} problem in the spec file.",
            "{path}: {count} problems in the spec file.",
            len(problems),
            **said,
        ),
        details=shown,
        hint=words(
            "Try the keys explain() takes: {keys} (required: {required}).",
            keys=enumerated([*KEYS, "expect"]),
            required=enumerated(REQUIRED),
        ),
    )


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8-sig")  # TOML is UTF-8; a BOM is tolerated
    except UnicodeDecodeError as error:
        raise SpecFileError(
            words(
                "{path}: not UTF-8 text: byte {position} is {byte}.",
                path=str(path),
                position=error.start,
                byte=f"{error.object[error.start]:#04x}",
            ),
            hint=words("Try saving the file as UTF-8, as TOML requires."),
        ) from None
    except OSError as error:
        raise SpecFileError(
            words(
                "Cannot read the spec file {path}: {reason}.",
                path=str(path),
                reason=str(error.strerror or error),
            ),
            hint=words(
                "Try the path of a TOML file, e.g. {example}.",
                example="lstmshape check shapes.toml",
            ),
        ) from None
    try:
        return tomllib.loads(text)
    except ValueError as error:  # TOMLDecodeError, or an integer of more than 4,300 digits
        # The TOML reader's own sentence (with the line and column), quoted as it says it.
        raise SpecFileError(
            words("{path}: not valid TOML: {reason}.", path=str(path), reason=str(error)),
            hint=words(
                "Try fixing that line; each entry is a table such as [encoder] with key = value "
                "lines."
            ),
        ) from None
    except RecursionError:  # TOML's reader recurses once per level of nested arrays or tables
        raise SpecFileError(
            words("{path}: arrays or tables nested too deeply to read.", path=str(path)),
            details=[words("A shape is one flat list, such as [4, 3, 10].")],
            hint=words("Try writing each shape as a flat list."),
        ) from None


def _read_entry(
    path: Path, name: str, table: dict[str, Any], problems: list[Words]
) -> Entry | None:
    where = f"{path}: [{name}]"
    before = len(problems)
    arguments: dict[str, Any] = {}
    for key, value in table.items():
        if key == "expect":
            continue
        if key not in KEYS:
            problems.append(_unknown(where, key))
            continue
        try:
            arguments[key] = read_value(key, value)
        except ValueError as error:
            problems.append(
                words(
                    "{where} {key}: {error}; it takes {what}.",
                    where=where,
                    key=key,
                    error=str(error),
                    what=takes(key),
                )
            )
    for key in REQUIRED:
        if key not in table:
            problems.append(
                words("{where}: missing {key} ({what}).", where=where, key=key, what=takes(key))
            )
    kind: ModuleKind | None = LSTM if "module" not in table else None
    if isinstance(arguments.get("module"), str):
        try:
            kind = read_module(arguments["module"])
        except UnreadableValueError:
            problems.append(
                words(
                    "{where} module: {value} is not one of {names}.",
                    where=where,
                    value=quoted(arguments["module"]),
                    names=takes("module"),
                )
            )
    expect = _read_expect(where, table.get("expect", {}), kind, "lengths" in arguments, problems)
    if len(problems) > before:
        return None
    return Entry(name, arguments, expect)


def _unknown(where: str, key: str) -> Words:
    meant = did_you_mean(key)
    if meant is None:
        return words("{where} {key}: unknown key.", where=where, key=key)
    return words(
        "{where} {key}: unknown key (did you mean {name}?).", where=where, key=key, name=meant
    )


def _read_expect(
    where: str, table: Any, kind: ModuleKind | None, packed: bool, problems: list[Words]
) -> tuple[tuple[str, tuple[int, ...]], ...]:
    if not isinstance(table, dict):
        problems.append(
            words(
                "{where} expect: {value} is not a table such as {example}.",
                where=where,
                value=quoted(table),
                example="{ h_n = [2, 3, 20] }",
            )
        )
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
                words(
                    "{where} {key}: a table, not a shape; quote a name with a dot: {quoted}.",
                    where=where,
                    key=f"expect.{key}",
                    quoted=f'"{dotted}" = [...]',
                )
            )
            continue
        name = tensor_name(key)  # the command line's aliases: hn is h_n
        if PARAMETER_NAME.fullmatch(key):
            name = key  # a parameter: whether the module has it is explain()'s to say
        elif names is not None and name not in names:
            problems.append(
                words(
                    "{where} {key}: no such tensor; this module has {names}, and parameters such "
                    "as weight_ih_l0.",
                    where=where,
                    key=f"expect.{key}",
                    names=enumerated(names),
                )
            )
            continue
        try:
            expected.append((name, read_shape_value(value)))
        except ValueError as error:
            problems.append(
                words(
                    "{where} {key}: {error}; it takes a shape.",
                    where=where,
                    key=f"expect.{key}",
                    error=str(error),
                )
            )
    return tuple(expected)
