"""The names an expected shape of a trace takes (``decoder.lstm#2.h_n``), held against the model.

A name whose layer the model does not hold, or whose tensor that layer never has, is a slip of the
user's (exit 2), said with the names the model does have; a layer that holds the tensor but was
not called that way is an answer (the shape was not traced, exit 1).
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n.words import words
from lstmshape.reading.names import did_you_mean
from lstmshape.torchfacts.kinds import KINDS, ModuleKind

if TYPE_CHECKING:
    from lstmshape.results.trace import Trace

Shape = tuple[int, ...]


def unknown_name(
    trace: Trace, name: str, path: str, tensor: str, shape: Shape
) -> UnreadableValueError | None:
    """Why ``name`` (``path`` and ``tensor``, split) names nothing the traced model could have:
    a layer it does not hold, or a tensor that layer's kind never has; None when it could."""
    layers = dict(trace.recurrent)
    if path not in layers:
        close = _close_path(path, list(layers))
        held = ", ".join(f"{p} ({m})" for p, m in trace.recurrent)
        return UnreadableValueError(
            words(
                "Cannot expect a shape for {name}: {model} has no recurrent layer {path}.",
                name=repr(name),
                model=trace.model,
                path=repr(path),
            ),
            details=[
                words("Its recurrent layers: {layers}.", layers=held)
                if held
                else words("It holds no recurrent layer.")
            ],
            hint=did_you_mean(_renamed(name, path, close[0]) if close else None, shape)
            if held
            else None,
            subject=name,
        )
    kind = _kind(trace, path, layers[path])
    if kind is None or tensor in (*kind.tensor_names, *kind.packed_tensor_names):
        return None
    close = difflib.get_close_matches(tensor, kind.tensor_names, n=1)
    return UnreadableValueError(
        words(
            "Cannot expect a shape for {name}: {path} ({module}) has no tensor {tensor}.",
            name=repr(name),
            path=path,
            module=layers[path],
            tensor=tensor,
        ),
        details=[words("Its tensors: {tensors}.", tensors=", ".join(kind.tensor_names))],
        hint=did_you_mean(name[: -len(tensor)] + close[0] if close else None, shape),
        subject=name,
    )


def _close_path(path: str, paths: list[str]) -> list[str]:
    """The layer's path meant by ``path``: spelt alike, or the one named as its last part
    (``decoder.lstm`` for a model whose layer is ``lstm``, or the other way round)."""
    last = path.rpartition(".")[2]
    tails = [p for p in paths if p.rpartition(".")[2] == last]
    return tails[:1] if len(tails) == 1 else difflib.get_close_matches(path, paths, n=1)


def _renamed(name: str, path: str, other: str) -> str:
    """``name`` with its layer's path ``path`` replaced by ``other`` (``#k`` and tensor kept)."""
    return other + name[len(path) :]


def _kind(trace: Trace, path: str, module: str) -> ModuleKind | None:
    """The recurrent kind of the layer at ``path``: its class's, or a subclass's from its report."""
    if module in KINDS:
        return KINDS[module]
    for call in trace.calls:
        if call.path == path and call.report is not None:
            return call.report.spec.kind
    return None
