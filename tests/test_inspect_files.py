"""Checkpoint files read back: torch.save's zip and legacy formats and safetensors, written by torch and
safetensors themselves, in the layouts people save (a state_dict, a training checkpoint, Lightning's,
a pickled model). torch is the oracle: every module found loads, with load_state_dict(strict=True),
the tensors torch.load gives back."""

from __future__ import annotations

import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from safetensors.torch import save_file

from lstmshape import ModuleSpec, inspect_checkpoint
from lstmshape.commands.inspect.checkpoint import read_checkpoint
from lstmshape.results.weights import weight_arguments
from tests.strategies import build, specs, torch

FORMATS = ("zip", "legacy", "safetensors")
LAYOUTS = ("state_dict", "training", "lightning", "pickled model")
DTYPES = (torch.float32, torch.float16, torch.bfloat16, torch.float64)


def save(obj: Any, path: Path, fmt: str) -> None:
    """``obj`` written as a user would: torch.save (zip or legacy) or safetensors."""
    if fmt == "safetensors":
        save_file(obj, str(path))
        return
    with warnings.catch_warnings():
        # torch's own notices when it saves: a pickled model's source, quantized tensors'
        # TypedStorage. None of them is the test's subject.
        warnings.simplefilter("ignore")
        torch.save(obj, path, _use_new_zipfile_serialization=fmt == "zip")


def load(path: Path, weights_only: bool = True) -> Any:
    """What torch.load gives back (its notices for quantized tensors hidden)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.load(path, weights_only=weights_only)


def model_of(spec_list: list[ModuleSpec], names: list[str]) -> Any:
    """Recurrent modules at nested names, beside other layers."""
    model = torch.nn.ModuleDict({"embedding": torch.nn.Embedding(5, 3)})
    for spec, name in zip(spec_list, names, strict=True):
        head, _, leaf = name.rpartition(".")
        parent = model
        for part in head.split(".") if head else []:
            if part not in parent:
                parent[part] = torch.nn.ModuleDict({"norm": torch.nn.LayerNorm(2)})
            parent = parent[part]
        parent[leaf] = build(spec)
    model["head"] = torch.nn.Linear(3, 2)
    return model


def checkpoint_of(model: Any, layout: str) -> tuple[Any, tuple[str, ...], str]:
    """What is saved for ``layout``, where its state_dict is, and the prefix its keys carry."""
    state = model.state_dict()
    if layout == "state_dict":
        return state, (), ""
    if layout == "training":
        optimizer = torch.optim.Adam(model.parameters())
        sum(p.sum() for p in model.parameters()).backward()
        optimizer.step()  # Adam's state holds tensors too: exp_avg, exp_avg_sq, step
        return {"model": state, "optimizer": optimizer.state_dict(), "epoch": 3}, ("model",), ""
    if layout == "lightning":
        return (
            {
                "epoch": 3,
                "global_step": 120,
                "pytorch-lightning_version": "2.4.0",
                "state_dict": {f"net.{k}": v for k, v in state.items()},
                "loops": {},
                "callbacks": {},
                "optimizer_states": [],
                "lr_schedulers": [],
                "hparams_name": "kwargs",
                "hyper_parameters": {"hidden": 8},
            },
            ("state_dict",),
            "net.",
        )
    return model, (), ""


names = st.lists(
    st.sampled_from(["lstm", "encoder.rnn", "encoder.layers.cell", "decoder.gru", "rnn"]),
    min_size=1,
    max_size=3,
    unique=True,
)


@settings(max_examples=60)
@given(
    st.lists(specs(), min_size=3, max_size=3),
    names,
    st.sampled_from(FORMATS),
    st.sampled_from(LAYOUTS),
    st.sampled_from(DTYPES),
)
def test_every_module_saved_is_read_back_as_the_module_that_loads_it(
    spec_list: list[ModuleSpec], module_names: list[str], fmt: str, layout: str, dtype: Any
) -> None:
    model = model_of(spec_list[: len(module_names)], module_names).to(dtype)
    if fmt == "safetensors" and layout != "state_dict":
        layout = "state_dict"  # safetensors holds one flat mapping of tensors
    saved, where, prefix = checkpoint_of(model, layout)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("model.safetensors" if fmt == "safetensors" else "model.pt")
        save(saved, path, fmt)
        inspection = inspect_checkpoint(path)
        loaded = load(path, weights_only=False) if fmt != "safetensors" else None
    state = dict(model.state_dict() if loaded is None else _state_at(loaded, where, layout))
    expected = {
        f"{prefix}{name}": spec for name, spec in zip(module_names, spec_list, strict=False)
    }
    assert {m.name: m.state_dict for m in inspection.modules} == dict.fromkeys(expected, where)
    assert inspection.inconsistent == ()
    if layout == "pickled model":  # torch's module classes, refused as torch refuses them
        assert inspection.unsafe
        assert all(g.startswith("torch.nn.modules.") for g in inspection.unsafe)
    else:
        assert inspection.unsafe == ()
    for module in inspection.modules:
        assert weight_arguments(module.spec) == weight_arguments(expected[module.name])
        own = {
            key.removeprefix(f"{module.name}."): tensor
            for key, tensor in state.items()
            if key.startswith(f"{module.name}.") and "." not in key.removeprefix(f"{module.name}.")
        }
        built = build(module.spec).to(dtype)
        built.load_state_dict(own, strict=True)  # torch's own check of the call found
        assert {p.name: (p.shape, p.dtype) for p in module.parameters} == {
            name: (tuple(t.shape), str(t.dtype).removeprefix("torch.")) for name, t in own.items()
        }
    others = len(state) - sum(len(m.parameters) for m in inspection.modules)
    assert inspection.other_tensors >= others


def _state_at(loaded: Any, where: tuple[str, ...], layout: str) -> Any:
    if layout == "pickled model":
        return loaded.state_dict()
    for key in where:
        loaded = loaded[key]
    return loaded


# Dtypes without a storage class of their own: torch saves them on bytes with _rebuild_tensor_v3, and
# its legacy loader cannot read them back (it asks the byte storage for a dtype).
_V3_DTYPES = (
    torch.complex32, torch.float8_e4m3fn, torch.float8_e5m2, torch.uint16, torch.uint32, torch.uint64,
)  # fmt: skip


@pytest.mark.parametrize("fmt", ["zip", "legacy"])
def test_every_dtype_and_view_is_read_as_torch_loads_it(fmt: str, tmp_path: Path) -> None:
    dtypes = [
        torch.float32, torch.float16, torch.bfloat16, torch.float64, torch.int8, torch.uint8,
        torch.int16, torch.int32, torch.int64, torch.bool, torch.complex64, torch.complex128,
        *(_V3_DTYPES if fmt == "zip" else ()),
    ]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # complex32 and quantized tensors are experimental
        tensors = {str(d).removeprefix("torch."): torch.zeros(3, 2).to(d) for d in dtypes}
        tensors["qint8"] = torch.quantize_per_tensor(torch.zeros(3, 2), 0.1, 0, torch.qint8)
    big = torch.zeros(10, 4)
    tensors["slice"] = big[2:5]  # a view: its storage holds all of big
    tensors["transposed"] = big.t()
    path = tmp_path / "dtypes.pt"
    save(tensors, path, fmt)
    [state_dict] = read_checkpoint(path).state_dicts
    loaded = load(path)
    assert {t.key: (t.shape, t.dtype) for t in state_dict.tensors} == {
        key: (tuple(t.shape), str(t.dtype).removeprefix("torch.")) for key, t in loaded.items()
    }


def test_safetensors_are_read_from_the_header_as_safetensors_wrote_it(tmp_path: Path) -> None:
    tensors = {
        "lstm.weight_ih_l0": torch.zeros(8, 3, dtype=torch.bfloat16),
        "lstm.weight_hh_l0": torch.zeros(8, 2, dtype=torch.bfloat16),
        "step": torch.zeros((), dtype=torch.int64),
        "mask": torch.zeros(4, dtype=torch.bool),
        "f8": torch.zeros(2, 2).to(torch.float8_e4m3fn),
    }
    save_file(tensors, str(tmp_path / "a.safetensors"), metadata={"format": "pt"})
    inspection = inspect_checkpoint(tmp_path / "a.safetensors")
    [module] = inspection.modules
    assert module.spec.torch_call() == "nn.LSTM(3, 2, bias=False)"
    assert module.dtypes == ("bfloat16",)
    assert (inspection.format, inspection.other_tensors, inspection.tensors) == (
        "safetensors",
        3,
        5,
    )
    [state_dict] = read_checkpoint(tmp_path / "a.safetensors").state_dicts
    assert {t.key: (t.shape, t.dtype) for t in state_dict.tensors} == {
        k: (tuple(t.shape), str(t.dtype).removeprefix("torch.")) for k, t in tensors.items()
    }


def test_a_state_dict_in_a_zip_of_another_name_and_compressed(tmp_path: Path) -> None:
    """torch names the zip's folder after the file; a zip tool may have compressed data.pkl."""
    source = tmp_path / "saved_as_this.pt"
    torch.save(torch.nn.GRU(3, 4).state_dict(), source)
    copy = tmp_path / "renamed.pt"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info))
    [module] = inspect_checkpoint(copy).modules
    assert module.spec.torch_call() == "nn.GRU(3, 4)"
