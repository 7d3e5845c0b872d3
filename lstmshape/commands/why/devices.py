"""torch's sentences about where a recurrent layer's tensors live: a state on another device, a
state cuDNN cannot read as laid out, weights in pieces, a kernel without the dtype, cuDNN's
backward in eval mode. Most are said on a GPU only; each says so, and its fix runs anywhere.
"""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.commands.why.find import Found
from lstmshape.i18n import tr
from lstmshape.results.cause import Cause
from lstmshape.results.why import Explained

# Every tensor of the call moved to the device of the module's weights: right whichever side
# (the input or the state) was left behind.
_TO_DEVICE = (
    "device = next(model.parameters()).device; "
    "x, h_0, c_0 = x.to(device), h_0.to(device), c_0.to(device)"
)


def _on_a_gpu() -> str:
    return tr("torch says this on a CUDA device only (cuDNN's kernels).")


def state_device(found: Found, given: Given) -> Explained:
    """``Input and hidden tensors are not at the same device, found input tensor at cuda:0 and
    hidden tensor at cpu``."""
    text = tr(
        "The input is on {input}; the state is on {hidden}: torch runs a layer's call on one "
        "device.",
        input=found.fields["input"],
        hidden=found.fields["hidden"],
    )
    cause = tr(
        "The state was made without device= (torch.zeros(...) is on the CPU), or the model and "
        "the input were moved and the state was not."
    )
    return found.explained(
        text,
        subject="h_0",
        expected=found.fields["input"],
        got=found.fields["hidden"],
        causes=(Cause("state_device", cause, _TO_DEVICE, True),),
    )


def state_device_cut(found: Found, given: Given) -> Explained:
    """``Input and hidden tensors are not at the same device, found``: the sentence cut after its
    first clause (an issue's title), so which device holds which tensor is not in the text."""
    text = tr(
        "The input and the state are on two devices: torch runs a layer's call on one device. "
        "The text is cut before it names them."
    )
    cause = tr(
        "The state was made without device= (torch.zeros(...) is on the CPU), or the model and "
        "the input were moved and the state was not."
    )
    return found.explained(
        text, subject="h_0", causes=(Cause("state_device", cause, _TO_DEVICE, True),)
    )


def cudnn_not_supported(found: Found, given: Given) -> Explained:
    """``CUDNN_STATUS_NOT_SUPPORTED. This error may appear if you passed in a non-contiguous
    input.`` in a recurrent layer's frame: cuDNN has no kernel for the input as laid out."""
    text = tr(
        "cuDNN refused the recurrent layer's call: most often its input is not contiguous in "
        "memory (made by transpose, permute or a slice), and cuDNN reads it as laid out."
    )
    return found.explained(
        text,
        subject="input",
        causes=(Cause("input_not_contiguous", text, "x = x.contiguous()", False),),
        notes=(
            _on_a_gpu(),
            tr(
                "cuDNN says the same of an input too large for its kernels: if {code} is "
                "already True, try a smaller batch.",
                code="x.is_contiguous()",
            ),
        ),
    )


def state_contiguous(found: Found, given: Given) -> Explained:
    """``rnn: hx is not contiguous`` (and ``cx``): cuDNN reads the states as laid out."""
    name = "c_0" if found.fields["state"] == "cx" else "h_0"
    text = tr(
        "{name} is not contiguous in memory: it was made by transpose, permute or a slice, which "
        "change its strides, not its memory; cuDNN reads it as laid out.",
        name=name,
    )
    return found.explained(
        text,
        subject=name,
        causes=(Cause("state_contiguous", text, f"{name} = {name}.contiguous()", True),),
        notes=(_on_a_gpu(),),
    )


def weights_not_contiguous(found: Found, given: Given) -> Explained:
    """``RNN module weights are not part of single contiguous chunk of memory``: a warning."""
    text = tr(
        "The layer's weights are not one block of memory (nn.DataParallel replicated the module, "
        "or a weight was replaced): torch copies them into one at every call. A warning, not an "
        "error."
    )
    return found.explained(
        text,
        causes=(
            Cause(
                "weights_not_contiguous",
                text,
                tr("{code}  # first line of forward()", code="self.lstm.flatten_parameters()"),
                True,
            ),
        ),
        notes=(_on_a_gpu(),),
    )


def cudnn_backward_eval(found: Found, given: Given) -> Explained:
    """``cudnn RNN backward can only be called in training mode``."""
    text = tr(
        "backward() went through a recurrent layer in eval mode: cuDNN keeps what backward needs "
        "in training mode only."
    )
    return found.explained(
        text,
        causes=(
            Cause(
                "eval_mode",
                text,
                tr(
                    "{code}  # before the forward pass you backpropagate through; or {other}",
                    code="model.train()",
                    other="torch.backends.cudnn.flags(enabled=False)",
                ),
                True,
            ),
        ),
        notes=(_on_a_gpu(),),
    )


def kernel_dtype(found: Found, given: Given) -> Explained:
    """``"_thnn_fused_lstm_cell_cuda" not implemented for 'BFloat16'``: a recurrent kernel of
    this torch has no version for the dtype."""
    kernel, scalar = found.fields["kernel"], found.fields["scalar"]
    text = tr(
        "torch's kernel {kernel} has no {dtype} version in this release: the input, the states "
        "or the weights are {dtype}.",
        kernel=kernel,
        dtype=scalar,
    )
    return found.explained(
        text,
        subject="input",
        got=scalar,
        causes=(
            Cause(
                "kernel_dtype",
                text,
                tr(
                    "{code}  # and the states alike; or a newer torch",
                    code="model, x = model.float(), x.float()",
                ),
                True,
            ),
        ),
    )
