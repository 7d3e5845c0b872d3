"""Nothing a checkpoint names runs: a pickle whose reduce would run a command is read without running
it, every global outside torch's weights_only allowlist is reported, and torch refuses the same
files with the sentence lstmshape quotes. The allowlist and the dtype tables are torch's own."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import safetensors.torch

from lstmshape import inspect_checkpoint
from lstmshape.commands.inspect.checkpoint.allowlist import (
    IMPORT_MAPPING,
    NAME_MAPPING,
    TORCH_WEIGHTS_ONLY,
    torch_refusal,
)
from lstmshape.commands.inspect.checkpoint.dtypes import (
    ITEMSIZE,
    SAFETENSORS_DTYPES,
    STORAGE_DTYPES,
)
from lstmshape.commands.inspect.checkpoint.rebuilds import UNDERSTOOD
from tests.conftest import invoke, unwrapped
from tests.strategies import torch


class RunsACommand:
    """What a malicious checkpoint holds: unpickling it runs ``touch MARKER``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


class EvalsCode(RunsACommand):
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return eval, (f"open({str(self.marker)!r}, 'w').close()",)


@dataclass
class Config:
    """A user's class, pickled with NEWOBJ and BUILD: its __setstate__ would run on loading."""

    marker: str
    hidden: int = 8

    def __setstate__(self, state: dict[str, Any]) -> None:
        Path(state["marker"]).touch()
        self.__dict__.update(state)


def lstm_state() -> dict[str, Any]:
    return {f"encoder.{k}": v for k, v in torch.nn.LSTM(3, 4, num_layers=2).state_dict().items()}


def save(obj: Any, path: Path, legacy: bool = False) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.save(obj, path, _use_new_zipfile_serialization=not legacy)


def torch_load_runs_it(path: Path, marker: Path) -> bool:
    """Whether torch.load(weights_only=False) runs the file's code (in a child process)."""
    code = f"import torch, sys; sys.path.insert(0, {os.getcwd()!r}); torch.load({str(path)!r}, weights_only=False)"
    subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    return marker.exists()


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
@pytest.mark.parametrize(
    ("make", "refused"),
    [
        (RunsACommand, "posix.system"),
        (EvalsCode, "builtins.eval"),
        (lambda marker: Config(str(marker)), "tests.test_inspect_safety.Config"),
    ],
    ids=["os.system", "eval", "user class"],
)
def test_a_malicious_checkpoint_is_read_and_nothing_of_it_runs(
    make: Any, refused: str, legacy: bool, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "evil.pt"
    save({**lstm_state(), "payload": make(marker)}, path, legacy)
    inspection = inspect_checkpoint(path)
    assert not marker.exists()
    assert inspection.unsafe == (refused,)
    assert [m.spec.torch_call() for m in inspection.modules] == ["nn.LSTM(3, 4, num_layers=2)"]
    # The command line too, in its own process: nothing runs, the names are said, exit 1.
    result = subprocess.run(
        [sys.executable, "-m", "lstmshape", "inspect", str(path), "--format", "json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (result.returncode, marker.exists()) == (1, False)
    assert refused in unwrapped(result.stderr)
    assert "None of it ran." in unwrapped(result.stderr)
    # The file is what it claims: torch's weights_only refuses it, with the sentence quoted...
    with pytest.raises(pickle.UnpicklingError) as refusal:
        torch.load(path, weights_only=True)
    assert inspection.torch_says is not None
    assert inspection.torch_says in str(refusal.value)
    # ... and without weights_only, loading it runs the code lstmshape did not run.
    assert torch_load_runs_it(path, marker)


def test_a_pickled_model_is_read_through_its_refused_classes(tmp_path: Path) -> None:
    path = tmp_path / "model.pt"
    save(
        torch.nn.Sequential(torch.nn.Embedding(5, 3), torch.nn.GRU(3, 4, bidirectional=True)), path
    )
    inspection = inspect_checkpoint(path)
    assert [(m.name, m.spec.torch_call()) for m in inspection.modules] == [
        ("1", "nn.GRU(3, 4, bidirectional=True)")
    ]
    assert inspection.unsafe == (
        "torch.nn.modules.container.Sequential",
        "torch.nn.modules.sparse.Embedding",
        "torch.nn.modules.rnn.GRU",
    )
    with pytest.raises(pickle.UnpicklingError) as refusal:
        torch.load(path, weights_only=True)
    assert inspection.torch_says is not None
    assert inspection.torch_says in str(refusal.value)
    result = invoke(["inspect", str(path), "--format", "plain"])
    assert result.exit_code == 1
    assert "Refused globals: none of them ran" in result.stdout
    assert unwrapped(result.stderr).startswith(
        f"Error: {path} names 3 globals outside torch's weights_only"
    )


def test_a_plain_pickle_that_would_run_a_command_is_refused_and_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps(RunsACommand(marker), protocol=2))
    result = invoke(["inspect", str(path)])
    assert result.exit_code == 2
    assert not marker.exists()
    assert unwrapped(result.stderr).startswith(f"Error: {path}: a pickle, but not torch.save's")
    assert "It names posix.system; none of them ran." in unwrapped(result.stderr)


def test_the_allowlist_is_torchs_and_nothing_outside_it_is_built() -> None:
    from torch._utils import IMPORT_MAPPING as torch_imports
    from torch._utils import NAME_MAPPING as torch_names
    from torch._weights_only_unpickler import _get_allowed_globals

    assert set(_get_allowed_globals()) == TORCH_WEIGHTS_ONLY
    assert (torch_imports, torch_names) == (IMPORT_MAPPING, NAME_MAPPING)
    assert set(UNDERSTOOD) <= TORCH_WEIGHTS_ONLY


def test_the_dtype_tables_are_torchs_and_safetensors() -> None:
    from torch._weights_only_unpickler import _get_allowed_globals

    dtypes = {
        str(v).removeprefix("torch."): v.itemsize
        for v in _get_allowed_globals().values()
        if isinstance(v, torch.dtype)
    }
    assert dtypes == ITEMSIZE
    assert {
        storage: str(dtype).removeprefix("torch.")
        for dtype, storage in torch.storage._dtype_to_storage_type_map().items()
    } == STORAGE_DTYPES
    for code, dtype in safetensors.torch._TYPES.items():
        name, bits = SAFETENSORS_DTYPES[code]
        assert (name, bits) == (str(dtype).removeprefix("torch."), dtype.itemsize * 8)


@pytest.mark.parametrize(
    ("module", "name", "says"),
    [
        (
            "posix",
            "system",
            "Trying to load unsupported GLOBAL posix.system whose module posix is blocked.",
        ),
        (
            "builtins",
            "eval",
            "Unsupported global: GLOBAL eval was not an allowed global by default.",
        ),
        ("collections", "defaultdict", "GLOBAL collections.defaultdict was not an allowed global"),
    ],
)
def test_torchs_sentence_for_a_refused_global_is_the_one_torch_says(
    module: str, name: str, says: str, tmp_path: Path
) -> None:
    """A pickle of one global, in a torch.save zip: torch.load(weights_only=True) raises the
    sentence lstmshape words for it."""
    path = tmp_path / "one.pt"
    save({"x": torch.zeros(1)}, path)
    import zipfile

    data = b"\x80\x02c" + f"{module}\n{name}\n".encode() + b"q\x00."
    with zipfile.ZipFile(path) as old:
        members = {info.filename: old.read(info) for info in old.infolist()}
    data_name = next(n for n in members if n.endswith("/data.pkl"))
    members[data_name] = data
    with zipfile.ZipFile(path, "w") as new:
        for filename, content in members.items():
            new.writestr(filename, content)
    with pytest.raises(pickle.UnpicklingError) as refusal:
        torch.load(path, weights_only=True)
    assert torch_refusal(module, name) in str(refusal.value)
    assert says in torch_refusal(module, name)


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("ja", "unpickler が止まった箇所: 空のスタックからオブジェクトを取り出すオペコード。"),
        ("fr", "L'unpickler s'est arrêté\u00a0: un opcode retire un objet d'une pile vide."),
        ("es", "El unpickler se detuvo en: un opcode saca un objeto de una pila vacía."),
        ("en", "The unpickler stopped at: an opcode takes an object from an empty stack."),
    ],
)
def test_the_unpicklers_reason_for_a_damaged_pickle_is_said_in_the_language(
    lang: str, says: str, tmp_path: Path
) -> None:
    """A torch.save zip whose data.pkl stops on an empty stack: the unpickler's own reason (not
    Python's) is said in the language of the run, after the translated label."""
    import zipfile

    path = tmp_path / "damaged.pt"
    save({"x": torch.zeros(1)}, path)
    with zipfile.ZipFile(path) as old:
        members = {info.filename: old.read(info) for info in old.infolist()}
    data_name = next(n for n in members if n.endswith("/data.pkl"))
    members[data_name] = b"\x80\x02."  # STOP with nothing on the stack
    with zipfile.ZipFile(path, "w") as new:
        for filename, content in members.items():
            new.writestr(filename, content)
    result = invoke(["inspect", str(path), "--lang", lang])
    assert (result.exit_code, result.stdout) == (2, ""), unwrapped(result.stderr)
    assert says in unwrapped(result.stderr), unwrapped(result.stderr)
