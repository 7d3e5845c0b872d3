"""torch's refusals of a module's arguments and of a packing: what each means, and the fix.

Each sentence names its fault itself; these are said as proven, with the change that removes it.
"""

from __future__ import annotations

from typing import Any

from lstmshape.model.why import Cause, Explained
from lstmshape.torch_errors.find import Found
from lstmshape.torch_errors.given import Given

# id: (what is wrong, cause id, the fix), with the sentence's fields in braces.
_MEANINGS: dict[str, tuple[str, str, str]] = {
    "proj_size_unsupported": ("proj_size was given to a GRU or an RNN: only an LSTM projects its hidden state.", "proj_size", "leave proj_size out, or use nn.LSTM"),
    "unknown_nonlinearity": ("nn.RNN applies tanh or relu; {nonlinearity!r} is neither.", "nonlinearity", "nn.RNN(..., nonlinearity='tanh')  # or 'relu'"),
    "unexpected_keyword": ("{owner} takes no {argument}: a cell has no layers, directions or batch_first, and only nn.RNN and nn.RNNCell take a nonlinearity.", "argument", "leave {argument} out, or use the class that takes it"),
    "dropout_range": ("dropout is a probability: a number in [0, 1].", "dropout", "dropout=0.2  # or 0 for none"),
    "bool_type": ("{argument} takes True or False, not a {type}.", "argument_type", "{argument}=True"),
    "int_type": ("{argument} takes a whole number, not a {type} (a size computed with / is a float).", "argument_type", "{argument}=int(...)  # or //"),
    "not_positive": ("{argument} is 0 or less; a recurrent layer needs at least one.", "size", "{argument}=1 or more (input_size is often x.size(-1) of an empty tensor)"),
    "proj_size_negative": ("proj_size is negative; 0 disables the projection.", "proj_size", "proj_size=0"),
    "proj_size_too_big": ("proj_size is not smaller than hidden_size: the projection shrinks h.", "proj_size", "proj_size < hidden_size, or 0"),
    "negative_dimension": ("A cell was built with a negative size: its weight_ih would be {shape}.", "size", "hidden_size and input_size of 0 or more"),
    "storage_overflow": ("A parameter of {shape} holds more bytes than torch's 64-bit sizes count.", "size", "smaller sizes"),
    "storage_too_long": ("A size is over torch's largest (2**63 - 1).", "size", "smaller sizes"),
    "cell_nonlinearity": ("nn.RNNCell was built with nonlinearity={nonlinearity!r}; its forward pass applies tanh or relu only.", "nonlinearity", "nn.RNNCell(..., nonlinearity='tanh')  # or 'relu'"),
    "unsorted_lengths": ("pack_padded_sequence was given lengths not in decreasing order, with enforce_sorted=True.", "unsorted", "pack_padded_sequence(x, lengths, enforce_sorted=False)  # or sort the batch by length"),
    "lengths_count": ("pack_padded_sequence was given {got} lengths for a batch of {batch} sequences.", "lengths_count", "one length per sequence; if {got} is L, batch_first is set wrongly"),
    "length_not_positive": ("A sequence of length 0 (or less) was packed: every sequence needs a step.", "empty_sequence", "drop empty sequences before packing"),
    "empty_pack": ("pack_padded_sequence was given an empty input: an axis of size 0.", "empty_input", "skip empty batches"),
    "indices_bounds": ("With enforce_sorted=False torch reorders the batch (or the states) by the lengths, and index {index} is past an axis of {size}: more lengths than sequences, or a state of a smaller batch.", "lengths_count", "one length per sequence, and states of the input's batch"),
    "index_out_of_range": ("With enforce_sorted=False torch reorders the batch by the lengths, and more lengths were given than the batch has sequences.", "lengths_count", "one length per sequence"),
    "index_select_empty": ("With enforce_sorted=False torch reorders an axis of size 0 (an empty batch, or a state without sequences).", "empty_input", "skip empty batches"),
    "rows_missing": ("A length is past the padded input's L: pack_padded_sequence packed only the steps the input has, and the forward pass read past them.", "length_past_L", "lengths <= x.size(0) (x.size(1) with batch_first); compute them on the padded batch"),
    "rows_missing_view": ("A length is past the padded input's L: pack_padded_sequence packed only the steps the input has, and the LSTM read past them.", "length_past_L", "lengths <= x.size(0) (x.size(1) with batch_first); compute them on the padded batch"),
}  # fmt: skip


def refusal(found: Found, given: Given) -> Explained:
    """A sentence that names its own fault: what it means and the fix, proven."""
    meaning, cause, fix = _MEANINGS[found.sentence.id]
    fields: dict[str, Any] = dict(found.fields)
    subject = fields.get("argument")
    if subject is None and found.sentence.stage == "packing":
        subject = "lengths"
    return Explained(
        sentence=found.sentence.id,
        torch_message=found.message,
        stage=found.sentence.stage,
        summary=meaning.format(**fields),
        subject=subject,
        causes=(Cause(cause, meaning.format(**fields), fix.format(**fields), True),),
    )
