"""Each target's change as code, for one configuration: pure text, no torch.

The code names the layer as the report's snippet does (``lstm``, ``gru``, ``rnn``) and its tensors
as torch documents them (``x`` for input, ``h_0``, ``c_0``). tests/test_deploy.py executes every
snippet printed and checks it does what its verdict says. The code stays as Python writes it; its
comments are in the language spoken, as a tutorial in that language writes them.
"""

from __future__ import annotations

from lstmshape.i18n import tr
from lstmshape.torchfacts.spec import ModuleSpec


def layer_name(spec: ModuleSpec) -> str:
    """``lstm``, ``gru`` or ``rnn``: the variable the snippets use for the layer."""
    return spec.kind.name.lower()


def _axes(spec: ModuleSpec) -> tuple[int, int]:
    """(batch axis, time axis) of input and output."""
    return (0, 1) if spec.batch_first else (1, 0)


def _states(spec: ModuleSpec) -> str:
    return "(h_0, c_0)" if spec.kind.has_cell_state else "h_0"


def onnx_torchscript(spec: ModuleSpec) -> str:
    """The TorchScript exporter with the states as graph inputs and N, L dynamic (axis 1 of the
    states: batch_first never applies to them)."""
    name = layer_name(spec)
    batch, time = _axes(spec)
    lstm = spec.kind.has_cell_state
    inputs = '["input", "h_0", "c_0"]' if lstm else '["input", "h_0"]'
    outputs = '["output", "h_n", "c_n"]' if lstm else '["output", "h_n"]'
    states = '"h_0": {1: "N"}, "c_0": {1: "N"}, "h_n": {1: "N"}, "c_n": {1: "N"}'
    if not lstm:
        states = '"h_0": {1: "N"}, "h_n": {1: "N"}'
    return (
        "torch.onnx.export(\n"
        f'    {name}, (x, {_states(spec)}), "{name}.onnx", dynamo=False,\n'
        f"    input_names={inputs},\n"
        f"    output_names={outputs},\n"
        "    dynamic_axes={  # " + tr("the states' batch is axis 1, whatever batch_first") + "\n"
        f'        "input": {{{batch}: "N", {time}: "L"}}, "output": {{{batch}: "N", {time}: "L"}},\n'
        f"        {states},\n"
        "    },\n"
        ")"
    )


def onnx_dynamo(spec: ModuleSpec) -> str:
    """The default (dynamo) exporter with N and L dynamic: what users write first."""
    name = layer_name(spec)
    batch, time = _axes(spec)
    states = "({1: N}, {1: N})" if spec.kind.has_cell_state else "{1: N}"
    return (
        'N, L = torch.export.Dim("N"), torch.export.Dim("L")\n'
        f"program = torch.onnx.export({name}, (x, {_states(spec)}), dynamo=True,\n"
        f"                            dynamic_shapes=({{{batch}: N, {time}: L}}, {states}))\n"
        f'program.save("{name}.onnx")'
    )


def torch_export(spec: ModuleSpec, *, dynamic_length: bool) -> str:
    """torch.export with N dynamic (axis 1 of the states), and L too if ``dynamic_length``."""
    name = layer_name(spec)
    batch, time = _axes(spec)
    states = "({1: N}, {1: N})" if spec.kind.has_cell_state else "{1: N}"
    dims = f"{{{batch}: N, {time}: L}}" if dynamic_length else f"{{{batch}: N}}"
    first = (
        'N, L = torch.export.Dim("N"), torch.export.Dim("L")'
        if dynamic_length
        else 'N = torch.export.Dim("N")  # ' + tr("L stays the example's: export once per length")
    )
    return (
        f"{first}\n"
        f"program = torch.export.export({name}, (x, {_states(spec)}),\n"
        f"                              dynamic_shapes=({dims}, {states}))"
    )


def quantize(spec: ModuleSpec) -> str:
    """quantize_dynamic on a module that holds the layer: it swaps children, never its argument."""
    name = layer_name(spec)
    return (
        "# "
        + tr("In a model: {call} swaps its recurrent layers.", call="quantize_dynamic(model, ...)")
        + "\n"
        "holder = torch.ao.quantization.quantize_dynamic(\n"
        f'    nn.ModuleDict({{"{name}": {name}}}), {{nn.{spec.kind.name}}}, dtype=torch.qint8\n'
        ")\n"
        f'{name} = holder["{name}"]'
    )


def masking(spec: ModuleSpec) -> str:
    """Packing replaced by the padded input and a mask of the real steps."""
    name = layer_name(spec)
    batch, time = _axes(spec)
    steps = f"torch.arange(x.shape[{time}])"
    mask = (
        f"{steps}[None, :] < lengths[:, None]"
        if spec.batch_first
        else f"{steps}[:, None] < lengths[None, :]"
    )
    real_steps = tr("True on each sequence's real steps")
    last_step = tr("each sequence's true last step")
    return (
        "# "
        + tr(
            "Export {name} on the padded x (no {call}), then mask the padding:",
            name=name,
            call="pack_padded_sequence",
        )
        + "\n"
        f"output, _ = {name}(x, {_states(spec)})\n"
        f"mask = {mask}  # {real_steps}\n"
        "output = output * mask.unsqueeze(-1)"
        + (
            f"\nlast = output[lengths - 1, torch.arange(x.shape[{batch}])]  # {last_step}"
            if not spec.batch_first and not spec.bidirectional
            else ""
        )
    )


def data_parallel(spec: ModuleSpec) -> str:
    """DataParallel that scatters every tensor on its batch axis."""
    name = layer_name(spec)
    if not spec.batch_first:
        # dim=1 is N for the input (L, N, H_in) and for the states (D*num_layers, N, H_out).
        return (
            f"model = nn.DataParallel({name}, dim=1)  # {tr('input, h_0 and c_0 all have N on dim 1')}\n"
            f"output, {'(h_n, c_n)' if spec.kind.has_cell_state else 'h_n'} = model(x, {_states(spec)})"
        )
    lstm = spec.kind.has_cell_state
    inner = (
        "        out, (h, c) = self.rnn(x, (h_0.transpose(0, 1).contiguous(), "
        "c_0.transpose(0, 1).contiguous()))\n"
        "        return out, (h.transpose(0, 1), c.transpose(0, 1))\n"
        if lstm
        else "        out, h = self.rnn(x, h_0.transpose(0, 1).contiguous())\n"
        "        return out, h.transpose(0, 1)\n"
    )
    args = "x, h_0, c_0" if lstm else "x, h_0"
    call = "x, h_0.transpose(0, 1), c_0.transpose(0, 1)" if lstm else "x, h_0.transpose(0, 1)"
    back = (
        "h_n, c_n = (s.transpose(0, 1) for s in states)" if lstm else "h_n = states.transpose(0, 1)"
    )
    return (
        "class StatesBatchFirst(nn.Module):  # "
        + tr("the states cross DataParallel as {shape}", shape="(N, D*num_layers, H)")
        + "\n"
        "    def __init__(self, rnn):\n"
        "        super().__init__()\n"
        "        self.rnn = rnn\n\n"
        f"    def forward(self, {args}):\n"
        f"{inner}\n"
        f"model = nn.DataParallel(StatesBatchFirst({name}))\n"
        f"output, states = model({call})\n"
        f"{back}  # {tr('back to {shape}', shape='(D*num_layers, N, H)')}"
    )


def cudnn(spec: ModuleSpec) -> str:
    """Backward through cuDNN: training mode, with dropout off when eval's numbers are wanted."""
    name = layer_name(spec)
    training = tr("cuDNN's RNN backward runs only in training mode")
    lines = [f"{name}.train()  # {training}"]
    if spec.num_layers > 1 and spec.dropout > 0:
        numbers = tr("eval's numbers, and deterministic")
        lines.insert(0, f"{name}.dropout = 0.0  # {numbers}")
        lines.append("torch.backends.cudnn.deterministic = True")
    return "\n".join(lines)
