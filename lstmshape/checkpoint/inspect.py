"""A checkpoint file -> its recurrent modules: the readers' tensors handed to the pure core
(:func:`lstmshape.weights.find_modules`), state_dict by state_dict."""

from __future__ import annotations

import os

from lstmshape.checkpoint import read_checkpoint
from lstmshape.checkpoint.contents import Contents, StateDict, StoredTensor, where
from lstmshape.i18n import lang_argument, speaking
from lstmshape.model.inspection import (
    CheckpointGroup,
    CheckpointModule,
    Inspection,
    StoredParameter,
    prefixed,
)
from lstmshape.model.weights import FoundModule
from lstmshape.reading import path_of
from lstmshape.weights import find_modules

# Names of other tensors kept for the views: they list a few, JSON counts them.
_OTHER_NAMES = 8


def inspect_checkpoint(path: str | os.PathLike[str], *, lang: str | None = None) -> Inspection:
    """Which recurrent modules the checkpoint at ``path`` holds, read safely and without torch.

    Reads torch.save's zip and legacy formats (a state_dict, or a dict holding some, or a pickled
    model) and safetensors, taking only names, shapes and dtypes; nothing the file names runs.
    Each module is returned with its constructor arguments, checked against the parameters torch
    registers for them. Raises :class:`~lstmshape.errors.CheckpointError` for a file it cannot
    read; globals outside torch's weights_only allowlist are in ``unsafe`` (and ``failures()``).
    ``lang`` (``"ja"``, ``"fr"``, ``"es"``, ``"en"``) is the language of the inspection's text and
    of the errors; by default LSTMSHAPE_LANG's, else the locale's, else English.
    """
    with speaking(lang_argument(lang)):
        shown = path_of(path, "inspect_checkpoint", "inspect_checkpoint('model.pt')")
        return inspection_of(read_checkpoint(shown))


def inspection_of(contents: Contents) -> Inspection:
    """The modules of each state_dict of ``contents``, and what is left over."""
    modules: list[CheckpointModule] = []
    groups: list[CheckpointGroup] = []
    other_names: list[str] = []
    others = contents.loose
    for state_dict in contents.state_dicts:
        by_key = {tensor.key: tensor for tensor in state_dict.tensors}
        findings = find_modules({tensor.key: tensor.shape for tensor in state_dict.tensors})
        modules += [_module(state_dict, found, by_key) for found in findings.modules]
        for group in findings.inconsistent:
            dtypes = tuple(by_key[prefixed(group.name, leaf)].dtype for leaf, _ in group.shapes)
            groups.append(CheckpointGroup(state_dict.path, group, dtypes))
        others += len(findings.others)
        other_names += [
            key if len(contents.state_dicts) == 1 else where((*state_dict.path, key))
            for key in findings.others[:_OTHER_NAMES]
        ]
    return Inspection(
        path=contents.path,
        format=contents.format,
        modules=tuple(modules),
        inconsistent=tuple(groups),
        other_tensors=others,
        other_names=tuple(other_names[:_OTHER_NAMES]),
        tensors=contents.tensors,
        unsafe=contents.refused,
        torch_says=contents.torch_says,
    )


def _module(
    state_dict: StateDict, found: FoundModule, by_key: dict[str, StoredTensor]
) -> CheckpointModule:
    parameters = []
    for parameter in found.spec.parameters():
        stored = by_key[prefixed(found.name, parameter.name)]
        parameters.append(
            StoredParameter(
                parameter.name,
                stored.shape,
                stored.dtype,
                stored.nbytes,
                parameter.rows,
                parameter.layer,
            )
        )
    return CheckpointModule(
        found.name, state_dict.path, found.spec, tuple(parameters), found.not_in_weights
    )
