"""A cell's tensors, checked in the order its forward() checks them.

The order is torch's: the input's rank and each state's rank (in Python), then, after a batch axis
of 1 is added to unbatched tensors, the input's width and each state's batch and width (in C++).
torch checks only a state's first two axes; lstmshape refuses the rest, and says torch does not.
"""

from __future__ import annotations

from lstmshape.commands.explain.layout import state_shapes
from lstmshape.commands.explain.mismatch import state_mismatch
from lstmshape.errors import TensorMismatchError
from lstmshape.i18n.text import a_module, format_shape
from lstmshape.i18n.words import Part, Text, fix, verbatim, words
from lstmshape.results.cause import Axis, Cause
from lstmshape.torchfacts.sentences import TORCH
from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]


def check_cell_tensors(
    spec: ModuleSpec, input_shape: Shape, *, h_0: Shape | None = None, c_0: Shape | None = None
) -> None:
    """Raise :class:`TensorMismatchError` for the first fault a cell's forward() would raise."""
    _check_rank(spec, input_shape)
    right = state_shapes(spec, input_shape)
    given = {"h_0": h_0, "c_0": c_0}
    shapes: dict[str, Shape] = {}
    for name in spec.kind.state_names:
        shape = given[name]
        shapes[name] = right[name] if shape is None else shape
    passed = any(given[name] is not None for name in spec.kind.state_names)
    if passed:
        _check_state_ranks(spec, shapes, right)
    # torch gives unbatched tensors a batch axis of 1, then checks in C++.
    x = input_shape if len(input_shape) == 2 else (1, *input_shape)
    if x[1] != spec.input_size:
        raise TensorMismatchError(
            words(
                "The input has {width} features (last axis of {shape}), but input_size is "
                "{input_size}.",
                width=x[1],
                shape=format_shape(input_shape),
                input_size=spec.input_size,
            ),
            details=[
                words(
                    "H_in = input_size = {input_size} is the width of each step.",
                    input_size=spec.input_size,
                )
            ],
            torch_says=TORCH["cell_input_width"].say(got=x[1], expected=spec.input_size),
            hint=words(
                "Try {a} to build the cell for this input, or {b}.",
                a=fix(input_size=x[1]),
                b=fix(input=(*input_shape[:-1], spec.input_size)),
            ),
            subject="input",
            expected=spec.input_size,
            actual=x[1],
        )
    if passed:
        for idx, name in enumerate(spec.kind.state_names):
            if shapes[name] != right[name]:
                raise _state_error(spec, input_shape, idx, name, shapes[name], right[name])


def _check_rank(spec: ModuleSpec, input_shape: Shape) -> None:
    kind = spec.kind
    rank = len(input_shape)
    if rank in (1, 2):
        return
    detail = (
        words(
            "A cell takes one time step: (N, H_in), or (H_in) unbatched. For a sequence {shape}, "
            "loop over its first axis, or use {module}.",
            shape=format_shape(input_shape),
            module=f"nn.{kind.sequence_module}",
        )
        if rank == 3
        else words("A cell takes one time step: (N, H_in), or (H_in) unbatched.")
    )
    raise TensorMismatchError(
        words(
            "The input has {rank} dimensions {shape}, but {module} takes 2 (batched) or 1 "
            "(unbatched).",
            rank=rank,
            shape=format_shape(input_shape),
            module=a_module(kind),
        ),
        details=[detail],
        torch_says=TORCH[kind.input_rank_sentence].say(module=kind.name, rank=rank),
        hint=words("Try {a}.", a=fix(input=input_shape[-2:]))
        if rank == 3
        else words("Try {a} (N=3 sequences, H_in=10 features).", a=fix(input=(3, 10))),
        subject="input",
        actual=input_shape,
    )


def _check_state_ranks(spec: ModuleSpec, shapes: dict[str, Shape], right: dict[str, Shape]) -> None:
    kind = spec.kind
    for idx, name in enumerate(kind.state_names):
        shape = shapes[name]
        if len(shape) in (1, 2):
            continue
        raise TensorMismatchError(
            words(
                "{name} has shape {shape} ({rank}-D), but {module}'s states are (N, H) or (H): "
                "{right}.",
                name=name,
                shape=format_shape(shape),
                rank=len(shape),
                module=a_module(kind),
                right=format_shape(right[name]),
            ),
            details=[words("A cell keeps one state per sequence: no layer or direction axis.")],
            torch_says=TORCH[kind.state_rank_sentence].say(
                module=kind.name, index=idx, rank=len(shape)
            ),
            hint=words("Try {a}.", a=fix(**{name: right[name]})),
            subject=name,
            expected=right[name],
            actual=shape,
        )


def _state_error(
    spec: ModuleSpec, input_shape: Shape, idx: int, name: str, shape: Shape, right: Shape
) -> TensorMismatchError:
    """A state that does not fit: torch's sentence for the first axis it compares, and the cause."""
    batched = len(input_shape) == 2
    batch = input_shape[0] if batched else 1
    hx = shape if batched else (1, *shape)
    says: str | None
    if hx[0] != batch:
        says = TORCH["cell_batch"].say(input=batch, index=idx, state=hx[0])
    elif len(hx) < 2:
        says = TORCH["cell_state_1d"].say()
    elif hx[1] != spec.hidden_size:
        says = TORCH["cell_width"].say(index=idx, got=hx[1], expected=spec.hidden_size)
    else:
        says = None  # torch checks only the first two axes: this state reaches its kernel
    error = state_mismatch(
        spec,
        name,
        shape,
        right,
        details=_state_causes(spec, input_shape, name, shape, right, checked=says is not None),
        torch_says=says,
    )
    if says is not None and len(shape) == len(right):
        error.causes = tuple(cause.id for cause in _causes(spec, input_shape, name, shape))
    return error


def _state_causes(
    spec: ModuleSpec, input_shape: Shape, name: str, shape: Shape, right: Shape, *, checked: bool
) -> list[Text]:
    batched = len(input_shape) == 2
    if not checked:
        return [
            words(
                "Unbatched input {shape} needs a 1-D {name}.",
                shape=format_shape(input_shape),
                name=name,
            ),
            words(
                "torch does not catch this one: it checks only a state's first two axes against "
                "the input, so this state reaches its kernel, which fails with an unrelated "
                "message or worse."
            ),
        ]
    if len(shape) != len(right):
        # torch has no rank check between input and states: the fault surfaces as a size.
        values: dict[str, Part] = {
            "shape": format_shape(input_shape),
            "want": len(right),
            "name": name,
            "rank": len(shape),
        }
        if batched:
            return [
                words("Batched input {shape} needs {want}-D states; {name} is {rank}-D.", **values)
            ]
        return [
            words("Unbatched input {shape} needs {want}-D states; {name} is {rank}-D.", **values)
        ]
    return [verbatim(cause.text) for cause in _causes(spec, input_shape, name, shape)[:1]]


def _causes(spec: ModuleSpec, input_shape: Shape, name: str, shape: Shape) -> tuple[Cause, ...]:
    """The one diagnosis' causes of a state of the input's rank that torch refuses: its batch
    (batched input only: an unbatched one's batch of 1 is added to both), else its width."""
    # The diagnosis is loaded only when a state is wrong: explaining a right call never needs it.
    from lstmshape.commands.explain.diagnosis.cells import cell_batch_causes, cell_width_cause
    from lstmshape.commands.explain.diagnosis.given import Given

    known = Given(module=spec.kind, input=input_shape, hidden_size=spec.hidden_size)
    if len(input_shape) == 2 and shape[0] != input_shape[0]:
        return cell_batch_causes(Axis("N", input_shape[0], shape[0]), name, known, len(shape))
    return (cell_width_cause(Axis("H", spec.hidden_size, shape[-1]), name),)
