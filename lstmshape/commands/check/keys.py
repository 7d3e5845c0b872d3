"""The keys an entry of a spec file may have: what each takes, and a reader for its TOML value.

A reader returns the value as explain() takes it, or raises ValueError with what is wrong.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n import N_, tr
from lstmshape.i18n.typography import labelled
from lstmshape.reading.values import read_shape
from lstmshape.torchfacts.arguments import ARGUMENTS


def _shape(value: Any) -> tuple[int, ...]:
    if isinstance(value, str):
        try:
            return read_shape(value, "input")
        except UnreadableValueError as error:
            raise ValueError(labelled(quoted(value), error.problem)) from None
    if isinstance(value, list) and value and all(_is_int(v) and v >= 0 for v in value):
        return tuple(value)
    if value == []:
        raise ValueError(tr("{value} is an empty shape", value="[]"))
    raise ValueError(tr("{value} is not a shape", value=quoted(value)))


def quoted(value: Any) -> str:
    """A value of the file as a message quotes it: a long one keeps its two ends."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:40]}...{text[-20:]}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(value: Any) -> int:
    if _is_int(value):
        return int(value)
    raise ValueError(tr("{value} is not a whole number", value=quoted(value)))


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(tr("{value} is not true or false", value=quoted(value)))


def _float(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise ValueError(tr("{value} is not a number", value=quoted(value)))


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(tr("{value} is not a string", value=quoted(value)))


# Each key's reader, by the type of the argument it sets.
_READERS: dict[type, Callable[[Any], Any]] = {int: _int, bool: _bool, float: _float, str: _str}

# Each key's value, said after "it takes" and "missing KEY (...)": said with tr() where used. The
# module's arguments are its rows (torchfacts/arguments.py), after the input, in --help's order.
KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "input": (N_('a shape such as [4, 3, 10] or "4,3,10"'), _shape),
    **{a.name: (a.takes, _READERS[a.type]) for a in ARGUMENTS},
    "h_0": (N_("a shape"), _shape),
    "c_0": (N_("a shape"), _shape),
    "lengths": (N_("a list of lengths such as [5, 3, 2]"), _shape),
    "enforce_sorted": (N_("true or false"), _bool),
    # Not the module's: the entry's deployment verdicts (lstmshape.deploy), run by check --verify.
    "deploy": (N_("true or false"), _bool),
}
REQUIRED = ("input", "hidden_size")


def _spelt(flag: str) -> str:
    """An option's flag as a key: ``--no-bias`` is ``no_bias``."""
    return flag.lstrip("-").replace("-", "_")


# What people write out of habit (the command line's options), and the key they mean.
_ALIASES = {
    # The command line's options, spelt as keys: hidden, layers, no_bias.
    **{_spelt(a.flag): a.name for a in ARGUMENTS if _spelt(a.flag) != a.name},
    "h0": "h_0",
    "c0": "c_0",
    "expected": "expect",
    "shape": "input",
    "input_shape": "input",
}


def read_value(key: str, value: Any) -> Any:
    """``value`` as explain() takes it for ``key``; ValueError saying what is wrong."""
    return KEYS[key][1](value)


def read_shape_value(value: Any) -> tuple[int, ...]:
    """A shape, as every shape key reads it."""
    return _shape(value)


def takes(key: str) -> str:
    """What ``key`` takes, in the language spoken: ``a whole number``."""
    return tr(KEYS[key][0])  # i18n: extracted where made


def did_you_mean(key: str) -> str | None:
    """The key meant by one people write by habit (``hidden``) or by a slip; None if none is near."""
    if key in _ALIASES:
        return _ALIASES[key]
    close = difflib.get_close_matches(key, [*KEYS, "expect"], n=1)
    return close[0] if close else None
