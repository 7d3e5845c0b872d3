"""A state's batch axis, N, of the wrong size: a smaller last batch, nn.DataParallel, batch_first
forgotten or set wrongly (torch reads N and L swapped), or a state built for another batch."""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.i18n import tr
from lstmshape.results.cause import Axis, Cause


def batch_causes(
    axis: Axis, tensor: str, given: Given, build: str, classes: tuple[str, ...] = ()
) -> list[Cause]:
    """Why a state's batch differs from the input's: the likely causes, most likely first.
    ``build``: the state built from the input; ``classes``: the sequence modules that say the
    sentence (none for a cell, which has no batch_first and keeps N on dim 0)."""
    want, got = axis.expected or 0, axis.got or 0
    if not axis.differs:
        return []
    swapped = _swapped(want, got, build, given, classes) if classes else []
    # A swap the input's numbers fit comes first; never proven: a state built for the wrong size
    # gives the same numbers.
    matched = [cause for cause in swapped if cause.id != "batch_first"]
    unmatched = [cause for cause in swapped if cause.id == "batch_first"]
    causes = [
        *_smaller_last_batch(want, got, tensor, build),
        *(_data_parallel(want, got, tensor, given) if classes else []),
        *_state_batch(want, got, tensor, build),
    ]
    # The state holds more sequences than the input: a smaller last batch is the likeliest, a
    # swap possible. Fewer: the state was never the input's size, and a swap comes first.
    if got > want:
        return _rank_batch(matched + causes[:1] + unmatched + causes[1:], want, got, given)
    return _rank_batch(matched + unmatched + causes, want, got, given)


def _smaller_last_batch(want: int, got: int, tensor: str, build: str) -> list[Cause]:
    if got <= want:
        return []
    return [
        Cause(
            "smaller_last_batch",
            tr(
                "{tensor} was built for a batch of {got}, and this input has {want} "
                "sequences: the last batch of an epoch is often smaller.",
                tensor=tensor,
                got=got,
                want=want,
            ),
            tr(
                "{drop_last}, or build it from the input: {build}",
                drop_last="DataLoader(..., drop_last=True)",
                build=build,
            ),
        )
    ]


def _state_batch(want: int, got: int, tensor: str, build: str) -> list[Cause]:
    if got >= want:
        return []
    return [
        Cause(
            "state_batch",
            tr(
                "{tensor} was built for a batch of {got}, but the input has N = {want}.",
                tensor=tensor,
                got=got,
                want=want,
            ),
            tr("build it from the input: {build}", build=build),
        )
    ]


def _data_parallel(want: int, got: int, tensor: str, given: Given) -> list[Cause]:
    """nn.DataParallel scatters the batch on dim 0 while a state keeps N on dim 1."""
    fix = tr(
        "pass no state (zeros are made per replica), or pass it batch-first and "
        "{transposed} inside forward",
        transposed=f"{tensor}.transpose(0, 1).contiguous()",
    )
    # One sequence per replica is no split worth naming: want = 1 leaves DataParallel out.
    if want > 1 and got % want == 0 and got // want > 1:
        text = tr(
            "nn.DataParallel splits the batch on dim 0 ({got} sequences into {replicas} "
            "of {want}) while {tensor} keeps N on dim 1: each replica gets all {got} rows.",
            got=got,
            replicas=got // want,
            want=want,
            tensor=tensor,
        )
        return [Cause("data_parallel", text, fix)]
    if got < want and given.evidence.data_parallel:
        # The text names DataParallel: it scatters every tensor argument on dim 0, the input's
        # batch (batch first) and the state's layers alike, so replicas' shapes disagree.
        text = tr(
            "nn.DataParallel scatters every argument of forward on dim 0: the input's "
            "sequences, but {tensor}'s layers, not its N on dim 1; the replicas' {tensor} "
            "and input disagree.",
            tensor=tensor,
        )
        return [Cause("data_parallel", text, fix)]
    return []


_SWAPS = ("batch_first", "batch_first_wrong", "batch_first_forgotten")
_BUILT = ("smaller_last_batch", "state_batch")


def _rank_batch(causes: list[Cause], want: int, got: int, given: Given) -> list[Cause]:
    """What the text's own lines say puts a cause first: nn.DataParallel named; the input's N
    named a batch size (the state is the odd one); a number named a sequence length (torch reads
    L as N); batch_first=True already in the constructor (a fix setting it changes nothing)."""
    seen = given.evidence
    first: tuple[str, ...] = ()
    last: tuple[str, ...] = ()
    if seen.data_parallel:
        first = ("data_parallel",)
    elif want in seen.lengths or (got in seen.lengths and got not in seen.batch_sizes):
        first = _SWAPS
    elif want in seen.batch_sizes or got in seen.batch_sizes:
        first = _BUILT
    if given.input is None and given.likely("batch_first") is True:
        last = ("batch_first",)
    return sorted(causes, key=lambda cause: (cause.id in last) - (cause.id in first))


def _swapped(
    want: int, got: int, build: str, given: Given, classes: tuple[str, ...]
) -> list[Cause]:
    """The state's batch is the input's other axis: batch_first forgotten or set wrongly, or the
    state built from the wrong axis. With the input's shape given, torch's N tells which axis
    torch reads as N, so which of the two it is (the data's true layout only the user knows)."""
    shape = given.input
    if shape is None or len(shape) != 3:
        return [
            Cause(
                "batch_first",
                tr(
                    "If the input's other axis is {got}, batch_first is forgotten (the input is "
                    "(N, L, H_in)) or set where it should not be: torch reads N and L swapped.",
                    got=got,
                ),
                _swap_fix(given, classes),
            )
        ]
    first, second = shape[0], shape[1]
    if first == second or {want, got} != {first, second}:
        return []
    batch_first = want == first  # torch reads N on axis 0 only with batch_first=True
    tensor = build.partition(" ")[0]
    rebuilt = build.replace("0 if batch_first else 1", "0" if batch_first else "1")
    values: dict[str, object] = {"shape": shape, "want": want, "tensor": tensor, "got": got}
    if batch_first:
        return [_set_wrongly(values, given, classes, rebuilt)]
    return [
        Cause(
            "batch_first_forgotten",
            tr(
                "torch reads the input {shape} as (L, N, H_in) (batch_first=False), so N = {want}; "
                "{tensor} was built for {got}, the axis torch reads as L. If the data is (N, L, "
                "H_in), batch_first is forgotten; if not, {tensor} was built from the wrong axis.",
                **values,
            ),
            tr(
                "{call}; or {build}",
                call=given.constructor("..., batch_first=True", classes),
                build=rebuilt,
            ),
        )
    ]


def _set_wrongly(
    values: dict[str, object], given: Given, classes: tuple[str, ...], rebuilt: str
) -> Cause:
    """torch reads N on the input's first axis (batch_first=True) and the state holds the other."""
    return Cause(
        "batch_first_wrong",
        tr(
            "torch reads the input {shape} as (N, L, H_in) (batch_first=True), so N = "
            "{want}; {tensor} was built for {got}, the axis torch reads as L. If the data "
            "is (L, N, H_in), batch_first is set wrongly; if not, {tensor} was built from "
            "the wrong axis.",
            **values,
        ),
        tr(
            "{call} without {argument}; or {build}",
            call=given.constructor("...", classes),
            argument="batch_first=True",
            build=rebuilt,
        ),
    )


def _swap_fix(given: Given, classes: tuple[str, ...]) -> str:
    """The fix of a swap: only the change that is one, where the constructor's batch_first is
    known (given, or in the text's own lines)."""
    batch_first = given.likely("batch_first")
    if batch_first is True:
        return tr(
            "{call} without {argument}, if the input is (L, N, H_in)",
            call=given.constructor("...", classes),
            argument="batch_first=True",
        )
    if batch_first is False:
        return tr(
            "{call} for (N, L, H_in) input",
            call=given.constructor("..., batch_first=True", classes),
        )
    return tr(
        "{call} for (N, L, H_in) input; leave it out for (L, N, H_in)",
        call=given.constructor("..., batch_first=True", classes),
    )
