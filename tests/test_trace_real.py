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
from hypothesis import given
from hypothesis import strategies as st

from lstmshape.commands.trace.factory import ITEMSIZES
from tests.conftest import CliResult, unwrapped
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
    assert result.exit_code == 0, unwrapped(result.stderr)
    data = json.loads(result.stdout)
    assert data["method"] == "shape-only"
    assert data["how"].startswith("shape-only: the model was built on fake tensors")
    model = getattr(library, factory)()
    assert _traced(result) == _hooked(model, torch.ones(4, 7, dtype=torch.long))
    dtype = str(model.lstm.weight_ih_l0.dtype).removeprefix("torch.")
    assert data["calls"][0]["received"]["dtype"] == dtype


def test_layers_cloned_with_deepcopy_are_built_on_fake_tensors(run: Run, library: Any) -> None:
    result = run("trace usermodels_lib:Cloned --input 2,5,8 --format json")
    assert result.exit_code == 0, unwrapped(result.stderr)
    data = json.loads(result.stdout)
    assert data["method"] == "shape-only"
    assert data["how"].startswith("shape-only: the model was built on fake tensors")
    assert [c["path"] for c in data["calls"]] == ["first", "second"]
    assert _traced(result) == _hooked(library.Cloned(), torch.randn(2, 5, 8))


def test_a_factory_that_fails_only_on_fake_tensors_is_built_for_real(
    run: Run, library: Any
) -> None:
    result = run("trace usermodels_lib:summarised --input 5,2,8 --format plain")
    assert result.exit_code == 0, unwrapped(result.stderr)
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
    assert result.exit_code == 0, unwrapped(result.stderr)
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


STRUCTURED = '''
import sys
from dataclasses import dataclass

import torch
from torch import nn


class Stateful(nn.Module):
    """Takes its state as a tuple, as an encoder's final state is passed on."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 8, batch_first=True)

    def forward(self, x, state):
        return self.lstm(x, state)[0]


def state_inputs(shape=(4, 6, 3)):
    n = shape[0]
    return torch.randn(shape), (torch.zeros(1, n, 8), torch.zeros(1, n, 8))


class Forecaster(nn.Module):
    """Takes a dict of tensors, as pytorch-forecasting's models take x."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.LSTM(3, 8, batch_first=True)
        self.decoder = nn.LSTM(2, 8, batch_first=True)

    def forward(self, x):
        _, state = self.encoder(x["encoder_cont"])
        return self.decoder(x["decoder_cont"], state)[0]


def dict_inputs(encoder=(4, 12, 3), decoder=(4, 6, 2)):
    return {"encoder_cont": torch.randn(encoder), "decoder_cont": torch.randn(decoder)}


@dataclass
class Batch:
    tokens: torch.Tensor
    lengths: torch.Tensor


class Tagger(nn.Module):
    """Takes a dataclass of token ids and lengths, and packs them."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 4)
        self.gru = nn.GRU(4, 8, batch_first=True)

    def forward(self, batch):
        embedded = self.embed(batch.tokens)
        packed = nn.utils.rnn.pack_padded_sequence(
            embedded, batch.lengths, batch_first=True, enforce_sorted=False
        )
        return self.gru(packed)[1]


def batch_inputs(shape=(3, 5)):
    lengths = torch.tensor([5, 2, 3, 4, 1][: shape[0]])
    return Batch(torch.ones(shape, dtype=torch.long), lengths)


class Embedded(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 4)
        self.lstm = nn.LSTM(4, 8)

    def forward(self, tokens):
        return self.lstm(self.embed(tokens))[0]


class Chatty(Embedded):
    def forward(self, tokens):
        print("tokens:", tokens.shape)
        return super().forward(tokens)


def exits_at_build():
    sys.exit(0)


def interrupted_at_build():
    raise KeyboardInterrupt


class ExitsInForward(Embedded):
    def forward(self, tokens):
        sys.exit(0)


def exiting_inputs():
    sys.exit(3)


class BadState(nn.Module):
    def __init__(self, state):
        super().__init__()
        self.lstm = nn.LSTM(3, 4)
        self.gru = nn.GRU(3, 4)
        self.state = state

    def forward(self, x):
        h = torch.zeros(1, x.shape[1], 4)
        if self.state == "none":
            return self.lstm(x, (h, None))[0]
        if self.state == "string":
            return self.gru(x, "h")[0]
        return self.lstm(x)[0]


def half_state():
    return BadState("none")


def string_state():
    return BadState("string")


def no_state():
    return BadState("zeros")
'''


@pytest.fixture
def structured(user_code: Path) -> Any:
    (user_code / "usermodels_structured.py").write_text(STRUCTURED)
    import usermodels_structured

    return usermodels_structured


def test_a_forward_given_too_few_inputs_says_what_it_takes(run: Run, structured: Any) -> None:
    result = run("trace usermodels_structured:Stateful --input 4,6,3")
    assert result.exit_code == 1
    assert "torch says" not in unwrapped(result.stderr)
    assert "Traceback" not in unwrapped(result.stderr)
    assert unwrapped(result.stderr).splitlines() == [
        "Error: Stateful.forward(x, state) cannot take what it was given: 1 positional and 0 "
        "keyword arguments.",
        "  Python says: Stateful.forward() missing 1 required positional argument: 'state'",
        "  Try one --input for each input forward takes; for a state tuple such as (h_0, c_0), a "
        "dict or a dataclass, --inputs MODULE:FUNCTION with a function that makes them, or a small "
        "factory that wraps the model.",
    ]
    data = json.loads(run("trace usermodels_structured:Stateful --input 4,6,3 -f json").stdout)
    # Python refused the call: no real run is needed to hear torch, who said nothing.
    assert data["method"] == "shape-only"
    assert data["failure"]["exception"] == "TypeError"
    assert data["failure"]["torch_says"] == ""
    # The fix, applied: the state tuple made by a function.
    fixed = run("trace usermodels_structured:Stateful --inputs usermodels_structured:state_inputs")
    assert fixed.exit_code == 0, fixed.stderr
    # From Python, the fix is said as the call.
    import lstmshape

    trace = lstmshape.trace(structured.Stateful(), torch.randn(4, 6, 3))
    assert trace.failure is not None
    assert trace.failure.error.hint == (
        "Try lstmshape.trace(model, x, state), with one example input for each of x, state."
    )
    assert lstmshape.trace(structured.Stateful(), *structured.state_inputs()).ok


def test_an_embedding_given_the_default_float_input_says_input_dtype_long(
    run: Run, structured: Any
) -> None:
    result = run("trace usermodels_structured:Embedded --input 5,3")
    assert result.exit_code == 1
    assert "  embed looks up token ids, integers; it was given float32 values." in (
        unwrapped(result.stderr).splitlines()
    )
    assert (
        unwrapped(result.stderr).splitlines()[-1]
        == "  Try --input-dtype long: token ids are integers."
    )
    fixed = run("trace usermodels_structured:Embedded --input 5,3 --input-dtype long -f json")
    assert fixed.exit_code == 0, fixed.stderr
    assert json.loads(fixed.stdout)["calls"][0]["received"]["input"] == [5, 3, 4]


@pytest.mark.parametrize(
    ("model", "function", "arguments", "shapes"),
    [
        ("Stateful", "state_inputs", "", {"lstm": {"input": (4, 6, 3), "h_0": (1, 4, 8)}}),
        ("Stateful", "state_inputs", "--input 2,9,3", {"lstm": {"input": (2, 9, 3), "h_0": (1, 2, 8)}}),
        ("Forecaster", "dict_inputs", "--input 2,5,3 --input 2,4,2",
         {"encoder": {"input": (2, 5, 3)}, "decoder": {"input": (2, 4, 2), "h_0": (1, 2, 8)}}),
        ("Tagger", "batch_inputs", "", {"gru": {"input.data": (10, 4), "h_n": (1, 3, 8)}}),
    ],
)  # fmt: skip
def test_structured_inputs_from_a_function_beside_the_factory(
    run: Run,
    structured: Any,
    model: str,
    function: str,
    arguments: str,
    shapes: dict[str, dict[str, tuple[int, ...]]],
) -> None:
    command = f"trace usermodels_structured:{model} --inputs usermodels_structured:{function}"
    result = run(f"{command} {arguments} --format json")
    assert result.exit_code == 0, unwrapped(result.stderr)
    data = json.loads(result.stdout)
    assert data["ok"]
    traced = {c["path"]: c["torch"] for c in data["calls"]}
    for path, expected in shapes.items():
        for name, shape in expected.items():
            assert tuple(traced[path][name]) == shape, (path, name)
    # What torch's layers got in a real run on what the function makes, the trace shows.
    made = getattr(structured, function)(*[_shape(a) for a in arguments.split()[1::2]])
    real = _torch_calls(
        getattr(structured, model)(), *(made if isinstance(made, tuple) else (made,))
    )
    names = ("input", "input.data", "output", "output.data", "h_n", "c_n")
    assert [{k: tuple(v) for k, v in c["torch"].items() if k in names} for c in data["calls"]] == (
        real
    )


def _shape(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(","))


def test_structured_inputs_the_function_cannot_take_or_with_a_dtype(
    run: Run, structured: Any
) -> None:
    too_many = run(
        "trace usermodels_structured:Tagger --inputs usermodels_structured:batch_inputs "
        "--input 1,2 --input 3"
    )
    assert too_many.exit_code == 2
    assert too_many.stderr.splitlines() == [
        "Error: batch_inputs((1, 2), (3,)) failed: batch_inputs() takes from 0 to 1 positional "
        "arguments but 2 were given",
        "  lstmshape calls it with the shapes given with --input, one argument each, as tuples of "
        "ints.",
        "  Try one --input for each parameter of batch_inputs(), or none for its defaults.",
    ]
    dtype = run(
        "trace usermodels_structured:Tagger --inputs usermodels_structured:batch_inputs "
        "--input-dtype long"
    )
    assert dtype.exit_code == 2
    assert dtype.stderr.splitlines()[-1] == (
        "  Try without --input-dtype: the function gives each tensor its dtype."
    )


def test_the_models_prints_go_to_stderr_and_json_stays_json(run: Run, structured: Any) -> None:
    result = run("trace usermodels_structured:Chatty --input 5,3 --input-dtype long -f json")
    assert result.exit_code == 0, unwrapped(result.stderr)
    assert json.loads(result.stdout)["ok"]
    assert unwrapped(result.stderr).splitlines() == [
        "tokens: torch.Size([5, 3])",
        "Note: your code printed while it was traced; that went to stderr (above), so that "
        "stdout holds the trace alone.",
    ]


@pytest.mark.parametrize(
    ("factory", "first"),
    [
        ("exits_at_build --input 5,3",
         "Error: Your code raised SystemExit(0) while building the model with exits_at_build(): "
         "nothing was traced."),
        ("interrupted_at_build --input 5,3",
         "Error: KeyboardInterrupt while building the model with interrupted_at_build(): nothing "
         "was traced."),
        ("ExitsInForward --input 5,3 --input-dtype long",
         "Error: Your code raised SystemExit(0) while running ExitsInForward's forward pass: "
         "nothing was traced."),
        ("Embedded --inputs usermodels_structured:exiting_inputs",
         "Error: Your code raised SystemExit(3) while making the inputs with exiting_inputs(): "
         "nothing was traced."),
    ],
)  # fmt: skip
def test_the_users_sys_exit_or_interrupt_is_said_and_exits_non_zero(
    run: Run, structured: Any, factory: str, first: str
) -> None:
    for fmt in ("table", "json"):
        result = run(f"trace usermodels_structured:{factory} --format {fmt}")
        assert result.exit_code == 2
        assert result.stdout == ""
        lines = unwrapped(result.stderr).splitlines()
        assert lines[0] == "Traceback (most recent call last):"
        assert first in lines
        assert "lstmshape" not in "\n".join(lines[: lines.index(first)])


def test_an_import_that_exits_is_said(run: Run, user_code: Path) -> None:
    (user_code / "usermodels_exit.py").write_text("import sys\nsys.exit(0)\n")
    result = run("trace usermodels_exit:build --input 5,3")
    assert result.exit_code == 2
    assert (
        "Error: Your code raised SystemExit(0) while importing usermodels_exit: nothing was "
        "traced." in unwrapped(result.stderr).splitlines()
    )


@pytest.mark.parametrize(
    ("factory", "lines"),
    [
        ("half_state", [
            "Error: lstm, nn.LSTM(3, 4), failed on (2, 5, 3).",
            "An LSTM takes its states as one tuple (h_0, c_0) of two tensors; it was given "
            "(Tensor (1, 5, 4), None).",
            "Try self.lstm(x, (h_0, c_0)) with both tensors, or self.lstm(x) for zeros.",
        ]),
        ("string_state", [
            "Error: gru, nn.GRU(3, 4), failed on (2, 5, 3).",
            "A GRU takes its state h_0 as one tensor; it was given 'h'.",
            "Try self.gru(x, h_0) with a tensor, or self.gru(x) for zeros.",
        ]),
    ],
)  # fmt: skip
def test_a_malformed_state_is_explained(
    run: Run, structured: Any, factory: str, lines: list[str]
) -> None:
    result = run(f"trace usermodels_structured:{factory} --input 2,5,3")
    assert result.exit_code == 1
    assert "Traceback" not in unwrapped(result.stderr)
    stripped = [line.strip() for line in unwrapped(result.stderr).splitlines()]
    assert stripped[0] == lines[0]
    assert lines[1] in stripped
    assert stripped[-1] == lines[2]
    # The fix's second alternative, applied: the layer's own zeros.
    assert run("trace usermodels_structured:no_state --input 2,5,3").exit_code == 0


def test_an_input_torch_cannot_make_is_refused(run: Run, structured: Any) -> None:
    result = run("trace usermodels_structured:Embedded --input 99999999999,99999999999")
    assert result.exit_code == 2
    assert unwrapped(result.stderr).splitlines() == [
        "Error: --input '99999999999,99999999999' is too large for torch: 9999999999800000000001 "
        "elements of float32, and torch counts a tensor's sizes, strides and bytes in 64-bit "
        "integers (at most 9223372036854775807).",
        "  Try a smaller --input: a few short sequences trace the same layers.",
    ]


@given(
    shape=st.lists(
        st.one_of(st.integers(0, 2**12), st.integers(2**28, 2**40), st.integers(2**58, 2**64)),
        min_size=1,
        max_size=3,
    ),
    dtype=st.sampled_from(sorted(ITEMSIZES)),
)
def test_an_input_is_refused_exactly_when_torch_cannot_make_it(
    shape: list[int], dtype: str
) -> None:
    from lstmshape.errors import UnreadableValueError
    from lstmshape.options.trace import _refuse_overflow

    assert ITEMSIZES[dtype] == getattr(torch, dtype).itemsize
    try:
        torch.empty(shape, dtype=getattr(torch, dtype), device="meta")
    except (RuntimeError, TypeError):  # an overflow, in its sizes or in counting its bytes
        torch_makes = False
    else:
        torch_makes = True
    text = ",".join(map(str, shape))
    if torch_makes:
        _refuse_overflow(text, tuple(shape), dtype)
    else:
        with pytest.raises(UnreadableValueError, match="is too large for torch"):
            _refuse_overflow(text, tuple(shape), dtype)


@pytest.mark.parametrize("lang", ["ja", "fr", "es"])
def test_the_new_sentences_are_said_in_every_language(
    run: Run, structured: Any, library: Any, lang: str
) -> None:
    """Each path's sentences come from the catalogs (strict in the tests: a missing one raises),
    with the exit code of the English run."""
    commands = {
        "usermodels_structured:half_state --input 2,5,3": 1,
        "usermodels_structured:string_state --input 2,5,3": 1,
        "usermodels_structured:Stateful --input 4,6,3": 1,
        "usermodels_structured:Embedded --input 5,3": 1,
        "usermodels_structured:Embedded --input 99999999999,99999999999": 2,
        "usermodels_structured:Chatty --input 5,3 --input-dtype long": 0,
        "usermodels_structured:ExitsInForward --input 5,3 --input-dtype long": 2,
        "usermodels_structured:interrupted_at_build --input 5,3": 2,
        "usermodels_structured:Tagger --inputs usermodels_structured:batch_inputs --input 1 --input 2": 2,
        "usermodels_structured:Tagger --inputs usermodels_structured:batch_inputs -f plain": 0,
        "usermodels_lib:summarised --input 5,2,8 -f plain": 0,
    }
    for command, code in commands.items():
        english = run(f"trace {command}")
        spoken = run(f"trace {command} --lang {lang}")
        assert (english.exit_code, spoken.exit_code) == (code, code), command
        assert spoken.stderr + spoken.stdout != unwrapped(english.stderr) + english.stdout, command


FLAIR_LIKE = '''
import torch
from torch import nn


class Sentence:
    """As flair's: the model stores each sentence's embedding on it, and reuses it."""

    def __init__(self, ids):
        self.tokens = torch.tensor(ids)
        self.embedding = None


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(50, 8)
        self.lstm = nn.LSTM(8, 16, batch_first=True)

    def forward(self, sentences):
        for sentence in sentences:
            if sentence.embedding is None:
                sentence.embedding = self.embed(sentence.tokens)
        embedded = [s.embedding for s in sentences]
        padded = nn.utils.rnn.pad_sequence(embedded, batch_first=True)
        lengths = torch.tensor([len(s.tokens) for s in sentences])
        packed = nn.utils.rnn.pack_padded_sequence(
            padded, lengths, batch_first=True, enforce_sorted=False
        )
        return self.lstm(packed)[1][0]


MADE = []


def sentences():
    made = [Sentence([1, 2, 3]), Sentence([4, 5])]
    MADE.append(made)
    return made
'''


def test_inputs_a_shape_only_run_cached_on_are_as_they_were_for_the_real_run(
    run: Run, user_code: Path
) -> None:
    """The shape-only run caches fake embeddings on the sentences; the real run that packs them
    (torch needs the lengths' values) gets them as the function made them."""
    (user_code / "usermodels_flair.py").write_text(FLAIR_LIKE)
    result = run("trace usermodels_flair:Tagger --inputs usermodels_flair:sentences -f json")
    assert result.exit_code == 0, unwrapped(result.stderr)
    data = json.loads(result.stdout)
    assert data["method"] == "real"
    assert data["inputs"] == ["[Sentence, Sentence]"]
    assert data["calls"][0]["received"]["packed"]["lengths"] == [3, 2]
    import usermodels_flair

    # Made once; left as made: no embedding cached by either run, fake or real.
    assert len(usermodels_flair.MADE) == 1
    assert [s.embedding for s in usermodels_flair.MADE[0]] == [None, None]
    # So the real run that follows computes real embeddings from them.
    model = usermodels_flair.Tagger()
    assert type(model(usermodels_flair.MADE[0])) is torch.Tensor
    assert all(type(s.embedding) is torch.Tensor for s in usermodels_flair.MADE[0])
