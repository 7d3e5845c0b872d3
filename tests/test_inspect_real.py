"""What real libraries save, on models of our own that do what those libraries do: a whole model in
the legacy format holding tensors that are neither parameters nor buffers (a torchmetrics Metric's
running state, a Lightning module's cached batch), safetensors files of every header length, and
more. torch and safetensors write every file; torch is the oracle of what loads."""

from __future__ import annotations

import json
import struct
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from safetensors import safe_open
from safetensors.torch import save_file

from lstmshape import ModuleSpec, inspect_checkpoint
from lstmshape.results.weights import weight_arguments
from tests.conftest import unwrapped
from tests.strategies import build, specs, torch


class RunningTotal(torch.nn.Module):
    """What a torchmetrics Metric does: its state is plain tensor attributes, neither parameters
    nor buffers (Metric.add_state sets them with setattr), so state_dict() leaves them out."""

    def __init__(self) -> None:
        super().__init__()
        self.total = torch.zeros(3)
        self.count = torch.tensor(0, dtype=torch.int64)


class Tagger(torch.nn.Module):
    """A Lightning-like model: a recurrent layer, a metric, a tensor cached on the last batch, and a
    list of tensors kept for the epoch's end."""

    def __init__(self, recurrent: Any) -> None:
        super().__init__()
        self.embedding = torch.nn.Embedding(7, 3)
        self.rnn = recurrent
        self.metric = RunningTotal()
        self.last_batch = torch.randn(2, 5, 3, dtype=torch.float64)
        self.outputs = [torch.ones(4), torch.zeros(2, 2, dtype=torch.float16)]
        self.register_buffer("steps", torch.zeros(1))
        self.register_buffer("scratch", torch.zeros(6), persistent=False)


def saved(obj: Any, path: Path, zipped: bool) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's notice that it saves a class's source
        torch.save(obj, path, _use_new_zipfile_serialization=zipped)
    return path


@settings(max_examples=40)
@given(spec=specs(), zipped=st.booleans())
def test_a_whole_model_with_tensors_outside_its_state_dict_is_read_as_torch_loads_it(
    spec: ModuleSpec, zipped: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    model = Tagger(build(spec))
    path = saved(model, tmp_path_factory.mktemp("whole") / "model.pt", zipped)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = torch.load(path, weights_only=False)  # torch reads every one of these files
    inspection = inspect_checkpoint(path)
    (module,) = inspection.modules
    assert module.name == "rnn"
    assert weight_arguments(module.spec) == weight_arguments(spec)
    assert inspection.tensors == len(loaded.state_dict())
    rebuilt = build(module.spec)
    rebuilt.load_state_dict(loaded.rnn.state_dict(), strict=True)


def _safetensors_header_lengths() -> list[int]:
    return list(range(72, 72 + 8 * 300, 8))


def test_safetensors_of_every_header_length_is_read_as_safetensors(tmp_path: Path) -> None:
    """safetensors pads its header to 8 bytes: 300 lengths in a row take every low byte a
    multiple of 8 can have, 0x80 (a pickle's first byte) among them, several times."""
    tensors = {"lstm.weight_ih_l0": torch.zeros(8, 3), "lstm.weight_hh_l0": torch.zeros(8, 2)}
    lengths: set[int] = set()
    for pad in range(0, 8 * 300, 8):
        path = tmp_path / f"m{pad}.safetensors"
        save_file(tensors, str(path), metadata={"pad": "x" * pad})
        length = struct.unpack("<Q", path.read_bytes()[:8])[0]
        lengths.add(length)
        inspection = inspect_checkpoint(path)
        assert inspection.format == "safetensors"
        with safe_open(str(path), "pt") as opened:
            assert inspection.tensors == len(list(opened.keys()))
        assert inspection.modules[0].spec.torch_call() == "nn.LSTM(3, 2, bias=False)"
    assert {length & 0xFF for length in lengths} == set(range(0, 256, 8))
    assert sum(1 for length in lengths if length & 0xFF == 0x80) >= 5


@pytest.mark.parametrize("length", [0x80, 0x180, 0x1080, 0x2A80, 0x81, 0x7F])
def test_a_safetensors_header_of_any_length_unpadded(length: int, tmp_path: Path) -> None:
    """Writers other than safetensors' own need not pad: any length, the header's JSON padded
    with spaces as the format allows; safetensors reads each file."""
    entry = {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    text = json.dumps(entry)
    header = (text + " " * (length - len(text))).encode()
    path = tmp_path / "m.safetensors"
    path.write_bytes(struct.pack("<Q", length) + header + b"\0" * 8)
    with safe_open(str(path), "pt") as opened:
        assert list(opened.keys()) == ["w"]
    inspection = inspect_checkpoint(path)
    assert (inspection.format, inspection.tensors) == ("safetensors", 1)


def _every_argument(module: Any) -> dict[str, Any]:
    """A torch module's constructor arguments, as its attributes hold them."""
    from lstmshape.torchfacts.kinds import KINDS

    return {name: getattr(module, name) for name in KINDS[type(module).__name__].arguments}


@settings(max_examples=60)
@given(spec=specs(), zipped=st.booleans(), dropout=st.sampled_from([0.0, 0.1, 0.5, 1.0]))
def test_a_pickled_model_gives_the_whole_call_its_module_was_built_with(
    spec: ModuleSpec, zipped: bool, dropout: float, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """batch_first, dropout and nonlinearity are in the pickle, as attributes of the module the
    file names (never built): read, they make the printed call build a module equal in every
    constructor argument to the one saved."""
    if not spec.kind.is_cell:
        from dataclasses import replace

        spec = replace(spec, dropout=dropout)
    model = Tagger(build(spec))
    path = saved(model, tmp_path_factory.mktemp("whole") / "model.pt", zipped)
    (module,) = inspect_checkpoint(path).modules
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dropout with one layer: torch's own notice
        rebuilt = eval(module.spec.torch_call(), {"nn": torch.nn})
    assert _every_argument(rebuilt) == _every_argument(model.rnn)
    from lstmshape.results.weights import not_in_weights

    assert module.from_file == not_in_weights(spec.kind)
    assert module.at_defaults == ()
    assert module.saved_as == f"torch.nn.modules.rnn.{spec.kind.name}"
    said = module.to_dict()["from_file"]
    assert said == {name: getattr(model.rnn, name) for name in not_in_weights(spec.kind)}


def test_a_state_dict_alone_says_what_the_weights_cannot_tell(tmp_path: Path) -> None:
    """The same module saved as a state_dict: batch_first is nowhere in the file."""
    rnn = torch.nn.RNN(10, 20, nonlinearity="relu", batch_first=True)
    torch.save(rnn.state_dict(), tmp_path / "state.pt")
    (module,) = inspect_checkpoint(tmp_path / "state.pt").modules
    assert module.spec.torch_call() == "nn.RNN(10, 20)"
    assert (module.from_file, module.at_defaults) == (
        (),
        ("nonlinearity", "batch_first", "dropout"),
    )
    torch.save(rnn, tmp_path / "whole.pt")
    (module,) = inspect_checkpoint(tmp_path / "whole.pt").modules
    assert module.spec.torch_call() == "nn.RNN(10, 20, nonlinearity='relu', batch_first=True)"


class Wrapped(torch.nn.Module):
    """A model kept under an attribute: a LightningModule's ``self.model``, an ``encoder``."""

    def __init__(self, name: str, model: Any) -> None:
        super().__init__()
        self.add_module(name, model)


def _saved_as(model: Any, form: str, folder: Path) -> tuple[Path, Any]:
    """``model`` saved as ``form``, and a model whose load_state_dict takes that file's keys."""
    path = folder / f"{form}.pt"
    if form == "plain":
        torch.save(model.state_dict(), path)
        return path, model
    if form == "dataparallel":
        wrapped = torch.nn.DataParallel(model)
        torch.save(wrapped.state_dict(), path)
        return path, wrapped
    if form == "whole dataparallel":
        wrapped = torch.nn.DataParallel(model)
        saved(wrapped, path, zipped=True)
        return path, wrapped
    if form == "compiled":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's own deprecation notices, on import
            compiled = torch.compile(model)  # compiles on its first call only: never here
        torch.save(compiled.state_dict(), path)
        return path, compiled
    name = "model" if form == "lightning" else "encoder"
    wrapper = Wrapped(name, model)
    state = wrapper.state_dict()
    torch.save({"state_dict": state, "epoch": 1} if form == "lightning" else state, path)
    return path, wrapper


FORMS = ("plain", "dataparallel", "whole dataparallel", "compiled", "lightning", "encoder")


@settings(max_examples=30)
@given(
    spec=specs(),
    name=st.sampled_from(["rnn", "encoder.rnn", "layers.0"]),
    forms=st.lists(st.sampled_from(FORMS), min_size=2, max_size=2, unique=True),
)
def test_one_model_saved_two_ways_is_one_rename_applied_as_printed(
    spec: ModuleSpec, name: str, forms: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The printed rename, run on what torch.load gives, loads into the other side's model
    with strict=True, every tensor in its place."""
    from lstmshape.commands.inspect.weights.compare import compare_checkpoints

    assume(set(forms) != {"dataparallel", "whole dataparallel"})  # the same keys: no rename
    folder = tmp_path_factory.mktemp("forms")
    head, _, leaf = name.rpartition(".")
    inner = torch.nn.ModuleDict({leaf: build(spec)})
    model = torch.nn.ModuleDict({head: inner} if head else dict(inner.items()))
    model.add_module("out", torch.nn.Linear(3, 2))
    originals = [value.clone() for value in model.state_dict().values()]
    (ours, _), (theirs, their_model) = (_saved_as(model, form, folder) for form in forms)
    comparison = compare_checkpoints(inspect_checkpoint(ours), inspect_checkpoint(theirs))
    assert comparison.rename is not None
    assert not comparison.only_ours
    assert not comparison.only_theirs
    assert comparison.rename.keys_left == ()
    assert all(module.same for module in comparison.modules)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scope = {"checkpoint": torch.load(ours, weights_only=False)}
    exec(comparison.rename.code, scope)
    with torch.no_grad():
        for tensor in their_model.state_dict().values():
            tensor.zero_()
    their_model.load_state_dict(scope["state_dict"], strict=True)
    for value, original in zip(their_model.state_dict().values(), originals, strict=True):
        assert torch.equal(value, original)


def test_against_a_dataparallel_checkpoint_says_the_rename_never_strict_false(
    tmp_path: Path, run: Any
) -> None:
    model = torch.nn.ModuleDict({"lstm": torch.nn.LSTM(3, 4), "head": torch.nn.Linear(4, 2)})
    ours, _ = _saved_as(model, "dataparallel", tmp_path)
    theirs, _ = _saved_as(model, "plain", tmp_path)
    result = run(f"inspect {ours} --against {theirs}")
    assert result.exit_code == 1
    code = 'state_dict = {k.removeprefix("module."): v for k, v in checkpoint.items()}'
    assert code in unwrapped(result.stderr).replace("\n  ", " ") or code in unwrapped(result.stderr)
    assert "strict=False" not in unwrapped(result.stderr)
    assert "has recurrent modules that" not in unwrapped(result.stderr)


class AttributeDict(dict):  # type: ignore[type-arg]
    """Lightning's hyper_parameters are an AttributeDict: a dict subclass, refused, read as data."""


@pytest.mark.parametrize("mapping", [dict, AttributeDict])
def test_a_lightning_checkpoint_shows_its_hyper_parameters(mapping: Any, tmp_path: Path) -> None:
    model = Wrapped("model", torch.nn.LSTM(3, 4))
    hyper = mapping(hidden_size=4, lr=0.01, cell="lstm", dropout=None, layers=[64, 32])
    path = tmp_path / "epoch=3.ckpt"
    torch.save({"state_dict": model.state_dict(), "hyper_parameters": hyper, "epoch": 3}, path)
    inspection = inspect_checkpoint(path)
    saved = torch.load(path, weights_only=False)["hyper_parameters"]
    shown = inspection.to_dict()["hyper_parameters"]
    assert shown == {**saved, "layers": "[64, 32]"}
    assert [h.shown() for h in inspection.hyper_parameters or ()] == [
        "4", "0.01", "'lstm'", "None", "[64, 32]"
    ]  # fmt: skip
    state = torch.nn.LSTM(3, 4).state_dict()
    assert inspect_checkpoint(tmp_path / "epoch=3.ckpt").to_dict()["weights_beside"] is None
    torch.save(state, tmp_path / "plain.pt")
    assert inspect_checkpoint(tmp_path / "plain.pt").hyper_parameters is None


class Forecaster:
    """What darts' TorchForecastingModel.save(PATH) pickles at PATH: the forecasting model's
    settings without its LightningModule, whose checkpoint it writes at PATH + '.ckpt'."""

    def __init__(self) -> None:
        self.input_chunk_length = 12
        self.model_name = "RNNModel"


def test_a_darts_save_points_to_its_weights_beside_it(tmp_path: Path, run: Any) -> None:
    path = tmp_path / "my_model.pt"
    saved(Forecaster(), path, zipped=True)
    module = Wrapped("rnn", torch.nn.LSTM(1, 25, batch_first=True))
    torch.save({"state_dict": module.state_dict(), "hyper_parameters": {"hidden_dim": 25}},
               f"{path}.ckpt")  # fmt: skip
    result = run(f"inspect {path}")
    assert result.exit_code == 2
    assert f"Try {path}.ckpt: darts' model.save(PATH) keeps the weights there" in unwrapped(
        result.stderr
    )
    (found,) = inspect_checkpoint(f"{path}.ckpt").modules
    assert found.spec.torch_call() == "nn.LSTM(1, 25)"
    # A pickle that holds tensors too: read, and the file beside it named.
    saved({"scaler": torch.ones(3)}, path, zipped=True)
    inspection = inspect_checkpoint(path)
    assert inspection.weights_beside == f"{path}.ckpt"
    shown = " ".join(run(f"inspect {path}").stdout.split())
    assert f"{path}.ckpt lies beside it: darts' model.save(PATH) keeps the weights there" in shown


def _shard(state: dict[str, Any], parts: int, folder: Path, fmt: str) -> Path:
    """``state`` saved in ``parts`` shards as save_pretrained lays them out (a module's tensors
    may fall in two shards), with its index; the index's path."""
    keys = list(state)
    stem, suffix = ("model", "safetensors") if fmt == "safetensors" else ("pytorch_model", "bin")
    weight_map = {}
    for i in range(parts):
        name = f"{stem}-{i + 1:05d}-of-{parts:05d}.{suffix}"
        part = keys[len(keys) * i // parts : len(keys) * (i + 1) // parts]
        chunk = {k: state[k].contiguous() for k in part}
        if fmt == "safetensors":
            save_file(chunk, str(folder / name))
        else:
            torch.save(chunk, folder / name)
        weight_map.update(dict.fromkeys(chunk, name))
    index = folder / f"{stem}.{suffix}.index.json"
    index.write_text(json.dumps({"metadata": {"total_size": 0}, "weight_map": weight_map}))
    return index


@settings(max_examples=25)
@given(
    spec_list=st.lists(specs(), min_size=2, max_size=2),
    parts=st.integers(2, 5),
    fmt=st.sampled_from(["safetensors", "bin"]),
    by=st.sampled_from(["index", "directory"]),
)
def test_a_sharded_checkpoint_is_read_as_one(
    spec_list: list[ModuleSpec],
    parts: int,
    fmt: str,
    by: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("shards")
    model = torch.nn.ModuleDict(
        {
            "encoder": build(spec_list[0]),
            "decoder": build(spec_list[1]),
            "head": torch.nn.Linear(2, 2),
        }
    )
    index = _shard(model.state_dict(), parts, folder, fmt)
    inspection = inspect_checkpoint(index if by == "index" else folder)
    assert len(inspection.shards) == parts
    assert inspection.tensors == len(model.state_dict())
    found = {module.name: module for module in inspection.modules}
    assert set(found) == {"encoder", "decoder"}
    for name in ("encoder", "decoder"):
        rebuilt = build(found[name].spec)
        rebuilt.load_state_dict(getattr(model, name).state_dict(), strict=True)
    assert inspection.to_dict()["shards"] == [
        str(p) for p in sorted(folder.glob(f"*.{fmt if fmt == 'bin' else 'safetensors'}"))
    ]


def test_an_index_whose_shards_are_missing_or_other(tmp_path: Path, run: Any) -> None:
    index = _shard(torch.nn.LSTM(3, 4, num_layers=2).state_dict(), 2, tmp_path, "safetensors")
    second = tmp_path / "model-00002-of-00002.safetensors"
    held = second.read_bytes()
    second.unlink()
    result = run(f"inspect {index}")
    assert result.exit_code == 2
    assert "the index names 1 shard file that is not beside it." in unwrapped(result.stderr)
    save_file({"other": torch.zeros(2)}, str(second))
    result = run(f"inspect {index}")
    assert result.exit_code == 2
    assert "the index names 4 keys that no shard holds." in unwrapped(result.stderr)
    second.write_bytes(held)
    assert run(f"inspect {index}").exit_code == 0


def _sparse_safetensors(path: Path, tensors: dict[str, tuple[int, ...]]) -> None:
    """A safetensors file of float32 tensors of these shapes, as safetensors lays it out, its
    data a hole: gigabytes on no disk."""
    header: dict[str, Any] = {}
    offset = 0
    for key, shape in tensors.items():
        nbytes = 4 * int(torch.Size(shape).numel())
        header[key] = {
            "dtype": "F32",
            "shape": list(shape),
            "data_offsets": [offset, offset + nbytes],
        }
        offset += nbytes
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with path.open("wb") as file:
        file.write(struct.pack("<Q", len(raw)) + raw)
        file.truncate(8 + len(raw) + offset)


def test_a_4_gb_sharded_model_is_read_in_flat_memory_without_torch(tmp_path: Path) -> None:
    """nn.LSTM(8192, 8192, num_layers=2) in float32 is 4 GiB: four shards, its layers split
    across them, read by their headers alone, in a process that never imports torch."""
    import subprocess
    import sys

    spec = ModuleSpec(8192, 8192, num_layers=2)
    shapes = {p.name: p.shape for p in spec.parameters()}
    names = list(shapes)
    weight_map = {}
    for i in range(4):
        name = f"model-{i + 1:05d}-of-00004.safetensors"
        part = names[len(names) * i // 4 : len(names) * (i + 1) // 4]
        _sparse_safetensors(tmp_path / name, {f"rnn.{k}": shapes[k] for k in part})
        weight_map.update({f"rnn.{k}": name for k in part})
    index = tmp_path / "model.safetensors.index.json"
    index.write_text(json.dumps({"weight_map": weight_map}))
    assert sum(p.stat().st_size for p in tmp_path.glob("*.safetensors")) > 4 * 2**30
    code = (
        "import re, sys\n"
        "from lstmshape.cli import app\n"
        f"try:\n    app(['inspect', {str(index)!r}, '-f', 'json'])\n"
        "except SystemExit as done:\n    code = done.code\n"
        "peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]\n"
        "print('torch' in sys.modules, code, int(peak) // 1024, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    torch_imported, exit_code, peak_mib = unwrapped(result.stderr).split()[-3:]
    assert (torch_imported, exit_code) == ("False", "0")
    assert int(peak_mib) < 80, peak_mib
    (module,) = json.loads(result.stdout)["modules"]
    assert module["call"] == "nn.LSTM(8192, 8192, num_layers=2)"


def test_hyper_parameters_too_long_deep_or_large_are_said_in_short(tmp_path: Path) -> None:
    deep: list[Any] = []
    for _ in range(50):
        deep = [deep]
    hyper = {"big": 10**300, "nan": float("nan"), "deep": deep, "long": "x" * 10_000, "ok": 3}
    path = tmp_path / "h.ckpt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import sys

        limit = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(0)
        try:
            torch.save(
                {"state_dict": torch.nn.LSTM(2, 3).state_dict(), "hyper_parameters": hyper}, path
            )
        finally:
            sys.set_int_max_str_digits(limit)
    shown = {h.name: h.shown() for h in inspect_checkpoint(path).hyper_parameters or ()}
    assert shown["big"] == "an int of 997 bits"
    assert shown["nan"] == "nan"
    assert shown["deep"] == "[[...]]"
    assert len(shown["long"]) == 120
    assert shown["ok"] == "3"


def test_input_is_explained_with_the_arguments_the_pickle_holds(tmp_path: Path, run: Any) -> None:
    """A pickled batch_first RNN explained for (4, 7, 10): N=4 and L=7, as the saved module
    itself reads that input; the output shape is the one torch gives."""
    rnn = torch.nn.RNN(10, 20, nonlinearity="relu", batch_first=True)
    saved(rnn, tmp_path / "whole.pt", zipped=True)
    result = run(f"inspect {tmp_path / 'whole.pt'} --input 4,7,10 -f json")
    report = json.loads(result.stdout)["explained"]["report"]
    assert report["call"] == "nn.RNN(10, 20, nonlinearity='relu', batch_first=True)"
    output, _ = torch.load(tmp_path / "whole.pt", weights_only=False)(torch.randn(4, 7, 10))
    assert report["tensors"]["output"]["shape"] == list(output.shape)
