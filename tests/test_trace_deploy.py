"""trace --deploy: each traced layer's --deploy verdicts, and the whole model exported and run in
onnxruntime. Every "works" is re-derived here by exporting and running the model ourselves at two
batch sizes and two lengths; a state built with a fixed size is named with its line, and the printed
change, applied to a copy of the user's file, makes the export run."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, unwrapped, validate_json

torch = pytest.importorskip("torch")
onnxruntime = pytest.importorskip("onnxruntime")

Run = Callable[..., CliResult]

USER_MODELS = '''
import torch
from torch import nn

H = 20


class Fixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, H)
        self.head = nn.Linear(H, 3)

    def forward(self, x):
        h0 = torch.zeros(1, 32, H)
        c0 = torch.zeros(1, 32, H)
        out, _ = self.lstm(x, (h0, c0))
        return self.head(out)


class FromBatch(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, H, num_layers=2)

    def forward(self, x):
        h0 = x.new_zeros(2, x.size(1), H)
        c0 = torch.zeros(2, x.size(1), H)
        out, (h, c) = self.lstm(x, (h0, c0))
        return out, h


class Mixed(nn.Module):
    """A GRU on (L, N, H_in), then a batch_first LSTM on its output turned (N, L, H)."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, H)
        self.lstm = nn.LSTM(H, 8, batch_first=True, bidirectional=True)

    def forward(self, x):
        out, _ = self.gru(x)
        out, (h, c) = self.lstm(out.transpose(0, 1))
        return out, h
'''
FIXED_LINES = (15, 16)  # where Fixed's forward builds its states, in USER_MODELS


@pytest.fixture
def models(user_code: Path) -> Path:
    path = user_code / "usermodels_deploy.py"
    path.write_text(USER_MODELS)
    return path


def _onnx_matches(model: Any, axes: dict[int, str], sizes: list[tuple[int, int]]) -> None:
    """Export ``model`` at the first (N, L) with ``axes`` dynamic, run it in onnxruntime at every
    (N, L), and hold each output to torch's; raises when onnxruntime fails or differs."""
    import tempfile

    def example(n: int, length: int) -> Any:
        shape = [n if axes[axis] == "N" else length for axis in sorted(axes)]
        return torch.randn(*shape, 10)

    model = model.eval()
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = f"{folder}/m.onnx"
        first = example(*sizes[0])
        torch.onnx.export(
            model, (first,), path, dynamo=False, input_names=["x"], dynamic_axes={"x": axes}
        )
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 4
        session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        for n, length in sizes:
            x = example(n, length)
            got = session.run(None, {"x": x.numpy()})  # onnxruntime first: torch may refuse too
            with torch.no_grad():
                wanted = model(x)
            wanted = wanted if isinstance(wanted, tuple) else (wanted,)
            for mine, theirs in zip(got, wanted, strict=True):
                assert mine.shape == tuple(theirs.shape)
                assert abs(mine - theirs.numpy()).max() < 1e-4


def _applied(source: str, fix: str) -> str:
    """``source`` with each ``# file:line`` of the printed change replaced by the line under it
    (the original indentation kept)."""
    lines = source.splitlines()
    for where, code in re.findall(r"^# [^\n]*?:(\d+)\n([^\n]+)", fix, flags=re.M):
        old = lines[int(where) - 1]
        lines[int(where) - 1] = old[: len(old) - len(old.lstrip())] + code
    return "\n".join(lines) + "\n"


def test_a_state_built_with_a_fixed_batch_is_named_with_its_line_and_the_fix_exports(
    run: Run, models: Path
) -> None:
    result = run("trace usermodels_deploy:Fixed --input 5,32,10 --deploy --format json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # torch's and onnxruntime's warnings kept out
    data = json.loads(result.stdout)
    validate_json(data, "trace")
    whole = data["deploy"]["model"]
    assert (whole["verdict"], whole["proven"], whole["layer"]) == ("fails", True, "lstm")
    for line in FIXED_LINES:
        assert f"usermodels_deploy.py:{line}: " in whole["site"]
    assert "torch.zeros(1, 32, H)" in whole["site"]
    import usermodels_deploy

    # The model as the user wrote it: the export's graph keeps N=32, onnxruntime fails at N=34.
    with pytest.raises(Exception, match=r"(?i)expand"):
        _onnx_matches(usermodels_deploy.Fixed(), {0: "L", 1: "N"}, [(32, 5), (34, 8)])
    # The printed change applied to a copy: the export runs at two batch sizes and two lengths.
    fixed = models.parent / "usermodels_deploy_fixed.py"
    fixed.write_text(_applied(models.read_text(), whole["fix"]))
    assert "torch.zeros(1, x.size(1), H)" in fixed.read_text()
    import usermodels_deploy_fixed

    _onnx_matches(usermodels_deploy_fixed.Fixed(), {0: "L", 1: "N"}, [(32, 5), (3, 8)])


@pytest.mark.parametrize(
    ("name", "axes", "layers"),
    [
        ("FromBatch", {0: "L", 1: "N"}, ["lstm"]),
        ("Mixed", {0: "L", 1: "N"}, ["gru", "lstm"]),
    ],
)
def test_a_well_built_model_works_and_the_export_is_rederived(
    run: Run, models: Path, name: str, axes: dict[int, str], layers: list[str]
) -> None:
    import usermodels_deploy

    import lstmshape

    model = getattr(usermodels_deploy, name)()
    traced = lstmshape.trace(model, torch.randn(6, 4, 10), deploy=True)
    assert traced.deploy is not None
    whole = traced.deploy.model
    assert (whole.verdict, whole.proven, whole.layer) == ("works", True, ""), whole.reason
    assert "N=4, L=6" in whole.reason
    assert "dynamic_axes={'input_0': {1: 'N', 0: 'L'}}" in whole.fix
    assert [path for path, _ in traced.deploy.layers] == layers
    data = traced.to_dict()
    validate_json(data, "trace")
    # Each layer's verdicts are explain --deploy's for the configuration the trace found.
    lstm = traced.call("lstm").report
    assert lstm is not None
    shape = ",".join(map(str, lstm.input_shape))
    flags = " --batch-first" * lstm.spec.batch_first + " --bidirectional" * lstm.spec.bidirectional
    layers_flag = f" --layers {lstm.spec.num_layers}"
    said = run(
        f"--input {shape} --hidden {lstm.spec.hidden_size}{layers_flag}{flags} --deploy "
        "--format json"
    )
    assert data["deploy"]["layers"]["lstm"] == json.loads(said.stdout)["deploy"]
    assert "Whole model" in str(traced)
    assert "works" in str(traced)
    assert "--verify runs them" in str(traced)
    _onnx_matches(model, axes, [(4, 6), (7, 9)])


def test_verify_on_trace_is_for_deploy(run: Run, models: Path) -> None:
    result = run("trace usermodels_deploy:Fixed --input 5,32,10 --verify")
    assert result.exit_code == 2
    assert "--deploy --verify" in unwrapped(result.stderr)


def test_verify_runs_each_layers_targets(models: Path) -> None:
    import usermodels_deploy

    import lstmshape
    from lstmshape.deploy.targets import DOCUMENTED

    traced = lstmshape.trace(usermodels_deploy.FromBatch(), torch.randn(6, 4, 10), deploy=True,
                             verify=True)  # fmt: skip
    assert traced.deploy is not None
    [(path, layer)] = traced.deploy.layers
    assert path == "lstm"
    for target in layer.targets:
        assert target.proven == (target.target not in DOCUMENTED), target
    assert "Whole model" in str(traced)
    assert "--verify runs them" not in str(traced)  # said only when the layers' verdicts are not
