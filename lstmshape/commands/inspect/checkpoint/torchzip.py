"""torch.save's zip format (torch 1.6 and later): ``ARCHIVE/data.pkl`` holds the pickle of names and
shapes, ``ARCHIVE/data/KEY`` each storage's bytes.

Only the zip's central directory (sized before it is read) and ``data.pkl`` are read; the storages
are checked by their sizes in the directory, never opened.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import IO

from lstmshape.commands.inspect.checkpoint.contents import Contents
from lstmshape.commands.inspect.checkpoint.files import MAX_DIRECTORY, MAX_HEADER, MIB, problem
from lstmshape.commands.inspect.checkpoint.pickled import (
    NOT_A_STATE_DICT,
    read_pickle,
    refuse_damaged,
    storage_problems,
)
from lstmshape.i18n import tr
from lstmshape.i18n.numbers import enumerated, number
from lstmshape.i18n.words import nwords, words

# zipfile's end record, as its _EndRecData gives it: the directory's size and the record's place.
_SIZE = 5
_LOCATION = 9
_END64 = b"PK\x06\x06"
_END64_SIZES = 56 + 20  # the zip64 end record and its locator, between the directory and the end
# What the zip module raises for a damaged archive (a cut-short copy, a bad CRC, an odd member).
_ZIP_FAULTS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
    OverflowError,
    struct.error,
)
_DAMAGED_HINT = words(
    "Try saving the checkpoint again, or copying it whole: torch.save's zip ends with its table "
    "of contents, which a cut-short copy loses."
)


def read_zip(path: str, file: IO[bytes], size: int) -> Contents:
    """The contents of a torch.save zip: its data.pkl read safely, its storages checked."""
    _check_directory_size(path, file, size)
    try:
        archive = zipfile.ZipFile(file)
        members = {info.filename: info for info in archive.infolist()}
    except _ZIP_FAULTS as error:
        raise _damaged(path, error) from None
    if not members:
        raise problem(words("{path}: an empty zip: it holds no file, so no data.pkl.", path=path))
    archive_name = next(iter(members)).split("/", 1)[0]
    if f"{archive_name}/constants.pkl" in members:
        raise problem(
            words(
                "{path}: a TorchScript archive (torch.jit.save), not a torch.save checkpoint.",
                path=path,
            ),
            hint=words(
                "Try {code}, then inspect that.",
                code="torch.save(torch.jit.load(PATH).state_dict(), NEW_PATH)",
            ),
        )
    data = _data_pkl(path, archive, members, archive_name)
    _check_version(path, members, archive_name)
    contents, walked, _ = read_pickle(
        path, "torch-zip", io.BytesIO(data), f"{archive_name}/data.pkl"
    )
    available = {
        name.removeprefix(f"{archive_name}/data/"): info.file_size
        for name, info in members.items()
        if name.startswith(f"{archive_name}/data/")
    }
    refuse_damaged(
        path, storage_problems(walked, available, f"{archive_name}/data/{{key}}", exact=True)
    )
    return contents


def _check_version(path: str, members: dict[str, zipfile.ZipInfo], name: str) -> None:
    """torch.load reads ARCHIVE/.data/version, else ARCHIVE/version, before anything else: a zip
    with neither is refused (torch: 'Expected hasRecord("version") to be true')."""
    if f"{name}/.data/version" in members or f"{name}/version" in members:
        return
    raise problem(
        words(
            "{path}: a zip without {member}: torch.load refuses it.",
            path=path,
            member=f"{name}/version",
        ),
        details=[
            words(
                "torch.save writes the format's version beside data.pkl; torch says: {torch_says}",
                torch_says='Expected hasRecord("version") to be true, but got false.',
            )
        ],
        hint=_DAMAGED_HINT,
    )


def _damaged(path: str, error: BaseException) -> Exception:
    return problem(
        words("{path}: a damaged zip: {reason}.", path=path, reason=str(error)),
        hint=_DAMAGED_HINT,
    )


def _data_pkl(
    path: str, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], name: str
) -> bytes:
    info = members.get(f"{name}/data.pkl")
    if info is None:
        names = list(members)
        listed = enumerated(names[:4])
        if len(names) > 4:
            listed = tr("{names} and {count} more", names=listed, count=number(len(names) - 4))
        count = number(len(members))
        raise problem(
            words("{path}: a zip without {member}: not a torch.save file.", path=path,
                  member=f"{name}/data.pkl"),
            details=[
                nwords("It holds {count} file: {listed}.", "It holds {count} files: {listed}.",
                       len(members), count=count, listed=listed),
                words(
                    "torch.save's zip holds ARCHIVE/data.pkl (the names and shapes) and "
                    "ARCHIVE/data/KEY (each storage)."
                ),
            ],
        )  # fmt: skip
    if info.file_size > MAX_HEADER:
        raise _too_large(path, f"{name}/data.pkl", info.file_size)
    try:
        with archive.open(info) as member:
            data = member.read(MAX_HEADER + 1)
    except _ZIP_FAULTS as error:
        raise problem(
            words(
                "{path}: {member} cannot be read: {reason}.",
                path=path,
                member=f"{name}/data.pkl",
                reason=str(error),
            ),
            hint=_DAMAGED_HINT,
        ) from None
    if len(data) > MAX_HEADER:  # a compressed member may claim a smaller size than it has
        raise _too_large(path, f"{name}/data.pkl", len(data))
    return data


def _too_large(path: str, what: str, size: int, limit: int = MAX_HEADER) -> Exception:
    return problem(
        words(
            "{path}: {what} is {size} bytes: more than the {limit} MiB lstmshape reads of a "
            "header.",
            path=path,
            what=what,
            size=number(size),
            limit=limit // MIB,
        ),
        details=[NOT_A_STATE_DICT],
    )


def _check_directory_size(path: str, file: IO[bytes], size: int) -> None:
    """Refuse a central directory larger than lstmshape reads, or outside the file, before the zip
    module reads it whole: its size and place are read as zipfile reads them (zipfile's own
    reader of the end records: the zip64 record's figures when it has one)."""
    try:
        end = zipfile._EndRecData(file)  # type: ignore[attr-defined]
    except _ZIP_FAULTS as error:  # a zip64 record that says several disks, or lies
        raise _damaged(path, error) from None
    if not end:
        raise problem(
            words("{path}: a zip without its end record: the file is cut short or damaged.",
                  path=path),
            details=[
                words("It is {size} bytes; a zip's table of contents is at its end.",
                      size=number(size))
            ],
            hint=_DAMAGED_HINT,
        )  # fmt: skip
    directory, location = end[_SIZE], end[_LOCATION]
    if directory > MAX_DIRECTORY:
        raise _too_large(path, tr("the zip's table of contents"), directory, MAX_DIRECTORY)
    # zipfile reads the directory just before the end records, whatever offset they claim.
    start = location - directory
    if end[0] == _END64:
        start -= _END64_SIZES
    if start < 0 or start + directory > size:
        raise problem(
            words(
                "{path}: the zip's table of contents ({count} bytes) would start at byte "
                "{start}, outside the file ({size} bytes).",
                path=path,
                count=number(directory),
                start=number(start),
                size=number(size),
            ),
            hint=_DAMAGED_HINT,
        )
    file.seek(0)
