"""Sharded checkpoints: large models are saved in several files, with an index
(``model.safetensors.index.json``, ``pytorch_model.bin.index.json``: ``{"weight_map": {key: shard}}``)
or as a directory of shards. They are read as one checkpoint, shard by shard: only each shard's
header (safetensors) or pickle (torch.save) is read, so memory stays flat in the model's size.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from lstmshape.commands.inspect.checkpoint.contents import Contents, StateDict, StoredTensor
from lstmshape.commands.inspect.checkpoint.files import (
    MAX_HEADER,
    MIB,
    first_five,
    missing,
    problem,
    unreadable,
)
from lstmshape.i18n.numbers import enumerated, number
from lstmshape.i18n.words import Words, nwords, verbatim, words

INDEX_SUFFIX = ".index.json"
# The shard files a directory may hold, in the order looked for: safetensors first, as
# transformers' save_pretrained writes them by default.
SHARD_SUFFIXES = ((".safetensors",), (".bin", ".pt", ".pth"))

Reader = Callable[[str], Contents]


def is_sharded(path: str) -> bool:
    """Whether ``path`` names a sharded checkpoint: an index file, or a directory."""
    return path.endswith(INDEX_SUFFIX) or os.path.isdir(path)


def read_sharded(path: str, read_one: Reader) -> Contents:
    """Every shard of the checkpoint at ``path`` (an index, or a directory of shards, with or
    without an index), read by ``read_one`` and joined into one checkpoint."""
    index = _index_in(path) if os.path.isdir(path) else path
    if index is not None:
        folder = os.path.dirname(index)
        weight_map = _weight_map(index)
        names = list(dict.fromkeys(weight_map.values()))
        shards = [os.path.join(folder, name) for name in names]
        _refuse_missing(index, shards)
    else:
        weight_map, shards = None, _shards_in(path)
    joined = _joined(path, [read_one(shard) for shard in shards])
    if weight_map is not None:
        _check_weight_map(index or path, weight_map, joined, shards)
    return joined


def _listing(folder: str) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError as error:
        raise unreadable(folder, error) from None


def _index_in(folder: str) -> str | None:
    found = [name for name in _listing(folder) if name.endswith(INDEX_SUFFIX)]
    return os.path.join(folder, found[0]) if found else None


def _shards_in(folder: str) -> list[str]:
    names = _listing(folder)
    for suffixes in SHARD_SUFFIXES:
        found = [
            os.path.join(folder, n)
            for n in names
            if n.endswith(suffixes) and os.path.isfile(os.path.join(folder, n))
        ]
        if found:
            return found
    raise problem(
        words("{path}: a directory, not a checkpoint file.", path=folder),
        details=[
            words(
                "It holds no index ({index}) and no shard ({suffixes}).",
                index="*" + INDEX_SUFFIX,
                suffixes=enumerated(s for group in SHARD_SUFFIXES for s in group),
            )
        ],
        hint=words("Try a checkpoint file, or the directory of a sharded checkpoint."),
    )


def _weight_map(index: str) -> dict[str, str]:
    """The index's ``weight_map``: each key and the file of the shard that holds it."""
    try:
        size = os.path.getsize(index)
        if size > MAX_HEADER:
            raise problem(
                words(
                    "{path}: the index is {size} bytes: more than the {limit} MiB lstmshape "
                    "reads of a header.",
                    path=index,
                    size=number(size),
                    limit=MAX_HEADER // MIB,
                )
            )
        with open(index, "rb") as file:
            data = json.loads(file.read(MAX_HEADER).decode("utf-8"))
    except FileNotFoundError:
        raise missing(index) from None
    except OSError as error:
        raise unreadable(index, error) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _bad_index(index, words("It is not JSON: {reason}.", reason=str(error))) from None
    weight_map = data.get("weight_map") if isinstance(data, dict) else None
    if not isinstance(weight_map, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and _plain_name(v) for k, v in weight_map.items()
    ):
        raise _bad_index(
            index,
            words(
                "It has no {weight_map} of keys to shard files in its folder.",
                weight_map="weight_map",
            ),
        )
    return weight_map


def _plain_name(name: str) -> bool:
    """A shard's file name, in the index's folder: never a path that leaves it."""
    return bool(name) and os.path.basename(name) == name and name not in (".", "..")


def _bad_index(index: str, why: Words) -> Exception:
    return problem(
        words("{path}: not a sharded checkpoint's index.", path=index),
        details=[why],
        hint=words(
            "Try the index {save} writes ({name}), or one of the shards.",
            save="save_pretrained",
            name="model.safetensors.index.json",
        ),
    )


def _refuse_missing(index: str, shards: list[str]) -> None:
    missing = [shard for shard in shards if not os.path.isfile(shard)]
    if missing:
        raise problem(
            nwords(
                "{path}: the index names {count} shard file that is not beside it.",
                "{path}: the index names {count} shard files that are not beside it.",
                len(missing),
                path=index,
                count=number(len(missing)),
            ),
            details=first_five([verbatim(os.path.basename(m)) for m in missing]),
            hint=words("Try downloading every shard the index names into its folder."),
        )


def _joined(path: str, parts: list[Contents]) -> Contents:
    """The shards' state_dicts as one: the tensors of each state_dict place, in shard order."""
    tensors: dict[tuple[str | int, ...], list[StoredTensor]] = {}
    for part in parts:
        for state_dict in part.state_dicts:
            tensors.setdefault(state_dict.path, []).extend(state_dict.tensors)
    refused = tuple(dict.fromkeys(name for part in parts for name in part.refused))
    return Contents(
        path,
        parts[0].format,
        tuple(StateDict(where, tuple(found)) for where, found in tensors.items()),
        loose=sum(part.loose for part in parts),
        refused=refused,
        torch_says=next((part.torch_says for part in parts if part.torch_says), None),
        shards=tuple(part.path for part in parts),
    )


def _check_weight_map(
    index: str, weight_map: dict[str, str], joined: Contents, shards: list[str]
) -> None:
    """Refuse an index whose keys the shards do not hold: loading it fails on them."""
    held = {tensor.key for state_dict in joined.state_dicts for tensor in state_dict.tensors}
    missing = [key for key in weight_map if key not in held]
    if missing:
        raise problem(
            nwords(
                "{path}: the index names {count} key that no shard holds.",
                "{path}: the index names {count} keys that no shard holds.",
                len(missing),
                path=index,
                count=number(len(missing)),
            ),
            details=first_five(
                [words("{key} (in {shard})", key=k, shard=weight_map[k]) for k in missing]
            ),
            hint=words("Try downloading the shards again: one of them is not the index's."),
        )
