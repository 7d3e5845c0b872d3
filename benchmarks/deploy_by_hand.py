"""What --deploy --verify runs, written by hand as a user would: the baseline of benchmarks/deploy.py.

nn.LSTM(10, 20, num_layers=2) on (4, 3, 10): both ONNX exporters run in onnxruntime at two sizes,
torch.export with dynamic N and L (then N alone), torch._dynamo.explain, quantize_dynamic and a
forward pass.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

warnings.simplefilter("ignore")

import onnxruntime  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
lstm = torch.nn.LSTM(10, 20, num_layers=2).eval()


def example(n: int, length: int) -> tuple[torch.Tensor, ...]:
    return torch.randn(length, n, 10), torch.randn(2, n, 20), torch.randn(2, n, 20)


def run(path: Path) -> None:
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    for n, length in ((3, 4), (5, 7)):
        x, h_0, c_0 = example(n, length)
        try:
            session.run(
                None,
                {
                    i.name: t.numpy()
                    for i, t in zip(session.get_inputs(), (x, h_0, c_0), strict=True)
                },
            )
        except Exception:  # the default exporter's graph fails at the second size
            return


x, h_0, c_0 = example(3, 4)
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "lstm.onnx"
    torch.onnx.export(
        lstm, (x, (h_0, c_0)), str(path), dynamo=False,
        input_names=["input", "h_0", "c_0"], output_names=["output", "h_n", "c_n"],
        dynamic_axes={"input": {1: "N", 0: "L"}, "output": {1: "N", 0: "L"}, "h_0": {1: "N"},
                      "c_0": {1: "N"}, "h_n": {1: "N"}, "c_n": {1: "N"}},
    )  # fmt: skip
    run(path)
    N, L = torch.export.Dim("N"), torch.export.Dim("L")
    program = torch.onnx.export(
        lstm, (x, (h_0, c_0)), dynamo=True, verbose=False,
        dynamic_shapes=({1: N, 0: L}, ({1: N}, {1: N})),
    )  # fmt: skip
    program.save(str(path))
    run(path)
try:
    torch.export.export(lstm, (x, (h_0, c_0)), dynamic_shapes=({1: N, 0: L}, ({1: N}, {1: N})))
except Exception:  # L is specialised
    torch.export.export(lstm, (x, (h_0, c_0)), dynamic_shapes=({1: N}, ({1: N}, {1: N})))
torch._dynamo.explain(lstm)(x, (h_0, c_0))
holder = torch.ao.quantization.quantize_dynamic(
    torch.nn.ModuleDict({"lstm": lstm}), {torch.nn.LSTM}, dtype=torch.qint8
)
holder["lstm"](x, (h_0, c_0))
