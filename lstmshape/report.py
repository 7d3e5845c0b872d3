"""The report: plain, frozen data. Every output format (table, JSON, Markdown, plain) is a view of it.

``Report.to_dict()`` is the JSON contract CI pipelines rely on; its keys are documented in the README
and only ever added to (``schema`` is bumped on any incompatible change).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lstmshape.errors import ExpectationError, LstmShapeError, VerificationError
from lstmshape.spec import ModuleSpec, Parameter

if TYPE_CHECKING:  # cost.py builds on the report, so the report names it only for type checks
    from lstmshape.cost import Cost

SCHEMA_VERSION = 2
# Tolerance of the numerical checks --verify runs. The output/h_n slices are the same numbers in torch
# (difference 0.0); a layer or cell rerun may take another kernel and round differently (about 1e-7).
ATOL = 1e-5
JSONDict = dict[str, Any]


def format_shape(shape: tuple[int, ...]) -> str:
    """A shape as torch users write it: ``(4, 3, 10)``; one dimension keeps its comma: ``(80,)``."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(d) for d in shape) + ")"


def size_text(nbytes: int) -> str:
    """Bytes as people read them: ``640 B``, ``23.1 KiB``, ``402.7 GiB`` (binary units)."""
    if nbytes < 1024:
        return f"{nbytes:,} B"
    value = float(nbytes)
    units = ("KiB", "MiB", "GiB", "TiB", "PiB")
    for unit in units[:-1]:
        value /= 1024
        if value < 1024:
            return f"{value:.1f} {unit}"
    return f"{value / 1024:,.1f} {units[-1]}"


@dataclass(frozen=True)
class Symbol:
    """One of PyTorch's shape symbols (L, N, H_in, ...) with its value in this configuration."""

    name: str
    value: int
    source: str
    """Where the value comes from, e.g. ``input axis 0`` or ``proj_size (> 0)``."""


@dataclass(frozen=True)
class Dim:
    """One axis of a tensor: its symbol (``D*num_layers``), its size, and how the size arises."""

    symbol: str
    size: int
    derivation: str
    """The formula with numbers, e.g. ``D=2 × num_layers=2``; equals ``symbol`` when it is atomic."""

    def label(self) -> str:
        """``D*num_layers=4``: the symbol with its size."""
        return f"{self.symbol}={self.size}"


@dataclass(frozen=True)
class Tensor:
    """A tensor the forward pass takes or returns, with each axis explained."""

    name: str
    role: str
    """``input`` for what forward() takes, ``output`` for what it returns."""
    dims: tuple[Dim, ...]
    meaning: str
    given: bool = False
    """True when the user passed this tensor's shape (``--h0``) and it fits."""

    @property
    def shape(self) -> tuple[int, ...]:
        """The tensor's shape, as ``tensor.shape`` would give it."""
        return tuple(d.size for d in self.dims)

    @property
    def formula(self) -> str:
        """The shape in symbols: ``(D*num_layers, N, H_out)``."""
        return "(" + ", ".join(d.symbol for d in self.dims) + ")"

    def to_dict(self) -> JSONDict:
        """JSON view: shape, symbolic formula, and each axis."""
        return {
            "shape": list(self.shape),
            "formula": self.formula,
            "role": self.role,
            "given": self.given,
            "meaning": self.meaning,
            "dims": [
                {"symbol": d.symbol, "size": d.size, "derivation": d.derivation} for d in self.dims
            ],
        }


@dataclass(frozen=True)
class Fact:
    """A correspondence between output and h_n that holds for every input: a slice equals a row.

    Stored as data, not text, so the note that states it and the check that proves it with torch
    are the same object.
    """

    direction: str
    time_axis: int
    """The axis of L in output (0, or 1 with batch_first)."""
    step: int
    """The time step, 0 or -1."""
    features: tuple[int, int] | None
    """The slice of output's last axis for this direction; None when output is all of it (D=1)."""
    h_n_row: int
    """The row of h_n (negative: counted from the end, as users write h_n[-1])."""
    output_rank: int
    per_sequence: bool = False
    """Packed input: the slice is taken at each sequence i's own step (``lengths[i] - 1`` for
    step -1) of padded_output, and equals h_n's row at [i]."""

    def output_expr(self) -> str:
        """``output[-1, :, :20]`` or ``output[:, -1]``: the slice of output, in torch indexing."""
        index = [":"] * self.output_rank
        step = "lengths[i] - 1" if self.per_sequence and self.step == -1 else str(self.step)
        index[self.time_axis] = step
        if self.per_sequence:
            index[1 - self.time_axis] = "i"
        if self.features is not None:
            start, stop = self.features
            index[-1] = f":{stop}" if start == 0 else f"{start}:"
        while index and index[-1] == ":":
            index.pop()
        name = "padded_output" if self.per_sequence else "output"
        return f"{name}[{', '.join(index)}]"

    def h_n_expr(self) -> str:
        """``h_n[-1]``: the row of h_n this slice equals."""
        return f"h_n[{self.h_n_row}][i]" if self.per_sequence else f"h_n[{self.h_n_row}]"

    def text(self) -> str:
        """The fact as one line: ``output[-1] == h_n[-1]``."""
        return f"{self.output_expr()} == {self.h_n_expr()}"


@dataclass(frozen=True)
class Packing:
    """How the padded input was packed with pack_padded_sequence."""

    lengths: tuple[int, ...]
    enforce_sorted: bool

    @property
    def total(self) -> int:
        """sum(lengths): the rows of the packed data."""
        return sum(self.lengths)

    @property
    def longest(self) -> int:
        """max(lengths): the steps of batch_sizes, and of what pad_packed_sequence gives back."""
        return max(self.lengths)

    @property
    def batch_sizes(self) -> tuple[int, ...]:
        """How many sequences are still running at each step, as torch's batch_sizes holds them."""
        sizes = []
        running = sorted(self.lengths, reverse=True)
        for t in range(self.longest):
            while running and running[-1] <= t:
                running.pop()
            sizes.append(len(running))
        return tuple(sizes)

    def to_dict(self) -> JSONDict:
        """JSON view, under the report's ``"packed"`` key."""
        return {
            "lengths": list(self.lengths),
            "enforce_sorted": self.enforce_sorted,
            "sum_lengths": self.total,
            "max_length": self.longest,
            "batch_sizes": list(self.batch_sizes),
        }


@dataclass(frozen=True)
class Note:
    """A fact users need for this configuration. ``id`` is stable for CI; ``text`` is for people."""

    id: str
    text: str


@dataclass(frozen=True)
class Expectation:
    """A shape the user expects (``--expect h_n=2,3,20``) against the computed one."""

    tensor: str
    expected: tuple[int, ...]
    computed: tuple[int, ...]

    @property
    def ok(self) -> bool:
        """Whether the expected shape equals the computed one."""
        return self.expected == self.computed

    def to_dict(self) -> JSONDict:
        """JSON view."""
        return {
            "tensor": self.tensor,
            "expected": list(self.expected),
            "computed": list(self.computed),
            "ok": self.ok,
        }


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


@dataclass(frozen=True)
class Substitution:
    """A size a --verify run used in place of the configuration's own, and why."""

    symbol: str
    """``L``, ``N``, ``H_in``, ``hidden_size`` or ``proj_size``."""
    value: int
    """The configuration's size."""
    ran: int
    """The size that ran."""
    why: str

    def text(self) -> str:
        """``L=8 instead of 100,000``."""
        return f"{self.symbol}={self.ran:,} instead of {self.value:,}"

    def to_dict(self) -> JSONDict:
        """JSON view."""
        return {"symbol": self.symbol, "value": self.value, "ran": self.ran, "why": self.why}


@dataclass(frozen=True)
class Run:
    """One torch forward pass of --verify, compared with lstmshape's report at the sizes it ran."""

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
    facts_not_run: str = ""
    """Why the numerical checks did not run (shape-only tensors carry no numbers); empty if they ran."""

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
                {"fact": f.fact, "holds": f.holds, "max_abs_diff": f.max_abs_diff}
                for f in self.facts
            ],
            "facts_not_run": self.facts_not_run or None,
        }


@dataclass(frozen=True)
class Verification:
    """What torch produced, run by run, compared with the report."""

    torch_version: str
    runs: tuple[Run, ...]

    @property
    def ok(self) -> bool:
        """Whether torch agreed on everything that was checked."""
        return all(run.ok for run in self.runs)

    @property
    def exact(self) -> bool:
        """Whether every size ran at the configuration's own value in at least one run."""
        full = {s.symbol for s in self.runs[0].substitutions}
        for run in self.runs[1:]:
            full &= {s.symbol for s in run.substitutions}
        return not full

    @property
    def method(self) -> str:
        """One sentence: which methods ran, and at what sizes."""
        parts = []
        for run in self.runs:
            sizes = (
                " with " + ", ".join(s.text() for s in run.substitutions)
                if run.substitutions
                else " at full size"
            )
            parts.append(f"{run.method}{sizes}")
        return f"torch {self.torch_version}: " + "; then ".join(parts) + "."

    def to_dict(self) -> JSONDict:
        """JSON view, under the report's ``"verified"`` key."""
        return {
            "ok": self.ok,
            "torch_version": self.torch_version,
            "method": self.method,
            "exact": self.exact,
            "numerical_checks": any(run.method == "real" for run in self.runs),
            "runs": [run.to_dict() for run in self.runs],
        }


@dataclass(frozen=True)
class Report:
    """Everything lstmshape knows about one module applied to one input."""

    spec: ModuleSpec
    input_shape: tuple[int, ...]
    batched: bool
    symbols: tuple[Symbol, ...]
    tensors: tuple[Tensor, ...]
    parameters: tuple[Parameter, ...]
    facts: tuple[Fact, ...]
    notes: tuple[Note, ...]
    expectations: tuple[Expectation, ...] = ()
    verification: Verification | None = field(default=None)
    packing: Packing | None = None
    """Set when the input was packed (--lengths)."""
    cost: Cost | None = None
    """Set when the cost was asked for (--cost): parameters, memory, work."""

    @property
    def module(self) -> str:
        """torch's class name: ``LSTM``."""
        return self.spec.kind.name

    @property
    def num_parameters(self) -> int:
        """``sum(p.numel() for p in module.parameters())``."""
        return sum(p.numel for p in self.parameters)

    @property
    def ok(self) -> bool:
        """False when an expectation failed or torch disagreed."""
        verified = self.verification is None or self.verification.ok
        return verified and all(e.ok for e in self.expectations)

    def tensor(self, name: str) -> Tensor:
        """The tensor named ``name`` (``h_n``); KeyError if this module has none."""
        for t in self.tensors:
            if t.name == name:
                return t
        raise KeyError(name)

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Each tensor's name with its shape: ``{"input": (4, 3, 10), ...}``."""
        return {t.name: t.shape for t in self.tensors}

    def failures(self) -> list[LstmShapeError]:
        """Why the report is not ok, as errors: each failed expectation, then torch disagreeing."""
        failures: list[LstmShapeError] = []
        for e in self.expectations:
            if e.ok:
                continue
            t = self.tensor(e.tensor)
            axes = ", ".join(
                d.label() + (f" ({d.derivation})" if d.derivation != d.symbol else "")
                for d in t.dims
            )
            failures.append(
                ExpectationError(
                    f"{e.tensor} is {format_shape(e.computed)}, not the expected "
                    f"{format_shape(e.expected)}.",
                    details=[f"{e.tensor} is {t.formula} with {axes}."],
                    hint=f"Try --expect {e.tensor}={','.join(map(str, e.computed))}, or change the "
                    "module's arguments.",
                )
            )
        if self.verification is not None and not self.verification.ok:
            failures.append(
                VerificationError(
                    "torch disagrees with lstmshape (see the 'Verified with torch' table).",
                    details=[self.verification.method],
                    hint="Try the same command without --verify, and please report this as a bug.",
                )
            )
        return failures

    def to_dict(self) -> JSONDict:
        """The JSON contract (see the README's "JSON output" section)."""
        data: JSONDict = {
            "schema": SCHEMA_VERSION,
            "module": self.module,
            "call": self.spec.torch_call(),
            "config": self.spec.constructor_kwargs(),
            "input_shape": list(self.input_shape),
            "batched": self.batched,
            "symbols": {s.name: {"value": s.value, "source": s.source} for s in self.symbols},
            "tensors": {t.name: t.to_dict() for t in self.tensors},
            "parameters": {
                p.name: {
                    "shape": list(p.shape),
                    "numel": p.numel,
                    "layer": p.layer,
                    "direction": p.direction,
                }
                for p in self.parameters
            },
            "num_parameters": self.num_parameters,
            "facts": [f.text() for f in self.facts],
            "notes": [{"id": n.id, "text": n.text} for n in self.notes],
            "expectations": [e.to_dict() for e in self.expectations],
            "ok": self.ok,
        }
        if self.packing is not None:
            data["packed"] = self.packing.to_dict()
        if self.cost is not None:
            data["cost"] = self.cost.to_dict()
        if self.verification is not None:
            data["verified"] = self.verification.to_dict()
        return data
