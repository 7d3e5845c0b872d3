"""A state's first axis, D*num_layers, of the wrong size: directions or layers not counted (or
counted twice), and whether the state is an initial one (built anew) or one the model computed
(reshaped, its values kept)."""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.i18n import ntr, tr
from lstmshape.results.cause import Axis, Cause


def _fewer_layers(label: str, want: int, got: int, fix: str, given: Given, proven: bool) -> Cause:
    """Rows made for fewer layers than num_layers (a whole multiple fewer): repeated, or zeros."""
    return Cause(
        "num_layers_not_counted",
        ntr(
            "num_layers = {layers} needs D*num_layers = {want} rows, one per layer and "
            "direction; {got} row was made for fewer layers.",
            "num_layers = {layers} needs D*num_layers = {want} rows, one per layer and "
            "direction; {got} rows were made for fewer layers.",
            got,
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


def row_causes(axis: Axis, label: str, given: Given, fix: str) -> list[Cause]:
    """The first axis, D*num_layers: directions or layers not counted, or counted twice."""
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
                    ntr(
                        "A bidirectional module needs D*num_layers = {want} rows, two per layer; "
                        "{got} row counts one direction only.",
                        "A bidirectional module needs D*num_layers = {want} rows, two per layer; "
                        "{got} rows count one direction only.",
                        got,
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
    elif 0 < got < want and want % got == 0 and given.D in (None, 1, want // got):
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
