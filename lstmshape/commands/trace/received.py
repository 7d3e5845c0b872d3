"""What a recurrent layer was really given, read from the arguments of its forward call.

torch objects are read through their attributes (``shape``, ``dtype``, a PackedSequence's
``batch_sizes``): nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from lstmshape.results.trace import Received
from lstmshape.torchfacts.kinds import ModuleKind

Shape = tuple[int, ...]


class Arguments(NamedTuple):
    """One forward call's arguments, as explain_spec takes them, and what they were."""

    received: Received
    explain: dict[str, Any]
    """explain_spec's input (``input``) and keyword arguments for this call."""
    problem: str | None = None
    """``one_tensor``: an LSTM given one tensor for (h_0, c_0); ``tuple``: a GRU or RNN given a
    tuple; ``bad_state``: a state that is not tensors as the layer takes them (``(h, None)``, a
    string); ``not_a_tensor``: an input lstmshape cannot read."""
    state: str = ""
    """The state as it was given, when it is a ``bad_state``: ``(Tensor (1, 5, 4), None)``."""


def read_call(
    kind: ModuleKind, batch_first: bool, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> Arguments:
    """The arguments of ``forward(input, hx)`` as lstmshape explains them."""
    x: Any = args[0] if args else kwargs.get("input")
    hx = args[1] if len(args) > 1 else kwargs.get("hx")
    if not hasattr(x, "shape") and not is_packed(x):
        return Arguments(Received((), type(x).__name__), {}, "not_a_tensor")
    if is_packed(x):
        lengths = lengths_of(x.batch_sizes.tolist(), x.unsorted_indices)
        data = _shape(x.data)
        steps, batch = max(lengths), len(lengths)
        padded = (batch, steps, data[-1]) if batch_first else (steps, batch, data[-1])
        received = Received(
            padded,
            dtype_name(x.data),
            lengths=tuple(lengths),
            enforce_sorted=x.sorted_indices is None,
            packed_data=data,
        )
    else:
        received = Received(_shape(x), dtype_name(x))
    states, problem = _states(kind, hx)
    received = replace(received, h_0=states.get("h_0"), c_0=states.get("c_0"))
    explain: dict[str, Any] = {"input": received.input, **states}
    if received.lengths is not None:
        explain.update(lengths=received.lengths, enforce_sorted=received.enforce_sorted)
    given = described_state(hx) if problem == "bad_state" else ""
    return Arguments(received, explain, problem, given)


def _states(kind: ModuleKind, hx: Any) -> tuple[dict[str, Shape], str | None]:
    if hx is None:
        return {}, None
    if isinstance(hx, (tuple, list)):
        if not all(hasattr(t, "shape") for t in hx) or (kind.has_cell_state and len(hx) != 2):
            return {}, "bad_state"
        if kind.has_cell_state:
            return {"h_0": _shape(hx[0]), "c_0": _shape(hx[1])}, None
        return ({"h_0": _shape(hx[0])} if hx else {}), "tuple"
    if not hasattr(hx, "shape"):
        return {}, "bad_state"
    if kind.has_cell_state:
        return {"h_0": _shape(hx)}, "one_tensor"
    return {"h_0": _shape(hx)}, None


def described_state(value: Any) -> str:
    """A state as it was given, as code shows it: ``(Tensor (1, 5, 4), None)``, ``'abc'``."""
    if isinstance(value, (tuple, list)):
        inner = ", ".join(described_state(v) for v in value)
        if isinstance(value, list):
            return f"[{inner}]"
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if hasattr(value, "shape"):
        shape = ", ".join(str(int(s)) for s in value.shape)
        return f"Tensor ({shape})"
    if value is None or isinstance(value, (int, float, bool)):
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 20 else value[:20] + "...")
    return type(value).__name__


def is_packed(x: Any) -> bool:
    return type(x).__name__ == "PackedSequence" and hasattr(x, "batch_sizes")


def _shape(tensor: Any) -> Shape:
    return tuple(int(size) for size in tensor.shape)


def dtype_name(tensor: Any) -> str:
    """``float32``: torch's dtype without ``torch.``."""
    return str(getattr(tensor, "dtype", "?")).removeprefix("torch.")


def lengths_of(batch_sizes: list[int], unsorted_indices: Any) -> list[int]:
    """Each sequence's length, in the batch's own order, from a PackedSequence's batch_sizes
    (sequences running at each step, longest first) and its unsorted_indices."""
    batch = batch_sizes[0] if batch_sizes else 0
    ordered = [0] * batch  # by length, longest first: sequence j runs while batch_sizes[t] > j
    for step, running in enumerate(batch_sizes):
        nxt = batch_sizes[step + 1] if step + 1 < len(batch_sizes) else 0
        for j in range(nxt, running):
            ordered[j] = step + 1
    if unsorted_indices is None:
        return ordered
    return [ordered[int(i)] for i in unsorted_indices.tolist()]
