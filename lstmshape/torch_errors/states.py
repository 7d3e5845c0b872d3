"""torch's sentences about initial states (h_0, c_0): the axis at fault and its likely causes.

A sequence module's states are (D*num_layers, N, H_out) (c_0: H_cell), whatever batch_first says;
torch prints unbatched states after adding their batch axis of 1. Each differing axis has its
causes, most likely first; what the numbers (or the arguments given) prove is said as proven.
"""

from __future__ import annotations

from lstmshape.model.why import Axis, Cause, Explained
from lstmshape.torch_errors.find import Found
from lstmshape.torch_errors.given import Given

Shape = tuple[int, ...]

_TENSORS = {"hidden[0]": "h_0", "hidden[1]": "c_0", "hidden": "h_0"}


def state_size(found: Found, given: Given) -> Explained:
    """``Expected hidden[0] size (1, 8, 256), got [1, 32, 256]``."""
    label, expected, got = found.fields["label"], found.fields["expected"], found.fields["got"]
    tensor = _TENSORS[label]
    width = "H_cell" if label == "hidden[1]" else "H_out"
    axes = tuple(
        Axis(symbol, e, g)
        for symbol, e, g in zip(("D*num_layers", "N", width), expected, got, strict=True)
    )
    classes = ("GRU", "RNN") if label == "hidden" else ("LSTM",)
    build = f"{tensor} = torch.zeros(D * num_layers, x.size(0 if batch_first else 1), {width})"
    causes = [
        *_rows(axes[0], given, f"{tensor} = torch.zeros(D * num_layers, N, {width})"),
        *batch_causes(axes[1], tensor, given, build, classes),
        *_width(axes[2], label, given),
    ]
    wrong = [axis.symbol for axis in axes if axis.differs]
    module = "an LSTM" if label != "hidden" else "a GRU or an RNN"
    return Explained(
        sentence=found.sentence.id,
        torch_message=found.message,
        stage=found.sentence.stage,
        summary=f"{tensor} does not fit {module}: its {' and '.join(wrong)} "
        f"{'axis differs' if len(wrong) == 1 else 'axes differ'}.",
        subject=tensor,
        expected=expected,
        got=got,
        formula=f"(D*num_layers, N, {width})",
        axes=axes,
        causes=tuple(causes),
        notes=("batch_first never reorders the states: they are (D*num_layers, N, H) either way.",),
    )


def _rows(axis: Axis, given: Given, fix: str) -> list[Cause]:
    want, got = axis.expected or 0, axis.got or 0
    if not axis.differs:
        return []
    causes = []
    if want == 2 * got:
        # Two rows per layer where one was counted: directions, or layers; what is given decides.
        if given.D != 1:
            causes.append(
                Cause(
                    "bidirectional_not_counted",
                    f"A bidirectional module needs D*num_layers = {want} rows, two per layer; "
                    f"{got} rows count one direction only.",
                    fix,
                    given.D == 2 and given.num_layers in (None, got),
                )
            )
        if given.D != 2 or (given.num_layers is not None and given.num_layers != got):
            causes.append(
                Cause(
                    "num_layers_not_counted",
                    f"num_layers = {want // (given.D or 1)} needs D*num_layers = {want} rows, one "
                    f"per layer and direction; {got} rows were made for fewer layers.",
                    fix,
                    given.D == 1,
                )
            )
    elif got == 2 * want:
        causes.append(
            Cause(
                "built_for_bidirectional",
                f"{got} rows are two per layer, as for a bidirectional module (or twice the "
                f"layers); this one has D*num_layers = {want}.",
                fix,
                given.D == 1,
            )
        )
    else:
        causes.append(
            Cause(
                "rows",
                f"The first axis is D*num_layers = {want}: one row per layer and direction.",
                fix,
            )
        )
    return causes


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
    causes = [cause for cause in swapped if cause.proven]
    if got > want:
        causes.append(
            Cause(
                "smaller_last_batch",
                f"{tensor} was built for a batch of {got}, and this input has {want} sequences: "
                "the last batch of an epoch is often smaller.",
                f"DataLoader(..., drop_last=True), or build it from the input: {build}",
            )
        )
    if classes and want and got % want == 0 and got // want > 1:
        causes.append(
            Cause(
                "data_parallel",
                f"nn.DataParallel splits the batch on dim 0 ({got} sequences into {got // want} "
                f"of {want}) while {tensor} keeps N on dim 1: each replica gets all {got} rows.",
                "pass no state (zeros are made per replica), or pass it batch-first and "
                f"{tensor}.transpose(0, 1).contiguous() inside forward",
            )
        )
    if got < want:
        causes.append(
            Cause(
                "state_batch",
                f"{tensor} was built for a batch of {got}, but the input has N = {want}.",
                f"build it from the input: {build}",
            )
        )
    # A swap the arguments given prove comes first; one that is only possible, after the batch.
    likely = [cause for cause in swapped if not cause.proven]
    return causes[:1] + likely + causes[1:] if got > want else likely + causes


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
                f"If the input's other axis is {got}, batch_first is forgotten (the input is "
                "(N, L, H_in)) or set where it should not be: torch reads N and L swapped.",
                given.constructor("..., batch_first=True", classes)
                + " for (N, L, H_in) input; leave it out for (L, N, H_in)",
            )
        ]
    first, second = shape[0], shape[1]
    if first == second or {want, got} != {first, second}:
        return []
    batch_first = want == first  # torch reads N on axis 0 only with batch_first=True
    tensor = build.partition(" ")[0]
    rebuilt = build.replace("0 if batch_first else 1", "0" if batch_first else "1")
    return [
        Cause(
            "batch_first_wrong" if batch_first else "batch_first_forgotten",
            f"torch reads the input {shape} as {'(N, L, H_in)' if batch_first else '(L, N, H_in)'} "
            f"(batch_first={batch_first}), so N = {want}; {tensor} was built for {got}, the axis "
            f"torch reads as L. If the data is {'(L, N, H_in)' if batch_first else '(N, L, H_in)'}, "
            f"batch_first is {'set wrongly' if batch_first else 'forgotten'}; if not, {tensor} "
            "was built from the wrong axis.",
            given.constructor("..." if batch_first else "..., batch_first=True", classes)
            + f"{' without batch_first=True' if batch_first else ''}; or {rebuilt}",
            True,
        )
    ]


def _width(axis: Axis, label: str, given: Given) -> list[Cause]:
    """The last axis: H_out for h_0 (proj_size when set, else hidden_size), H_cell for c_0."""
    want, got = axis.expected or 0, axis.got or 0
    if not axis.differs:
        return []
    tensor, symbol = ("c_0", "H_cell") if label == "hidden[1]" else ("h_0", "H_out")
    fix = f"{tensor} = torch.zeros(D * num_layers, N, {symbol})"
    causes = []
    projected = given.proj_size != 0  # unknown (None) or set: a projection is possible
    if label == "hidden[0]" and got > want and projected:
        causes.append(
            Cause(
                "proj_size_h",
                f"With proj_size = {want}, h_0 has H_out = proj_size features; {got} is "
                "hidden_size, which only c_0 keeps.",
                fix + "  # H_out = proj_size",
                given.proj_size == want,
            )
        )
    if label == "hidden[1]" and got < want and projected:
        causes.append(
            Cause(
                "proj_size_c",
                f"c_0 keeps hidden_size = {want} features; proj_size = {got} shrinks h only.",
                fix + "  # H_cell = hidden_size",
                given.proj_size == got,
            )
        )
    causes.append(
        Cause(
            "width",
            f"The last axis is {symbol} = {want}: the state was built for another width.",
            fix,
        )
    )
    return causes
