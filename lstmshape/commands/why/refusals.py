"""torch's refusals of a module's arguments and of a packing: what each means, and the fix.

Each sentence names its fault itself; these are said as proven, with the change that removes it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.commands.why.find import Found
from lstmshape.i18n import N_, tr
from lstmshape.results.cause import Cause
from lstmshape.results.why import Explained
from lstmshape.torchfacts.arguments import CONSTRUCTOR


class Meaning(NamedTuple):
    """What one of torch's refusals means, and its fix: prose marked for the catalogs, with the
    sentence's fields in braces; the fix's code kept apart, never translated."""

    text: str
    cause: str
    fix: str
    """The fix's prose around its code (``{code}``); ``_CODE`` for a fix that is code alone."""
    code: tuple[tuple[str, str], ...] = ()
    """The code of the fix, by placeholder: ``(("code", "nn.RNN(..., nonlinearity='tanh')"),)``."""


_OR_RELU = N_("{code}  # or 'relu'")
_ONE_LENGTH = N_("one length per sequence")
_SKIP_EMPTY = N_("skip empty batches")
_SMALLER = N_("smaller sizes")
_PAST_L = N_("{code} ({other} with batch_first); compute them on the padded batch")
_PAST_L_CODE = (("code", "lengths <= x.size(0)"), ("other", "x.size(1)"))
_CODE = "{code}"  # a fix that is code alone: nothing of it is translated

_MEANINGS: dict[str, Meaning] = {
    "proj_size_unsupported": Meaning(N_("proj_size was given to a GRU or an RNN: only an LSTM projects its hidden state."), "proj_size", N_("leave proj_size out, or use nn.LSTM")),
    "unknown_nonlinearity": Meaning(N_("nn.RNN applies tanh or relu; {nonlinearity!r} is neither."), "nonlinearity", _OR_RELU, (("code", "nn.RNN(..., nonlinearity='tanh')"),)),
    "unexpected_keyword": Meaning(N_("{owner} takes no {argument}: a cell has no layers, directions or batch_first, and only nn.RNN and nn.RNNCell take a nonlinearity."), "argument", N_("leave {argument} out, or use the class that takes it")),
    "dropout_range": Meaning(N_("dropout is a probability: a number in [0, 1]."), "dropout", N_("{code}  # or 0 for none"), (("code", "dropout=0.2"),)),
    "bool_type": Meaning(N_("{argument} takes True or False, not a {type}."), "argument_type", _CODE, (("code", "{argument}=True"),)),
    "int_type": Meaning(N_("{argument} takes a whole number, not a {type} (a size computed with / is a float)."), "argument_type", N_("{code}  # or //"), (("code", "{argument}=int(...)"),)),
    "not_positive": Meaning(N_("{argument} is 0 or less; a recurrent layer needs at least one."), "size", N_("{code} or more (input_size is often {other} of an empty tensor)"), (("code", "{argument}=1"), ("other", "x.size(-1)"))),
    "proj_size_negative": Meaning(N_("proj_size is negative; 0 disables the projection."), "proj_size", _CODE, (("code", "proj_size=0"),)),
    "proj_size_too_big": Meaning(N_("proj_size is not smaller than hidden_size: the projection shrinks h."), "proj_size", N_("{code}, or 0"), (("code", "proj_size < hidden_size"),)),
    "negative_dimension": Meaning(N_("A cell was built with a negative size: its weight_ih would be {shape}."), "size", N_("hidden_size and input_size of 0 or more")),
    "storage_overflow": Meaning(N_("A parameter of {shape} holds more bytes than torch's 64-bit sizes count."), "size", _SMALLER),
    "storage_too_long": Meaning(N_("A size is over torch's largest (2**63 - 1)."), "size", _SMALLER),
    "cell_nonlinearity": Meaning(N_("nn.RNNCell was built with nonlinearity={nonlinearity!r}; its forward pass applies tanh or relu only."), "nonlinearity", _OR_RELU, (("code", "nn.RNNCell(..., nonlinearity='tanh')"),)),
    "unsorted_lengths": Meaning(N_("pack_padded_sequence was given lengths not in decreasing order, with enforce_sorted=True."), "unsorted", N_("{code}  # or sort the batch by length"), (("code", "pack_padded_sequence(x, lengths, enforce_sorted=False)"),)),
    "lengths_count": Meaning(N_("pack_padded_sequence was given {got} lengths for a batch of {batch} sequences."), "lengths_count", N_("one length per sequence; if {got} is L, batch_first is set wrongly")),
    "length_not_positive": Meaning(N_("A sequence of length 0 (or less) was packed: every sequence needs a step."), "empty_sequence", N_("drop empty sequences before packing")),
    "empty_pack": Meaning(N_("pack_padded_sequence was given an empty input: an axis of size 0."), "empty_input", _SKIP_EMPTY),
    "indices_bounds": Meaning(N_("With enforce_sorted=False torch reorders the batch (or the states) by the lengths, and index {index} is past an axis of {size}: more lengths than sequences, or a state of a smaller batch."), "lengths_count", N_("one length per sequence, and states of the input's batch")),
    "index_out_of_range": Meaning(N_("With enforce_sorted=False torch reorders the batch by the lengths, and more lengths were given than the batch has sequences."), "lengths_count", _ONE_LENGTH),
    "index_select_empty": Meaning(N_("With enforce_sorted=False torch reorders an axis of size 0 (an empty batch, or a state without sequences)."), "empty_input", _SKIP_EMPTY),
    "rows_missing": Meaning(N_("A length is past the padded input's L: pack_padded_sequence packed only the steps the input has, and the forward pass read past them."), "length_past_L", _PAST_L, _PAST_L_CODE),
    "rows_missing_view": Meaning(N_("A length is past the padded input's L: pack_padded_sequence packed only the steps the input has, and the LSTM read past them."), "length_past_L", _PAST_L, _PAST_L_CODE),
}  # fmt: skip
# Its first sentence (an issue's title) says the fault whole.
_MEANINGS["unsorted_lengths_cut"] = _MEANINGS["unsorted_lengths"]
# torch 0.3's lower-case wording of the same fault.
_MEANINGS["length_not_positive_0x"] = _MEANINGS["length_not_positive"]
# torch 1.0 had no enforce_sorted: the batch itself had to be sorted.
_MEANINGS["unsorted_lengths_old"] = _MEANINGS["unsorted_lengths_0x"] = Meaning(
    N_("pack_padded_sequence was given lengths not in decreasing order: torch before 1.1 packs a batch sorted by length only."),
    "unsorted",
    N_("{code}  # then unsort the outputs by the order; torch 1.1 and later take enforce_sorted=False"),
    (("code", "lengths, order = lengths.sort(descending=True); x = x[:, order]"),),
)  # fmt: skip


# A sequence module's arguments a cell does not take: the cell without it, or the sequence module.
_SEQUENCE_ONLY = frozenset(a.name for a in CONSTRUCTOR if a.cell_position is None)
_CELLS = {"LSTMCell": "LSTM", "GRUCell": "GRU", "RNNCell": "RNN"}


def _cell_argument(fields: dict[str, Any]) -> str | None:
    """``LSTMCell.__init__() got an unexpected keyword argument 'num_layers'``: the cell's call
    without it, or the sequence module that takes it (proj_size: an LSTM's only)."""
    owner, argument = fields.get("owner"), fields.get("argument")
    if owner not in _CELLS or argument not in _SEQUENCE_ONLY:
        return None
    sequence = "LSTM" if argument == "proj_size" else _CELLS[owner]
    return tr(
        "{cell}; or the sequence module, {sequence}",
        cell=f"nn.{owner}(input_size, hidden_size)",
        sequence=f"nn.{sequence}(input_size, hidden_size, {argument}=...)",
    )


def refusal(found: Found, given: Given) -> Explained:
    """A sentence that names its own fault: what it means and the fix, proven."""
    meaning = _MEANINGS[found.sentence.id]
    fields: dict[str, Any] = dict(found.fields)
    text = tr(meaning.text, **fields)  # i18n: extracted where made
    code = {name: part.format(**fields) for name, part in meaning.code}
    said = code.get("code", "")
    if meaning.fix != _CODE:
        said = tr(meaning.fix, **fields, **code)  # i18n: extracted where made
    said = _cell_argument(fields) or said
    subject = fields.get("argument")
    if subject is None and found.sentence.stage == "packing":
        subject = "lengths"
    return found.explained(
        text,
        subject=subject,
        causes=(Cause(meaning.cause, text, said, True),),
    )
