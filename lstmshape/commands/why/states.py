"""torch's sentences about initial states (h_0, c_0): the axis at fault and its likely causes.

A sequence module's states are (D*num_layers, N, H_out) (c_0: H_cell), whatever batch_first says;
torch prints unbatched states after adding their batch axis of 1. Each differing axis has its
causes, most likely first; what the numbers (or the arguments given) prove is said as proven.
"""

from __future__ import annotations

from lstmshape.commands.why.find import Found
from lstmshape.commands.why.given import Given
from lstmshape.commands.why.ranks import sized_rank
from lstmshape.i18n import tr
from lstmshape.results.why import Axis, Cause, Explained

Shape = tuple[int, ...]

_TENSORS = {"hidden[0]": "h_0", "hidden[1]": "c_0", "hidden": "h_0"}


def state_size(found: Found, given: Given) -> Explained:
    """``Expected hidden[0] size (1, 8, 256), got [1, 32, 256]``."""
    label, expected, got = found.fields["label"], found.fields["expected"], found.fields["got"]
    tensor = _TENSORS[label]
    width = "H_cell" if label == "hidden[1]" else "H_out"
    if len(got) != len(expected):
        return sized_rank(found, tensor, width, given)
    axes = tuple(
        Axis(symbol, e, g)
        for symbol, e, g in zip(("D*num_layers", "N", width), expected, got, strict=True)
    )
    classes = ("GRU", "RNN") if label == "hidden" else ("LSTM",)
    form = _form(given, expected, got)
    transposed = _transposed(tensor, expected, got)
    causes = [
        *_rows(axes[0], label, given, _built(label, form, both=True)),
        *batch_causes(axes[1], tensor, given, _zeros(label, _FROM_INPUT, both=True), classes),
        *_width(axes[2], label, given, _built(label, form)),
    ]
    if transposed:
        # One transposition explains every differing axis: no other cause is the only one.
        causes = [*transposed, *(cause._replace(proven=False) for cause in causes)]
    return found.explained(
        _does_not_fit(tensor, label, [axis.symbol for axis in axes if axis.differs]),
        subject=tensor,
        expected=expected,
        got=got,
        formula=f"(D*num_layers, N, {width})",
        axes=axes,
        causes=tuple(causes),
        notes=(
            tr("batch_first never reorders the states: they are (D*num_layers, N, H) either way."),
            *_read_as(given, expected[1]),
            *(
                ()
                if form == "batched"
                else (
                    tr(
                        "torch compares the states of an unbatched input (L, H_in) with a batch "
                        "axis of 1 added: the N = 1 of both shapes may be that axis."
                    ),
                )
            ),
        ),
    )


_FROM_INPUT = "x.size(0 if batch_first else 1)"


def _zeros(label: str, batch: str | None, both: bool = False) -> str:
    """The statement that builds the state torch names, with ``batch`` its N (None: unbatched).
    ``both``: an LSTM's h_0 with its c_0, built alike (torch checks c_0 only once h_0 fits, so
    a c_0 built the same way fails next)."""
    axes = "D * num_layers" + (f", {batch}" if batch else "")
    if both and label == "hidden[0]":
        return f"h_0 = torch.zeros({axes}, H_out); c_0 = torch.zeros({axes}, H_cell)"
    tensor, width = ("c_0", "H_cell") if label == "hidden[1]" else ("h_0", "H_out")
    return f"{tensor} = torch.zeros({axes}, {width})"


def _form(given: Given, expected: Shape, got: Shape) -> str:
    """``batched``, ``unbatched`` or ``either``: torch adds an unbatched input's batch axis of 1 to
    its states before comparing, so N = 1 on both sides may be an unbatched input's."""
    if expected[1] != 1 or got[1] != 1:
        return "batched"
    if given.input is not None and len(given.input) in (2, 3):
        return "unbatched" if len(given.input) == 2 else "batched"
    return "either"


def _built(label: str, form: str, both: bool = False) -> str:
    """The state built anew for the input's form; both forms, each said, when the text leaves it."""
    if form != "either":
        return _zeros(label, "N" if form == "batched" else None, both)
    return tr(
        "{batched}; for unbatched input (L, H_in): {unbatched}",
        batched=_zeros(label, "N", both),
        unbatched=_zeros(label, None, both),
    )


def _read_as(given: Given, want: int) -> tuple[str, ...]:
    """batch_first given, and torch read N on the other axis of the input given: the module was
    built otherwise than said."""
    shape = given.input
    if shape is None or len(shape) != 3 or given.batch_first is None or shape[0] == shape[1]:
        return ()
    said = 0 if given.batch_first else 1
    if shape[said] == want or shape[1 - said] != want:
        return ()
    return (
        tr(
            "torch read N = {want} on axis {axis} of the input {shape}: the module was built "
            "with batch_first={actual}, not {said} as given.",
            want=want,
            axis=1 - said,
            shape=shape,
            actual=not given.batch_first,
            said=given.batch_first,
        ),
    )


def _transposed(tensor: str, expected: Shape, got: Shape) -> list[Cause]:
    """``got [3, 1, 20]`` for ``(1, 3, 20)``: the state laid out batch first, like the input."""
    if expected[0] == expected[1] or got != (expected[1], expected[0], expected[2]):
        return []
    return [
        Cause(
            "state_batch_first",
            tr(
                "{tensor} is {got}: (N, D*num_layers, H), laid out batch first like the input; "
                "batch_first applies to the input and output only, never to the states.",
                tensor=tensor,
                got=got,
            ),
            f"{tensor} = {tensor}.transpose(0, 1).contiguous()",
        )
    ]


def _does_not_fit(tensor: str, label: str, wrong: list[str]) -> str:
    """``h_0 does not fit an LSTM: its N axis differs.``"""
    symbols = wrong[0]
    for symbol in wrong[1:]:
        symbols = tr("{symbols} and {symbol}", symbols=symbols, symbol=symbol)
    if label == "hidden":
        if len(wrong) == 1:
            return tr(
                "{tensor} does not fit a GRU or an RNN: its {symbols} axis differs.",
                tensor=tensor,
                symbols=symbols,
            )
        return tr(
            "{tensor} does not fit a GRU or an RNN: its {symbols} axes differ.",
            tensor=tensor,
            symbols=symbols,
        )
    if len(wrong) == 1:
        return tr(
            "{tensor} does not fit an LSTM: its {symbols} axis differs.",
            tensor=tensor,
            symbols=symbols,
        )
    return tr(
        "{tensor} does not fit an LSTM: its {symbols} axes differ.", tensor=tensor, symbols=symbols
    )


def _fewer_layers(label: str, want: int, got: int, fix: str, given: Given, proven: bool) -> Cause:
    """Rows made for fewer layers than num_layers (a whole multiple fewer): repeated, or zeros."""
    return Cause(
        "num_layers_not_counted",
        tr(
            "num_layers = {layers} needs D*num_layers = {want} rows, one per layer and "
            "direction; {got} rows were made for fewer layers.",
            layers=want // (given.D or 1),
            want=want,
            got=got,
        ),
        _kept(label, f"{{t}}.repeat({want // got}, 1, 1)", fix, given),
        proven,
    )


def _kept(label: str, code: str, zeros: str, given: Given) -> str:
    """A fix of the state's rows: reshaped when the model computed it (an encoder's final state,
    a VAE's latent: zeros would run and cut the decoder off from it), zeros for an initial one.
    Which comes first, the text's own lines tell (init_hidden, torch.zeros; an encoder's state)."""
    tensors = (
        ("h_0", "c_0") if label == "hidden[0]" else ("c_0",) if label == "hidden[1]" else ("h_0",)
    )
    reshaped = ", ".join(tensors) + " = " + ", ".join(code.format(t=t) for t in tensors)
    seen = given.evidence
    if seen.initial_state and not seen.computed_state:
        return tr(
            "an initial state: {zeros}; a state the model computed: {kept}",
            zeros=zeros,
            kept=reshaped,
        )
    return tr(
        "a state the model computed: {kept}; an initial state: {zeros}", kept=reshaped, zeros=zeros
    )


def _rows(axis: Axis, label: str, given: Given, fix: str) -> list[Cause]:
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
                    tr(
                        "A bidirectional module needs D*num_layers = {want} rows, two per layer; "
                        "{got} rows count one direction only.",
                        want=want,
                        got=got,
                    ),
                    _kept(label, "{t}.repeat_interleave(2, dim=0)", fix, given),
                    # Proven only with num_layers said: 2*got rows could be 2*got layers.
                    given.D == 2 and given.num_layers == got,
                )
            )
        if given.D != 2 or (given.num_layers is not None and given.num_layers != got):
            causes.append(_fewer_layers(label, want, got, fix, given, proven=given.D == 1))
    elif got == 2 * want:
        causes.append(
            Cause(
                "built_for_bidirectional",
                tr(
                    "{got} rows are two per layer, as for a bidirectional module (or twice the "
                    "layers); this one has D*num_layers = {want}.",
                    got=got,
                    want=want,
                ),
                _kept(label, "{t}[-" + str(want) + ":]", fix, given),
                given.D == 1,
            )
        )
    elif got < want and want % got == 0 and given.D in (None, 1, want // got):
        proven = given.D == 1 and given.num_layers == want
        causes.append(_fewer_layers(label, want, got, fix, given, proven=proven))
    else:
        causes.append(
            Cause(
                "rows",
                tr(
                    "The first axis is D*num_layers = {want}: one row per layer and direction.",
                    want=want,
                ),
                _kept(label, "{t}[-" + str(want) + ":]", fix, given) if got > want else fix,
            )
        )
    return _rank_rows(causes, want, got, given)


def _rank_rows(causes: list[Cause], want: int, got: int, given: Given) -> list[Cause]:
    """Directions or layers not counted: what the text's own lines say of num_layers and
    bidirectional puts the cause they fit first (given arguments already left out the others).
    When nothing is said, layers come first: in tests/corpus, threads settled on a layer not
    counted twice as often as on a direction."""
    layers, D = given.likely("num_layers"), given.likely_D
    first = "num_layers_not_counted"
    if D == 2 and layers in (None, got):
        first = "bidirectional_not_counted"
    return sorted(causes, key=lambda cause: cause.id != first)


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
    causes = []
    if got > want:
        causes.append(
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
        )
    # One sequence per replica is no split worth naming: want = 1 leaves DataParallel out.
    if classes and want > 1 and got % want == 0 and got // want > 1:
        causes.append(
            Cause(
                "data_parallel",
                tr(
                    "nn.DataParallel splits the batch on dim 0 ({got} sequences into {replicas} "
                    "of {want}) while {tensor} keeps N on dim 1: each replica gets all {got} rows.",
                    got=got,
                    replicas=got // want,
                    want=want,
                    tensor=tensor,
                ),
                tr(
                    "pass no state (zeros are made per replica), or pass it batch-first and "
                    "{transposed} inside forward",
                    transposed=f"{tensor}.transpose(0, 1).contiguous()",
                ),
            )
        )
    if classes and got < want and given.evidence.data_parallel:
        # The text names DataParallel: it scatters every tensor argument on dim 0, the input's
        # batch (batch first) and the state's layers alike, so replicas' shapes disagree.
        causes.append(
            Cause(
                "data_parallel",
                tr(
                    "nn.DataParallel scatters every argument of forward on dim 0: the input's "
                    "sequences, but {tensor}'s layers, not its N on dim 1; the replicas' {tensor} "
                    "and input disagree.",
                    tensor=tensor,
                ),
                tr(
                    "pass no state (zeros are made per replica), or pass it batch-first and "
                    "{transposed} inside forward",
                    transposed=f"{tensor}.transpose(0, 1).contiguous()",
                ),
            )
        )
    if got < want:
        causes.append(
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
        )
    # The state holds more sequences than the input: a smaller last batch is the likeliest, a
    # swap possible. Fewer: the state was never the input's size, and a swap comes first.
    if got > want:
        return _rank_batch(matched + causes[:1] + unmatched + causes[1:], want, got, given)
    return _rank_batch(matched + unmatched + causes, want, got, given)


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
    values = {"shape": shape, "want": want, "tensor": tensor, "got": got}
    if batch_first:
        return [
            Cause(
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
        ]
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


def _width(axis: Axis, label: str, given: Given, fix: str) -> list[Cause]:
    """The last axis: H_out for h_0 (proj_size when set, else hidden_size), H_cell for c_0."""
    want, got = axis.expected or 0, axis.got or 0
    if not axis.differs:
        return []
    symbol = "H_cell" if label == "hidden[1]" else "H_out"
    causes = []
    projected = given.proj_size != 0  # unknown (None) or set: a projection is possible
    # A proj_size given that is not the one the cause needs contradicts it: left out.
    if (
        label == "hidden[0]"
        and got > want
        and projected
        and given.proj_size in (None, want)
        and given.hidden_size in (None, got)
    ):
        causes.append(
            Cause(
                "proj_size_h",
                tr(
                    "With proj_size = {want}, h_0 has H_out = proj_size features; {got} is "
                    "hidden_size, which only c_0 keeps.",
                    want=want,
                    got=got,
                ),
                fix + "  # H_out = proj_size",
                given.proj_size == want and given.hidden_size in (None, got),
            )
        )
    if (
        label == "hidden[1]"
        and got < want
        and projected
        and given.proj_size in (None, got)
        and given.hidden_size in (None, want)
    ):
        causes.append(
            Cause(
                "proj_size_c",
                tr(
                    "c_0 keeps hidden_size = {want} features; proj_size = {got} shrinks h only.",
                    want=want,
                    got=got,
                ),
                fix + "  # H_cell = hidden_size",
                given.proj_size == got and given.hidden_size in (None, want),
            )
        )
    causes.append(
        Cause(
            "width",
            tr(
                "The last axis is {symbol} = {want}: the state was built for another width.",
                symbol=symbol,
                want=want,
            ),
            fix,
        )
    )
    if label != "hidden[1]" and given.hidden_size is None and given.proj_size in (None, 0):
        built = Cause(
            "hidden_size",
            tr(
                "The module was built with hidden_size = {want}; if the state's {got} is the "
                "width meant (an encoder's of {got}), the module's hidden_size is wrong.",
                want=want,
                got=got,
            ),
            tr("build the module with {code}", code=f"hidden_size={got}"),
        )
        # A hidden_size of 1 is seldom meant (IBM/pytorch-seq2seq#184 built one by mistake).
        causes.insert(0 if want == 1 else len(causes), built)
    return causes
