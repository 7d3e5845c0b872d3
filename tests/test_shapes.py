"""The shape rules as a table (no torch): USERS.md's rules, the tutorials' examples, every axis."""

from __future__ import annotations

import pytest

from lstmshape import explain
from lstmshape.i18n.text import format_shape

Shape = tuple[int, ...]

# (arguments, expected shapes of input, h_0, c_0, output, h_n, c_n, and parameter count)
CASES: list[tuple[dict[str, object], dict[str, Shape], int]] = [
    # The mission example, and the Japanese tutorial: nn.LSTM(10, 20, 2) on (4, 3, 10).
    (
        {"input": (4, 3, 10), "hidden_size": 20, "num_layers": 2},
        {
            "h_0": (2, 3, 20),
            "c_0": (2, 3, 20),
            "output": (4, 3, 20),
            "h_n": (2, 3, 20),
            "c_n": (2, 3, 20),
        },
        5920,
    ),
    # The French tutorial: nn.LSTM(5, 6, batch_first=True, bidirectional=True) on (1, 4, 5).
    (
        {"input": (1, 4, 5), "hidden_size": 6, "batch_first": True, "bidirectional": True},
        {
            "h_0": (2, 1, 6),
            "c_0": (2, 1, 6),
            "output": (1, 4, 12),
            "h_n": (2, 1, 6),
            "c_n": (2, 1, 6),
        },
        2 * (4 * 6 * 5 + 4 * 6 * 6 + 2 * 4 * 6),
    ),
    # The Spanish tutorial: nn.LSTM(10, 6, 2) on (5, 2, 10).
    (
        {"input": (5, 2, 10), "hidden_size": 6, "num_layers": 2},
        {
            "h_0": (2, 2, 6),
            "c_0": (2, 2, 6),
            "output": (5, 2, 6),
            "h_n": (2, 2, 6),
            "c_n": (2, 2, 6),
        },
        (24 * 10 + 24 * 6 + 48) + (24 * 6 + 24 * 6 + 48),
    ),
    # Unbatched: no N anywhere; batch_first changes nothing.
    (
        {"input": (7, 3), "hidden_size": 5, "batch_first": True},
        {"h_0": (1, 5), "c_0": (1, 5), "output": (7, 5), "h_n": (1, 5), "c_n": (1, 5)},
        20 * 3 + 20 * 5 + 40,
    ),
    # proj_size: h is proj_size wide, c keeps hidden_size; layer 1 takes D*proj_size inputs.
    (
        {
            "input": (4, 3, 10),
            "hidden_size": 20,
            "num_layers": 2,
            "proj_size": 5,
            "bidirectional": True,
        },
        {
            "h_0": (4, 3, 5),
            "c_0": (4, 3, 20),
            "output": (4, 3, 10),
            "h_n": (4, 3, 5),
            "c_n": (4, 3, 20),
        },
        2 * (80 * 10 + 80 * 5 + 160 + 5 * 20) + 2 * (80 * 10 + 80 * 5 + 160 + 5 * 20),
    ),
    # batch_first moves N first in input and output only.
    (
        {"input": (32, 50, 8), "hidden_size": 16, "batch_first": True, "bias": False},
        {
            "h_0": (1, 32, 16),
            "c_0": (1, 32, 16),
            "output": (32, 50, 16),
            "h_n": (1, 32, 16),
            "c_n": (1, 32, 16),
        },
        64 * 8 + 64 * 16,
    ),
    # GRU: 3 gates, no cell state; RNN: one matrix each.
    (
        {"input": (4, 3, 10), "hidden_size": 20, "num_layers": 2, "module": "GRU"},
        {"h_0": (2, 3, 20), "output": (4, 3, 20), "h_n": (2, 3, 20)},
        (60 * 10 + 60 * 20 + 120) + (60 * 20 + 60 * 20 + 120),
    ),
    (
        {
            "input": (3, 4, 10),
            "hidden_size": 20,
            "module": "rnn",
            "bidirectional": True,
            "batch_first": True,
            "nonlinearity": "relu",
        },
        {"h_0": (2, 3, 20), "output": (3, 4, 40), "h_n": (2, 3, 20)},
        2 * (20 * 10 + 20 * 20 + 40),
    ),
    # Cells: one step, states (N, H) or (H); outputs h_1 (and c_1).
    (
        {"input": (3, 10), "hidden_size": 20, "module": "LSTMCell"},
        {"h_0": (3, 20), "c_0": (3, 20), "h_1": (3, 20), "c_1": (3, 20)},
        80 * 10 + 80 * 20 + 160,
    ),
    (
        {"input": (10,), "hidden_size": 20, "module": "GRUCell", "bias": False},
        {"h_0": (20,), "h_1": (20,)},
        60 * 10 + 60 * 20,
    ),
    (
        {"input": (0, 10), "hidden_size": 20, "module": "rnncell", "nonlinearity": "relu"},
        {"h_0": (0, 20), "h_1": (0, 20)},
        20 * 10 + 20 * 20 + 40,
    ),
    # An empty batch is valid in torch.
    (
        {"input": (4, 0, 10), "hidden_size": 20},
        {
            "h_0": (1, 0, 20),
            "c_0": (1, 0, 20),
            "output": (4, 0, 20),
            "h_n": (1, 0, 20),
            "c_n": (1, 0, 20),
        },
        80 * 10 + 80 * 20 + 160,
    ),
]


@pytest.mark.parametrize(("args", "shapes", "count"), CASES)
def test_shapes_table(args: dict[str, object], shapes: dict[str, Shape], count: int) -> None:
    report = explain(**args)  # type: ignore[arg-type]
    assert report.shapes() == {"input": args["input"], **shapes}
    assert report.num_parameters == count


def test_every_axis_is_named_with_torch_symbols() -> None:
    report = explain((4, 3, 10), 20, num_layers=2, bidirectional=True)
    axes = {t.name: [d.label() for d in t.dims] for t in report.tensors}
    assert axes == {
        "input": ["L=4", "N=3", "H_in=10"],
        "h_0": ["D*num_layers=4", "N=3", "H_out=20"],
        "c_0": ["D*num_layers=4", "N=3", "H_cell=20"],
        "output": ["L=4", "N=3", "D*H_out=40"],
        "h_n": ["D*num_layers=4", "N=3", "H_out=20"],
        "c_n": ["D*num_layers=4", "N=3", "H_cell=20"],
    }
    assert report.tensor("h_n").dims[0].derivation == "D=2 × num_layers=2"
    assert report.tensor("output").dims[2].derivation == "D=2 × H_out=20"
    assert report.tensor("h_n").formula == "(D*num_layers, N, H_out)"


def test_batch_first_layout_of_axes() -> None:
    report = explain((32, 50, 8), 16, batch_first=True)
    assert [d.symbol for d in report.tensor("input").dims] == ["N", "L", "H_in"]
    assert [d.symbol for d in report.tensor("output").dims] == ["N", "L", "D*H_out"]
    assert [d.symbol for d in report.tensor("h_n").dims] == ["D*num_layers", "N", "H_out"]


def test_parameters_in_registration_order() -> None:
    report = explain((4, 3, 10), 20, num_layers=2, bidirectional=True, proj_size=5)
    assert [(p.name, p.shape) for p in report.parameters][:6] == [
        ("weight_ih_l0", (80, 10)),
        ("weight_hh_l0", (80, 5)),
        ("bias_ih_l0", (80,)),
        ("bias_hh_l0", (80,)),
        ("weight_hr_l0", (5, 20)),
        ("weight_ih_l0_reverse", (80, 10)),
    ]
    assert report.parameters[10].name == "weight_ih_l1"
    assert report.parameters[10].shape == (80, 10)  # D*H_out = 2*5
    assert report.parameters[10].rows == "(4*H_cell, D*H_out)"


@pytest.mark.parametrize(
    ("args", "facts"),
    [
        ({"input": (4, 3, 10)}, ["output[-1] == h_n[-1]"]),
        ({"input": (3, 4, 10), "batch_first": True}, ["output[:, -1] == h_n[-1]"]),
        ({"input": (4, 10)}, ["output[-1] == h_n[-1]"]),
        (
            {"input": (4, 3, 10), "bidirectional": True},
            ["output[-1, :, :20] == h_n[-2]", "output[0, :, 20:] == h_n[-1]"],
        ),
        (
            {"input": (3, 4, 10), "bidirectional": True, "batch_first": True},
            ["output[:, -1, :20] == h_n[-2]", "output[:, 0, 20:] == h_n[-1]"],
        ),
        (
            {"input": (4, 10), "bidirectional": True, "proj_size": 7},
            ["output[-1, :7] == h_n[-2]", "output[0, 7:] == h_n[-1]"],
        ),
    ],
)
def test_correspondence_facts(args: dict[str, object], facts: list[str]) -> None:
    report = explain(hidden_size=20, num_layers=2, **args)  # type: ignore[arg-type]
    assert [f.text() for f in report.facts] == facts
    note = next(n.text for n in report.notes if n.id == "output_h_n")
    assert all(fact in note for fact in facts)


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (
            {"input": (4, 3, 10)},
            ["time_first", "output_h_n", "gates", "h_n_layout", "last_layer_state"],
        ),
        (
            {"input": (3, 4, 10), "batch_first": True},
            ["batch_first_states", "output_h_n", "gates", "h_n_layout", "last_layer_state"],
        ),
        (
            {"input": (4, 10)},
            ["unbatched", "output_h_n", "gates", "h_n_layout", "last_layer_state"],
        ),
        (
            {"input": (4, 0, 10)},
            ["time_first", "empty_batch", "output_h_n", "gates", "h_n_layout", "last_layer_state"],
        ),
        (
            {"input": (4, 3, 10), "proj_size": 5, "bidirectional": True},
            [
                "time_first",
                "proj_size",
                "bidirectional_output",
                "output_h_n",
                "gates",
                "h_n_layout",
                "last_layer_state",
            ],
        ),
        (
            {"input": (4, 3, 10), "dropout": 0.5},
            [
                "time_first",
                "output_h_n",
                "gates",
                "h_n_layout",
                "last_layer_state",
                "dropout_single_layer",
            ],
        ),
        (
            {"input": (4, 3, 10), "dropout": 0.5, "num_layers": 2},
            ["time_first", "output_h_n", "gates", "h_n_layout", "last_layer_state", "dropout"],
        ),
        (
            {"input": (4, 3, 10), "h_0": (1, 3, 20)},
            ["time_first", "output_h_n", "gates", "h_n_layout", "last_layer_state", "state_tuple"],
        ),
        (
            {"input": (4, 3, 10), "h_0": (1, 3, 20), "c_0": (1, 3, 20)},
            ["time_first", "output_h_n", "gates", "h_n_layout", "last_layer_state"],
        ),
    ],
)
def test_notes_appear_exactly_when_they_apply(args: dict[str, object], ids: list[str]) -> None:
    assert [n.id for n in explain(hidden_size=20, **args).notes] == ids  # type: ignore[arg-type]


def test_unbatched_batch_first_is_said_to_be_ignored() -> None:
    notes = explain((4, 10), 20, batch_first=True).notes
    assert any("batch_first is ignored for unbatched input" in n.text for n in notes)
    assert not any("ignored" in n.text for n in explain((4, 10), 20).notes)


def test_state_tuple_note_quotes_torchs_failure() -> None:
    one_row = explain((4, 3, 10), 20, h_0=(1, 3, 20)).notes[-1].text
    assert one_row.endswith("fails with: index 1 is out of bounds for dimension 0 with size 1")
    two_rows = explain((4, 3, 10), 20, num_layers=2, c_0=(2, 3, 20)).notes[-1].text
    assert "Only c_0 was given; h_0 is shown as it must be." in two_rows
    assert two_rows.endswith("should also be 3-D but got (2-D, 2-D) tensors")


def test_notes_carry_the_numbers() -> None:
    report = explain((4, 3, 10), 20, num_layers=2, bidirectional=True, proj_size=5)
    text = {n.id: n.text for n in report.notes}
    assert "H_out = proj_size = 5" in text["proj_size"]
    assert "H_cell = hidden_size = 20" in text["proj_size"]
    assert "weight_ih_l1 is (80, 10)" in text["proj_size"]
    assert "view(2, 2, 3, 5)" in text["h_n_layout"]
    assert "c_n.view(num_layers, D, N, H_cell) = view(2, 2, 3, 20)" in text["h_n_layout"]
    assert "stack the 4 gates (input, forget, cell, output)" in text["gates"]
    assert "4*H_cell = 80 rows" in text["gates"]
    assert "torch.cat([h_n[-2], h_n[-1]], dim=1), shape (3, 10)" in text["last_layer_state"]
    # The popular recipe h_n[0], h_n[1] is right only for one layer (USERS.md, mistake 4).
    assert "Not h_n[0] and h_n[1]" in text["last_layer_state"]
    one_layer = explain((4, 3, 10), 20, bidirectional=True)
    assert "Not h_n[0]" not in next(n.text for n in one_layer.notes if n.id == "last_layer_state")


def test_expectations_compare_shapes() -> None:
    report = explain((4, 3, 10), 20, expect={"output": (4, 3, 20), "h_n": (2, 3, 20)})
    assert [(e.tensor, e.ok) for e in report.expectations] == [("output", True), ("h_n", False)]
    assert not report.ok
    assert report.to_dict()["expectations"][1] == {
        "tensor": "h_n",
        "of": "tensor",
        "expected": [2, 3, 20],
        "computed": [1, 3, 20],
        "ok": False,
    }


def test_format_shape() -> None:
    assert format_shape((4, 3, 10)) == "(4, 3, 10)"
    assert format_shape((80,)) == "(80,)"


def test_torch_call() -> None:
    assert (
        explain((4, 3, 10), 20, num_layers=2).spec.torch_call() == "nn.LSTM(10, 20, num_layers=2)"
    )
    spec = explain((4, 3, 10), 20, bias=False, dropout=0.5, batch_first=True).spec
    assert spec.torch_call() == "nn.LSTM(10, 20, bias=False, batch_first=True, dropout=0.5)"
