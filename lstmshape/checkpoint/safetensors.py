"""safetensors: an 8-byte little-endian header length N, N bytes of JSON (each tensor's dtype, shape
and data_offsets), then the data. Only the header is read, after its length is checked against the
file; the offsets are checked as safetensors checks them (each tensor's bytes, in one run from 0 to
the end of the file), so a header that lies is refused, not believed.
"""

from __future__ import annotations

import json
import struct
from math import prod
from typing import IO, Any

from lstmshape.checkpoint.contents import Contents, StateDict, StoredTensor
from lstmshape.checkpoint.dtypes import SAFETENSORS_DTYPES
from lstmshape.checkpoint.files import MAX_SAFETENSORS_HEADER, problem
from lstmshape.errors import CheckpointError

_HINT = "Try saving it again with safetensors (safetensors.torch.save_file)."


def read_safetensors(path: str, file: IO[bytes], size: int) -> Contents:
    """The contents of a safetensors file: one state_dict, from the JSON header alone."""
    file.seek(0)
    (length,) = struct.unpack("<Q", file.read(8))
    if length > size - 8:
        raise problem(
            path,
            f"the header length says {length:,} bytes, but {size - 8:,} follow it.",
            details=[
                "A safetensors file starts with its header's length (8 bytes), then the header."
            ],
            hint=_HINT + " A copy cut short ends this way.",
        )
    if length > MAX_SAFETENSORS_HEADER:
        raise problem(
            path,
            f"the header length says {length:,} bytes: more than safetensors allows "
            f"({MAX_SAFETENSORS_HEADER:,}).",
            hint=_HINT,
        )
    header = _header(path, file.read(length))
    data_size = size - 8 - length
    tensors: list[tuple[int, int, StoredTensor]] = []
    problems: list[str] = []
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        read = _entry(key, entry, problems)
        if read is not None:
            tensors.append(read)
    problems += _layout(sorted(tensors, key=lambda t: (t[0], t[1])), data_size)
    if problems:
        raise _lying(path, problems)
    if not tensors:
        raise problem(path, "a safetensors file that holds no tensor.", hint=_HINT)
    return Contents(path, "safetensors", (StateDict((), tuple(t for _, _, t in tensors)),))


def _header(path: str, raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise problem(path, f"the header is not JSON: {error}.", hint=_HINT) from None
    if not isinstance(header, dict):
        raise problem(
            path, f"the header is JSON, but a {type(header).__name__}, not an object.", hint=_HINT
        )
    return header


def _entry(key: str, entry: object, problems: list[str]) -> tuple[int, int, StoredTensor] | None:
    """One tensor of the header: (begin, end, tensor); None, with a problem said, if malformed."""
    if not isinstance(entry, dict) or not {"dtype", "shape", "data_offsets"} <= entry.keys():
        problems.append(f"{key}: not a tensor entry (dtype, shape, data_offsets)")
        return None
    code, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if code not in SAFETENSORS_DTYPES:
        problems.append(f"{key}: dtype {code!r} is none of safetensors' dtypes")
        return None
    if not isinstance(shape, list) or not all(_whole(s) for s in shape):
        problems.append(f"{key}: shape {shape!r} is not a list of sizes")
        return None
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_whole(o) for o in offsets)):
        problems.append(f"{key}: data_offsets {offsets!r} is not [begin, end]")
        return None
    dtype, bits = SAFETENSORS_DTYPES[code]
    begin, end = offsets
    nbytes, rest = divmod(prod(shape) * bits, 8)
    if rest or end - begin != nbytes:
        problems.append(
            f"{key}: {code} {tuple(shape)} takes {prod(shape) * bits / 8:,g} bytes, but its "
            f"data_offsets [{begin}, {end}] hold {end - begin:,}"
        )
        return None
    return begin, end, StoredTensor(key, tuple(shape), dtype, nbytes)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _layout(tensors: list[tuple[int, int, StoredTensor]], data_size: int) -> list[str]:
    """safetensors' rule: the tensors' bytes follow one another from 0 to the end of the file."""
    expected = 0
    for begin, end, tensor in tensors:
        if begin != expected:
            return [
                f"{tensor.key}: its data starts at byte {begin:,} of the data, not {expected:,}"
            ]
        expected = end
    if expected > data_size:
        return [
            f"the tensors need {expected:,} bytes of data, but the file holds {data_size:,} after "
            "its header: it is cut short"
        ]
    if expected < data_size:
        return [f"the tensors take {expected:,} bytes of data, but {data_size:,} follow the header"]
    return []


def _lying(path: str, problems: list[str]) -> CheckpointError:
    shown = problems[:5] + ([f"and {len(problems) - 5:,} more"] if len(problems) > 5 else [])
    return problem(
        path,
        "the safetensors header does not match the file: safetensors refuses it too.",
        details=shown,
        hint=_HINT,
    )
