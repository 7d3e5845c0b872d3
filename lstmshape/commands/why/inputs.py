"""torch's sentences about the input and the states' ranks, and a cell's tensors."""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.cells import cell_batch_causes, cell_width_cause
from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.commands.why.find import Found
from lstmshape.i18n import tr
from lstmshape.results.cause import Axis, Cause
from lstmshape.results.why import Explained


def input_width(found: Found, given: Given) -> Explained:
    """``input.size(-1) must be equal to input_size. Expected 300, got 128`` (and a cell's)."""
    want, got = found.fields["expected"], found.fields["got"]
    shape = given.input
    channels_first = _channels_first(found, given, want)
    causes = [
        *([] if channels_first is None else [channels_first]),
        _another_width(found, given, want, got),
    ]
    # With the input's shape given, a transpose that puts another axis last cannot give torch
    # its input_size unless that axis holds it (channels_first above): left out.
    if found.sentence.stage != "cell" and channels_first is None and shape is None:
        causes.append(_features_not_last(got))
    return found.explained(
        tr(
            "The input's last axis (H_in) has {got} features; the module was built for {want}.",
            got=got,
            want=want,
        ),
        subject="input",
        expected=want,
        got=got,
        formula="(..., H_in)",
        axes=(Axis("H_in", want, got),),
        causes=tuple(causes),
        notes=_not_the_input(shape, got),
    )


def _channels_first(found: Found, given: Given, want: int) -> Cause | None:
    """The input given holds input_size on the channels' axis: (N, C, L) as Conv1d gives it."""
    shape = given.input
    # Channels first is (N, C, L), or (C, L) unbatched: C on axis 1, or axis 0 of 2; never N.
    axis = None if found.sentence.stage == "cell" else {3: 1, 2: 0}.get(len(shape or ()))
    if shape is None or axis is None or shape[axis] != want:
        return None
    return Cause(
        "channels_first",
        tr(
            "The input {shape} holds input_size = {want} on axis {axis}: channels first, "
            "as Conv1d gives (N, C, L).",
            shape=shape,
            want=want,
            axis=axis,
        ),
        _features_last(shape, axis, given),
    )


def _another_width(found: Found, given: Given, want: int, got: int) -> Cause:
    """What feeds the layer has another width: the layer's input_size, or the layer before it."""
    return Cause(
        "input_size",
        tr(
            "What feeds the layer gives {got} features (an embedding, an encoder or a layer "
            "of another width); the layer takes {want}.",
            got=got,
            want=want,
        ),
        tr(
            "{call}; or make the layer before it output {want}",
            call=given.constructor(f"input_size={got}, ...", _classes(found)),
            want=want,
        ),
    )


def _features_not_last(got: int) -> Cause:
    """The data is (N, C, L) with no shape given: what torch read as features is its length."""
    return Cause(
        "features_not_last",
        tr(
            "If the data is (N, C, L), as Conv1d gives it, {got} is its length, not its "
            "features: torch takes the features on the last axis.",
            got=got,
        ),
        tr(
            "{transpose}, and {argument}",
            transpose="x = x.transpose(1, 2)",
            argument="batch_first=True",
        ),
    )


def _not_the_input(shape: tuple[int, ...] | None, got: int) -> tuple[str, ...]:
    """The input given does not end in the features torch read: not the tensor torch saw."""
    if shape is None or not shape or shape[-1] == got:
        return ()
    return (
        tr(
            "The input given, {shape}, ends in {last} features; torch read {got}: it is not the "
            "tensor that reached the layer.",
            shape=shape,
            last=shape[-1],
            got=got,
        ),
    )


def _features_last(shape: tuple[int, ...], axis: int, given: Given) -> str:
    """The transpose that puts the features last; (N, C, L) becomes (N, L, C), which a module
    reads as (N, L, H_in) only with batch_first=True."""
    fix = f"x = x.transpose({axis}, -1)"
    if len(shape) == 3 and axis == 1 and not given.batch_first:
        call = given.constructor("..., batch_first=True", ("LSTM", "GRU", "RNN"))
        return tr("{transpose}, and {argument}", transpose=fix, argument=call)
    return fix


def _classes(found: Found) -> tuple[str, ...]:
    """The classes that say this sentence, for a fix when the class was not given."""
    if found.sentence.stage == "cell":
        return ("LSTMCell", "GRUCell", "RNNCell")
    return ("LSTM", "GRU", "RNN")


def input_rank(found: Found, given: Given) -> Explained:
    """``LSTM: Expected input to be 2D or 3D, got 4D instead`` (and a cell's 1D or 2D)."""
    rank = found.fields["rank"]
    cell = found.sentence.id == "cell_input_rank"
    ranks = tr("2 (batched) or 1 (unbatched)") if cell else tr("3 (batched) or 2 (unbatched)")
    if cell and rank == 3:
        causes = [
            Cause(
                "sequence_to_cell",
                tr(
                    "A cell takes one time step; a sequence (L, N, H_in) goes to the sequence "
                    "module, or step by step through the cell."
                ),
                tr(
                    "{code}  # or {other}",
                    code="for x_t in x: h, c = cell(x_t, (h, c))",
                    other="nn.LSTM(...)(x)",
                ),
            )
        ]
    elif rank > (2 if cell else 3):
        causes = [
            Cause(
                "extra_axis",
                tr(
                    "The input has {rank} axes: an extra one (images' channels, or a trailing "
                    "axis of 1) to fold into the features or squeeze away.",
                    rank=rank,
                ),
                # flatten folds the trailing axes whatever the layout: (L, N, ...) or (N, L, ...)
                tr(
                    "{code}  # then input_size is their product",
                    code=f"x = x.flatten({1 if cell else 2})",
                ),
            )
        ]
    else:
        causes = [
            Cause(
                "missing_axis",
                tr(
                    "The input has {rank} axes: one time step or one feature vector needs its "
                    "missing axes.",
                    rank=rank,
                ),
                tr(
                    "{code}  # a sequence of one step, or a batch of one",
                    code="x = x.unsqueeze(0)",
                ),
            )
        ]
    return found.explained(
        _takes(found, rank, ranks),
        subject="input",
        expected=ranks,
        got=rank,
        formula="(N, H_in) or (H_in)" if cell else "(L, N, H_in), (N, L, H_in) or (L, H_in)",
        causes=tuple(causes),
    )


def _takes(found: Found, rank: int, ranks: str) -> str:
    module = found.fields.get("module")
    if module is None:
        return tr("The input has {rank} axes; the module takes {ranks}.", rank=rank, ranks=ranks)
    return tr(
        "The input has {rank} axes; {module} takes {ranks}.", rank=rank, module=module, ranks=ranks
    )


def no_steps(found: Found, given: Given) -> Explained:
    """``Expected sequence length to be larger than 0 in RNN``."""
    return found.explained(
        tr("The input has no time steps: L = 0."),
        subject="input",
        expected="L >= 1",
        got=0,
        axes=(Axis("L", None, 0),),
        causes=(
            Cause(
                "empty_sequence",
                tr(
                    "A sequence of length 0 reached the layer: an empty sample, or the time axis "
                    "sliced empty (with batch_first, L is axis 1)."
                ),
                tr(
                    "skip empty sequences: {code}",
                    code="if x.size(1 if batch_first else 0) > 0: ...",
                ),
            ),
        ),
    )


def single_state(found: Found, given: Given) -> Explained:
    """``index 1 is out of bounds for dimension 0 with size 1``: hx[1] of a single tensor."""
    return found.explained(
        tr(
            "An LSTM read its states as hx[0] and hx[1], and hx had one row: one tensor was "
            "passed where the tuple (h_0, c_0) belongs (if this came from an LSTM's forward)."
        ),
        subject="c_0",
        causes=(
            Cause(
                "one_state_for_two",
                tr("One state tensor in place of (h_0, c_0)."),
                "lstm(x, (h_0, c_0))",
            ),
        ),
    )


def cell_state(found: Found, given: Given) -> Explained:
    """A cell's state of the wrong batch, width or rank, or one tensor for LSTMCell's tuple."""
    sentence = found.sentence.id
    tensor = "c_0" if found.fields.get("index") == 1 else "h_0"
    if sentence == "cell_batch":
        axis = Axis("N", found.fields["input"], found.fields["state"])
        summary = tr(
            "{tensor} holds a batch of {got}; the input has N = {want}.",
            tensor=tensor,
            got=axis.got,
            want=axis.expected,
        )
        causes = cell_batch_causes(axis, tensor, given)
        return _one_axis(found, tensor, axis, summary, "(N, H)", causes)
    if sentence == "cell_width":
        axis = Axis("H", found.fields["expected"], found.fields["got"])
        summary = tr(
            "{tensor} has {got} features; the cell's hidden_size is {want}.",
            tensor=tensor,
            got=axis.got,
            want=axis.expected,
        )
        width = cell_width_cause(axis, tensor)
        return _one_axis(found, tensor, axis, summary, "(N, hidden_size)", (width,))
    return _one_for_two(found, tensor)


def _one_axis(
    found: Found, tensor: str, axis: Axis, summary: str, formula: str, causes: tuple[Cause, ...]
) -> Explained:
    """A cell's state that differs from what torch expects on one axis."""
    return found.explained(
        summary,
        subject=tensor,
        expected=axis.expected,
        got=axis.got,
        formula=formula,
        axes=(axis,),
        causes=causes,
    )


def _one_for_two(found: Found, tensor: str) -> Explained:
    rank = found.fields.get("rank")
    if found.sentence.id in ("lstm_cell_tuple",) or rank == 0:
        cause = Cause(
            "one_state_for_two",
            tr("LSTMCell takes (h, c) as one tuple; one tensor was passed."),
            "cell(x_t, (h, c))",
        )
    elif rank == 3:
        cause = Cause(
            "sequence_state_to_cell",
            tr(
                "A sequence module's state (D*num_layers, N, H) was passed to a cell, which keeps "
                "one (N, H) per sequence."
            ),
            tr("{code}  # the first layer's state", code="cell(x_t, h_0[0])"),
        )
    else:
        cause = Cause(
            "state_rank",
            tr("A cell's state is (N, H) for batched input, (H) unbatched."),
            "h = torch.zeros(N, hidden_size)",
        )
    return found.explained(
        tr("The cell's state {tensor} has the wrong rank or form.", tensor=tensor),
        subject=tensor,
        formula="(N, H) or (H)",
        causes=(cause,),
    )
