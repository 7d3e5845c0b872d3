"""--verify at any scale: which runs the plan picks (pure, no torch), and that torch agrees with
each of them, shape-only and substituted runs included, over a random sample."""

from __future__ import annotations

import json
import re
from math import prod
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmshape import VerifyBudgetError, explain, verify
from lstmshape.i18n.text import size_text
from lstmshape.proof.limits import REAL_STEPS, real_bytes, too_big_for_real
from lstmshape.proof.plan import FAKE_LAYERS, FAKE_STEPS, _full_length_run, plan
from lstmshape.results.report import Report
from lstmshape.torchfacts.parameters import INT64_MAX
from tests.conftest import invoke, unwrapped
from tests.strategies import configs, packed_configs

LARGE = {"input": (100_000, 512, 4096), "hidden_size": 8192, "num_layers": 4, "bidirectional": True}


def methods(
    report: Report, budget: int = 1024**3, fused_lstm: bool = True
) -> list[tuple[Any, ...]]:
    return [
        (
            run.method,
            run.report.input_shape,
            [(s.symbol, s.value, s.ran) for s in run.substitutions],
        )
        for run in plan(report, budget, fused_lstm=fused_lstm)
    ]


def test_a_small_configuration_runs_on_real_tensors_at_full_size() -> None:
    assert methods(explain((4, 3, 10), 20, num_layers=2)) == [("real", (4, 3, 10), [])]


def test_a_large_lstm_is_shaped_at_once_on_fake_tensors() -> None:
    assert methods(explain(**LARGE)) == [("shape-only", (100_000, 512, 4096), [])]


def test_without_onednn_an_lstm_steps_and_l_is_made_smaller() -> None:
    shorter = FAKE_STEPS // 8
    assert methods(explain(**LARGE), fused_lstm=False) == [
        ("shape-only", (shorter, 512, 4096), [("L", 100_000, shorter)])
    ]


@pytest.mark.parametrize(
    "config", [{**LARGE, "module": "GRU"}, {**LARGE, "module": "RNN"}, {**LARGE, "proj_size": 1024}]
)
def test_stepping_modules_run_a_shorter_l_and_say_so(config: dict[str, Any]) -> None:
    (run,) = plan(explain(**config))
    assert run.method == "shape-only"
    assert run.report.input_shape == (FAKE_STEPS // 8, 512, 4096)
    (substitution,) = run.substitutions
    assert (substitution.symbol, substitution.value, substitution.ran) == ("L", 100_000, 8)
    assert "steps through the time steps in Python" in substitution.why
    assert "L=100,000 would take about 27 min" in substitution.why


def test_a_long_but_cheap_l_also_runs_real_at_full_length() -> None:
    report = explain((2000, 64, 512), 1024, module="GRU", num_layers=2, bidirectional=True)
    assert REAL_STEPS >= 2000 * 4
    assert methods(report) == [
        ("shape-only", (16, 64, 512), [("L", 2000, 16)]),
        ("real", (2000, 1, 1), [("N", 64, 1), ("H_in", 512, 1), ("hidden_size", 1024, 1)]),
    ]


def test_batch_first_and_unbatched_substitute_the_right_axis() -> None:
    batch_first = explain((64, 3000, 512), 1024, module="RNN", batch_first=True, num_layers=2)
    assert [m[1] for m in methods(batch_first)] == [(64, 32, 512), (1, 3000, 1)]
    unbatched = explain((30_000, 5000), 4096, module="GRU")
    assert [m[1] for m in methods(unbatched)] == [(FAKE_STEPS, 5000)]


def test_budget_zero_forces_shape_only() -> None:
    assert methods(explain((4, 3, 10), 20, num_layers=2), budget=0) == [
        ("shape-only", (4, 3, 10), [])
    ]


def test_a_large_cell_is_shaped_at_once() -> None:
    assert methods(explain((100_000, 4096), 8192, module="GRUCell")) == [
        ("shape-only", (100_000, 4096), [])
    ]


def test_large_packed_input_runs_real_with_small_features() -> None:
    report = explain((2000, 64, 512), 1024, num_layers=2, lengths=[2000] * 64)
    assert methods(report) == [
        ("real", (2000, 64, 8), [("H_in", 512, 8), ("hidden_size", 1024, 8)])
    ]


def test_packed_input_too_long_for_a_real_run_is_refused() -> None:
    report = explain((30_000, 4, 10), 20, lengths=[30_000] * 4)
    with pytest.raises(VerifyBudgetError, match=r"30,000 steps \(time steps × layers"):
        plan(report)


# --- against torch -----------------------------------------------------------------------------


@settings(max_examples=40)
@given(configs())
def test_shape_only_runs_agree_with_torch(config: dict[str, Any]) -> None:
    """Budget 0 forces fake tensors on any configuration: torch's shapes and parameters agree,
    and the verification says no numerical check ran."""
    report = verify(explain(**config), budget=0)
    v = report.verification
    assert v is not None
    assert v.ok, v
    assert [run.method for run in v.runs] == ["shape-only"]
    assert v.runs[0].facts == ()
    assert "did not run" in v.runs[0].facts_not_run
    assert report.to_dict()["verified"]["numerical_checks"] is False


@settings(max_examples=25)
@given(configs(), st.integers(2, 40))
def test_substituted_runs_agree_with_torch_and_cover_full_l(
    config: dict[str, Any], length: int
) -> None:
    """With a budget that only the small full-length run fits, L is substituted in the shape-only
    run; torch agrees at the sizes that ran, and the real run at full length makes it exact."""
    if "num_layers" not in config:
        return  # cells have no time axis
    shape = list(config["input"])
    axis = 1 if config["batch_first"] and len(shape) == 3 else 0
    shape[axis] = length * FAKE_STEPS
    report = explain(**{**config, "input": tuple(shape)})
    budget = real_bytes(_full_length_run(report).report)
    v = verify(report, budget=budget).verification
    assert v is not None
    assert v.ok, v
    if v.runs[0].method == "real":
        assert real_bytes(report) <= budget  # the configuration is as small as that run
        return
    if config["module"] == "LSTM" and config.get("proj_size", 0) == 0:
        assert [r.method for r in v.runs] == ["shape-only"]
        return
    first, second = v.runs
    assert [s.symbol for s in first.substitutions] == ["L"]
    assert first.input_shape[axis] < shape[axis]
    assert second.method == "real"
    assert second.input_shape[axis] == shape[axis]
    assert v.every_size_ran


def test_budget_zero_allows_no_real_tensors_at_all() -> None:
    long_gru = explain((3000, 10), 5, module="GRU", bidirectional=True)
    assert methods(long_gru, budget=0) == [("shape-only", (32, 10), [("L", 3000, 32)])]
    empty_cell = explain((0,), 0, module="LSTMCell")
    assert methods(empty_cell, budget=0) == [("shape-only", (0,), [])]


@settings(max_examples=20)
@given(packed_configs())
def test_packed_runs_with_small_features_agree_with_torch(config: dict[str, Any]) -> None:
    # Feature sizes over 8, and a budget one byte short of the full run: they are made smaller.
    wider = (*config["input"][:-1], config["input"][-1] + 8)
    full = explain(**{**config, "input": wider, "hidden_size": config["hidden_size"] + 8})
    report = verify(full, budget=real_bytes(full) - 1)
    v = report.verification
    assert v is not None
    assert v.ok, v
    (run,) = v.runs
    assert run.method == "real"
    assert {s.symbol for s in run.substitutions} <= {"H_in", "hidden_size", "proj_size"}


def test_the_large_configuration_verifies_shape_only_and_says_what_ran() -> None:
    result = invoke(
        "--input 100000,512,4096 --hidden 8192 --layers 4 --bidirectional --module GRU --verify --format json"
    )
    assert result.exit_code == 0, unwrapped(result.stderr)
    verified = json.loads(result.stdout)["verified"]
    assert (verified["ok"], verified["exact"], verified["numerical_checks"]) == (True, False, False)
    (run,) = verified["runs"]
    assert run["method"] == "shape-only"
    assert run["input_shape"] == [8, 512, 4096]
    assert run["substituted"][0]["symbol"] == "L"
    assert run["tensors"]["output"] == {
        "computed": [8, 512, 16384],
        "torch": [8, 512, 16384],
        "ok": True,
    }
    assert "did not run" in run["facts_not_run"]
    assert verified["method"].endswith("shape-only with L=8 instead of 100,000.")


def test_the_table_says_which_checks_did_not_run() -> None:
    table = invoke("--input 4,3,10 --hidden 20 --verify --verify-budget 0").stdout
    assert "Verified with torch: shape-only (fake tensors)" in table
    assert re.search(r"numerical checks +- +- +not run", table)
    assert "Not run: fake tensors carry no numbers" in " ".join(table.split())


def test_an_empty_batch_steps_even_for_an_lstm() -> None:
    """oneDNN's at-once rule needs a non-empty input; an empty batch steps through time."""
    (run,) = plan(explain((25_000, 0, 10), 8))
    assert run.report.input_shape == (FAKE_STEPS, 0, 10)
    assert "LSTM on an empty input steps through" in run.substitutions[0].why


def test_shape_only_runs_say_why_real_tensors_were_not_used() -> None:
    (run,) = plan(explain((4, 3, 10), 20), budget=1)
    needed = size_text(real_bytes(explain((4, 3, 10), 20)))
    assert run.why == f"a real run would need about {needed} of real tensors, over the 1 B budget"
    table = invoke("--input 4,3,10 --hidden 20 --verify --verify-budget 1 --format plain").stdout
    assert "over the 1 B budget" in " ".join(table.split())  # the caption is wrapped


def test_tensors_torch_cannot_size_are_refused_before_torch() -> None:
    result = invoke("--input 1099511627776,1,1 --hidden 16777216 --verify")
    assert (result.exit_code, result.stdout) == (2, "")
    assert unwrapped(result.stderr).startswith(
        "Error: --verify cannot run this: output (1099511627776, 1, 16777216) would hold more "
        "bytes than torch's 64-bit sizes can count"
    )
    assert "Traceback" not in unwrapped(result.stderr)


# --- deep stacks ------------------------------------------------------------------------------


def test_a_deep_stack_runs_fewer_layers_and_says_why() -> None:
    (run,) = plan(explain((4, 3, 10), 20, module="GRU", num_layers=5000))
    assert (run.method, run.report.spec.num_layers) == ("real", 8)
    (substitution,) = run.substitutions
    assert (substitution.symbol, substitution.value, substitution.ran) == ("num_layers", 5000, 8)
    assert substitution.why == (
        "torch builds and runs GRU layer by layer in Python, and its constructor slows with the "
        "square of num_layers: num_layers=5,000 would take about 11 s; every layer after the "
        "first has the same shapes"
    )
    both = plan(explain((4, 3, 10), 20, num_layers=5000, bidirectional=True))
    assert [r.report.spec.num_layers for r in both] == [4]
    # Just over a fake run's limit, too large for a real one: fewer layers on fake tensors, and
    # the full depth on small real ones.
    over = plan(explain((10, 64, 512), 1024, module="RNN", num_layers=FAKE_LAYERS + 1))
    assert [(r.method, r.report.spec.num_layers) for r in over] == [
        ("shape-only", 8),
        ("real", FAKE_LAYERS + 1),
    ]


def test_a_deep_stack_of_large_layers_runs_its_full_depth_small() -> None:
    report = explain((50, 64, 512), 1024, module="GRU", num_layers=100)
    assert methods(report) == [
        ("shape-only", (8, 64, 512), [("num_layers", 100, 8), ("L", 50, 8)]),
        ("real", (50, 1, 1), [("N", 64, 1), ("H_in", 512, 1), ("hidden_size", 1024, 1)]),
    ]
    (last,) = plan(report)[1:]
    assert last.report.spec.num_layers == 100
    v = verify(report).verification
    assert v is not None
    assert v.ok, v
    assert (v.every_size_ran, v.numerical_checks) == (True, False)


def test_a_deep_stack_verifies_in_torch_at_fewer_layers() -> None:
    report = verify(explain((4, 3, 10), 20, module="GRU", num_layers=2000))
    verified = report.to_dict()["verified"]
    assert verified["ok"] is True
    assert verified["method"].endswith("real with num_layers=8 instead of 2,000.")
    assert (verified["every_size_ran"], verified["numerical_checks"]) == (False, False)
    (run,) = verified["runs"]
    assert run["tensors"]["h_n"] == {"computed": [8, 3, 20], "torch": [8, 3, 20], "ok": True}
    assert verified["numerical"].endswith("on real tensors only with num_layers=8 instead of 2,000")


def _sizes(most: int) -> st.SearchStrategy[int]:
    """Sizes spread over every order of magnitude up to 2**most."""
    return st.integers(0, most).flatmap(lambda e: st.integers(2**e >> 1, 2**e))


@settings(max_examples=150)
@given(
    st.sampled_from(["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"]),
    _sizes(17),
    _sizes(12),
    _sizes(16),
    _sizes(14),
    _sizes(13),
    st.booleans(),
    st.booleans(),
)
def test_every_planned_run_is_quick(
    module: str, length: int, batch: int, input_size: int, hidden: int, layers: int, both: bool,
    projected: bool,
) -> None:  # fmt: skip
    """Whatever the sizes (num_layers up to 8,192), each run stays within the limits measured to
    keep it at about a second: a real run within its budget, multiply-accumulates, steps and
    layers; a fake one within its layers, and its steps where torch steps through time."""
    if module.endswith("Cell"):
        report = explain((batch, input_size), hidden, module=module)
    else:
        lstm = {"proj_size": hidden // 2} if projected and module == "LSTM" else {}
        report = explain(
            (max(length, 1), batch, max(input_size, 1)),
            max(hidden, 1),
            module=module,
            num_layers=max(layers, 1),
            bidirectional=both,
            **lstm,
        )
    if any(prod(t.shape) * 4 > INT64_MAX for t in report.tensors):
        with pytest.raises(VerifyBudgetError, match="64-bit sizes"):
            plan(report)
        return
    for run in plan(report):
        if run.method == "real":
            assert not too_big_for_real(run.report, 1024**3)
            continue
        spec = run.report.spec
        depth = 1 if spec.kind.is_cell else spec.num_layers * spec.D
        assert depth <= FAKE_LAYERS
        at_once = spec.kind.is_cell or (
            spec.kind.name == "LSTM" and spec.proj_size == 0 and 0 not in run.report.input_shape
        )
        if not at_once:
            assert run.report.input_shape[0] * depth <= FAKE_STEPS


# --- packed input too large for real tensors -----------------------------------------------------


def test_a_packed_input_over_the_step_limit_is_not_offered_a_budget() -> None:
    report = explain((30_000, 4, 10), 20, lengths=[30_000] * 4)
    for budget in (1024**3, 1024**5):  # a larger budget does not help
        with pytest.raises(VerifyBudgetError, match="over the 10,000 of a quick run") as caught:
            plan(report, budget)
        assert caught.value.fixes == ()
        assert caught.value.hint == (
            "Try verify() with shorter sequences: max(lengths) × layers × directions at most "
            "10,000 (here 30,000); the rules do not depend on the lengths."
        )
    # What the hint says does run.
    shorter = verify(explain((10_000, 4, 10), 20, lengths=[10_000] * 4)).verification
    assert shorter is not None
    assert shorter.ok


def test_a_packed_input_over_the_budget_is_offered_the_budget_it_needs() -> None:
    report = explain((200, 4, 10), 20, lengths=[200] * 4)
    with pytest.raises(VerifyBudgetError, match=r"over the 1\.0 KiB budget") as caught:
        plan(report, 1024)
    (budget,) = caught.value.fixes
    assert caught.value.hint is not None
    assert caught.value.hint.endswith(f"or budget={budget.changes[0].value!r}.")
    (change,) = budget.changes
    assert change.argument == "verify_budget"
    # Following it: the packed input runs on real tensors, with the small feature sizes the
    # refusal named (at full size, it would need more).
    verified = verify(report, budget=str(change.value)).verification
    assert verified is not None
    (run,) = verified.runs
    assert run.method == "real"
    assert [s.symbol for s in run.substitutions] == ["H_in", "hidden_size"]
    assert verified.ok
