"""A state_dict's names and shapes -> its recurrent modules, each checked against torch's layout.

A group is every parameter under one prefix that a recurrent module registers. Its shapes propose
configs (G = weight rows / H_cell: 4 for LSTM, 3 for GRU, 1 for RNN; ``weight_hr`` gives proj_size;
the highest ``_l{k}`` num_layers; ``_reverse`` bidirectional; biases bias). The group is taken as the
whole module (what a state_dict holds), and each proposal is built as a :class:`ModuleSpec` whose
``parameters()`` are compared with the group name by name and shape by shape. A group equal to one
is that module; otherwise the nearest proposals and what differs from them are reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lstmshape.commands.inspect.weights.names import Name, join_key, read_names, recurrent_groups
from lstmshape.errors import InvalidModuleError
from lstmshape.i18n import N_, tr
from lstmshape.results.weights import (
    Difference,
    Findings,
    FoundModule,
    InconsistentGroup,
    Nearest,
    Shape,
)
from lstmshape.torchfacts.kinds import GRU, GRU_CELL, LSTM, LSTM_CELL, RNN, RNN_CELL, ModuleKind
from lstmshape.torchfacts.spec import ModuleSpec

SEQUENCE_KINDS = (LSTM, GRU, RNN)
CELL_KINDS = (LSTM_CELL, GRU_CELL, RNN_CELL)
# An input_size to build a proposal with when the group lacks weight_ih_l0: never shown.
_PLACEHOLDER_INPUT = 1


def find_modules(shapes: Mapping[str, Sequence[int]]) -> Findings:
    """Every recurrent module of a state_dict, from its keys and shapes alone.

    ``shapes`` maps each key (``encoder.lstm.weight_ih_l0``) to its shape. Modules are found at
    any prefix depth, several at once, beside other layers; each is returned only if one torch
    module has exactly its parameters, else it is an :class:`InconsistentGroup` with what is wrong.
    """
    modules: list[FoundModule] = []
    inconsistent: list[InconsistentGroup] = []
    grouped: set[str] = set()
    for prefix, group in recurrent_groups(shapes).items():
        grouped.update(join_key(prefix, leaf) for leaf in group)
        found = infer_group(prefix, group)
        if isinstance(found, FoundModule):
            modules.append(found)
        else:
            inconsistent.append(found)
    others = tuple(key for key in shapes if key not in grouped)
    return Findings(tuple(modules), tuple(inconsistent), others)


@dataclass(frozen=True)
class _Proposal:
    spec: ModuleSpec
    input_known: bool
    difference: Difference


def infer_group(prefix: str, group: Mapping[str, Shape]) -> FoundModule | InconsistentGroup:
    """One group's module: the config whose parameters are exactly ``group`` (names within the
    module -> shapes), or what keeps every config from it."""
    names = read_names(group)
    layered = {name.layer is not None for name in names.values()}
    shapes = tuple(group.items())
    if len(layered) == 2:
        return InconsistentGroup(
            prefix,
            shapes,
            (),
            (
                tr(
                    "it mixes a cell's names (weight_ih, without a layer) with a sequence "
                    "module's (weight_ih_l0): no torch module has both"
                ),
            ),
        )
    kinds = SEQUENCE_KINDS if layered == {True} else CELL_KINDS
    proposals: list[_Proposal] = []
    refused: list[str] = []
    for spec, input_known in _proposals(kinds, group, names, refused):
        proposals.append(_Proposal(spec, input_known, difference(spec, group, names)))
    if not proposals:
        no_module = tr(_NO_MODULE)  # i18n: extracted where made
        return InconsistentGroup(prefix, shapes, (), (*refused[:3], no_module))
    best = min(p.difference.cost for p in proposals)
    nearest = [p for p in proposals if p.difference.cost == best]
    if best == 0:
        spec = nearest[0].spec
        return FoundModule(prefix, spec, tuple((p.name, p.shape) for p in spec.parameters()))
    near = tuple(
        Nearest(_call(p.spec, p.input_known), p.difference.lines()) for p in nearest[:_NEAREST]
    )
    return InconsistentGroup(prefix, shapes, near, tuple(refused[:3]))


# Equally near modules listed for an inconsistent group, at most.
_NEAREST = 3


_NO_MODULE = N_(
    "weight_ih, weight_hh and the biases have G*H_cell rows (G = 4 for LSTM, 3 for GRU, 1 for "
    "RNN), and weight_hh has H_out columns: no G and hidden_size fit these shapes"
)


def _call(spec: ModuleSpec, input_known: bool) -> str:
    """``nn.LSTM(10, 20)``; ``nn.LSTM(?, 20)`` when the group cannot tell input_size."""
    text = spec.torch_call()
    if input_known:
        return text
    head = f"nn.{spec.kind.name}("
    return head + "?" + text[len(head) + len(str(spec.input_size)) :]


def _proposals(
    kinds: tuple[ModuleKind, ...],
    group: Mapping[str, Shape],
    names: Mapping[str, Name],
    refused: list[str],
) -> Iterator[tuple[ModuleSpec, bool]]:
    """Every config the group's shapes suggest, built; those torch refuses are said in ``refused``."""
    rows, widths, projections = _evidence(group, names)
    first_input = input_width(group, names)
    closed = _closed_world(kinds[0], names)
    closed["input_size"] = _PLACEHOLDER_INPUT if first_input is None else first_input
    for kind in kinds:
        # hidden_size as the rows say it (G*H_cell), then as other shapes suggest it (an LSTM
        # whose rows were edited): only a refusal of the rows' own reading is worth saying.
        read = {r // kind.gates for r in rows if r > 0 and r % kind.gates == 0}
        if kind.supports_proj_size:
            read |= {h for _, h in projections}
        for h in sorted(read | widths):
            for proj in _projections(kind, h, widths, projections):
                extra: dict[str, Any] = {"proj_size": proj} if proj else {}
                try:
                    spec = ModuleSpec(hidden_size=h, kind=kind, **closed, **extra)
                except InvalidModuleError as error:
                    line = _refused(kind, error)
                    if h in read and line not in refused:
                        refused.append(line)
                    continue
                yield spec, first_input is not None


def input_width(group: Mapping[str, Shape], names: Mapping[str, Name]) -> int | None:
    """input_size as the first layer's weight_ih says it (its second axis), when the group has it."""
    return next(
        (
            shape[1]
            for leaf, shape in group.items()
            if names[leaf].stem == "weight_ih"
            and names[leaf].layer in (0, None)
            and len(shape) == 2
        ),
        None,
    )


def _refused(kind: ModuleKind, error: InvalidModuleError) -> str:
    """``torch refuses nn.LSTM: ... (torch says: ...)``: lstmshape's words, then torch's own."""
    said = {"module": f"nn.{kind.name}", "message": error.message}
    if error.torch_says:
        return tr(
            "torch refuses {module}: {message} (torch says: {torch_says})",
            torch_says=error.torch_says,
            **said,
        )
    return tr("torch refuses {module}: {message}", **said)


def _closed_world(kind: ModuleKind, names: Mapping[str, Name]) -> dict[str, Any]:
    """What a whole module's names tell: a state_dict holds every parameter a module registers, so
    no bias name means bias=False, the highest layer is the last, no _reverse means one direction."""
    told: dict[str, Any] = {"bias": any(name.stem.startswith("bias") for name in names.values())}
    if not kind.is_cell:
        told["num_layers"] = 1 + max((name.layer or 0 for name in names.values()), default=0)
        told["bidirectional"] = any(name.reverse for name in names.values())
    return told


def _evidence(
    group: Mapping[str, Shape], names: Mapping[str, Name]
) -> tuple[set[int], set[int], set[tuple[int, int]]]:
    """The sizes the shapes show: rows (G*H_cell), weight_hh's widths (H_out) and weight_hr's
    (proj_size, H_cell). A module's parameters share one row count and at most two widths, so only
    the most frequent few are tried: an edited group cannot make the proposals explode."""
    rows = Counter(
        shape[0] for leaf, shape in group.items() if names[leaf].stem != "weight_hr" and shape
    )
    widths = Counter(
        shape[1]
        for leaf, shape in group.items()
        if names[leaf].stem == "weight_hh" and len(shape) == 2 and shape[1] > 0
    )
    projections = Counter(
        (shape[0], shape[1])
        for leaf, shape in group.items()
        if names[leaf].stem == "weight_hr" and len(shape) == 2
    )
    return (
        {r for r, _ in rows.most_common(_MOST)},
        {w for w, _ in widths.most_common(_MOST)},
        {p for p, _ in projections.most_common(_MOST)},
    )


_MOST = 3


def _projections(
    kind: ModuleKind, hidden: int, widths: set[int], projections: set[tuple[int, int]]
) -> list[int]:
    """The proj_size values to try with ``hidden``: none, each weight_hr's rows, and each
    weight_hh width below hidden_size (an LSTM whose weight_hr the group lacks)."""
    if not kind.supports_proj_size:
        return [0]
    tried = {0} | {p for p, _ in projections} | {w for w in widths if w < hidden}
    return sorted(tried)


def difference(
    spec: ModuleSpec, group: Mapping[str, Shape], names: Mapping[str, Name]
) -> Difference:
    """How ``group`` differs from ``spec``'s parameters, layer by layer: the layers the group lacks
    entirely are counted, never listed one by one (a name may claim layer 10**9)."""
    if spec.kind.is_cell:
        return _compare({p.name: p.shape for p in spec.parameters()}, group, Difference())
    present = sorted({name.layer or 0 for name in names.values()})
    expected: dict[str, Shape] = {}
    for layer in present:
        if layer < spec.num_layers:
            expected.update((p.name, p.shape) for p in spec.parameters(range(layer, layer + 1)))
    gaps = _gaps(present, spec.num_layers)
    per_layer = len(spec.parameters(range(0, 1)))
    missing_count = sum(last - first + 1 for first, last in gaps) * per_layer
    return _compare(expected, group, Difference(missing_layers=gaps, missing_count=missing_count))


def _compare(
    expected: Mapping[str, Shape], group: Mapping[str, Shape], base: Difference
) -> Difference:
    wrong = tuple(
        (leaf, shape, expected[leaf])
        for leaf, shape in group.items()
        if leaf in expected and tuple(shape) != expected[leaf]
    )
    return Difference(
        missing=tuple(leaf for leaf in expected if leaf not in group),
        unexpected=tuple(leaf for leaf in group if leaf not in expected),
        wrong=wrong,
        missing_layers=base.missing_layers,
        missing_count=base.missing_count,
    )


def _gaps(present: list[int], num_layers: int) -> tuple[tuple[int, int], ...]:
    """The layers below ``num_layers`` that are not in ``present`` (sorted), as inclusive ranges."""
    gaps: list[tuple[int, int]] = []
    expected = 0
    for layer in [*present, num_layers]:
        if layer > expected:
            gaps.append((expected, layer - 1))
        expected = max(expected, layer + 1)
    return tuple(gaps)
