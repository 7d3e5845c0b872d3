"""A sequence module's state of the wrong size, as torch compares it: ``Expected hidden[0] size
(1, 8, 256), got [1, 32, 256]``.

A state is (D*num_layers, N, H_out) (c_0: H_cell), whatever batch_first says; torch compares an
unbatched input's states after adding their batch axis of 1, so both shapes here are 3-D. Each
differing axis has its causes, most likely first; what the numbers (or the arguments given) prove
is said as proven.
"""

from __future__ import annotations

from typing import NamedTuple

from lstmshape.commands.explain.diagnosis.batch import batch_causes
from lstmshape.commands.explain.diagnosis.changes import LAYOUT_CAUSES, with_changes
from lstmshape.commands.explain.diagnosis.code import FROM_INPUT, TENSORS, built, width_of, zeros
from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.commands.explain.diagnosis.rows import row_causes
from lstmshape.commands.explain.diagnosis.width import width_causes
from lstmshape.i18n import tr
from lstmshape.results.cause import Axis, Cause

Shape = tuple[int, ...]


class Diagnosis(NamedTuple):
    """What is wrong with a state, and why."""

    tensor: str
    """``h_0`` or ``c_0``."""
    axes: tuple[Axis, ...]
    causes: tuple[Cause, ...]
    """The likely causes, most likely first: those of the first differing axis, then the next;
    a swap of N and L first, whatever axis it is on."""
    firsts: tuple[Cause, ...]
    """The likeliest cause of each differing axis (one, when one cause explains them all)."""
    form: str
    """``batched``, ``unbatched`` or ``either`` (torch's N = 1 may be an unbatched input's)."""


def state_size_causes(label: str, expected: Shape, got: Shape, given: Given) -> Diagnosis:
    """Why the state torch names ``label`` (``hidden[0]``, ``hidden[1]``, ``hidden``) is ``got``
    where torch expected ``expected`` (both 3-D, as torch compares them)."""
    tensor = TENSORS[label]
    axes = tuple(
        Axis(symbol, e, g)
        for symbol, e, g in zip(("D*num_layers", "N", width_of(label)), expected, got, strict=True)
    )
    classes = ("GRU", "RNN") if label == "hidden" else ("LSTM",)
    form = state_form(given, expected, got)
    per_axis = [
        row_causes(axes[0], label, given, built(label, form, both=True)),
        batch_causes(axes[1], tensor, given, zeros(label, FROM_INPUT, both=True), classes),
        width_causes(axes[2], label, given, built(label, form)),
    ]
    per_axis = [with_changes(causes, tensor, expected, got, given) for causes in per_axis]
    if per_axis[1] and per_axis[1][0].id in LAYOUT_CAUSES:
        # The input read with N and L swapped: the other axes' right sizes follow from how the
        # input is read, so the layout's fix comes before theirs (it may leave them right).
        per_axis = [per_axis[1], per_axis[0], per_axis[2]]
    causes = [cause for causes in per_axis for cause in causes]
    firsts = [causes[0] for causes in per_axis if causes]
    transposed = with_changes(_transposed(tensor, expected, got), tensor, expected, got, given)
    if transposed:
        # One transposition explains both first axes: no other cause of them is the only one;
        # a width that differs too has its own.
        causes = [*transposed, *(cause._replace(proven=False) for cause in causes)]
        firsts = [*transposed, *per_axis[2][:1]]
    return Diagnosis(tensor, axes, tuple(causes), tuple(firsts), form)


def state_form(given: Given, expected: Shape, got: Shape) -> str:
    """``batched``, ``unbatched`` or ``either``: torch adds an unbatched input's batch axis of 1 to
    its states before comparing, so N = 1 on both sides may be an unbatched input's."""
    if expected[1] != 1 or got[1] != 1:
        return "batched"
    if given.input is not None and len(given.input) in (2, 3):
        return "unbatched" if len(given.input) == 2 else "batched"
    return "either"


def _transposed(tensor: str, expected: Shape, got: Shape) -> list[Cause]:
    """``got [3, 1, 20]`` for ``(1, 3, 20)``: the state laid out batch first, like the input
    (its width may be wrong too: that is another cause)."""
    if expected[0] == expected[1] or got[:2] != (expected[1], expected[0]):
        return []
    return [
        Cause(
            "state_batch_first",
            tr(
                "{tensor} is {got}: (N, D*num_layers, H), laid out batch first like the input; "
                "batch_first applies to the input and output only, never to the states.",
                tensor=tensor,
                got=got,
            ),
            f"{tensor} = {tensor}.transpose(0, 1).contiguous()",
        )
    ]
