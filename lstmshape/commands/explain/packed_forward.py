"""A packed forward pass meets the input's width and the states: what torch checks, and what not.

nn.GRU and nn.RNN check them in Python (after reordering the states when enforce_sorted=False);
nn.LSTM does not check them at all on packed input: its kernel fails later, with unrelated
messages. lstmshape quotes torch only where torch has a sentence for the fault.
"""

from __future__ import annotations

from collections.abc import Sequence

from lstmshape.commands.explain.forward import features_error_words
from lstmshape.commands.explain.layout import Layout, state_shapes
from lstmshape.commands.explain.mismatch import state_mismatch
from lstmshape.errors import TensorMismatchError
from lstmshape.i18n.words import Text, Words, fix, words
from lstmshape.results.packing import Packing
from lstmshape.torchfacts.sentences import TORCH
from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]


def check_packed_tensors(
    spec: ModuleSpec, layout: Layout, packing: Packing, *, h_0: Shape | None, c_0: Shape | None
) -> None:
    """The input's width and the states, as a packed forward pass meets them."""
    checked_by_torch = not spec.kind.has_cell_state
    width = layout.input_shape[-1]
    if width != spec.input_size:
        details: list[Text] = [
            words(
                "H_in = input_size = {input_size} is the width of each time step.",
                input_size=spec.input_size,
            )
        ]
        raise TensorMismatchError(
            features_error_words(width, layout.input_shape, spec.input_size),
            details=details + ([] if checked_by_torch else [_LSTM_PACKED]),
            torch_says=TORCH["input_width"].say(expected=spec.input_size, got=width)
            if checked_by_torch
            else None,
            hint=words("Try {a} to build the module for this input.", a=fix(input_size=width)),
            subject="input",
            expected=spec.input_size,
            actual=width,
        )
    right = state_shapes(spec, layout.input_shape)
    given = {"h_0": h_0, "c_0": c_0}
    for name in spec.kind.state_names:
        shape = given[name]
        if shape is not None and shape != right[name]:
            raise _packed_state_error(spec, packing, name, shape, right[name])


def _packed_state_error(
    spec: ModuleSpec, packing: Packing, name: str, shape: Shape, right: Shape
) -> TensorMismatchError:
    details: list[Text] = [
        words(
            "{name} is (D*num_layers, N, H) with N = len(lengths) = {n}, in the batch's original "
            "order.",
            name=name,
            n=len(packing.lengths),
        )
    ]
    says: str | None = None
    if spec.kind.has_cell_state:
        details.append(_LSTM_PACKED)
    elif packing.enforce_sorted:
        says = TORCH["state_size"].say(label="hidden", expected=right, got=shape)
    else:
        says, detail = _unsorted_state_failure(packing, shape, right)
        details.append(detail)
    return state_mismatch(spec, name, shape, right, details=details, torch_says=says)


def _unsorted_state_failure(
    packing: Packing, shape: Shape, right: Shape
) -> tuple[str | None, Words]:
    """What a GRU's or RNN's forward says of a state on unsorted packed input, and why."""
    n = len(packing.lengths)
    unknowable = (
        len(shape) > 1 and 0 < shape[1] < n and first_outside(packing.lengths, shape[1]) is None
    )
    if unknowable:
        return None, words(
            "With enforce_sorted=False torch first reorders h_0 by the lengths and fails there: "
            "{says}, naming an index that depends on how it orders equal lengths.",
            says=INDICES_BOUNDS,
        )
    says = _reordered_state_failure(shape, right, packing.lengths)
    if says is not None:
        return says, words(
            "With enforce_sorted=False torch first reorders h_0 along its axis 1 by the lengths "
            "(index_select), then checks it."
        )
    return None, words(
        "torch does not catch this one: with enforce_sorted=False it reorders h_0 first, keeping "
        "N of its rows, and the result fits."
    )


def first_outside(lengths: Sequence[int], bound: int) -> int | None:
    """The first index >= bound in torch's sorted_indices for ``lengths`` (longest first): what
    index_select names when it fails. None when equal lengths make torch's order unpredictable."""
    if len(set(lengths)) < len(lengths):
        return None
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return next((i for i in order if i >= bound), None)


def _reordered_state_failure(shape: Shape, right: Shape, lengths: Sequence[int]) -> str | None:
    """What torch raises for a GRU's or RNN's h_0 of ``shape`` on unsorted packed input: it applies
    index_select(1, sorted_indices) first. None when torch says nothing (the reordered state fits)
    or when which index it names cannot be known (equal lengths)."""
    n = len(lengths)
    if len(shape) < 2:
        return TORCH["cell_state_1d"].say()
    if shape[1] == 0:
        return INDEX_EMPTY_AXIS
    if shape[1] < n:
        outside = first_outside(lengths, shape[1])
        if outside is None:
            return None
        return TORCH["indices_bounds"].say(index=outside, size=shape[1])
    reordered = (shape[0], n, *shape[2:])
    if reordered == right:
        return None
    return TORCH["state_size"].say(label="hidden", expected=right, got=reordered)


INDEX_EMPTY_AXIS = TORCH["index_select_empty"].say()
# torch's words when index_select picks a sequence past the end, quoted as torch says them.
INDICES_BOUNDS = "'INDICES element is out of DATA bounds'"


_LSTM_PACKED = words(
    "torch does not catch this one clearly: on packed input nn.LSTM checks neither its input's "
    "width nor its states, so its kernel fails later with an unrelated message (or, with "
    "enforce_sorted=False, keeps N of a larger h_0's rows without a word)."
)
