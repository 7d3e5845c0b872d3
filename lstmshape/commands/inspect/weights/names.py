"""The names torch gives a recurrent module's parameters, read back: ``encoder.lstm.weight_hh_l1_reverse``
is the state_dict prefix ``encoder.lstm`` and the parameter ``weight_hh`` of layer 1, backward direction.

A sequence module's names carry ``_l{k}`` (nn.LSTM, nn.GRU, nn.RNN); a cell's do not (nn.LSTMCell ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

STEMS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
# A group is a recurrent module's only if it holds one of these: a lone bias_ih is someone else's.
_WEIGHTS = ("weight_ih", "weight_hh", "weight_hr")
_LEAF = re.compile(
    r"(?P<stem>weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)(?:_l(?P<layer>[0-9]+))?"
    r"(?P<reverse>_reverse)?",
    re.ASCII,
)

Shape = tuple[int, ...]


class Name(NamedTuple):
    """One parameter's name as torch builds it: ``{stem}_l{layer}{_reverse}``, or a cell's ``{stem}``."""

    stem: str
    layer: int | None
    """The layer k of ``_l{k}``; None for a cell's names, which have no layers."""
    reverse: bool

    @property
    def leaf(self) -> str:
        """The name again, as torch writes it: ``weight_ih_l0_reverse``."""
        layer = "" if self.layer is None else f"_l{self.layer}"
        return f"{self.stem}{layer}{'_reverse' if self.reverse else ''}"


def read_leaf(leaf: str) -> Name | None:
    """``weight_ih_l0_reverse`` -> its parts; None for a name no recurrent module registers."""
    match = _LEAF.fullmatch(leaf)
    if match is None:
        return None
    layer = match["layer"]
    return Name(match["stem"], None if layer is None else int(layer), bool(match["reverse"]))


def split_key(key: str) -> tuple[str, str]:
    """``encoder.lstm.weight_ih_l0`` -> (``encoder.lstm``, ``weight_ih_l0``); top level: ``""``."""
    prefix, _, leaf = key.rpartition(".")
    return prefix, leaf


def join_key(prefix: str, leaf: str) -> str:
    """The state_dict key of a module's parameter: ``encoder.lstm`` + ``weight_ih_l0``."""
    return f"{prefix}.{leaf}" if prefix else leaf


def recurrent_groups(shapes: Mapping[str, Sequence[int]]) -> dict[str, dict[str, Shape]]:
    """The state_dict's keys grouped by prefix, for each prefix that holds a recurrent module's
    weights: ``{"encoder.lstm": {"weight_ih_l0": (80, 10), ...}}``, in the order first seen.

    Each group holds only the names a recurrent module registers; others at the same prefix (a
    subclass's own parameters) stay outside it.
    """
    groups: dict[str, dict[str, Shape]] = {}
    for key, shape in shapes.items():
        prefix, leaf = split_key(key)
        if read_leaf(leaf) is not None:
            groups.setdefault(prefix, {})[leaf] = tuple(shape)
    return {
        prefix: group
        for prefix, group in groups.items()
        if any(_stem(leaf) in _WEIGHTS for leaf in group)
    }


def _stem(leaf: str) -> str:
    name = read_leaf(leaf)
    return "" if name is None else name.stem


def read_names(leaves: Iterable[str]) -> dict[str, Name]:
    """Each leaf with its parts; every leaf must be a recurrent parameter's name."""
    read: dict[str, Name] = {}
    for leaf in leaves:
        name = read_leaf(leaf)
        if name is None:
            raise ValueError(f"{leaf!r} is not a recurrent module's parameter name")
        read[leaf] = name
    return read
