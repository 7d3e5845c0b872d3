"""What a state_dict's parameter names and shapes say about its recurrent modules: plain, frozen data.

:class:`FoundModule` is a group of parameters that exactly one torch module has, with that module's
:class:`ModuleSpec`; :class:`InconsistentGroup` is a group that no torch module has, with what is
wrong; :class:`Reading` is one configuration a partial set of parameters is consistent with.
"""

from __future__ import annotations

from dataclasses import dataclass

from lstmshape.i18n import tr
from lstmshape.i18n.numbers import enumerated, number
from lstmshape.torchfacts.arguments import BY_NAME
from lstmshape.torchfacts.kinds import ModuleKind
from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]


def not_in_weights(kind: ModuleKind) -> tuple[str, ...]:
    """The constructor arguments ``kind`` takes that its parameters cannot tell: any value loads
    the same state_dict (nn.RNN's nonlinearity, dropout, batch_first), in torch's order."""
    return tuple(name for name in kind.arguments if not BY_NAME[name].in_weights)


def weight_arguments(spec: ModuleSpec) -> dict[str, int | bool]:
    """The constructor arguments a module's parameters determine, in torch's order: the config a
    state_dict pins down (nonlinearity, dropout and batch_first are not among them)."""
    left_out = not_in_weights(spec.kind)
    return {
        name: value
        for name, value in spec.constructor_kwargs().items()
        if name not in left_out and not isinstance(value, (str, float))
    }


@dataclass(frozen=True)
class FoundModule:
    """A recurrent module found in a state_dict: its prefix, and the one config whose parameters
    are exactly the group's names and shapes (checked against ``spec.parameters()``)."""

    name: str
    """The state_dict prefix: ``encoder.lstm`` (``""`` for a bare module's state_dict)."""
    spec: ModuleSpec
    """The module's arguments; those the weights cannot tell are at torch's defaults."""
    shapes: tuple[tuple[str, Shape], ...]
    """Each parameter's name within the module and its shape, in torch's order."""

    @property
    def not_in_weights(self) -> tuple[str, ...]:
        """The arguments the weights cannot tell: any value of them loads this state_dict."""
        return not_in_weights(self.spec.kind)


@dataclass(frozen=True)
class Difference:
    """How a group's parameters differ from those of one module: what the module registers that
    the group lacks, what the group holds that the module does not, and shapes that differ."""

    missing: tuple[str, ...] = ()
    unexpected: tuple[str, ...] = ()
    wrong: tuple[tuple[str, Shape, Shape], ...] = ()
    """(name, the group's shape, the module's shape)."""
    missing_layers: tuple[tuple[int, int], ...] = ()
    """Layers of which the group holds no parameter at all, as inclusive ranges (first, last)."""
    missing_count: int = 0
    """How many parameters the missing layers would hold."""

    @property
    def cost(self) -> int:
        """How far the group is from the module: one per parameter missing, unexpected or wrong."""
        return len(self.missing) + len(self.unexpected) + len(self.wrong) + self.missing_count

    def lines(self) -> tuple[str, ...]:
        """What differs, one line per kind of difference."""
        out = [_layers_line(first, last) for first, last in self.missing_layers]
        if self.missing:
            out.append(tr("missing: {names}", names=_listed(self.missing)))
        out += [
            tr(
                "{name} is {actual}, not {expected}",
                name=name,
                actual=_shape(actual),
                expected=_shape(expected),
            )
            for name, actual, expected in self.wrong
        ]
        if self.unexpected:
            out.append(tr("unexpected: {names}", names=_listed(self.unexpected)))
        return tuple(out)


def _layers_line(first: int, last: int) -> str:
    if first == last:
        return tr(
            "no parameter of layer {layer} (missing: every weight and bias of it)", layer=first
        )
    return tr(
        "no parameter of layers {first} to {last} (missing: every weight and bias of them)",
        first=first,
        last=number(last),
    )


def _listed(names: tuple[str, ...], most: int = 8) -> str:
    if len(names) <= most:
        return enumerated(names)
    return tr(
        "{names} and {count} more", names=enumerated(names[:most]), count=number(len(names) - most)
    )


def _shape(shape: Shape) -> str:
    from lstmshape.i18n.text import format_shape

    return format_shape(shape)


@dataclass(frozen=True)
class Nearest:
    """A module near an inconsistent group, and how the group differs from it."""

    call: str
    """Its constructor call: ``nn.LSTM(10, 20)``; ``nn.LSTM(?, 20)`` when the group cannot tell
    input_size."""
    differences: tuple[str, ...]
    """What differs, one line each: missing, unexpected or wrongly shaped parameters."""


@dataclass(frozen=True)
class InconsistentGroup:
    """Parameters named as a recurrent module's that no torch module has together: missing layers,
    sizes that disagree, a truncated or edited state_dict."""

    name: str
    shapes: tuple[tuple[str, Shape], ...]
    """The group's own names and shapes, as the state_dict holds them."""
    nearest: tuple[Nearest, ...]
    """The modules nearest to the group (equally near), with what differs; empty when none is."""
    problems: tuple[str, ...] = ()
    """What keeps every module from it beyond that: torch refusing the sizes the shapes give, or
    names no module has together."""


@dataclass(frozen=True)
class Findings:
    """Every recurrent module of a state_dict, every group that is not one, and the other keys."""

    modules: tuple[FoundModule, ...]
    inconsistent: tuple[InconsistentGroup, ...]
    others: tuple[str, ...]
    """The keys that belong to no recurrent module (nor to an inconsistent group)."""


@dataclass(frozen=True)
class Reading:
    """One configuration that a partial set of a module's parameters is consistent with.

    ``known`` holds the arguments the parameters tell; ``unknown`` those they cannot (a missing
    parameter may still exist). num_layers is never known from a part: it is at least
    ``min_layers``.
    """

    kind: ModuleKind
    known: tuple[tuple[str, int | bool], ...]
    """(argument, value), in torch's order: input_size, hidden_size, bias, bidirectional,
    proj_size, as far as the parameters tell them."""
    unknown: tuple[str, ...]
    """The weight-determined arguments the given parameters leave open."""
    min_layers: int = 1

    @property
    def values(self) -> dict[str, int | bool]:
        """``known`` as a mapping."""
        return dict(self.known)

    def spec(self, **fill: int | bool) -> ModuleSpec:
        """The smallest module these parameters fit: every unknown argument at torch's default
        (input_size must be given in ``fill`` when unknown), num_layers at ``min_layers``."""
        arguments: dict[str, int | bool] = {**self.values, **fill}
        if not self.kind.is_cell:
            arguments.setdefault("num_layers", self.min_layers)
        return ModuleSpec(**arguments, kind=self.kind)  # type: ignore[arg-type]

    def call(self) -> str:
        """The constructor call, ``?`` for an input_size the parameters do not tell, the other
        unknowns left out: ``nn.LSTM(?, 256)``."""
        values = self.values
        spec = self.spec(input_size=values.get("input_size", 1))
        text = spec.torch_call()
        if "input_size" in values:
            return text
        head = f"nn.{self.kind.name}("
        return head + "?" + text[len(head) + len(str(spec.input_size)) :]
