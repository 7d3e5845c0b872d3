"""A Lightning checkpoint's ``hyper_parameters`` (what ``save_hyperparameters()`` kept: the arguments
the LightningModule was built with), read as data and said in short, bounded text: a hostile file's
deep or long values cost no more than a few lines."""

from __future__ import annotations

from typing import Any

from lstmshape.commands.inspect.checkpoint.records import Inert, OpaqueTensor, TensorRecord
from lstmshape.i18n import tr
from lstmshape.i18n.numbers import number
from lstmshape.results.inspection import HyperParameter

# At most this many hyperparameters, items of a list shown, characters of a value.
_MOST = 64
_ITEMS = 6
_WIDTH = 120
# A larger integer is said by its size: JSON readers lose precision past 64 bits.
_BITS = 64


def hyper_parameters(root: object) -> tuple[HyperParameter, ...] | None:
    """``checkpoint["hyper_parameters"]`` of a Lightning checkpoint, each value a plain JSON value
    (numbers, booleans, text, null) or its short text; None when the checkpoint has none."""
    if not isinstance(root, dict):
        return None
    found = dict.get(root, "hyper_parameters")
    items = _items(found)
    if items is None:
        return None
    return tuple(
        HyperParameter(key, value) if _plain(value) else HyperParameter(key, _text(value, 2), True)
        for key, value in items[:_MOST]
        if isinstance(key, str)
    )


def _items(value: object) -> list[tuple[Any, Any]] | None:
    """A mapping's entries: a dict, or a dict subclass the unpickler did not build (Lightning's
    AttributeDict), whose entries it kept."""
    if isinstance(value, dict):
        return list(dict.items(value))
    if isinstance(value, Inert) and value.entries:
        return list(value.entries)
    return None


def _plain(value: object) -> bool:
    if isinstance(value, str):
        return len(value) <= _WIDTH and value.isprintable()
    if isinstance(value, int):
        return value.bit_length() <= _BITS
    return value is None or (isinstance(value, float) and abs(value) < float("inf"))


def _text(value: object, depth: int) -> str:
    """``[64, 32]``, ``{'lr': 0.001}``, ``tensor (3, 4) float32``: bounded in depth and width."""
    if isinstance(value, TensorRecord):
        return f"tensor {value.shape} {value.dtype}"
    if isinstance(value, OpaqueTensor):
        return "tensor"
    if isinstance(value, Inert):
        return value.global_name
    if isinstance(value, int) and value.bit_length() > _BITS:
        # Said by its size, in words: its digits could be thousands.
        return tr("an int of {count} bits", count=number(value.bit_length()))
    if isinstance(value, (str, int, float, bool, type(None))):
        return _cut(repr(value))  # repr: a control character is shown escaped, never sent
    if depth == 0:
        return "..."
    items = _items(value)
    if items is not None:
        shown = [f"{_text(k, 0)}: {_text(v, depth - 1)}" for k, v in items[:_ITEMS]]
        return _cut("{" + ", ".join(shown) + (", ..." if len(items) > _ITEMS else "") + "}")
    if isinstance(value, (list, tuple, set, frozenset)):
        listed = list(value)[:_ITEMS] if not isinstance(value, (set, frozenset)) else []
        shown = [_text(v, depth - 1) for v in listed]
        more = ", ..." if len(value) > len(listed) else ""
        ends = "()" if isinstance(value, tuple) else "[]"
        return _cut(ends[0] + ", ".join(shown) + more + ends[1])
    return type(value).__name__


def _cut(text: str) -> str:
    return text if len(text) <= _WIDTH else text[: _WIDTH - 3] + "..."
