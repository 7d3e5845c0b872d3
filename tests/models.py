"""Random models for the trace tests: one to three recurrent layers among other layers, each
batch_first or not, bidirectional or not, fed packed (pack_padded_sequence inside forward) or
padded, its states passed or not; a cell at the end, sometimes."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.strategies import torch

nn = torch.nn
rnn = torch.nn.utils.rnn


@st.composite
def stages(draw: st.DrawFn) -> dict[str, Any]:
    """One recurrent layer of a model and how forward() calls it."""
    kind = draw(st.sampled_from(["LSTM", "GRU", "RNN"]))
    hidden = draw(st.integers(1, 12))
    stage: dict[str, Any] = {
        "kind": kind,
        "hidden_size": hidden,
        "num_layers": draw(st.integers(1, 3)),
        "batch_first": draw(st.booleans()),
        "bidirectional": draw(st.booleans()),
        "packed": draw(st.booleans()),
        "enforce_sorted": draw(st.booleans()),
        "states": draw(st.booleans()),
    }
    if kind == "LSTM" and draw(st.booleans()) and hidden > 1:
        stage["proj_size"] = draw(st.integers(1, hidden - 1))
    return stage


@st.composite
def model_configs(draw: st.DrawFn) -> dict[str, Any]:
    """A model's layers and its example input: (N, L, H_in) and each sequence's length."""
    batch = draw(st.integers(1, 4))
    steps = draw(st.integers(1, 6))
    lengths = draw(st.lists(st.integers(1, steps), min_size=batch, max_size=batch))
    lengths[0] = steps  # the padded batch is as long as its longest sequence
    return {
        "input_size": draw(st.integers(1, 10)),
        "batch": batch,
        "steps": steps,
        "lengths": lengths,
        "stages": draw(st.lists(stages(), min_size=1, max_size=3)),
        "cell": draw(st.sampled_from([None, "LSTMCell", "GRUCell", "RNNCell"])),
    }


class Stage(nn.Module):
    """A recurrent layer, called as a project calls it: transposed to its layout, packed or not,
    states built from the input's batch or left out; then a Linear to the next width."""

    def __init__(self, width: int, stage: dict[str, Any], out: int) -> None:
        super().__init__()
        arguments = {k: v for k, v in stage.items() if k in _MODULE_ARGUMENTS}
        self.stage = stage
        self.rnn = getattr(nn, stage["kind"])(width, **arguments)
        d = 2 if stage["bidirectional"] else 1
        self.h_out = stage.get("proj_size") or stage["hidden_size"]
        self.rows = d * stage["num_layers"]
        self.proj = nn.Linear(d * self.h_out, out)

    def forward(self, x: Any, lengths: list[int]) -> Any:  # x: (N, L, H)
        s = self.stage
        batch_first = s["batch_first"]
        inputs = x if batch_first else x.transpose(0, 1)
        hx = None
        if s["states"]:
            h_0 = x.new_zeros(self.rows, x.size(0), self.h_out)
            c_0 = x.new_zeros(self.rows, x.size(0), s["hidden_size"])
            hx = (h_0, c_0) if s["kind"] == "LSTM" else h_0
        if s["packed"]:
            order = sorted(lengths, reverse=True) if s["enforce_sorted"] else lengths
            index = sorted(range(len(lengths)), key=lambda i: -lengths[i])
            if s["enforce_sorted"]:
                x = x[torch.tensor(index)]
                inputs = x if batch_first else x.transpose(0, 1)
            packed = rnn.pack_padded_sequence(
                inputs, torch.tensor(order), batch_first, s["enforce_sorted"]
            )
            out, _ = self.rnn(packed, hx)
            out, _ = rnn.pad_packed_sequence(out, batch_first, total_length=x.size(1))
            if s["enforce_sorted"]:  # back to the batch's own order
                out = out.index_select(0 if batch_first else 1, torch.tensor(index).argsort())
        else:
            out, _ = self.rnn(inputs, hx)
        out = out if batch_first else out.transpose(0, 1)
        return torch.relu(self.proj(out))


_MODULE_ARGUMENTS = ("hidden_size", "num_layers", "batch_first", "bidirectional", "proj_size")


class RandomModel(nn.Module):
    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        width = config["input_size"]
        layers = []
        for stage in config["stages"]:
            out = stage["hidden_size"] + 1
            layers.append(Stage(width, stage, out))
            width = out
        self.stages = nn.ModuleList(layers)
        self.cell = None if config["cell"] is None else getattr(nn, config["cell"])(width, 5)

    def forward(self, x: Any, lengths: list[int]) -> Any:
        for stage in self.stages:
            x = stage(x, lengths)
        if self.cell is not None:
            return self.cell(x[:, -1])
        return x


def build(config: dict[str, Any], seed: int = 0) -> tuple[Any, Any]:
    """The model and its example input (N, L, H_in)."""
    torch.manual_seed(seed)
    model = RandomModel(config).eval()
    x = torch.randn(config["batch"], config["steps"], config["input_size"])
    return model, x
