"""A whole traced model deployed: exported with the exporter that works for recurrent layers
(TorchScript, ``dynamo=False``), run in onnxruntime at two batch sizes and two lengths, compared with
the model in torch.

torch and onnxruntime are passed in or imported inside functions. The batch and length axes of the
model's inputs are the ones that became the traced layers' N and L. Before exporting, the model
runs in torch at the second sizes with a hook on every nn.LSTM, GRU and RNN: a state whose batch is
not its input's was built with a fixed size, and the line of the user's code that built it (a
TorchFunctionMode sees every tensor factory call) is named, with the change.
"""

from __future__ import annotations

import copy
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from lstmshape.deploy.runs import MORE_L, MORE_N, ONNX_ATOL, first_line, quiet, scratch
from lstmshape.results.sites import site_text
from lstmshape.results.trace import Trace, TracedCall

# The calls that make a tensor from sizes: a state built by one of them with a number for N is
# frozen at that N in the exported graph.
FACTORIES = frozenset(
    {"zeros", "ones", "empty", "full", "randn", "rand", "new_zeros", "new_ones", "new_empty"}
)
_LSTMSHAPE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass(frozen=True)
class Axes:
    """Which axis of each tensor input is N and which is L, and the sizes the trace gave them."""

    n: int
    length: int
    by_input: dict[int, dict[int, str]]

    def text(self, more: bool) -> str:
        n, length = (self.n + MORE_N, self.length + MORE_L) if more else (self.n, self.length)
        return f"N={n}, L={length}"

    def sizes(self) -> str:
        return f"{self.text(False)} / {self.text(True)}"


@dataclass(frozen=True)
class Found:
    """What the whole-model run found: a key of whole-model reasons and its fields, and the layer,
    the line and the change when a state was built with a fixed size."""

    key: str
    fields: dict[str, str] = field(default_factory=dict)
    layer: str = ""
    site: str = ""
    fix: str = ""


class FixedStateFound(Exception):
    """A recurrent layer was given a state whose batch is not its input's."""

    def __init__(self, found: Found) -> None:
        super().__init__(found.key)
        self.found = found


def sequence_calls(trace: Trace) -> list[TracedCall]:
    """The traced calls of nn.LSTM/GRU/RNN on a batched input, with a report."""
    return [
        c
        for c in trace.calls
        if c.report is not None and not c.report.spec.kind.is_cell and c.report.batched
    ]


def find_axes(trace: Trace, args: tuple[Any, ...], torch: Any) -> Axes | Found:
    """The model's inputs' N and L axes: those whose size is the first layer's N and L."""
    calls = sequence_calls(trace)
    if not calls:
        return Found("no_sequence_layer")
    first = calls[0]
    assert first.report is not None
    shape = first.received.input
    bf = first.report.spec.batch_first
    n, length = (shape[0], shape[1]) if bf else (shape[1], shape[0])
    if any(not isinstance(a, torch.Tensor) for a in args):
        return Found("not_tensors")
    if n == length:
        return Found("same_sizes", {"n": str(n), "length": str(length)})
    by_input: dict[int, dict[int, str]] = {}
    for index, tensor in enumerate(args):
        sizes = list(tensor.shape)
        axes = {sizes.index(n): "N"} if sizes.count(n) == 1 else {}
        if sizes.count(length) == 1:
            axes[sizes.index(length)] = "L"
        if axes:
            by_input[index] = axes
    if not any("N" in axes.values() for axes in by_input.values()):
        return Found("no_batch_axis", {"n": str(n), "path": first.label})
    return Axes(n, length, by_input)


def second_inputs(torch: Any, args: tuple[Any, ...], axes: Axes) -> tuple[Any, ...]:
    """The inputs at N+2 and L+3 on the axes found, random (integers within the example's range)."""
    made = []
    for index, tensor in enumerate(args):
        sizes = list(tensor.shape)
        for axis, name in axes.by_input.get(index, {}).items():
            sizes[axis] += MORE_N if name == "N" else MORE_L
        if tensor.is_floating_point():
            made.append(torch.randn(*sizes, dtype=tensor.dtype))
        else:
            top = max(int(tensor.max()) + 1, 1) if tensor.numel() else 1
            made.append(torch.randint(0, top, sizes, dtype=tensor.dtype))
    return tuple(made)


def whole_model(torch: Any, trace: Trace, model: Any, args: tuple[Any, ...]) -> Found:
    """The whole-model run: a fixed-size state found in torch, or the export's outcome."""
    axes = find_axes(trace, args, torch)
    if isinstance(axes, Found):
        return axes
    torch.manual_seed(0)
    model = copy.deepcopy(model).eval()
    more = second_inputs(torch, args, axes)
    with quiet(), torch.no_grad():
        try:
            wanted = [_leaves(torch, model(*args)), _forward_watched(torch, trace, model, more)]
        except FixedStateFound as fixed:
            return fixed.found
        except Exception as error:  # the user's model fails at another size: the finding
            return Found(
                "torch_second_size", {"sizes": axes.text(True), "error": first_line(error)}
            )
        return _exported(torch, model, args, (args, more), wanted, axes)


def _leaves(torch: Any, output: Any) -> list[Any]:
    from torch.utils._pytree import tree_leaves

    return [t for t in tree_leaves(output) if isinstance(t, torch.Tensor)]


def _exported(
    torch: Any,
    model: Any,
    args: tuple[Any, ...],
    runs: tuple[tuple[Any, ...], tuple[Any, ...]],
    wanted: list[list[Any]],
    axes: Axes,
) -> Found:
    import onnxruntime

    names = [f"input_{i}" for i in range(len(args))]
    dynamic = {names[i]: dict(found.items()) for i, found in axes.by_input.items()}
    with scratch() as folder:
        path = folder / "model.onnx"
        try:
            torch.onnx.export(
                model, args, str(path), dynamo=False, input_names=names, dynamic_axes=dynamic
            )
        except Exception as error:  # the exporter's refusal is the finding
            return Found("model_refused", {"error": first_line(error)})
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 4
        session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        for more, (inputs, expected) in enumerate(zip(runs, wanted, strict=True)):
            feeds = {name: t.numpy() for name, t in zip(names, inputs, strict=True)}
            try:
                got = session.run(None, feeds)
            except Exception as error:  # onnxruntime's refusal is the finding
                return Found("model_run_fails", {"sizes": axes.text(bool(more)),
                                                 "error": first_line(error)})  # fmt: skip
            differs = _differs(got, expected)
            if differs:
                return Found("model_differs", {"sizes": axes.text(bool(more)), "diff": differs})
    return Found("model_ok", {"sizes": axes.sizes()}, fix=export_code(axes, len(args)))


def _differs(got: list[Any], expected: list[Any]) -> str:
    if len(got) != len(expected):
        return f"{len(got)} ≠ {len(expected)}"
    for mine, theirs in zip(got, expected, strict=True):
        if tuple(mine.shape) != tuple(theirs.shape):
            return f"{tuple(mine.shape)} ≠ {tuple(theirs.shape)}"
        diff = float(abs(mine - theirs.numpy()).max()) if mine.size else 0.0
        if diff > ONNX_ATOL:
            return f"{diff:.2g}"
    return ""


def export_code(axes: Axes, count: int) -> str:
    """The export that ran, as the user would write it."""
    names = [f"input_{i}" for i in range(count)]
    dynamic = {names[i]: found for i, found in axes.by_input.items()}
    inputs = ", ".join(f"x{i}" for i in range(count)) + ("," if count == 1 else "")
    return (
        f'torch.onnx.export(model.eval(), ({inputs}), "model.onnx", dynamo=False,\n'
        f"                  input_names={names!r},\n"
        f"                  dynamic_axes={dynamic!r})"
    )


# The forward at the second sizes, each state's birth watched --------------------------------------


def _forward_watched(torch: Any, trace: Trace, model: Any, inputs: tuple[Any, ...]) -> list[Any]:
    """The model at the second sizes, every recurrent layer's states held to its input's batch."""
    births = _births(torch)()
    handles = [
        module.register_forward_pre_hook(
            _state_check(torch, path, births, input_name(trace, path)),
            with_kwargs=True,
        )
        for path, module in model.named_modules()
        if isinstance(module, torch.nn.modules.rnn.RNNBase)
    ]
    try:
        with births:
            return _leaves(torch, model(*inputs))
    finally:
        for handle in handles:
            handle.remove()


def _births(torch: Any) -> Any:
    from torch.overrides import TorchFunctionMode

    torch_dir = os.path.dirname(torch.__file__)

    class Births(TorchFunctionMode):
        """Where each tensor made by a factory call was made, by the tensor's id (held)."""

        def __init__(self) -> None:
            super().__init__()
            self.sites: dict[int, tuple[Any, str]] = {}

        def __torch_function__(
            self, func: Any, types: Any, args: Any = (), kwargs: Any = None
        ) -> Any:
            out = func(*args, **(kwargs or {}))
            if getattr(func, "__name__", "") in FACTORIES and isinstance(out, torch.Tensor):
                self.sites[id(out)] = (out, _user_line(torch_dir))
            return out

    return Births


def _user_line(torch_dir: str) -> str:
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith((torch_dir, _LSTMSHAPE_DIR)):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return ""
    return site_text(frame.f_code.co_filename, frame.f_lineno)


def input_name(trace: Trace, path: str) -> str:
    """The name the user's code gives a layer's input, read off the line that calls it
    (``out, _ = self.lstm(emb, (h0, c0))`` -> ``emb``); ``x`` when the line does not say."""
    last = path.rpartition(".")[2]
    for call in trace.calls:
        if call.path == path and call.site:
            found = re.search(rf"\b{re.escape(last)}\(\s*([A-Za-z_]\w*)\s*[,)]", call.site)
            if found:
                return found.group(1)
    return "x"


def _state_check(torch: Any, path: str, births: Any, name: str) -> Any:
    def check(module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        x = args[0] if args else kwargs.get("input")
        hx = args[1] if len(args) > 1 else kwargs.get("hx")
        if not isinstance(x, torch.Tensor) or x.dim() != 3 or hx is None:
            return  # packed and unbatched inputs: torch's own check says it
        batch = x.size(0) if module.batch_first else x.size(1)
        states = hx if isinstance(hx, tuple) else (hx,)
        fixed = [s for s in states if s.dim() == 3 and s.size(1) != batch]
        if fixed:
            sites = [births.sites.get(id(s), (None, ""))[1] for s in fixed]
            built = int(fixed[0].size(1))
            raise FixedStateFound(fixed_state(module, path, (batch, built), sites, name))

    return check


def fixed_state(
    module: Any, path: str, sizes: tuple[int, int], sites: list[str], name: str = "x"
) -> Found:
    """A layer given a state of batch ``built`` at batch ``batch``: named, with the change (the
    user's line with the literal ``built`` replaced by the input's batch, or the states built
    from the input)."""
    batch, built = sizes
    axis = f"{name}.size(0)" if module.batch_first else f"{name}.size(1)"
    lines = []
    for site in dict.fromkeys(s for s in sites if s):
        where, _, code = site.partition(": ")
        fixed = with_batch(code, built, axis)
        if fixed:
            lines += [f"# {where}", fixed]
    return Found(
        "fixed_state",
        {"path": path, "built": str(built), "batch": str(batch), "axis": axis},
        layer=path,
        # Code locations (path:line: code), listed as a compiler lists them.
        site="; ".join(dict.fromkeys(s for s in sites if s)),
        fix="\n".join(lines) or _graph_input_code(module, axis),
    )


def with_batch(code: str, built: int, axis: str) -> str:
    """``code`` with its one literal ``built`` replaced by ``axis``; "" if it has none or several."""
    literal = re.compile(rf"(?<![\w.]){built}(?![\w.])")
    if len(literal.findall(code)) != 1:
        return ""
    return literal.sub(axis, code)


def _graph_input_code(module: Any, axis: str) -> str:
    rows = (2 if module.bidirectional else 1) * module.num_layers
    h_out = module.proj_size or module.hidden_size
    lines = [f"h_0 = torch.zeros({rows}, {axis}, {h_out})"]
    if getattr(module, "mode", "") == "LSTM":
        lines.append(f"c_0 = torch.zeros({rows}, {axis}, {module.hidden_size})")
    return "\n".join(lines)
