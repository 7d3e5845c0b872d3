"""Files inspect cannot read: each gets a message with the file's name and exit 2, never a traceback,
and memory bounded by the header lstmshape reads, never by the file (a 10 GB file included)."""

from __future__ import annotations

import json
import pickle
import re
import struct
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from lstmshape import CheckpointError, inspect_checkpoint
from tests.conftest import invoke, unwrapped
from tests.strategies import torch

GIB = 2**30


def saved(path: Path, obj: object, legacy: bool = False) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.save(obj, path, _use_new_zipfile_serialization=not legacy)
    return path


def lstm_state() -> dict[str, object]:
    return dict(torch.nn.LSTM(3, 4, num_layers=2).state_dict())


def refused(path: Path | str, first_line: str) -> str:
    """inspect on ``path``: exit 2, nothing on stdout, and an error whose first line names the file
    (the same error from the Python API)."""
    result = invoke(["inspect", str(path)])
    assert (result.exit_code, result.stdout) == (2, ""), unwrapped(result.stderr)
    assert unwrapped(result.stderr).startswith(f"Error: {path}: {first_line}"), unwrapped(
        result.stderr
    )
    with pytest.raises(CheckpointError, match=f"^{re.escape(str(path))}: "):
        inspect_checkpoint(path)
    return unwrapped(result.stderr)


def test_missing_directory_and_empty(tmp_path: Path) -> None:
    refused(tmp_path / "nope.pt", "no such file.")
    refused(tmp_path, "a directory, not a checkpoint file.")
    (tmp_path / "empty.pt").write_bytes(b"")
    refused(tmp_path / "empty.pt", "the file is empty (0 bytes).")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.99, -22])
def test_a_zip_cut_short(keep: float, tmp_path: Path) -> None:
    whole = saved(tmp_path / "whole.pt", lstm_state()).read_bytes()
    cut = tmp_path / "cut.pt"
    cut.write_bytes(whole[: int(len(whole) * keep)] if keep > 0 else whole[: int(keep)])
    refused(cut, "a zip without its end record: the file is cut short or damaged.")
    with pytest.raises(RuntimeError, match="failed finding central directory"):
        torch.load(cut, weights_only=True)


def _rezip(source: Path, target: Path, keep: Callable[[str], bool]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if keep(info.filename):
                new.writestr(info.filename, old.read(info))
    return target


def test_a_zip_without_data_pkl_or_with_a_storage_missing(tmp_path: Path) -> None:
    whole = saved(tmp_path / "whole.pt", lstm_state())
    no_pickle = _rezip(whole, tmp_path / "no_pickle.pt", lambda n: not n.endswith("data.pkl"))
    stderr = refused(no_pickle, "a zip without whole/data.pkl: not a torch.save file.")
    assert (
        "It holds 13 files: whole/.format_version, whole/.storage_alignment, whole/byteorder, whole/data/0 and 9 more."
        in stderr
    )
    no_storage = _rezip(whole, tmp_path / "no_storage.pt", lambda n: not n.endswith("/data/3"))
    stderr = refused(no_storage, "the file lacks the data of 1 tensor storage: it is cut short")
    assert "bias_hh_l0: its data (whole/data/3) is not in the file" in stderr
    with pytest.raises(RuntimeError, match="data/3"):
        torch.load(no_storage, weights_only=True)
    (tmp_path / "other.zip").write_bytes(b"")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as other:
        other.writestr("readme.txt", "hello")
    refused(tmp_path / "other.zip", "a zip without readme.txt/data.pkl: not a torch.save file.")


def test_a_legacy_file_cut_short(tmp_path: Path) -> None:
    whole = saved(tmp_path / "whole.pt", lstm_state(), legacy=True).read_bytes()
    in_data = tmp_path / "in_data.pt"
    in_data.write_bytes(whole[:-20])  # inside the last storage: each is at least 64 bytes
    stderr = refused(in_data, "the file lacks the data of 1 tensor storage: it is cut short")
    # torch writes the storages sorted by key (an address): the last one is any tensor's.
    assert re.search(r"\n  \w+: storage \d+ holds \d+ bytes of the \d+ its storage has\n", stderr)
    in_pickle = tmp_path / "in_pickle.pt"
    in_pickle.write_bytes(whole[:300])
    refused(
        in_pickle, "the object's pickle is damaged or not torch's: it cannot be read to the end."
    )


@pytest.mark.parametrize(
    ("obj", "says"),
    [
        ([1, 2, 3], "not a state_dict: the pickle holds a list of 3 items, and no tensor."),
        (
            {"epoch": 3, "loss": 0.5},
            "not a state_dict: the pickle holds a dict of 2 entries ('epoch', 'loss'), and no tensor.",
        ),
        ("just text", "not a state_dict: the pickle holds a str, and no tensor."),
    ],
)
def test_a_pickle_that_holds_no_state_dict(obj: object, says: str, tmp_path: Path) -> None:
    refused(saved(tmp_path / "zip.pt", obj), says)
    refused(saved(tmp_path / "legacy.pt", obj, legacy=True), says)


def test_a_torchscript_archive_and_a_plain_pickle(tmp_path: Path) -> None:
    script = tmp_path / "script.pt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.jit is deprecated: some checkpoints are still it
        torch.jit.save(torch.jit.script(torch.nn.GRU(3, 4)), str(script))
    refused(script, "a TorchScript archive (torch.jit.save), not a torch.save checkpoint.")
    plain = tmp_path / "plain.pkl"
    plain.write_bytes(pickle.dumps({"weight_ih_l0": [1.0]}))
    refused(
        plain, "a pickle, but not torch.save's: it starts with no number, not torch's magic number."
    )


def _safetensors(path: Path, header: bytes, data: bytes = b"", length: int | None = None) -> Path:
    path.write_bytes(struct.pack("<Q", len(header) if length is None else length) + header + data)
    return path


@pytest.mark.parametrize(
    ("header", "data", "length", "says"),
    [
        (b"{}", b"", 10**9, "the header length says 1,000,000,000 bytes, but 2 follow it."),
        (b"{not json", b"", None, "the header is not JSON: Expecting property name"),
        (b"{}" + b" " * 10, b"", None, "a safetensors file that holds no tensor."),
        (
            json.dumps({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}}).encode(),
            b"\0" * 20,
            None,
            "the safetensors header does not match the file: safetensors refuses it too.",
        ),
        (
            json.dumps({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}).encode(),
            b"\0" * 10,
            None,
            "the safetensors header does not match the file: safetensors refuses it too.",
        ),
        (
            json.dumps({"w": {"dtype": "Q9", "shape": [2], "data_offsets": [0, 2]}}).encode(),
            b"\0" * 2,
            None,
            "the safetensors header does not match the file: safetensors refuses it too.",
        ),
    ],
    ids=["length-lies", "not-json", "no-tensor", "size-lies", "cut-short", "unknown-dtype"],
)
def test_a_safetensors_header_that_lies_or_is_not_json(
    header: bytes, data: bytes, length: int | None, says: str, tmp_path: Path
) -> None:
    path = _safetensors(tmp_path / "bad.safetensors", header, data, length)
    refused(path, says)
    if header != b"{}" + b" " * 10:  # safetensors reads an empty header as an empty file
        with pytest.raises(SafetensorError):
            load_file(str(path))


def test_a_safetensors_file_safetensors_reads_is_read(tmp_path: Path) -> None:
    """The checks above are safetensors' own: a file it writes passes them."""
    save_file(
        {"a": torch.zeros(3), "b": torch.zeros(2, 2, dtype=torch.float16)},
        str(tmp_path / "ok.safetensors"),
    )
    assert inspect_checkpoint(tmp_path / "ok.safetensors").tensors == 2


def _sparse(path: Path, head: bytes, size: int = 10 * GIB) -> Path:
    """A file of ``size`` bytes that starts with ``head``, the rest a hole: no disk is used."""
    with path.open("wb") as file:
        file.write(head)
        file.truncate(size)
    return path


@pytest.mark.parametrize(
    ("head", "says"),
    [
        (b"", "not a checkpoint lstmshape reads: it starts with bytes 00 00 00 00 00 00 00 00 (10,737,418,240 bytes in all)."),
        (b"PK\x03\x04", "a zip without its end record: the file is cut short or damaged."),
        (b"\x80\x02\x8a\x0a" + (0x1950A86A20F9469CFC6C).to_bytes(10, "little") + b".\x80\x02M\xe9\x03.\x80\x02}.\x80\x02X\xff\xff\xff\xff",
         "the object's pickle is larger than the 64 MiB lstmshape reads of a header."),
        (struct.pack("<Q", 10 * GIB - 8) + b"{", "the header length says 10,737,418,232 bytes: more than safetensors allows"),
    ],
    ids=["zeros", "zip", "legacy", "safetensors"],
)  # fmt: skip
def test_a_10_gb_file_is_refused_with_memory_bounded_by_the_header(
    head: bytes, says: str, tmp_path: Path
) -> None:
    path = _sparse(tmp_path / "huge.pt", head)
    refused(path, says)
    # In its own process: the peak memory (VmHWM, which exec resets) is the interpreter's, not
    # the file's.
    code = (
        "import re\n"
        "from lstmshape.cli import app\n"
        f"try:\n    app(['inspect', {str(path)!r}])\n"
        "except SystemExit as done:\n    code = done.code\n"
        "peak = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]\n"
        "print(code, int(peak) // 1024)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    exit_code, peak_mib = map(int, result.stdout.split())
    assert exit_code == 2
    assert peak_mib < 80, peak_mib


def test_a_data_pkl_larger_than_lstmshape_reads(tmp_path: Path) -> None:
    """A compressed data.pkl of 70 MiB of zeros: a small file that would unpack to much."""
    path = tmp_path / "bomb.pt"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb/data.pkl", b"\0" * (70 * 2**20))
    refused(
        path, "bomb/data.pkl is 73,400,320 bytes: more than the 64 MiB lstmshape reads of a header."
    )
