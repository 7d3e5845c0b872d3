"""torch's own sentences for recurrent-layer faults, as data: one template each, with typed fields.

The core quotes torch through these templates (``TORCH["input_width"].say(expected=10, got=8)``),
and ``lstmshape why`` recognises torch's text through the same templates, each compiled once into a
regular expression that runs in linear time (no field pattern can backtrack into another). So every
sentence lstmshape quotes is one it can read back, and the tests hold both against torch's own text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any, NamedTuple

# How each kind of field is written in torch's text, and read back.
_PATTERNS = {
    "int": r"-?[0-9]+",
    "shape": r"\((?:[0-9]+(?:, [0-9]+)*,?)?\)",  # (1, 8, 256) or (80,)
    # A state torch expects: always 3 axes (an unbatched input's states get their batch axis of 1
    # before torch compares them), so a text of 2 or 4 is none of torch's.
    "state": r"\([0-9]+, [0-9]+, [0-9]+\)",
    "list": r"\[(?:-?[0-9]+(?:, -?[0-9]+)*)?\]",  # [1, 32, 256], or [-6, 10] refused
    "size": r"torch\.Size\(\[(?:[0-9]+(?:, [0-9]+)*)?\]\)",  # torch.Size([1024, 300])
    "name": r"[A-Za-z_][A-Za-z0-9_]*",
    "path": r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*",  # encoder.lstm.weight_ih_l0
    "label": r"hidden(?:\[[01]\])?",  # hidden[0], hidden[1], hidden
    "batchedness": r"(?:batched 3-D|unbatched 2-D)",
    "ranks": r"[0-9]+-D(?:, [0-9]+-D)*",
    "keys": r'"[^"]*"(?:, "[^"]*")*',
    "word": r"[^'\s]+",
    "dtype": r"torch\.[a-z0-9]+",  # torch.float64
    "scalar": r"[A-Z][A-Za-z0-9]*",  # Double, Float, BFloat16: torch's ScalarType names
}
_FIELD = re.compile(r"\{(\w+)\}")


class Sentence(NamedTuple):
    """One of torch's sentences: ``template`` with ``{field}`` places, each of a kind of ``fields``."""

    id: str
    template: str
    fields: Mapping[str, str]
    stage: str
    """When torch says it: ``constructor``, ``forward``, ``cell``, ``packing`` or ``load``."""

    @property
    def generic(self) -> bool:
        """Whether torch says this sentence of any tensor or module, not of recurrent layers only:
        ``why`` reads it only where the text or the user names a recurrent layer, and never as a
        proof."""
        return self.id in GENERIC

    def about_recurrent_layers(self, fields: Mapping[str, Any]) -> bool:
        """Whether this occurrence is about a recurrent layer by its own words: a generic sentence
        never is; ``{argument} should be of type int`` only when the argument is one of RNNBase's
        (nn.MultiheadAttention says it of embed_dim too)."""
        if self.generic:
            return False
        argument = fields.get("argument")
        return argument is None or argument in ARGUMENTS

    def say(self, **values: Any) -> str:
        """The sentence with ``values`` written as torch writes them. A value for a field this
        sentence does not have is left out: the variants of one fault take the same values."""
        return self.template.format(
            **{
                name: _written(kind, values[name])
                for name, kind in self.fields.items()
                if name in values
            }
        )

    @property
    def anchor(self) -> str:
        """The longest literal part of the template: a line without it cannot hold the sentence."""
        return max(_FIELD.split(self.template)[::2], key=len)

    @property
    def pattern(self) -> re.Pattern[str]:
        """The sentence as a regular expression with one named group per field (compiled once)."""
        return _compiled(self.id)

    def read(self, match: re.Match[str]) -> dict[str, Any]:
        """The fields of a match, as values: ints, shapes (tuples), lists of keys, names."""
        return {name: _value(self.fields[name], match[name]) for name in self.fields}


def _written(kind: str, value: Any) -> str:
    if kind in ("shape", "state"):
        return "(" + ", ".join(map(str, value)) + ("," if len(value) == 1 else "") + ")"
    if kind == "list":
        return str(list(value))
    if kind == "size":
        return f"torch.Size({list(value)})"
    return str(value)


def _value(kind: str, text: str) -> Any:
    if kind == "int":
        return int(text)
    if kind in ("shape", "state", "list", "size"):
        return tuple(int(n) for n in re.findall(r"-?[0-9]+", text))
    if kind == "keys":
        return tuple(re.findall(r'"([^"]*)"', text))
    if kind == "ranks":
        return tuple(int(n) for n in re.findall(r"-?[0-9]+", text))
    return text


def _sentences(*rows: tuple[str, str, dict[str, str], str]) -> dict[str, Sentence]:
    return {row[0]: Sentence(*row) for row in rows}


TORCH = _sentences(
    # --- the constructors (torch.nn.RNNBase.__init__, GRU's and RNN's, the cells') ---------------
    ("proj_size_unsupported", "proj_size argument is only supported for LSTM, not RNN or GRU", {}, "constructor"),
    ("unknown_nonlinearity", "Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.", {"nonlinearity": "word"}, "constructor"),
    ("unexpected_keyword", "{owner}.__init__() got an unexpected keyword argument '{argument}'", {"owner": "name", "argument": "name"}, "constructor"),
    ("dropout_range", "dropout should be a number in range [0, 1] representing the probability of an element being zeroed", {}, "constructor"),
    ("bool_type", "{argument} should be of type bool, got: {type}", {"argument": "name", "type": "name"}, "constructor"),
    ("int_type", "{argument} should be of type int, got: {type}", {"argument": "name", "type": "name"}, "constructor"),
    ("not_positive", "{argument} must be greater than zero", {"argument": "name"}, "constructor"),
    ("proj_size_negative", "proj_size should be a positive integer or zero to disable projections", {}, "constructor"),
    ("proj_size_too_big", "proj_size has to be smaller than hidden_size", {}, "constructor"),
    ("negative_dimension", "Trying to create tensor with negative dimension {size}: {shape}", {"size": "int", "shape": "list"}, "constructor"),
    ("storage_overflow", "Storage size calculation overflowed with sizes={shape}", {"shape": "list"}, "constructor"),
    ("storage_too_long", 'empty(): argument \'size\' failed to unpack the object at pos {position} with error "Overflow when unpacking long long', {"position": "int"}, "constructor"),
    ("cell_nonlinearity", "Unknown nonlinearity: {nonlinearity}", {"nonlinearity": "word"}, "cell"),
    # --- a sequence module's forward (LSTM.forward, GRU.forward, RNN.forward) ---------------------
    ("input_rank", "{module}: Expected input to be 2D or 3D, got {rank}D instead", {"module": "name", "rank": "int"}, "forward"),
    ("rnn_input_rank", "{module}: Expected input to be 2D or 3D, got {rank}D tensor instead", {"module": "name", "rank": "int"}, "forward"),
    ("state_rank", "For {input} input, hx should also be {want}-D but got {got}-D tensor", {"input": "batchedness", "want": "int", "got": "int"}, "forward"),
    ("states_rank", "For {input} input, hx and cx should also be {want}-D but got ({ranks}) tensors", {"input": "batchedness", "want": "int", "ranks": "ranks"}, "forward"),
    ("input_width", "input.size(-1) must be equal to input_size. Expected {expected}, got {got}", {"expected": "int", "got": "int"}, "forward"),
    ("state_size", "Expected {label} size {expected}, got {got}", {"label": "label", "expected": "state", "got": "list"}, "forward"),
    ("no_steps", "Expected sequence length to be larger than 0 in RNN", {}, "forward"),
    ("single_state", "index {index} is out of bounds for dimension 0 with size {size}", {"index": "int", "size": "int"}, "forward"),
    ("input_dtype", "RNN input dtype ({input}) does not match weight dtype ({weight}). Convert input: input.to({to_weight}), or convert model: model.to({to_input})", {"input": "dtype", "weight": "dtype", "to_weight": "dtype", "to_input": "dtype"}, "forward"),
    ("matmul_dtype", "mat1 and mat2 must have the same dtype, but got {tensor} and {weight}", {"tensor": "scalar", "weight": "scalar"}, "forward"),
    ("mkldnn_dtype", "get_mkldnn_dtype: unsupported data type", {}, "forward"),
    ("two_states", "lstm expects two hidden states", {}, "forward"),
    ("odd_states", "Odd number of params or hiddens given to a bidirectional RNN", {}, "forward"),
    ("more_states", "Expected more hidden states in stacked_rnn", {}, "forward"),
    ("rnn_parameters", "got an incorrect number of RNN parameters", {}, "forward"),
    # --- a cell's forward --------------------------------------------------------------------
    ("cell_input_rank", "{module}: Expected input to be 1D or 2D, got {rank}D instead", {"module": "name", "rank": "int"}, "cell"),
    ("lstm_cell_state_rank", "LSTMCell: Expected hx[{index}] to be 1D or 2D, got {rank}D instead", {"index": "int", "rank": "int"}, "cell"),
    ("cell_state_rank", "{module}: Expected hidden to be 1D or 2D, got {rank}D instead", {"module": "name", "rank": "int"}, "cell"),
    ("cell_input_width", "input has inconsistent input_size: got {got} expected {expected}", {"got": "int", "expected": "int"}, "cell"),
    ("cell_batch", "Input batch size {input} doesn't match hidden{index} batch size {state}", {"input": "int", "index": "int", "state": "int"}, "cell"),
    ("cell_width", "hidden{index} has inconsistent hidden_size: got {got}, expected {expected}", {"index": "int", "got": "int", "expected": "int"}, "cell"),
    ("cell_state_1d", "Dimension out of range (expected to be in range of [-1, 0], but got 1)", {}, "cell"),
    ("lstm_cell_two_states", "lstm_cell expects two hidden states", {}, "cell"),
    ("lstm_cell_tuple", "lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not Tensor", {}, "cell"),
    # --- pack_padded_sequence, and a forward pass on what it packed ------------------------------
    ("unsorted_lengths", "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.", {}, "packing"),
    ("lengths_count", "Expected `len(lengths)` to be equal to batch_size, but got {got} (batch_size={batch})", {"got": "int", "batch": "int"}, "packing"),
    ("length_not_positive", "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0", {}, "packing"),
    ("lengths_tensor", "'lengths' argument should be a 1D CPU int64 tensor, but got {rank}D {device} {type} tensor", {"rank": "int", "device": "name", "type": "scalar"}, "packing"),
    ("empty_pack", "Cannot pack empty tensors.", {}, "packing"),
    ("indices_bounds", "INDICES element is out of DATA bounds, id={index} axis_dim={size}", {"index": "int", "size": "int"}, "packing"),
    ("index_out_of_range", "index out of range in self", {}, "packing"),
    ("index_select_empty", "index_select(): self indexing axis dim should be positive", {}, "packing"),
    ("rows_missing", "start ({start}) + length ({length}) exceeds dimension size ({rows}).", {"start": "int", "length": "int", "rows": "int"}, "packing"),
    ("rows_missing_view", "shape '{shape}' is invalid for input of size {size}", {"shape": "list", "size": "int"}, "packing"),
    # --- Module.load_state_dict --------------------------------------------------------------
    ("size_mismatch", "size mismatch for {parameter}: copying a param with shape {checkpoint} from checkpoint, the shape in current model is {model}.", {"parameter": "path", "checkpoint": "size", "model": "size"}, "load"),
    ("missing_keys", "Missing key(s) in state_dict: {keys}.", {"keys": "keys"}, "load"),
    ("unexpected_keys", "Unexpected key(s) in state_dict: {keys}.", {"keys": "keys"}, "load"),
)  # fmt: skip


# Sentences torch says of any tensor or module: "index out of range in self" (any nn.Embedding),
# "Dimension out of range ...", "X.__init__() got an unexpected keyword argument ...".
GENERIC = frozenset(
    {"unexpected_keyword", "negative_dimension", "storage_overflow", "storage_too_long",
     "single_state", "cell_state_1d", "indices_bounds", "index_out_of_range",
     "index_select_empty", "rows_missing", "rows_missing_view", "matmul_dtype",
     "mkldnn_dtype"}
)  # fmt: skip
# The arguments RNNBase and RNNCellBase check by name in their sentences.
ARGUMENTS = frozenset(
    {"input_size", "hidden_size", "num_layers", "bias", "batch_first", "proj_size", "dropout",
     "bidirectional", "nonlinearity"}
)  # fmt: skip


@cache
def _compiled(sentence_id: str) -> re.Pattern[str]:
    sentence = TORCH[sentence_id]
    regex = ""
    for position, part in enumerate(_FIELD.split(sentence.template)):
        if position % 2:
            regex += f"(?P<{part}>{_PATTERNS[sentence.fields[part]]})"
        else:
            regex += re.escape(part)
    return re.compile(regex)
