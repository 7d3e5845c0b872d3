"""The Python API for tests and notebooks: explain, explain_module, assert_shapes, and the typed
package (py.typed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

import lstmshape
from lstmshape import (
    ExpectationError,
    LstmShapeError,
    UnreadableValueError,
    assert_shapes,
    explain,
    explain_module,
    spec_of_module,
)
from tests.conftest import invoke, unwrapped
from tests.strategies import build, configs, spec_of, torch


def test_explain_returns_a_frozen_report_with_tuples() -> None:
    report = explain(input=(4, 3, 10), hidden_size=20, num_layers=2)
    assert report.shapes()["h_n"] == (2, 3, 20)
    assert report.parameters[0].shape == (80, 10)
    assert report.notes
    with pytest.raises(AttributeError):
        report.input_shape = (1, 2, 3)  # type: ignore[misc]


def test_to_dict_is_the_clis_json() -> None:
    cli = json.loads(invoke("--input 4,3,10 --hidden 20 --layers 2 --format json").stdout)
    assert explain((4, 3, 10), 20, num_layers=2).to_dict() == cli


def test_errors_are_the_clis_in_pythons_words() -> None:
    """One error, one base class, one exit code; the command line says its fix as options, Python
    as keyword arguments."""
    with pytest.raises(LstmShapeError) as caught:
        explain((4, 3, 10), 20, num_layers=2, h_0=(1, 3, 20))
    cli = invoke("--input 4,3,10 --hidden 20 --layers 2 --h0 1,3,20")
    # The words, not the layout: stderr is wrapped to the terminal (tests/test_layout.py holds it).
    said = str(caught.value).replace("h_0=(2, 3, 20)", "--h0 2,3,20")
    assert unwrapped(cli.stderr) == "Error: " + said + "\n"
    assert str(caught.value).endswith("  Try h_0=(2, 3, 20).")
    assert "; 1 row was made for fewer layers." in said  # one row: the singular, CLDR's "one"
    assert cli.exit_code == caught.value.exit_code == 1


@given(configs())
def test_explain_module_reads_any_instance_as_explain_does(config: dict[str, Any]) -> None:
    module = build(spec_of(config))
    assert spec_of_module(module) == spec_of(config)
    assert explain_module(module, config["input"]) == explain(**config)


def test_explain_module_reads_subclasses_and_refuses_other_modules() -> None:
    class Encoder(torch.nn.LSTM):  # type: ignore[misc]
        pass

    assert explain_module(Encoder(10, 20, batch_first=True), (3, 4, 10)).shapes()["output"] == (
        3,
        4,
        20,
    )
    model = torch.nn.Sequential(torch.nn.Linear(10, 10), torch.nn.GRU(10, 20))
    with pytest.raises(UnreadableValueError) as caught:
        explain_module(model, (4, 3, 10))
    assert str(caught.value) == (
        "lstmshape reads nn.LSTM, nn.GRU, nn.RNN and their cells; got Sequential.\n"
        "  It contains 1 (GRU).\n"
        "  Try passing the recurrent layer itself, e.g. model[1]."
    )
    with pytest.raises(UnreadableValueError, match="nor contains one"):
        explain_module(torch.nn.Linear(3, 4), (4, 3))


def test_assert_shapes_returns_the_report_when_every_shape_holds() -> None:
    lstm = torch.nn.LSTM(10, 20, num_layers=2, bidirectional=True)
    report = assert_shapes(lstm, (4, 3, 10), output=(4, 3, 40), h_n=(4, 3, 20), c_n=(4, 3, 20))
    assert all(e.ok for e in report.expectations)


def test_assert_shapes_fails_as_an_assertion_with_the_explanation() -> None:
    lstm = torch.nn.LSTM(10, 20, num_layers=2, bidirectional=True)
    with pytest.raises(AssertionError) as caught:
        assert_shapes(lstm, (4, 3, 10), {"c_n": (4, 3, 20)}, output=(4, 3, 20), h_n=(2, 3, 20))
    assert isinstance(caught.value, ExpectationError)
    # The table view of what differs: each shape with its axes, then one fix for all of them.
    assert str(caught.value).splitlines() == [
        "2 shapes differ from the expected for nn.LSTM(10, 20, num_layers=2, bidirectional=True) "
        "on input (4, 3, 10):",
        "  tensor  expected    computed    axes",
        "  output  (4, 3, 20)  (4, 3, 40)  L=4, N=3, D*H_out=40 (D=2 × H_out=20)",
        "  h_n     (2, 3, 20)  (4, 3, 20)  D*num_layers=4 (D=2 × num_layers=2), N=3, "
        "H_out=20 (hidden_size)",
        "  Try expecting output=(4, 3, 40), h_n=(4, 3, 20), or change the module's arguments.",
    ]


def test_assert_shapes_takes_a_spec_packed_names_and_refuses_nothing_to_assert() -> None:
    spec = spec_of({"input": (5, 3, 10), "hidden_size": 20, "module": "GRU"})
    assert_shapes(spec, (5, 3, 10), {"output.data": (10, 20)}, lengths=(5, 3, 2), h_n=(1, 3, 20))
    with pytest.raises(UnreadableValueError, match="no shapes to assert"):
        assert_shapes(spec, (5, 3, 10))
    with pytest.raises(UnreadableValueError, match="has no such tensor"):
        assert_shapes(spec, (5, 3, 10), c_n=(1, 3, 20))


def test_the_package_is_typed() -> None:
    assert (Path(lstmshape.__file__).parent / "py.typed").is_file()


def test_shapes_as_a_test_has_them_at_hand() -> None:
    """A tensor (its .shape), a torch.Size or a string are shapes too."""
    lstm = torch.nn.LSTM(10, 20, num_layers=2)
    x = torch.randn(4, 3, 10)
    report = assert_shapes(lstm, x, output="4,3,20", h_n=torch.zeros(2, 3, 20).shape)
    assert report.input_shape == (4, 3, 10)
    assert explain_module(lstm, x, h_0=torch.zeros(2, 3, 20)).tensor("h_0").given
    with pytest.raises(UnreadableValueError, match="is not a shape"):
        assert_shapes(lstm, x, output=object())


def test_the_hint_for_a_model_is_python() -> None:
    with pytest.raises(UnreadableValueError) as caught:
        explain_module(torch.nn.Sequential(torch.nn.LSTM(10, 20)), (4, 3, 10))
    assert caught.value.hint == "Try passing the recurrent layer itself, e.g. model[0]."
    with pytest.raises(UnreadableValueError, match="got the class LSTM itself"):
        explain_module(torch.nn.LSTM, (4, 3, 10))


def test_assert_shapes_takes_parameter_names() -> None:
    lstm = torch.nn.LSTM(10, 20, num_layers=2)
    assert_shapes(lstm, (4, 3, 10), weight_ih_l1=(80, 20), h_n=(2, 3, 20))
    with pytest.raises(
        ExpectationError, match=r"weight_ih_l0  \(1024, 300\)  \(80, 10\)  \(4\*H_cell, H_in\)"
    ):
        assert_shapes(lstm, (4, 3, 10), weight_ih_l0=(1024, 300))
