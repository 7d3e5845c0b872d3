"""Random configurations for the tests that hold lstmshape against torch, and how to run them."""

from __future__ import annotations

import warnings
from typing import Any

from hypothesis import strategies as st

from lstmshape import ModuleSpec
from lstmshape.torchfacts.kinds import KINDS
from tests.conftest import import_torch

torch = import_torch()
Shape = tuple[int, ...]


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    """Valid nn.LSTM arguments and a fitting input: unbatched, batch_first, bidirectional,
    proj_size, several layers, no bias, dropout, and every combination of them."""
    hidden = draw(st.integers(1, 24))
    input_size = draw(st.integers(1, 24))
    batch_first = draw(st.booleans())
    length = draw(st.integers(1, 6))
    batch = draw(st.integers(0, 5))
    batched = draw(st.booleans())
    if batched:
        shape: Shape = (batch, length, input_size) if batch_first else (length, batch, input_size)
    else:
        shape = (length, input_size)
    module = draw(st.sampled_from(list(KINDS)))
    if KINDS[module].is_cell:
        cell: dict[str, Any] = {
            "module": module,
            "input": (batch, input_size) if batched else (input_size,),
            "hidden_size": hidden,
            "bias": draw(st.booleans()),
        }
        if module == "RNNCell":
            cell["nonlinearity"] = draw(st.sampled_from(["tanh", "relu"]))
        return cell
    config = {
        "module": module,
        "input": shape,
        "hidden_size": hidden,
        "num_layers": draw(st.integers(1, 4)),
        "bias": draw(st.booleans()),
        "batch_first": batch_first,
        "dropout": draw(st.sampled_from([0.0, 0.25, 1.0])),
        "bidirectional": draw(st.booleans()),
    }
    if module == "LSTM":
        config["proj_size"] = draw(st.integers(0, hidden - 1)) if draw(st.booleans()) else 0
    if module == "RNN":
        config["nonlinearity"] = draw(st.sampled_from(["tanh", "relu"]))
    return config


def spec_of(config: dict[str, Any]) -> ModuleSpec:
    """The ModuleSpec of a config as explain() reads it (input_size from the input by default)."""
    args = {
        k: v for k, v in config.items() if k not in ("input", "module", "lengths", "enforce_sorted")
    }
    args.setdefault("input_size", config["input"][-1] if config["input"] else 0)
    return ModuleSpec(**args, kind=KINDS[config.get("module", "LSTM")])


@st.composite
def packed_configs(draw: st.DrawFn) -> dict[str, Any]:
    """A sequence module on a padded batch, with lengths that torch can pack."""
    config = draw(configs().filter(lambda c: not KINDS[c["module"]].is_cell))
    spec = spec_of(config)
    length, batch = (
        (config["input"][1], config["input"][0])
        if spec.batch_first
        else (config["input"][0], config["input"][1])
    )
    batch = max(batch, 1)  # torch cannot pack an empty batch
    shape = (
        (batch, length, spec.input_size) if spec.batch_first else (length, batch, spec.input_size)
    )
    lengths = draw(st.lists(st.integers(1, length), min_size=batch, max_size=batch))
    enforce_sorted = draw(st.booleans())
    if enforce_sorted:
        lengths.sort(reverse=True)
    return {**config, "input": shape, "lengths": tuple(lengths), "enforce_sorted": enforce_sorted}


def call(module: Any, x: Any, states: tuple[Any, ...] | None) -> tuple[Any, tuple[Any, ...]]:
    """module(x, states) the way each class takes its states: (output or None for a cell, finals
    as a tuple)."""
    args = (x,) if states is None else (x, states if len(states) > 1 else states[0])
    if isinstance(module, torch.nn.RNNCellBase):
        result = module(*args)
        return None, result if isinstance(result, tuple) else (result,)
    output, finals = module(*args)
    return output, finals if isinstance(finals, tuple) else (finals,)


def build(spec: ModuleSpec) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dropout with one layer: stated in lstmshape's notes
        return getattr(torch.nn, spec.kind.name)(**spec.constructor_kwargs()).eval()


def run_packed(spec: ModuleSpec, config: dict[str, Any], states: tuple[Any, ...] | None) -> Any:
    rnn = torch.nn.utils.rnn
    packed = rnn.pack_padded_sequence(
        torch.randn(*config["input"]),
        list(config["lengths"]),
        batch_first=spec.batch_first,
        enforce_sorted=config["enforce_sorted"],
    )
    output, finals = call(build(spec), packed, states)
    padded, lengths = rnn.pad_packed_sequence(output, batch_first=spec.batch_first)
    return packed, output, finals, padded, lengths


@st.composite
def specs(draw: st.DrawFn) -> ModuleSpec:
    """Any module of the family with any option that changes its parameters (and those that do
    not: nonlinearity, dropout, batch_first), small enough to build in torch."""
    kind = KINDS[draw(st.sampled_from(list(KINDS)))]
    hidden = draw(st.integers(1, 12))
    args: dict[str, Any] = {
        "input_size": draw(st.integers(1, 12)),
        "hidden_size": hidden,
        "bias": draw(st.booleans()),
    }
    if kind.has_nonlinearity:
        args["nonlinearity"] = draw(st.sampled_from(["tanh", "relu"]))
    if not kind.is_cell:
        args["num_layers"] = draw(st.integers(1, 4))
        args["bidirectional"] = draw(st.booleans())
        args["batch_first"] = draw(st.booleans())
        args["dropout"] = draw(st.sampled_from([0.0, 0.5]))
    if kind.supports_proj_size and hidden > 1 and draw(st.booleans()):
        args["proj_size"] = draw(st.integers(1, hidden - 1))
    return ModuleSpec(**args, kind=kind)


# State_dict prefixes as models name their layers: top level, an attribute, a nested path, an index.
prefixes = st.sampled_from(["", "lstm", "encoder.rnn", "model.layers.0.cell", "module.decoder.gru"])
