"""A sequence module's state of the wrong size: torch's sentence, the axes, and the likely cause."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from lstmshape.commands.explain.diagnosis import LAYOUT_CAUSES, Cause, state_causes
from lstmshape.commands.explain.layout import Layout, state_shapes
from lstmshape.commands.explain.mismatch import state_mismatch
from lstmshape.errors import TensorMismatchError
from lstmshape.i18n.words import Fix, words
from lstmshape.torchfacts.sentences import TORCH
from lstmshape.torchfacts.spec import ModuleSpec

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
    causes = state_causes(spec, layout, name, shape, right[name])
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
    want = right[name]
    # torch compares the unbatched states after unsqueeze(1), so its sentence shows 3-D sizes.
    torch_expected = want if layout.batched else (want[0], 1, want[1])
    torch_got = shape if layout.batched else (shape[0], 1, shape[1])
    return state_mismatch(
        spec,
        name,
        shape,
        want,
        details=[
            words(
                "{name} is {formula} with {values}.",
                name=name,
                formula=shown,
                values=f"{values}{width_symbol}={width}",
            ),
            *(line for cause in causes for line in cause.lines),
        ],
        torch_says=TORCH["state_size"].say(
            label=hidden_label(spec, position), expected=torch_expected, got=torch_got
        ),
        hint=words("Try {a}.", a=_state_fix(spec, layout, given, right, causes)),
    )


def _state_fix(
    spec: ModuleSpec,
    layout: Layout,
    given: Mapping[str, Shape | None],
    right: Mapping[str, Shape],
    causes: list[Cause],
) -> Fix:
    """The states of the right shape; or, when the input is read with N and L swapped, the
    layout's fix, with any state that still does not fit under the right reading."""
    layout_fix = next((c.fix for c in causes if c.id in LAYOUT_CAUSES and c.fix), None)
    if layout_fix is None:
        wrong = [n for n in spec.kind.state_names if given[n] not in (None, right[n])]
        return Fix.of({n: right[n] for n in wrong})
    reread = replace(spec, batch_first=not spec.batch_first)
    needed = state_shapes(reread, layout.input_shape)
    still = {n: needed[n] for n in spec.kind.state_names if given[n] not in (None, needed[n])}
    return Fix((*layout_fix.changes, *Fix.of(still).changes))


def hidden_label(spec: ModuleSpec, position: int) -> str:
    """How torch names a state in its sentence: an LSTM's hidden[0] and hidden[1], else hidden."""
    return f"hidden[{position}]" if spec.kind.has_cell_state else "hidden"
