"""The report: plain, frozen data. Every output format (table, JSON, Markdown, plain) is a view of it.

``Report.to_dict()`` is the JSON contract CI pipelines rely on; its keys are documented in the README
and only ever added to (``schema`` is bumped on any incompatible change).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lstmshape.errors import ExpectationError, LstmShapeError, VerificationError
from lstmshape.i18n import language, ntr, speaking, tr
from lstmshape.i18n.text import format_shape
from lstmshape.i18n.words import Arg, Fix, Words, words
from lstmshape.results.contract import SCHEMA_VERSION, JSONDict
from lstmshape.results.shown import Shown
from lstmshape.torchfacts.parameters import Parameter, omitted, parameter_named

if TYPE_CHECKING:  # set only by cost_of, verify and the packed path, which import them
    from lstmshape.results.cost import Cost
    from lstmshape.results.deploy import Deployment
    from lstmshape.results.packing import Packing
    from lstmshape.results.verification import Verification
    from lstmshape.torchfacts.spec import ModuleSpec


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
    """True when the user passed this tensor's shape (``h_0``) and it fits."""

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
class Note:
    """A fact users need for this configuration. ``id`` is stable for CI; ``text`` is for people."""

    id: str
    text: str


@dataclass(frozen=True)
class Expectation:
    """A shape the user expects (``expect={"h_n": (2, 3, 20)}``) against the computed one."""

    tensor: str
    """The tensor's name (``h_n``), or the parameter's (``weight_ih_l0``)."""
    expected: tuple[int, ...]
    computed: tuple[int, ...]
    of: str = "tensor"
    """``tensor`` or ``parameter``."""

    @property
    def ok(self) -> bool:
        """Whether the expected shape equals the computed one."""
        return self.expected == self.computed

    def to_dict(self) -> JSONDict:
        """JSON view."""
        return {
            "tensor": self.tensor,
            "of": self.of,
            "expected": list(self.expected),
            "computed": list(self.computed),
            "ok": self.ok,
        }


@dataclass(frozen=True, repr=False)
class Report(Shown):
    """Everything lstmshape knows about one module applied to one input.

    In a notebook it shows as the table view; ``print(report)`` writes the plain view.
    """

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
    """Set when the input was packed (``lengths``)."""
    cost: Cost | None = None
    """Set when the cost was asked for (``cost_of``): parameters, memory, work."""
    deploy: Deployment | None = None
    """Set when deployment was asked for (``deploy=True``): one verdict per target."""
    lang: str = field(default_factory=language)
    """The language its text is in (en, ja, fr, es): the one spoken when it was made."""

    @property
    def module(self) -> str:
        """torch's class name: ``LSTM``."""
        return self.spec.kind.name

    @property
    def num_parameters(self) -> int:
        """``sum(p.numel() for p in module.parameters())``, those not listed included."""
        return self.spec.num_parameters

    @property
    def ok(self) -> bool:
        """False when an expectation failed or torch disagreed."""
        verified = self.verification is None or self.verification.ok
        return verified and all(e.ok for e in self.expectations)

    def summary(self) -> str:
        """``nn.LSTM(10, 20) on input (4, 3, 10): ok``, the repr's one line."""
        failed = len(self.failures())
        if not failed:
            verdict = tr("ok")
        else:
            verdict = ntr("{count} failure", "{count} failures", failed, count=failed)
        return tr(
            "{call} on input {shape}: {verdict}",
            call=self.spec.torch_call(),
            shape=format_shape(self.input_shape),
            verdict=verdict,
        )

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
            failures.append(
                ExpectationError(
                    words(
                        "{name} is {computed}, not the expected {expected}.",
                        name=e.tensor,
                        computed=format_shape(e.computed),
                        expected=format_shape(e.expected),
                    ),
                    details=[self._made_of(e)],
                    hint=words(
                        "Try {fix}, or change the module's arguments.",
                        fix=Fix.of({f"expect.{e.tensor}": e.computed}),
                    ),
                    subject=e.tensor,
                    expected=e.expected,
                    actual=e.computed,
                )
            )
        if self.verification is not None and not self.verification.ok:
            failures.append(
                VerificationError(
                    words("torch disagrees with lstmshape (see the 'Verified with torch' table)."),
                    details=[self.verification.method],
                    hint=words(
                        "Try again without {verify}, and please report this as a bug.",
                        verify=Arg("verify"),
                    ),
                )
            )
        return failures

    def _made_of(self, e: Expectation) -> Words:
        """What the expected tensor or parameter is made of, in symbols and numbers."""
        if e.of == "parameter":
            p = parameter_named(self.spec, e.tensor)
            rows = p.rows if p is not None else "?"
            return words(
                "{name} is {rows} = {shape} in this module.",
                name=e.tensor,
                rows=rows,
                shape=format_shape(e.computed),
            )
        t = self.tensor(e.tensor)
        # Symbols with their sizes and derivations, written as a formula in every language.
        axes = ", ".join(
            d.label() + (f" ({d.derivation})" if d.derivation != d.symbol else "") for d in t.dims
        )
        return words(
            "{name} is {formula} with {values}.", name=e.tensor, formula=t.formula, values=axes
        )

    def to_dict(self) -> JSONDict:
        """The JSON contract (see the README's "JSON output" section)."""
        data: JSONDict = {
            "schema": SCHEMA_VERSION,
            "lang": self.lang,
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
            "parameters_omitted": _omitted_json(self.spec, self.lang),
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
        if self.deploy is not None:
            data["deploy"] = self.deploy.to_dict()
        return data


def _omitted_json(spec: ModuleSpec, lang: str) -> JSONDict | None:
    """A deep stack's parameters that ``parameters`` does not list: each layer as layer 1. Its
    rule is said in the report's language, like its notes."""
    left_out = omitted(spec)
    if left_out is None:
        return None
    with speaking(lang):
        rule = tr("each layer's parameters have layer 1's shapes, named {suffix}", suffix="_l{k}")
    return {
        "layers": [left_out.first_layer, left_out.last_layer],
        "count": left_out.parameter_count,
        "numel": left_out.numel,
        "rule": rule,
    }
