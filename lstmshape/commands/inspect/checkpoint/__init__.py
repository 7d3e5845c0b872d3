"""Readers of checkpoint files: torch.save's zip and legacy formats, and safetensors.

:func:`read_checkpoint` takes only the tensors' names, shapes and dtypes out of a file, never their
data, and never runs what a pickle names (:mod:`lstmshape.commands.inspect.checkpoint.unpickler`). torch is never
imported. Every fault of the file is a :class:`~lstmshape.errors.CheckpointError` naming it.
"""

from __future__ import annotations

import os

from lstmshape.commands.inspect.checkpoint.contents import (
    Contents,
    StateDict,
    StoredTensor,
)
from lstmshape.commands.inspect.checkpoint.files import detect, open_checkpoint
from lstmshape.reading.faults import reading


def read_checkpoint(path: str | os.PathLike[str]) -> Contents:
    """Every state_dict in the checkpoint at ``path``, with each tensor's name, shape and dtype.
    ``path`` may be a sharded checkpoint's index (``model.safetensors.index.json``) or directory:
    its shards are read one by one, as one checkpoint."""
    shown = os.fspath(path)
    from lstmshape.commands.inspect.checkpoint.shards import is_sharded, read_sharded

    if is_sharded(shown):
        return read_sharded(shown, _read_file)
    return _read_file(shown)


def _read_file(shown: str) -> Contents:
    file, size = open_checkpoint(shown)
    with file, reading(shown, subject="checkpoint"):
        fmt = detect(shown, file, size)
        if fmt == "torch-zip":
            from lstmshape.commands.inspect.checkpoint.torchzip import read_zip

            return read_zip(shown, file, size)
        if fmt == "torch-legacy":
            from lstmshape.commands.inspect.checkpoint.legacy import read_legacy

            return read_legacy(shown, file, size)
        from lstmshape.commands.inspect.checkpoint.safetensors import read_safetensors

        return read_safetensors(shown, file, size)


__all__ = ["Contents", "StateDict", "StoredTensor", "read_checkpoint"]
