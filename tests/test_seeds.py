"""The three tutorials lstmshape grew from (../shared/seeds): each example's shapes, and each claim
the tutorial makes about its numbers, come out of lstmshape and hold in torch."""

from __future__ import annotations

from lstmshape import explain, verify
from tests.conftest import import_torch

torch = import_torch()


def test_japanese_tutorial_stacked_lstm() -> None:
    # lstm_0 = nn.LSTM(10, 20, 2); inp (4, 3, 10); h0, c0 (2, 3, 20)
    report = verify(explain((4, 3, 10), 20, num_layers=2, h_0=(2, 3, 20), c_0=(2, 3, 20)))
    assert report.shapes()["output"] == (4, 3, 20)
    assert report.shapes()["h_n"] == (2, 3, 20)
    assert report.shapes()["c_n"] == (2, 3, 20)
    # "the last layer's hidden state equals the last time step of output"
    assert [f.text() for f in report.facts] == ["output[-1] == h_n[-1]"]
    assert report.verification is not None
    assert report.verification.ok


def test_french_tutorial_bidirectional_batch_first() -> None:
    # bilstm = nn.LSTM(5, 6, batch_first=True, bidirectional=True); a = torch.rand(1, 4, 5)
    report = verify(explain((1, 4, 5), 6, batch_first=True, bidirectional=True))
    assert report.shapes()["output"] == (1, 4, 12)
    assert report.shapes()["h_n"] == (2, 1, 6)
    assert report.shapes()["c_n"] == (2, 1, 6)
    # out[:,-1][:,:6] == hc[0][0] and out[:,0][:,6:] == hc[0][1]: with one layer, h_n[-2] is h_n[0].
    assert [f.text() for f in report.facts] == [
        "output[:, -1, :6] == h_n[-2]",
        "output[:, 0, 6:] == h_n[-1]",
    ]
    assert report.verification is not None
    assert report.verification.ok
    # Its classifier concatenates h_n[0] and h_n[1]: right here (one layer), and the note says when not.
    last = next(n.text for n in report.notes if n.id == "last_layer_state")
    assert "torch.cat([h_n[-2], h_n[-1]], dim=1), shape (1, 12)" in last


def test_spanish_tutorial_two_layers() -> None:
    # LSTM1 = nn.LSTM(10, 6, 2); input (5, 2, 10); h0, c0 (2, 2, 6)
    report = verify(explain((5, 2, 10), 6, num_layers=2, h_0=(2, 2, 6), c_0=(2, 2, 6)))
    assert report.shapes()["output"] == (5, 2, 6)
    assert report.shapes()["h_n"] == (2, 2, 6)
    # "the last time step of output matches the last layer of hn"
    assert report.verification is not None
    assert report.verification.ok
