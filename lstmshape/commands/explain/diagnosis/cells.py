"""A cell's state (nn.LSTMCell, GRUCell, RNNCell) of the wrong batch or width: a cell keeps one
(N, hidden_size) state per sequence, (hidden_size) for unbatched input; no layers, no batch_first."""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.batch import batch_causes
from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.i18n import tr
from lstmshape.results.cause import Axis, Cause


def cell_width_cause(axis: Axis, tensor: str) -> Cause:
    """A cell's state of another width than its hidden_size."""
    return Cause(
        "width",
        tr("A cell's states are (N, {want}).", want=axis.expected),
        f"{tensor} = torch.zeros(N, hidden_size)",
    )


def cell_batch_causes(
    axis: Axis, tensor: str, given: Given, rank: int | None = None
) -> tuple[Cause, ...]:
    """A cell's state of another batch; or a 1-D state (hidden_size,) given with batched input,
    whose hidden_size torch reads as its batch. ``rank``: the state's, when known (explain knows
    it; torch's sentence does not say it), which rules the 1-D readings in or out."""
    build = f"{tensor} = torch.zeros(x.size(0), hidden_size)"
    causes = batch_causes(axis, tensor, given, build)
    if rank not in (None, 1):
        return tuple(causes)
    one_d = Cause(
        "state_1d",
        tr(
            "If {tensor} is 1-D, ({got},), its {got} is hidden_size: with batched input a cell's "
            "state is 2-D, (N, hidden_size), and torch reads a 1-D one's size as its batch.",
            tensor=tensor,
            got=axis.got,
        ),
        build,
    )
    # hidden_size given equal to the "batch" torch read makes a 1-D state the likelier cause;
    # an LSTMCell in the text makes it one tensor passed for (h, c): torch read its first row.
    if given.likely("hidden_size") == axis.got and given.evidence.lstm_cell and tensor == "h_0":
        return (_one_tensor_for_a_cell(), one_d, *causes)
    if given.hidden_size is not None and given.hidden_size == axis.got:
        return (one_d, *causes)
    if given.hidden_size is not None:
        return tuple(causes)
    return (*causes, one_d)


def _one_tensor_for_a_cell() -> Cause:
    return Cause(
        "one_state_for_two",
        tr(
            "An LSTMCell takes (h, c) as one tuple; given one tensor (N, hidden_size), torch "
            "reads its first row as h: a batch of hidden_size."
        ),
        "h_1, c_1 = cell(x, (h_0, c_0))",
    )
