"""torch's sentences about initial states (h_0, c_0): the axis at fault, said as ``why`` says it;
its likely causes are the one diagnosis' (lstmshape.commands.explain.diagnosis), which explain
asks too.
"""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.code import TENSORS, width_of
from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.commands.explain.diagnosis.sizes import state_size_causes
from lstmshape.commands.why.find import Found
from lstmshape.commands.why.ranks import sized_rank
from lstmshape.i18n import tr
from lstmshape.results.why import Explained


def state_size(found: Found, given: Given) -> Explained:
    """``Expected hidden[0] size (1, 8, 256), got [1, 32, 256]``."""
    label, expected, got = found.fields["label"], found.fields["expected"], found.fields["got"]
    width = width_of(label)
    if len(got) != len(expected):
        return sized_rank(found, TENSORS[label], width, given)
    diagnosis = state_size_causes(label, expected, got, given)
    tensor, axes = diagnosis.tensor, diagnosis.axes
    return found.explained(
        _does_not_fit(tensor, label, [axis.symbol for axis in axes if axis.differs]),
        subject=tensor,
        expected=expected,
        got=got,
        formula=f"(D*num_layers, N, {width})",
        axes=axes,
        causes=diagnosis.causes,
        notes=(
            tr("batch_first never reorders the states: they are (D*num_layers, N, H) either way."),
            *_read_as(given, expected[1]),
            *(
                ()
                if diagnosis.form == "batched"
                else (
                    tr(
                        "torch compares the states of an unbatched input (L, H_in) with a batch "
                        "axis of 1 added: the N = 1 of both shapes may be that axis."
                    ),
                )
            ),
        ),
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
