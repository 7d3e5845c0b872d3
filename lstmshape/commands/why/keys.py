"""load_state_dict's missing and unexpected keys of recurrent layers: what one side has and the
other lacks (a layer, a direction, a projection, biases, nn.DataParallel's ``module.`` prefix),
and the model's argument that loads the checkpoint.
"""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.commands.inspect.weights.names import Name, read_leaf, split_key
from lstmshape.commands.why.find import Found
from lstmshape.commands.why.renames import renamed
from lstmshape.i18n import N_, ntr, tr
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.typography import labelled
from lstmshape.results.cause import Cause
from lstmshape.results.why import Explained


def keys(
    found: Found,
    given: Given,
    others: tuple[str, ...] = (),
    classes: dict[str, str] | None = None,
) -> Explained | None:
    """``Missing key(s) in state_dict: ...`` or ``Unexpected key(s) in state_dict: ...``;
    ``others``: the keys the text lists on the other side. None when no key listed is a
    recurrent layer's parameter: another layer's keys are not why's to explain."""
    missing = found.sentence.id == "missing_keys"
    listed = found.fields["keys"]
    if all(read_leaf(split_key(key)[1]) is None for key in listed):
        return None
    causes = [*_data_parallel(listed, missing, others)]
    if not causes and _bare_of(listed, others):
        # The other side of a DataParallel mismatch: the other sentence's cause says it.
        causes = _data_parallel(tuple(f"module.{key}" for key in listed), not missing, listed)
    model_classes = _model_classes(given, classes or {})
    if not causes:
        causes = renamed(listed, missing, others)
        if causes and causes[0].id == "module_renamed":
            # What the renamed module has on one side only (a direction, a layer) still differs.
            causes += _structure(_unmatched(listed, others), missing, model_classes)
    if not causes:
        causes = _structure(listed, missing, model_classes)
    if not causes:
        causes = [*_nested(given), _absent(listed, missing, others)]
    return Explained(
        sentence=found.sentence.id,
        torch_message=found.message,
        stage="load",
        summary=_keys_summary(len(listed), missing),
        parameter=next((key for key in listed if read_leaf(split_key(key)[1])), listed[0]),
        got=listed,
        causes=tuple(causes),
    )


def _unmatched(listed: tuple[str, ...], others: tuple[str, ...]) -> tuple[str, ...]:
    """The keys of ``listed`` whose parameter name the other side does not list at all."""
    leaves = {split_key(key)[1] for key in others}
    return tuple(key for key in listed if split_key(key)[1] not in leaves)


def _nested(given: Given) -> list[Cause]:
    """The text names a training checkpoint's entries ('epoch', 'netG_state_dict'): the file holds
    the weights as one entry, and load_state_dict was given the whole file."""
    entries = given.evidence.nested
    weights = [key for key in entries if key.endswith("state_dict") and "optim" not in key]
    if not weights or len(entries) < 2:
        return []
    return [
        Cause(
            "state_dict_nested",
            tr(
                "The file is a training checkpoint: {entries} are its entries, and the weights "
                "are one of them; load_state_dict was given the whole file.",
                entries=enumerated(repr(key) for key in entries),
            ),
            f'model.load_state_dict(checkpoint["{weights[0]}"])',
        )
    ]


def _absent(listed: tuple[str, ...], missing: bool, others: tuple[str, ...]) -> Cause:
    """A whole recurrent layer on one side only: another model's checkpoint, when the other side
    lists no recurrent parameter at all; else a checkpoint saved from another version."""
    prefixes = enumerated(
        dict.fromkeys(split_key(k)[0] for k in listed if read_leaf(split_key(k)[1]))
    )
    if others and not any(read_leaf(split_key(key)[1]) for key in others):
        return Cause(
            "other_model",
            tr(
                "The checkpoint holds no recurrent layer where the model has {modules}: it was "
                "saved from another model (its keys are another network's).",
                modules=prefixes,
            ),
            tr("{code}  # what the checkpoint holds", code="lstmshape inspect CHECKPOINT"),
            True,
        )
    side = tr("the checkpoint") if missing else tr("the model")
    return Cause(
        "layer_absent",
        tr(
            "{side} has no parameters for {modules}: saved from another version of the model, or "
            "the weights are nested in the file (checkpoint['state_dict']).",
            side=side,
            modules=prefixes,
        ),
        tr("{code}  # what the checkpoint holds", code="lstmshape inspect CHECKPOINT"),
    )


def _keys_summary(count: int, missing: bool) -> str:
    if missing:
        return ntr(
            "The model has {count} parameter the checkpoint lacks.",
            "The model has {count} parameters the checkpoint lacks.",
            count,
            count=count,
        )
    return ntr(
        "The checkpoint has {count} parameter the model lacks.",
        "The checkpoint has {count} parameters the model lacks.",
        count,
        count=count,
    )


def _data_parallel(listed: tuple[str, ...], missing: bool, others: tuple[str, ...]) -> list[Cause]:
    """The ``module.`` prefix nn.DataParallel (and DistributedDataParallel) puts on every key:
    on the checkpoint's keys (saved wrapped, loaded bare), or on the model's (loaded wrapped)."""
    prefixed = [key for key in listed if key.startswith("module.")]
    if not listed or len(prefixed) != len(listed):
        return []
    bare = {key.removeprefix("module.") for key in listed}
    # The other side, when the text lists it, holds the same keys without the prefix.
    if others and not bare <= set(others):
        return []
    if missing:
        return [
            Cause(
                "data_parallel_model",
                tr(
                    "The model is wrapped in nn.DataParallel (or DistributedDataParallel): its "
                    "keys start with 'module.'; the checkpoint was saved from the bare model."
                ),
                "model.module.load_state_dict(state)",
                True,
            )
        ]
    return [
        Cause(
            "data_parallel_prefix",
            tr(
                "The checkpoint was saved from nn.DataParallel (or DistributedDataParallel): every "
                "key starts with 'module.'."
            ),
            "model.load_state_dict({k.removeprefix('module.'): v for k, v in state.items()})",
            True,
        )
    ]


def _bare_of(listed: tuple[str, ...], others: tuple[str, ...]) -> bool:
    """Whether ``listed`` are ``others`` without their ``module.`` prefix (the other side of a
    DataParallel mismatch)."""
    return bool(others) and {f"module.{key}" for key in listed} <= set(others)


def _model_classes(given: Given, classes: dict[str, str]) -> dict[str, str]:
    """The model's class by module prefix: from the size mismatches of the same text, or the
    class given ("" stands for every prefix)."""
    if given.module is not None:
        return {"": given.module.name, **classes}
    return classes


def _structure(
    listed: tuple[str, ...], missing: bool, classes: dict[str, str] | None = None
) -> list[Cause]:
    """What recurrent keys present on one side only say, module by module: layers, a direction,
    a projection, biases; each fix says the model's argument that loads the checkpoint."""
    modules: dict[str, list[Name]] = {}
    for key in listed:
        prefix, leaf = split_key(key)
        name = read_leaf(leaf)
        if name is not None:
            modules.setdefault(prefix, []).append(name)
    causes = []
    for prefix, names in modules.items():
        where = labelled(prefix, "") if len(modules) > 1 and prefix else ""
        model = (classes or {}).get(prefix) or (classes or {}).get("")
        for argument, text, fix in _differences(names, missing):
            if argument == "proj_size" and not missing and model not in (None, "LSTM"):
                causes.append(_projection_of_an_lstm(where, model or ""))
            else:
                causes.append(Cause(argument, where + text, where + fix, True))
    return causes


def _projection_of_an_lstm(where: str, model: str) -> Cause:
    """weight_hr in the checkpoint, and a model of a class without projections (a GRU, an RNN):
    the checkpoint is an LSTM's; proj_size alone cannot load it."""
    return Cause(
        "lstm_checkpoint",
        where
        + tr(
            "The checkpoint has weight_hr, an LSTM's projection: it was saved from an nn.LSTM "
            "with proj_size; nn.{model} takes no proj_size.",
            model=model,
        ),
        where + tr("{code}, the checkpoint's class", code="nn.LSTM(..., proj_size=P)"),
        True,
    )


# What differs, said from the side that has it: (missing from the checkpoint, unexpected in it).
_DIFFERS = {
    "num_layers": (
        N_("The model has layer {layer} and above; the checkpoint stops before it: num_layers "
           "differs."),
        N_("The checkpoint has layer {layer} and above; the model stops before it: num_layers "
           "differs."),
    ),
    "bidirectional": (
        N_("The model has the backward direction (_reverse); the checkpoint has none: "
           "bidirectional differs."),
        N_("The checkpoint has the backward direction (_reverse); the model has none: "
           "bidirectional differs."),
    ),
    "proj_size": (
        N_("The model has weight_hr, a projection; the checkpoint has none: proj_size differs."),
        N_("The checkpoint has weight_hr, a projection; the model has none: proj_size differs."),
    ),
    "bias": (
        N_("The model has biases; the checkpoint has none: bias differs."),
        N_("The checkpoint has biases; the model has none: bias differs."),
    ),
}  # fmt: skip


def _differs(argument: str, missing: bool, **fields: object) -> str:
    return tr(_DIFFERS[argument][0 if missing else 1], **fields)  # i18n: extracted where made


def _differences(names: list[Name], missing: bool) -> list[tuple[str, str, str]]:
    """(argument, what differs, the model's fix) for one module's keys on one side only. Missing
    keys are the model's (the checkpoint lacks them); unexpected ones the checkpoint's."""
    found = []
    # A listed weight_ih is a whole direction of a layer one side lacks; what it brings (its
    # biases, its projection) says nothing of bias or proj_size.
    whole = {(n.layer, n.reverse) for n in names if n.stem == "weight_ih"}
    layers = sorted({layer for layer, reverse in whole if not reverse and layer is not None})
    if layers and layers[0] > 0:
        # The side with more layers has layers[0].. of them; the other stops at layers[0].
        saved = layers[0] if missing else layers[-1] + 1
        found.append(
            ("num_layers", _differs("num_layers", missing, layer=layers[0]), f"num_layers={saved}")
        )
    if any(reverse and (layer not in layers) for layer, reverse in whole):
        found.append(
            (
                "bidirectional",
                _differs("bidirectional", missing),
                "bidirectional=False" if missing else "bidirectional=True",
            )
        )
    partial = [n for n in names if (n.layer, n.reverse) not in whole]
    if any(n.stem == "weight_hr" for n in partial):
        found.append(
            (
                "proj_size",
                _differs("proj_size", missing),
                "proj_size=0"
                if missing
                else tr(
                    "{code}, where P is the rows of the checkpoint's weight_hr_l0 ({command} "
                    "tells it)",
                    code="proj_size=P",
                    command="lstmshape inspect CHECKPOINT",
                ),
            )
        )
    if any(n.stem.startswith("bias") for n in partial):
        found.append(("bias", _differs("bias", missing), "bias=False" if missing else "bias=True"))
    return found
