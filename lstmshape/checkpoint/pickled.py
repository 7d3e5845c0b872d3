"""A torch.save pickle, read safely, as :class:`Contents`: shared by the zip and the legacy format."""

from __future__ import annotations

from typing import IO

from lstmshape.checkpoint.contents import Contents, StateDict, StoredTensor
from lstmshape.checkpoint.dtypes import ITEMSIZE
from lstmshape.checkpoint.files import MAX_HEADER, MIB, TooLarge, problem
from lstmshape.checkpoint.records import Inert, TensorRecord
from lstmshape.checkpoint.unpickler import PICKLE_FAULTS, SafeUnpickler
from lstmshape.checkpoint.walk import Walked, walk
from lstmshape.errors import CheckpointError


def load_pickle(path: str, unpickler: SafeUnpickler, what: str) -> object:
    """One pickle of the file, read by ``unpickler``; a damaged or oversized one is refused."""
    try:
        return unpickler.load()
    except TooLarge:
        raise problem(
            path,
            f"{what} is larger than the {MAX_HEADER // MIB} MiB lstmshape reads of a header.",
            details=["A state_dict's pickle takes about 150 bytes a tensor: this is not one."],
        ) from None
    except PICKLE_FAULTS as error:
        raise damaged(path, what, error, unpickler) from None


def damaged(
    path: str, what: str, error: BaseException, unpickler: SafeUnpickler
) -> CheckpointError:
    """The error for a pickle that stops making sense (cut short, edited, not torch's)."""
    reason = str(error) or type(error).__name__
    details = [f"The unpickler stopped at: {reason}."]
    if unpickler.refused:
        details.append(f"It names {_names(unpickler.refused)}; none of them ran.")
    return problem(
        path,
        f"{what} is damaged or not torch's: it cannot be read to the end.",
        details=details,
        hint="Try saving the checkpoint again; a copy cut short (an interrupted download) ends "
        "this way.",
    )


def _names(refused: list[tuple[str, str]]) -> str:
    return ", ".join(f"{module}.{name}" for module, name in refused)


def tensor_of(key: str, record: TensorRecord) -> StoredTensor:
    """What the contents keep of a tensor record: its name, shape, dtype and size in bytes."""
    return StoredTensor(key, record.shape, record.dtype, record.numel * ITEMSIZE[record.dtype])


def contents_of(
    path: str, fmt: str, root: object, walked: Walked, unpickler: SafeUnpickler
) -> Contents:
    """The contents of a pickle's ``root``: refused if it holds no tensor at all."""
    if not walked.state_dicts and not walked.loose:
        raise problem(
            path,
            f"not a state_dict: the pickle holds {_described(root)}, and no tensor.",
            details=[f"It names {_names(unpickler.refused)}; none of them ran."]
            if unpickler.refused
            else [],
            hint="Try the file of torch.save(model.state_dict(), PATH), or of a training "
            'checkpoint that holds one ({"model": model.state_dict(), ...}).',
        )
    return Contents(
        path,
        fmt,
        tuple(
            StateDict(where, tuple(tensor_of(key, record) for key, record in tensors))
            for where, tensors in walked.state_dicts
        ),
        loose=len(walked.loose),
        refused=tuple(f"{module}.{name}" for module, name in unpickler.refused),
        torch_says=unpickler.torch_says,
    )


def _described(root: object) -> str:
    if isinstance(root, Inert):
        return f"an object of {root.global_name}"
    if isinstance(root, dict):
        keys = ", ".join(repr(k) for k in list(root)[:5])
        more = ", ..." if len(root) > 5 else ""
        return (
            f"a dict of {len(root):,} entr{'y' if len(root) == 1 else 'ies'} ({keys}{more})"
            if root
            else "an empty dict"
        )
    if isinstance(root, (list, tuple, set)):
        return f"a {type(root).__name__} of {len(root):,} item{'' if len(root) == 1 else 's'}"
    return f"a {type(root).__name__}"


def read_pickle(
    path: str, fmt: str, file: IO[bytes], what: str
) -> tuple[Contents, Walked, SafeUnpickler]:
    """One pickle of state_dicts read from ``file``: its contents, its walk (for the storage checks
    of each format) and the unpickler (the globals it refused)."""
    unpickler = SafeUnpickler(file)
    root = load_pickle(path, unpickler, what)
    walked = walk(root)
    return contents_of(path, fmt, root, walked, unpickler), walked, unpickler


def storage_problems(walked: Walked, available: dict[str, int], where: str) -> list[str]:
    """Tensors whose data the file lacks: a storage missing, or shorter than its tensors need.
    ``available`` holds each storage key's bytes in the file; ``where`` names a key's place."""
    problems: list[str] = []
    told: set[str] = set()
    for name, record in walked.records():
        storage = record.storage
        if storage is None or storage.key in told:
            continue
        has = available.get(storage.key)
        start = storage.view_offset * ITEMSIZE[storage.dtype]
        if has is None:
            problems.append(
                f"{name}: its data ({where.format(key=storage.key)}) is not in the file"
            )
        elif has < storage.nbytes:
            problems.append(
                f"{name}: {where.format(key=storage.key)} holds {has:,} bytes of the "
                f"{storage.nbytes:,} its storage has"
            )
        elif start + record.bytes_needed() > storage.nbytes:
            problems.append(
                f"{name}: its shape {record.shape} reaches past the end of its storage "
                f"({storage.nbytes:,} bytes)"
            )
        else:
            continue
        told.add(storage.key)
    return problems


def refuse_damaged(path: str, problems: list[str]) -> None:
    """Refuse a file whose tensors' data is missing: torch.load fails on it too."""
    if not problems:
        return
    shown = problems[:5]
    if len(problems) > 5:
        shown.append(f"and {len(problems) - 5:,} more")
    raise problem(
        path,
        f"the file lacks the data of {len(problems):,} tensor storage{'s' if len(problems) > 1 else ''}: "
        "it is cut short or damaged.",
        details=shown,
        hint="Try saving the checkpoint again, or copying it whole (an interrupted download ends "
        "this way).",
    )
