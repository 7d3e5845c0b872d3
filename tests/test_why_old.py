"""torch 0.x's wordings, cut titles, retyped devices and cuDNN's NOT_SUPPORTED: each read back from
torch 2.13's real text where it still says it (cut or retyped as users paste it), the older ones
from the catalogue's source lines, and each fix applied on CPU."""

from __future__ import annotations

import re
from typing import Any

from lstmshape import why
from lstmshape.torchfacts.releases import catalogue
from lstmshape.torchfacts.sentences import TORCH
from tests.strategies import torch
from tests.test_why_releases import FRAME, _apply, raised

nn = torch.nn
R = torch.nn.utils.rnn


def _entry(sentence_id: str) -> dict[str, Any]:
    (entry,) = [e for e in catalogue()["sentences"] if e["id"] == sentence_id]
    return entry


def _source_message(sentence_id: str) -> str:
    """The message as the catalogue's source lines write it: their string literals joined."""
    literals = re.findall(
        r"""(?<![A-Za-z])(["'])(.*?)(?<!\\)\1""", " ".join(_entry(sentence_id)["source"])
    )
    return "".join(text.replace("\\'", "'") for _, text in literals)


def test_torch_0x_wordings_are_their_source_lines() -> None:
    assert _source_message("unsorted_lengths_0x").endswith(TORCH["unsorted_lengths_0x"].template)
    assert _source_message("length_not_positive_0x") == TORCH["length_not_positive_0x"].template
    said = TORCH["size_mismatch_0x"].template.replace("{parameter}", "{}")
    said = said.replace("{model}", "{}").replace("{checkpoint}", "{}") + "."
    assert _source_message("size_mismatch_0x") == said


def test_torch_0x_unsorted_lengths_fix_packs_the_batch_sorted() -> None:
    (item,) = why(
        f"{FRAME}ValueError: lengths array has to be sorted in decreasing order"
    ).explained
    assert item.sentence == "unsorted_lengths_0x"
    assert any("torch 0.2.0 to 0.3.1" in note for note in item.notes)
    x, lengths = torch.randn(5, 3, 4), torch.tensor([2, 5, 3])
    with_fix = _apply(item.causes[0].fix, x=x, lengths=lengths)
    packed = R.pack_padded_sequence(with_fix["x"], with_fix["lengths"])  # enforce_sorted=True
    padded, got = R.pad_packed_sequence(packed)
    for column, source in enumerate(with_fix["order"].tolist()):
        length = int(lengths[source])
        assert int(got[column]) == length
        assert torch.equal(padded[:length, column], x[:length, source])


def test_torch_03s_lower_case_empty_length_means_todays() -> None:
    today = why(raised(lambda: R.pack_padded_sequence(torch.zeros(3, 2, 4), [3, 0]))).explained
    old = why(f"ValueError: {TORCH['length_not_positive_0x'].say()}").explained
    assert [e.sentence for e in today] == ["length_not_positive"]
    assert [e.sentence for e in old] == ["length_not_positive_0x"]
    assert (old[0].summary, old[0].causes) == (today[0].summary, today[0].causes)


def test_torch_04s_load_sentence_reads_as_todays_and_its_fix_loads() -> None:
    # torch 2.13 raises its size mismatch; the same numbers in 0.4's words read the same.
    saved = nn.LSTM(300, 400).state_dict()
    model = nn.LSTM(350, 400)
    today = why(raised(lambda: model.load_state_dict(saved))).explained
    old_text = TORCH["size_mismatch_0x"].say(
        parameter="weight_ih_l0", model=(1600, 350), checkpoint=(1600, 300)
    )
    old = why(f"RuntimeError: {old_text}.").explained
    assert [e.sentence for e in old] == ["size_mismatch_0x"]
    assert (old[0].parameter, old[0].causes) == (today[0].parameter, today[0].causes)
    fix = old[0].causes[0].fix
    assert fix == "input_size=300"
    nn.LSTM(**{"input_size": 300, "hidden_size": 400}).load_state_dict(saved)


def _device_fault() -> tuple[Any, ...]:
    model, x = nn.LSTM(16, 32).to("meta"), torch.zeros(5, 8, 16)
    h_0 = c_0 = torch.zeros(1, 8, 32, device="meta")
    return model, x, h_0, c_0


def test_a_device_retyped_in_capitals_is_read_as_torchs() -> None:
    model, x, h_0, c_0 = _device_fault()
    text = raised(lambda: model(x, (h_0, c_0)))
    assert "input tensor at cpu" in text
    (item,) = why(text.replace("input tensor at cpu", "input tensor at CPU")).explained
    assert (item.sentence, item.expected, item.got) == ("state_device", "cpu", "meta")


def test_a_title_cut_after_found_is_read_and_says_the_devices_are_not_in_it() -> None:
    model, x, h_0, c_0 = _device_fault()
    text = raised(lambda: model(x, (h_0, c_0))).splitlines()[-1]
    cut = text[: text.index(", found") + len(", found")]
    (item,) = why(cut).explained
    assert item.sentence == "state_device_cut"
    assert (item.subject, item.expected, item.got) == ("h_0", None, None)
    assert "cut" in item.summary
    scope = _apply(item.causes[0].fix, model=model, x=x, h_0=h_0, c_0=c_0)
    output, (h_n, _c_n) = model(scope["x"], (scope["h_0"], scope["c_0"]))
    assert h_n.device.type == "meta"
    assert tuple(output.shape) == (5, 8, 32)


_CUDNN = "RuntimeError: cuDNN error: " + TORCH["cudnn_not_supported"].template


def test_cudnns_not_supported_is_read_in_a_recurrent_frame_only() -> None:
    assert not why(_CUDNN).explained
    assert not why(_CUDNN, module="LSTM").explained
    conv = '  File "/x/torch/nn/modules/conv.py", line 454, in _conv_forward\n'
    assert not why(conv + _CUDNN).explained
    (item,) = why(f"{FRAME}    result = _VF.gru(\n{_CUDNN}").explained
    assert (item.sentence, item.subject) == ("cudnn_not_supported", "input")
    assert not item.causes[0].proven  # cuDNN says it of an input too large too


def test_cudnns_not_supported_fix_makes_the_input_contiguous_and_keeps_the_output() -> None:
    (item,) = why(f"{FRAME}{_CUDNN}").explained
    gru = nn.GRU(4, 6)
    x = torch.randn(3, 5, 4).transpose(0, 1)  # (L=5, N=3, H_in=4), strided
    assert not x.is_contiguous()
    scope = _apply(item.causes[0].fix, x=x)
    assert scope["x"].is_contiguous()
    assert torch.equal(gru(scope["x"])[0], gru(x)[0])
