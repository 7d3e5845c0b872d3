"""Results show themselves: the table view as HTML in a notebook, the plain view for print(), one
short line for repr(); the schemas shipped are valid and can fail a document."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import lstmshape
from lstmshape.commands.check import check_entry, read_spec
from lstmshape.views.text import to_plain
from tests.conftest import SCHEMAS, validate_json
from tests.strategies import torch

ROOT = Path(__file__).resolve().parent.parent


def test_a_report_shows_its_tables() -> None:
    report = lstmshape.explain((4, 3, 10), 20, num_layers=2, expect={"h_n": (1, 3, 20)})
    assert repr(report) == "<Report nn.LSTM(10, 20, num_layers=2) on input (4, 3, 10): 1 failure>"
    assert str(report) == to_plain(report).rstrip("\n")
    html = report._repr_html_()
    assert html.startswith('<pre style="white-space:pre;')
    assert "(2, 3, 20)" in html
    assert "D*num_layers=2" in html
    assert "MISMATCH" in html
    assert "color: #" in html  # Rich's colours, inlined


def test_a_trace_shows_its_calls_and_its_failure() -> None:
    model = torch.nn.Sequential(torch.nn.LSTM(10, 20, bidirectional=True))
    trace = lstmshape.trace(model, torch.randn(4, 3, 12))
    assert repr(trace) == "<Trace Sequential on (4, 3, 12) float32: 1 recurrent call, 0 failed>"
    with pytest.raises(RuntimeError, match=r"input_size") as torch_says:
        model(torch.randn(4, 3, 12))
    assert str(torch_says.value) in str(trace)
    html = trace._repr_html_()
    assert "Error: 0, nn.LSTM(10, 20, bidirectional=True), failed on (4, 3, 12)." in html
    ok = lstmshape.trace(model, torch.randn(4, 3, 10))
    assert repr(ok) == "<Trace Sequential on (4, 3, 10) float32: 1 recurrent call, ok>"
    assert "(4, 3, 40)" in ok._repr_html_()
    assert str(ok).splitlines()[0] == "Sequential on (4, 3, 10) float32: 1 recurrent call, ok"


def test_a_spec_files_outcome_shows_its_row() -> None:
    entries = list(read_spec(ROOT / "examples" / "tutorials.toml"))
    outcome = check_entry(entries[0])
    assert repr(outcome) == "<Outcome stacked_lstm: pass>"
    assert "stacked_lstm  nn.LSTM(10, 20, num_layers=2)  (4, 3, 10)  pass" in str(outcome)
    assert "stacked_lstm" in outcome._repr_html_()


def test_why_and_a_checkpoint_show_their_tables() -> None:
    found = lstmshape.why("RuntimeError: Expected hidden[0] size (1, 8, 256), got [1, 32, 256]")
    assert repr(found) == "<WhyResult state_size: h_0>"
    assert str(found).startswith("torch says: Expected hidden[0] size (1, 8, 256)")
    assert "drop_last=True" in found._repr_html_()
    assert (
        repr(lstmshape.why("fine")) == "<WhyResult no sentence of torch's about recurrent layers>"
    )
    inspection = lstmshape.inspect_checkpoint(ROOT / "examples" / "seq2seq.pt")
    assert repr(inspection).endswith("seq2seq.pt: 2 recurrent modules, ok>")
    assert "nn.LSTM(16, 24, num_layers=2, bidirectional=True)" in str(inspection)
    assert "nn.GRU(48, 24)" in inspection._repr_html_()


def test_every_result_has_a_view() -> None:
    from lstmshape.views.notebook import VIEWS

    assert set(VIEWS) == {"Report", "Trace", "Outcome", "WhyResult", "Inspection"}

    class Stray(lstmshape.results.shown.Shown):  # type: ignore[name-defined]
        def summary(self) -> str:
            return "stray"

    assert repr(Stray()) == "<Stray stray>"
    with pytest.raises(TypeError, match="Stray has no view"):
        Stray()._repr_html_()


def test_the_schemas_are_shipped_valid_and_can_fail() -> None:
    assert sorted(p.name for p in SCHEMAS.glob("*.json")) == [
        "check.json", "error.json", "inspect.json", "report.json", "trace.json", "why.json",
    ]  # fmt: skip
    report = lstmshape.explain((5, 3, 10), 20, lengths=[5, 3, 2]).to_dict()
    validate_json(report)
    for broken in ({**report, "surprise": 1}, {**report, "num_parameters": "many"}):
        with pytest.raises(jsonschema.ValidationError, match=r"surprise|many"):
            validate_json(broken)
    text = (ROOT / "docs" / "formats.md").read_text()
    for path in SCHEMAS.glob("*.json"):
        assert f"lstmshape/schemas/{path.name}" in text
        assert json.loads(path.read_text())["$id"] == f"urn:lstmshape:schemas:{path.stem}"
