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

from lstmshape.commands.inspect.checkpoint.contents import Contents, StateDict, StoredTensor
from lstmshape.commands.inspect.checkpoint.dtypes import SAFETENSORS_DTYPES
from lstmshape.commands.inspect.checkpoint.files import (
    MAX_SAFETENSORS_HEADER,
    MAX_SAFETENSORS_READ,
    MIB,
    first_five,
    problem,
)
from lstmshape.errors import CheckpointError
from lstmshape.i18n.numbers import decimal, number
from lstmshape.i18n.words import Words, words

_HINT = words("Try saving it again with safetensors ({code}).", code="safetensors.torch.save_file")


def read_safetensors(path: str, file: IO[bytes], size: int) -> Contents:
    """The contents of a safetensors file: one state_dict, from the JSON header alone."""
    file.seek(0)
    (length,) = struct.unpack("<Q", file.read(8))
    _check_header_length(path, length, size)
    header = _header(path, file.read(length))
    data_size = size - 8 - length
    tensors: list[tuple[int, int, StoredTensor]] = []
    problems: list[Words] = []
    for key, entry in header.items():
        if key == "__metadata__":
            problems += _metadata(entry)
            continue
        read = _entry(key, entry, problems)
        if read is not None:
            tensors.append(read)
    problems += _layout(sorted(tensors, key=lambda t: (t[0], t[1])), data_size)
    if problems:
        raise _lying(path, problems)
    if not tensors:
        raise problem(
            words("{path}: a safetensors file that holds no tensor.", path=path), hint=_HINT
        )
    return Contents(path, "safetensors", (StateDict((), tuple(t for _, _, t in tensors)),))


def _check_header_length(path: str, length: int, size: int) -> None:
    """The header's length, refused before a byte of the header is read: past the file's end, over
    what lstmshape reads, or over what safetensors allows."""
    if length > size - 8:
        raise problem(
            words(
                "{path}: the header length says {length} bytes, but {size} follow it.",
                path=path,
                length=number(length),
                size=number(size - 8),
            ),
            details=[
                words(
                    "A safetensors file starts with its header's length (8 bytes), then the header."
                )
            ],
            hint=words(
                "Try saving it again with safetensors ({code}). A copy cut short ends this way.",
                code="safetensors.torch.save_file",
            ),
        )
    if MAX_SAFETENSORS_READ < length <= MAX_SAFETENSORS_HEADER:
        raise problem(
            words(
                "{path}: the header length says {length} bytes: more than the {limit} MiB "
                "lstmshape reads of a header.",
                path=path,
                length=number(length),
                limit=MAX_SAFETENSORS_READ // MIB,
            ),
            details=[
                words(
                    "A header takes about 100 bytes a tensor: {limit} MiB is some {count} "
                    "tensors, and reading a larger one would let the file set lstmshape's memory.",
                    limit=MAX_SAFETENSORS_READ // MIB,
                    count=number(MAX_SAFETENSORS_READ // 100_000 * 1000),
                )
            ],
            hint=words("Try a shard of the checkpoint, or report the file if it is one."),
        )
    if length > MAX_SAFETENSORS_HEADER:
        raise problem(
            words(
                "{path}: the header length says {length} bytes: more than safetensors allows "
                "({limit}).",
                path=path,
                length=number(length),
                limit=number(MAX_SAFETENSORS_HEADER),
            ),
            hint=_HINT,
        )


def _header(path: str, raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise problem(
            words("{path}: the header is JSON nested deeper than safetensors reads.", path=path),
            hint=_HINT,
        ) from None
    except ValueError as error:  # not UTF-8, not JSON, a number of more than 4,300 digits
        raise problem(
            words("{path}: the header is not JSON: {reason}.", path=path, reason=str(error)),
            hint=_HINT,
        ) from None
    if not isinstance(header, dict):
        raise problem(
            words(
                "{path}: the header is JSON, but a {type}, not an object.",
                path=path,
                type=type(header).__name__,
            ),
            hint=_HINT,
        )
    return header


def _entry(key: str, entry: object, problems: list[Words]) -> tuple[int, int, StoredTensor] | None:
    """One tensor of the header: (begin, end, tensor); None, with a problem said, if malformed."""
    if not isinstance(entry, dict) or not {"dtype", "shape", "data_offsets"} <= entry.keys():
        problems.append(words("{key}: not a tensor entry (dtype, shape, data_offsets)", key=key))
        return None
    code, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if not isinstance(code, str) or code not in SAFETENSORS_DTYPES:
        problems.append(
            words("{key}: dtype {dtype} is none of safetensors' dtypes", key=key, dtype=repr(code))
        )
        return None
    if not isinstance(shape, list) or not all(_whole(s) for s in shape):
        problems.append(
            words("{key}: shape {shape} is not a list of sizes", key=key, shape=repr(shape))
        )
        return None
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_whole(o) for o in offsets)):
        problems.append(
            words(
                "{key}: data_offsets {offsets} is not [begin, end]", key=key, offsets=repr(offsets)
            )
        )
        return None
    dtype, bits = SAFETENSORS_DTYPES[code]
    begin, end = offsets
    if prod(shape) * bits >= _USIZE:
        problems.append(
            words(
                "{key}: {dtype} of {count} dimensions: its size in bits passes safetensors' 64-bit "
                "sizes",
                key=key,
                dtype=code,
                count=len(shape),
            )
        )
        return None
    nbytes, rest = divmod(prod(shape) * bits, 8)
    if rest or end - begin != nbytes:
        problems.append(
            words(
                "{key}: {dtype} {shape} takes {takes} bytes, but its data_offsets {offsets} hold "
                "{holds}",
                key=key,
                dtype=code,
                shape=str(tuple(shape)),
                takes=number(nbytes) if not rest else decimal(nbytes + rest / 8, 3).rstrip("0"),
                offsets=f"[{begin}, {end}]",
                holds=number(end - begin),
            )
        )
        return None
    return begin, end, StoredTensor(key, tuple(shape), dtype, nbytes)


# safetensors reads sizes and offsets as 64-bit unsigned integers (usize).
_USIZE = 2**64


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < _USIZE


def _metadata(entry: object) -> list[Words]:
    """safetensors' ``__metadata__`` is a map of text to text; anything else it refuses."""
    if isinstance(entry, dict) and all(isinstance(v, str) for v in entry.values()):
        return []
    return [words("__metadata__ is not a map of text to text, as safetensors requires")]


def _layout(tensors: list[tuple[int, int, StoredTensor]], data_size: int) -> list[Words]:
    """safetensors' rule: the tensors' bytes follow one another from 0 to the end of the file."""
    expected = 0
    for begin, end, tensor in tensors:
        if begin != expected:
            return [
                words(
                    "{key}: its data starts at byte {begin} of the data, not {expected}",
                    key=tensor.key,
                    begin=number(begin),
                    expected=number(expected),
                )
            ]
        expected = end
    sizes = {"expected": number(expected), "size": number(data_size)}
    if expected > data_size:
        return [
            words(
                "the tensors need {expected} bytes of data, but the file holds {size} after its "
                "header: it is cut short",
                **sizes,
            )
        ]
    if expected < data_size:
        return [
            words(
                "the tensors take {expected} bytes of data, but {size} follow the header", **sizes
            )
        ]
    return []


def _lying(path: str, problems: list[Words]) -> CheckpointError:
    return problem(
        words(
            "{path}: the safetensors header does not match the file: safetensors refuses it too.",
            path=path,
        ),
        details=first_five(problems),
        hint=_HINT,
    )
