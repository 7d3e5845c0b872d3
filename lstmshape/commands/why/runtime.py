"""torch's sentences from inside the recurrent kernels: a dtype that is not the weights', the
states counted wrongly on a packed input, the lengths of another form, the weights list changed.
"""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.commands.why.find import Found
from lstmshape.i18n import tr
from lstmshape.results.cause import Cause
from lstmshape.results.why import Explained

# torch's ScalarType names (mat1 and mat2 ... "got Double and Float") as dtypes.
_SCALARS = {"Float": "torch.float32", "Double": "torch.float64", "Half": "torch.float16",
            "BFloat16": "torch.bfloat16", "Long": "torch.int64", "Int": "torch.int32",
            "Short": "torch.int16", "Char": "torch.int8", "Byte": "torch.uint8",
            "Bool": "torch.bool"}  # fmt: skip
_INTEGERS = ("torch.int64", "torch.int32", "torch.int16", "torch.int8", "torch.uint8")


def input_dtype(found: Found, given: Given) -> Explained:
    """``RNN input dtype (torch.float64) does not match weight dtype (torch.float32). ...``"""
    got, weight = found.fields["input"], found.fields["weight"]
    causes = []
    if got in _INTEGERS:
        causes.append(_token_ids(got))
    causes.append(
        Cause(
            "input_dtype",
            tr(
                "The input is {dtype}; the module's weights are {weight}: torch computes in one "
                "dtype.",
                dtype=got,
                weight=weight,
            ),
            tr(
                "{code}  # and the states alike; or {other}",
                code=f"x = x.to({weight})",
                other=f"model.to({got})",
            )
            if got not in _INTEGERS
            else tr("{code}  # and the states alike", code=f"x = x.to({weight})"),
            got not in _INTEGERS,
        )
    )
    return found.explained(
        tr("The input is {dtype}; the module's weights are {weight}.", dtype=got, weight=weight),
        subject="input",
        expected=weight,
        got=got,
        causes=tuple(causes),
    )


def matmul_dtype(found: Found, given: Given) -> Explained:
    """``mat1 and mat2 must have the same dtype, but got Double and Float``: a cell's input, or a
    state, of another dtype than the weights (torch says it of any matrix product)."""
    tensor = _SCALARS.get(found.fields["tensor"], found.fields["tensor"])
    weight = _SCALARS.get(found.fields["weight"], found.fields["weight"])
    causes = [_token_ids(tensor)] if tensor in _INTEGERS else []
    causes.append(
        Cause(
            "tensor_dtype",
            tr(
                "The input, h_0 or c_0 is {dtype}; the module's weights are {weight}.",
                dtype=tensor,
                weight=weight,
            ),
            f"x, h_0, c_0 = x.to({weight}), h_0.to({weight}), c_0.to({weight})",
        )
    )
    return found.explained(
        tr(
            "A tensor of {dtype} met weights of {weight}: the input or a state has another dtype "
            "than the module.",
            dtype=tensor,
            weight=weight,
        ),
        expected=weight,
        got=tensor,
        causes=tuple(causes),
    )


def mkldnn_dtype(found: Found, given: Given) -> Explained:
    """``get_mkldnn_dtype: unsupported data type``: an LSTM's states of another dtype than its
    input on the CPU (torch says it of any oneDNN kernel)."""
    text = tr("h_0 or c_0 has another dtype than the input and the module's weights.")
    return found.explained(
        text,
        causes=(
            Cause(
                "state_dtype",
                text,
                "h_0, c_0 = h_0.to(x.dtype), c_0.to(x.dtype)",
            ),
        ),
    )


def _token_ids(dtype: str) -> Cause:
    return Cause(
        "token_ids",
        tr(
            "The input is {dtype}: token ids, or labels. A recurrent layer takes features; ids go "
            "through an nn.Embedding first.",
            dtype=dtype,
        ),
        "x = embedding(x)  # nn.Embedding(num_tokens, input_size)",
    )


def state_count(found: Found, given: Given) -> Explained:
    """A packed input with states of too few rows (an LSTM's sizes are checked only after
    packing): ``Odd number of params or hiddens ...``, ``Expected more hidden states ...``."""
    odd = found.sentence.id == "odd_states"
    text = (
        tr(
            "A bidirectional module takes D*num_layers rows of state, two per layer; these "
            "states have an odd number of rows."
        )
        if odd
        else tr(
            "The states have another number of rows than D*num_layers, fewer or more: an LSTM "
            "given a PackedSequence skips its state check, and its kernel says this of any other "
            "count."
        )
    )
    return found.explained(
        text,
        subject="h_0",
        formula="(D*num_layers, N, H_out)",
        causes=(
            Cause(
                "rows",
                text,
                tr(
                    "a state the model computed: {last} (more rows: the last layers') or {repeat} "
                    "(one layer's, for each layer); an initial state: {h_0}, and {c_0}",
                    last="h_0 = h_0[-D * num_layers:]",
                    repeat="h_0 = h_0.repeat(D * num_layers // h_0.size(0), 1, 1)",
                    h_0="h_0 = torch.zeros(D * num_layers, N, H_out)",
                    c_0="c_0 = torch.zeros(D * num_layers, N, H_cell)",
                ),
            ),
        ),
    )


def two_states(found: Found, given: Given) -> Explained:
    """``lstm expects two hidden states`` (and an LSTMCell's): a tuple of one, or of three."""
    cell = found.sentence.id == "lstm_cell_two_states"
    code = "cell(x_t, (h, c))" if cell else "lstm(x, (h_0, c_0))"
    return found.explained(
        tr(
            "An LSTM takes its states as one tuple of two tensors, (h_0, c_0); it got another count."
        ),
        subject="c_0",
        causes=(
            Cause(
                "one_state_for_two",
                tr(
                    "The tuple holds one tensor (or three): h_0 without c_0, or a GRU's state "
                    "given to an LSTM."
                ),
                code,
                True,
            ),
        ),
    )


def lengths_tensor(found: Found, given: Given) -> Explained:
    """``'lengths' argument should be a 1D CPU int64 tensor, but got 2D cpu Long tensor``; cut
    before ``but got`` (an issue's title), lengths on a GPU is what users meet most."""
    rank, device = found.fields.get("rank", 1), found.fields.get("device")
    causes = []
    if device is None:
        causes.append(
            Cause(
                "lengths_device",
                tr(
                    "lengths is on a GPU (the sentence's end, cut here, says where): torch reads "
                    "it on the CPU."
                ),
                "pack_padded_sequence(x, lengths.cpu(), ...)",
            )
        )
    if rank != 1:
        causes.append(
            Cause(
                "lengths_rank",
                tr(
                    "lengths has {rank} axes; pack_padded_sequence takes one length per sequence, "
                    "one axis.",
                    rank=rank,
                ),
                "lengths = lengths.flatten()",
                True,
            )
        )
    if device not in ("cpu", None):
        causes.append(
            Cause(
                "lengths_device",
                tr("lengths is on {device}; torch reads it on the CPU.", device=device),
                "pack_padded_sequence(x, lengths.cpu(), ...)",
                True,
            )
        )
    return found.explained(
        tr("pack_padded_sequence takes lengths as a 1-D CPU int64 tensor (or a list of ints)."),
        subject="lengths",
        causes=tuple(causes),
    )


def rnn_parameters(found: Found, given: Given) -> Explained:
    """``got an incorrect number of RNN parameters``: the kernel was given another weights list
    than the module's arguments make."""
    text = tr(
        "The weights passed to torch's kernel are not the list the module's arguments make: "
        "parameters removed or replaced (a weight norm, pruning, a hand-made weights list)."
    )
    return found.explained(
        text,
        causes=(
            Cause(
                "weights_changed",
                text,
                tr(
                    "a module built anew with the same arguments, {call}, given the weights: "
                    "{code}",
                    call=given.constructor("...", ("LSTM", "GRU", "RNN")),
                    code="fresh.load_state_dict(rnn.state_dict())",
                ),
            ),
        ),
    )
