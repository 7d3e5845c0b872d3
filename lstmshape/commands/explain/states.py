"""A sequence module's state of the wrong size: torch's sentence, the axes, and the likely cause,
from the one diagnosis ``why`` asks too (lstmshape.commands.explain.diagnosis)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from lstmshape.commands.explain.layout import Layout, state_shapes
from lstmshape.commands.explain.mismatch import state_mismatch
from lstmshape.errors import TensorMismatchError
from lstmshape.i18n.words import Fix, Words, verbatim, words
from lstmshape.torchfacts.sentences import TORCH
from lstmshape.torchfacts.spec import ModuleSpec

if TYPE_CHECKING:
    from lstmshape.commands.explain.diagnosis.sizes import Diagnosis

Shape = tuple[int, ...]


def state_size_error(
    spec: ModuleSpec,
    layout: Layout,
    position: int,
    given: Mapping[str, Shape | None],
    right: Mapping[str, Shape],
) -> TensorMismatchError:
    """The state at ``position`` does not fit: torch's "Expected hidden[0] size ...", its axes, the
    likely causes, and a fix that keeps the user's N and L."""
    name = spec.kind.state_names[position]
    shape = given[name] or ()
    want = right[name]
    # torch compares the unbatched states after unsqueeze(1), so its sentence shows 3-D sizes.
    torch_expected = want if layout.batched else (want[0], 1, want[1])
    torch_got = shape if layout.batched else (shape[0], 1, shape[1])
    label = hidden_label(spec, position)
    # The diagnosis is loaded only when a state is wrong: explaining a right call never needs it.
    from lstmshape.commands.explain.diagnosis.given import Given
    from lstmshape.commands.explain.diagnosis.sizes import state_size_causes

    diagnosis = state_size_causes(
        label, torch_expected, torch_got, Given.of_call(spec, layout.input_shape)
    )
    error = state_mismatch(
        spec,
        name,
        shape,
        want,
        details=[
            _formula(spec, layout, name),
            *(verbatim(cause.text) for cause in diagnosis.firsts),
        ],
        torch_says=TORCH["state_size"].say(label=label, expected=torch_expected, got=torch_got),
        hint=words("Try {a}.", a=_state_fix(spec, layout, given, right, diagnosis)),
    )
    error.causes = tuple(cause.id for cause in diagnosis.causes)
    return error


def _formula(spec: ModuleSpec, layout: Layout, name: str) -> Words:
    width_symbol = "H_out" if name == "h_0" else "H_cell"
    width = spec.H_out if name == "h_0" else spec.H_cell
    shown = (
        f"(D*num_layers, N, {width_symbol})"
        if layout.batched
        else f"(D*num_layers, {width_symbol})"
    )
    values = f"D={spec.D}, num_layers={spec.num_layers}, " + (
        f"N={layout.batch}, " if layout.batched else ""
    )
    return words(
        "{name} is {formula} with {values}.",
        name=name,
        formula=shown,
        values=f"{values}{width_symbol}={width}",
    )


def _state_fix(
    spec: ModuleSpec,
    layout: Layout,
    given: Mapping[str, Shape | None],
    right: Mapping[str, Shape],
    diagnosis: Diagnosis,
) -> Fix:
    """The likeliest cause's fix: the states of the right shape; or, when the input is read with
    N and L swapped, the layout's fix, with any state that still does not fit under the right
    reading."""
    first = diagnosis.causes[0] if diagnosis.causes else None
    from lstmshape.commands.explain.diagnosis.changes import LAYOUT_CAUSES

    if first is None or first.id not in LAYOUT_CAUSES or first.change is None:
        wrong = [n for n in spec.kind.state_names if given[n] not in (None, right[n])]
        return Fix.of({n: right[n] for n in wrong})
    reread = replace(spec, batch_first=not spec.batch_first)
    needed = state_shapes(reread, layout.input_shape)
    still = {n: needed[n] for n in spec.kind.state_names if given[n] not in (None, needed[n])}
    return Fix((*first.change.changes, *Fix.of(still).changes))


def hidden_label(spec: ModuleSpec, position: int) -> str:
    """How torch names a state in its sentence: an LSTM's hidden[0] and hidden[1], else hidden."""
    return f"hidden[{position}]" if spec.kind.has_cell_state else "hidden"
