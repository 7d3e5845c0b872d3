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
        checkpoint = _readings(
            {i.fields["parameter"]: i.fields["checkpoint"] for i in items}, given
        )
        model = _readings({i.fields["parameter"]: i.fields["model"] for i in items}, given)
        explained.append(_mismatch(items, _pair(checkpoint, model), checkpoint, model))
    return explained


def _readings(shapes: dict[str, Shape], given: Given) -> tuple[Reading, ...]:
    if any(read_leaf(split_key(key)[1]) is None for key in shapes):
        return ()  # not a recurrent module's parameter
    try:
        return consistent_configs(shapes, given.module)
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
    prefix = split_key(key)[0] or "the model"
    summary = (
        f"The checkpoint's {key} is {saved}; the model's is {built}"
        if len(found) == 1
        else f"{len(found)} parameters of {prefix} have other shapes in the checkpoint"
    )
    return Explained(
        sentence=first.sentence.id,
        torch_message=first.message,
        stage="load",
        summary=f"{summary}: the model was built with other arguments than the checkpoint was "
        "saved from.",
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


def _causes(
    pair: tuple[Reading, Reading] | None,
    checkpoint: tuple[Reading, ...],
    model: tuple[Reading, ...],
) -> tuple[Cause, ...]:
    if pair is None:
        return (
            Cause(
                "other_module",
                "The two shapes fit no one class of module together: the checkpoint may hold "
                "another kind of layer under this name.",
                "lstmshape inspect CHECKPOINT  # what the checkpoint holds",
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
        f"{n}={ours.values.get(n, '?')} (model: {theirs.values.get(n, '?')})" for n in differ
    )
    # The fix names only what differs: the shapes do not tell every argument (bias, when no bias
    # is listed), and the model's others are right already.
    settings = ", ".join(f"{n}={ours.values[n]}" for n in differ if n in ours.values)
    return (
        Cause(
            "arguments_differ",
            f"The checkpoint was saved from {ours.call()}; the model is {theirs.call()}: "
            f"{said or 'the arguments'} differ{'s' if len(differ) == 1 else ''}.",
            settings or f"build the model as {ours.call()}",
            sure,
        ),
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


def keys(found: Found, given: Given) -> Explained:
    """``Missing key(s) in state_dict: ...`` or ``Unexpected key(s) in state_dict: ...``."""
    missing = found.sentence.id == "missing_keys"
    listed = found.fields["keys"]
    causes = [*_data_parallel(listed, missing)]
    if not causes:
        causes = _structure(listed, missing)
    side, other = ("model", "checkpoint") if missing else ("checkpoint", "model")
    return Explained(
        sentence=found.sentence.id,
        torch_message=found.message,
        stage="load",
        summary=f"The {side} has {len(listed)} parameter{'s' if len(listed) != 1 else ''} the "
        f"{other} lacks.",
        parameter=listed[0] if listed else None,
        got=listed,
        causes=tuple(causes),
    )


def _data_parallel(listed: tuple[str, ...], missing: bool) -> list[Cause]:
    if missing or not listed or not all(key.startswith("module.") for key in listed):
        return []
    return [
        Cause(
            "data_parallel_prefix",
            "The checkpoint was saved from nn.DataParallel (or DistributedDataParallel): every "
            "key starts with 'module.'.",
            "model.load_state_dict({k.removeprefix('module.'): v for k, v in state.items()})",
            True,
        )
    ]


def _structure(listed: tuple[str, ...], missing: bool) -> list[Cause]:
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
        causes += [
            Cause(argument, where + text, where + fix, True)
            for argument, text, fix in _differences(names, missing)
        ]
    return causes


def _differences(names: list[Name], missing: bool) -> list[tuple[str, str, str]]:
    """(argument, what differs, the model's fix) for one module's keys on one side only. Missing
    keys are the model's (the checkpoint lacks them); unexpected ones the checkpoint's."""
    have, lack = ("The model", "the checkpoint") if missing else ("The checkpoint", "the model")
    found = []
    # A listed weight_ih is a whole direction of a layer one side lacks; what it brings (its
    # biases, its projection) says nothing of bias or proj_size.
    whole = {(n.layer, n.reverse) for n in names if n.stem == "weight_ih"}
    layers = sorted({layer for layer, reverse in whole if not reverse and layer is not None})
    if layers and layers[0] > 0:
        # The side with more layers has layers[0].. of them; the other stops at layers[0].
        saved = layers[0] if missing else layers[-1] + 1
        found.append(
            (
                "num_layers",
                f"{have} has layer {layers[0]} and above; {lack} stops "
                f"before it: num_layers differs.",
                f"num_layers={saved}",
            )
        )
    if any(reverse and (layer not in layers) for layer, reverse in whole):
        found.append(
            (
                "bidirectional",
                f"{have} has the backward direction (_reverse); {lack} "
                "has none: bidirectional differs.",
                "bidirectional=False" if missing else "bidirectional=True",
            )
        )
    partial = [n for n in names if (n.layer, n.reverse) not in whole]
    if any(n.stem == "weight_hr" for n in partial):
        found.append(
            (
                "proj_size",
                f"{have} has weight_hr, a projection; {lack} has none: proj_size differs.",
                "proj_size=0"
                if missing
                else "proj_size=P, where P is the rows of the checkpoint's weight_hr_l0 "
                "(lstmshape inspect CHECKPOINT tells it)",
            )
        )
    if any(n.stem.startswith("bias") for n in partial):
        found.append(
            (
                "bias",
                f"{have} has biases; {lack} has none: bias differs.",
                "bias=False" if missing else "bias=True",
            )
        )
    return found  # fmt: skip
