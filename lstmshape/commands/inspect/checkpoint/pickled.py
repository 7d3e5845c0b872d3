"""A torch.save pickle, read safely, as :class:`Contents`: shared by the zip and the legacy format."""

from __future__ import annotations

from typing import IO

from lstmshape.commands.inspect.checkpoint.budget import OverBudget
from lstmshape.commands.inspect.checkpoint.contents import Contents, StateDict, StoredTensor
from lstmshape.commands.inspect.checkpoint.dtypes import ITEMSIZE
from lstmshape.commands.inspect.checkpoint.files import (
    MAX_HEADER,
    MIB,
    TooLarge,
    first_five,
    problem,
)
from lstmshape.commands.inspect.checkpoint.hyper import hyper_parameters
from lstmshape.commands.inspect.checkpoint.records import Inert, TensorRecord
from lstmshape.commands.inspect.checkpoint.unpickler import PICKLE_FAULTS, SafeUnpickler
from lstmshape.commands.inspect.checkpoint.walk import Walked, walk
from lstmshape.errors import CheckpointError
from lstmshape.i18n import N_, ntr, tr
from lstmshape.i18n.numbers import enumerated, number
from lstmshape.i18n.words import Text, Words, nwords, words


def load_pickle(path: str, unpickler: SafeUnpickler, what: str) -> object:
    """One pickle of the file, read by ``unpickler``; a damaged or oversized one is refused.
    ``what`` names the pickle in a sentence (``the first pickle``, or a file in a zip)."""
    try:
        return unpickler.load()
    except TooLarge:
        raise problem(
            words(
                "{path}: {what} is larger than the {limit} MiB lstmshape reads of a header.",
                path=path,
                what=what,
                limit=MAX_HEADER // MIB,
            ),
            details=[NOT_A_STATE_DICT],
        ) from None
    except OverBudget as error:
        raise over_budget(path, what, error) from None
    except PICKLE_FAULTS as error:
        raise damaged(path, what, error, unpickler) from None


# What each limit of the budget counts, said after "more than {limit}".
_BUDGETED = {
    "opcodes": N_("{path}: {what} takes more than {limit} opcodes to read."),
    "objects": N_("{path}: {what} builds more than {limit} objects."),
    "depth": N_("{path}: {what} nests containers more than {limit} deep."),
    "spread": N_(
        "{path}: {what} builds a tuple of more than {limit} elements, counting the ones it "
        "holds several times."
    ),
    "hashed": N_("{path}: {what} hashes more than {limit} elements in its keys."),
    "globals": N_("{path}: {what} names more than {limit} different globals."),
    "integer": N_("{path}: {what} holds an integer of more than {limit} bytes."),
}


def over_budget(path: str, what: str, error: OverBudget) -> CheckpointError:
    """The error for a pickle that asks for more than lstmshape builds of one: no checkpoint does."""
    return problem(
        words(
            _BUDGETED[error.what], path=path, what=what, limit=number(error.limit)
        ),  # i18n: extracted where made
        details=[
            words(
                "No torch checkpoint comes near this limit; lstmshape stopped reading there "
                "rather than let the file set its time and memory."
            )
        ],
        hint=words(
            "Try the file as torch.save wrote it; if it is one, please report it with the "
            "limit it met."
        ),
    )


NOT_A_STATE_DICT = words("A state_dict's pickle takes about 150 bytes a tensor: this is not one.")


def names_refused(refused: list[tuple[str, str]]) -> Words:
    """``It names os.system; none of them ran.``"""
    return words("It names {names}; none of them ran.", names=_names(refused))


def damaged(
    path: str, what: str, error: BaseException, unpickler: SafeUnpickler
) -> CheckpointError:
    """The error for a pickle that stops making sense (cut short, edited, not torch's)."""
    # The unpickler's own words (Python's pickle, or lstmshape's records): quoted as they are.
    reason = str(error) or type(error).__name__
    details: list[Text] = [words("The unpickler stopped at: {reason}.", reason=reason)]
    if unpickler.refused:
        details.append(names_refused(unpickler.refused))
    return problem(
        words(
            "{path}: {what} is damaged or not torch's: it cannot be read to the end.",
            path=path,
            what=what,
        ),
        details=details,
        hint=words(
            "Try saving the checkpoint again; a copy cut short (an interrupted download) ends "
            "this way."
        ),
    )


def _names(refused: list[tuple[str, str]]) -> str:
    return enumerated(f"{module}.{name}" for module, name in refused)


def tensor_of(key: str, record: TensorRecord) -> StoredTensor:
    """What the contents keep of a tensor record: its name, shape, dtype and size in bytes."""
    return StoredTensor(key, record.shape, record.dtype, record.numel * ITEMSIZE[record.dtype])


def contents_of(
    path: str, fmt: str, root: object, walked: Walked, unpickler: SafeUnpickler
) -> Contents:
    """The contents of a pickle's ``root``: refused if it holds no tensor at all."""
    if not walked.state_dicts and not walked.loose:
        raise problem(
            words(
                "{path}: not a state_dict: the pickle holds {holds}, and no tensor.",
                path=path,
                holds=_described(root),
            ),
            details=[names_refused(unpickler.refused)] if unpickler.refused else [],
            hint=words(
                "Try the file of {save}, or of a training checkpoint that holds one ({example}).",
                save="torch.save(model.state_dict(), PATH)",
                example='{"model": model.state_dict(), ...}',
            ),
        )
    return Contents(
        path,
        fmt,
        tuple(
            StateDict(
                where,
                tuple(tensor_of(key, record) for key, record in tensors),
                walked.modules.get(where),
            )
            for where, tensors in walked.state_dicts
        ),
        loose=len(walked.loose),
        refused=tuple(f"{module}.{name}" for module, name in unpickler.refused),
        torch_says=unpickler.torch_says,
        hyper_parameters=hyper_parameters(root),
    )


def _described(root: object) -> str:
    if isinstance(root, Inert):
        return tr("an object of {name}", name=root.global_name)
    if isinstance(root, dict):
        if not root:
            return tr("an empty dict")
        keys = ", ".join(repr(k) for k in list(root)[:5]) + (", ..." if len(root) > 5 else "")
        return ntr(
            "a dict of {count} entry ({keys})",
            "a dict of {count} entries ({keys})",
            len(root),
            count=number(len(root)),
            keys=keys,
        )
    kind = type(root).__name__
    if isinstance(root, (list, tuple, set)):
        return ntr(
            "a {type} of {count} item",
            "a {type} of {count} items",
            len(root),
            type=kind,
            count=number(len(root)),
        )
    return tr("a {type}", type=kind)


def read_pickle(
    path: str, fmt: str, file: IO[bytes], what: str, unpickler: SafeUnpickler | None = None
) -> tuple[Contents, Walked, SafeUnpickler]:
    """One pickle of state_dicts read from ``file`` (by ``unpickler``, if given): its contents, its
    walk (for the storage checks of each format) and the unpickler (the globals it refused)."""
    unpickler = SafeUnpickler(file) if unpickler is None else unpickler
    root = load_pickle(path, unpickler, what)
    walked = walk(root)
    return contents_of(path, fmt, root, walked, unpickler), walked, unpickler


def storage_problems(
    walked: Walked, available: dict[str, int], where: str, *, exact: bool = False
) -> list[Words]:
    """Tensors whose data the file lacks: a storage missing, or shorter than its tensors need.
    ``available`` holds each storage key's bytes in the file; ``where`` names a key's place.
    ``exact``: a record of any other size than its storage's is refused (torch.save's zip: torch
    checks each record's size)."""
    problems: list[Words] = []
    told: set[str] = set()
    for name, record in walked.records():
        storage = record.storage
        if storage is None or storage.key in told:
            continue
        has = available.get(storage.key)
        start = storage.view_offset * ITEMSIZE[storage.dtype]
        place, nbytes = where.format(key=storage.key), number(storage.nbytes)
        if has is None:
            problems.append(
                words("{name}: its data ({place}) is not in the file", name=name, place=place)
            )
        elif has < storage.nbytes:
            problems.append(
                words(
                    "{name}: {place} holds {has} bytes of the {nbytes} its storage has",
                    name=name,
                    place=place,
                    has=number(has),
                    nbytes=nbytes,
                )
            )
        elif exact and has != storage.nbytes:
            problems.append(
                words(
                    "{name}: {place} holds {has} bytes, but its storage has {nbytes}: torch.load "
                    "refuses a record of another size",
                    name=name,
                    place=place,
                    has=number(has),
                    nbytes=nbytes,
                )
            )
        elif start + record.bytes_needed() > storage.nbytes:
            problems.append(
                words(
                    "{name}: its shape {shape} reaches past the end of its storage ({nbytes} "
                    "bytes)",
                    name=name,
                    shape=str(record.shape),
                    nbytes=nbytes,
                )
            )
        else:
            continue
        told.add(storage.key)
    return problems


def refuse_damaged(path: str, problems: list[Words]) -> None:
    """Refuse a file whose tensors' data is missing: torch.load fails on it too."""
    if not problems:
        return
    count = number(len(problems))
    raise problem(
        nwords(
            "{path}: the file lacks the data of {count} tensor storage: it is cut short or "
            "damaged.",
            "{path}: the file lacks the data of {count} tensor storages: it is cut short or "
            "damaged.",
            len(problems),
            path=path,
            count=count,
        ),
        details=first_five(problems),
        hint=words(
            "Try saving the checkpoint again, or copying it whole (an interrupted download ends "
            "this way)."
        ),
    )
