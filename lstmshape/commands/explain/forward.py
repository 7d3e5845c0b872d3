"""A sequence module's tensors, checked in the order torch's forward() checks them.

nn.LSTM.forward checks the input's rank, the states' ranks, the input's width, hidden[0], hidden[1]
and the sequence length, in that order, each with its own sentence; the first fault lstmshape
reports is the one torch would raise for the same tensors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from lstmshape.commands.explain.layout import Layout, state_shapes
from lstmshape.commands.explain.states import state_size_error
from lstmshape.errors import TensorMismatchError
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.text import a_module, format_shape
from lstmshape.i18n.words import Fix, Part, Text, Words, fix, verbatim, words
from lstmshape.torchfacts.kinds import ModuleKind
from lstmshape.torchfacts.sentences import TORCH
from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]


if TYPE_CHECKING:
    from lstmshape.results.cause import Cause


def check_tensors(
    spec: ModuleSpec, input_shape: Shape, *, h_0: Shape | None = None, c_0: Shape | None = None
) -> None:
    """Raise :class:`TensorMismatchError` for the first fault torch's forward() would raise.

    A state left out (``None``) is the zeros torch makes; when only one of h_0 and c_0 is given, the
    other is taken to be of the right shape, so that torch's wording can be predicted exactly.
    """
    check_input_rank(spec.kind, input_shape)
    layout = Layout.of(spec, input_shape)
    expected = state_shapes(spec, input_shape)
    given = {"h_0": h_0, "c_0": c_0}
    if any(given[name] is not None for name in spec.kind.state_names):
        _check_state_ranks(spec, layout, given, expected)
    if input_shape[-1] != spec.input_size:
        raise input_width_error(spec, input_shape)
    for position, name in enumerate(spec.kind.state_names):
        shape = given[name]
        if shape is not None and shape != expected[name]:
            raise state_size_error(spec, layout, position, given, expected)
    if layout.length == 0:
        ones = list(input_shape)
        ones[layout.time_axis] = 1
        raise TensorMismatchError(
            words(
                "The input has no time steps: L = 0 (axis {axis} of {shape}).",
                axis=layout.time_axis,
                shape=format_shape(input_shape),
            ),
            details=[words("A recurrent layer needs at least one step to produce h_n.")],
            torch_says=TORCH["no_steps"].say(),
            hint=words("Try {a}.", a=fix(input=tuple(ones))),
            subject="input",
            actual=input_shape,
        )


def input_width_error(spec: ModuleSpec, input_shape: Shape) -> TensorMismatchError:
    """The input's last axis is not input_size (torch: "input.size(-1) must be equal to ...")."""
    width = input_shape[-1]
    fitting = (*input_shape[:-1], spec.input_size)
    details = [
        words(
            "H_in = input_size = {input_size} is the width of each time step.",
            input_size=spec.input_size,
        )
    ]
    channels_first = _channels_first(spec, input_shape)
    if channels_first is not None:
        shape, code = channels_first
        details.append(
            words(
                "input_size = {input_size} is the input's axis {axis}: the data looks "
                "channels-first, like Conv1d's (N, C, L). {code} gives {shape}, which this "
                "{module} reads as its input.",
                input_size=spec.input_size,
                axis=input_shape.index(spec.input_size),
                code=code,
                shape=format_shape(shape),
                module=spec.kind.name,
            )
        )
        # Not input_size=width: that would take the time steps for features.
        hint = words("Try {a} ({code}).", a=fix(input=shape), code=code)
    elif width > 0:
        hint = words(
            "Try {a} to build the module for this input, or {b}.",
            a=fix(input_size=width),
            b=fix(input=fitting),
        )
    else:  # torch builds no module with input_size=0, so never suggest it
        hint = words("Try {b}.", b=fix(input=fitting))
    return TensorMismatchError(
        features_error_words(width, input_shape, spec.input_size),
        details=details,
        torch_says=TORCH["input_width"].say(expected=spec.input_size, got=width),
        hint=hint,
        subject="input",
        expected=spec.input_size,
        actual=width,
    )


def features_error_words(width: int, input_shape: Shape, input_size: int) -> Words:
    """The input's width is not input_size: the first line of the error, packed or not."""
    return words(
        "The input has {width} features per step (last axis of {shape}), but input_size is "
        "{input_size}.",
        width=width,
        shape=format_shape(input_shape),
        input_size=input_size,
    )


def _channels_first(spec: ModuleSpec, input_shape: Shape) -> tuple[Shape, str] | None:
    """Conv1d's layout, (N, C, L) or (C, L) with C = input_size on the axis before the last: the
    shape this module reads once the channels are moved last, and the code that moves them."""
    c = spec.input_size
    if len(input_shape) == 3 and input_shape[1] == c and c not in (input_shape[0], input_shape[2]):
        n, _, length = input_shape
        if spec.batch_first:
            return (n, length, c), "x.transpose(1, 2)"
        return (length, n, c), "x.permute(2, 0, 1)"
    if len(input_shape) == 2 and input_shape[0] == c != input_shape[1]:
        return (input_shape[1], c), "x.transpose(0, 1)"
    return None


def check_input_rank(kind: ModuleKind, input_shape: Shape) -> None:
    """A sequence module takes 3-D (batched) or 2-D (unbatched) input."""
    rank = len(input_shape)
    if rank in (2, 3):
        return
    values: dict[str, Part] = {
        "rank": rank,
        "shape": format_shape(input_shape),
        "module": a_module(kind),
    }
    raise TensorMismatchError(
        words(
            "The input has {rank} dimension {shape}, but {module} takes 3 (batched) or 2 "
            "(unbatched).",
            **values,
        )
        if rank == 1
        else words(
            "The input has {rank} dimensions {shape}, but {module} takes 3 (batched) or 2 "
            "(unbatched).",
            **values,
        ),
        details=[
            words(
                "Batched: (L, N, H_in), or (N, L, H_in) with batch_first=True. Unbatched: "
                "(L, H_in)."
            )
        ],
        torch_says=TORCH[kind.input_rank_sentence].say(module=kind.name, rank=rank),
        hint=words(
            "Try {a} (L=4 steps, N=3 sequences, H_in=10 features).", a=fix(input=(4, 3, 10))
        ),
        subject="input",
        actual=input_shape,
    )


def batched_input(spec: ModuleSpec, length: int, width: int) -> Shape:
    """An unbatched (L, H_in) input given a batch of one, in the layout the module reads."""
    return (1, length, width) if spec.batch_first else (length, 1, width)


def _check_state_ranks(
    spec: ModuleSpec,
    layout: Layout,
    given: Mapping[str, Shape | None],
    expected: Mapping[str, Shape],
) -> None:
    names = spec.kind.state_names
    want = 3 if layout.batched else 2
    # torch reads both ranks at once; a state left out counts as the right one.
    shapes = {name: expected[name] if given[name] is None else given[name] for name in names}
    wrong = [name for name in names if len(shapes[name] or ()) != want]
    if not wrong:
        return
    name = wrong[0]
    shape = shapes[name] or ()
    # torch's own sentence's list ("(2-D, 3-D)"), as torch says it in every language.
    rank_list = ", ".join(f"{len(shapes[n] or ())}-D" for n in names)
    kind_of_input = "batched 3-D" if layout.batched else "unbatched 2-D"
    if len(names) == 1:
        torch_says = TORCH["state_rank"].say(input=kind_of_input, want=want, got=len(shape))
    else:
        torch_says = TORCH["states_rank"].say(input=kind_of_input, want=want, ranks=rank_list)
    details, hint = _rank_advice(
        spec, layout, given, expected, Fix.of({n: expected[n] for n in wrong})
    )
    causes = _rank_causes(spec, layout, shapes, name, expected[name])
    details.append(verbatim(causes[0].text))
    values: dict[str, Part] = {
        "name": name,
        "shape": format_shape(shape),
        "rank": len(shape),
        "want": want,
        "right": format_shape(expected[name]),
    }
    error = TensorMismatchError(
        words(
            "{name} has shape {shape} ({rank}-D), but batched input needs {want}-D states: "
            "{right}.",
            **values,
        )
        if layout.batched
        else words(
            "{name} has shape {shape} ({rank}-D), but unbatched input needs {want}-D states: "
            "{right}.",
            **values,
        ),
        details=details,
        torch_says=torch_says,
        hint=hint,
        subject=name,
        expected=expected[name],
        actual=shape,
    )
    error.causes = tuple(cause.id for cause in causes)
    raise error


def _rank_causes(
    spec: ModuleSpec,
    layout: Layout,
    shapes: Mapping[str, Shape | None],
    name: str,
    right: Shape,
) -> list[Cause]:
    """The one diagnosis' causes of the state ``name`` of the wrong rank, told the sizes torch's
    sentence does not say."""
    names = spec.kind.state_names
    ranks = tuple(len(shapes[n] or ()) for n in names)
    # The diagnosis is loaded only when a state is wrong: explaining a right call never needs it.
    from lstmshape.commands.explain.diagnosis.given import Given
    from lstmshape.commands.explain.diagnosis.ranks import state_rank_causes

    return state_rank_causes(
        name,
        ranks,
        names.index(name),
        layout.batched,
        len(names) == 2,
        Given.of_call(spec, layout.input_shape),
        (right, shapes[name] or ()),
    )


def _rank_advice(
    spec: ModuleSpec,
    layout: Layout,
    given: Mapping[str, Shape | None],
    expected: Mapping[str, Shape],
    states_fix: Fix,
) -> tuple[list[Text], Words]:
    """What rank the input needs its states in, and the fix: the states of that rank; states
    built for a batch, given to unbatched input, fit it too once the input has a batch axis."""
    names = spec.kind.state_names
    input_shape = layout.input_shape
    if layout.batched:
        states = enumerated(f"{n} {format_shape(expected[n])}" for n in names)
        needs = words(
            "Batched input {shape} needs 3-D states (D*num_layers, N, H): {states}.",
            shape=format_shape(input_shape),
            states=states,
        )
        return [needs], words("Try {a}.", a=states_fix)
    needs = words(
        "Unbatched input {shape} needs 2-D states (D*num_layers, H), with no batch axis.",
        shape=format_shape(input_shape),
    )
    if all(len(given[n] or ()) == 3 for n in names if given[n] is not None):
        length, width = input_shape
        return [needs], words(
            "Try {a}, or give the input a batch axis: {b}.",
            a=states_fix,
            b=fix(input=batched_input(spec, length, width)),
        )
    return [needs], words("Try {a}.", a=states_fix)
