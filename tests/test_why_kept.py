"""A state the model computed (an encoder's final state, a VAE's latent) is reshaped by why's
fix, never replaced by zeros: torch raises its sentence for such a state, why's fix for a computed
state runs, gives the shape torch takes, and keeps every value of the state."""

from __future__ import annotations

import re
from typing import Any

import pytest

from lstmshape.commands.why import why

torch = pytest.importorskip("torch")
nn = torch.nn


def _error(module: Any, x: Any, state: Any) -> str:
    with pytest.raises(RuntimeError) as caught:
        module(x, state)
    return str(caught.value)


def _computed_fix(fix: str) -> str:
    """The fix's code for a computed state: the text after "a state the model computed:"."""
    match = re.search(r"a state the model computed: (.+?)(?:;|$)", fix)
    assert match, fix
    return match.group(1)


def _run(code: str, **scope: Any) -> dict[str, Any]:
    exec(code, scope)
    return scope


@pytest.mark.parametrize(
    ("module", "rows", "cause"),
    [
        (lambda: nn.LSTM(6, 8, num_layers=3), 1, "num_layers_not_counted"),
        (lambda: nn.LSTM(6, 8, bidirectional=True), 1, "bidirectional_not_counted"),
        (lambda: nn.LSTM(6, 8), 2, "built_for_bidirectional"),
    ],
    ids=["one layer's state, 3 layers", "one direction, bidirectional", "two directions, one"],
)
def test_a_computed_states_rows_are_reshaped_not_replaced(
    module: Any, rows: int, cause: str
) -> None:
    lstm = module()
    x = torch.randn(5, 4, 6)
    h, c = torch.randn(rows, 4, 8), torch.randn(rows, 4, 8)
    text = "hidden = self.encoder(src)  # an encoder's final state\n" + _error(lstm, x, (h, c))
    causes = {item.id: item for item in why(text).explained[0].causes}
    code = _computed_fix(causes[cause].fix)
    assert "zeros" not in code
    scope = _run(code, h_0=h, c_0=c, D=2 if lstm.bidirectional else 1, num_layers=lstm.num_layers)
    lstm(x, (scope["h_0"], scope["c_0"]))  # the shape torch takes
    rows_kept = scope["h_0"].reshape(-1, 4, 8)
    # Every row of the result is one of the state's rows: nothing made up, nothing zeroed.
    assert all(any(torch.equal(row, old) for old in h) for row in rows_kept)


def test_an_initial_state_is_rebuilt_with_zeros_first() -> None:
    """init_hidden in the text: the state is an initial one, zeros are its fix, said first."""
    lstm = nn.LSTM(6, 8, num_layers=2)
    h = torch.zeros(1, 4, 8)
    text = "hidden = self.init_hidden(batch_size)\n" + _error(lstm, torch.randn(5, 4, 6), (h, h))
    fix = why(text).explained[0].causes[0].fix
    assert fix.startswith("an initial state: h_0 = torch.zeros(D * num_layers")


def test_a_latent_without_its_layer_axis_gets_it() -> None:
    """lstm-vae-torch#2: a latent (N, H) passed as (z, z), the call in the traceback: "pass a
    tuple" would change nothing and is not offered; the states are unsqueezed, their values kept,
    and repeated for a deeper LSTM."""
    for layers in (1, 3):
        lstm = nn.LSTM(6, 8, num_layers=layers)
        z = torch.randn(4, 8)
        text = "    output, hidden = self.lstm(x, (z, z))\n" + _error(
            lstm, torch.randn(5, 4, 6), (z, z)
        )
        causes = why(text).explained[0].causes
        assert "one_state_for_two" not in [item.id for item in causes]
        cause = causes[0]
        assert cause.id == "layer_axis_missing"
        code = cause.fix.split("; for D*num_layers > 1: ")[1 if layers > 1 else 0]
        scope = _run(code, h_0=z, c_0=z, D=1, num_layers=layers)
        lstm(torch.randn(5, 4, 6), (scope["h_0"], scope["c_0"]))
        assert all(torch.equal(row, z) for row in scope["h_0"])


def test_an_extra_axis_is_reshaped_away() -> None:
    """Sentence-VAE#35: a bidirectional GRU's state (1, 2, 10, 16) made from a latent: torch 2.13
    says its rank only; the fix reshapes it to (D*num_layers, N, H_out), its values kept."""
    gru = nn.GRU(6, 16, bidirectional=True)
    h = torch.randn(1, 2, 10, 16)
    cause = why(_error(gru, torch.randn(5, 10, 6), h)).explained[0].causes[0]
    assert cause.id == "extra_axis"
    scope = _run(cause.fix, h_0=h, D=2, num_layers=1, N=10, H_out=16)
    gru(torch.randn(5, 10, 6), scope["h_0"])
    assert torch.equal(scope["h_0"], h[0])
