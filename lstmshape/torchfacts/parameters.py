"""The parameters torch registers for a module: names, shapes and order, and their count.

Layers above the first all have layer 1's shapes, so counts are computed in closed form and a deep
stack's list is built only for the layers asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from math import prod
from typing import TYPE_CHECKING, NamedTuple

from lstmshape.errors import InvalidModuleError
from lstmshape.i18n.words import words
from lstmshape.torchfacts.sentences import TORCH

if TYPE_CHECKING:
    from lstmshape.torchfacts.spec import ModuleSpec

# torch stores sizes as int64: a larger value cannot even be passed to torch.empty().
INT64_MAX = 2**63 - 1
# torch allocates parameters as float32 unless told otherwise.
_FLOAT32_BYTES = 4


@dataclass(frozen=True)
class Parameter:
    """A learnable parameter as torch registers it (``weight_ih_l0_reverse``)."""

    name: str
    shape: tuple[int, ...]
    layer: int
    direction: str
    """``forward`` or ``reverse``."""
    rows: str
    """What the shape is made of, in symbols: ``(4*H_cell, H_in)``."""

    @property
    def numel(self) -> int:
        """Number of scalars in the parameter."""
        return prod(self.shape)


def parameters(spec: ModuleSpec, layers: range | None = None) -> tuple[Parameter, ...]:
    """The parameters torch registers, in its order; only those of ``layers`` if given."""
    return _cached(spec, layers)


# A spec file often repeats a module with other inputs; its parameters are the spec's alone.
@lru_cache(maxsize=1024)
def _cached(spec: ModuleSpec, layers: range | None) -> tuple[Parameter, ...]:
    if spec.kind.is_cell:
        return tuple(
            Parameter(name, shape, 0, "forward", symbols)
            for name, shape, symbols in _stems(spec, spec.input_size, "H_in")
        )
    params: list[Parameter] = []
    for layer in layers if layers is not None else range(spec.num_layers):
        width, symbol = (
            (spec.input_size, "H_in") if layer == 0 else (spec.D * spec.H_out, "D*H_out")
        )
        for direction in range(spec.D):
            suffix, way = ("_reverse", "reverse") if direction else ("", "forward")
            params += [
                Parameter(f"{stem}_l{layer}{suffix}", shape, layer, way, symbols)
                for stem, shape, symbols in _stems(spec, width, symbol)
            ]
    return tuple(params)


def _stems(
    spec: ModuleSpec, in_width: int, in_symbol: str
) -> list[tuple[str, tuple[int, ...], str]]:
    """One layer and direction's parameters (weight_ih, weight_hh, biases, weight_hr)."""
    gates = spec.kind.gates
    rows = gates * spec.H_cell
    g = spec.kind.width_symbol if gates == 1 else f"{gates}*{spec.kind.width_symbol}"
    stems: list[tuple[str, tuple[int, ...], str]] = [
        ("weight_ih", (rows, in_width), f"({g}, {in_symbol})"),
        ("weight_hh", (rows, spec.H_out), f"({g}, H_out)"),
    ]
    if spec.bias:
        stems += [("bias_ih", (rows,), f"({g},)"), ("bias_hh", (rows,), f"({g},)")]
    if spec.proj_size > 0:
        stems.append(("weight_hr", (spec.proj_size, spec.H_cell), "(proj_size, H_cell)"))
    return stems


# torch's parameter names: weight_ih_l0, bias_hh_l2_reverse, weight_hr_l1; a cell's weight_ih.
PARAMETER_NAME = re.compile(r"(weight|bias)_(ih|hh|hr)(?:_l(\d+))?(_reverse)?", re.ASCII)


def parameter_named(spec: ModuleSpec, name: str) -> Parameter | None:
    """The parameter ``name`` of this module (any layer of any depth), or None if it has none."""
    match = PARAMETER_NAME.fullmatch(name)
    if match is None:
        return None
    layer = match[3]
    if spec.kind.is_cell:
        return next((p for p in parameters(spec) if p.name == name), None)
    if layer is None or int(layer) >= spec.num_layers:
        return None
    return next(
        (p for p in parameters(spec, range(int(layer), int(layer) + 1)) if p.name == name), None
    )


def count(spec: ModuleSpec) -> int:
    """``sum(p.numel() for p in module.parameters())``, in closed form."""
    weights, biases = totals(spec)
    return weights + biases


def totals(spec: ModuleSpec) -> tuple[int, int]:
    """(weights, biases): elements of every weight matrix and of every bias, in closed form: layer
    0, then layer 1's for every layer above it, in each direction."""

    def split(stems: list[tuple[str, tuple[int, ...], str]]) -> tuple[int, int]:
        weights = sum(prod(shape) for name, shape, _ in stems if name.startswith("weight"))
        return weights, sum(prod(shape) for name, shape, _ in stems if name.startswith("bias"))

    first = split(_stems(spec, spec.input_size, "H_in"))
    if spec.kind.is_cell:
        return first
    above = split(_stems(spec, spec.D * spec.H_out, "D*H_out"))
    layers_above = spec.num_layers - 1
    return (
        spec.D * (first[0] + layers_above * above[0]),
        spec.D * (first[1] + layers_above * above[1]),
    )


# Every parameter is listed up to this many layers; a deeper stack lists layers 0, 1 and the last,
# since every layer above the first repeats layer 1's shapes (a stack of a million layers is a valid
# question, and its answer must not be a list of four million parameters).
LAYERS_LISTED = 64


def listed_layers(spec: ModuleSpec) -> range | tuple[int, ...]:
    """The layers whose parameters a report lists."""
    if spec.kind.is_cell or spec.num_layers <= LAYERS_LISTED:
        return range(1 if spec.kind.is_cell else spec.num_layers)
    return (0, 1, spec.num_layers - 1)


def listed_parameters(spec: ModuleSpec) -> tuple[Parameter, ...]:
    """The parameters a report lists: all of them, but for a stack deeper than LAYERS_LISTED."""
    layers = listed_layers(spec)
    if isinstance(layers, range):
        return parameters(spec)
    return tuple(p for layer in layers for p in parameters(spec, range(layer, layer + 1)))


class Omitted(NamedTuple):
    """The parameters of the layers a report does not list: layers 2 to num_layers - 2."""

    first_layer: int
    last_layer: int
    parameter_count: int
    """How many parameters (torch's named tensors)."""
    numel: int
    """How many scalars they hold."""


def omitted(spec: ModuleSpec, up_to: int = LAYERS_LISTED) -> Omitted | None:
    """What a list of a stack deeper than ``up_to`` layers leaves out (layers 2 to the one before
    the last), in closed form; None when it lists all."""
    if spec.kind.is_cell or spec.num_layers <= up_to:
        return None
    per_layer = parameters(spec, range(1, 2))
    layers = spec.num_layers - 3
    return Omitted(
        2, spec.num_layers - 2, layers * len(per_layer), layers * sum(p.numel for p in per_layer)
    )


def _distinct_shapes(spec: ModuleSpec) -> list[tuple[str, tuple[int, ...]]]:
    """Every distinct parameter shape, named as the first parameter in torch's order that has it:
    layers above the first repeat layer 1's shapes, the reverse direction the forward's."""
    suffix = "" if spec.kind.is_cell else "_l0"
    shapes = [(f"{stem}{suffix}", shape) for stem, shape, _ in _stems(spec, spec.input_size, "")]
    if spec.num_layers > 1 and not spec.kind.is_cell:
        rows = spec.kind.gates * spec.H_cell
        shapes.append(("weight_ih_l1", (rows, spec.D * spec.H_out)))
    return shapes


def check_storage(spec: ModuleSpec) -> None:
    """Refuse what torch.empty refuses: a parameter whose size overflows torch's int64 sizes."""
    for name, shape in _distinct_shapes(spec):
        too_long = [i for i, size in enumerate(shape, start=1) if size > INT64_MAX]
        if too_long:
            # torch's first line, as it prints it (a C++ trace follows it).
            says = TORCH["storage_too_long"].say(position=too_long[0])
        elif prod(shape) * _FLOAT32_BYTES > INT64_MAX:
            says = TORCH["storage_overflow"].say(shape=shape)
        else:
            continue
        sizes = {"input_size": spec.input_size, "hidden_size": spec.hidden_size}
        raise InvalidModuleError(
            words(
                "{name} would have shape {shape}, more than torch's 64-bit sizes can count: no "
                "device can hold it.",
                name=name,
                shape=str(shape),
            ),
            argument=max(sizes, key=lambda arg: sizes[arg]),
            details=[
                words(
                    "torch names it so on the meta device (shapes only); on a real device, "
                    "allocating the parameters before it may fail first, for lack of memory."
                )
            ],
            torch_says=says,
            hint=words("Try smaller sizes."),
        )
