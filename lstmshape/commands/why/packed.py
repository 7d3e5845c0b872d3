"""Sentences torch says of any tensor, read in a recurrent frame: an LSTM given a PackedSequence
checks no state's size, so a wrong state fails inside ``_VF.lstm``, in a broadcast or a matrix
product. There N is the packed input's ``batch_sizes[0]`` and H is the weights'.
"""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.commands.why.find import Found
from lstmshape.i18n import tr
from lstmshape.results.cause import Axis, Cause
from lstmshape.results.why import Explained

_BUILT_FOR_THE_PACK = (
    "N = packed.batch_sizes[0]; "
    "h_0 = torch.zeros(D * num_layers, N, H_out); c_0 = torch.zeros(D * num_layers, N, H_cell)"
)


def _in_the_kernel() -> str:
    return tr(
        "Read in the recurrent frames of the traceback: with a PackedSequence, torch checks no "
        "state's size before its kernel."
    )


def packed_broadcast(found: Found, given: Given) -> Explained:
    """``The size of tensor a (8) must match the size of tensor b (4) at non-singleton dimension
    0``: a state of another batch than the packed input's (or h_0 and c_0 of two batches)."""
    a, b = found.fields["a"], found.fields["b"]
    text = tr(
        "Inside the kernel a batch of {a} met a batch of {b}: h_0 or c_0 was built for another "
        "batch than the packed input's N (packed.batch_sizes[0]), or h_0 and c_0 differ in N.",
        a=a,
        b=b,
    )
    return found.explained(
        text,
        subject="h_0",
        formula="(D*num_layers, N, H_out)",
        axes=(Axis("N", None, None),),
        causes=(Cause("packed_state_batch", text, _BUILT_FOR_THE_PACK),),
        notes=(_in_the_kernel(),),
    )


def packed_matmul(found: Found, given: Given) -> Explained:
    """``mat1 and mat2 shapes cannot be multiplied (4x64 and 32x128)``: h_0 of width 64 times
    weight_hh transposed, (H_out, G*H_cell) = (32, 128)."""
    rows, width = found.fields["rows"], found.fields["width"]
    inner, gates = found.fields["inner"], found.fields["gates"]
    text = tr(
        "Inside the kernel h_0's {rows} rows of width {width} met weight_hh, which takes H_out = "
        "{inner} ({gates} gate rows): h_0 was built with another H_out than the layer's.",
        rows=rows,
        width=width,
        inner=inner,
        gates=gates,
    )
    return found.explained(
        text,
        subject="h_0",
        expected=inner,
        got=width,
        formula="(D*num_layers, N, H_out)",
        axes=(Axis("H_out", inner, width),),
        causes=(
            Cause(
                "packed_state_width",
                text,
                f"h_0 = torch.zeros(D * num_layers, packed.batch_sizes[0], {inner})",
            ),
        ),
        notes=(_in_the_kernel(),),
    )
