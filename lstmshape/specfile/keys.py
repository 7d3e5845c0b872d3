"""The keys an entry of a spec file may have: what each takes, and a reader for its TOML value.

A reader returns the value as explain() takes it, or raises ValueError with what is wrong.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from lstmshape.errors import UnreadableValueError
from lstmshape.reading import read_shape


def _shape(value: Any) -> tuple[int, ...]:
    if isinstance(value, str):
        try:
            return read_shape(value, "input")
        except UnreadableValueError as error:
            raise ValueError(f"{value!r}: {error.problem}") from None
    if isinstance(value, list) and value and all(_is_int(v) and v >= 0 for v in value):
        return tuple(value)
    if value == []:
        raise ValueError("[] is an empty shape")
    raise ValueError(f"{_short(value)} is not a shape")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:40]}...{text[-20:]}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(value: Any) -> int:
    if _is_int(value):
        return int(value)
    raise ValueError(f"{_short(value)} is not a whole number")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"{_short(value)} is not true or false")


def _float(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"{_short(value)} is not a number")


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(f"{_short(value)} is not a string")


KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
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
REQUIRED = ("input", "hidden_size")
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


def read_value(key: str, value: Any) -> Any:
    """``value`` as explain() takes it for ``key``; ValueError saying what is wrong."""
    return KEYS[key][1](value)


def read_shape_value(value: Any) -> tuple[int, ...]:
    """A shape, as every shape key reads it."""
    return _shape(value)


def did_you_mean(key: str) -> str:
    """`` (did you mean hidden_size?)`` for a key people write by habit or by a slip."""
    close = (
        [_ALIASES[key]]
        if key in _ALIASES
        else difflib.get_close_matches(key, [*KEYS, "expect"], n=1)
    )
    return f" (did you mean {close[0]}?)" if close else ""
