"""Models that fail, of each common kind: the trace names the layer that raised, the line that
called it, torch's own sentence (torch raises it here, for real) and lstmshape's cause; each fix
it proposes is applied, and the model then runs as its author meant."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape.i18n.words import PYTHON
from lstmshape.views.trace import trace_plain
from tests.conftest import validate_json
from tests.strategies import torch

nn = torch.nn


class Tagger(nn.Module):
    """Embedding -> LSTM -> Linear, with the widths and the state as its author wrote them."""

    def __init__(
        self,
        embed: int = 300,
        lstm_in: int = 300,
        bidirectional: bool = False,
        head_in: int | None = None,
        state_batch: int | None = None,
    ) -> None:
        super().__init__()
        self.embed = nn.Embedding(50, embed)
        self.lstm = nn.LSTM(lstm_in, 256, batch_first=True, bidirectional=bidirectional)
        d = 2 if bidirectional else 1
        self.head = nn.Linear(head_in or d * 256, 9)
        self.state_batch = state_batch
        self.state_shape: tuple[int, ...] | None = None

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        x = self.embed(tokens)
        if self.state_shape is not None or self.state_batch is not None:
            shape = self.state_shape or (self.lstm.num_layers, self.state_batch, 256)
            h_0 = torch.zeros(*shape)
            output, _ = self.lstm(x, (h_0, torch.zeros(*shape)))  # the line that calls the layer
        else:
            output, _ = self.lstm(x)
        return self.head(output)


TOKENS = torch.randint(0, 50, (8, 5))


def _line_of(text: str) -> int:
    source, start = inspect.getsourcelines(Tagger.forward)
    return start + next(i for i, line in enumerate(source) if text in line)


def _raised(model: nn.Module, *args: Any) -> Exception:
    """What torch raises on a real forward pass of the model (its words are torch's own)."""
    try:
        model(*args)
    except (RuntimeError, ValueError, IndexError) as error:
        return error
    raise AssertionError("the model ran")


def _torch_says(model: nn.Module) -> str:
    """torch's own sentence for the model's failure, from a real forward pass."""
    return str(_raised(model, TOKENS))


def test_an_embedding_of_another_width_is_named_at_the_lstm() -> None:
    model = Tagger(embed=128)
    trace = lstmshape.trace(model, TOKENS)
    failure = trace.failure
    assert failure is not None
    assert failure.recurrent
    assert (failure.path, failure.module) == ("lstm", "LSTM")
    assert failure.torch_says == _torch_says(model)
    # The cause and the fix are explain's, on the input the layer really got.
    with pytest.raises(lstmshape.TensorMismatchError, match="input_size is 300") as caught:
        lstmshape.explain_module(model.lstm, (8, 5, 128))
    explained = caught.value
    assert failure.error.subject == "lstm"
    assert explained.words in failure.error.detail_words
    assert failure.error.hint_words == explained.hint_words
    assert failure.site is not None
    assert failure.site.endswith(
        f":{_line_of('output, _ = self.lstm(x)')}: output, _ = self.lstm(x)"
    )
    assert failure.error.exit_code == 1
    assert trace.calls == ()
    assert not trace.ok
    # The layer was called, and failed: counted and named as such, never as "never called".
    assert trace.summary() == "Tagger on (8, 5) int64: 1 recurrent call, lstm failed"
    plain = trace_plain(trace, failure=False)
    assert "Never called" not in plain
    assert "Failed: lstm (LSTM), the error says why." in plain.splitlines()
    # The first fix (input_size=128) builds the LSTM for the embedding: the model runs.
    assert failure.error.fixes[0].changes[0] == ("input_size", 128)
    assert lstmshape.trace(Tagger(embed=128, lstm_in=128), TOKENS).ok
    validate_json(trace.to_dict(), "trace")


def test_a_layers_fix_is_said_on_that_layer_and_each_alternative_works() -> None:
    """Inside a model, the fix names the layer's constructor and what the layer is given, never
    explain()'s keywords: the user writes the model, not a call to explain()."""
    trace = lstmshape.trace(Tagger(embed=128), TOKENS)
    assert trace.failure is not None
    hint = trace.failure.error.lines(trace.failure.voice)[-1]
    assert hint == (
        "  Try input_size=128 in lstm's constructor to build the module for this input, or "
        "input of shape (8, 5, 300) for lstm."
    )
    assert trace.failure.to_dict()["error"]["hint"] == hint.strip()
    # Each alternative, applied to the model, runs, with the shapes the layer was built for.
    rebuilt = lstmshape.trace(Tagger(embed=128, lstm_in=128), TOKENS)
    fed = lstmshape.trace(Tagger(embed=300), TOKENS)
    for fixed in (rebuilt, fed):
        assert fixed.ok
        assert fixed.shapes()["lstm"]["output"] == (8, 5, 256)
    assert fed.shapes()["lstm"]["input"] == (8, 5, 300)


def test_a_state_built_for_another_batch_gets_the_batch_cause_and_fix() -> None:
    model = Tagger(state_batch=32)
    trace = lstmshape.trace(model, TOKENS)
    failure = trace.failure
    assert failure is not None
    assert failure.recurrent
    assert failure.torch_says == _torch_says(model)
    lines = failure.error.lines(PYTHON)
    assert any("built for a batch of 32, and this input has 8 sequences" in line for line in lines)
    assert failure.site is not None
    assert "self.lstm(x, (h_0, torch.zeros(*shape)))" in failure.site
    # Its fix, applied: states of that shape, and the model runs.
    (fix,) = failure.error.fixes
    assert dict(fix.changes) == {"h_0": (1, 8, 256), "c_0": (1, 8, 256)}
    model.state_shape = dict(fix.changes)["h_0"]
    assert lstmshape.trace(model, TOKENS).ok


def test_a_linear_after_a_bidirectional_lstm_is_named_with_what_feeds_it() -> None:
    model = Tagger(bidirectional=True, head_in=256)
    trace = lstmshape.trace(model, TOKENS)
    failure = trace.failure
    assert failure is not None
    assert not failure.recurrent
    assert (failure.path, failure.module) == ("head", "Linear")
    assert failure.torch_says == _torch_says(model)
    # The LSTM before it is still traced, and the failure says what its output is made of.
    assert [c.path for c in trace.calls] == ["lstm"]
    text = "\n".join(failure.error.lines(PYTHON))
    assert "lstm, the last recurrent layer before it, returned output (8, 5, 512)" in text
    assert "512 is output's last axis: D*H_out=512 (D=2 × H_out=256)." in text
    assert failure.site is not None
    assert failure.site.endswith("return self.head(output)")
    assert failure.error.hint == "Try nn.Linear(512, 9) for head, or give it 256 features."
    # The fix, applied: a head of 512 inputs, and the model runs.
    assert lstmshape.trace(Tagger(bidirectional=True, head_in=512), TOKENS).ok


class Stateful(nn.Module):
    def __init__(self, kind: str = "LSTM") -> None:
        super().__init__()
        self.rnn = getattr(nn, kind)(10, 20)

    def forward(self, x: torch.Tensor, hx: Any = None) -> Any:
        return self.rnn(x, hx)


def test_one_tensor_for_an_lstms_two_states_is_said_so() -> None:
    model = Stateful()
    x, h_0 = torch.randn(4, 3, 10), torch.zeros(1, 3, 20)
    trace = lstmshape.trace(model, x, h_0)
    assert trace.failure is not None
    assert trace.failure.torch_says == str(_raised(model, x, h_0))
    assert trace.failure.error.lines(PYTHON)[2].startswith(
        "  An LSTM takes its states as one tuple (h_0, c_0); it was given one tensor of shape "
        "(1, 3, 20)."
    )
    assert lstmshape.trace(model, x, (h_0, torch.zeros(1, 3, 20))).ok


def test_token_ids_given_to_an_lstm_are_said_so() -> None:
    model = Stateful()
    ids = torch.randint(0, 9, (4, 3, 10))
    trace = lstmshape.trace(model, ids)
    assert trace.failure is not None
    assert trace.failure.torch_says == str(_raised(model, ids))
    assert "takes floating-point vectors" in str(trace.failure.error)
    assert lstmshape.trace(model, ids.float()).ok


def test_a_failure_in_the_models_own_code_names_its_line() -> None:
    class Reshaping(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.gru = nn.GRU(10, 20, bidirectional=True)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            _output, h_n = self.gru(x)
            return h_n.view(3, -1, 7)  # not a whole number of rows

    trace = lstmshape.trace(Reshaping(), torch.randn(4, 3, 10))
    assert trace.failure is not None
    assert (trace.failure.path, trace.failure.module) == ("", "Reshaping")
    assert trace.failure.site is not None
    assert trace.failure.site.endswith("return h_n.view(3, -1, 7)  # not a whole number of rows")
    assert [c.path for c in trace.calls] == ["gru"]


def test_a_trace_refuses_what_is_not_a_model() -> None:
    from lstmshape.commands.trace import trace_model

    with pytest.raises(lstmshape.UnreadableValueError, match=r"runs a torch\.nn\.Module's"):
        lstmshape.trace(Tagger, TOKENS)
    with pytest.raises(lstmshape.UnreadableValueError, match=r"method='fast' is not one of"):
        trace_model(Tagger(), (TOKENS,), method="fast")


FLOATS = ["float16", "bfloat16", "float32", "float64"]


@settings(max_examples=30)
@given(
    kind=st.sampled_from(["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"]),
    dtypes=st.permutations(FLOATS).map(lambda p: p[:2]),
)
def test_an_input_of_another_float_dtype_than_the_weights_gets_both_casts(
    kind: str, dtypes: list[str]
) -> None:
    given_dtype, weights = (getattr(torch, d) for d in dtypes)
    model = Stateful(kind).to(weights)
    x = torch.randn((3, 10) if kind.endswith("Cell") else (4, 3, 10)).to(given_dtype)
    trace = lstmshape.trace(model, x)
    assert trace.failure is not None
    assert trace.failure.torch_says == str(_raised(model, x))
    lines = trace.failure.error.lines(PYTHON)
    assert lines[2] == (
        f"  The input holds {dtypes[0]} values, but the layer's weights are {dtypes[1]}: torch "
        "computes in one dtype."
    )
    assert lines[-1] == (
        f"  Try x.to(torch.{dtypes[1]}) on the input, or model.to(torch.{dtypes[0]}) on the model."
    )
    # Either cast, applied, and the model runs.
    assert lstmshape.trace(model, x.to(weights)).ok
    assert lstmshape.trace(Stateful(kind).to(given_dtype), x).ok


@settings(max_examples=30)
@given(
    kind=st.sampled_from(["LSTMCell", "GRUCell", "RNNCell"]),
    dtypes=st.permutations([*FLOATS, "int64"]).map(lambda p: p[:2]),
    method=st.sampled_from(["auto", "shape-only"]),
    batched=st.booleans(),
)
def test_a_cell_given_another_dtype_fails_shape_only_as_torch_fails(
    kind: str, dtypes: list[str], method: str, batched: bool
) -> None:
    """torch's shape-only cell kernels take any dtype; its real ones refuse another dtype than the
    weights': the trace fails where torch fails, in torch's words, and leaves the random state."""
    from lstmshape.commands.trace import trace_model

    if dtypes[1] == "int64":
        dtypes = dtypes[::-1]  # weights are floating-point
    model = Stateful(kind).to(getattr(torch, dtypes[1]))
    x = torch.ones((3, 10) if batched else (10,), dtype=getattr(torch, dtypes[0]))
    rng = torch.random.get_rng_state()
    trace = trace_model(model, (x,), method=method)
    assert torch.equal(torch.random.get_rng_state(), rng)
    assert trace.failure is not None
    assert trace.failure.torch_says == str(_raised(model, x))
    assert (trace.failure.path, trace.failure.recurrent) == ("rnn", True)
