"""Everything a trace can reach, left as it was: the model, the inputs, and every object reachable
from them through attributes, list items and dict entries.

A forward pass may write on what it is given: flair stores each sentence's embedding on its
``Sentence`` object (``sentence.embedding = tensor``), a model caches its state in a dict. Run on
fake tensors, such a forward leaves fake tensors behind, and the real run that follows fails on
them. So before a forward pass every reachable object's state is copied (its ``__dict__`` and
slots, a list's, dict's, set's or deque's items), and after it every one that changed is put back:
the objects themselves are kept (a list stays the same list), only what they hold is restored.

Not walked: classes, modules, functions and methods (the program, not the data: a function's
globals reach everything), and the inside of tensors and arrays (their values are not assigned
to; a real run copies the buffers it may change).
"""

from __future__ import annotations

import types
import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_ATOMS = (str, bytes, bytearray, int, float, complex, bool, type(None), range, slice)
_PROGRAM = (
    type,
    types.ModuleType,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.BuiltinMethodType,
    types.CodeType,
    types.FrameType,
    types.GeneratorType,
    weakref.ReferenceType,
    weakref.ProxyType,
    weakref.CallableProxyType,
    property,
    staticmethod,
    classmethod,
)
_SKIPPED = _ATOMS + _PROGRAM
_MISSING = object()

# One saved state: the object, what kind of state, and the state as it was.
Saved = tuple[Any, str, Any]


@contextmanager
def untouched(*roots: Any, opaque: tuple[type, ...] = ()) -> Iterator[None]:
    """Inside the block, anything may change what ``roots`` reach; after it, every reachable
    object holds what it held before. ``opaque``: types whose inside is not walked (tensors),
    though their ``__dict__`` is kept."""
    saved = snapshot(roots, opaque)
    try:
        yield
    finally:
        restore(saved)


def snapshot(roots: tuple[Any, ...], opaque: tuple[type, ...] = ()) -> list[Saved]:
    """The state of every object reachable from ``roots``, each once."""
    seen: set[int] = set()
    saved: list[Saved] = []
    stack = list(roots)
    while stack:
        item = stack.pop()
        if isinstance(item, _SKIPPED) or id(item) in seen:
            continue
        seen.add(id(item))
        stack.extend(_save(item, saved, opaque))
    return saved


def _save(item: Any, saved: list[Saved], opaque: tuple[type, ...]) -> list[Any]:
    """``item``'s own state appended to ``saved``; what it holds, to walk next."""
    if isinstance(item, dict):
        items = list(item.items())
        saved.append((item, "dict", items))
        return [value for _, value in items]
    if isinstance(item, (list, deque)):
        saved.append((item, "list", list(item)))
        return list(item)
    if isinstance(item, set):
        saved.append((item, "set", set(item)))
        return []
    if isinstance(item, (tuple, frozenset)):
        return list(item)
    held: list[Any] = []
    attributes = _attributes(item)
    if attributes is not None:
        saved.append((item, "vars", dict(attributes)))
        held += attributes.values()
    slots = _slots(item)
    if slots:
        values = {name: getattr(item, name, _MISSING) for name in slots}
        saved.append((item, "slots", values))
        held += [value for value in values.values() if value is not _MISSING]
    return [] if isinstance(item, opaque) else held


def _attributes(item: Any) -> dict[str, Any] | None:
    try:
        attributes = object.__getattribute__(item, "__dict__")
    except (AttributeError, TypeError):
        return None
    return attributes if isinstance(attributes, dict) else None


def _slots(item: Any) -> list[str]:
    names: list[str] = []
    for cls in type(item).__mro__:
        declared = cls.__dict__.get("__slots__", ())
        for name in (declared,) if isinstance(declared, str) else declared:
            if name not in ("__dict__", "__weakref__") and isinstance(
                cls.__dict__.get(name), types.MemberDescriptorType
            ):
                names.append(name)
    return names


def restore(saved: list[Saved]) -> None:
    """Put back every saved state that changed; the objects themselves stay the same ones."""
    for item, kind, state in saved:
        if kind == "vars":
            _restore_mapping(object.__getattribute__(item, "__dict__"), state)
        elif kind == "dict":
            if not _same_items(list(item.items()), state):
                item.clear()
                item.update(state)
        elif kind == "list":
            if not _same_sequence(list(item), state):
                item.clear()
                item.extend(state)
        elif kind == "set":
            if item != state:
                item.clear()
                item.update(state)
        else:
            _restore_slots(item, state)


def _restore_mapping(current: dict[str, Any], state: dict[str, Any]) -> None:
    if not _same_items(list(current.items()), list(state.items())):
        current.clear()
        current.update(state)


def _restore_slots(item: Any, state: dict[str, Any]) -> None:
    for name, value in state.items():
        now = getattr(item, name, _MISSING)
        if now is value:
            continue
        if value is _MISSING:
            delattr(item, name)
        else:
            setattr(item, name, value)


def _same_items(now: list[tuple[Any, Any]], before: list[tuple[Any, Any]]) -> bool:
    return len(now) == len(before) and all(
        a[0] is b[0] and a[1] is b[1] for a, b in zip(now, before, strict=True)
    )


def _same_sequence(now: list[Any], before: list[Any]) -> bool:
    return len(now) == len(before) and all(a is b for a, b in zip(now, before, strict=True))


def tensors_in(torch: Any, *roots: Any) -> list[Any]:
    """Every tensor reachable from ``roots`` (through attributes, items and entries), each once."""
    found: list[Any] = []
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        item = stack.pop()
        if isinstance(item, _SKIPPED) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, torch.Tensor):
            found.append(item)
            continue
        stack.extend(_save(item, [], ()))
    return found
