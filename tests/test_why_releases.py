"""lstmshape why on what users paste: every release's wording, GPU sentences, warnings, the kernel's
sentences in a recurrent frame, and text as it comes (cut, wrapped, coloured, chained).

The catalogue (lstmshape/torchfacts/releases.json) was read from torch's source at each sampled release
by tools/torch_sentences.py: each older wording is held against the source lines it stores; torch
2.13 raises every sentence it still prints, and why reads its real text back.
"""

from __future__ import annotations

import re
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstmshape import why
from lstmshape.errors import UnreadableValueError
from lstmshape.torchfacts.releases import TODAY, catalogue
from lstmshape.torchfacts.sentences import FRAMED, TORCH
from lstmshape.views.why import render_why, to_markdown, to_plain
from tests.conftest import invoke
from tests.strategies import torch

nn = torch.nn
R = torch.nn.utils.rnn
FRAME = '  File "/usr/lib/python3/site-packages/torch/nn/modules/rnn.py", line 1124, in forward\n'
SAMPLES = {"int": 7, "shape": (2, 3, 20), "state": (2, 3, 20), "list": (1, 8, 20), "size": (1024, 300),
           "name": "hidden_size", "path": "encoder.lstm.weight_ih_l0", "label": "hidden[1]",
           "batchedness": "batched 3-D", "ranks": "2-D, 3-D", "keys": '"a.weight", "b.bias"',
           "word": "sigmoid", "dtype": "torch.float64", "scalar": "BFloat16", "device": "cuda:0",
           "kernel": "_thnn_fused_lstm_cell_cuda", "cell_label": "[0]"}  # fmt: skip


def raised(action: Callable[[], Any]) -> str:
    """torch's whole traceback when ``action`` fails: the text a user pastes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            action()
        except (RuntimeError, ValueError, TypeError, IndexError):
            return traceback.format_exc()
    raise AssertionError("torch raised nothing")


def warned(action: Callable[[], Any]) -> str:
    """The text of the first warning ``action`` gives."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
    assert caught, "torch warned of nothing"
    return f"UserWarning: {caught[0].message}"


def _sample(sentence_id: str) -> str:
    sentence = TORCH[sentence_id]
    values = {name: SAMPLES[kind] for name, kind in sentence.fields.items()}
    if sentence.fields.get("label") == "label":
        values["label"] = "hidden[0]"
    if "model" in values:  # load_state_dict: the model's shape differs from the checkpoint's
        values["model"] = (512, 300)
    if "keys" in values:
        values["keys"] = '"lstm.weight_ih_l1", "lstm.weight_hh_l1"'
    if "got" in values and sentence.fields["got"] == "shape":
        values["got"] = (1, 3, 20)
    return sentence.say(**values)


# --- the catalogue, held against torch's source ---------------------------------------------


def test_the_catalogue_spans_every_release_and_names_only_lstmshapes_sentences() -> None:
    data = catalogue()
    assert data["sampled"][0] == "1.0.0"
    assert data["sampled"][-1] == TODAY
    assert len(data["sampled"]) >= 25
    for entry in data["sentences"]:
        assert entry["id"] in TORCH, entry["id"]
        assert entry["source"]
        assert entry["provenance"]
        assert entry["proves"]
        # torch 0.x's wordings were read from its source without a wheel (data["older"])
        assert entry["first"] in data["sampled"] + data["older"]
        assert entry["last"] in data["sampled"] + data["older"]
    # The wordings the issue names, with the releases their source says.
    wordings = {(e["id"], e["where"]): (e["first"], e["last"]) for e in data["sentences"]}
    assert wordings["state_size_tuple", "python"] == ("1.0.0", "1.6.0")
    assert wordings["state_size", "python"] == ("1.7.0", TODAY)
    assert wordings["unsorted_lengths_old", "packing"] == ("1.0.0", "1.0.1")
    assert wordings["cell_input_width_comma", "python"] == ("1.0.0", "1.8.0")
    assert wordings["unsorted_lengths_0x", "packing"] == ("0.2.0", "0.3.1")
    assert wordings["size_mismatch_0x", "load_state_dict"] == ("0.3.0", "0.4.1")
    assert wordings["state_device_cut", "aten"] == wordings["state_device", "aten"]


@pytest.mark.parametrize("entry", catalogue()["sentences"], ids=lambda e: f"{e['id']}-{e['where']}")
def test_each_wording_is_the_source_text_it_came_from(entry: dict[str, Any]) -> None:
    # The words of the template's literal parts are the source's: a Python message's string
    # literals, or a C++ message's pieces in the library's strings (split where values go). The
    # source holds the part of the message its needles found; most of the template's words are
    # in it.
    template = TORCH[entry["id"]].template
    words = list(re.findall(r"[A-Za-z_`'()\[\]-]{4,}", re.sub(r"\{\w+\}", " ", template)))
    source = " ".join(entry["source"])
    held = [w for w in words if w in source]
    assert len(held) * 2 >= len(words), (words, source)


@pytest.mark.parametrize("entry", catalogue()["sentences"], ids=lambda e: f"{e['id']}-{e['where']}")
def test_every_wording_of_every_release_is_recognised(entry: dict[str, Any]) -> None:
    text = f"Traceback (most recent call last):\n{FRAME}RuntimeError: {_sample(entry['id'])}\n"
    result = why(text, module="LSTM")
    assert [e.sentence for e in result.explained] == [entry["id"]]
    item = result.explained[0]
    assert item.causes
    assert item.causes[0].fix
    dated = any("This is the wording of torch" in note for note in item.notes)
    assert dated == all(
        e["last"] != TODAY for e in catalogue()["sentences"] if e["id"] == entry["id"]
    )


# --- torch 2.13 raises them: the new sentences read back from its real text ------------------


def _packed(lengths: list[int], width: int = 16) -> Any:
    return R.pack_padded_sequence(torch.zeros(max(lengths), len(lengths), width), lengths)


def _backward_twice() -> None:
    lstm, state = nn.LSTM(3, 4), (torch.zeros(1, 2, 4), torch.zeros(1, 2, 4))
    for _ in range(2):
        output, state = lstm(torch.zeros(2, 2, 3), state)
        output.sum().backward()


TODAYS = {
    "state_device": lambda: raised(lambda: nn.LSTM(16, 32)(torch.zeros(5, 8, 16), (torch.zeros(1, 8, 32, device="meta"),) * 2)),
    "lengths_tensor": lambda: raised(lambda: R.pack_padded_sequence(torch.zeros(5, 8, 16), torch.full((8,), 5, device="meta"))),
    "packed_broadcast": lambda: raised(lambda: nn.LSTM(16, 32)(_packed([5, 4, 2, 1]), (torch.zeros(1, 8, 32),) * 2)),
    "packed_matmul": lambda: raised(lambda: nn.LSTM(16, 32)(_packed([5, 4, 2, 1]), (torch.zeros(1, 4, 64),) * 2)),
    "backward_twice": lambda: raised(_backward_twice),
    "dropout_one_layer": lambda: warned(lambda: nn.LSTM(3, 4, dropout=0.5)),
    "kernel_dtype": lambda: raised(lambda: torch.zeros(2, 2, dtype=torch.bool) @ torch.zeros(2, 2, dtype=torch.bool)),
    # an issue's title: the sentence cut after its first clause
    "state_device_cut": lambda: TODAYS["state_device"]().splitlines()[-1].split(" input tensor at")[0],
}  # fmt: skip


@pytest.mark.parametrize("sentence_id", sorted(TODAYS))
def test_torch_213_raises_each_new_sentence_and_why_reads_its_traceback(sentence_id: str) -> None:
    text = TODAYS[sentence_id]()
    # A matmul's kernel; a backward whose traceback shows the user's loss.backward() only.
    known = {"module": "LSTM"} if sentence_id in ("kernel_dtype", "backward_twice") else {}
    result = why(text, **known)
    assert [e.sentence for e in result.explained] == [sentence_id], text


def test_the_kernels_sentences_are_claimed_only_in_a_recurrent_frame() -> None:
    for sentence_id in FRAMED - {"packed_matmul_old", "cudnn_not_supported"}:
        text = TODAYS[sentence_id]()
        assert "torch/nn/modules/rnn.py" in text
        bare = text.splitlines()[-1]
        assert not why(bare).explained, bare
        assert not why(bare, module="LSTM", hidden_size=32).explained, bare
    # A linear layer's matmul, with an LSTM only named, is not a recurrent layer's.
    linear = raised(lambda: nn.Linear(3, 4)(torch.zeros(2, 5)))
    assert not why(linear + "\nself.lstm = nn.LSTM(3, 4)\n").explained


def test_torch_213_prints_every_catalogue_sentence_it_still_has() -> None:
    from tests.test_why import _torch_texts

    raised_ids = {e.sentence for text in _torch_texts() for e in why(text, module="LSTM").explained}
    raised_ids |= set(TODAYS)
    cuda_only = {
        "state_contiguous",
        "cudnn_backward_eval",
        "weights_not_contiguous",
        "cudnn_not_supported",
    }
    todays = {e["id"] for e in catalogue()["sentences"] if e["last"] == TODAY} - cuda_only
    # Said today by torch's other code paths only (cells' input width in ATen, the packed
    # kernel's more states): covered by test_why.py's own round trips.
    assert todays - raised_ids <= {"no_steps", "input_dtype", "odd_states", "more_states", "rnn_parameters",
                                   "lengths_count", "length_not_positive", "two_states", "state_rank",
                                   "states_rank", "missing_keys", "unexpected_keys"}, todays - raised_ids  # fmt: skip


# --- the fixes, applied ---------------------------------------------------------------------


def _apply(fix: str, **names: Any) -> dict[str, Any]:
    code = fix.split("  #", maxsplit=1)[0]
    scope = {"torch": torch, "nn": nn, **names}
    exec(code, scope)
    return scope


def test_a_state_on_another_device_is_moved_to_the_weights_device() -> None:
    # meta stands for the GPU: the model and its state were moved there, the input was not.
    model, x = nn.LSTM(16, 32).to("meta"), torch.zeros(5, 8, 16)
    h_0 = c_0 = torch.zeros(1, 8, 32, device="meta")
    (item,) = why(raised(lambda: model(x, (h_0, c_0)))).explained
    assert item.subject == "h_0"
    assert item.expected == "cpu"
    assert item.got == "meta"
    scope = _apply(item.causes[0].fix, model=model, x=x, h_0=h_0, c_0=c_0)
    output, (h_n, _c_n) = model(scope["x"], (scope["h_0"], scope["c_0"]))
    assert h_n.device.type == "meta"
    assert tuple(output.shape) == (5, 8, 32)


# torch 2.13 checks no state of a packed LSTM input: some wrong batches corrupt its memory (a
# state of 4 for a packed batch of 8 of equal lengths aborts the process), others run silently.
# These, tried apart in a subprocess first, fail with the broadcast sentence.
@pytest.mark.parametrize("batch", [2, 8])
def test_a_packed_inputs_state_of_another_batch_is_built_for_batch_sizes_0(batch: int) -> None:
    packed, lstm = _packed([5, 4, 2, 1], 3), nn.LSTM(3, 4)
    text = raised(lambda: lstm(packed, (torch.zeros(1, batch, 4),) * 2))
    (item,) = why(text).explained
    assert item.sentence == "packed_broadcast"
    assert f"({batch})" in item.torch_message
    scope = _apply(item.causes[0].fix, packed=packed, D=1, num_layers=1, H_out=4, H_cell=4)
    _, (h_n, _) = lstm(packed, (scope["h_0"], scope["c_0"]))
    assert tuple(h_n.shape) == (1, 4, 4)


def test_a_packed_inputs_state_of_another_width_is_rebuilt_with_the_layers_h_out() -> None:
    packed, lstm = _packed([5, 4, 2, 1]), nn.LSTM(16, 32)
    (item,) = why(TODAYS["packed_matmul"]()).explained
    assert (item.expected, item.got) == (32, 64)
    scope = _apply(item.causes[0].fix, packed=packed, D=1, num_layers=1)
    _, (h_n, _) = lstm(packed, (scope["h_0"], torch.zeros(1, 4, 32)))
    assert tuple(h_n.shape) == (1, 4, 32)


def test_the_fixes_said_for_a_gpu_are_valid_code_that_runs_on_the_cpu() -> None:
    lstm = nn.LSTM(3, 4, 2)
    h_0 = torch.zeros(2, 2, 4).transpose(0, 1)  # the batch-first state, not contiguous
    assert not h_0.is_contiguous()
    (item,) = why("RuntimeError: rnn: hx is not contiguous").explained
    scope = _apply(item.causes[0].fix, h_0=h_0)
    assert scope["h_0"].is_contiguous()
    lstm(torch.zeros(5, 2, 3), (scope["h_0"], torch.zeros(2, 2, 4)))
    (item,) = why("RuntimeError: cudnn RNN backward can only be called in training mode").explained
    model = nn.Sequential(lstm).eval()
    _apply(item.causes[0].fix, model=model)
    assert model.training
    (item,) = why(
        "UserWarning: RNN module weights are not part of single contiguous chunk of memory."
    ).explained

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(3, 4)

    _apply(item.causes[0].fix, self=Model())
    text = "RuntimeError: \"_thnn_fused_lstm_cell_cuda\" not implemented for 'BFloat16'"
    (item,) = why(text).explained
    model, x = nn.LSTM(3, 4).to(torch.bfloat16), torch.zeros(2, 1, 3, dtype=torch.bfloat16)
    scope = _apply(item.causes[0].fix, model=model, x=x)
    assert scope["model"](scope["x"])[0].dtype == torch.float32


def test_dropout_with_one_layer_and_a_second_backward_are_fixed_as_said() -> None:
    (item,) = why(TODAYS["dropout_one_layer"]()).explained
    lstm = nn.LSTM(3, 4)
    output, _ = lstm(torch.zeros(5, 2, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scope = _apply(item.causes[0].fix, output=output, p=0.5)
    assert scope["output"].shape == output.shape
    (item,) = why(TODAYS["backward_twice"](), module="LSTM").explained
    assert item.causes[0].id == "state_not_detached"
    h, c = torch.zeros(1, 2, 4), torch.zeros(1, 2, 4)
    for _ in range(3):
        output, (h, c) = lstm(torch.zeros(2, 2, 3), (h, c))
        output.sum().backward()
        scope = _apply(item.causes[0].fix, h=h, c=c)
        h, c = scope["h"], scope["c"]


# --- text as users paste it -------------------------------------------------------------------


def _state_text() -> str:
    gru = nn.GRU(10, 20)
    return raised(lambda: gru(torch.zeros(4, 3, 10), torch.zeros(1, 5, 20))).splitlines()[-1]


@given(st.data())
def test_a_sentence_wrapped_anywhere_is_read_as_whole(data: st.DataObject) -> None:
    line = _state_text()
    spaces = [i for i, char in enumerate(line) if char == " "]
    cut = data.draw(st.sampled_from(spaces))
    indent = data.draw(st.sampled_from(["", "    "]))
    wrapped = f"noise\n{line[:cut]}\n{indent}{line[cut + 1 :]}\nmore noise\n"
    (item,) = why(wrapped).explained
    (whole,) = why(line).explained
    assert (item.sentence, item.expected, item.got) == (whole.sentence, whole.expected, whole.got)


def test_a_sentence_without_its_period_or_cut_after_its_first_clause() -> None:
    mismatch = raised(lambda: nn.LSTM(300, 128).load_state_dict(nn.LSTM(300, 256).state_dict()))
    size_line = next(line for line in mismatch.splitlines() if "size mismatch for" in line).strip()
    assert size_line.endswith(".")
    assert why(size_line.removesuffix(".")).explained[0].sentence == "size_mismatch"
    unsorted = raised(lambda: R.pack_padded_sequence(torch.zeros(4, 3, 2), [1, 4, 3])).splitlines()[
        -1
    ]
    title = unsorted.split(". ")[0]  # an issue's title: its first sentence
    assert [e.sentence for e in why(title).explained] == ["unsorted_lengths_cut"]
    cuda = raised(
        lambda: R.pack_padded_sequence(torch.zeros(5, 8, 16), torch.full((8,), 5, device="meta"))
    )
    title = cuda.splitlines()[-1].split(", but got")[0]
    (item,) = why(title).explained
    assert item.causes[0].fix == "pack_padded_sequence(x, lengths.cpu(), ...)"
    dtype = raised(lambda: nn.LSTM(3, 4)(torch.zeros(2, 1, 3, dtype=torch.float64))).splitlines()[
        -1
    ]
    (item,) = why(dtype.split(". Convert")[0]).explained
    assert (item.expected, item.got) == ("torch.float32", "torch.float64")


def test_a_notebooks_coloured_traceback_and_a_chained_one() -> None:
    text = raised(lambda: nn.LSTM(16, 32)(_packed([5, 4, 2, 1]), (torch.zeros(1, 8, 32),) * 2))
    coloured = "".join(
        f"\x1b[0;32m{line}\x1b[0m\n" if "File" in line else f"\x1b[0;31m{line}\x1b[0m\n"
        for line in text.splitlines()
    )
    assert [e.sentence for e in why(coloured).explained] == ["packed_broadcast"]
    chained = (
        _state_text()
        + "\n\nDuring handling of the above exception, another exception occurred:\n\n"
        "Traceback (most recent call last):\n  File \"train.py\", line 9\nKeyError: 'x'\n"
    )
    assert [e.sentence for e in why(chained).explained] == ["state_size"]


def test_control_characters_from_the_log_are_shown_as_escapes_but_in_json() -> None:
    text = "ValueError: Unknown nonlinearity 'sig\x1bc\x08moid'. Select from 'tanh' or 'relu'."
    result = why(text)
    for shown in (to_plain(result), to_markdown(result)):
        assert "\x1b" not in shown
        assert "\x08" not in shown
        assert "x1bc" in shown
        assert "x08moid" in shown
    for fmt in ("table", "plain", "markdown"):
        said = invoke(["why", text, "--format", fmt])
        assert said.exit_code == 0
        assert "\x1b" not in said.stdout
        assert "\\x1b" in said.stdout
    said = invoke(["why", text, "--format", "json"])
    assert "\\u001bc\\b" in said.stdout
    assert render_why is not None


def test_why_refuses_an_argument_it_does_not_take_in_its_own_words() -> None:
    with pytest.raises(UnreadableValueError, match="why\\(\\) takes no argument foo"):
        why("x", foo=1)  # type: ignore[arg-type]
    with pytest.raises(UnreadableValueError, match="is not a shape"):
        why("x", input=5)


def test_numbers_of_thousands_of_digits_are_not_read_and_raise_nothing() -> None:
    huge = "9" * 5000
    texts = [f"Expected hidden[0] size ({huge}, 1, 1), got [1, 1, 1]",
             f"input.size(-1) must be equal to input_size. Expected {huge}, got 3",
             f"size mismatch for lstm.weight_ih_l0: copying a param with shape torch.Size([{huge}, 3]) "
             "from checkpoint, the shape in current model is torch.Size([4, 3])."]  # fmt: skip
    for text in texts:
        assert not why(text).explained
