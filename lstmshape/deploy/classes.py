"""The configuration classes lstmshape measures deployment on, and which one a spec falls in.

Each class is one small configuration (docs/deploy.md's rows); a spec is said with the verdicts of
the class that shares its most telling argument: proj_size first (both exporters trip on it), then
the module's kind, batch_first, bidirectional, then num_layers.
"""

from __future__ import annotations

from typing import Any

from lstmshape.torchfacts.spec import ModuleSpec

# name -> explain()'s arguments. Packed input is measured on the padded tensor (see docs/deploy.md).
CLASSES: dict[str, dict[str, Any]] = {
    "plain": {"input": (4, 3, 10), "hidden_size": 20},
    "stacked": {"input": (4, 3, 10), "hidden_size": 20, "num_layers": 2},
    "bidirectional": {"input": (4, 3, 10), "hidden_size": 20, "bidirectional": True},
    "proj_size": {"input": (4, 3, 10), "hidden_size": 20, "proj_size": 5},
    "GRU": {"input": (4, 3, 10), "hidden_size": 20, "module": "GRU"},
    "RNN": {"input": (4, 3, 10), "hidden_size": 20, "module": "RNN"},
    "packed": {"input": (4, 3, 10), "hidden_size": 20, "lengths": (4, 3, 2)},
    "batch_first": {"input": (3, 4, 10), "hidden_size": 20, "batch_first": True},
}


def class_of(spec: ModuleSpec) -> str:
    """The class whose measured verdicts ``spec`` is said with."""
    if spec.proj_size > 0:
        return "proj_size"
    if spec.kind.name != "LSTM":
        return spec.kind.name
    if spec.batch_first:
        return "batch_first"
    if spec.bidirectional:
        return "bidirectional"
    if spec.num_layers > 1:
        return "stacked"
    return "plain"
