"""The deployment targets run with the user's own torch (and onnxruntime): the proof of --deploy.

torch, onnx and onnxruntime are passed in or imported inside functions, never at module level. Each
run exports or transforms the layer as the printed code does, runs the result at the example's
sizes and at a second batch size and length, and compares it with the layer itself in torch.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lstmshape.deploy.targets import (
    ONNX_DYNAMO,
    ONNX_TORCHSCRIPT,
    QUANTIZE,
    TORCH_COMPILE,
    TORCH_EXPORT,
    Outcome,
)
from lstmshape.i18n.text import format_shape
from lstmshape.results.deploy import CHANGE, FAILS, WORKS
from lstmshape.torchfacts.spec import ModuleSpec

# onnxruntime's kernels and torch's differ in rounding: float32 outputs agree to about 1e-6.
ONNX_ATOL = 1e-4
# The sizes the second run adds to the example's: another N and another L.
MORE_N, MORE_L = 2, 3


@dataclass(frozen=True)
class Sizes:
    """The example's N and L (and packed lengths), the sizes every run uses."""

    spec: ModuleSpec
    n: int
    length: int
    lengths: tuple[int, ...] | None = None

    def second(self) -> Sizes:
        """Another batch size and length: N+2, L+3 (lengths kept in decreasing order)."""
        n, length = self.n + MORE_N, self.length + MORE_L
        lengths = None
        if self.lengths is not None:
            lengths = tuple(sorted((max(1, length - i) for i in range(n)), reverse=True))
        return Sizes(self.spec, n, length, lengths)

    def text(self) -> str:
        return f"N={self.n}, L={self.length}"


def both(sizes: Sizes) -> str:
    """``N=3, L=4 and N=5, L=7``: the two sizes a run held."""
    return f"{sizes.text()} / {sizes.second().text()}"


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """torch's, onnx's and onnxruntime's warnings and prints kept out of the user's output.

    Python's warnings and logging, and the process's own stdout and stderr: the TorchScript
    exporter prints its graph and torch's C++ warnings (oneDNN and proj_size) from C++, past
    sys.stdout.
    """
    import logging
    import os
    import sys

    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        with (
            warnings.catch_warnings(),
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
            open(os.devnull, "w") as null,
        ):
            warnings.simplefilter("ignore")
            os.dup2(null.fileno(), 1)
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)
        logging.disable(previous)


def first_line(error: BaseException) -> str:
    """An exception's opening words, cut to a sentence's length: torch's and onnxruntime's own
    (onnxruntime continues its sentence on the next lines; the exporters append whole graphs)."""
    lines = [line.strip() for line in str(error).strip().splitlines()[:2]]
    text = " ".join(line for line in lines if line and not line.startswith(("Torch IR", "graph(")))
    text = " ".join(text.split()).split(" For more information")[0] or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def build(torch: Any, spec: ModuleSpec, seed: int) -> Any:
    """The layer, in eval mode, with the report's arguments."""
    torch.manual_seed(seed)
    cls = getattr(torch.nn, spec.kind.name)
    return cls(**spec.constructor_kwargs()).eval()


def example(torch: Any, sizes: Sizes) -> tuple[Any, ...]:
    """x, h_0 (and c_0) at ``sizes``, random."""
    spec = sizes.spec
    shape = (sizes.n, sizes.length) if spec.batch_first else (sizes.length, sizes.n)
    x = torch.randn(*shape, spec.input_size)
    rows = spec.D * spec.num_layers
    states = [torch.randn(rows, sizes.n, spec.H_out)]
    if spec.kind.has_cell_state:
        states.append(torch.randn(rows, sizes.n, spec.H_cell))
    return (x, *states)


def call(layer: Any, spec: ModuleSpec, tensors: tuple[Any, ...]) -> tuple[Any, ...]:
    """The layer on x and its states, as a flat tuple: output, h_n (, c_n)."""
    x, *states = tensors
    hx = tuple(states) if spec.kind.has_cell_state else states[0]
    output, finals = layer(x, hx)
    return (output, *(finals if isinstance(finals, tuple) else (finals,)))


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="lstmshape-deploy-") as folder:
        yield Path(folder)


# ONNX ------------------------------------------------------------------------------------------


def run_onnx(torch: Any, layer: Any, sizes: Sizes, *, dynamo: bool) -> tuple[str, dict[str, str]]:
    """Export the layer with one exporter and hold onnxruntime against torch at two sizes.

    Returns a reason key and its fields: ``onnx_ok`` when both sizes match.
    """
    import onnxruntime

    spec = sizes.spec
    with scratch() as folder:
        path = folder / "layer.onnx"
        try:
            export(torch, layer, spec, example(torch, sizes), path, dynamo=dynamo)
        except Exception as error:  # the exporter's refusal is the finding
            return "onnx_refused", {"error": first_line(error)}
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 4
        try:
            session = onnxruntime.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # a graph onnxruntime cannot load
            return "onnx_run_fails", {"first": sizes.text(), "error": first_line(error)}
        for number, at in enumerate((sizes, sizes.second())):
            found = compare_onnx(torch, session, layer, at)
            if found is None:
                continue
            if found[0] == "differs":
                return "onnx_differs", {"tensor": found[1], "diff": found[2]}
            if number == 0:
                return "onnx_run_fails", {"first": at.text(), "error": found[1]}
            return "onnx_second_size", {
                "first": sizes.text(),
                "second": at.text(),
                "error": found[1],
            }
    return "onnx_ok", {"sizes": both(sizes)}


def export(
    torch: Any, layer: Any, spec: ModuleSpec, tensors: tuple[Any, ...], path: Path, *, dynamo: bool
) -> None:
    """The export the printed code does (fixes.onnx_torchscript / fixes.onnx_dynamo)."""
    x, *states = tensors
    hx = tuple(states) if spec.kind.has_cell_state else states[0]
    batch, time = (0, 1) if spec.batch_first else (1, 0)
    if dynamo:
        n, length = torch.export.Dim("N"), torch.export.Dim("L")
        state_dims = ({1: n}, {1: n}) if spec.kind.has_cell_state else {1: n}
        program = torch.onnx.export(
            layer,
            (x, hx),
            dynamo=True,
            verbose=False,
            dynamic_shapes=({batch: n, time: length}, state_dims),
        )
        program.save(str(path))
        return
    names = ["h_0", "c_0"][: len(states)]
    finals = ["h_n", "c_n"][: len(states)]
    axes: dict[str, dict[int, str]] = {
        "input": {batch: "N", time: "L"},
        "output": {batch: "N", time: "L"},
    }
    axes.update({name: {1: "N"} for name in (*names, *finals)})
    torch.onnx.export(
        layer,
        (x, hx),
        str(path),
        dynamo=False,
        input_names=["input", *names],
        output_names=["output", *finals],
        dynamic_axes=axes,
    )


def compare_onnx(torch: Any, session: Any, layer: Any, sizes: Sizes) -> tuple[str, str, str] | None:
    """None when onnxruntime's outputs match torch's at ``sizes``; else ("fails", onnxruntime's
    words, "") or ("differs", tensor, max difference)."""
    spec = sizes.spec
    tensors = example(torch, sizes)
    with torch.no_grad():
        wanted = call(layer, spec, tensors)
    feeds = {i.name: t.numpy() for i, t in zip(session.get_inputs(), tensors, strict=False)}
    try:
        got = session.run(None, feeds)
    except Exception as error:  # onnxruntime's refusal is the finding
        return "fails", first_line(error), ""
    names = ("output", "h_n", "c_n")
    for name, mine, theirs in zip(names, got, wanted, strict=False):
        expected = theirs.numpy()
        if tuple(mine.shape) != tuple(expected.shape):
            return (
                "differs",
                name,
                f"{format_shape(tuple(mine.shape))} ≠ {format_shape(expected.shape)}",
            )
        diff = float(abs(mine - expected).max()) if mine.size else 0.0
        if diff > ONNX_ATOL:
            return "differs", name, f"{diff:.2g}"
    return None


def onnx_outcomes(torch: Any, layer: Any, sizes: Sizes) -> dict[str, Outcome]:
    """Both exporters' verdicts; the default exporter's change is the TorchScript exporter's call."""
    script_key, script_fields = run_onnx(torch, layer, sizes, dynamo=False)
    script_works = script_key == "onnx_ok"
    outcomes = {
        ONNX_TORCHSCRIPT: Outcome(WORKS if script_works else FAILS, script_key, script_fields)
    }
    key, found = run_onnx(torch, layer, sizes, dynamo=True)
    if key == "onnx_ok":
        outcomes[ONNX_DYNAMO] = Outcome(WORKS, key, found)
    elif script_works:
        why = _said(key, found)
        outcomes[ONNX_DYNAMO] = Outcome(
            CHANGE,
            "onnx_other_exporter",
            {"why": why, "sizes": both(sizes)},
        )
    else:
        outcomes[ONNX_DYNAMO] = Outcome(FAILS, key, found)
    return outcomes


def _said(key: str, found: dict[str, str]) -> str:
    """A failed export in a few words, for the other exporter's reason."""
    if key == "onnx_second_size":
        return f"{found['second']}: {found['error']}"
    return found.get("error") or found.get("diff", "")


# torch.export, torch.compile, quantize_dynamic ---------------------------------------------------


def export_outcome(torch: Any, layer: Any, sizes: Sizes) -> Outcome:
    """torch.export with N and L dynamic; if L is refused, with L fixed."""
    spec = sizes.spec
    refused = _torch_export(torch, layer, sizes, dynamic_length=True)
    if refused is None:
        return Outcome(WORKS, "export_ok", {"sizes": both(sizes)})
    fixed = _torch_export(torch, layer, sizes, dynamic_length=False)
    if fixed is None:
        second = Sizes(spec, sizes.second().n, sizes.length, None)
        return Outcome(
            CHANGE,
            "export_fixed_length",
            {"error": refused, "sizes": f"{sizes.text()} / {second.text()}"},
        )
    return Outcome(FAILS, "export_fails", {"error": fixed})


def _torch_export(torch: Any, layer: Any, sizes: Sizes, *, dynamic_length: bool) -> str | None:
    """None when the exported program matches the layer at a second size; else why not."""
    spec = sizes.spec
    x, *states = example(torch, sizes)
    hx = tuple(states) if spec.kind.has_cell_state else states[0]
    batch, time = (0, 1) if spec.batch_first else (1, 0)
    n, length = torch.export.Dim("N"), torch.export.Dim("L")
    dims = {batch: n, time: length} if dynamic_length else {batch: n}
    state_dims = ({1: n}, {1: n}) if spec.kind.has_cell_state else {1: n}
    try:
        program = torch.export.export(layer, (x, hx), dynamic_shapes=(dims, state_dims))
    except Exception as error:  # torch.export's refusal is the finding
        return first_line(error)
    second = sizes.second()
    if not dynamic_length:
        second = Sizes(spec, second.n, sizes.length, None)
    tensors = example(torch, second)
    try:
        with torch.no_grad():
            got = call(program.module(), spec, tensors)
            wanted = call(layer, spec, tensors)
    except Exception as error:  # the program's guard at another size
        return first_line(error)
    if all(torch.allclose(a, b, atol=1e-5) for a, b in zip(got, wanted, strict=True)):
        return None
    return "the exported program's outputs differ from the layer's"


def compile_outcome(torch: Any, layer: Any, sizes: Sizes) -> Outcome:
    """torch._dynamo.explain: how many graphs and breaks torch.compile makes of the layer."""
    spec = sizes.spec
    x, *states = example(torch, sizes)
    hx = tuple(states) if spec.kind.has_cell_state else states[0]
    torch._dynamo.reset()
    explained = torch._dynamo.explain(layer)(x, hx)
    torch._dynamo.reset()
    graphs = int(explained.graph_count)
    if graphs == 0:
        return Outcome(FAILS, "compile_no_graph", {"graphs": "0"})
    breaks = max(0, int(explained.graph_break_count))
    return Outcome(
        WORKS if breaks == 0 else CHANGE,
        "compile_ok",
        {"graphs": str(graphs), "breaks": str(breaks)},
    )


def quantize_outcome(torch: Any, layer: Any, sizes: Sizes) -> Outcome:
    """quantize_dynamic on the layer itself, then on a holder of it, and a forward pass."""
    spec = sizes.spec
    cls = getattr(torch.nn, spec.kind.name)
    quantize = torch.ao.quantization.quantize_dynamic
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        alone = quantize(layer, {cls}, dtype=torch.qint8)
    deprecated = any(issubclass(w.category, DeprecationWarning) for w in said)
    direct = type(alone) is not type(layer)
    if direct:
        quantized = alone
    else:
        holder = quantize(torch.nn.ModuleDict({"layer": layer}), {cls}, dtype=torch.qint8)
        quantized = holder["layer"]
        if type(quantized) is type(layer):
            return Outcome(FAILS, "quantize_unsupported", {"module": f"nn.{spec.kind.name}"})
    tensors = example(torch, sizes)
    try:
        with torch.no_grad():
            got = call(quantized, spec, tensors)
            wanted = call(layer, spec, tensors)
    except Exception as error:  # the quantized kernel's refusal is the finding
        return Outcome(FAILS, "quantize_forward_fails", {"error": first_line(error)})
    diff = max(float((a - b).abs().max()) for a, b in zip(got, wanted, strict=True))
    if direct:
        return Outcome(WORKS, "quantize_ok", {"diff": f"{diff:.2g}"})
    key = "quantize_wrapped_deprecated" if deprecated else "quantize_wrapped"
    return Outcome(CHANGE, key, {"diff": f"{diff:.2g}"})


def torch_outcomes(torch: Any, layer: Any, sizes: Sizes) -> dict[str, Outcome]:
    """The targets that need torch only."""
    return {
        TORCH_EXPORT: export_outcome(torch, layer, sizes),
        TORCH_COMPILE: compile_outcome(torch, layer, sizes),
        QUANTIZE: quantize_outcome(torch, layer, sizes),
    }
