"""Where the tensors are in what a pickle built: every mapping of names to tensors is a state_dict.

A checkpoint is a state_dict, or a dict holding one or several (``{"model": ..., "optimizer": ...}``,
Lightning's ``state_dict``), or a pickled ``nn.Module`` (whose classes were refused, but whose
``_parameters``, ``_buffers`` and ``_modules`` are still data): the walk finds each, in the order
torch would list it. It never calls a method of what it walks (``dict.items(obj)``, not
``obj.items()``), visits each object once, and needs no recursion.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lstmshape.commands.inspect.checkpoint.records import Inert, OpaqueTensor, TensorRecord
from lstmshape.results.checkpoint_words import where
from lstmshape.torchfacts.kinds import KINDS

Key = str | int
Scalar = int | float | bool | str

# The attributes nn.RNNBase and the cells keep of their constructor's arguments (torch's names):
# plain values in the module's __dict__, read as data like the tensors beside them. Every argument
# any class of the family takes, from the family's one list of them.
ARGUMENT_ATTRIBUTES = tuple(dict.fromkeys(a for kind in KINDS.values() for a in kind.arguments))
CLASS = "class"
"""The key of a module's class (the global the pickle names) among its arguments."""


@dataclass
class Walked:
    """The tensors a pickle holds: named ones by state_dict, and a count of the others."""

    state_dicts: list[tuple[tuple[Key, ...], list[tuple[str, TensorRecord]]]] = field(
        default_factory=list
    )
    loose: list[tuple[str, TensorRecord | OpaqueTensor]] = field(default_factory=list)
    """Tensors in no state_dict, each with where it is."""
    modules: dict[tuple[Key, ...], dict[str, dict[str, Scalar]]] = field(default_factory=dict)
    """For each state_dict that is a pickled ``nn.Module``'s: its submodules' constructor
    arguments as their attributes hold them, by prefix (:func:`module_arguments`)."""

    def records(self) -> Iterator[tuple[str, TensorRecord]]:
        """Every sized tensor with a name to report it by (for the checks of its storage)."""
        for path, tensors in self.state_dicts:
            for key, record in tensors:
                yield _named(path, key), record
        for name, tensor in self.loose:
            if isinstance(tensor, TensorRecord):
                yield name, tensor


def _named(path: tuple[Key, ...], key: str) -> str:
    return key if not path else where((*path, key))


def walk(root: object) -> Walked:
    """Every state_dict in ``root`` (what the unpickler built), and the tensors outside them."""
    walked = Walked()
    seen: set[int] = set()
    # A place is kept as (its parent's place, its key): a path is spelled out only for what is
    # reported, so a deep pickle costs its objects, not their objects times their depth.
    stack: list[tuple[object, Place]] = [(root, None)]
    while stack:
        obj, place = stack.pop()
        if isinstance(obj, (TensorRecord, OpaqueTensor)):
            walked.loose.append((_where(_spelled(place)), obj))
            continue
        if not isinstance(obj, (dict, list, tuple, set, frozenset, Inert)) or id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, Inert):
            module = module_tensors(obj)
            if module is not None:
                spelled = _spelled(place)
                walked.state_dicts.append((spelled, module))
                walked.modules[spelled] = module_arguments(obj)
                continue
            children = _inert_children(obj, place, walked)
        elif isinstance(obj, dict):
            children = _entries(list(dict.items(obj)), place, walked)
        else:
            children = [(item, (place, i)) for i, item in enumerate(obj) if _walked(item)]
        stack.extend(reversed(children))
    return walked


# Where an object is: None for the root, else (the place of what holds it, its key there).
Place = tuple[Any, Key] | None


def _spelled(place: Place) -> tuple[Key, ...]:
    keys: list[Key] = []
    while place is not None:
        place, key = place
        keys.append(key)
    return tuple(reversed(keys))


def _walked(item: object) -> bool:
    """Whether an item can hold a tensor: scalars and text are not walked."""
    return isinstance(item, (dict, list, tuple, set, frozenset, Inert, TensorRecord, OpaqueTensor))


def _where(path: tuple[Key, ...]) -> str:
    return where(path)


def _key(key: object) -> Key:
    if isinstance(key, (str, int)) and not isinstance(key, bool):
        return key
    from lstmshape.commands.inspect.checkpoint.rebuilds import (
        bounded_repr,
    )  # a key may be a tuple of any size

    return bounded_repr(key)


def _entries(
    items: list[tuple[Any, Any]], place: Place, walked: Walked
) -> list[tuple[object, Place]]:
    """A mapping's entries: its tensors under names make a state_dict; the rest is walked on."""
    named = [
        (key, value)
        for key, value in items
        if isinstance(key, str) and isinstance(value, TensorRecord)
    ]
    if named:
        walked.state_dicts.append((_spelled(place), named))
    return [
        (value, (place, _key(key)))
        for key, value in items
        if _walked(value) and not (isinstance(key, str) and isinstance(value, TensorRecord))
    ]


def _inert_children(obj: Inert, place: Place, walked: Walked) -> list[tuple[object, Place]]:
    """What a refused object holds: the entries set on it (a dict subclass's), its state, its
    arguments and the items appended to it."""
    children = _entries(obj.entries, place, walked)
    children += [(item, (place, i)) for i, item in enumerate(obj.items) if _walked(item)]
    state = obj.state
    if isinstance(state, dict):
        children += _entries(list(dict.items(state)), place, walked)
    elif state is not None:
        children.append((state, place))
    children += [(arg, place) for arg in obj.args if _walked(arg)]
    return children


def _submodules(module: object) -> Iterator[tuple[str, object, dict[Any, Any]]]:
    """A pickled module and each submodule, depth first in torch's order, once each (a module
    registered twice is walked once): its path without the final dot (``encoder.rnn``; ``""`` for
    ``module``), the object and its attributes."""
    seen: set[int] = set()
    stack: list[tuple[str, object]] = [("", module)]
    while stack:
        path, current = stack.pop()
        state = _module_state(current)
        if state is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield path, current, state
        children = [
            (f"{path}.{name}" if path else name, sub)
            for name, sub in dict.items(state["_modules"])
            if isinstance(name, str)
        ]
        stack.extend(reversed(children))


def _module_state(obj: object) -> dict[Any, Any] | None:
    """The attributes of a pickled ``nn.Module`` (its ``__dict__``), or None if ``obj`` is not one."""
    if not isinstance(obj, Inert):
        return None
    state = obj.state
    if isinstance(state, tuple) and len(state) == 2:  # (__dict__, slots)
        state = state[0]
    if (
        isinstance(state, dict)
        and isinstance(state.get("_parameters"), dict)
        and isinstance(state.get("_modules"), dict)
    ):
        return state
    return None


def module_tensors(module: Inert) -> list[tuple[str, TensorRecord]] | None:
    """A pickled ``nn.Module``'s state_dict as torch would list it (its parameters, its persistent
    buffers, then each submodule's, depth first); None if ``module`` is not one."""
    if _module_state(module) is None:
        return None
    named: list[tuple[str, TensorRecord]] = []
    for path, _, state in _submodules(module):
        prefix = f"{path}." if path else ""
        buffers = state.get("_buffers")
        skipped = state.get("_non_persistent_buffers_set")
        for table, left_out in ((state["_parameters"], ()), (buffers, skipped)):
            if isinstance(table, dict):
                named += [
                    (prefix + name, tensor)
                    for name, tensor in dict.items(table)
                    if isinstance(name, str)
                    and isinstance(tensor, TensorRecord)
                    and not (isinstance(left_out, (set, frozenset)) and name in left_out)
                ]
    return named


def module_arguments(module: Inert) -> dict[str, dict[str, Scalar]]:
    """Each submodule's constructor arguments as its attributes hold them (``batch_first``,
    ``dropout``, ``nonlinearity``...), by the prefix of its keys without the dot (``encoder.rnn``;
    ``""`` for the module itself), with its class under :data:`CLASS`; only plain values."""
    found: dict[str, dict[str, Scalar]] = {}
    for name, current, state in _submodules(module):
        read = {
            key: value
            for key in ARGUMENT_ATTRIBUTES
            if isinstance(value := state.get(key), (int, float, str))
        }
        if read and isinstance(current, Inert):
            found[name] = {CLASS: current.global_name, **read}
    return found
