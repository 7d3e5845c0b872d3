"""What verify() found: each torch run, compared with lstmshape's report at the sizes it ran.

Plain, frozen data, like the report it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lstmshape.i18n import N_, language, ntr, speaking, tr
from lstmshape.i18n.numbers import enumerated, number
from lstmshape.i18n.typography import clauses
from lstmshape.results.contract import JSONDict

# Tolerance of the numerical checks a verification runs (times the largest value compared, when
# that is over 1). The output/h_n slices are the same numbers in torch (difference 0.0); a layer or
# cell rerun takes another kernel and rounds differently, so the reruns are compared in float64
# (lstmshape.proof.numerics), where a correct module stays far within it.
ATOL = 1e-5


@dataclass(frozen=True)
class TensorCheck:
    """One tensor as computed by lstmshape and as produced by torch."""

    name: str
    computed: tuple[int, ...]
    torch: tuple[int, ...]

    @property
    def ok(self) -> bool:
        """Whether torch produced exactly the computed shape."""
        return self.computed == self.torch


@dataclass(frozen=True)
class FactCheck:
    """A stated correspondence fact, checked numerically on torch's real output."""

    fact: str
    holds: bool
    max_abs_diff: float
    tolerance: float = ATOL
    """The bound it held to: ATOL, times the largest value compared when that is over 1."""


@dataclass(frozen=True)
class Substitution:
    """A size a verify() run used in place of the configuration's own, and why."""

    symbol: str
    """``L``, ``N``, ``H_in``, ``hidden_size`` or ``proj_size``."""
    value: int
    """The configuration's size."""
    ran: int
    """The size that ran."""
    why: str

    def text(self) -> str:
        """``L=8 instead of 100,000``."""
        return tr(
            "{symbol}={ran} instead of {value}",
            symbol=self.symbol,
            ran=number(self.ran),
            value=number(self.value),
        )

    def to_dict(self) -> JSONDict:
        """JSON view."""
        return {"symbol": self.symbol, "value": self.value, "ran": self.ran, "why": self.why}


@dataclass(frozen=True)
class Run:
    """One torch forward pass of verify(), compared with lstmshape's report at the sizes it ran."""

    method: str
    """``real`` (random data: shapes and numerical facts) or ``shape-only`` (fake tensors)."""
    how: str
    """What ran, in words: module, tensors, dtype, device, mode, sizes."""
    input_shape: tuple[int, ...]
    """The input's shape as it ran."""
    substitutions: tuple[Substitution, ...]
    tensors: tuple[TensorCheck, ...]
    parameters_ok: bool
    """torch registered exactly the computed parameter names and shapes, in the same order."""
    num_parameters: int
    """lstmshape's parameter count at the sizes that ran."""
    torch_parameters: tuple[tuple[str, tuple[int, ...]], ...]
    torch_num_parameters: int
    facts: tuple[FactCheck, ...]
    """The numerical checks that compared numbers (none on fake or empty tensors)."""
    facts_not_run: str = ""
    """Why no numerical check compared numbers (fake tensors, an empty batch, a cell whose sequence
    module torch cannot build); empty when some did."""
    checks: str = ""
    """What this run's numerical checks compare, in words: ``output's slices against h_n, ...``."""

    @property
    def ok(self) -> bool:
        """Whether torch agreed on everything this run checked."""
        return (
            all(t.ok for t in self.tensors)
            and self.parameters_ok
            and self.num_parameters == self.torch_num_parameters
            and all(f.holds for f in self.facts)
        )

    def to_dict(self) -> JSONDict:
        """JSON view, one item of ``"verified"["runs"]``."""
        return {
            "ok": self.ok,
            "method": self.method,
            "how": self.how,
            "input_shape": list(self.input_shape),
            "substituted": [s.to_dict() for s in self.substitutions],
            "tensors": {
                t.name: {"computed": list(t.computed), "torch": list(t.torch), "ok": t.ok}
                for t in self.tensors
            },
            "parameters_ok": self.parameters_ok,
            "num_parameters": {"computed": self.num_parameters, "torch": self.torch_num_parameters},
            "facts": [
                {
                    "fact": f.fact,
                    "holds": f.holds,
                    "max_abs_diff": f.max_abs_diff,
                    "tolerance": f.tolerance,
                }
                for f in self.facts
            ],
            "facts_not_run": self.facts_not_run or None,
        }


# A run's method (the JSON's id) as a sentence of the verification says it.
METHODS = {"real": N_("real"), "shape-only": N_("shape-only")}


@dataclass(frozen=True)
class Verification:
    """What torch produced, run by run, compared with the report."""

    torch_version: str
    runs: tuple[Run, ...]
    lang: str = field(default_factory=language)
    """The language of its text (the runs' and its sentences'): the one spoken when it ran."""

    @property
    def ok(self) -> bool:
        """Whether torch agreed on everything that was checked."""
        return all(run.ok for run in self.runs)

    @property
    def every_size_ran(self) -> bool:
        """Whether every size ran at the configuration's own value in at least one run (not
        necessarily all in the same run, nor with the numerical checks)."""
        full = {s.symbol for s in self.runs[0].substitutions}
        for run in self.runs[1:]:
            full &= {s.symbol for s in run.substitutions}
        return not full

    @property
    def exact(self) -> bool:
        """The old name of :attr:`every_size_ran`, kept for callers: it never meant that
        everything was checked at full size."""
        return self.every_size_ran

    @property
    def numerical_checks(self) -> bool:
        """Whether numbers were compared at the configuration's own sizes: a real run at full size
        whose checks compared at least one number (not an empty batch, not fake tensors)."""
        return any(
            run.method == "real" and run.facts and not run.substitutions for run in self.runs
        )

    @property
    def numerical(self) -> str:
        """What the numerical checks compared, and at which sizes; or ``not run: `` and why."""
        compared = self.compared()
        if compared:
            return compared
        with speaking(self.lang):
            return tr("not run: {reasons}", reasons=self.not_compared())

    def compared(self) -> str:
        """What the numerical checks compared, and at which sizes; empty when none compared."""
        parts = []
        with speaking(self.lang):
            for run in self.runs:
                if run.facts:
                    parts.append(_compared(run))
            return clauses(parts)

    def not_compared(self) -> str:
        """Why no numerical check compared numbers, each reason once."""
        reasons = dict.fromkeys(run.facts_not_run for run in self.runs if run.facts_not_run)
        return clauses(reasons)

    @property
    def method(self) -> str:
        """One sentence: which methods ran, and at what sizes."""
        with speaking(self.lang):
            runs = ""
            for run in self.runs:
                method = tr(METHODS[run.method])  # i18n: extracted where made
                if run.substitutions:
                    subs = enumerated(s.text() for s in run.substitutions)
                    ran = tr("{method} with {substitutions}", method=method, substitutions=subs)
                else:
                    ran = tr("{method} at full size", method=method)
                runs = tr("{before}; then {after}", before=runs, after=ran) if runs else ran
            return tr("torch {version}: {runs}.", version=self.torch_version, runs=runs)

    def to_dict(self) -> JSONDict:
        """JSON view, under the report's ``"verified"`` key."""
        return {
            "ok": self.ok,
            "torch_version": self.torch_version,
            "method": self.method,
            "exact": self.exact,
            "every_size_ran": self.every_size_ran,
            "numerical_checks": self.numerical_checks,
            "numerical": self.numerical,
            "runs": [run.to_dict() for run in self.runs],
        }


def _compared(run: Run) -> str:
    """``output's slices against h_n, ...: 3 checks on real tensors at full size``."""
    count = len(run.facts)
    checks = ntr("{count} check", "{count} checks", count, count=count)
    if not run.substitutions:
        return tr("{checks}: {count} on real tensors at full size", checks=run.checks, count=checks)
    return tr(
        "{checks}: {count} on real tensors only with {substitutions}",
        checks=run.checks,
        count=checks,
        substitutions=enumerated(s.text() for s in run.substitutions),
    )
