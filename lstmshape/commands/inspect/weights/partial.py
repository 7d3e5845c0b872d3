"""A few of a module's parameters -> every configuration they are consistent with.

What a pasted ``size mismatch for lstm.weight_ih_l0: ... torch.Size([1024, 300])`` can tell: one or a
few shapes, never the whole module. Nothing is assumed about the parameters not given (they may
exist), so an argument no given shape depends on stays unknown, and num_layers is only "at least".
Each reading is checked by building its :class:`ModuleSpec` (torch's rules refuse, say, a proj_size
not below hidden_size).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from lstmshape.commands.inspect.weights.infer import CELL_KINDS, SEQUENCE_KINDS, input_width
from lstmshape.commands.inspect.weights.names import Name, read_leaf, split_key
from lstmshape.errors import InvalidModuleError, UnreadableValueError
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.words import words
from lstmshape.results.weights import Reading, Shape
from lstmshape.torchfacts.arguments import CONSTRUCTOR
from lstmshape.torchfacts.kinds import LSTM, ModuleKind, read_module

# The arguments a module's parameters can tell, in torch's order.
_TOLD = tuple(
    a.name for a in sorted(CONSTRUCTOR, key=lambda a: a.position_in(LSTM)) if a.in_weights
)


def consistent_configs(
    shapes: Mapping[str, Sequence[int]], module: str | ModuleKind | None = None
) -> tuple[Reading, ...]:
    """Every configuration of one module whose parameters include these names with these shapes.

    ``shapes`` maps parameter names (``weight_ih_l0``, or state_dict keys of one prefix such as
    ``lstm.weight_ih_l0``) to shapes; ``module`` keeps only that class. An empty result: no torch
    module has these parameters together.
    """
    prefixes = {split_key(key)[0] for key in shapes}
    if len(prefixes) > 1:
        listed = enumerated(repr(p) for p in sorted(prefixes))
        raise UnreadableValueError(
            words(
                "These parameters belong to {count} modules ({listed}); one module's are read at "
                "a time.",
                count=len(prefixes),
                listed=listed,
            )
        )
    group: dict[str, Shape] = {}
    names: dict[str, Name] = {}
    for key, shape in shapes.items():
        leaf = split_key(key)[1]
        name = read_leaf(leaf)
        if name is None:
            raise UnreadableValueError(
                words(
                    "{key} is not a parameter torch's recurrent modules register.", key=repr(key)
                ),
                hint=words(
                    "Their names are {names} and {last}, with _reverse for the backward "
                    "direction (cells: {cells}).",
                    names="weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}",
                    last="weight_hr_l{k}",
                    cells="weight_ih, weight_hh, bias_ih, bias_hh",
                ),
            )
        group[leaf], names[leaf] = tuple(shape), name
    layered = {name.layer is not None for name in names.values()}
    if len(layered) != 1:
        return ()
    kinds: tuple[ModuleKind, ...] = SEQUENCE_KINDS if layered == {True} else CELL_KINDS
    if module is not None:
        wanted = read_module(module)
        kinds = tuple(kind for kind in kinds if kind is wanted)
    readings: list[Reading] = []
    for kind in kinds:
        for reading in _readings(kind, group, names):
            if reading not in readings:
                readings.append(reading)
    return tuple(readings)


def _readings(
    kind: ModuleKind, group: Mapping[str, Shape], names: Mapping[str, Name]
) -> Iterator[Reading]:
    rows = {shape[0] for leaf, shape in group.items() if names[leaf].stem != "weight_hr" and shape}
    projections = {
        shape
        for leaf, shape in group.items()
        if names[leaf].stem == "weight_hr" and len(shape) == 2
    }
    hidden = {r // kind.gates for r in rows if r > 0 and r % kind.gates == 0}
    if kind.supports_proj_size:
        hidden |= {h for _, h in projections}
    first_input = input_width(group, names)
    for h in sorted(hidden):
        for h_out, directions in _outputs(kind, h, group, names):
            fits = all(
                _fits(kind, (h, h_out, directions, first_input), names[leaf], shape)
                for leaf, shape in group.items()
            )
            if fits:
                reading = _reading(kind, (h, h_out, directions, first_input), names)
                if reading is not None:
                    yield reading


def _outputs(
    kind: ModuleKind, hidden: int, group: Mapping[str, Shape], names: Mapping[str, Name]
) -> list[tuple[int | None, int | None]]:
    """The (H_out, D) pairs to try: each None when no given shape depends on it."""
    reverse = any(name.reverse for name in names.values())
    upper = [
        shape[1]
        for leaf, shape in group.items()
        if names[leaf].stem == "weight_ih" and (names[leaf].layer or 0) > 0 and len(shape) == 2
    ]
    directions: list[int | None] = [2] if reverse else ([1, 2] if upper else [None])
    if not kind.supports_proj_size:
        return [(hidden, d) for d in directions]
    widths = {
        shape[1]
        for leaf, shape in group.items()
        if names[leaf].stem == "weight_hh" and len(shape) == 2
    } | {shape[0] for leaf, shape in group.items() if names[leaf].stem == "weight_hr" and shape}
    pairs: list[tuple[int | None, int | None]] = []
    for d in directions:
        if widths:
            pairs += [(w, d) for w in sorted(widths)]
        elif upper and d is not None:
            pairs += [(c // d, d) for c in sorted(set(upper)) if c % d == 0]
        else:
            pairs.append((None, d))
    return pairs


Hypothesis = tuple[int, int | None, int | None, int | None]
"""(H_cell, H_out, D, H_in): None where no given shape tells it."""


def _fits(kind: ModuleKind, hypothesis: Hypothesis, name: Name, shape: Shape) -> bool:
    """Whether a parameter of this name has this shape in a module of this hypothesis."""
    hidden, h_out, directions, first_input = hypothesis
    if name.reverse and (kind.is_cell or directions == 1):
        return False
    rows = kind.gates * hidden
    expected: tuple[int | None, ...]
    if name.stem == "weight_ih":
        above = None if h_out is None or directions is None else directions * h_out
        expected = (rows, first_input if (name.layer or 0) == 0 else above)
    elif name.stem == "weight_hh":
        expected = (rows, h_out)
    elif name.stem == "weight_hr":
        if not kind.supports_proj_size or h_out is None or h_out >= hidden:
            return False
        expected = (h_out, hidden)
    else:
        expected = (rows,)
    return len(shape) == len(expected) and all(
        e is None or e == size for e, size in zip(expected, shape, strict=True)
    )


def _reading(kind: ModuleKind, hypothesis: Hypothesis, names: Mapping[str, Name]) -> Reading | None:
    """The reading of one hypothesis that fits every given shape; None if torch refuses it."""
    hidden, h_out, directions, first_input = hypothesis
    known: dict[str, int | bool] = {"hidden_size": hidden}
    if first_input is not None:
        known["input_size"] = first_input
    if any(name.stem.startswith("bias") for name in names.values()):
        known["bias"] = True
    if not kind.is_cell and directions is not None:
        known["bidirectional"] = directions == 2
    if kind.supports_proj_size and h_out is not None:
        known["proj_size"] = 0 if h_out == hidden else h_out
    told = [arg for arg in _TOLD if arg in kind.arguments]
    reading = Reading(
        kind,
        tuple((arg, known[arg]) for arg in told if arg in known),
        tuple(arg for arg in told if arg not in known),
        1 + max((name.layer or 0 for name in names.values()), default=0),
    )
    try:
        reading.spec(input_size=known.get("input_size", 1))
    except InvalidModuleError:
        return None
    return reading
