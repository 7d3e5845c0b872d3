"""The module's arguments, declared once: every fact lstmshape says about one lives in its row here.

A row holds what torch says of the argument (its name, type and default, which members of the family
take it and where in their signature, the order lstmshape refuses it in) and how each front end
presents it (the command line's flag, metavar and help in each command's option group, the spec
file's key and what it takes, the value a fix proposes). The command line's options, the defaults
its --help shows, the spec file's keys, the voices' fixes and torch's constructor rules are all
derived from these rows (tests/test_arguments.py holds every place to them), so an argument torch
grows is added here, once.

``module`` (the class) is a row too: it is set beside the others everywhere, though torch takes it
as the class called, not as a keyword.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Protocol

from lstmshape.i18n import N_

Scalar = int | float | bool | str
"""An argument's value."""

REQUIRED: Final = "required"
"""The default of an argument torch's constructor requires (hidden_size)."""
FROM_INPUT: Final = "from the input"
"""The default of input_size: explain() takes it from the input's last axis."""


class _Kind(Protocol):
    """What a row asks of a member of the family (a ModuleKind, which is declared after it)."""

    @property
    def is_cell(self) -> bool: ...


@dataclass(frozen=True)
class Argument:
    """One argument of the module: torch's facts, then how each front end presents it."""

    name: str
    """torch's keyword (the spec file's key, explain()'s keyword): ``num_layers``."""
    type: type
    """int, float, bool or str: what torch takes (``module``: a class name, a str)."""
    default: object
    """torch's default, or REQUIRED, or FROM_INPUT."""
    example: Scalar
    """The value a fix proposes for a value that cannot be read: ``Try --layers 2``."""
    flag: str
    """The command line's option: ``--layers``."""
    help: str
    """The main command's help (a message; ``{default}`` is the default shown)."""
    takes: str
    """What a spec file's key takes, said after "it takes" (a message)."""
    position: int | None
    """Where a sequence module's signature has it (0 is input_size); None: not taken."""
    cell_position: int | None
    """Where a cell's signature has it; None: cells do not take it."""
    refused: int
    """The order lstmshape reads the arguments in and refuses those a class lacks in (torch's GRU
    and RNN refuse proj_size before nonlinearity, whatever order they are given in)."""
    in_weights: bool
    """Whether a checkpoint's weights fix it (inspect reads it from them and compares it)."""
    needs: str = ""
    """The ModuleKind field that must be true for a class to take it (``supports_proj_size``)."""
    short: str = ""
    """The option's one-letter form: ``-l``."""
    metavar: str = "INT"
    """What --help shows as its value (a flag shows none)."""
    switch: bool | None = None
    """For an argument set by a flag alone: the value the flag sets (``--no-bias``: False)."""
    off_flag: str = ""
    """The flag that says the other value, where a command asks "if you know it" (why)."""
    compare_help: str = ""
    """inspect's help in its group "Compare with the module you meant"; empty: not there."""
    inspect_help: str = ""
    """inspect's help in its group "Explain a module for an input" (an argument the weights do
    not fix); empty: not there."""
    known_help: str = ""
    """why's help ("..., if you know it"); empty: why is not told it."""

    @property
    def constructor(self) -> bool:
        """Whether torch's constructor takes it as a keyword (every row but ``module``)."""
        return self.position is not None or self.cell_position is not None

    @property
    def required(self) -> bool:
        """Whether torch's constructor has no default for it."""
        return self.default == REQUIRED

    @property
    def shown_default(self) -> str:
        """The default as --help shows it: ``1``, ``0`` for dropout's 0.0, ``tanh``."""
        if isinstance(self.default, float):
            return f"{self.default:g}"
        return str(self.default)

    def taken_by(self, kind: _Kind) -> bool:
        """Whether ``kind`` (a ModuleKind) takes it: torch refuses it otherwise, at any value."""
        if self.name == "module":
            return False
        position = self.cell_position if kind.is_cell else self.position
        return position is not None and (not self.needs or bool(getattr(kind, self.needs)))

    def position_in(self, kind: _Kind) -> int:
        """Its place in ``kind``'s signature (a class that does not take it: after all)."""
        position = self.cell_position if kind.is_cell else self.position
        return len(ARGUMENTS) if position is None else position


# The rows in the order the command line lists them (every command's --help, the spec file's
# keys); torch's order is each row's position.
ARGUMENTS: tuple[Argument, ...] = (
    Argument(
        name="hidden_size",
        type=int,
        default=REQUIRED,
        example=20,
        flag="--hidden",
        short="-H",
        help=N_("hidden_size: H_cell for an LSTM, H_out otherwise. [required]"),
        takes=N_("a whole number"),
        position=1,
        cell_position=1,
        refused=0,
        in_weights=True,
        compare_help=N_("hidden_size of the module you meant: compare with it."),
        known_help=N_("hidden_size, if you know it."),
    ),
    Argument(
        name="module",
        type=str,
        default="LSTM",
        example="LSTM",
        flag="--module",
        short="-m",
        metavar="MODULE",
        help=N_("LSTM, GRU, RNN, LSTMCell, GRUCell or RNNCell, in any letter case."),
        takes=N_("LSTM, GRU, RNN, LSTMCell, GRUCell or RNNCell"),
        position=None,
        cell_position=None,
        refused=-1,
        in_weights=True,
        compare_help=N_("Its class: LSTM, GRU, RNN or a cell. [default: {default}]"),
        known_help=N_("The module's class, if you know it."),
    ),
    Argument(
        name="nonlinearity",
        type=str,
        default="tanh",
        example="tanh",
        flag="--nonlinearity",
        metavar="tanh|relu",
        help=N_("RNN's nonlinearity. [default: {default}]"),
        takes=N_('"tanh" or "relu"'),
        position=3,
        cell_position=3,
        refused=7,
        in_weights=False,
        needs="has_nonlinearity",
        inspect_help=N_("RNN's nonlinearity (not in the weights). [default: {default}]"),
    ),
    Argument(
        name="num_layers",
        type=int,
        default=1,
        example=2,
        flag="--layers",
        short="-l",
        help=N_("num_layers. [default: {default}]"),
        takes=N_("a whole number"),
        position=2,
        cell_position=None,
        refused=2,
        in_weights=True,
        compare_help=N_("Its num_layers. [default: {default}]"),
        known_help=N_("num_layers, if you know it."),
    ),
    Argument(
        name="bidirectional",
        type=bool,
        default=False,
        example=True,
        flag="--bidirectional",
        short="-b",
        switch=True,
        off_flag="--unidirectional",
        help=N_("bidirectional=True (D=2)."),
        takes=N_("true or false"),
        position=7,
        cell_position=None,
        refused=5,
        in_weights=True,
        compare_help=N_("It is bidirectional (D=2)."),
        known_help=N_("bidirectional=True (D=2), or False, if you know it."),
    ),
    Argument(
        name="batch_first",
        type=bool,
        default=False,
        example=True,
        flag="--batch-first",
        switch=True,
        off_flag="--no-batch-first",
        help=N_("batch_first=True: input and output are (N, L, ...)."),
        takes=N_("true or false"),
        position=5,
        cell_position=None,
        refused=3,
        in_weights=False,
        inspect_help=N_("batch_first=True (not in the weights)."),
        known_help=N_("batch_first=True, or False, if you know it."),
    ),
    Argument(
        name="proj_size",
        type=int,
        default=0,
        example=0,
        flag="--proj-size",
        short="-p",
        help=N_("proj_size: H_out when > 0 (LSTM only). [default: {default}]"),
        takes=N_("a whole number"),
        position=8,
        cell_position=None,
        refused=6,
        in_weights=True,
        needs="supports_proj_size",
        compare_help=N_("Its proj_size (LSTM only). [default: {default}]"),
        known_help=N_("proj_size, if you know it."),
    ),
    Argument(
        name="dropout",
        type=float,
        default=0.0,
        example=0.2,
        flag="--dropout",
        metavar="FLOAT",
        help=N_("dropout between layers, in [0, 1]. [default: {default}]"),
        takes=N_("a number in [0, 1]"),
        position=6,
        cell_position=None,
        refused=4,
        in_weights=False,
        inspect_help=N_("dropout (not in the weights). [default: {default}]"),
    ),
    Argument(
        name="bias",
        type=bool,
        default=True,
        example=False,
        flag="--no-bias",
        switch=False,
        help=N_("bias=False."),
        takes=N_("true or false"),
        position=4,
        cell_position=2,
        refused=8,
        in_weights=True,
        compare_help=N_("It has bias=False."),
    ),
    Argument(
        name="input_size",
        type=int,
        default=FROM_INPUT,
        example=10,
        flag="--input-size",
        help=N_("The module's input_size, when it differs from the input's last dimension."),
        takes=N_("a whole number"),
        position=0,
        cell_position=0,
        refused=1,
        in_weights=True,
        compare_help=N_("Its input_size. [default: not compared]"),
    ),
)

BY_NAME: dict[str, Argument] = {argument.name: argument for argument in ARGUMENTS}

CONSTRUCTOR: tuple[Argument, ...] = tuple(
    sorted((a for a in ARGUMENTS if a.constructor), key=lambda a: a.refused)
)
"""torch's keyword arguments of the family, in the order lstmshape reads them and refuses those a
class lacks."""

DEFAULTS: dict[str, object] = {
    a.name: a.default for a in CONSTRUCTOR if a.default not in (REQUIRED, FROM_INPUT)
}
"""Each optional constructor argument's default: the value a class that lacks it is refused at."""


def argument(name: str) -> Argument:
    """The row of ``name`` (torch's keyword, or ``module``); KeyError if none."""
    return BY_NAME[name]


def example(name: str) -> Scalar:
    """The value a fix proposes for ``name``: ``example("num_layers")`` is 2."""
    return BY_NAME[name].example


MODULE = BY_NAME["module"]
"""The class's row: ``--module``, the spec file's ``module``, explain()'s ``module``."""
