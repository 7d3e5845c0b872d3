"""--format code: the generated snippet runs in torch and its asserts hold, for a random sample of
configurations and every module kind; and its asserts fail when a shape in the report is wrong."""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstmshape import explain
from lstmshape.results.report import Dim, Report
from lstmshape.torchfacts.kinds import KINDS
from lstmshape.views.snippet import to_code
from tests.conftest import invoke
from tests.strategies import configs, packed_configs


def run_snippet(code: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's oneDNN and dropout notices, as users see them
        exec(compile(code, "<lstmshape snippet>", "exec"), namespace)
    return namespace


@settings(max_examples=100)
@given(st.one_of(configs(), packed_configs()))
def test_snippets_run_and_their_asserts_hold(config: dict[str, Any]) -> None:
    report = explain(**config)
    namespace = run_snippet(to_code(report))
    for name in report.spec.kind.final_names:
        assert tuple(namespace[name].shape) == report.tensor(name).shape


@pytest.mark.parametrize("module", list(KINDS))
@pytest.mark.parametrize("batched", [True, False])
def test_every_module_kind_runs_batched_and_unbatched(module: str, batched: bool) -> None:
    cell = KINDS[module].is_cell
    shape = ((3, 10) if batched else (10,)) if cell else ((4, 3, 10) if batched else (4, 10))
    extra = {} if cell else {"num_layers": 2, "bidirectional": True}
    code = invoke(
        ["--module", module, "--input", ",".join(map(str, shape)), "--hidden", "6", "--format",
         "code", *(["--layers", "2", "--bidirectional"] if extra else [])]
    ).stdout  # fmt: skip
    assert code == to_code(explain(shape, 6, module=module, **extra))
    run_snippet(code)


def _wrong(report: Report, name: str) -> Report:
    """The report with one more element on ``name``'s last axis."""
    tensors = tuple(
        replace(t, dims=(*t.dims[:-1], Dim("X", t.dims[-1].size + 1, "X"))) if t.name == name else t
        for t in report.tensors
    )
    return replace(report, tensors=tensors)


@pytest.mark.parametrize("name", ["output", "h_n", "c_n"])
def test_a_wrong_shape_fails_the_snippet(name: str) -> None:
    report = explain((4, 3, 10), 20, num_layers=2)
    with pytest.raises(AssertionError):
        run_snippet(to_code(_wrong(report, name)))


def test_a_wrong_fact_fails_the_snippet() -> None:
    report = explain((4, 3, 10), 20, num_layers=2, bidirectional=True)
    wrong = replace(
        report.facts[1], step=-1
    )  # the backward direction does not end at the last step
    with pytest.raises(AssertionError):
        run_snippet(to_code(replace(report, facts=(report.facts[0], wrong))))


def test_the_mission_snippet() -> None:
    code = invoke("--input 4,3,10 --hidden 20 --layers 2 --format code").stdout
    assert code.splitlines()[:6] == [
        "# nn.LSTM(10, 20, num_layers=2) on input (4, 3, 10): every shape, asserted "
        f"(lstmshape {__import__('lstmshape').__version__})",
        "import torch",
        "from torch import nn",
        "",
        "torch.manual_seed(0)",
        "lstm = nn.LSTM(10, 20, num_layers=2)",
    ]
    assert "output, (h_n, c_n) = lstm(x, (h_0, c_0))" in code
    assert "assert output.shape == (4, 3, 20)  # (L, N, D*H_out): L=4, N=3, D*H_out=20" in code
