"""A checkpoint file -> its recurrent modules: the readers' tensors handed to the pure core
(:func:`lstmshape.commands.inspect.weights.find_modules`), state_dict by state_dict."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from lstmshape.commands.inspect.checkpoint import read_checkpoint
from lstmshape.commands.inspect.checkpoint.contents import (
    Contents,
    Scalar,
    StateDict,
    StoredTensor,
)
from lstmshape.commands.inspect.checkpoint.walk import CLASS
from lstmshape.commands.inspect.weights import find_modules
from lstmshape.errors import CheckpointError, InvalidModuleError
from lstmshape.i18n import speaking
from lstmshape.i18n.words import Words, words
from lstmshape.reading.python_values import lang_argument, path_of
from lstmshape.results.checkpoint_words import where
from lstmshape.results.inspection import (
    CheckpointGroup,
    CheckpointModule,
    Inspection,
    KeySet,
    StoredParameter,
    prefixed,
)
from lstmshape.results.weights import FoundModule, weight_arguments
from lstmshape.torchfacts.spec import ModuleSpec

# Names of other tensors kept for the views: they list a few, JSON counts them.
_OTHER_NAMES = 8


def inspect_checkpoint(path: str | os.PathLike[str], *, lang: str | None = None) -> Inspection:
    """Which recurrent modules the checkpoint at ``path`` holds, read safely and without torch.

    Reads torch.save's zip and legacy formats (a state_dict, or a dict holding some, or a pickled
    model) and safetensors, taking only names, shapes and dtypes; nothing the file names runs.
    ``path`` may also be a sharded checkpoint's index (``model.safetensors.index.json``) or
    directory: its shards are read as one checkpoint (``shards``). Each module is returned with
    its constructor arguments, checked against the parameters torch registers for them; a pickled
    model's modules with batch_first, dropout and nonlinearity too, as their attributes hold them
    (``from_file``). A Lightning checkpoint's ``hyper_parameters`` are kept, and darts'
    ``PATH.ckpt`` beside the file named (``weights_beside``). Raises :class:`~lstmshape.errors.CheckpointError` for a file it cannot
    read; globals outside torch's weights_only allowlist are in ``unsafe`` (and ``failures()``).
    ``lang`` (``"ja"``, ``"fr"``, ``"es"``, ``"en"``) is the language of the inspection's text and
    of the errors; by default LSTMSHAPE_LANG's, else the locale's, else English.
    """
    with speaking(lang_argument(lang)):
        shown = path_of(path, "inspect_checkpoint", "inspect_checkpoint('model.pt')")
        beside = weights_beside(shown)
        try:
            contents = read_checkpoint(shown)
        except CheckpointError as error:
            if beside is None:
                raise
            raise error.with_words(hint=_beside_hint(beside)) from None
        return replace(inspection_of(contents), weights_beside=beside)


def weights_beside(path: str) -> str | None:
    """``PATH.ckpt``, if it is a file: darts' ``model.save(PATH)`` writes the forecasting model's
    pickle at PATH and the Lightning checkpoint, with the weights, at PATH.ckpt."""
    beside = path + ".ckpt"
    return beside if not path.endswith(".ckpt") and os.path.isfile(beside) else None


def _beside_hint(beside: str) -> Words:
    return words(
        "Try {beside}: darts' {save} keeps the weights there, beside the model's pickle.",
        beside=beside,
        save="model.save(PATH)",
    )


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
        hyper_parameters=contents.hyper_parameters,
        shards=contents.shards,
        key_sets=tuple(
            KeySet(sd.path, sd.source(), tuple(t.key for t in sd.tensors))
            for sd in contents.state_dicts
        ),
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
    spec, from_file, saved_as = _with_saved_arguments(found, state_dict.arguments)
    return CheckpointModule(
        found.name,
        state_dict.path,
        spec,
        tuple(parameters),
        found.not_in_weights,
        from_file=from_file,
        saved_as=saved_as,
    )


def _with_saved_arguments(
    found: FoundModule, arguments: dict[str, dict[str, Scalar]] | None
) -> tuple[ModuleSpec, tuple[str, ...], str | None]:
    """The module's spec with the arguments its weights cannot tell (batch_first, dropout,
    nonlinearity) as the pickled module holds them, the names of those taken from the file, and
    the class the pickle names. Only a module whose attributes agree with its weights on every
    argument the weights tell is read so: attributes edited after construction are not trusted."""
    saved = (arguments or {}).get(found.name)
    if saved is None:
        return found.spec, (), None
    told = weight_arguments(found.spec)
    if any(name in saved and saved[name] != value for name, value in told.items()):
        return found.spec, (), None
    read: dict[str, Any] = {
        name: saved[name]
        for name in found.not_in_weights
        if name in saved and type(saved[name]) is type(getattr(found.spec, name))
    }
    try:
        spec = replace(found.spec, **read)
    except InvalidModuleError:
        return found.spec, (), None
    saved_as = saved.get(CLASS)
    return spec, tuple(read), saved_as if isinstance(saved_as, str) else None
