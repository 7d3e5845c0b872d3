"""What the diagnosis knows of a call besides the tensor at fault: the module's arguments and the
input's shape (explain knows them all; ``why`` what the user tells it besides torch's text), and
the hints the text around torch's sentence gives.

With them a likely cause can become a proven one: torch's sentence says "Expected hidden[0] size
(4, 3, 20), got [2, 3, 20]"; with ``bidirectional=True, num_layers=2`` given, the two rows are
num_layers rows for a module that needs D*num_layers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from lstmshape.commands.explain.layout import Layout
from lstmshape.errors import LstmShapeError
from lstmshape.i18n import tr
from lstmshape.reading.python_values import shape_of
from lstmshape.torchfacts.arguments import CONSTRUCTOR
from lstmshape.torchfacts.kinds import KINDS, ModuleKind, read_module
from lstmshape.torchfacts.rules import integer
from lstmshape.torchfacts.spec import ModuleSpec

# The arguments why may be told besides hidden_size (the rows told "if you know it"): each sets the
# module the arguments given build.
_SETTINGS = tuple(a.name for a in CONSTRUCTOR if a.known_help and a.name != "hidden_size")


@dataclass
class Hints:
    """What the text's own lines say (None: not said): they rank the causes and prove none.
    ``why`` reads them (lstmshape.commands.why.evidence); explain has none."""

    num_layers: int | None = None
    bidirectional: bool | None = None
    batch_first: bool | None = None
    hidden_size: int | None = None
    batch_sizes: set[int] = field(default_factory=set)
    """Numbers the text names a batch size."""
    lengths: set[int] = field(default_factory=set)
    """Numbers the text names a sequence length (bptt, seq_len)."""
    initial_state: bool = False
    """The text builds a state with zeros, random values or init_hidden."""
    computed_state: bool = False
    """The text passes a state the model computed (an encoder's, a latent)."""
    tuple_state: bool = False
    """The failing call passes its states as a tuple written out, (h, c)."""
    data_parallel: bool = False
    lstm_cell: bool = False
    """The text builds an nn.LSTMCell."""
    nested: tuple[str, ...] = ()
    """A training checkpoint's entries the text names ('epoch', 'model_state_dict')."""
    gru_to_lstm: bool = False
    """The text says a GRU became an LSTM (whose state is a tuple, (h_0, c_0))."""


class Given(NamedTuple):
    """The module's arguments and the input's shape the user knows (None: not said)."""

    module: ModuleKind | None = None
    input: tuple[int, ...] | None = None
    hidden_size: int | None = None
    num_layers: int | None = None
    bidirectional: bool | None = None
    batch_first: bool | None = None
    proj_size: int | None = None
    seen: Hints | None = None
    """What the text's own lines say (its source lines, the numbers it names): it ranks the
    causes, and proves none."""

    @classmethod
    def of_call(cls, spec: ModuleSpec, input_shape: tuple[int, ...]) -> Given:
        """What explain knows of a call: the whole module, the input's shape, and each state
        given on its own (never one tensor for the tuple (h_0, c_0))."""
        return cls(
            module=spec.kind,
            input=input_shape,
            hidden_size=spec.hidden_size,
            num_layers=spec.num_layers,
            bidirectional=spec.bidirectional,
            batch_first=spec.batch_first,
            proj_size=spec.proj_size,
            seen=Hints(tuple_state=True),
        )

    @classmethod
    def read(cls, **values: Any) -> Given:
        """Read what the API or the command line gives (the same readers as explain)."""
        module = None if values.get("module") is None else read_module(values["module"])
        shape = None if values.get("input") is None else shape_of(values["input"], "input")
        rest = {
            k: integer(v)
            for k, v in values.items()
            if k not in ("module", "input") and v is not None
        }
        known = cls(module=module, input=shape, **rest)
        known.check()
        return known

    def check(self) -> None:
        """Refuse what torch would refuse (``hidden_size=-3``, ``num_layers=0``, a float, a
        string), with the same error and fix as explain: the module the arguments given build,
        the others at values torch takes. The input's size is not checked: an input of 0 features
        may be the very error to explain."""
        arguments = {
            name: getattr(self, name) for name in _SETTINGS if getattr(self, name) is not None
        }
        hidden = self.hidden_size
        if hidden is None:  # any size proj_size is smaller than
            proj = self.proj_size if isinstance(self.proj_size, int) else 0
            hidden = max(proj, 0) + 1
        kind = self.module or KINDS["LSTM"]
        ModuleSpec(1, hidden, kind=kind, **arguments)

    def said(self) -> dict[str, Any]:
        """What was given, by torch's names (for the result's JSON)."""
        values = {name: getattr(self, name) for name in self._fields if name != "seen"}
        if self.module is not None:
            values["module"] = self.module.name
        return {
            k: list(v) if isinstance(v, tuple) else v for k, v in values.items() if v is not None
        }

    @property
    def evidence(self) -> Hints:
        """What the text says, or nothing."""
        return self.seen if self.seen is not None else Hints()

    def likely(self, name: str) -> object:
        """An argument as given, else as the text's own lines say it (for ranking only)."""
        value = getattr(self, name)
        return value if value is not None else getattr(self.evidence, name, None)

    @property
    def likely_D(self) -> int | None:
        """D as given, else as the text says bidirectional."""
        bidirectional = self.likely("bidirectional")
        return None if bidirectional is None else 2 if bidirectional else 1

    @property
    def D(self) -> int | None:
        """2 when bidirectional was said, 1 when not bidirectional was said."""
        return None if self.bidirectional is None else 2 if self.bidirectional else 1

    def constructor(self, arguments: str, candidates: tuple[str, ...]) -> str:
        """A fix's constructor call: the class said, or the sentence's candidates when none was
        (``input.size(-1) must be ...`` is said alike by nn.LSTM, nn.GRU and nn.RNN)."""
        if self.module is not None:
            return f"nn.{self.module.name}({arguments})"
        others = ", ".join(f"nn.{name}" for name in candidates[1:])
        call = f"nn.{candidates[0]}({arguments})"
        if not others:
            return call
        return tr("{call} (or {others}: the class you built)", call=call, others=others)

    def layout(self) -> tuple[ModuleSpec, Layout] | None:
        """The module and the input's layout, when enough was given to build them."""
        if self.input is None or self.hidden_size is None or len(self.input) not in (2, 3):
            return None
        arguments = {
            name: getattr(self, name) for name in _SETTINGS if getattr(self, name) is not None
        }
        kind = self.module or KINDS["LSTM"]
        try:
            spec = ModuleSpec(self.input[-1], self.hidden_size, kind=kind, **arguments)
        except LstmShapeError:
            return None
        return spec, Layout.of(spec, self.input)
