"""The recurrent module family as data: what differs between members is a row here, not a branch.

Gate counts and names are torch's: nn.LSTM stacks W_ii|W_if|W_ig|W_io into weight_ih, so weight_ih has
gates * hidden_size rows; nn.GRU stacks W_ir|W_iz|W_in; nn.RNN has one matrix. Where torch words a
fault differently for a member, the wording is a row field too.
"""

from __future__ import annotations

from dataclasses import dataclass

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n import N_, tr
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.text import shortened
from lstmshape.i18n.words import Typed, fix, words
from lstmshape.torchfacts.arguments import CONSTRUCTOR


@dataclass(frozen=True)
class ModuleKind:
    """One member of torch's recurrent family."""

    name: str
    """torch's class name, as in ``torch.nn.LSTM``."""
    gates: int
    """G: gates per cell; weight_ih_l{k} and weight_hh_l{k} have G*H_cell rows."""
    gate_names: tuple[str, ...]
    """The gates stacked in that order along weight_ih's first axis."""
    has_cell_state: bool
    """Whether there is a cell state c (c_0 in, c_n out) besides h."""
    supports_proj_size: bool
    """Whether proj_size is a constructor argument (torch refuses it, even 0, for GRU and RNN)."""
    has_nonlinearity: bool = False
    """Whether ``nonlinearity`` ('tanh' or 'relu') is a constructor argument (RNN)."""
    input_rank_sentence: str = "input_rank"
    """The id of torch's sentence for an input of the wrong rank (lstmshape.torchfacts.sentences)."""
    is_cell: bool = False
    """A cell (LSTMCell, ...) runs one time step per call: no sequence, layers or directions."""
    state_rank_sentence: str = ""
    """The id of a cell's sentence for a state of the wrong rank (lstmshape.torchfacts.sentences)."""
    sequence_module: str = ""
    """For a cell, the sequence module that loops it: LSTMCell -> LSTM."""
    elementwise: tuple[tuple[str, int], ...] = ()
    """The element-wise work of one step, per unit of hidden_size, beside the matrix multiplies
    and the bias additions: (what, operations). The convention lstmshape counts MACs with."""

    @property
    def arguments(self) -> tuple[str, ...]:
        """The constructor arguments this class takes, in torch's order: any other is refused, even
        at its default value (a TypeError, or GRU's and RNN's ValueError for proj_size)."""
        taken = [argument for argument in CONSTRUCTOR if argument.taken_by(self)]
        return tuple(a.name for a in sorted(taken, key=lambda a: a.position_in(self)))

    @property
    def a(self) -> str:
        """The name with its article, as a sentence says it: "an LSTM", "a GRU", "an RNN" (each
        language has its own: "LSTM", "un LSTM", "una LSTM")."""
        return tr(_ARTICLED[self.name][0])  # i18n: extracted where made

    @property
    def packed_tensor_names(self) -> tuple[str, ...]:
        """Every tensor of a forward pass on a padded batch packed with pack_padded_sequence."""
        return (
            "input",
            "input.data",
            "input.batch_sizes",
            *self.state_names,
            "output.data",
            "output.batch_sizes",
            *self.final_names,
            "padded_output",
        )

    @property
    def A(self) -> str:
        """The same at the start of a sentence: "An LSTM", "A GRU"."""
        return tr(_ARTICLED[self.name][1])  # i18n: extracted where made

    @property
    def width_symbol(self) -> str:
        """The symbol of hidden_size in this member's docs: H_cell beside a cell state, else H_out."""
        return "H_cell" if self.has_cell_state else "H_out"

    @property
    def state_names(self) -> tuple[str, ...]:
        """The initial states the forward pass takes, in torch's order."""
        return ("h_0", "c_0") if self.has_cell_state else ("h_0",)

    @property
    def final_names(self) -> tuple[str, ...]:
        """The states the forward pass returns: h_n (c_n) after output, or a cell's h_1 (c_1)."""
        suffix = "1" if self.is_cell else "n"
        return (f"h_{suffix}", f"c_{suffix}") if self.has_cell_state else (f"h_{suffix}",)

    @property
    def tensor_names(self) -> tuple[str, ...]:
        """Every tensor of a forward pass: what it takes, then what it returns."""
        output = () if self.is_cell else ("output",)
        return ("input", *self.state_names, *output, *self.final_names)


# Each member's name with its article, inside a sentence and at its start.
_ARTICLED = {
    "LSTM": (N_("an LSTM"), N_("An LSTM")),
    "GRU": (N_("a GRU"), N_("A GRU")),
    "RNN": (N_("an RNN"), N_("An RNN")),
    "LSTMCell": (N_("an LSTMCell"), N_("An LSTMCell")),
    "GRUCell": (N_("a GRUCell"), N_("A GRUCell")),
    "RNNCell": (N_("an RNNCell"), N_("An RNNCell")),
}

# One operation per element for each sum, product or activation of the cell's equations (torch's docs).
# What each is, marked for the catalogs: a view says it with tr().
_LSTM_ELEMENTWISE = (
    (N_("W_i*x + W_h*h for the 4 gates"), 4),
    (N_("sigmoid(i, f, o), tanh(g), tanh(c')"), 5),
    (N_("c' = f*c + i*g"), 3),
    (N_("h' = o*tanh(c')"), 1),
)
_GRU_ELEMENTWISE = (
    (N_("W_i*x + W_h*h for r and z"), 2),
    (N_("sigmoid(r, z), tanh(n)"), 3),
    (N_("n's W_in*x + r*(W_hn*h)"), 2),
    (N_("h' = n + z*(h - n)"), 3),
)
_RNN_ELEMENTWISE = (
    (N_("W_ih*x + W_hh*h"), 1),
    (N_("the nonlinearity (tanh or relu)"), 1),
)

LSTM = ModuleKind(
    name="LSTM",
    gates=4,
    gate_names=("input", "forget", "cell", "output"),
    has_cell_state=True,
    supports_proj_size=True,
    elementwise=_LSTM_ELEMENTWISE,
)

GRU = ModuleKind(
    name="GRU",
    gates=3,
    gate_names=("reset", "update", "new"),
    has_cell_state=False,
    supports_proj_size=False,
    elementwise=_GRU_ELEMENTWISE,
)

RNN = ModuleKind(
    name="RNN",
    gates=1,
    gate_names=(),
    has_cell_state=False,
    supports_proj_size=False,
    has_nonlinearity=True,
    input_rank_sentence="rnn_input_rank",
    elementwise=_RNN_ELEMENTWISE,
)


LSTM_CELL = ModuleKind(
    name="LSTMCell",
    gates=4,
    gate_names=LSTM.gate_names,
    has_cell_state=True,
    supports_proj_size=False,
    input_rank_sentence="cell_input_rank",
    is_cell=True,
    state_rank_sentence="lstm_cell_state_rank",
    sequence_module="LSTM",
    elementwise=_LSTM_ELEMENTWISE,
)

GRU_CELL = ModuleKind(
    name="GRUCell",
    gates=3,
    gate_names=GRU.gate_names,
    has_cell_state=False,
    supports_proj_size=False,
    input_rank_sentence="cell_input_rank",
    is_cell=True,
    state_rank_sentence="cell_state_rank",
    sequence_module="GRU",
    elementwise=_GRU_ELEMENTWISE,
)

RNN_CELL = ModuleKind(
    name="RNNCell",
    gates=1,
    gate_names=(),
    has_cell_state=False,
    supports_proj_size=False,
    has_nonlinearity=True,
    input_rank_sentence="cell_input_rank",
    is_cell=True,
    state_rank_sentence="cell_state_rank",
    sequence_module="RNN",
    elementwise=_RNN_ELEMENTWISE,
)

# Every constructor argument of the family, in the order lstmshape refuses those a class lacks:
# GRU and RNN refuse proj_size before nonlinearity, as their __init__ does.
ALL_ARGUMENTS = tuple(argument.name for argument in CONSTRUCTOR)

KINDS: dict[str, ModuleKind] = {
    kind.name: kind for kind in (LSTM, GRU, RNN, LSTM_CELL, GRU_CELL, RNN_CELL)
}


def kind_named(name: str) -> ModuleKind:
    """The member called ``name``, in any letter case (``gru``, ``lstmcell``); KeyError if none."""
    by_upper = {kind.name.upper(): kind for kind in KINDS.values()}
    return by_upper[name.upper()]


def read_module(value: object, argument: str = "module") -> ModuleKind:
    """Read a module class name, in any letter case (``gru``, ``LSTMCell``), or a kind itself."""
    if isinstance(value, ModuleKind):
        return value
    if isinstance(value, str):
        try:
            return kind_named(value.strip())
        except KeyError:
            pass
    shown = Typed(argument, shortened(value)) if isinstance(value, str) else f"{argument}={value!r}"
    raise UnreadableValueError(
        words("{shown} is not one of {names}.", shown=shown, names=enumerated(KINDS)),
        problem=tr("not one of {names}", names=enumerated(KINDS)),
        hint=words("Try {fix}, or GRU, RNN, LSTMCell, GRUCell, RNNCell.", fix=fix(module="LSTM")),
    )
