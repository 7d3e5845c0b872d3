"""Hostile checkpoints and texts, as bytes: what a stranger's file can hold to make a reader run long,
take memory, crash, print escapes or say "ok" wrongly. Shared by the tests (tests/test_hostile.py)
and the long fuzzing run (tools/fuzz_inspect.py).

Each maker returns the file's bytes; ``HOSTILE`` names each one and its area. None of them needs torch.
"""

from __future__ import annotations

import io
import json
import pickle
import struct
import zipfile
from collections.abc import Callable

PROTO = b"\x80\x02"
STOP = b"."


def torch_zip(pickled: bytes, storages: dict[str, bytes] | None = None, *, version: bool = True,
              compress: bool = False) -> bytes:  # fmt: skip
    """A torch.save zip around ``pickled`` (its data.pkl) and ``storages`` (data/KEY)."""
    out = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(out, "w", method) as archive:
        archive.writestr("archive/data.pkl", pickled)
        if version:
            archive.writestr("archive/version", b"3\n")
        for key, data in (storages or {}).items():
            archive.writestr(f"archive/data/{key}", data)
    return out.getvalue()


def torch_zip_members(members: dict[str, bytes]) -> bytes:
    """A zip of ``members`` as they are (names and contents), stored."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def short_unicode(text: str) -> bytes:
    data = text.encode("utf-8")
    return b"X" + struct.pack("<I", len(data)) + data


def global_(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def tensor(
    key: str,
    numel: int,
    shape: tuple[int, ...],
    *,
    storage: str = "FloatStorage",
    location: str = "cpu",
) -> bytes:
    """A protocol-2 pickle fragment that builds one tensor, as torch.save writes it."""
    sizes = b"(" + b"".join(b"J" + struct.pack("<i", s) for s in shape) + b"t"
    strides, step = [], 1
    for size in reversed(shape):
        strides.append(step)
        step *= size
    stride = b"(" + b"".join(b"J" + struct.pack("<i", s) for s in reversed(strides)) + b"t"
    pid = (
        b"(" + short_unicode("storage") + global_("torch", storage) + short_unicode(key)
        + short_unicode(location) + b"J" + struct.pack("<i", numel) + b"tQ"
    )  # fmt: skip
    return (
        global_("torch._utils", "_rebuild_tensor_v2") + b"(" + pid + b"K\x00" + sizes + stride
        + b"\x89" + global_("collections", "OrderedDict") + b")R" + b"tR"
    )  # fmt: skip


def state_dict(entries: list[tuple[str, bytes]]) -> bytes:
    """A protocol-2 OrderedDict of ``entries`` (name, fragment)."""
    body = b"".join(short_unicode(name) + fragment + b"s" for name, fragment in entries)
    return PROTO + global_("collections", "OrderedDict") + b")R" + body + STOP


def lstm_zip(*, version: bool = True, extra: bytes = b"") -> bytes:
    """A sound state_dict of nn.LSTM(2, 1): every check passes on it."""
    shapes = {
        "weight_ih_l0": (4, 2),
        "weight_hh_l0": (4, 1),
        "bias_ih_l0": (4,),
        "bias_hh_l0": (4,),
    }
    entries, storages = [], {}
    for i, (name, shape) in enumerate(shapes.items()):
        numel = 1
        for size in shape:
            numel *= size
        entries.append((name, tensor(str(i), numel, shape)))
        storages[str(i)] = b"\0" * (4 * numel) + extra
    return torch_zip(state_dict(entries), storages, version=version)


def zipped(pickled: bytes) -> bytes:
    return torch_zip(pickled, compress=True)


# --- the budget ------------------------------------------------------------------------------


def memo_index() -> bytes:
    """One LONG_BINPUT 100000000: Python's unpickler makes a memo of 10^8 entries."""
    return zipped(PROTO + b"N" + b"r" + struct.pack("<I", 100_000_000) + STOP)


def nested_lists(depth: int = 1_000_000) -> bytes:
    """Lists inside lists, ``depth`` deep (walked in quadratic time by a reader that keeps paths)."""
    return zipped(PROTO + b"]" * depth + b"a" * (depth - 1) + STOP)


def nested_modules(depth: int = 40_000) -> bytes:
    """Module objects, each the state of the one before: a whole-model pickle gone deep."""
    one = global_("m", "M") + b")\x81"
    return zipped(PROTO + one * depth + b"b" * (depth - 1) + STOP)


def empty_dicts(count: int = 60_000_000) -> bytes:
    """``count`` EMPTY_DICT opcodes (61 KB deflated for 60 MB)."""
    return zipped(PROTO + b"}" * count + STOP)


def many_references(count: int = 600_000) -> bytes:
    """``count`` items appended to a list at once: each is an object and a reference kept."""
    return zipped(PROTO + b"](" + b"N" * count + b"e" + STOP)


def tuple_key(levels: int = 60) -> bytes:
    """A dict key that is a DAG of shared tuples: hashing it visits 2^levels elements."""
    key = b"N" + b"2\x86" * levels
    return zipped(PROTO + b"}" + key + b"Ns" + STOP)


def list_dag(levels: int = 40) -> bytes:
    """A DAG of shared lists given as a persistent id: an error message that prints it prints
    2^levels items."""
    body = b"]q\x00"
    for level in range(levels):
        body += b"(h" + bytes([level]) + b"h" + bytes([level]) + b"lq" + bytes([level + 1])
    return zipped(PROTO + body + b"Q" + STOP)


def long4(size: int = 100_000) -> bytes:
    """An integer of ``size`` bytes (LONG4): its decimal form passes Python's 4,300 digits."""
    return zipped(PROTO + b"\x8b" + struct.pack("<i", size) + b"\x01" * size + STOP)


def many_globals(count: int = 100_000) -> bytes:
    """``count`` different globals: one type made for each by a careless reader."""
    return zipped(
        PROTO + b"".join(global_("m", f"G{i}") + b"0" for i in range(count)) + b"N" + STOP
    )


# --- zip's and safetensors' headers ----------------------------------------------------------


def zip64_huge_offset() -> bytes:
    """A zip64 end record whose directory offset is >= 2^63."""
    data = bytearray(torch_zip(PROTO + b"N" + STOP))
    end = data.rfind(b"PK\x05\x06")
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 1, 1, 46, 2**63 + 5)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    tail = bytearray(data[end:])
    tail[10:12] = b"\xff\xff"
    tail[12:20] = b"\xff" * 8
    return bytes(data[:end] + record + locator + tail)


def directory_past_end() -> bytes:
    """An end record whose central directory starts past the end of the file."""
    data = bytearray(torch_zip(PROTO + b"N" + STOP))
    end = data.rfind(b"PK\x05\x06")
    data[end + 16 : end + 20] = struct.pack("<L", len(data) * 4)
    return bytes(data)


def zip64_directory_claim(size: int = 200_000_000) -> bytes:
    """A zip64 end record (the one Python's zipfile reads) that says the directory is ``size``
    bytes, while the plain end record says it is small."""
    data = bytearray(torch_zip(PROTO + b"N" + STOP))
    end = data.rfind(b"PK\x05\x06")
    directory = struct.unpack("<L", data[end + 12 : end + 16])[0]
    start = struct.unpack("<L", data[end + 16 : end + 20])[0]
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 2, 2, size, start) + b""
    del directory
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    return bytes(data[:end] + record + locator + data[end:])


def safetensors(header: object | bytes, data: bytes = b"") -> bytes:
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + data


def st_big_integer() -> bytes:
    return safetensors(
        b'{"a": {"dtype": "F32", "shape": [' + b"9" * 5000 + b'], "data_offsets": [0, 0]}}'
    )


def st_deep_json() -> bytes:
    return safetensors(b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")


def st_dtype_list() -> bytes:
    return safetensors({"a": {"dtype": [], "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4)


def st_huge_shape() -> bytes:
    return safetensors(
        b'{"a": {"dtype": "F32", "shape": [1' + b"0" * 400 + b'], "data_offsets": [0, 4]}}',
        b"\0" * 4,
    )


def st_metadata_not_strings() -> bytes:
    header = {
        "__metadata__": {"format": 1},
        "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
    }
    return safetensors(header, b"\0" * 4)


def st_escape_key() -> bytes:
    key = "\x1b[2J\x1b]0;owned\x07weight\nlstm: nn.LSTM(999, 999)"
    return safetensors({key: {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4)


# --- what torch refuses ---------------------------------------------------------------------


def storage_longer() -> bytes:
    """Each storage record holds 3 bytes more than its storage."""
    return lstm_zip(extra=b"\0\0\0")


def unknown_device() -> bytes:
    """A storage tagged with a device torch.load does not know ("cp)")."""
    return torch_zip(state_dict([("w", tensor("0", 1, (1,), location="cp)"))]), {"0": b"\0" * 4})


def no_version() -> bytes:
    """A torch zip without its ARCHIVE/version record."""
    return lstm_zip(version=False)


def build_on_function() -> bytes:
    """A BUILD that sets attributes on torch's (and lstmshape's) _rebuild_tensor_v2 function."""
    pickled = (
        PROTO + global_("torch._utils", "_rebuild_tensor_v2") + b"}" + short_unicode("__doc__")
        + short_unicode("owned") + b"sb0N" + STOP
    )  # fmt: skip
    return torch_zip(pickled)


def escape_global() -> bytes:
    """A refused global whose name moves the cursor up and clears the line that names it."""
    return torch_zip(PROTO + global_("os", "system\x1b[1A\x1b[2K") + b"0N" + STOP)


def escape_key() -> bytes:
    """A state_dict key with a newline that forges a line of the report."""
    return torch_zip(
        PROTO + b"}" + short_unicode("w\nlstm: nn.LSTM(999, 999)\x1b[2J")
        + tensor("0", 1, (1,)) + b"s" + STOP,
        {"0": b"\0" * 4},
    )  # fmt: skip


def pickle_of(value: object) -> bytes:
    return zipped(pickle.dumps(value, protocol=2))


HOSTILE: dict[str, tuple[str, Callable[[], bytes]]] = {
    "memo-index": ("budget", memo_index),
    "nested-lists": ("budget", nested_lists),
    "nested-modules": ("budget", nested_modules),
    "empty-dicts": ("budget", empty_dicts),
    "many-references": ("budget", many_references),
    "tuple-key": ("budget", tuple_key),
    "list-dag": ("budget", list_dag),
    "long4": ("budget", long4),
    "many-globals": ("budget", many_globals),
    "zip64-offset": ("zip", zip64_huge_offset),
    "directory-past-end": ("zip", directory_past_end),
    "zip64-directory": ("zip", zip64_directory_claim),
    "st-big-integer": ("safetensors", st_big_integer),
    "st-deep-json": ("safetensors", st_deep_json),
    "st-dtype-list": ("safetensors", st_dtype_list),
    "st-huge-shape": ("safetensors", st_huge_shape),
    "st-metadata": ("safetensors", st_metadata_not_strings),
    "st-escape-key": ("escapes", st_escape_key),
    "storage-longer": ("torch-refuses", storage_longer),
    "no-version": ("torch-refuses", no_version),
    "unknown-device": ("torch-refuses", unknown_device),
    "build-on-function": ("torch-refuses", build_on_function),
    "escape-global": ("escapes", escape_global),
    "escape-key": ("escapes", escape_key),
}
"""Every hostile file of the suite: its name, its area and its maker."""

# The same files at a size that meets the same limit (or the same code) quickly: for running each
# through every command and format.
QUICK: dict[str, Callable[[], bytes]] = {
    **{name: make for name, (_, make) in HOSTILE.items()},
    "nested-lists": lambda: nested_lists(300),
    "nested-modules": lambda: nested_modules(300),
    "empty-dicts": lambda: empty_dicts(10_000),
    "many-globals": lambda: many_globals(10_001),
}
