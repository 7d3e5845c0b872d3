"""The model left as it was: its tensors swapped for stand-ins during one forward pass, and every
attribute the pass assigns put back after it.

torch.func.functional_call cannot be used for the swap: with one module registered under two names
(``self.again = self.lstm``, ``nn.ModuleList([g, g])``) it restores one name's tensor with the
other's stand-in, and nn.LSTM's ``__setattr__`` writes each stand-in into its ``_flat_weights`` list
in place. So the swap writes into each module's ``_parameters`` and ``_buffers`` directly, once per
module object, and every module's attributes are put back as they were: each one rebound
(``self.hidden = ...`` in forward), and the contents of each list, dict and set restored (the
hooks, ``_flat_weights``, a history that forward appends to). Deeper objects, and the inputs, are
:mod:`lstmshape.commands.trace.untouched`'s; tensors changed in place outside the buffers are not
covered: a real run swaps the buffers for copies.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Convert = Callable[[Any], Any]
_CONTAINERS = (list, dict, OrderedDict, set)


@contextmanager
def kept(
    model: Any, *, parameters: Convert | None = None, buffers: Convert | None = None
) -> Iterator[None]:
    """Inside the block, each parameter is ``parameters(p)`` and each buffer ``buffers(b)`` (the
    same stand-in for a tensor shared by two modules); after it, every module is as it was."""
    modules = list(model.modules())  # each module object once, however many names it has
    saved = [(module, _snapshot(module)) for module in modules]
    try:
        stand_ins: dict[int, Any] = {}
        for module in modules:
            _swap(module._parameters, parameters, stand_ins)
            _swap(module._buffers, buffers, stand_ins)
        yield
    finally:
        for module, snapshot in saved:
            _restore(module, snapshot)


Snapshot = tuple[dict[str, Any], dict[str, Any]]


def _snapshot(module: Any) -> Snapshot:
    attributes = dict(vars(module))
    contents = {
        name: _contents(value) for name, value in attributes.items() if type(value) in _CONTAINERS
    }
    return attributes, contents


def _contents(container: Any) -> Any:
    if isinstance(container, dict):
        return list(container.items())
    return list(container)


def _restore(module: Any, snapshot: Snapshot) -> None:
    attributes, contents = snapshot
    state = vars(module)
    state.clear()
    state.update(attributes)
    for name, items in contents.items():
        container = attributes[name]
        if isinstance(container, list):
            container[:] = items
        else:  # a dict or a set: emptied and filled in the same order
            container.clear()
            container.update(items)


def _swap(tensors: dict[str, Any], convert: Convert | None, stand_ins: dict[int, Any]) -> None:
    if convert is None:
        return
    for name, tensor in list(tensors.items()):
        if tensor is None:
            continue
        if id(tensor) not in stand_ins:
            stand_ins[id(tensor)] = convert(tensor)
        tensors[name] = stand_ins[id(tensor)]
