"""What ``why`` claims of two sentences holds against torch: ``Expected more hidden states in
stacked_rnn`` is said of states of more rows as of fewer, and weight_ih's shape alone does not
tell a checkpoint's class."""

from __future__ import annotations

import pytest

from lstmshape.commands.why import why

torch = pytest.importorskip("torch")
nn = torch.nn
pack = torch.nn.utils.rnn.pack_padded_sequence


def _stacked_rnn(rows: int, num_layers: int = 2) -> str:
    lstm = nn.LSTM(10, 20, num_layers)
    x = pack(torch.randn(5, 4, 10), [5, 4, 3, 2])
    state = torch.zeros(rows, 4, 20)
    with pytest.raises(RuntimeError, match="stacked_rnn") as caught:
        lstm(x, (state, state))
    return str(caught.value)


@pytest.mark.parametrize("rows", [1, 3, 4])
def test_stacked_rnn_is_said_of_more_rows_as_of_fewer(rows: int) -> None:
    """torch raises the one sentence for 1, 3 and 4 rows of an LSTM of 2 layers: it proves the
    count differs, not in which way, so why says "fewer or more"."""
    explained = why(_stacked_rnn(rows)).explained[0]
    assert "fewer or more" in explained.summary
    assert "fewer rows than" not in explained.summary


def test_stacked_rnn_fixes_keep_the_state() -> None:
    """Both reshapes the fix offers run and keep the rows they keep: a deeper state's last
    layers, a one-layer state repeated for each layer."""
    lstm = nn.LSTM(10, 20, 2)
    x = pack(torch.randn(5, 4, 10), [5, 4, 3, 2])
    D, num_layers = 1, 2
    fix = why(_stacked_rnn(3)).explained[0].causes[0].fix
    for statement in (
        "h_0 = h_0[-D * num_layers:]",
        "h_0 = h_0.repeat(D * num_layers // h_0.size(0), 1, 1)",
    ):
        assert statement in fix
    deeper = torch.randn(3, 4, 20)
    scope = {"h_0": deeper, "D": D, "num_layers": num_layers}
    exec("h_0 = h_0[-D * num_layers:]", scope)
    assert torch.equal(scope["h_0"], deeper[1:])
    lstm(x, (scope["h_0"], scope["h_0"]))
    single = torch.randn(1, 4, 20)
    scope = {"h_0": single, "D": D, "num_layers": num_layers}
    exec("h_0 = h_0.repeat(D * num_layers // h_0.size(0), 1, 1)", scope)
    assert all(torch.equal(row, single[0]) for row in scope["h_0"])
    lstm(x, (scope["h_0"], scope["h_0"]))


def _mismatch(saved: nn.Module, built: nn.Module) -> str:
    with pytest.raises(RuntimeError, match="size mismatch") as caught:
        built.load_state_dict(saved.state_dict())
    return str(caught.value)


def test_weight_ih_alone_does_not_tell_the_class() -> None:
    """(120, 40) is nn.LSTM(40, 30), nn.GRU(40, 40) or nn.RNN(40, 120): a GRU's checkpoint, read
    from its weight_ih line alone, is not said to be an LSTM's."""
    text = _mismatch(nn.GRU(40, 40), nn.LSTM(40, 40))
    line = next(line for line in text.splitlines() if "weight_ih_l0" in line)
    cause = why(line).explained[0].causes[0]
    assert not cause.proven
    assert "nn.GRU(40, 40)" in cause.text
    assert "nn.RNN(40, 120)" in cause.text
    assert cause.text.startswith("If the checkpoint's layer and the model's are both nn.LSTM")


def test_weight_hh_tells_the_class() -> None:
    """With weight_hh (3*H, H) in the text, the GRU is the only reading: said, and proven."""
    cause = why(_mismatch(nn.GRU(40, 40), nn.LSTM(40, 40))).explained[0].causes[0]
    assert (cause.id, cause.proven) == ("other_class", True)
    assert "nn.GRU(40, 40)" in cause.text
    assert "may as well be" not in cause.text
