"""``lstmshape trace`` on models that do what real libraries do: factories that move or convert
the model (``.to(device)``, ``.half()``, ``self.to(device)`` in ``__init__``), load a saved one
(``Model.load(path)``), clone layers with ``copy.deepcopy``, or read their weights with NumPy.
What torch does outside lstmshape, the trace does; what fails only on fake tensors is never blamed on
the user's code."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult
from tests.strategies import torch

Run = Callable[..., CliResult]

LIBRARY = '''
import copy
import torch
from torch import nn


class Tagger(nn.Module):
    def __init__(self, device="cpu"):
        super().__init__()
        self.embed = nn.Embedding(100, 16)
        self.lstm = nn.LSTM(16, 32, batch_first=True, bidirectional=True)
        self.head = nn.Linear(64, 5)
        self.to(device)  # as many libraries do in __init__

    def forward(self, tokens):
        return self.head(self.lstm(self.embed(tokens))[0])

    @classmethod
    def load(cls, path):  # a library's Model.load(path): torch.load inside the factory
        state = torch.load(path, map_location="cpu", weights_only=False)
        model = cls(**state["hyper_parameters"])
        model.load_state_dict(state["state_dict"])
        return model


class Cloned(nn.Module):
    """Layers cloned with copy.deepcopy, as nn.TransformerEncoder clones its layer."""

    def __init__(self):
        super().__init__()
        self.first = nn.GRU(8, 8, batch_first=True)
        self.second = copy.deepcopy(self.first)
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2)

    def forward(self, x):
        return self.second(self.encoder(self.first(x)[0]))[0]


class Summarised(nn.Module):
    """Reads its weights with NumPy while building: fake tensors have no data to give."""

    def __init__(self, fail=False):
        super().__init__()
        self.lstm = nn.LSTM(8, 8)
        self.scale = float(self.lstm.weight_ih_l0.detach().numpy().std())
        if fail:
            raise ValueError("the vocabulary file is missing")

    def forward(self, x):
        return self.lstm(x * self.scale)[0]


def moved():
    return Tagger().to(torch.device("cuda" if torch.cuda.is_available() else "cpu"))

def moved_by_name():
    return Tagger().to("cpu")

def floated():
    return Tagger().float()

def halved():
    return Tagger().half()

def doubled():
    return Tagger().double()

def moved_in_init():
    return Tagger(device="cpu")

def loaded():
    return Tagger.load(PATH)

def unpickled():
    return torch.load(WHOLE, weights_only=False)

def summarised():
    return Summarised()

def broken():
    return Summarised(fail=True)
'''

FACTORIES = [
    "moved", "moved_by_name", "floated", "halved", "doubled", "moved_in_init", "loaded",
    "unpickled",
]  # fmt: skip


@pytest.fixture
def library(user_code: Path) -> Any:
    """The user's library module, with a saved model beside it (state dict and whole pickle)."""
    path, whole = user_code / "tagger.ckpt", user_code / "whole.pt"
    source = LIBRARY + f"\nPATH = {str(path)!r}\nWHOLE = {str(whole)!r}\n"
    (user_code / "usermodels_lib.py").write_text(source)
    import usermodels_lib

    model = usermodels_lib.Tagger()
    torch.save({"hyper_parameters": {}, "state_dict": model.state_dict()}, path)
    torch.save(model, whole)
    return usermodels_lib


def _hooked(model: Any, *inputs: Any) -> dict[str, dict[str, tuple[int, ...]]]:
    """The shapes each recurrent layer of ``model`` returned in a real forward pass."""
    seen: dict[str, dict[str, tuple[int, ...]]] = {}
    handles = []
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.RNNBase):

            def hook(module: Any, args: Any, out: Any, name: str = name) -> None:
                output, hidden = out
                finals = hidden if isinstance(hidden, tuple) else (hidden,)
                shapes = {"input": tuple(args[0].shape), "output": tuple(output.shape)}
                shapes.update(zip(("h_n", "c_n"), (tuple(t.shape) for t in finals), strict=False))
                seen[name] = shapes

            handles.append(module.register_forward_hook(hook))
    with torch.no_grad():
        model(*inputs)
    for handle in handles:
        handle.remove()
    return seen


def _traced(result: CliResult) -> dict[str, dict[str, tuple[int, ...]]]:
    data = json.loads(result.stdout)
    return {
        call["path"]: {
            name: tuple(shape)
            for name, shape in call["torch"].items()
            if name in ("input", "output", "h_n", "c_n")
        }
        for call in data["calls"]
    }


@pytest.mark.parametrize("factory", FACTORIES)
def test_a_factory_that_moves_converts_or_loads_the_model_traces_as_torch_runs_it(
    run: Run, library: Any, factory: str
) -> None:
    result = run(f"trace usermodels_lib:{factory} --input 4,7 --input-dtype long --format json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["method"] == "shape-only"
    assert data["how"].startswith("shape-only: the model was built on fake tensors")
    model = getattr(library, factory)()
    assert _traced(result) == _hooked(model, torch.ones(4, 7, dtype=torch.long))
    dtype = str(model.lstm.weight_ih_l0.dtype).removeprefix("torch.")
    assert data["calls"][0]["received"]["dtype"] == dtype


def test_layers_cloned_with_deepcopy_are_built_on_fake_tensors(run: Run, library: Any) -> None:
    result = run("trace usermodels_lib:Cloned --input 2,5,8 --format json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["method"] == "shape-only"
    assert data["how"].startswith("shape-only: the model was built on fake tensors")
    assert [c["path"] for c in data["calls"]] == ["first", "second"]
    assert _traced(result) == _hooked(library.Cloned(), torch.randn(2, 5, 8))


def test_a_factory_that_fails_only_on_fake_tensors_is_built_for_real(
    run: Run, library: Any
) -> None:
    result = run("trace usermodels_lib:summarised --input 5,2,8 --format plain")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Summarised on (5, 2, 8) float32: 1 recurrent call, ok"
    assert lines[1].startswith(
        "shape-only: usermodels_lib:summarised fails on fake tensors (RuntimeError: .numpy() is"
    )
    # A factory that fails for real too is the user's: the real build's traceback, their line.
    broken = run("trace usermodels_lib:broken --input 5,2,8")
    assert broken.exit_code == 2
    assert 'raise ValueError("the vocabulary file is missing")' in broken.stderr
    assert ".numpy()" not in broken.stderr
    assert broken.stderr.splitlines()[-2:] == [
        "Error: broken() failed in your code: ValueError: the vocabulary file is missing",
        "  The traceback above is your code's, not lstmshape's.",
    ]


PACKING = '''
import torch
from torch import nn
from torch.nn.utils import rnn


class RNN(nn.RNNBase):
    """As pytorch-forecasting's: given lengths, packs inside its forward, calls torch's forward
    on the packed input and pads the result back to max(lengths)."""

    def forward(self, x, hx=None, lengths=None, enforce_sorted=True):
        if isinstance(x, rnn.PackedSequence) or lengths is None:
            return super().forward(x, hx=hx)
        packed = rnn.pack_padded_sequence(
            x, lengths.cpu(), enforce_sorted=enforce_sorted, batch_first=self.batch_first
        )
        packed_out, hidden = super().forward(packed, hx=hx)
        out, _ = rnn.pad_packed_sequence(packed_out, batch_first=self.batch_first)
        return out, hidden


class LSTM(RNN, nn.LSTM):
    pass


class GRU(RNN, nn.GRU):
    pass


class Forecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = LSTM(3, 16, num_layers=2, batch_first=True)
        self.decoder = GRU(16, 8, batch_first=True)

    def forward(self, x):
        lengths = torch.tensor([5, 3, 2, 4])
        out, state = self.encoder(x, lengths=lengths, enforce_sorted=False)
        out, _ = self.decoder(out, state[0][-1:, :, :8].contiguous())
        return out
'''


def _torch_calls(model: Any, *inputs: Any) -> list[dict[str, tuple[int, ...]]]:
    """What torch's own LSTM and GRU forward were given and returned, in a real forward pass."""
    seen: list[dict[str, tuple[int, ...]]] = []
    originals = {cls: cls.forward for cls in (torch.nn.LSTM, torch.nn.GRU)}

    def spy(cls: Any) -> Any:
        def forward(self: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
            out, hidden = originals[cls](self, x, *args, **kwargs)
            packed = isinstance(x, torch.nn.utils.rnn.PackedSequence)
            names = ("input.data", "output.data") if packed else ("input", "output")
            shapes = dict(zip(names, (tuple(x.data.shape), tuple(out.data.shape)), strict=True))
            finals = hidden if isinstance(hidden, tuple) else (hidden,)
            shapes.update(zip(("h_n", "c_n"), (tuple(t.shape) for t in finals), strict=False))
            seen.append(shapes)
            return out, hidden

        return forward

    try:
        for cls in originals:
            cls.forward = spy(cls)  # type: ignore[method-assign]
        with torch.no_grad():
            model(*inputs)
    finally:
        for cls, forward in originals.items():
            cls.forward = forward  # type: ignore[method-assign]
    return seen


def test_a_subclass_that_packs_inside_its_forward_is_traced_as_torch_was_called(
    run: Run, user_code: Path
) -> None:
    (user_code / "usermodels_packing.py").write_text(PACKING)
    import usermodels_packing

    result = run("trace usermodels_packing:Forecaster --input 4,6,3 --format json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"]
    assert [c["agrees"] for c in data["calls"]] == [True, True]
    encoder, decoder = data["calls"]
    assert encoder["received"]["packed"]["lengths"] == [5, 3, 2, 4]
    assert encoder["site"].endswith("packed_out, hidden = super().forward(packed, hx=hx)")
    real = _torch_calls(usermodels_packing.Forecaster(), torch.randn(4, 6, 3))
    names = ("input", "input.data", "output", "output.data", "h_n", "c_n")
    traced = [{k: tuple(v) for k, v in c["torch"].items() if k in names} for c in data["calls"]]
    assert traced == real
    # The layer's own output, padded back to max(lengths) = 5, is what the decoder got.
    assert decoder["received"]["input"] == [4, 5, 16]
