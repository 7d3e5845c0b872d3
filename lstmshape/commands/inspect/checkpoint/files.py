"""Opening a checkpoint: the file's faults said with its name, its format told by its first bytes, and
reads capped so that no file, whatever its size or what its header claims, sets memory use.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from typing import IO

from lstmshape.errors import CheckpointError
from lstmshape.i18n.words import Text, Words, words

MIB = 2**20
# The most lstmshape reads of a file's header: a torch pickle (a state_dict's names and shapes, about
# 150 bytes a tensor), a zip's central directory (about 100 bytes a tensor). 64 MiB is some 400,000
# tensors: far more than any model has.
MAX_HEADER = 64 * MIB
# The most lstmshape reads of a zip's central directory: about 130 bytes a storage, so some 60,000
# storages; Python's zipfile keeps some 450 bytes of objects for each entry it reads.
MAX_DIRECTORY = 8 * MIB
# safetensors' own limit (its MAX_HEADER_SIZE): a larger header is not a safetensors file.
MAX_SAFETENSORS_HEADER = 100_000_000
# The most lstmshape reads of it: a header takes about 100 bytes a tensor (so some 40,000 tensors,
# as many as the pickle's budget lets through), its JSON read into Python objects some nine times
# its size, and each entry checked in some 25 microseconds.
MAX_SAFETENSORS_READ = 4 * MIB

_HINT = words(
    "Try a file written by torch.save (.pt, .pth, .bin, .ckpt) or by safetensors (.safetensors)."
)


def problem(what: Words, *, details: Sequence[Text] = (), hint: Text = _HINT) -> CheckpointError:
    """The error for a checkpoint lstmshape cannot read: ``what`` names the file
    (``words("{path}: no such file.", path=path)``), then says what is wrong."""
    return CheckpointError(what, details=details, hint=hint, subject="checkpoint")


def first_five(problems: list[Words]) -> list[Text]:
    """The first five problems, and how many more there are."""
    shown: list[Text] = list(problems[:5])
    if len(problems) > 5:
        shown.append(words("and {count} more", count=f"{len(problems) - 5:,}"))
    return shown


def missing(path: str) -> CheckpointError:
    """The error for a path where there is no file."""
    return problem(
        words("{path}: no such file.", path=path),
        hint=words("Try the path of a checkpoint file."),
    )


def unreadable(path: str, error: OSError) -> CheckpointError:
    """The error for a file or folder the system will not let lstmshape read."""
    return problem(
        words("{path}: cannot read it: {reason}.", path=path, reason=str(error.strerror or error)),
        hint=words("Try a readable file."),
    )


def open_checkpoint(path: str) -> tuple[IO[bytes], int]:
    """The file, open for reading, and its size; a missing, unreadable or empty file is refused."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise missing(path) from None
    except OSError as error:
        raise unreadable(path, error) from None
    if stat.S_ISDIR(info.st_mode):
        raise problem(
            words("{path}: a directory, not a checkpoint file.", path=path),
            hint=words("Try one of the files in it (a sharded checkpoint is read shard by shard)."),
        )
    if not stat.S_ISREG(info.st_mode):
        raise problem(
            words("{path}: not a regular file.", path=path),
            hint=words("Try a checkpoint file on disk."),
        )
    if info.st_size == 0:
        raise problem(
            words("{path}: the file is empty (0 bytes).", path=path),
            hint=words("Try saving the checkpoint again."),
        )
    try:
        return open(path, "rb"), info.st_size
    except OSError as error:
        raise unreadable(path, error) from None


def detect(path: str, file: IO[bytes], size: int) -> str:
    """The file's format from its structure: ``torch-zip``, ``torch-legacy`` or ``safetensors``.

    A zip starts with PK. A safetensors file starts with its header's length, 8 bytes little-endian,
    then the header, a JSON object: one length in 256 has 0x80, a pickle's first byte, as its low
    byte, so a plausible length followed by ``{`` is safetensors, and where the file also starts
    like a pickle, the header must parse as a JSON object too.
    """
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "torch-zip"
    braced = len(head) >= 9 and head[8:9] == b"{"
    length = int.from_bytes(head[:8], "little") if len(head) >= 8 else 0
    plausible = braced and 2 <= length <= min(size - 8, MAX_SAFETENSORS_HEADER)
    if plausible and (not head.startswith(b"\x80") or _json_object(file, length)):
        return "safetensors"
    if head.startswith(b"\x80"):
        return "torch-legacy"
    if braced:
        return "safetensors"  # a header length the file cannot hold: the reader says so
    shown = " ".join(f"{byte:02x}" for byte in head[:8])
    raise problem(
        words(
            "{path}: not a checkpoint lstmshape reads: it starts with bytes {bytes} ({size} bytes "
            "in all).",
            path=path,
            bytes=shown,
            size=f"{size:,}",
        ),
        details=[
            words(
                "torch.save writes a zip (it starts with PK) or, before torch 1.6, a pickle (0x80); "
                "safetensors writes an 8-byte header length, then a JSON header ({brace}).",
                brace="{",
            )
        ],
    )


def _json_object(file: IO[bytes], length: int) -> bool:
    """Whether the ``length`` bytes after the first 8 are a JSON object (a safetensors header)."""
    import json

    file.seek(8)
    raw = file.read(length)
    file.seek(0)
    try:
        return isinstance(json.loads(raw.decode("utf-8")), dict)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False


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
        size = self.left + 1 if size is None or size < 0 else min(size, self.left + 1)
        data = self.file.read(size)
        self._taken(len(data))
        return data

    def seek(self, offset: int, whence: int = 1) -> int:
        """Move back over bytes read ahead (``whence`` 1 only): they are not taken."""
        if whence != 1:
            raise ValueError("a capped reader moves relative to where it is")
        self.left -= offset
        return self.file.seek(offset, 1)

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
