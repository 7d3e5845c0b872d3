"""The module's constructor arguments, validated with torch's own rules before torch is imported.

The checks follow torch.nn.RNNBase.__init__ in its order and quote its messages, so that the first
fault lstmshape reports is the one torch would raise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from math import prod

from lstmshape.errors import InvalidModuleError
from lstmshape.kinds import LSTM, ModuleKind

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


def cell_argument_error(kind: ModuleKind, arg: str) -> InvalidModuleError:
    """What a cell says to a sequence module's argument (num_layers, ...): torch's TypeError, even
    for the default value, since the cell has no such parameter at all."""
    option = "--layers" if arg == "num_layers" else "--" + arg.replace("_", "-")
    return InvalidModuleError(
        f"{kind.A} has no {arg}: a cell runs one time step of one layer, in one direction, each call.",
        argument=arg,
        torch_says=f"{kind.name}.__init__() got an unexpected keyword argument '{arg}'",
        hint=f"Try without {option}, or --module {kind.sequence_module}.",
    )


@dataclass(frozen=True)
class ModuleSpec:
    """Constructor arguments of a torch recurrent module (torch's names and defaults).

    Building one validates it: an invalid combination raises :class:`InvalidModuleError` with the
    message torch would give.
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
        self._validate()

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
        kwargs: dict[str, int | float | bool | str] = {
            "input_size": self.input_size,
            "hidden_size": self.hidden_size,
        }
        if self.kind.is_cell:
            kwargs["bias"] = self.bias
            if self.kind.has_nonlinearity:
                kwargs["nonlinearity"] = self.nonlinearity
            return kwargs
        kwargs["num_layers"] = self.num_layers
        if self.kind.has_nonlinearity:
            kwargs["nonlinearity"] = self.nonlinearity
        kwargs.update(
            bias=self.bias,
            batch_first=self.batch_first,
            dropout=self.dropout,
            bidirectional=self.bidirectional,
        )
        if self.kind.supports_proj_size:
            kwargs["proj_size"] = self.proj_size
        return kwargs

    def torch_call(self) -> str:
        """The constructor call as a user would write it: ``nn.LSTM(10, 20, num_layers=2)``."""
        defaults = _defaults(self.kind)
        args = [str(self.input_size), str(self.hidden_size)]
        for name, value in self.constructor_kwargs().items():
            if name not in ("input_size", "hidden_size") and value != defaults[name]:
                args.append(f"{name}={value!r}")
        return f"nn.{self.kind.name}({', '.join(args)})"

    def _validate(self) -> None:
        if self.kind.is_cell:
            self._validate_cell()
            return
        # nn.GRU and nn.RNN check these in their own __init__, before RNNBase's checks.
        if self.proj_size != 0 and not self.kind.supports_proj_size:
            raise InvalidModuleError(
                f"proj_size={self.proj_size}: only an LSTM projects its hidden state; "
                f"{self.kind.a} has no proj_size.",
                argument="proj_size",
                torch_says="proj_size argument is only supported for LSTM, not RNN or GRU",
                hint="Try without --proj-size, or --module LSTM.",
            )
        if self.kind.has_nonlinearity and self.nonlinearity not in ("tanh", "relu"):
            raise InvalidModuleError(
                f"nonlinearity={self.nonlinearity!r}: an RNN applies tanh or relu.",
                argument="nonlinearity",
                torch_says=f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.",
                hint="Try --nonlinearity tanh (the default) or --nonlinearity relu.",
            )
        if not self.kind.has_nonlinearity and self.nonlinearity != "tanh":
            raise InvalidModuleError(
                f"nonlinearity={self.nonlinearity!r}: only nn.RNN takes a nonlinearity; {self.kind.a}'s "
                "gates fix their own.",
                argument="nonlinearity",
                torch_says="RNNBase.__init__() got an unexpected keyword argument 'nonlinearity'",
                hint="Try without --nonlinearity, or --module RNN.",
            )
        # torch checks dropout first, and rejects bool although bool is a number.
        if isinstance(self.dropout, bool) or not 0 <= self.dropout <= 1:
            raise InvalidModuleError(
                f"dropout={self.dropout} is outside [0, 1]: it is the probability of zeroing an element.",
                argument="dropout",
                torch_says="dropout should be a number in range [0, 1] representing the probability "
                "of an element being zeroed",
                hint="Try --dropout 0.2 (or 0 for no dropout).",
            )
        for arg in ("bias", "batch_first", "bidirectional"):
            value = getattr(self, arg)
            if not isinstance(value, bool):
                raise InvalidModuleError(
                    f"{arg}={value!r} is not a bool.",
                    argument=arg,
                    torch_says=f"{arg} should be of type bool, got: {type(value).__name__}",
                    hint=f"Try {arg}=True or {arg}=False.",
                )
        for arg in ("input_size", "hidden_size", "num_layers", "proj_size"):
            value = getattr(self, arg)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidModuleError(
                    f"{arg}={value!r} is not a whole number.",
                    argument=arg,
                    torch_says=f"{arg} should be of type int, got: {type(value).__name__}",
                    hint=f"Try {arg}=20.",
                )
        if self.input_size <= 0:
            raise InvalidModuleError(
                f"input_size={self.input_size}: the input's features (H_in) must be at least 1.",
                argument="input_size",
                torch_says="input_size must be greater than zero",
                hint="Try --input-size 10, or an --input whose last dimension is at least 1.",
            )
        if self.hidden_size <= 0:
            raise InvalidModuleError(
                f"hidden_size={self.hidden_size}: the hidden state needs at least 1 feature.",
                argument="hidden_size",
                torch_says="hidden_size must be greater than zero",
                hint="Try --hidden 20.",
            )
        if self.num_layers <= 0:
            raise InvalidModuleError(
                f"num_layers={self.num_layers}: {self.kind.a} needs at least one layer.",
                argument="num_layers",
                torch_says="num_layers must be greater than zero",
                hint="Try --layers 1.",
            )
        if self.proj_size < 0:
            raise InvalidModuleError(
                f"proj_size={self.proj_size} is negative.",
                argument="proj_size",
                details=["proj_size=0 disables the projection; a positive value projects h."],
                torch_says="proj_size should be a positive integer or zero to disable projections",
                hint="Try --proj-size 0.",
            )
        if self.proj_size >= self.hidden_size:
            raise InvalidModuleError(
                f"proj_size={self.proj_size} is not smaller than hidden_size={self.hidden_size}.",
                argument="proj_size",
                details=["The projection shrinks h from hidden_size to proj_size features."],
                torch_says="proj_size has to be smaller than hidden_size",
                hint=f"Try --proj-size {self.hidden_size // 2} (1 to {self.hidden_size - 1}), "
                "or 0 for no projection."
                if self.hidden_size > 1
                else "Try --proj-size 0: a hidden_size of 1 leaves no room for a projection.",
            )
        self._check_storage()

    def _validate_cell(self) -> None:
        """A cell's rules: torch's RNNCellBase checks no size, so only torch.empty refuses one."""
        name = self.kind.name
        sequence_only = {
            "num_layers": self.num_layers != 1,
            "batch_first": self.batch_first,
            "dropout": self.dropout != 0,
            "bidirectional": self.bidirectional,
            "proj_size": self.proj_size != 0,
        }
        for arg, given in sequence_only.items():
            if given:
                raise cell_argument_error(self.kind, arg)
        if not self.kind.has_nonlinearity and self.nonlinearity != "tanh":
            raise InvalidModuleError(
                f"nonlinearity={self.nonlinearity!r}: only nn.RNNCell takes a nonlinearity.",
                argument="nonlinearity",
                torch_says=f"{name}.__init__() got an unexpected keyword argument 'nonlinearity'",
                hint="Try without --nonlinearity, or --module RNNCell.",
            )
        for arg in ("input_size", "hidden_size"):
            value = getattr(self, arg)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidModuleError(
                    f"{arg}={value!r} is not a whole number.",
                    argument=arg,
                    hint=f"Try {arg}=20.",
                )
        weight_ih = [self.kind.gates * self.hidden_size, self.input_size]
        negative = [size for size in weight_ih if size < 0]
        if negative:
            arg = "hidden_size" if weight_ih[0] < 0 else "input_size"
            raise InvalidModuleError(
                f"{arg}={getattr(self, arg)} is negative.",
                argument=arg,
                torch_says=f"Trying to create tensor with negative dimension {negative[0]}: "
                f"{weight_ih}",
                hint="Try --hidden 20." if arg == "hidden_size" else "Try --input-size 10.",
            )
        if self.kind.has_nonlinearity and self.nonlinearity not in ("tanh", "relu"):
            # torch builds this cell, but its forward pass raises: it can explain no shape.
            raise InvalidModuleError(
                f"nonlinearity={self.nonlinearity!r}: an RNNCell applies tanh or relu.",
                argument="nonlinearity",
                torch_says=f"Unknown nonlinearity: {self.nonlinearity}",
                hint="Try --nonlinearity tanh (the default) or --nonlinearity relu.",
            )
        self._check_storage()

    def parameters(self, layers: range | None = None) -> tuple[Parameter, ...]:
        """The parameters torch registers, in its order; only those of ``layers`` if given."""
        return _parameters(self, layers)

    def _build_parameters(self, layers: range | None) -> tuple[Parameter, ...]:
        gates = self.kind.gates
        rows = gates * self.H_cell
        g = self.kind.width_symbol if gates == 1 else f"{gates}*{self.kind.width_symbol}"
        params: list[Parameter] = []
        if self.kind.is_cell:
            cell: list[tuple[str, tuple[int, ...], str]] = [
                ("weight_ih", (rows, self.input_size), f"({g}, H_in)"),
                ("weight_hh", (rows, self.H_out), f"({g}, H_out)"),
            ]
            if self.bias:
                cell += [("bias_ih", (rows,), f"({g},)"), ("bias_hh", (rows,), f"({g},)")]
            return tuple(
                Parameter(name, shape, 0, "forward", symbols) for name, shape, symbols in cell
            )
        for layer in layers if layers is not None else range(self.num_layers):
            in_width, in_symbol = (
                (self.input_size, "H_in") if layer == 0 else (self.D * self.H_out, "D*H_out")
            )
            for direction in range(self.D):
                suffix, way = ("_reverse", "reverse") if direction else ("", "forward")
                shapes: list[tuple[str, tuple[int, ...], str]] = [
                    ("weight_ih", (rows, in_width), f"({g}, {in_symbol})"),
                    ("weight_hh", (rows, self.H_out), f"({g}, H_out)"),
                ]
                if self.bias:
                    shapes += [("bias_ih", (rows,), f"({g},)"), ("bias_hh", (rows,), f"({g},)")]
                if self.proj_size > 0:
                    shapes.append(
                        ("weight_hr", (self.proj_size, self.H_cell), "(proj_size, H_cell)")
                    )
                params += [
                    Parameter(f"{stem}_l{layer}{suffix}", shape, layer, way, symbols)
                    for stem, shape, symbols in shapes
                ]
        return tuple(params)

    def _distinct_shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        """Every distinct parameter shape, named as the first parameter in torch's order that has
        it: layers above the first repeat layer 1's shapes, the reverse direction the forward's."""
        rows = self.kind.gates * self.H_cell
        suffix = "" if self.kind.is_cell else "_l0"
        shapes: list[tuple[str, tuple[int, ...]]] = [
            (f"weight_ih{suffix}", (rows, self.input_size)),
            (f"weight_hh{suffix}", (rows, self.H_out)),
        ]
        if self.bias:
            shapes.append((f"bias_ih{suffix}", (rows,)))
        if self.proj_size > 0:
            shapes.append(("weight_hr_l0", (self.proj_size, self.H_cell)))
        if self.num_layers > 1 and not self.kind.is_cell:
            shapes.append(("weight_ih_l1", (rows, self.D * self.H_out)))
        return shapes

    def _check_storage(self) -> None:
        """Refuse what torch.empty refuses: a parameter whose size overflows torch's int64 sizes."""
        for name, shape in self._distinct_shapes():
            too_long = [i for i, size in enumerate(shape, start=1) if size > INT64_MAX]
            if too_long:
                # torch's first line, as it prints it (a C++ trace follows it).
                says = (
                    f"empty(): argument 'size' failed to unpack the object at pos {too_long[0]} "
                    'with error "Overflow when unpacking long long'
                )
            elif prod(shape) * _FLOAT32_BYTES > INT64_MAX:
                says = f"Storage size calculation overflowed with sizes={list(shape)}"
            else:
                continue
            sizes = {"input_size": self.input_size, "hidden_size": self.hidden_size}
            raise InvalidModuleError(
                f"{name} would have shape {shape}, more than torch's 64-bit sizes can "
                "count: no device can hold it.",
                argument=max(sizes, key=lambda arg: sizes[arg]),
                details=[
                    "torch names it so on the meta device (shapes only); on a real device, "
                    "allocating the parameters before it may fail first, for lack of memory."
                ],
                torch_says=says,
                hint="Try smaller sizes.",
            )


@cache
def _defaults(kind: ModuleKind) -> dict[str, int | float | bool | str]:
    """The constructor's defaults for ``kind`` (what torch_call leaves out), built once per kind."""
    return ModuleSpec(input_size=1, hidden_size=2, kind=kind).constructor_kwargs()


# A spec file often repeats a module with other inputs; its parameters are the spec's alone.
@lru_cache(maxsize=1024)
def _parameters(spec: ModuleSpec, layers: range | None) -> tuple[Parameter, ...]:
    return spec._build_parameters(layers)
