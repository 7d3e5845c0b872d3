"""load_state_dict's reports about recurrent parameters: the checkpoint's configuration and the
model's, side by side as constructor calls, and the argument that differs.

``size mismatch for lstm.weight_ih_l0: copying a param with shape torch.Size([1024, 300]) from
checkpoint, the shape in current model is torch.Size([512, 300])`` tells G*H_cell on each side; all
the mismatches of one module in the text are read together, through the same inference as
``lstmshape inspect`` (lstmshape.weights), and every reading is checked by building its module.
"""

from __future__ import annotations

from typing import Any

from lstmshape.errors import LstmShapeError
from lstmshape.i18n import N_, tr
from lstmshape.kinds import ModuleKind
from lstmshape.model.weights import Reading
from lstmshape.model.why import Axis, Cause, Explained
from lstmshape.torch_errors.find import Found
from lstmshape.torch_errors.given import Given
from lstmshape.weights.names import Name, read_leaf, split_key
from lstmshape.weights.partial import consistent_configs

Shape = tuple[int, ...]


def size_mismatches(found: list[Found], given: Given) -> list[Explained]:
    """The ``size mismatch for ...`` lines, one explanation per module: its first line's axes, every
    line's shapes, and the two configurations the lines together tell."""
    by_module: dict[str, list[Found]] = {}
    for item in found:
        by_module.setdefault(split_key(item.fields["parameter"])[0], []).append(item)
    explained = []
    for items in by_module.values():
        # The class given is the model's; the checkpoint may hold another.
        checkpoint = _readings({i.fields["parameter"]: i.fields["checkpoint"] for i in items}, None)
        model = _readings({i.fields["parameter"]: i.fields["model"] for i in items}, given.module)
        explained.append(_mismatch(items, _pair(checkpoint, model), checkpoint, model))
    return explained


def _readings(shapes: dict[str, Shape], module: ModuleKind | None) -> tuple[Reading, ...]:
    if any(read_leaf(split_key(key)[1]) is None for key in shapes):
        return ()  # not a recurrent module's parameter
    try:
        return consistent_configs(shapes, module)
    except LstmShapeError:
        return ()


def _pair(
    checkpoint: tuple[Reading, ...], model: tuple[Reading, ...]
) -> tuple[Reading, Reading] | None:
    """The first class both sides can be (LSTM before GRU before RNN, as the readings come)."""
    for ours in checkpoint:
        theirs = next((r for r in model if r.kind is ours.kind), None)
        if theirs is not None:
            return ours, theirs
    return None


def _mismatch(
    found: list[Found],
    pair: tuple[Reading, Reading] | None,
    checkpoint: tuple[Reading, ...],
    model: tuple[Reading, ...],
) -> Explained:
    first = found[0]
    key = first.fields["parameter"]
    saved, built = first.fields["checkpoint"], first.fields["model"]
    axes = tuple(
        Axis(symbol, b, s) for symbol, b, s in zip(_symbols(key, pair), built, saved, strict=False)
    )
    return Explained(
        sentence=first.sentence.id,
        torch_message=first.message,
        stage="load",
        summary=_mismatch_summary(found, key, saved, built),
        parameter=key,
        expected=built,
        got=saved,
        formula=_formula(key, pair),
        axes=axes,
        causes=_causes(pair, checkpoint, model),
        checkpoint=_config(pair[0]) if pair else _first(checkpoint),
        model=_config(pair[1]) if pair else _first(model),
        mismatches=tuple(
            (f.fields["parameter"], f.fields["checkpoint"], f.fields["model"]) for f in found
        ),
    )


def _mismatch_summary(found: list[Found], key: str, saved: Shape, built: Shape) -> str:
    if len(found) == 1:
        return tr(
            "The checkpoint's {key} is {saved}; the model's is {built}: the model was built with "
            "other arguments than the checkpoint was saved from.",
            key=key,
            saved=saved,
            built=built,
        )
    prefix = split_key(key)[0]
    if not prefix:
        return tr(
            "{count} parameters of the model have other shapes in the checkpoint: the model was "
            "built with other arguments than the checkpoint was saved from.",
            count=len(found),
        )
    return tr(
        "{count} parameters of {prefix} have other shapes in the checkpoint: the model was built "
        "with other arguments than the checkpoint was saved from.",
        count=len(found),
        prefix=prefix,
    )


def _causes(
    pair: tuple[Reading, Reading] | None,
    checkpoint: tuple[Reading, ...],
    model: tuple[Reading, ...],
) -> tuple[Cause, ...]:
    if pair is None and checkpoint and model:
        return (_other_class(checkpoint, model),)
    if pair is None:
        return (
            Cause(
                "other_module",
                tr(
                    "The two shapes fit no one class of module together: the checkpoint may hold "
                    "another kind of layer under this name."
                ),
                tr(
                    "{code}  # what the checkpoint holds",
                    code="lstmshape inspect CHECKPOINT",
                ),
            ),
        )
    ours, theirs = pair
    differ = [
        name
        for name in dict.fromkeys([*ours.values, *theirs.values])
        if ours.values.get(name) != theirs.values.get(name)
    ]
    sure = len(checkpoint) == 1 and len(model) == 1
    said = ", ".join(
        tr(
            "{setting} (model: {value})",
            setting=f"{n}={ours.values.get(n, '?')}",
            value=theirs.values.get(n, "?"),
        )
        for n in differ
    )
    # The fix names only what differs: the shapes do not tell every argument (bias, when no bias
    # is listed), and the model's others are right already.
    settings = ", ".join(f"{n}={ours.values[n]}" for n in differ if n in ours.values)
    calls = {"ours": ours.call(), "theirs": theirs.call(), "said": said}
    if not differ:
        text = tr(
            "The checkpoint was saved from {ours}; the model is {theirs}: the arguments differ.",
            **calls,
        )
    elif len(differ) == 1:
        text = tr(
            "The checkpoint was saved from {ours}; the model is {theirs}: {said} differs.", **calls
        )
    else:
        text = tr(
            "The checkpoint was saved from {ours}; the model is {theirs}: {said} differ.", **calls
        )
    fix = settings or tr("build the model as {call}", call=ours.call())
    return (Cause("arguments_differ", text, fix, sure),)


def _other_class(checkpoint: tuple[Reading, ...], model: tuple[Reading, ...]) -> Cause:
    """The gates' rows tell the class: 4*H for an LSTM, 3*H for a GRU, H for an RNN."""
    ours, theirs = checkpoint[0], model[0]
    return Cause(
        "other_class",
        tr(
            "The checkpoint's shapes are those of {ours} ({gates} gates); the model's, of {theirs} "
            "({model_gates}): the checkpoint was saved from another class of layer.",
            ours=ours.call(),
            gates=ours.kind.gates,
            theirs=theirs.call(),
            model_gates=theirs.kind.gates,
        ),
        tr("build the layer as {call}", call=ours.call()),
        # One reading on each side: the shapes leave no other class.
        len(checkpoint) == 1 and len(model) == 1,
    )


def _config(reading: Reading) -> dict[str, Any]:
    return {
        "module": reading.kind.name,
        "call": reading.call(),
        **reading.values,
        "unknown": list(reading.unknown),
        "min_layers": reading.min_layers,
    }


def _first(readings: tuple[Reading, ...]) -> dict[str, Any] | None:
    return _config(readings[0]) if readings else None


def _symbols(key: str, pair: tuple[Reading, Reading] | None) -> tuple[str, ...]:
    return tuple(s.strip() for s in _formula(key, pair).strip("()").split(",") if s.strip())


def _formula(key: str, pair: tuple[Reading, Reading] | None) -> str:
    name = read_leaf(split_key(key)[1])
    if name is None:
        return ""
    gates = f"{pair[0].kind.gates}*" if pair and pair[0].kind.gates > 1 else "G*"
    h = "H_cell" if pair is None or pair[0].kind.has_cell_state else "H_out"
    inputs = "H_in" if name.layer in (None, 0) else "D*H_out"
    return {
        "weight_ih": f"({gates}{h}, {inputs})",
        "weight_hh": f"({gates}{h}, H_out)",
        "bias_ih": f"({gates}{h},)",
        "bias_hh": f"({gates}{h},)",
        "weight_hr": "(proj_size, H_cell)",
    }[name.stem]


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
    if not causes:
        causes = _structure(listed, missing, _model_classes(given, classes or {}))
    return Explained(
        sentence=found.sentence.id,
        torch_message=found.message,
        stage="load",
        summary=_keys_summary(len(listed), missing),
        parameter=listed[0] if listed else None,
        got=listed,
        causes=tuple(causes),
    )


def _keys_summary(count: int, missing: bool) -> str:
    if missing:
        if count == 1:
            return tr("The model has {count} parameter the checkpoint lacks.", count=count)
        return tr("The model has {count} parameters the checkpoint lacks.", count=count)
    if count == 1:
        return tr("The checkpoint has {count} parameter the model lacks.", count=count)
    return tr("The checkpoint has {count} parameters the model lacks.", count=count)


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
        where = f"{prefix}: " if len(modules) > 1 and prefix else ""
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
