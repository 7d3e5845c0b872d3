"""The rest of a pasted text (the user's own source lines, the numbers it names) orders why's
causes: torch raises its sentence, the lines a traceback would show are put around it, and the
cause they point to comes first; what they contradict, or a fix that would change nothing, not."""

from __future__ import annotations

from typing import Any

import pytest

from lstmshape.commands.why import why

torch = pytest.importorskip("torch")
nn = torch.nn


def _state_error(lstm: Any, x: Any, h: Any) -> str:
    with pytest.raises(RuntimeError, match="Expected hidden") as caught:
        lstm(x, (h, h))
    return str(caught.value)


def _first(text: str, **given: Any) -> str:
    return why(text, **given).explained[0].causes[0].id


def test_num_layers_or_bidirectional_in_the_text_decides_the_rows() -> None:
    """Two rows expected, one given: a layer or a direction not counted."""
    layers = _state_error(nn.LSTM(4, 8, 2), torch.randn(3, 1, 4), torch.zeros(1, 1, 8))
    assert _first("self.lstm = nn.LSTM(4, 8, num_layers=2)\n" + layers) == "num_layers_not_counted"
    directions = _state_error(
        nn.LSTM(4, 8, bidirectional=True), torch.randn(3, 1, 4), torch.zeros(1, 1, 8)
    )
    said = "self.lstm = nn.LSTM(4, 8, bidirectional=True)\n" + directions
    assert _first(said) == "bidirectional_not_counted"


def test_batch_first_in_the_constructor_is_never_offered_as_the_fix() -> None:
    """nn.LSTM(..., batch_first=True) in the traceback: setting it would change nothing."""
    lstm = nn.LSTM(4, 8, batch_first=True)
    text = "    self.lstm = nn.LSTM(4, 8, batch_first=True)\n" + _state_error(
        lstm, torch.randn(5, 7, 4), torch.zeros(1, 7, 8)
    )
    causes = why(text).explained[0].causes
    assert causes[0].id != "batch_first"
    swap = next(cause for cause in causes if cause.id == "batch_first")
    assert "without batch_first=True" in swap.fix


@pytest.mark.parametrize(
    ("said", "state", "batch", "first"),
    [
        ("Here 100 is my batch size", 100, 82, "smaller_last_batch"),
        (
            "(82 happens to be the value of bptt, while 100 is the eval_batch_size)",
            100,
            82,
            "batch_first",
        ),
        ("During runtime of GRU under multi-GPU environment", 64, 16, "data_parallel"),
    ],
)
def test_the_numbers_the_text_names_point_to_the_cause(
    said: str, state: int, batch: int, first: str
) -> None:
    """A state built for one batch, an input read with another N."""
    lstm = nn.LSTM(4, 8)
    text = _state_error(lstm, torch.randn(state, batch, 4), torch.zeros(1, state, 8))
    assert _first(text + "\n" + said) == first
    assert _first(text) != first or first == "smaller_last_batch"


def test_a_given_hidden_size_rules_out_a_projection() -> None:
    """h_0 of 1024 features for an H_out of 256: a projection (proj_size=256, hidden_size=1024),
    unless hidden_size is given as another size."""
    lstm = nn.LSTM(4, 1024, proj_size=256)
    text = _state_error(lstm, torch.randn(3, 2, 4), torch.zeros(1, 2, 1024))
    with_it = [cause.id for cause in why(text).explained[0].causes]
    assert "proj_size_h" in with_it
    without = [cause.id for cause in why(text, hidden_size=512).explained[0].causes]
    assert "proj_size_h" not in without
