"""--verify: torch agrees on a random sample, and each of its checks can fail when a claim is wrong."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import given, settings

from lstmshape import explain, verify
from lstmshape.model.report import Fact, Report
from lstmshape.model.verification import Run
from lstmshape.parameters import Parameter
from tests.conftest import import_torch
from tests.strategies import configs, packed_configs

torch = import_torch()


def only_run(report: Report) -> Run:
    """The one run of a small configuration's --verify: real, at full size."""
    assert report.verification is not None
    (run,) = report.verification.runs
    assert run.method == "real"
    assert not run.substitutions
    return run


@settings(max_examples=60)
@given(configs())
def test_verify_agrees_on_random_configs(config: dict[str, Any]) -> None:
    report = verify(explain(**config))
    assert report.verification is not None
    assert [run.method for run in report.verification.runs] == ["real"]
    v = report.verification.runs[0]
    assert v.ok, v
    assert report.verification.torch_version == torch.__version__
    assert v.torch_num_parameters == report.num_parameters
    spec = report.spec
    assert [t.name for t in v.tensors] == list(spec.kind.tensor_names)
    if spec.kind.is_cell:
        # Each step's h against output[t], then each final state against the sequence module's.
        assert len(v.facts) == 1 + len(spec.kind.final_names)
    else:
        # One output/h_n check per direction, then h_n (and c_n) for every layer run alone.
        assert len(v.facts) == spec.D + len(spec.kind.final_names) * spec.num_layers
    assert report.to_dict()["verified"]["ok"] is True


def test_verify_catches_a_wrong_fact() -> None:
    report = explain((4, 3, 10), 20, num_layers=2, bidirectional=True)
    # The classic mistake: the last step of output is NOT the backward direction's final state.
    wrong = Fact("reverse", 0, -1, (20, 40), -1, 3)
    checked = only_run(verify(replace(report, facts=(*report.facts[:1], wrong))))
    assert checked is not None
    assert [f.holds for f in checked.facts[:2]] == [True, False]
    assert not checked.ok


def test_verify_catches_wrong_parameters_and_shapes() -> None:
    report = explain((4, 3, 10), 20)
    bad_param = Parameter("weight_ih_l0", (80, 11), 0, "forward", "(4*H_cell, H_in)")
    checked = only_run(verify(replace(report, parameters=(bad_param, *report.parameters[1:]))))
    assert checked is not None
    assert not checked.parameters_ok
    assert not checked.ok


def test_layer_rows_are_checked_by_running_each_layer_alone() -> None:
    report = verify(explain((6, 2, 5), 7, num_layers=3, bidirectional=True, proj_size=3))
    assert report.verification is not None
    labels = [f.fact for f in only_run(report).facts]
    assert labels == [
        "output[-1, :, :3] == h_n[-2]",
        "output[0, :, 3:] == h_n[-1]",
        "h_n[0:2] == layer 0 run alone",
        "c_n[0:2] == layer 0 run alone",
        "h_n[2:4] == layer 1 run alone",
        "c_n[2:4] == layer 1 run alone",
        "h_n[4:6] == layer 2 run alone",
        "c_n[4:6] == layer 2 run alone",
    ]
    assert report.verification.ok


def test_verify_runs_gru_and_rnn() -> None:
    for module in ("GRU", "RNN"):
        report = verify(explain((6, 2, 5), 7, num_layers=2, bidirectional=True, module=module))
        assert report.verification is not None
        assert report.verification.ok
        assert [f.fact for f in only_run(report).facts][2:] == [
            "h_n[0:2] == layer 0 run alone",
            "h_n[2:4] == layer 1 run alone",
        ]
        assert only_run(report).how.startswith(f"torch {torch.__version__}: nn.{module}(")
        assert report.verification.method == f"torch {torch.__version__}: real at full size."


def test_verify_loops_each_cell_against_its_sequence_module() -> None:
    report = verify(explain((3, 10), 20, module="LSTMCell", bias=False))
    assert report.verification is not None
    assert report.verification.ok
    assert [f.fact for f in only_run(report).facts] == [
        "loop of 3 steps: each h == output[t] of nn.LSTM(10, 20, bias=False)",
        "loop: final h == h_n[0] of nn.LSTM(10, 20, bias=False)",
        "loop: final c == c_n[0] of nn.LSTM(10, 20, bias=False)",
    ]


def test_verify_packs_pads_and_checks_each_sequence() -> None:
    report = verify(
        explain(
            (5, 3, 4), 6, num_layers=2, bidirectional=True, lengths=(2, 5, 3), enforce_sorted=False
        )
    )
    assert report.verification is not None
    assert report.verification.ok
    assert [t.name for t in only_run(report).tensors] == [
        "input",
        "input.data",
        "input.batch_sizes",
        "h_0",
        "c_0",
        "output.data",
        "output.batch_sizes",
        "h_n",
        "c_n",
        "padded_output",
    ]
    assert [f.fact for f in only_run(report).facts][:2] == [
        "padded_output[lengths[i] - 1, i, :6] == h_n[-2][i]",
        "padded_output[0, i, 6:] == h_n[-1][i]",
    ]


def test_verify_stays_the_function_after_the_cli_loaded_its_module() -> None:
    # Importing the torch-facing module must not replace lstmshape.verify on the package.
    import lstmshape
    import lstmshape.proof  # as the CLI does

    first = lstmshape.verify(explain((4, 3, 10), 20))
    second = lstmshape.verify(explain((4, 3, 10), 20))
    assert first.verification is not None
    assert second.verification is not None


@settings(max_examples=40)
@given(packed_configs())
def test_verify_agrees_on_random_packed_configs(config: dict[str, Any]) -> None:
    report = verify(explain(**config))
    assert report.verification is not None
    assert report.verification.ok, report.verification


def test_verify_catches_a_wrong_packed_fact() -> None:
    report = explain((5, 3, 4), 6, lengths=(5, 3, 2))
    # The mistake packing invites: the last padded step is each sequence's final state.
    wrong = replace(report.facts[0], step=0)
    checked = only_run(verify(replace(report, facts=(wrong,))))
    assert checked is not None
    assert not checked.facts[0].holds
    assert not checked.ok
