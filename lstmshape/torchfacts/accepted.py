"""What torch accepts for an argument, read as torch reads it: a size of any integer type, a module
named by its class's name in any letter case.

Here, below the readers of text (lstmshape.reading), because a ModuleSpec reads its own fields
(``ModuleSpec(kind="gru", hidden_size=np.int64(20))``) when it is built.
"""

from __future__ import annotations

import operator
from typing import Any

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n import tr
from lstmshape.i18n.text import shortened
from lstmshape.i18n.words import Typed, fix, words
from lstmshape.torchfacts.kinds import KINDS, ModuleKind, kind_named


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
        words("{shown} is not one of {names}.", shown=shown, names=", ".join(KINDS)),
        problem=tr("not one of {names}", names=", ".join(KINDS)),
        hint=words("Try {fix}, or GRU, RNN, LSTMCell, GRUCell, RNNCell.", fix=fix(module="LSTM")),
    )


def integer(value: Any) -> Any:
    """An integer of any type (``numpy.int64(3)``, a 0-d integer array) as the ``int`` it is;
    anything else (a bool, a float, a string, None) as it is, for the rules to judge.

    The one reader of sizes for every entry point of the API: ``why(text, proj_size=np.int64(3))``
    means proj_size=3, as ``nn.LSTM(10, 20, proj_size=np.int64(3))`` does.
    """
    if isinstance(value, (bool, int)) or not hasattr(value, "__index__"):
        return value
    if getattr(getattr(value, "dtype", None), "kind", "") == "b":  # numpy.bool_ stays a bool
        return value
    try:
        return operator.index(value)
    except TypeError:
        return value
