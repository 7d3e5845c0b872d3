"""--verify: torch agrees on a random sample, and each of its checks can fail when a claim is wrong."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from lstmshape import explain, verify
from lstmshape.proof.limits import REAL_MACS, REAL_STEPS
from lstmshape.proof.numerics import compare
from lstmshape.results.report import Fact, Report
from lstmshape.results.verification import ATOL, Run
from lstmshape.torchfacts.parameters import Parameter
from lstmshape.views.snippet import to_code
from lstmshape.views.verify_sections import COMMENT_WIDTH, verdict_comments, verdict_lines
from tests.conftest import import_torch, invoke
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
    verified = report.to_dict()["verified"]
    assert verified["ok"] is True
    if _compares_numbers(report):
        if spec.kind.is_cell:
            # Each step's h against output[t], then each final state against the sequence module's.
            assert len(v.facts) == 1 + len(spec.kind.final_names)
        else:
            # One output/h_n check per direction, then h_n (and c_n) for every layer run alone.
            assert len(v.facts) == spec.D + len(spec.kind.final_names) * spec.num_layers
        assert (verified["numerical_checks"], v.facts_not_run) == (True, "")
    else:
        # An empty batch, or a cell whose sequence module torch cannot build: nothing compared,
        # and the report says so instead of claiming the checks.
        assert v.facts == ()
        assert verified["numerical_checks"] is False
        assert verified["numerical"] == f"not run: {v.facts_not_run}"
        assert "empty batch (N=0)" in v.facts_not_run or "torch builds no nn." in v.facts_not_run


def _compares_numbers(report: Report) -> bool:
    """Whether a real run has numbers to compare: a non-empty batch, and for a cell a sequence
    module torch can build (every size at least 1)."""
    spec = report.spec
    if 0 in report.input_shape:
        return False
    return not spec.kind.is_cell or spec.hidden_size > 0


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


# --- the reruns' tolerance: no false disagreement ------------------------------------------------


@settings(max_examples=10)
@given(
    st.sampled_from(["LSTMCell", "GRUCell", "RNNCell"]),
    st.integers(1, 4),
    st.integers(1000, 50_000),
    st.integers(1, 128),
)
@example("GRUCell", 3, 10_000, 64)  # DISAGREED when the loop was compared in float32 within 1e-5
def test_a_cell_with_a_wide_input_never_falsely_disagrees(
    module: str, batch: int, input_size: int, hidden: int
) -> None:
    run = only_run(verify(explain((batch, input_size), hidden, module=module)))
    assert len(run.facts) == 1 + (2 if module == "LSTMCell" else 1)
    assert all(f.holds for f in run.facts), run.facts


@settings(max_examples=10)
@given(
    st.sampled_from(["LSTM", "GRU", "RNN"]),
    st.integers(100, 10_000),
    st.integers(1, 2),
    st.integers(500, 20_000),
    st.integers(1, 16),
    st.integers(1, 2),
    st.booleans(),
)
def test_a_long_or_wide_sequence_never_falsely_disagrees(
    module: str, length: int, batch: int, input_size: int, hidden: int, layers: int, both: bool
) -> None:
    """As long an L and as wide an H_in as a real run takes: every rerun agrees."""
    d = 2 if both else 1
    gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[module]
    weights = d * gates * hidden * (input_size + hidden + (layers - 1) * (d * hidden + hidden))
    length = min(length, REAL_MACS // (batch * weights), REAL_STEPS // (layers * d))
    assume(length >= 1)
    report = explain(
        (length, batch, input_size), hidden, module=module, num_layers=layers, bidirectional=both
    )
    run = only_run(verify(report))
    assert len(run.facts) == d + layers * (2 if module == "LSTM" else 1)
    assert all(f.holds for f in run.facts), run.facts


def test_compare_holds_within_the_tolerance_and_says_nothing_of_empty_tensors() -> None:
    a = torch.tensor([[0.5, -0.25]], dtype=torch.float64)
    same = compare(torch, "same", a, a.clone())
    assert same is not None
    assert (same.holds, same.max_abs_diff, same.tolerance) == (True, 0.0, ATOL)
    other = compare(torch, "other row", a, a.flip(1))
    assert other is not None
    assert not other.holds
    # Rounding is relative: values of 1,000 hold to 1e-5 times 1,000.
    big = compare(torch, "big", a * 1000 + 5e-3, a * 1000)
    assert big is not None
    assert big.holds
    assert big.tolerance == pytest.approx(ATOL * 500)
    nan = compare(torch, "nan", a * float("nan"), a)
    assert nan is not None
    assert not nan.holds
    assert compare(torch, "empty", a[:0], a[:0]) is None
    shapes = compare(torch, "shapes", a[:0], a)
    assert shapes is not None
    assert not shapes.holds


# --- what the verification claims --------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "why"),
    [
        ({"input": (3, 0, 10), "hidden_size": 20}, "input (3, 0, 10) is an empty batch (N=0)"),
        (
            {"input": (3, 0, 10), "hidden_size": 20, "module": "GRU", "num_layers": 2},
            "input (3, 0, 10) is an empty batch (N=0)",
        ),
        (
            {"input": (0, 10), "hidden_size": 20, "module": "LSTMCell"},
            "input (0, 10) is an empty batch (N=0)",
        ),
        (
            {"input": (3, 0), "hidden_size": 20, "module": "GRUCell"},
            "torch builds no nn.GRU(0, 20)",
        ),
        ({"input": (0,), "hidden_size": 4, "module": "RNNCell"}, "torch builds no nn.RNN(0, 4)"),
        (
            {"input": (3, 10), "hidden_size": 0, "module": "GRUCell"},
            "torch builds no nn.GRU(10, 0)",
        ),
    ],
)
def test_numerical_checks_that_compared_nothing_are_not_claimed(
    config: dict[str, Any], why: str
) -> None:
    report = verify(explain(**config))
    run = only_run(report)
    assert run.facts == ()
    assert run.facts_not_run.startswith(why)
    verified = report.to_dict()["verified"]
    assert verified["numerical_checks"] is False
    assert verified["numerical"].startswith(f"not run: {why}")
    args = " ".join(
        f"--{'module' if k == 'module' else {'input': 'input', 'hidden_size': 'hidden', 'num_layers': 'layers'}[k]} "
        + (",".join(map(str, v)) if isinstance(v, tuple) else str(v))
        for k, v in config.items()
    )
    table = invoke(f"{args} --verify --format plain").stdout
    assert re.search(r"numerical checks +- +- +not run", table)


def test_numerical_checks_at_small_sizes_only_are_not_claimed_for_the_configuration() -> None:
    """A long GRU: shape-only at a shorter L, then real at the full L with N, H_in and
    hidden_size of 1. Every size ran somewhere; the numbers were compared only at size 1."""
    report = verify(explain((3000, 64, 512), 1024, module="GRU", num_layers=2))
    verified = report.to_dict()["verified"]
    assert [r["method"] for r in verified["runs"]] == ["shape-only", "real"]
    assert (verified["every_size_ran"], verified["exact"]) == (True, True)
    assert verified["numerical_checks"] is False
    assert verified["numerical"] == (
        "output's slices against h_n, each layer run alone in float64: 3 checks on real tensors "
        "only with N=1 instead of 64, H_in=1 instead of 512, hidden_size=1 instead of 1,024"
    )


def test_numerical_checks_at_full_size_are_claimed() -> None:
    verified = verify(explain((4, 3, 10), 20, module="GRU", num_layers=2)).to_dict()["verified"]
    assert (verified["numerical_checks"], verified["every_size_ran"]) == (True, True)
    assert verified["numerical"] == (
        "output's slices against h_n, each layer run alone in float64: 3 checks on real tensors "
        "at full size"
    )
    assert [f["tolerance"] for f in verified["runs"][0]["facts"]] == [ATOL] * 3


def test_a_shape_only_run_at_full_size_ran_every_size_and_no_number() -> None:
    verified = verify(explain((4, 3, 10), 20), budget=0).to_dict()["verified"]
    assert (verified["every_size_ran"], verified["exact"], verified["numerical_checks"]) == (
        True,
        True,
        False,
    )
    assert verified["numerical"].startswith("not run: fake tensors carry no numbers")


def test_verify_gives_torch_its_thread_count_back() -> None:
    threads = torch.get_num_threads()
    verify(explain((4, 3, 10), 20))
    assert torch.get_num_threads() == threads


# --- the short verdict (below a diagram, in a code snippet) --------------------------------------


def test_the_verdict_says_torch_agrees_how_it_ran_and_what_it_compared() -> None:
    v = verify(explain((4, 3, 10), 20, module="GRU", num_layers=2)).verification
    assert v is not None
    assert verdict_lines(v) == [
        f"Verified with torch {torch.__version__}: agrees on every tensor shape and parameter, "
        "and every numerical check.",
        "Ran: real tensors at full size.",
        "Numerical checks: output's slices against h_n, each layer run alone in float64: 3 checks "
        "on real tensors at full size.",
    ]


def test_the_verdict_of_a_shape_only_run_says_the_numbers_were_not_compared() -> None:
    v = verify(explain((3000, 10), 5, module="GRU", bidirectional=True), budget=0).verification
    assert v is not None
    assert verdict_lines(v) == [
        f"Verified with torch {torch.__version__}: agrees on every tensor shape and parameter.",
        "Ran: shape-only (fake) tensors with L=32 instead of 3,000.",
        "Numerical checks not run: fake tensors carry no numbers, so the numerical checks "
        "(output's slices against h_n, each layer run alone in float64) did not run.",
    ]


def test_the_verdict_names_what_torch_disagreed_on() -> None:
    report = explain((4, 3, 10), 20, num_layers=2, bidirectional=True)
    wrong_fact = Fact("reverse", 0, -1, (20, 40), -1, 3)
    wrong_param = Parameter("weight_ih_l0", (80, 11), 0, "forward", "(4*H_cell, H_in)")
    wrong = replace(
        report,
        facts=(*report.facts[:1], wrong_fact),
        parameters=(wrong_param, *report.parameters[1:]),
        tensors=tuple(
            replace(t, dims=(*t.dims[:-1], replace(t.dims[-1], size=41)))
            if t.name == "output"
            else t
            for t in report.tensors
        ),
    )
    v = verify(wrong).verification
    assert v is not None
    (first, ran, _) = verdict_lines(v)
    assert first.startswith(f"Verified with torch {torch.__version__}: DISAGREES on ")
    assert "output (4, 3, 41), torch (4, 3, 40)" in first
    # The count is the configuration's (closed form), which the listed shapes do not change.
    assert "the parameters (15,040, torch 15,040; names and shapes differ)" in first
    assert "output[-1, :, 20:] == h_n[-1] (|diff| " in first
    assert "output[-1, :, :20] == h_n[-2]" not in first  # that one holds
    assert ran == "Ran: real tensors at full size."


def test_the_verdict_numbers_the_runs_it_names() -> None:
    v = verify(explain((3000, 64, 512), 1024, module="GRU", num_layers=2)).verification
    assert v is not None
    broken = replace(
        v,
        runs=(v.runs[0], replace(v.runs[1], tensors=(replace(v.runs[1].tensors[0], torch=(9,)),))),
    )
    assert verdict_lines(broken)[0].endswith("DISAGREES on run 2: input (3000, 1, 1), torch (9,).")
    assert verdict_lines(v)[1] == (
        "Ran: shape-only (fake) tensors with L=32 instead of 3,000; then real tensors with N=1 "
        "instead of 64, H_in=1 instead of 512, hidden_size=1 instead of 1,024."
    )


def test_the_verdict_as_comments_is_python_that_a_snippet_can_carry() -> None:
    # Two runs, so that the comments wrap; small enough for the snippet to run.
    report = verify(explain((300, 2, 3), 4, module="GRU", num_layers=2), budget=0)
    assert report.verification is not None
    comments = verdict_comments(report.verification)
    assert all(line.startswith("# ") or line.startswith("#   ") for line in comments)
    assert max(len(line) for line in comments) <= COMMENT_WIDTH
    # The same words as the plain verdict, wrapped.
    unwrapped = " ".join(line.removeprefix("#").strip() for line in comments)
    assert unwrapped == " ".join(verdict_lines(report.verification))
    code = to_code(report)
    namespace: dict[str, Any] = {}
    exec(compile("\n".join([*comments, code]), "snippet", "exec"), namespace)


def test_the_diagram_and_the_snippet_carry_the_verdict(tmp_path: Path) -> None:
    """--verify with --diagram or --format code: the views without the verify tables say torch's
    verdict in short (below the diagram; as comments in the snippet, which still runs)."""
    diagram = invoke("--input 4,3,10 --hidden 20 --verify --diagram")
    assert diagram.exit_code == 0
    assert (
        f"Verified with torch {torch.__version__}: agrees on every tensor shape" in diagram.stdout
    )
    code = invoke("--input 4,3,10 --hidden 20 --verify --format code")
    assert f"# Verified with torch {torch.__version__}: agrees" in code.stdout
    snippet = tmp_path / "snippet.py"
    snippet.write_text(code.stdout)
    ran = subprocess.run(
        [sys.executable, str(snippet)], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
