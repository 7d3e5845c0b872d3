"""The module's constructor arguments, validated with torch's own rules before torch is imported."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from lstmshape.torchfacts.kinds import LSTM, ModuleKind
from lstmshape.torchfacts.parameters import Parameter, count, parameters
from lstmshape.torchfacts.rules import normalized, validate


@dataclass(frozen=True)
class ModuleSpec:
    """Constructor arguments of a torch recurrent module (torch's names and defaults).

    Building one validates it: an invalid combination raises :class:`InvalidModuleError` with the
    message torch would give. ``kind`` is a member of the family or its name (``"gru"``); sizes may
    be any integers (``numpy.int64`` too), never bools or floats.
    """

    input_size: int
    hidden_size: int
    num_layers: int = 1
    bias: bool = True
    batch_first: bool = False
    dropout: float = 0.0
    bidirectional: bool = False
    proj_size: int = 0
    nonlinearity: str = "tanh"
    kind: ModuleKind = field(default=LSTM, compare=True)

    def __post_init__(self) -> None:
        for name, value in normalized(self).items():
            object.__setattr__(self, name, value)
        validate(self)

    @property
    def D(self) -> int:
        """Number of directions: 2 if bidirectional else 1."""
        return 2 if self.bidirectional else 1

    @property
    def H_cell(self) -> int:
        """The cell state's width: hidden_size."""
        return self.hidden_size

    @property
    def H_out(self) -> int:
        """The hidden state's width: proj_size if proj_size > 0 else hidden_size."""
        return self.proj_size if self.proj_size > 0 else self.hidden_size

    def constructor_kwargs(self) -> dict[str, int | float | bool | str]:
        """The arguments as ``torch.nn.LSTM(**kwargs)`` takes them (all of them, defaults included;
        only those the class has: torch refuses proj_size for GRU and RNN, even 0)."""
        return {name: getattr(self, name) for name in self.kind.arguments}

    def torch_call(self) -> str:
        """The constructor call as a user would write it: ``nn.LSTM(10, 20, num_layers=2)``."""
        defaults = _defaults(self.kind)
        args = [str(self.input_size), str(self.hidden_size)]
        for name, value in self.constructor_kwargs().items():
            if name not in ("input_size", "hidden_size") and value != defaults[name]:
                args.append(f"{name}={value!r}")
        return f"nn.{self.kind.name}({', '.join(args)})"

    def parameters(self, layers: range | None = None) -> tuple[Parameter, ...]:
        """The parameters torch registers, in its order; only those of ``layers`` if given."""
        return parameters(self, layers)

    @property
    def num_parameters(self) -> int:
        """``sum(p.numel() for p in module.parameters())``, without listing them."""
        return count(self)


@cache
def _defaults(kind: ModuleKind) -> dict[str, int | float | bool | str]:
    """The constructor's defaults for ``kind`` (what torch_call leaves out), built once per kind."""
    return ModuleSpec(input_size=1, hidden_size=2, kind=kind).constructor_kwargs()
