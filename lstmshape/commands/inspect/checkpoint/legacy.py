"""torch.save's legacy format (before torch 1.6, or ``_use_new_zipfile_serialization=False``): five
pickles in a row (a magic number, a protocol version, the system's sizes, the object, the storage
keys), then each storage as an 8-byte element count followed by its bytes.

The pickles are read through a capped reader; each storage's count is read and its bytes skipped
(torch.serialization._legacy_load), so the file's size sets no memory use.
"""

from __future__ import annotations

import struct
from typing import IO

from lstmshape.commands.inspect.checkpoint.contents import Contents
from lstmshape.commands.inspect.checkpoint.dtypes import ITEMSIZE
from lstmshape.commands.inspect.checkpoint.files import MAX_HEADER, CappedReader, problem
from lstmshape.commands.inspect.checkpoint.pickled import (
    load_pickle,
    names_refused,
    read_pickle,
    refuse_damaged,
    storage_problems,
)
from lstmshape.commands.inspect.checkpoint.records import StorageRecord
from lstmshape.commands.inspect.checkpoint.unpickler import SafeUnpickler
from lstmshape.i18n import tr
from lstmshape.i18n.words import words

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


def read_legacy(path: str, file: IO[bytes], size: int) -> Contents:
    """The contents of a legacy torch.save file: its object's pickle read safely, its storages
    checked by their counts."""
    reader = CappedReader(file, MAX_HEADER)
    first = SafeUnpickler(reader)  # type: ignore[arg-type]
    magic = load_pickle(path, first, tr("the first pickle"))
    if magic != MAGIC_NUMBER or first.refused:
        number = isinstance(magic, int) and not isinstance(magic, bool)
        raise problem(
            words(
                "{path}: a pickle, but not torch.save's: it starts with a number, not torch's "
                "magic number.",
                path=path,
            )
            if number
            else words(
                "{path}: a pickle, but not torch.save's: it starts with no number, not torch's "
                "magic number.",
                path=path,
            ),
            details=[names_refused(first.refused)]
            if first.refused
            else [
                words(
                    "torch.load refuses it too ({torch_says}).",
                    torch_says="Invalid magic number; corrupt file?",
                )
            ],
            hint=words("Try a file written by torch.save, or by safetensors."),
        )
    protocol = load_pickle(path, SafeUnpickler(reader), tr("the protocol version"))  # type: ignore[arg-type]
    system = load_pickle(path, SafeUnpickler(reader), tr("the system's sizes"))  # type: ignore[arg-type]
    if protocol != PROTOCOL_VERSION or not isinstance(system, dict):
        raise problem(
            words(
                "{path}: torch's magic number, then protocol {protocol}: not a file torch.save "
                "wrote.",
                path=path,
                protocol=repr(protocol),
            )
        )
    recording = SafeUnpickler(reader)  # type: ignore[arg-type]
    what = tr("the object's pickle")
    contents, walked, _ = read_pickle(path, "torch-legacy", reader, what, recording)  # type: ignore[arg-type]
    keys = load_pickle(path, SafeUnpickler(reader), tr("the list of storages"))  # type: ignore[arg-type]
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise problem(
            words("{path}: the list of storages after the object is not a list of keys.", path=path)
        )
    little = system.get("little_endian", True) is not False
    available = _storages(file, size, keys, recording.storages, little)
    refuse_damaged(path, storage_problems(walked, available, tr("storage {key}")))
    return contents


def _storages(
    file: IO[bytes], size: int, keys: list[str], named: dict[str, StorageRecord], little: bool
) -> dict[str, int]:
    """Each storage's bytes in the file, from its element count, the data itself skipped: the
    storages are laid out in ``keys``' order, each after its 8-byte count."""
    available: dict[str, int] = {}
    position = file.tell()
    for key in keys:
        storage: StorageRecord | None = named.get(key)
        if position + 8 > size or storage is None:
            break
        file.seek(position)
        (numel,) = struct.unpack("<q" if little else ">q", file.read(8))
        nbytes = max(numel, 0) * ITEMSIZE[storage.dtype]
        available[key] = min(nbytes, size - position - 8)
        position += 8 + nbytes
    return available
