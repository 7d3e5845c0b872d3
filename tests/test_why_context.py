"""Sentences torch says of any tensor ("index out of range in self", "Dimension out of range ...")
are lstmshape why's only where a recurrent layer is named: by the text (a traceback through
torch/nn/modules/rnn.py, self.lstm(x)) or by the arguments the user gives. Then they are a likely
meaning, never a proven one. Each is made by torch, never copied by hand.
"""

from __future__ import annotations

from typing import Any

import pytest

from lstmshape import why
from tests.conftest import invoke, validate_json
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
    assert "No sentence of torch's about recurrent layers" in said.stderr
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
