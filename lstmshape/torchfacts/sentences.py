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

from lstmshape.torchfacts.arguments import CONSTRUCTOR

# How each kind of field is written in torch's text, and read back.
# Numbers have at most 30 digits (torch's largest, 2**63, has 19), so a number of thousands of
# digits is never read (nor given to int(), which refuses over 4,300), and no field can backtrack
# into a neighbour: every repeat below is bounded by a literal that cannot be part of it.
_N = r"[0-9]{1,30}(?![0-9])"
_PATTERNS = {
    "int": r"-?" + _N,
    "shape": rf"\((?:{_N}(?:, {_N})*,?)?\)",  # (1, 8, 256) or (80,)
    # A state torch expects: always 3 axes (an unbatched input's states get their batch axis of 1
    # before torch compares them), so a text of 2 or 4 is none of torch's.
    "state": rf"\({_N}, {_N}, {_N}\)",
    "list": rf"\[(?:-?{_N}(?:, -?{_N})*)?\]",  # [1, 32, 256], or [-6, 10] refused
    "size": rf"torch\.Size\(\[(?:{_N}(?:, {_N})*)?\]\)",  # torch.Size([1024, 300])
    "name": r"[A-Za-z_][A-Za-z0-9_]*",
    "path": r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*",  # encoder.lstm.weight_ih_l0
    "label": r"hidden(?:\[[01]\])?",  # hidden[0], hidden[1], hidden
    # A cell's state in its sentences: hidden0 (ATen), hidden[0] (torch < 1.9's Python), hidden
    "cell_label": r"(?:\[[01]\]|[01])?",
    "batchedness": r"(?:batched 3-D|unbatched 2-D)",
    "ranks": r"[0-9]{1,3}-D(?:, [0-9]{1,3}-D)*",
    "keys": r'"[^"]*"(?:, "[^"]*")*',
    "word": r"[^'\s]+",
    "dtype": r"torch\.[a-z0-9]+",  # torch.float64
    "scalar": r"[A-Z][A-Za-z0-9]*",  # Double, Float, BFloat16: torch's ScalarType names
    # cpu, cuda:0, mps, xpu:1, meta; and CPU, CUDA:0 as users retype them (read as torch's)
    "device": r"(?:[a-z]+|CPU|CUDA)(?::[0-9]{1,6})?",
    "kernel": r"[A-Za-z0-9_]+",  # _thnn_fused_lstm_cell_cuda
}
# A field that starts a sentence starts a word: without this, a pattern tried at every letter of
# a long word reads the rest of the word each time (quadratic).
_WORD_START = r"(?<![A-Za-z0-9_])"
_FIELD = re.compile(r"\{(\w+)\}")
_RECURRENT_KERNEL = re.compile(r"lstm|gru|rnn", re.IGNORECASE)


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
        (nn.MultiheadAttention says it of embed_dim too); a kernel's dtype refusal only when the
        kernel is a recurrent one (``_thnn_fused_lstm_cell_cuda``)."""
        if self.id in ("kernel_dtype", "kernel_dtype_old"):
            return _RECURRENT_KERNEL.search(fields.get("kernel", "")) is not None
        if self.generic or self.id in FRAMED:
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
        """The longest literal part of the template (without a last period, which a paste may
        lack): a line without it cannot hold the sentence on one line."""
        return max(_FIELD.split(self.template.removesuffix("."))[::2], key=len)

    @property
    def word(self) -> str:
        """The longest word of the template's literal parts: a sentence wrapped over two lines
        holds it whole on one of them, wherever the line was broken."""
        literal = " ".join(_FIELD.split(self.template.removesuffix("."))[::2])
        return max(literal.split(), key=len)

    @property
    def pattern(self) -> re.Pattern[str]:
        """The sentence as a regular expression with one named group per field (compiled once)."""
        return _compiled(self.id)

    def read(self, match: re.Match[str]) -> dict[str, Any]:
        """The fields of a match, as values: ints, shapes (tuples), lists of keys, names."""
        return {name: _value(self.fields[name], match[name]) for name in self.fields}


def _written(kind: str, value: Any) -> str:
    if kind == "cell_label":
        return "" if value is None else str(value)
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
    if kind == "cell_label":
        return int(text.strip("[]")) if text else None
    if kind == "device":
        return text.lower()
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
    # torch 1.0 to 1.6 wrote the state's size as a tuple: got (1, 8, 256)
    ("state_size_tuple", "Expected {label} size {expected}, got {got}", {"label": "label", "expected": "state", "got": "shape"}, "forward"),
    # torch 1.0 to 1.10's input check (before unbatched input): 3 dimensions, or 2 when packed
    ("input_dimensions", "input must have {want} dimensions, got {rank}", {"want": "int", "rank": "int"}, "forward"),
    ("no_steps", "Expected sequence length to be larger than 0 in RNN", {}, "forward"),
    ("single_state", "index {index} is out of bounds for dimension 0 with size {size}", {"index": "int", "size": "int"}, "forward"),
    ("input_dtype", "RNN input dtype ({input}) does not match weight dtype ({weight}). Convert input: input.to({to_weight}), or convert model: model.to({to_input})", {"input": "dtype", "weight": "dtype", "to_weight": "dtype", "to_input": "dtype"}, "forward"),
    ("matmul_dtype", "mat1 and mat2 must have the same dtype, but got {tensor} and {weight}", {"tensor": "scalar", "weight": "scalar"}, "forward"),
    ("mkldnn_dtype", "get_mkldnn_dtype: unsupported data type", {}, "forward"),
    ("two_states", "lstm expects two hidden states", {}, "forward"),
    ("odd_states", "Odd number of params or hiddens given to a bidirectional RNN", {}, "forward"),
    ("more_states", "Expected more hidden states in stacked_rnn", {}, "forward"),
    ("rnn_parameters", "got an incorrect number of RNN parameters", {}, "forward"),
    ("input_dtype_cut", "RNN input dtype ({input}) does not match weight dtype ({weight})", {"input": "dtype", "weight": "dtype"}, "forward"),
    ("state_device", "Input and hidden tensors are not at the same device, found input tensor at {input} and hidden tensor at {hidden}", {"input": "device", "hidden": "device"}, "forward"),
    # an issue's title cut after its first clause: the devices are not in the text
    ("state_device_cut", "Input and hidden tensors are not at the same device, found", {}, "forward"),
    # cuDNN's refusal of a layout or a size it has no kernel for: read in a recurrent frame only
    ("cudnn_not_supported", "CUDNN_STATUS_NOT_SUPPORTED. This error may appear if you passed in a non-contiguous input.", {}, "forward"),
    ("state_contiguous", "rnn: {state} is not contiguous", {"state": "name"}, "forward"),
    ("cudnn_backward_eval", "cudnn RNN backward can only be called in training mode", {}, "forward"),
    ("kernel_dtype", "\"{kernel}\" not implemented for '{scalar}'", {"kernel": "kernel", "scalar": "scalar"}, "forward"),
    # torch before 1.13 named the kernel without quotes
    ("kernel_dtype_old", "{kernel} not implemented for '{scalar}'", {"kernel": "kernel", "scalar": "scalar"}, "forward"),
    ("weights_not_contiguous", "RNN module weights are not part of single contiguous chunk of memory", {}, "forward"),
    ("dropout_one_layer", "non-zero dropout expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}", {"dropout": "word", "num_layers": "int"}, "constructor"),
    ("backward_twice", "Trying to backward through the graph a second time", {}, "forward"),
    # torch's sentences of any tensor that a PackedSequence with a wrong state meets inside the
    # kernel (an LSTM checks its states' sizes only for padded input): read in a recurrent frame
    ("packed_broadcast", "The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton dimension {dimension}", {"a": "int", "b": "int", "dimension": "int"}, "forward"),
    ("packed_matmul", "mat1 and mat2 shapes cannot be multiplied ({rows}x{width} and {inner}x{gates})", {"rows": "int", "width": "int", "inner": "int", "gates": "int"}, "forward"),
    # torch before 1.7 (TH's addmm)
    ("packed_matmul_old", "size mismatch, m1: [{rows} x {width}], m2: [{inner} x {gates}]", {"rows": "int", "width": "int", "inner": "int", "gates": "int"}, "forward"),
    # --- a cell's forward --------------------------------------------------------------------
    ("cell_input_rank", "{module}: Expected input to be 1D or 2D, got {rank}D instead", {"module": "name", "rank": "int"}, "cell"),
    ("lstm_cell_state_rank", "LSTMCell: Expected hx[{index}] to be 1D or 2D, got {rank}D instead", {"index": "int", "rank": "int"}, "cell"),
    ("cell_state_rank", "{module}: Expected hidden to be 1D or 2D, got {rank}D instead", {"module": "name", "rank": "int"}, "cell"),
    ("cell_input_width", "input has inconsistent input_size: got {got} expected {expected}", {"got": "int", "expected": "int"}, "cell"),
    # torch 1.0 to 1.8 checked a cell's input in Python, with a comma
    ("cell_input_width_comma", "input has inconsistent input_size: got {got}, expected {expected}", {"got": "int", "expected": "int"}, "cell"),
    ("cell_batch", "Input batch size {input} doesn't match hidden{index} batch size {state}", {"input": "int", "index": "cell_label", "state": "int"}, "cell"),
    ("cell_width", "hidden{index} has inconsistent hidden_size: got {got}, expected {expected}", {"index": "cell_label", "got": "int", "expected": "int"}, "cell"),
    ("cell_state_1d", "Dimension out of range (expected to be in range of [-1, 0], but got 1)", {}, "cell"),
    ("lstm_cell_two_states", "lstm_cell expects two hidden states", {}, "cell"),
    ("lstm_cell_tuple", "lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not Tensor", {}, "cell"),
    # --- pack_padded_sequence, and a forward pass on what it packed ------------------------------
    ("unsorted_lengths_cut", "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True", {}, "packing"),
    # torch 1.0's, before enforce_sorted
    ("unsorted_lengths_old", "'lengths' array has to be sorted in decreasing order", {}, "packing"),
    # torch 0.2 and 0.3's, in Python, without quotes around lengths
    ("unsorted_lengths_0x", "lengths array has to be sorted in decreasing order", {}, "packing"),
    ("unsorted_lengths", "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.", {}, "packing"),
    ("lengths_count", "Expected `len(lengths)` to be equal to batch_size, but got {got} (batch_size={batch})", {"got": "int", "batch": "int"}, "packing"),
    ("length_not_positive", "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0", {}, "packing"),
    # torch 0.3's, in Python, in lower case
    ("length_not_positive_0x", "length of all samples has to be greater than 0, but found an element in 'lengths' that is <=0", {}, "packing"),
    ("lengths_tensor", "'lengths' argument should be a 1D CPU int64 tensor, but got {rank}D {device} {type} tensor", {"rank": "int", "device": "device", "type": "scalar"}, "packing"),
    ("lengths_tensor_cut", "'lengths' argument should be a 1D CPU int64 tensor", {}, "packing"),
    ("empty_pack", "Cannot pack empty tensors.", {}, "packing"),
    ("indices_bounds", "INDICES element is out of DATA bounds, id={index} axis_dim={size}", {"index": "int", "size": "int"}, "packing"),
    ("index_out_of_range", "index out of range in self", {}, "packing"),
    ("index_select_empty", "index_select(): self indexing axis dim should be positive", {}, "packing"),
    ("rows_missing", "start ({start}) + length ({length}) exceeds dimension size ({rows}).", {"start": "int", "length": "int", "rows": "int"}, "packing"),
    ("rows_missing_view", "shape '{shape}' is invalid for input of size {size}", {"shape": "list", "size": "int"}, "packing"),
    # --- Module.load_state_dict --------------------------------------------------------------
    ("size_mismatch", "size mismatch for {parameter}: copying a param with shape {checkpoint} from checkpoint, the shape in current model is {model}.", {"parameter": "path", "checkpoint": "size", "model": "size"}, "load"),
    # torch 1.0's: "While copying the parameter named "lstm.weight_ih_l0", whose dimensions ..."
    ("size_mismatch_old", "While copying the parameter named \"{parameter}\", whose dimensions in the model are {model} and whose dimensions in the checkpoint are {checkpoint}", {"parameter": "path", "model": "size", "checkpoint": "size"}, "load"),
    # torch 0.3 and 0.4's, the parameter's name without quotes
    ("size_mismatch_0x", "While copying the parameter named {parameter}, whose dimensions in the model are {model} and whose dimensions in the checkpoint are {checkpoint}", {"parameter": "path", "model": "size", "checkpoint": "size"}, "load"),
    ("missing_keys", "Missing key(s) in state_dict: {keys}.", {"keys": "keys"}, "load"),
    ("unexpected_keys", "Unexpected key(s) in state_dict: {keys}.", {"keys": "keys"}, "load"),
)  # fmt: skip


# Sentences torch says of any tensor or module: "index out of range in self" (any nn.Embedding),
# "Dimension out of range ...", "X.__init__() got an unexpected keyword argument ...".
GENERIC = frozenset(
    {"unexpected_keyword", "negative_dimension", "storage_overflow", "storage_too_long",
     "single_state", "cell_state_1d", "indices_bounds", "index_out_of_range",
     "index_select_empty", "rows_missing", "rows_missing_view", "matmul_dtype",
     "mkldnn_dtype", "backward_twice", "kernel_dtype", "kernel_dtype_old"}
)  # fmt: skip
# Sentences of any tensor read only where the text holds a frame of torch's recurrent code
# (torch/nn/modules/rnn.py, _VF.lstm): a module named, or an argument given, is not enough.
FRAMED = frozenset(
    {"packed_broadcast", "packed_matmul", "packed_matmul_old", "cudnn_not_supported"}
)
# The arguments RNNBase and RNNCellBase check by name in their sentences: every constructor's.
ARGUMENTS = frozenset(argument.name for argument in CONSTRUCTOR)


@cache
def _compiled(sentence_id: str) -> re.Pattern[str]:
    sentence = TORCH[sentence_id]
    regex = ""
    for position, part in enumerate(_FIELD.split(sentence.template)):
        if position % 2:
            regex += f"(?P<{part}>{_PATTERNS[sentence.fields[part]]})"
        else:
            regex += re.escape(part)
    if sentence.template.startswith("{"):
        regex = _WORD_START + regex
    # A sentence pasted without its last period (an issue's title, a log's line) is still torch's.
    if regex.endswith(r"\."):
        regex += "?"
    return re.compile(regex)
