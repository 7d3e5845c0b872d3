"""Opening a checkpoint: the file's faults said with its name, its format told by its first bytes, and
reads capped so that no file, whatever its size or what its header claims, sets memory use.
"""

from __future__ import annotations

import os
import stat
from typing import IO

from lstmshape.errors import CheckpointError

MIB = 2**20
# The most lstmshape reads of a file's header: a torch pickle (a state_dict's names and shapes, about
# 150 bytes a tensor), a zip's central directory (about 100 bytes a tensor). 64 MiB is some 400,000
# tensors: far more than any model has.
MAX_HEADER = 64 * MIB
# safetensors' own limit (its MAX_HEADER_SIZE): a larger header is not a safetensors file.
MAX_SAFETENSORS_HEADER = 100_000_000

_HINT = (
    "Try a file written by torch.save (.pt, .pth, .bin, .ckpt) or by safetensors (.safetensors)."
)


def problem(
    path: str, what: str, *, details: list[str] | None = None, hint: str = _HINT
) -> CheckpointError:
    """The error for a checkpoint lstmshape cannot read: the file's name, then what is wrong."""
    return CheckpointError(
        f"{path}: {what}", details=details or [], hint=hint, subject="checkpoint"
    )


def open_checkpoint(path: str) -> tuple[IO[bytes], int]:
    """The file, open for reading, and its size; a missing, unreadable or empty file is refused."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise problem(path, "no such file.", hint="Try the path of a checkpoint file.") from None
    except OSError as error:
        raise problem(
            path, f"cannot read it: {error.strerror or error}.", hint="Try a readable file."
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise problem(
            path,
            "a directory, not a checkpoint file.",
            hint="Try one of the files in it (a sharded checkpoint is read shard by shard).",
        )
    if not stat.S_ISREG(info.st_mode):
        raise problem(path, "not a regular file.", hint="Try a checkpoint file on disk.")
    if info.st_size == 0:
        raise problem(path, "the file is empty (0 bytes).", hint="Try saving the checkpoint again.")
    try:
        return open(path, "rb"), info.st_size
    except OSError as error:
        raise problem(
            path, f"cannot read it: {error.strerror or error}.", hint="Try a readable file."
        ) from None


def detect(path: str, head: bytes, size: int) -> str:
    """The file's format from its first bytes: ``torch-zip``, ``torch-legacy`` or ``safetensors``."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "torch-zip"
    if head.startswith(b"\x80"):
        return "torch-legacy"
    if len(head) >= 9 and head[8:9] == b"{":
        return "safetensors"
    shown = " ".join(f"{byte:02x}" for byte in head[:8])
    raise problem(
        path,
        f"not a checkpoint lstmshape reads: it starts with bytes {shown} ({size:,} bytes in all).",
        details=[
            "torch.save writes a zip (it starts with PK) or, before torch 1.6, a pickle (0x80); "
            "safetensors writes an 8-byte header length, then a JSON header ({)."
        ],
    )


class TooLarge(Exception):
    """A read went past the cap: what was read is larger than any header lstmshape reads."""


class CappedReader:
    """A binary file read through a cap on the bytes taken from it (for the C unpickler, which
    reads, reads lines and reads into buffers)."""

    def __init__(self, file: IO[bytes], limit: int) -> None:
        self.file = file
        self.left = limit

    def _taken(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise TooLarge

    def read(self, size: int = -1) -> bytes:
        if size is not None and size > self.left:
            # The unpickler asks for exactly what an opcode claims: a claim past the cap is
            # refused before anything of it is read.
            raise TooLarge
        size = self.left + 1 if size is None or size < 0 else size
        data = self.file.read(size)
        self._taken(len(data))
        return data

    def readline(self, size: int = -1) -> bytes:
        size = self.left + 1 if size is None or size < 0 else min(size, self.left + 1)
        line = self.file.readline(size)
        self._taken(len(line))
        return line

    def readinto(self, buffer: bytearray | memoryview) -> int:
        view = memoryview(buffer)
        if len(view) > self.left:
            raise TooLarge
        count = self.file.readinto(view)  # type: ignore[attr-defined]
        self._taken(count or 0)
        return count or 0
