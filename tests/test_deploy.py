"""--deploy: every verdict stated as proven is re-derived here by running the target itself, and
every printed change is applied and then works.

Exports are slow (the default ONNX exporter takes seconds), so the random sample is small and
derandomized; the whole file stays within about four minutes on two cores.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import onnxruntime
import pytest
import torch
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape.deploy import fixes
from lstmshape.deploy.classes import CLASSES, class_of
from lstmshape.deploy.measured import MEASURED
from lstmshape.deploy.targets import (
    CUDNN,
    DATA_PARALLEL,
    ONNX_DYNAMO,
    ONNX_TORCHSCRIPT,
    QUANTIZE,
    TARGETS,
    TORCH_COMPILE,
    TORCH_EXPORT,
)
from lstmshape.results.deploy import CHANGE, FAILS, WORKS
from lstmshape.results.report import Report
from tests.conftest import invoke, validate_json

ONNX_ATOL = 1e-4


# Applying the printed code --------------------------------------------------------------------


def tensors(report: Report, n: int, length: int) -> dict[str, Any]:
    spec = report.spec
    shape = (n, length) if spec.batch_first else (length, n)
    made = {
        "x": torch.randn(*shape, spec.input_size),
        "h_0": torch.randn(spec.D * spec.num_layers, n, spec.H_out),
    }
    if spec.kind.has_cell_state:
        made["c_0"] = torch.randn(spec.D * spec.num_layers, n, spec.H_cell)
    return made


def layer_of(report: Report) -> Any:
    torch.manual_seed(1)
    return getattr(torch.nn, report.module)(**report.spec.constructor_kwargs()).eval()


def apply(code: str, report: Report, layer: Any, folder: Path, monkeypatch: Any) -> dict[str, Any]:
    """Run the printed code as a user would, in their folder, with their layer and tensors."""
    monkeypatch.chdir(folder)
    n, length = sizes(report)
    namespace = {"torch": torch, "nn": torch.nn, fixes.layer_name(report.spec): layer}
    namespace.update(tensors(report, n, length))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, namespace)
    return namespace


def sizes(report: Report) -> tuple[int, int]:
    time = 1 if report.spec.batch_first else 0
    return report.input_shape[1 - time], report.input_shape[time]


def same(got: Any, wanted: Any) -> bool:
    return tuple(got.shape) == tuple(wanted.shape) and bool(
        abs(got - wanted).max() <= ONNX_ATOL if got.size else True
    )


def onnx_runs(path: Path, report: Report, layer: Any) -> bool:
    """The exported file runs in onnxruntime at the example's sizes and at N+2, L+3, and matches
    the layer in torch."""
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4
    try:
        session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
    except Exception:  # onnxruntime refusing the graph is the finding
        return False
    n, length = sizes(report)
    for at in ((n, length), (n + 2, length + 3)):
        made = tensors(report, *at)
        flat = list(made.values())
        with torch.no_grad():
            output, finals = layer(made["x"], tuple(flat[1:]) if len(flat) == 3 else flat[1])
        wanted = [output, *(finals if isinstance(finals, tuple) else (finals,))]
        feeds = {i.name: t.numpy() for i, t in zip(session.get_inputs(), flat, strict=False)}
        try:
            got = session.run(None, feeds)
        except Exception:  # onnxruntime failing at this size is the finding
            return False
        if not all(same(g, w.numpy()) for g, w in zip(got, wanted, strict=False)):
            return False
    return True


def exported_onnx(code: str, report: Report, layer: Any, folder: Path, monkeypatch: Any) -> bool:
    try:
        apply(code, report, layer, folder, monkeypatch)
    except Exception:  # the exporter's refusal is the finding
        return False
    return onnx_runs(folder / f"{fixes.layer_name(report.spec)}.onnx", report, layer)


# Re-deriving each proven verdict ----------------------------------------------------------------


def check_onnx(target: Any, report: Report, folder: Path, monkeypatch: Any) -> None:
    layer = layer_of(report)
    spec = report.spec
    plain = (
        fixes.onnx_torchscript(spec)
        if target.target == ONNX_TORCHSCRIPT
        else fixes.onnx_dynamo(spec)
    )
    if target.verdict == WORKS:
        assert target.fix == plain
        assert exported_onnx(target.fix, report, layer, folder, monkeypatch)
    elif target.verdict == CHANGE:
        assert not exported_onnx(plain, report, layer, folder / "plain", monkeypatch)
        assert exported_onnx(target.fix, report, layer, folder, monkeypatch)
    else:
        assert target.fix == ""
        assert not exported_onnx(plain, report, layer, folder, monkeypatch)


def exported_program(
    code: str, report: Report, layer: Any, folder: Path, monkeypatch: Any, *, length: int
) -> bool:
    try:
        namespace = apply(code, report, layer, folder, monkeypatch)
        made = tensors(report, sizes(report)[0] + 2, length)
        flat = list(made.values())
        states = tuple(flat[1:]) if len(flat) == 3 else flat[1]
        with torch.no_grad():
            got = namespace["program"].module()(made["x"], states)
            wanted = layer(made["x"], states)
    except Exception:  # torch.export's refusal, or its guard at another size, is the finding
        return False
    return bool(torch.allclose(got[0], wanted[0], atol=1e-5))


def check_export(target: Any, report: Report, folder: Path, monkeypatch: Any) -> None:
    layer = layer_of(report)
    spec = report.spec
    length = sizes(report)[1]
    dynamic = fixes.torch_export(spec, dynamic_length=True)
    fixed = fixes.torch_export(spec, dynamic_length=False)
    if target.verdict == WORKS:
        assert exported_program(dynamic, report, layer, folder, monkeypatch, length=length + 3)
    elif target.verdict == CHANGE:
        assert target.fix == fixed
        assert not exported_program(dynamic, report, layer, folder, monkeypatch, length=length + 3)
        assert exported_program(fixed, report, layer, folder, monkeypatch, length=length)
    else:
        assert not exported_program(fixed, report, layer, folder, monkeypatch, length=length)


def check_compile(target: Any, report: Report) -> None:
    layer = layer_of(report)
    made = list(tensors(report, *sizes(report)).values())
    torch._dynamo.reset()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        explained = torch._dynamo.explain(layer)(
            made[0], tuple(made[1:]) if len(made) == 3 else made[1]
        )
    torch._dynamo.reset()
    assert (explained.graph_count == 0) == (target.verdict == FAILS)


def check_quantize(target: Any, report: Report, folder: Path, monkeypatch: Any) -> None:
    layer = layer_of(report)
    name = fixes.layer_name(report.spec)
    quantized_module = torch.ao.nn.quantized.dynamic
    code = target.fix or fixes.quantize(report.spec)
    namespace = apply(code, report, layer, folder, monkeypatch)
    quantized = namespace[name]
    swapped = type(quantized) is getattr(quantized_module, report.module, None)
    if target.verdict == FAILS:
        if swapped:  # quantized, but its forward fails
            flat = [namespace[k] for k in ("x", "h_0", "c_0") if k in namespace]
            states = tuple(flat[1:]) if len(flat) == 3 else flat[1]
            with pytest.raises(RuntimeError, match=r"hidden\[0\]|packB"):  # proj_size's sizes
                quantized(flat[0], states)
        return
    assert swapped
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization's deprecation
        alone = torch.ao.quantization.quantize_dynamic(layer, {type(layer)})
    assert type(alone) is type(layer)
    flat = [namespace[k] for k in ("x", "h_0", "c_0") if k in namespace]
    output, _ = quantized(flat[0], tuple(flat[1:]) if len(flat) == 3 else flat[1])
    assert tuple(output.shape) == report.tensor("output").shape


def check_documented(target: Any, report: Report, folder: Path, monkeypatch: Any) -> None:
    """DataParallel and cuDNN cannot run here: unproven, and their change at least computes what
    the layer computes (DataParallel without GPUs runs its module; the transposes are undone)."""
    assert not target.proven
    layer = layer_of(report)
    namespace = apply(target.fix, report, layer, folder, monkeypatch)
    if target.target == CUDNN:
        assert namespace[fixes.layer_name(report.spec)].training
        return
    flat = [namespace[k] for k in ("x", "h_0", "c_0") if k in namespace]
    states = tuple(flat[1:]) if len(flat) == 3 else flat[1]
    with torch.no_grad():
        wanted = layer(flat[0], states)
    assert torch.allclose(namespace["output"], wanted[0])
    finals = wanted[1] if isinstance(wanted[1], tuple) else (wanted[1],)
    for name, final in zip(("h_n", "c_n"), finals, strict=False):
        assert torch.allclose(namespace[name], final)


@st.composite
def configurations(draw: st.DrawFn) -> dict[str, Any]:
    module = draw(st.sampled_from(["LSTM", "GRU", "RNN"]))
    batch_first = draw(st.booleans())
    n, length, features = draw(st.integers(2, 3)), draw(st.integers(2, 4)), draw(st.integers(2, 5))
    arguments: dict[str, Any] = {
        "input": (n, length, features) if batch_first else (length, n, features),
        "hidden_size": draw(st.integers(2, 6)),
        "num_layers": draw(st.integers(1, 2)),
        "bidirectional": draw(st.booleans()),
        "batch_first": batch_first,
        "module": module,
    }
    if module == "LSTM" and draw(st.booleans()):
        arguments["proj_size"] = 1
    return arguments


# No shrinking: each example exports several graphs; a failure is shown as drawn.
@settings(max_examples=3, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(arguments=configurations())
def test_every_proven_verdict_is_what_the_target_does(
    arguments: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    report = lstmshape.explain(**arguments, deploy=True, verify=True)
    assert report.deploy is not None
    validate_json(report.to_dict())
    folder = tmp_path_factory.mktemp("deploy")
    (folder / "plain").mkdir()
    monkeypatch = pytest.MonkeyPatch()
    try:
        for target in report.deploy.targets:
            assert target.proven == (target.target not in (DATA_PARALLEL, CUDNN))
            assert "torch " in target.versions
            if target.target in (ONNX_TORCHSCRIPT, ONNX_DYNAMO):
                assert "onnxruntime " in target.versions
                check_onnx(target, report, folder, monkeypatch)
            elif target.target == TORCH_EXPORT:
                check_export(target, report, folder, monkeypatch)
            elif target.target == TORCH_COMPILE:
                check_compile(target, report)
            elif target.target == QUANTIZE:
                check_quantize(target, report, folder, monkeypatch)
            else:
                check_documented(target, report, folder, monkeypatch)
    finally:
        monkeypatch.undo()


def test_the_measured_table_covers_every_class_and_target() -> None:
    """What --deploy says without verifying comes from tools/deploy_table.py's run of each class."""
    for name in CLASSES:
        assert set(MEASURED[name]) == set(TARGETS) - {DATA_PARALLEL, CUDNN}
    report = lstmshape.explain((4, 3, 10), 20, proj_size=5, deploy=True)
    assert class_of(report.spec) == "proj_size"
    assert report.deploy is not None
    said = report.deploy.target(ONNX_TORCHSCRIPT)
    assert (said.verdict, said.proven) == (FAILS, False)
    assert "measured on nn.LSTM(10, 20, proj_size=5), unproven here" in said.versions


def test_deploy_on_the_command_line_says_each_target_with_its_versions() -> None:
    result = invoke("--input 4,3,10 --hidden 20 --deploy --format json")
    assert result.exit_code == 0
    deploy = json.loads(result.stdout)["deploy"]
    assert list(deploy)[: len(TARGETS)] == list(TARGETS)
    assert all(
        entry["proven"] is False and "torch 2.13.0" in entry["versions"]
        for t, entry in deploy.items()
        if t in TARGETS
    )
    table = invoke("--input 4,3,10 --hidden 20 --deploy").stdout
    assert "Deployment" in table
    assert "ONNX (TorchScript)" in table
    assert "dynamic_axes=" in table


def test_without_the_deploy_extra_the_install_hint_says_its_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lstmshape import deploy

    monkeypatch.setattr(deploy, "_installed", lambda name: name != "onnxruntime")
    result = invoke("--input 4,3,10 --hidden 20 --deploy --format json")
    missing = json.loads(result.stdout)["deploy"]["missing"]
    assert 'pip install "lstmshape[deploy]"' in missing
    assert "60 MB" in missing
    assert missing.startswith("onnxruntime not installed")


def test_a_cell_is_refused_with_the_fix() -> None:
    result = invoke("--input 3,10 --hidden 20 --module LSTMCell --deploy")
    assert result.exit_code == 2
    assert "--deploy covers nn.LSTM, nn.GRU and nn.RNN" in result.stderr


def test_deploy_without_verify_imports_neither_torch_nor_onnx() -> None:
    code = (
        "import sys\n"
        "from lstmshape.cli import app\n"
        "try:\n"
        "    app(['--input', '4,3,10', '--hidden', '20', '--deploy', '--format', 'json'])\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        "import lstmshape\n"
        "lstmshape.explain((4, 3, 10), 20, deploy=True)\n"
        "print(sorted(m for m in ('torch', 'onnx', 'onnxruntime', 'onnxscript') if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().endswith("[]")


def test_a_spec_file_asks_for_deploy(tmp_path: Path) -> None:
    spec = tmp_path / "shapes.toml"
    spec.write_text(
        '[encoder]\nmodule = "GRU"\ninput = [4, 3, 10]\nhidden_size = 20\ndeploy = true\n'
    )
    result = invoke(["check", str(spec), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["entries"][0]["report"]
    assert report["deploy"]["onnx_torchscript"]["verdict"] == WORKS
