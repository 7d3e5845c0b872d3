"""The likely cause of a state of the wrong size: the common mistakes users make (USERS.md).

Each cause is data: an id for programs, the lines that explain it, and, where the cause is a
module argument, the fix as data. The explain path shows the lines under the error; every front
end words the fix in its own voice.
"""

from __future__ import annotations

from typing import NamedTuple

from lstmshape.commands.explain.layout import Layout
from lstmshape.i18n.text import format_shape
from lstmshape.i18n.words import Fix, Part, Text, drop, fix, words
from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]


class Cause(NamedTuple):
    """One likely cause of a fault."""

    id: str
    """Stable for programs: ``smaller_batch``, ``batch_first_forgotten``, ``bidirectional``, ..."""
    lines: tuple[Text, ...]
    fix: Fix | None = None
    """The module argument that, set, removes the cause; None when the fix is in the user's code."""


def state_causes(
    spec: ModuleSpec, layout: Layout, name: str, shape: Shape, right: Shape
) -> list[Cause]:
    """The likely causes of a state of ``shape`` where the module needs ``right``, axis by axis."""
    if not shape or not right:
        return []  # a 0-d state has no rows to compare
    causes = []
    if shape[0] != right[0]:
        causes.append(_rows_cause(spec, shape[0], right[0]))
    if layout.batched and shape[1] != right[1]:
        causes.append(_batch_cause(spec, layout, name, shape))
    if shape[-1] != right[-1]:
        causes.append(_width_cause(spec, name, shape[-1], right[-1]))
    return causes


def _rows_cause(spec: ModuleSpec, rows: int, want_rows: int) -> Cause:
    kind = spec.kind.name
    if spec.D == 2 and rows == spec.num_layers:
        return Cause(
            "bidirectional_not_counted",
            (
                words(
                    "It has num_layers={rows} rows; a bidirectional {kind} needs one row per layer "
                    "and direction: D*num_layers = 2*{num} = {want}.",
                    rows=rows,
                    kind=kind,
                    num=spec.num_layers,
                    want=want_rows,
                ),
            ),
        )
    if spec.D == 1 and rows == 2 * spec.num_layers:
        return Cause(
            "built_for_bidirectional",
            (
                words(
                    "It has 2*num_layers = {rows} rows, as for a bidirectional {kind}; this one has "
                    "one direction (add {fix} if that was meant).",
                    rows=rows,
                    kind=kind,
                    fix=fix(bidirectional=True),
                ),
            ),
            fix(bidirectional=True),
        )
    return Cause(
        "num_layers",
        (
            words(
                "Its first axis is D*num_layers = {d}*{num} = {want}, one row per layer and "
                "direction.",
                d=spec.D,
                num=spec.num_layers,
                want=want_rows,
            ),
        ),
    )


# Causes that say the input's axes are read the other way round: their fix is the layout, and no
# state fix may be offered instead (it would fit the states to swapped N and L).
LAYOUT_CAUSES = ("batch_first_forgotten", "batch_first_wrong")


def _batch_cause(spec: ModuleSpec, layout: Layout, name: str, shape: Shape) -> Cause:
    got_n, want_n = shape[1], layout.batch
    input_shape = layout.input_shape
    if spec.batch_first and shape[0] == want_n and shape[1] == spec.D * spec.num_layers:
        return Cause(
            "states_not_batch_first",
            (
                words(
                    "batch_first=True reorders input and output only: {name} keeps N in the "
                    "middle, (D*num_layers, N, ...).",
                    name=name,
                ),
            ),
        )
    other = input_shape[1 - layout.time_axis]  # the axis torch reads as L
    if got_n == input_shape[layout.time_axis] and got_n != other:
        return _swapped_cause(spec, layout, got_n)
    source = "x.size(0)" if spec.batch_first else "x.size(1)"
    values: dict[str, Part] = {"name": name, "got": got_n, "n": want_n}
    cause = (
        words(
            "{name} was built for a batch of {got}, but the input has N = {n}. (The last batch of "
            "an epoch is often smaller.)",
            **values,
        )
        if got_n > want_n
        else words("{name} was built for a batch of {got}, but the input has N = {n}.", **values)
    )
    return Cause(
        "batch_size",
        (
            cause,
            words("Build it from the input: {code}.", code=f"torch.zeros(..., {source}, ...)"),
        ),
    )


def _swapped_cause(spec: ModuleSpec, layout: Layout, got_n: int) -> Cause:
    """The state was built for the batch the input holds on the axis torch reads as L."""
    shape = format_shape(layout.input_shape)
    first, second = layout.input_shape[0], layout.input_shape[1]
    if not spec.batch_first:
        return Cause(
            "batch_first_forgotten",
            (
                words(
                    "Its batch axis is {n}, the input's first axis: is the input (N, L, H_in)? "
                    "Without batch_first=True torch reads {shape} as L={first}, N={second} "
                    "(add {fix}).",
                    n=got_n,
                    shape=shape,
                    first=first,
                    second=second,
                    fix=fix(batch_first=True),
                ),
            ),
            fix(batch_first=True),
        )
    return Cause(
        "batch_first_wrong",
        (
            words(
                "Its batch axis is {n}, the input's second axis: is the input (L, N, H_in)? With "
                "batch_first=True torch reads {shape} as N={first}, L={second} (try {fix}).",
                n=got_n,
                shape=shape,
                first=first,
                second=second,
                fix=drop("batch_first"),
            ),
        ),
        drop("batch_first"),
    )


def _width_cause(spec: ModuleSpec, name: str, got: int, want: int) -> Cause:
    if name == "h_0" and spec.proj_size > 0 and got == spec.hidden_size:
        return Cause(
            "proj_size_h",
            (
                words(
                    "With proj_size={proj_size}, h_0 has H_out = proj_size = {proj_size} "
                    "features; only c_0 keeps hidden_size = {hidden_size}.",
                    proj_size=spec.proj_size,
                    hidden_size=spec.hidden_size,
                ),
            ),
        )
    if name == "c_0" and spec.proj_size > 0 and got == spec.proj_size:
        return Cause(
            "proj_size_c",
            (
                words(
                    "c_0 keeps H_cell = hidden_size = {hidden_size} features; proj_size={proj_size} "
                    "shrinks h only.",
                    hidden_size=spec.hidden_size,
                    proj_size=spec.proj_size,
                ),
            ),
        )
    symbol = "H_out" if name == "h_0" else "H_cell"
    return Cause("width", (words("Its last axis is {symbol} = {want}.", symbol=symbol, want=want),))
