"""Sentences torch says of any tensor ("index out of range in self", "Dimension out of range ...")
are lstmshape why's only where a recurrent layer is named: by the text (a traceback through
torch/nn/modules/rnn.py, self.lstm(x)) or by the arguments the user gives. Then they are a likely
meaning, never a proven one. Each is made by torch, never copied by hand.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from lstmshape import why
from tests.conftest import invoke, unwrapped, validate_json
from tests.strategies import torch
from tests.test_why_fixes import torch_error

nn = torch.nn


def _said(action: Any) -> str:
    text = torch_error(action)
    assert text is not None
    return text


# Each generic sentence, raised by torch outside any recurrent layer.
GENERIC = {
    "unexpected_keyword": lambda: nn.Linear(3, 4, foo=1),
    "negative_dimension": lambda: torch.empty(-1, 3),
    "storage_overflow": lambda: torch.empty(2**40, 2**40),
    "single_state": lambda: torch.zeros(1)[1],
    "cell_state_1d": lambda: torch.zeros(3).sum(1),
    "index_out_of_range": lambda: nn.Embedding(3, 2)(torch.tensor([5])),
    "index_select_empty": lambda: torch.zeros(0, 2).index_select(0, torch.tensor([0])),
    "rows_missing": lambda: torch.zeros(3).narrow(0, 2, 4),
    "rows_missing_view": lambda: torch.zeros(3).view(2, 2),
}


@pytest.mark.parametrize("sentence", sorted(GENERIC))
def test_a_generic_sentence_needs_a_recurrent_layer_named_and_is_never_proven(
    sentence: str,
) -> None:
    text = _said(GENERIC[sentence])
    assert why(text).explained == ()
    said = invoke(["why", f"Traceback (most recent call last):\nIndexError: {text}"])
    assert said.exit_code == 1, said.stdout
    assert "No sentence of torch's about recurrent layers" in unwrapped(said.stderr)
    for known in (
        why(text, module="LSTM"),
        why(text, hidden_size=20),
        why(f'  File "torch/nn/modules/rnn.py", line 1, in forward\n{text}\n'),
        why(f"    out, (h, c) = self.lstm(x)\n{text}\n"),
    ):
        (explained,) = known.explained
        assert explained.sentence == sentence
        assert explained.causes
        assert not any(cause.proven for cause in explained.causes)
        assert "not of recurrent layers only" in explained.notes[-1]
        validate_json(known.to_dict(), "why")


def test_the_recurrent_sentences_need_no_context() -> None:
    """torch's sentences about recurrent layers are read alone, and prove what they say."""
    text = _said(lambda: nn.LSTM(10, 20, proj_size=20))
    (explained,) = why(text).explained
    assert explained.causes[0].proven
    hidden = _said(lambda: nn.LSTM(10, 2.5))
    assert why(hidden).explained[0].subject == "hidden_size"


def test_a_recurrent_sentence_in_the_text_is_context_for_a_generic_one() -> None:
    state = _said(lambda: nn.GRU(10, 20)(torch.zeros(4, 3, 10), torch.zeros(2, 3, 20)))
    generic = _said(GENERIC["index_out_of_range"])
    result = why(f"{state}\n{generic}\n")
    assert [e.sentence for e in result.explained] == ["state_size", "index_out_of_range"]


class _Attention:
    """A user's own module that checks its argument in torch's words for RNNBase's."""

    def __init__(self, embed_dim: int) -> None:
        if embed_dim <= 0:
            raise ValueError("embed_dim must be greater than zero")


def test_an_argument_that_is_not_a_recurrent_layers_needs_context_too() -> None:
    text = _said(lambda: _Attention(0))
    assert why(text).explained == ()
    (explained,) = why(text, module="GRU").explained
    assert explained.subject == "embed_dim"
    assert not explained.causes[0].proven
    torchs = _said(lambda: nn.GRU(10, 0))  # RNNBase's own: proven without context
    assert why(torchs).explained[0].causes[0].proven


def _packed(batch: int = 3) -> Any:
    return nn.utils.rnn.pack_padded_sequence(torch.zeros(4, batch, 10), [4, 3, 2][:batch])


@pytest.mark.parametrize("dtype", ["float64", "float16", "bfloat16"])
def test_an_input_of_another_dtype_and_its_fix(dtype: str) -> None:
    gru = nn.GRU(10, 20)
    x = torch.zeros(4, 3, 10, dtype=getattr(torch, dtype))
    (explained,) = why(_said(lambda: gru(x))).explained
    cause = explained.causes[-1]
    assert (cause.id, cause.proven) == ("input_dtype", True)
    code = cause.fix.split("  #")[0]
    x = eval(code.split(" = ")[1], {"torch": torch}, {"x": x})
    output, _ = gru(x)
    assert (output.dtype, tuple(output.shape)) == (torch.float32, (4, 3, 20))
    ids = torch.zeros(4, 3, 10, dtype=torch.int64)
    (explained,) = why(_said(lambda: nn.LSTM(10, 20)(ids))).explained
    assert explained.causes[0].id == "token_ids"


def test_a_cell_or_a_state_of_another_dtype_needs_context_and_its_fix_runs() -> None:
    cell = nn.LSTMCell(10, 20)
    x, h_0, c_0 = torch.zeros(3, 10), torch.zeros(3, 20).double(), torch.zeros(3, 20)
    text = _said(lambda: cell(x, (h_0, c_0)))
    assert why(text).explained == ()  # torch says it of any matrix product
    (explained,) = why(text, module="LSTMCell").explained
    (cause,) = explained.causes
    assert not cause.proven
    scope = {"x": x, "h_0": h_0, "c_0": c_0, "torch": torch}
    exec(cause.fix, {}, scope)
    h, _ = cell(scope["x"], (scope["h_0"], scope["c_0"]))
    assert (h.dtype, tuple(h.shape)) == (torch.float32, (3, 20))


@pytest.mark.parametrize(
    ("layers", "bidirectional", "rows"), [(1, True, 1), (3, True, 3), (2, False, 1), (3, False, 2)]
)
def test_states_of_too_few_rows_on_a_packed_input_and_the_fix(
    layers: int, bidirectional: bool, rows: int
) -> None:
    lstm = nn.LSTM(10, 20, num_layers=layers, bidirectional=bidirectional)
    states = (torch.zeros(rows, 3, 20), torch.zeros(rows, 3, 20))
    (explained,) = why(_said(lambda: lstm(_packed(), states))).explained
    (cause,) = explained.causes
    scope = {"torch": torch, "D": 2 if bidirectional else 1, "num_layers": layers, "N": 3,
             "H_out": 20, "H_cell": 20}  # fmt: skip
    h_0, c_0 = (
        eval(code, {}, scope) for code in re.findall(r"= (torch\.zeros\([^)]*\))", cause.fix)
    )
    _, (h_n, c_n) = lstm(_packed(), (h_0, c_0))
    assert tuple(h_n.shape) == tuple(c_n.shape) == ((2 if bidirectional else 1) * layers, 3, 20)


def test_one_state_for_an_lstm_or_its_cell() -> None:
    lstm, cell = nn.LSTM(10, 20), nn.LSTMCell(10, 20)
    h = torch.zeros(1, 3, 20)
    (explained,) = why(_said(lambda: lstm(_packed(), (h,)))).explained
    assert explained.causes[0].fix == "lstm(x, (h_0, c_0))"
    lstm(_packed(), (h, h))  # the fix
    (explained,) = why(_said(lambda: cell(torch.zeros(3, 10), (h[0],)))).explained
    assert explained.causes[0].fix == "cell(x_t, (h, c))"
    cell(torch.zeros(3, 10), (h[0], h[0]))


def test_lengths_of_another_form_and_the_fix() -> None:
    x = torch.zeros(4, 3, 10)
    lengths = torch.tensor([[4, 3, 2]])
    (explained,) = why(_said(lambda: nn.utils.rnn.pack_padded_sequence(x, lengths))).explained
    (cause,) = explained.causes
    assert (cause.id, cause.proven) == ("lengths_rank", True)
    scope = {"lengths": lengths}
    exec(cause.fix, {}, scope)
    packed = nn.utils.rnn.pack_padded_sequence(x, scope["lengths"])
    assert packed.batch_sizes.tolist() == [3, 3, 2, 1]


def test_a_weights_list_changed_by_hand_and_the_rebuilt_module() -> None:
    gru = nn.GRU(10, 20, num_layers=2)
    gru._flat_weights = gru._flat_weights[:3]
    (explained,) = why(_said(lambda: gru(torch.zeros(4, 3, 10))), module="GRU").explained
    assert "nn.GRU(...)" in explained.causes[0].fix
    assert "fresh.load_state_dict(rnn.state_dict())" in explained.causes[0].fix
    fresh = nn.GRU(10, 20, num_layers=2)
    fresh.load_state_dict(gru.state_dict())
    output, _ = fresh(torch.zeros(4, 3, 10))
    assert tuple(output.shape) == (4, 3, 20)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--hidden", "-3"], "hidden_size must be greater than zero"),
        (["--layers", "0"], "num_layers must be greater than zero"),
        (["--proj-size", "-1"], "proj_size should be a positive integer"),
        (["--hidden", "5", "--proj-size", "5"], "proj_size has to be smaller than hidden_size"),
        (["--module", "GRU", "--proj-size", "2"], "proj_size argument is only supported for LSTM"),
    ],
)
def test_arguments_torch_would_refuse_exit_2_with_torchs_sentence(
    args: list[str], said: str
) -> None:
    text = _said(lambda: nn.LSTM(10, 20)(torch.zeros(4, 3, 8)))
    result = invoke(["why", text, *args])
    assert (result.exit_code, result.stdout) == (2, "")
    assert said in unwrapped(result.stderr)
    assert "Try " in unwrapped(result.stderr)


@pytest.mark.parametrize(
    "known",
    [{"hidden_size": "abc"}, {"hidden_size": 2.5}, {"num_layers": True}, {"bidirectional": "yes"},
     {"input": "a,b"}, {"module": "Transformer"}],
)  # fmt: skip
def test_the_api_checks_the_types_of_what_it_is_given(known: dict[str, Any]) -> None:
    from lstmshape.errors import LstmShapeError

    with pytest.raises(LstmShapeError, match=next(iter(known))):
        why(_said(lambda: nn.LSTM(10, 20)(torch.zeros(4, 3, 8))), **known)


class _Tagger(nn.Module):
    def __init__(self, cls: Any = nn.LSTM, **arguments: Any) -> None:
        super().__init__()
        self.rnn = cls(10, 20, **arguments)
        self.fc = nn.Linear(20, 2)


@pytest.mark.parametrize(
    ("saved", "built"), [("GRU", "LSTM"), ("LSTM", "GRU"), ("RNN", "LSTM"), ("GRU", "RNN")]
)
def test_a_checkpoint_of_another_class_is_named_and_the_fix_loads_it(
    saved: str, built: str
) -> None:
    state = _Tagger(getattr(nn, saved)).state_dict()
    text = _said(lambda: _Tagger(getattr(nn, built)).load_state_dict(state))
    (explained,) = why(text).explained
    cause = explained.causes[0]
    assert (cause.id, cause.proven) == ("other_class", True)
    call, left_open = cause.fix.removeprefix("build the layer as ").split("  # ")
    assert call == f"nn.{saved}(10, 20)"
    # A part of the parameters tells num_layers only as a lower bound: the fix says so.
    assert left_open.startswith("num_layers (at least 1)")
    model = _Tagger()
    model.rnn = eval(call, {"nn": nn})
    model.load_state_dict(state)
    output, _ = model.rnn(torch.zeros(4, 3, 10))
    assert tuple(output.shape) == (4, 3, 20)


def test_keys_of_other_layers_only_are_not_why_s() -> None:
    state = _Tagger().state_dict()
    del state["fc.weight"]
    text = _said(lambda: _Tagger().load_state_dict(state))
    assert why(text).explained == ()
    assert invoke(["why", text]).exit_code == 1
    del state["rnn.bias_hh_l0"]
    text = _said(lambda: _Tagger().load_state_dict(state))
    assert [e.sentence for e in why(text).explained] == ["missing_keys"]


def test_a_data_parallel_checkpoint_or_model_and_the_fixes_load_it() -> None:
    wrapped = nn.DataParallel(_Tagger()).state_dict()
    text = _said(lambda: _Tagger().load_state_dict(wrapped))
    causes = {c.id for e in why(text).explained for c in e.causes}
    assert causes == {"data_parallel_prefix"}
    (fix,) = {c.fix for e in why(text).explained for c in e.causes}
    exec(fix, {}, {"model": _Tagger(), "state": wrapped})
    bare = _Tagger().state_dict()
    text = _said(lambda: nn.DataParallel(_Tagger()).load_state_dict(bare))
    causes = {c.id for e in why(text).explained for c in e.causes}
    assert causes == {"data_parallel_model"}
    (fix,) = {c.fix for e in why(text).explained for c in e.causes}
    model = nn.DataParallel(_Tagger())
    exec(fix, {}, {"model": model, "state": bare})
    assert torch.equal(model.module.rnn.weight_ih_l0, bare["rnn.weight_ih_l0"])


@pytest.mark.parametrize("built", ["GRU", "RNN"])
def test_weight_hr_in_the_checkpoint_of_a_gru_or_rnn_model_names_the_lstm(built: str) -> None:
    """proj_size is an LSTM's only: for a GRU model, the fix is the checkpoint's LSTM."""
    state = nn.LSTM(10, 20, proj_size=5).state_dict()
    text = _said(lambda: getattr(nn, built)(10, 20).load_state_dict(state))
    for result in (why(text), why(text, module=built)):
        causes = {c.id: c for e in result.explained for c in e.causes}
        assert "proj_size" not in causes
        assert causes["lstm_checkpoint"].proven
        call = causes["other_class"].fix.removeprefix("build the layer as ")
        eval(call, {"nn": nn}).load_state_dict(state)
    keys_only = text.split("\n\tsize mismatch")[0]  # the keys line alone, as a log may cut it
    (explained,) = why(keys_only, module=built).explained
    assert explained.causes[0].id == "lstm_checkpoint"


@pytest.mark.parametrize("built_batch_first", [True, False])
def test_a_batch_first_given_that_torch_contradicts_is_said(built_batch_first: bool) -> None:
    lstm = nn.LSTM(5, 7, batch_first=built_batch_first)
    x = torch.zeros(8, 32, 5)
    states = (torch.zeros(1, 3, 7),) * 2
    text = _said(lambda: lstm(x, states))
    for said in (True, False):
        notes = why(text, input=(8, 32, 5), batch_first=said).explained[0].notes
        wrong = [note for note in notes if "as given" in note]
        assert bool(wrong) == (said != built_batch_first), notes
        if wrong:
            assert f"batch_first={built_batch_first}, not {said}" in wrong[0]


def test_an_input_given_leaves_out_the_transpose_that_cannot_fit() -> None:
    gru = nn.GRU(300, 4)
    text = _said(lambda: gru(torch.zeros(8, 32, 128)))
    alone = [c.id for c in why(text).explained[0].causes]
    assert "features_not_last" in alone
    given = why(text, input=(8, 32, 128)).explained[0]
    assert "features_not_last" not in [c.id for c in given.causes]
    assert given.notes == ()
    other = why(text, input=(8, 32, 129)).explained[0]
    assert "not the tensor that reached the layer" in other.notes[0]


def test_an_lstms_states_of_another_dtype_on_the_cpu() -> None:
    lstm = nn.LSTM(10, 20)
    x, h_0, c_0 = torch.zeros(4, 3, 10), torch.zeros(1, 3, 20).double(), torch.zeros(1, 3, 20)
    text = _said(lambda: lstm(x, (h_0, c_0)))
    assert why(text).explained == ()  # torch says it of any oneDNN kernel
    (explained,) = why(f"    out, (h, c) = self.lstm(x, (h_0, c_0))\n{text}").explained
    (cause,) = explained.causes
    assert not cause.proven
    scope = {"x": x, "h_0": h_0, "c_0": c_0}
    exec(cause.fix, {}, scope)
    output, _ = lstm(x, (scope["h_0"], scope["c_0"]))
    assert tuple(output.shape) == (4, 3, 20)


def test_token_ids_given_to_a_cell_are_embedded_first() -> None:
    cell = nn.GRUCell(10, 20)
    text = _said(lambda: cell(torch.zeros(3, 10, dtype=torch.int64)))
    (explained,) = why(text, module="GRUCell").explained
    assert explained.causes[0].id == "token_ids"
    embedding = nn.Embedding(50, 10)
    scope = {"x": torch.zeros(3, dtype=torch.int64), "embedding": embedding}
    exec(explained.causes[0].fix, {}, scope)
    assert tuple(cell(scope["x"]).shape) == (3, 20)


@pytest.mark.parametrize(
    ("line", "named"),
    [('  File "/torch/nn/modules/rnn.py", line 1', True), ("    h = self.gru1(x)", True),
     ("model = nn.LSTMCell(3, 4)", True), ("in RNNBase.__init__", True),
     ("two lstm_cell layers", True), ("grub install", False), ("scrnnr", False),
     ("    y = self.embedding(x)", False)],
)  # fmt: skip
def test_what_names_a_recurrent_layer(line: str, named: bool) -> None:
    generic = _said(GENERIC["index_out_of_range"])
    assert bool(why(f"{line}\n{generic}\n").explained) == named


def test_one_tensor_for_an_lstms_two_states_on_a_padded_input() -> None:
    lstm = nn.LSTM(10, 20)
    x, h_0 = torch.zeros(4, 3, 10), torch.zeros(1, 3, 20)
    text = _said(lambda: lstm(x, h_0))
    (explained,) = why(text, module="LSTM").explained
    (cause,) = explained.causes
    assert (cause.fix, cause.proven) == ("lstm(x, (h_0, c_0))", False)
    output, (h_n, c_n) = eval(cause.fix, {}, {"lstm": lstm, "x": x, "h_0": h_0, "c_0": h_0})
    assert tuple(output.shape) == (4, 3, 20)
    assert tuple(h_n.shape) == tuple(c_n.shape) == (1, 3, 20)


def test_lengths_on_another_device_are_named() -> None:
    """No CUDA here: a meta tensor makes torch say the same sentence of another device."""
    x, lengths = torch.zeros(4, 3, 10), torch.tensor([4, 3, 2], device="meta")
    (explained,) = why(_said(lambda: nn.utils.rnn.pack_padded_sequence(x, lengths))).explained
    (cause,) = explained.causes
    assert cause.id == "lengths_device"
    assert "meta" in cause.text
    assert "lengths.cpu()" in cause.fix
