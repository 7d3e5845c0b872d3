"""A state of the wrong rank: torch's ``For batched 3-D input, hx should also be 3-D ...``, and its
``Expected hidden size (1, 3, 20), got [3, 20]`` when a packed input meets a state of another rank.

A sequence module's states are (D*num_layers, N, H) for batched input and (D*num_layers, H) for
unbatched input, whatever batch_first says. A fix that reshapes the state (``h_0.unsqueeze(0)``) is
offered only where it gives the very shape torch takes; otherwise the fix builds the state.
"""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.i18n import tr
from lstmshape.results.cause import Cause

Shape = tuple[int, ...]


def sized_rank_causes(
    label: str, tensor: str, width: str, expected: Shape, got: Shape, given: Given | None = None
) -> list[Cause]:
    """``Expected hidden size (2, 3, 20), got [3, 20]``: the state's rank differs from torch's,
    whose sizes say which axis it lacks or has too many."""
    causes = _reshaped(tensor, width, expected, got)
    if label == "hidden[0]" and len(got) == 2 and got == expected[1:]:
        # An LSTM's hidden[0] of (N, H): one tensor (1, N, H) passed, a GRU's state kept, whose
        # first row torch reads as h_0; first where the text says a GRU became an LSTM.
        one = Cause(
            "one_state_for_two",
            tr(
                "An LSTM takes (h_0, c_0) as one tuple; given one tensor {shape}, as a GRU's "
                "state is, it reads its first row {got} as h_0.",
                shape=(1, *got),
                got=got,
            ),
            "lstm(x, (h_0, c_0))",
        )
        first = given is not None and given.evidence.gru_to_lstm
        causes.insert(0 if first else len(causes), one)
    rebuilt = _rebuilt(tensor, width)
    if all(cause.fix != rebuilt.fix for cause in causes):
        causes.append(rebuilt)
    return causes


def state_rank_causes(
    tensor: str,
    ranks: tuple[int, ...],
    at: int,
    batched: bool,
    two: bool,
    given: Given,
    sizes: tuple[Shape, Shape] | None = None,
) -> list[Cause]:
    """``For batched 3-D input, hx should also be 3-D but got 2-D tensor`` (``two``: hx and cx):
    torch's sentence gives the ranks, ``at`` the index of the state at fault. ``sizes``: the
    shape torch takes and the state's, where known (explain knows them; torch's sentence does
    not say them): where they tell which axis a batched input's state lacks or has too many,
    that cause comes first."""
    width = "H_cell" if tensor == "c_0" else "H_out"
    causes = _ranked(tensor, width, ranks, at, batched, two, given)
    if sizes is None or not batched:
        return causes
    sized = _reshaped(tensor, width, *sizes)
    return [*sized, *(cause for cause in causes if cause.id not in {c.id for c in sized})]


def _ranked(
    tensor: str,
    width: str,
    ranks: tuple[int, ...],
    at: int,
    batched: bool,
    two: bool,
    given: Given,
) -> list[Cause]:
    want = 3 if batched else 2
    causes = _rank_causes(tensor, width, ranks, at, batched, given)
    if two and all(rank != want for rank in ranks):
        # torch's sentence gives both ranks: c_0 is as wrong as h_0, and is built with it.
        causes[-1] = _both_rebuilt(batched)
    if two and set(ranks) == {want - 1} and causes and causes[0].id == "layer_axis_missing":
        # Both states lack the layer axis alike (a VAE's latent passed as (h, h)): both get it,
        # their values kept; one layer's state repeated for each layer of a deeper module.
        causes[0] = causes[0]._replace(
            fix=tr(
                "{both}; for D*num_layers > 1: {repeated}",
                both="h_0, c_0 = h_0.unsqueeze(0), c_0.unsqueeze(0)",
                repeated="h_0, c_0 = (s.unsqueeze(0).repeat(D * num_layers, 1, 1) for s in (h_0, c_0))",
            )
        )
    if two and set(ranks) == {want - 1} and not given.evidence.tuple_state:
        # (h, c) read from one tensor's two rows (a GRU's single state kept for an LSTM), as
        # likely in the corpus of real pastes as a tuple of two states without their layer axis
        # (a VAE's latent as (z, z)). A tuple written out in the failing call, (h, c), rules it
        # out: "pass a tuple" would change nothing.
        one = Cause(
            "one_state_for_two",
            tr(
                "An LSTM takes (h_0, c_0) as one tuple; passed one tensor, it reads its rows "
                "as h_0 and c_0, each of one axis less."
            ),
            "lstm(x, (h_0, c_0))",
        )
        causes.insert(0, one)
    return causes


def _build(tensor: str, width: str, batched: bool = True) -> str:
    if batched:
        return f"{tensor} = torch.zeros(D * num_layers, N, {width})"
    return f"{tensor} = torch.zeros(D * num_layers, {width})"


def _both_rebuilt(batched: bool) -> Cause:
    formula = "(D*num_layers, N, H)" if batched else "(D*num_layers, H)"
    return Cause(
        "state_built",
        tr(
            "Build {tensor} as torch takes it: {formula}, one row per layer and direction.",
            tensor="h_0, c_0",
            formula=formula,
        ),
        f"{_build('h_0', 'H_out', batched)}; {_build('c_0', 'H_cell', batched)}",
    )


def _rebuilt(tensor: str, width: str, batched: bool = True) -> Cause:
    return Cause(
        "state_built",
        tr(
            "Build {tensor} as torch takes it: {formula}, one row per layer and direction.",
            tensor=tensor,
            formula=f"(D*num_layers, N, {width})" if batched else f"(D*num_layers, {width})",
        ),
        _build(tensor, width, batched),
    )


def _reshaped(tensor: str, width: str, expected: Shape, got: Shape) -> list[Cause]:
    """The axis the state lacks or has too many, where the sizes tell it; its reshaping fix
    only where it gives torch's very shape, the state built anew otherwise."""
    if len(got) == len(expected) - 1 and got == expected[1:]:
        text = tr(
            "{tensor} is {got}: (N, {width}) without the first axis, D*num_layers = {rows}, as a "
            "cell's state or an unbatched one is built.",
            tensor=tensor,
            got=got,
            width=width,
            rows=expected[0],
        )
        fix = f"{tensor} = {tensor}.unsqueeze(0)" if expected[0] == 1 else _build(tensor, width)
        return [Cause("layer_axis_missing", text, fix)]
    if len(got) == len(expected) - 1 and got == (expected[0], expected[2]):
        text = tr(
            "{tensor} is {got}: (D*num_layers, {width}) without the batch axis, as for "
            "unbatched input; this input is a batch of N = {batch}.",
            tensor=tensor,
            got=got,
            width=width,
            batch=expected[1],
        )
        fix = f"{tensor} = {tensor}.unsqueeze(1)" if expected[1] == 1 else _build(tensor, width)
        return [Cause("batch_axis_missing", text, fix)]
    axis = _extra_axis(got, expected)
    if axis is None:
        return []
    text = tr(
        "{tensor} is {got}: the shape torch takes, with an extra axis of 1 at dim {axis}.",
        tensor=tensor,
        got=got,
        axis=axis,
    )
    return [Cause("extra_axis", text, f"{tensor} = {tensor}.squeeze({axis})")]


def _extra_axis(got: Shape, expected: Shape) -> int | None:
    """The axis of 1 that, squeezed away, leaves the shape torch takes."""
    if len(got) != len(expected) + 1:
        return None
    for axis, size in enumerate(got):
        if size == 1 and got[:axis] + got[axis + 1 :] == expected:
            return axis
    return None


def _rank_causes(
    tensor: str, width: str, ranks: tuple[int, ...], at: int, batched: bool, given: Given
) -> list[Cause]:
    """torch's sentence gives ranks, not sizes: a reshaping fix is offered only where the
    arguments given (or their absence, said as a condition) make it the shape torch takes."""
    rank, want = ranks[at], 3 if batched else 2
    rows = None if given.num_layers is None or given.D is None else given.num_layers * given.D
    causes = []
    if rank == want - 1 and rows in (None, 1):
        causes.append(_layer_axis_missing(tensor, want, batched, rows))
    if batched and rank == want + 1:
        # An axis too many, as a latent viewed into a state gets: reshaped, its values kept.
        causes.append(
            Cause(
                "extra_axis",
                tr(
                    "{tensor} has an axis more than (D*num_layers, N, H): a state made from "
                    "another tensor (a latent, an encoder's output) kept an axis of it.",
                    tensor=tensor,
                ),
                f"{tensor} = {tensor}.reshape(D * num_layers, N, {width})",
            )
        )
    if not batched and rank == want + 1:
        squeezed = f"{tensor} = {tensor}.squeeze(1)"
        # The input given its batch axis fits only if every state has one.
        other = _unsqueezed_input(given) if all(r == want + 1 for r in ranks) else None
        causes.append(
            Cause(
                "batched_states",
                tr(
                    "Unbatched input (L, H_in) takes {want}-D states (D*num_layers, H): {tensor} "
                    "has a batch axis the input lacks. If it is a batch of 1, squeeze it, or give "
                    "the input its batch axis.",
                    want=want,
                    tensor=tensor,
                ),
                tr("{code}  # N = 1; or {other}", code=squeezed, other=other)
                if other
                else tr("{code}  # N = 1", code=squeezed),
            )
        )
    causes.append(_rebuilt(tensor, width, batched))
    return causes


def _layer_axis_missing(tensor: str, want: int, batched: bool, rows: int | None) -> Cause:
    """A state of one axis less, the layer axis: its reshaping fix from the shape said only
    (torch's sentence gives no sizes), for one layer and one direction."""
    shapes = "(N, H) -> (1, N, H)" if batched else "(H) -> (1, H)"
    condition = (
        f"  # {shapes}"
        if rows == 1
        else tr("  # {shapes}, for one layer and one direction", shapes=shapes)
    )
    if batched:
        text = tr(
            "Batched input takes {want}-D states (D*num_layers, N, H): {tensor} was built "
            "without the layer axis, as for a cell.",
            want=want,
            tensor=tensor,
        )
    else:
        text = tr(
            "Unbatched input takes {want}-D states (D*num_layers, H): {tensor} was built "
            "without the layer axis.",
            want=want,
            tensor=tensor,
        )
    return Cause("layer_axis_missing", text, f"{tensor} = {tensor}.unsqueeze(0){condition}")


def _unsqueezed_input(given: Given) -> str:
    """The input given its batch axis: N is axis 0 with batch_first, axis 1 without."""
    if given.batch_first is None:
        return "x = x.unsqueeze(0 if batch_first else 1)"
    return f"x = x.unsqueeze({0 if given.batch_first else 1})"
