"""A fix for a recurrent layer inside a model, in the words of the model's code.

The core's fixes name explain()'s arguments (``input_size=8``, ``input=(5, 3, 9)``): right for one
module called by hand, but inside a model the user writes neither a call to explain() nor the
layer's input. Here a constructor argument is said as set on that layer's constructor, and a
tensor as what the layer must be given; anything else as Python says it.
"""

from __future__ import annotations

from lstmshape.i18n import tr
from lstmshape.i18n.words import PYTHON, Change, Value, python_value
from lstmshape.torchfacts.kinds import KINDS

# Every argument some member of the family's constructor takes.
_CONSTRUCTOR = frozenset(name for kind in KINDS.values() for name in kind.arguments)
_TENSORS = ("input", "h_0", "c_0", "hx")


class LayerVoice:
    """The voice of a trace's failure in ``layer`` (its path in the model, or its class)."""

    def __init__(self, layer: str) -> None:
        self.layer = layer

    def arg(self, argument: str) -> str:
        return PYTHON.arg(argument)

    def change(self, change: Change) -> str:
        said = PYTHON.change(change)
        if change.argument in _CONSTRUCTOR:
            return tr("{setting} in {path}'s constructor", setting=said, path=self.layer)
        if change.argument in _TENSORS and change.value is not None:
            return tr(
                "{tensor} of shape {shape} for {path}",
                tensor=change.argument,
                shape=python_value(change.value),
                path=self.layer,
            )
        return said

    def typed(self, argument: str, text: str) -> str:
        return PYTHON.typed(argument, text)

    def value(self, argument: str, value: Value) -> str:
        return PYTHON.value(argument, value)

    def joined(self, parts: list[str]) -> str:
        return PYTHON.joined(parts)
