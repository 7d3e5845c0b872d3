"""What a trace found wrong, as errors: an expected shape that differs from the traced one, no
recurrent call traced at all, torch disagreeing with lstmshape's report of a call; and the names an
expected shape takes (``decoder.lstm#2.h_n``), split into the layer's path, the call and the tensor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lstmshape.errors import ExpectationError, LstmShapeError, UnreadableValueError
from lstmshape.i18n import N_, tr
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.text import aligned, format_shape
from lstmshape.i18n.words import Fix, verbatim, words
from lstmshape.torchfacts.kinds import KINDS

if TYPE_CHECKING:
    from lstmshape.results.trace import Trace, TracedCall, TraceExpectation

Shape = tuple[int, ...]
CALLED = (N_("{path} was called {count} time."), N_("{path} was called {count} times."))


# Every tensor name a traced call has, longest first: a name's tail is matched against them.
TENSOR_NAMES = tuple(
    sorted(
        {
            name
            for kind in KINDS.values()
            for name in (*kind.tensor_names, *kind.packed_tensor_names)
        },
        key=len,
        reverse=True,
    )
)


def split_name(name: str) -> tuple[str, int | None, str]:
    """``decoder.lstm#2.h_n`` -> ("decoder.lstm", 2, "h_n"); ``encoder.lstm.output.data`` ->
    ("encoder.lstm", None, "output.data")."""
    if name in TENSOR_NAMES:  # the traced model is the layer itself: its path is ""
        return "", None, name
    for tensor in TENSOR_NAMES:
        if name.endswith(f".{tensor}"):
            path = name[: -len(tensor) - 1]
            layer, hash_, number = path.rpartition("#")
            if hash_ and number.isdigit() and int(number) >= 1:
                return layer, int(number), tensor
            return path, None, tensor
    import difflib

    from lstmshape.reading.names import did_you_mean

    layer, _, tail = name.rpartition(".")
    close = difflib.get_close_matches(tail, TENSOR_NAMES, n=1) if layer else []
    raise UnreadableValueError(
        words(
            "{name} does not end in a tensor's name: write LAYER.TENSOR, e.g. {example}.",
            name=repr(name),
            example="encoder.lstm.h_n",
        ),
        details=[words("The tensors: {names}.", names=enumerated(sorted(TENSOR_NAMES)))],
        hint=did_you_mean(f"{layer}.{close[0]}", None)
        if close
        else words(
            "Try {example}, or {second} for a layer's second call.",
            example="encoder.lstm.h_n",
            second="decoder.lstm#2.output",
        ),
        subject=name,
    )


def shape_in(call: TracedCall, tensor: str) -> Shape | None:
    if call.report is None:
        return None
    return call.report.shapes().get(tensor)


def differing(trace: Trace, differ: list[TraceExpectation]) -> ExpectationError:
    """The failed assertion: a table of each shape that differs, with its axes, and the fix."""
    rows: list[tuple[str, ...]] = [("layer.tensor", tr("expected"), tr("traced"), tr("axes"))]
    for e in differ:
        rows.append(
            (
                e.name,
                format_shape(e.expected),
                tr("not traced") if e.traced is None else format_shape(e.traced),
                _axes(trace, e),
            )
        )
    n = len(differ)
    fixable = {f"expect.{e.name}": e.traced for e in differ if e.traced is not None}
    on = ", ".join(trace.inputs)
    head = (
        words(
            "{count} shape differs from the expected in the trace of {model} on {inputs}:",
            count=n,
            model=trace.model,
            inputs=on,
        )
        if n == 1
        else words(
            "{count} shapes differ from the expected in the trace of {model} on {inputs}:",
            count=n,
            model=trace.model,
            inputs=on,
        )
    )
    return ExpectationError(
        head,
        details=[verbatim(line) for line in aligned(rows)],
        hint=words("Try expecting {fix}, or change the model.", fix=Fix.of(fixable))
        if fixable
        else words("Try a layer's path and a tensor's name from the trace."),
    )


def _axes(trace: Trace, e: TraceExpectation) -> str:
    for call in trace.calls:
        if call.path == e.path and e.call in (None, call.call) and call.report is not None:
            for tensor in call.report.tensors:
                if tensor.name == e.tensor:
                    return ", ".join(d.label() for d in tensor.dims)
    return ""


def expectation_error(trace: Trace, e: TraceExpectation) -> ExpectationError:
    if e.traced is None:
        n = sum(c.path == e.path for c in trace.calls)
        called = CALLED[n != 1]  # a template: words() translates it when said
        return ExpectationError(
            words(
                "{name} was not traced: the forward pass gave that layer no such call or tensor.",
                name=e.name,
            ),
            details=[
                words(called, path=e.path or trace.model, count=n)  # i18n: extracted where made
            ],
            subject=e.name,
            expected=e.expected,
            hint=words("Try a path and a tensor name from the trace's table."),
        )
    return ExpectationError(
        words(
            "{name} is {traced}, not the expected {expected}.",
            name=e.name,
            traced=format_shape(e.traced),
            expected=format_shape(e.expected),
        ),
        subject=e.name,
        expected=e.expected,
        actual=e.traced,
        hint=words("Try {fix}, or change the model.", fix=Fix.of({f"expect.{e.name}": e.traced})),
    )


def nothing_traced(trace: Trace) -> ExpectationError:
    """The forward pass ran and called no recurrent layer: there is nothing to explain."""
    never = ", ".join(f"{p} ({m})" for p, m in trace.recurrent)
    return ExpectationError(
        words(
            "{model}'s forward pass called no recurrent layer: nothing was traced.",
            model=trace.model,
        ),
        details=[
            words("Never called: {paths}.", paths=never)
            if never
            else words(
                "{model} holds no recurrent layer ({kinds}).",
                model=trace.model,
                kinds=tr("nn.LSTM, GRU, RNN or a cell"),
            )
        ],
        subject=trace.model,
    )


def disagreement(c: TracedCall) -> LstmShapeError:
    from lstmshape.errors import VerificationError

    assert c.report is not None
    shapes = c.report.shapes()
    differ = [
        tr(
            "{name}: torch {torch}, lstmshape {lstmshape}",
            name=name,
            torch=format_shape(shape),
            lstmshape=format_shape(shapes[name]),
        )
        for name, shape in c.torch_shapes
        if shapes.get(name) != shape
    ]
    return VerificationError(
        words(
            "torch and lstmshape disagree on {label}: {differ}.",
            label=c.label,
            differ="; ".join(differ),
        ),
        hint=words("Please report this as a bug, with the model's recurrent layer and its input."),
    )
