"""load_state_dict's reports about recurrent parameters: the checkpoint's configuration and the
model's, side by side as constructor calls, and the argument that differs.

``size mismatch for lstm.weight_ih_l0: copying a param with shape torch.Size([1024, 300]) from
checkpoint, the shape in current model is torch.Size([512, 300])`` tells G*H_cell on each side; all
the mismatches of one module in the text are read together, through the same inference as
``lstmshape inspect`` (lstmshape.commands.inspect.weights), and every reading is checked by building its module.
"""

from __future__ import annotations

from typing import Any

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.commands.inspect.weights.names import read_leaf, split_key
from lstmshape.commands.inspect.weights.partial import consistent_configs
from lstmshape.commands.why.find import Found
from lstmshape.commands.why.other_layers import recurrent
from lstmshape.errors import LstmShapeError
from lstmshape.i18n import N_, tr
from lstmshape.results.cause import Axis, Cause
from lstmshape.results.weights import Reading
from lstmshape.results.why import Explained
from lstmshape.torchfacts.kinds import ModuleKind

Shape = tuple[int, ...]


def size_mismatches(found: list[Found], given: Given) -> list[Explained]:
    """The ``size mismatch for ...`` lines, one explanation per module: its first line's axes, every
    line's shapes, and the two configurations the lines together tell."""
    by_module: dict[str, list[Found]] = {}
    for item in found:
        if not recurrent(item.fields["parameter"]):
            continue  # another layer's: left alone (other_layers)
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
    """Why a state_dict does not load, by case: each side read as another class, no one class
    that fits both, or one class with arguments that differ."""
    if pair is None and checkpoint and model:
        return (_other_class(checkpoint, model),)
    if pair is None:
        return (_other_module(),)
    return (_arguments_differ(pair, checkpoint, model),)


def _other_module() -> Cause:
    """The two shapes fit no one class of module together."""
    return Cause(
        "other_module",
        tr(
            "The two shapes fit no one class of module together: the checkpoint may hold "
            "another kind of layer under this name."
        ),
        tr(
            "{code}  # what the checkpoint holds",
            code="lstmshape inspect CHECKPOINT",
        ),
    )


def _arguments_differ(
    pair: tuple[Reading, Reading], checkpoint: tuple[Reading, ...], model: tuple[Reading, ...]
) -> Cause:
    """One class on both sides, built with other arguments: the ones that differ, and the fix
    that names only those."""
    ours, theirs = pair
    differ = [
        name
        for name in dict.fromkeys([*ours.values, *theirs.values])
        if ours.values.get(name) != theirs.values.get(name)
    ]
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
    fix = settings or _build(ours, N_("build the model as {call}"))
    calls = {"ours": ours.call(), "theirs": theirs.call(), "said": said}
    alternatives = _alternatives(ours, checkpoint)
    if alternatives and differ:
        # weight_ih alone: the class is the model's only if the checkpoint's is too.
        text = tr(
            "If the checkpoint's layer and the model's are both nn.{kind}, the checkpoint was "
            "saved from {ours}; the model is {theirs}: {said}.",
            kind=ours.kind.name,
            **calls,
        )
        return Cause("arguments_differ", text + alternatives, fix, False)
    sure = len(checkpoint) == 1 and len(model) == 1
    return Cause("arguments_differ", _saved_from(len(differ), calls) + alternatives, fix, sure)


def _saved_from(differing: int, calls: dict[str, str]) -> str:
    """The checkpoint's call and the model's, and how many of their arguments differ."""
    if not differing:
        return tr(
            "The checkpoint was saved from {ours}; the model is {theirs}: the arguments differ.",
            **calls,
        )
    if differing == 1:
        return tr(
            "The checkpoint was saved from {ours}; the model is {theirs}: {said} differs.", **calls
        )
    return tr(
        "The checkpoint was saved from {ours}; the model is {theirs}: {said} differ.", **calls
    )


def _alternatives(ours: Reading, checkpoint: tuple[Reading, ...]) -> str:
    """The other classes the checkpoint's shapes fit: weight_ih alone, (G*H, H_in), does not tell
    G from H ((120, 40) is nn.LSTM(40, 30), nn.GRU(40, 40) or nn.RNN(40, 120)); weight_hh does."""
    others = [r.call() for r in checkpoint if r.kind is not ours.kind]
    if not others:
        return ""
    return " " + tr(
        "These shapes do not tell the class: the checkpoint's may as well be {others} "
        "(weight_hh, (G*H, H), would tell).",
        others=tr("{some} or {last}", some=", ".join(others[:-1]), last=others[-1])
        if len(others) > 1
        else others[0],
    )


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
        )
        + _alternatives(ours, checkpoint),
        _build(ours, N_("build the layer as {call}")),
        # One reading on each side: the shapes leave no other class.
        len(checkpoint) == 1 and len(model) == 1,
    )


def _build(reading: Reading, template: str) -> str:
    """The constructor call the sentence's shapes tell, and what they leave open: a part of the
    parameters tells num_layers only as a lower bound, and no bias when none is listed."""
    call = tr(template, call=reading.call())  # i18n: extracted where made
    names = [*reading.unknown]
    if not reading.kind.is_cell and "num_layers" not in names:
        names.insert(0, "num_layers")
    open_ = [
        tr("num_layers (at least {count})", count=reading.min_layers) if n == "num_layers" else n
        for n in names
    ]
    if not open_:
        return call
    return call + tr(
        "  # {open}: as the checkpoint was saved; {inspect} gives the whole call",
        open=", ".join(open_),
        inspect="lstmshape inspect CHECKPOINT",
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
