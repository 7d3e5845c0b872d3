"""A traced model: every call of a recurrent layer inside it, with the shapes it really got.

Plain, frozen data, as the report is: ``lstmshape.trace`` fills it in (torch runs there), the views
draw it, ``to_dict()`` is its JSON (lstmshape/schemas/trace.json).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from lstmshape.errors import LstmShapeError
from lstmshape.i18n import N_, language, tr
from lstmshape.i18n.text import counted, format_shape, short_list
from lstmshape.i18n.words import PYTHON, Voice
from lstmshape.results.contract import SCHEMA_VERSION, JSONDict
from lstmshape.results.deploy import ModelDeployment
from lstmshape.results.layer_voice import LayerVoice
from lstmshape.results.report import Report
from lstmshape.results.shown import Shown
from lstmshape.results.trace_errors import (
    differing,
    disagreement,
    expectation_error,
    nothing_traced,
    shape_in,
    split_name,
)

Shape = tuple[int, ...]
ShapeLike = Sequence[int] | str | Any

# The trace's one-line verdict, by its English key; and its count of calls.
VERDICTS = {"ok": N_("ok"), "not ok": N_("not ok")}
RECURRENT_CALLS = (N_("{count} recurrent call"), N_("{count} recurrent calls"))
DIFFER = (
    N_("{count} shape differs from the expected"),
    N_("{count} shapes differ from the expected"),
)
NO_RECURRENT_CALL = N_("no recurrent call")
# How many times an expected layer was called, when the call expected is not among them.


def call_label(path: str, number: int) -> str:
    """``encoder.lstm``, or ``decoder.cell#2`` for a later call of the same layer: the name that
    ``--expect``, :meth:`Trace.assert_shapes` and :meth:`Trace.shapes` take too."""
    return path if number == 1 else f"{path}#{number}"


@dataclass(frozen=True)
class Received:
    """What one call of a recurrent layer was given, as lstmshape explains it."""

    input: Shape
    """The input's shape; for a PackedSequence, the padded batch it packs (L = max(lengths))."""
    dtype: str
    """The input's dtype, as torch names it without ``torch.``: ``float32``."""
    h_0: Shape | None = None
    c_0: Shape | None = None
    lengths: tuple[int, ...] | None = None
    """Each sequence's length, in the batch's order, when the input was a PackedSequence."""
    enforce_sorted: bool = True
    packed_data: Shape | None = None
    """A PackedSequence's ``data``: (sum(lengths), H_in)."""

    def text(self) -> str:
        """``(4, 3, 10), h_0 (2, 3, 20)`` or ``packed: data (10, 8), lengths [5, 3, 2]``."""
        if self.lengths is not None and self.packed_data is not None:
            first = tr(
                "packed: data {data}, lengths {lengths}",
                data=format_shape(self.packed_data),
                lengths=short_list(self.lengths),
            )
        else:
            first = format_shape(self.input)
        if self.dtype not in ("float32",):
            first += f" {self.dtype}"
        states = [
            f"{name} {format_shape(shape)}"
            for name, shape in (("h_0", self.h_0), ("c_0", self.c_0))
            if shape is not None
        ]
        return ", ".join([first, *states])

    def to_dict(self) -> JSONDict:
        """JSON view, under a call's ``"received"`` key."""
        return {
            "input": list(self.input),
            "dtype": self.dtype,
            "h_0": None if self.h_0 is None else list(self.h_0),
            "c_0": None if self.c_0 is None else list(self.c_0),
            "packed": None
            if self.lengths is None
            else {
                "lengths": list(self.lengths),
                "enforce_sorted": self.enforce_sorted,
                "data": None if self.packed_data is None else list(self.packed_data),
            },
        }


@dataclass(frozen=True)
class TracedCall:
    """One call of a recurrent layer: where it sits, what it got, and lstmshape's report of it."""

    path: str
    """Its name in the model, as ``named_modules()`` gives it: ``encoder.lstm``."""
    module: str
    """Its class's name: ``LSTM``, or a subclass's own (``MyLSTM``)."""
    call: int
    """1 for the layer's first call in the forward pass, 2 for its second, ..."""
    site: str | None
    """The line of the user's code that called it: ``model.py:31: out, _ = self.lstm(x)``."""
    received: Received
    report: Report | None
    """lstmshape's report of this call; None when the call failed (see the trace's failure)."""
    torch_shapes: tuple[tuple[str, Shape], ...] = ()
    """The shapes torch took and returned, by the report's names, as the hooks saw them."""
    kernel: str = "torch"
    """``torch``: torch's kernel ran; ``lstmshape``: torch's shape-only kernel would step through a
    long sequence in Python, so torch ran the layer on the first time step alone (its checks, h_n
    and c_n are torch's) and output took the report's L."""
    direct: bool = False
    """Called as ``layer.forward(...)``: torch ran no hooks on it; lstmshape saw it through the
    layer's forward."""

    @property
    def label(self) -> str:
        """``encoder.lstm``, or ``decoder.cell#2`` for a later call of the same layer."""
        return call_label(self.path, self.call)

    @property
    def agrees(self) -> bool:
        """Whether every shape torch produced is the one lstmshape's report computes."""
        if self.report is None:
            return True
        shapes = self.report.shapes()
        return all(shapes.get(name) == shape for name, shape in self.torch_shapes)

    def to_dict(self) -> JSONDict:
        """JSON view, one item of the trace's ``"calls"``."""
        return {
            "path": self.path,
            "module": self.module,
            "call": self.call,
            "site": self.site,
            "received": self.received.to_dict(),
            "kernel": self.kernel,
            "direct": self.direct,
            "torch": {name: list(shape) for name, shape in self.torch_shapes},
            "agrees": self.agrees,
            "report": None if self.report is None else self.report.to_dict(),
        }


@dataclass(frozen=True)
class TraceFailure:
    """The forward pass failed: which module raised, where it was called, torch's sentence, and
    lstmshape's explanation (for a recurrent layer, the cause and the fix that explain gives)."""

    path: str
    """The module that raised, by its name in the model ("" for the model's own forward)."""
    module: str
    """Its class's name."""
    recurrent: bool
    exception: str
    """The exception's class: ``RuntimeError``."""
    torch_says: str
    site: str | None
    """The line of the user's code that called the module (or raised, in the model's forward)."""
    error: LstmShapeError
    """What the user reads: the module, the line, lstmshape's explanation, torch's sentence, the
    fix. Its ``exit_code`` is the command line's."""

    def to_dict(self) -> JSONDict:
        """JSON view, under the trace's ``"failure"`` key."""
        return {
            "path": self.path,
            "module": self.module,
            "recurrent": self.recurrent,
            "exception": self.exception,
            "torch_says": self.torch_says,
            "site": self.site,
            "error": self.error.to_dict(self.voice),
        }

    @property
    def voice(self) -> Voice:
        """How its fix is said: on the failing layer (its constructor, what it is given) when it
        is a recurrent layer inside a model, else as Python says it."""
        if not self.recurrent:
            return PYTHON
        return LayerVoice(self.path or self.module)


@dataclass(frozen=True)
class TraceExpectation:
    """A shape expected of a traced layer (``encoder.lstm.h_n=2,8,256``) against the traced one."""

    path: str
    call: int | None
    """The call it is about (``decoder.lstm#2.h_n``), or None for every call of the layer."""
    tensor: str
    expected: Shape
    traced: Shape | None
    """The traced shape; None when the layer was never called or has no such tensor."""

    @property
    def ok(self) -> bool:
        """Whether the traced shape is the expected one."""
        return self.traced == self.expected

    @property
    def name(self) -> str:
        """``encoder.lstm.h_n``, as the user wrote it."""
        at = "" if self.call is None else f"#{self.call}"
        layer = f"{self.path}{at}"
        return f"{layer}.{self.tensor}" if layer else self.tensor  # the model is the layer

    def to_dict(self) -> JSONDict:
        """JSON view."""
        return {
            "name": self.name,
            "expected": list(self.expected),
            "traced": None if self.traced is None else list(self.traced),
            "ok": self.ok,
        }


@dataclass(frozen=True, repr=False)
class Trace(Shown):
    """A model's forward pass, once, with every call of its recurrent layers explained.

    In a notebook it shows as the table view; ``print(trace)`` writes the plain view.
    """

    model: str
    """The model's class name."""
    inputs: tuple[str, ...]
    """The example inputs as they were given: ``(8, 5) int64``."""
    method: str
    """``shape-only`` (fake tensors: nothing allocated, nothing computed), ``meta`` (the model's
    own meta tensors), or ``real`` (the example inputs, for real)."""
    how: str
    """Which way it ran, and why, in words."""
    torch_version: str
    recurrent: tuple[tuple[str, str], ...]
    """Every recurrent layer of the model, called or not: (path, class name)."""
    calls: tuple[TracedCall, ...]
    failure: TraceFailure | None = None
    expectations: tuple[TraceExpectation, ...] = ()
    lang: str = field(default_factory=language)
    """The language of its text (``how``, the inputs' words, the failure's error): the one spoken
    when it was traced."""
    deploy: ModelDeployment | None = None
    """Set by ``trace --deploy`` (``deploy=True``): each recurrent layer's deployment verdicts and
    the whole model's export run in onnxruntime."""

    @property
    def ok(self) -> bool:
        """The forward pass ran and called a recurrent layer, torch agreed with every report, and
        every expected shape holds."""
        return (
            self.failure is None
            and bool(self.calls)
            and all(c.agrees for c in self.calls)
            and all(e.ok for e in self.expectations)
        )

    def summary(self) -> str:
        """``Tagger on (8, 5) int64: 2 recurrent calls, ok``, the repr's one line; a recurrent
        call that failed is counted, and the verdict names what failed (``decoder#3 failed``)
        or how many expected shapes differ."""
        n = len(self.calls) + (self.failure is not None and self.failure.recurrent)
        calls = counted(n, *RECURRENT_CALLS).format(count=n)
        if not n:
            calls = tr(NO_RECURRENT_CALL)  # i18n: extracted where made
        return tr(
            "{model} on {inputs}: {calls}, {verdict}",
            model=self.model,
            inputs=", ".join(self.inputs),
            calls=calls,
            verdict=self._verdict(),
        )

    def _verdict(self) -> str:
        """``ok``, ``head failed``, ``decoder#3 failed``, ``2 shapes differ from the expected``."""
        if self.failure is not None:
            return tr("{name} failed", name=self.failed_name())
        differ = sum(not e.ok for e in self.expectations)
        if differ:
            return counted(differ, *DIFFER).format(count=differ)
        return tr(VERDICTS["ok" if self.ok else "not ok"])  # i18n: extracted where made

    def failed_name(self) -> str:
        """What failed, as the tables name it: ``decoder#3``, ``head``, ``Model's forward``."""
        failure = self.failure
        assert failure is not None
        if failure.recurrent:  # the layer's calls before it completed: it is the next one
            return call_label(failure.path, 1 + sum(c.path == failure.path for c in self.calls))
        return failure.path or tr("{module}'s forward", module=failure.module)

    def call(self, path: str, number: int = 1) -> TracedCall:
        """The ``number``-th call of the layer at ``path``; KeyError if there is none."""
        for c in self.calls:
            if c.path == path and c.call == number:
                return c
        raise KeyError(call_label(path, number))

    def shapes(self) -> dict[str, dict[str, Shape]]:
        """Each call's shapes, by its label: ``{"encoder.lstm": {"input": (8, 5, 300), ...}}``."""
        return {c.label: c.report.shapes() for c in self.calls if c.report is not None}

    def failures(self) -> list[LstmShapeError]:
        """Why the trace is not ok, as errors: the forward pass's failure, then each shape that is
        not the expected one, then any call where torch and lstmshape disagree."""
        out: list[LstmShapeError] = [] if self.failure is None else [self.failure.error]
        if self.failure is None and not self.calls:
            out.append(nothing_traced(self))
        out += [expectation_error(self, e) for e in self.expectations if not e.ok]
        out += [disagreement(c) for c in self.calls if not c.agrees]
        return out

    def expecting(self, expected: Mapping[str, ShapeLike]) -> Trace:
        """This trace with ``expected`` shapes compared: ``{"encoder.lstm.h_n": (2, 8, 256)}``.

        A name is the layer's path, ``#k`` for its k-th call only, then a tensor's name
        (``decoder.lstm#2.output``); without ``#k`` every call of the layer is held to it. A name
        of no recurrent layer of the model, or of a tensor its layer never has, raises
        :class:`UnreadableValueError` with the names it has.
        """
        from lstmshape.reading.python_values import shape_of, shapes_by_name
        from lstmshape.results.trace_names import unknown_name

        compared: list[TraceExpectation] = []
        example = 'assert_shapes({"lstm.output": (8, 5, 20)})'
        for name, shape in shapes_by_name(expected, "Trace.assert_shapes", example).items():
            path, number, tensor = split_name(name)
            wanted = shape_of(shape, f"expect.{name}")
            unknown = unknown_name(self, name, path, tensor, wanted)
            if unknown is not None:
                raise unknown
            calls = [c for c in self.calls if c.path == path and number in (None, c.call)]
            # Every call alike (a decoder's cell stepped 200 times): one expectation, not 200.
            if len({shape_in(c, tensor) for c in calls}) == 1:
                calls = calls[:1]
            several = number is None and len(calls) > 1
            compared += [
                TraceExpectation(
                    path, c.call if several else number, tensor, wanted, shape_in(c, tensor)
                )
                for c in calls
            ] or [TraceExpectation(path, number, tensor, wanted, None)]
        return replace(self, expectations=(*self.expectations, *compared))

    def assert_shapes(self, expected: Mapping[str, ShapeLike]) -> Trace:
        """Assert every shape in ``expected`` (as :meth:`expecting` reads it) and that the forward
        pass ran; the trace when all hold. Raises :class:`ExpectationError` (an AssertionError)
        with the table of what differs, or the forward pass's own failure."""
        __tracebackhide__ = True  # pytest shows the assertion, not lstmshape's frames
        checked = self.expecting(expected)
        if checked.failure is not None:
            raise checked.failure.error
        differ = [e for e in checked.expectations if not e.ok]
        if differ:
            raise differing(checked, differ)
        return checked

    def to_dict(self) -> JSONDict:
        """The JSON document of ``lstmshape trace --format json`` (schemas/trace.json)."""
        return {
            "schema": SCHEMA_VERSION,
            "lang": self.lang,
            "model": self.model,
            "inputs": list(self.inputs),
            "method": self.method,
            "how": self.how,
            "torch_version": self.torch_version,
            "recurrent": [{"path": p, "module": m} for p, m in self.recurrent],
            "calls": [c.to_dict() for c in self.calls],
            "failure": None if self.failure is None else self.failure.to_dict(),
            "expectations": [e.to_dict() for e in self.expectations],
            "ok": self.ok,
            **({} if self.deploy is None else {"deploy": self.deploy.to_dict()}),
        }
