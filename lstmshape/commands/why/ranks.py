"""A state of the wrong rank: torch's ``For batched 3-D input, hx should also be 3-D ...``, and its
``Expected hidden size (1, 3, 20), got [3, 20]`` when a packed input meets a state of another rank,
said as ``why`` says it; the causes are the one diagnosis' (lstmshape.commands.explain.diagnosis).
"""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.commands.explain.diagnosis.ranks import sized_rank_causes, state_rank_causes
from lstmshape.commands.why.find import Found
from lstmshape.i18n import tr
from lstmshape.i18n.numbers import enumerated
from lstmshape.results.why import Explained

Shape = tuple[int, ...]


def sized_rank(found: Found, tensor: str, width: str, given: Given | None = None) -> Explained:
    """``Expected hidden size (2, 3, 20), got [3, 20]``: the state's rank differs from torch's.
    torch compares sizes only after packing, so the input is batched and the state must be 3-D."""
    expected, got = found.fields["expected"], found.fields["got"]
    label = found.fields.get("label", "")
    causes = sized_rank_causes(label, tensor, width, expected, got, given)
    return found.explained(
        tr(
            "{tensor} is {got}, of rank {rank}; torch takes rank {want}: {expected}.",
            tensor=tensor,
            rank=len(got),
            got=got,
            want=len(expected),
            expected=expected,
        ),
        subject=tensor,
        expected=expected,
        got=got,
        formula=f"(D*num_layers, N, {width})",
        causes=tuple(causes),
        notes=(
            tr("batch_first never reorders the states: they are (D*num_layers, N, H) either way."),
        ),
    )


def state_rank(found: Found, given: Given) -> Explained:
    """``For batched 3-D input, hx should also be 3-D but got 2-D tensor`` (and hx and cx)."""
    batched = found.fields["input"].startswith("batched")
    want = found.fields["want"]
    ranks: tuple[int, ...] = found.fields.get("ranks") or (found.fields["got"],)
    two = found.sentence.id == "states_rank"
    # The tensor at fault: the first whose rank is not the one torch takes.
    at = next((i for i, r in enumerate(ranks) if r != want), 0)
    tensor = ("h_0", "c_0")[at] if two else "h_0"
    width = "H_cell" if tensor == "c_0" else "H_out"
    causes = state_rank_causes(tensor, ranks, at, batched, two, given)
    listed = enumerated(f"{r}-D" for r in ranks)
    summary = (
        tr(
            "The states have ranks {ranks}; batched input needs {want}-D states.",
            ranks=listed,
            want=want,
        )
        if batched
        else tr(
            "The states have ranks {ranks}; unbatched input needs {want}-D states.",
            ranks=listed,
            want=want,
        )
    )
    return found.explained(
        summary,
        subject=tensor,
        expected=want,
        got=ranks[at],
        formula=f"(D*num_layers, N, {width})" if batched else f"(D*num_layers, {width})",
        causes=tuple(causes),
        notes=(
            tr("batch_first never reorders the states: they are (D*num_layers, N, H) either way."),
        ),
    )
