"""Tracing a model: its forward pass run once, with hooks on every recurrent layer inside it.

Not called trace: importing a submodule sets it as an attribute of the package, which would
replace the function ``lstmshape.trace``. torch is imported by :func:`trace_model`, never at import.

Which way the forward pass runs:

- ``shape-only``: fake tensors (FakeTensorMode) stand for the model's parameters and buffers and
  for the example inputs. Every shape is torch's own, nothing is allocated or computed, so a model
  of any size traces in seconds; the model's own tensors are not touched.
- ``meta``: the model's tensors are on the meta device already (built for its shapes alone); the
  inputs are moved there too.
- ``real``: the example inputs, for real, when torch cannot know a shape without the data
  (pack_padded_sequence's batch_sizes are the lengths' values). Gradients off, the buffers copied
  (a BatchNorm's statistics stay as they were), the random state restored.
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from lstmshape.commands.trace.hooks import Recorder
from lstmshape.commands.trace.run import Ran, run_forward
from lstmshape.errors import UnreadableValueError
from lstmshape.i18n import tr
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.words import words
from lstmshape.proof import DEFAULT_BUDGET_BYTES
from lstmshape.results.trace import Trace

METHODS = ("auto", "shape-only", "real")


def trace_model(
    model: Any,
    args: tuple[Any, ...] = (),
    kwargs: Mapping[str, Any] | None = None,
    *,
    method: str = "auto",
    budget: int = DEFAULT_BUDGET_BYTES,
) -> Trace:
    """Run ``model(*args, **kwargs)`` once and explain every call of its recurrent layers.

    ``method``: ``auto`` (shape-only, or real when torch needs the data to know a shape),
    ``shape-only`` or ``real``. A forward pass that fails is in the trace's ``failure``, with
    the calls before it. A real run that ``auto`` needs (torch makes a shape from values) is
    refused with :class:`TraceBudgetError` when its buffers' copies and activations would pass
    ``budget`` bytes.
    """
    if method not in METHODS:
        raise UnreadableValueError(
            words(
                "{given} is not one of {methods}.",
                given=f"method={method!r}",
                methods=enumerated(map(repr, METHODS)),
            ),
            hint=words("Try {fix}.", fix="method='auto'"),
        )
    from lstmshape.proof import import_torch

    with _quiet():
        torch = import_torch()
        if not isinstance(model, torch.nn.Module):
            raise _not_a_module(model)
        ran = run_forward(torch, model, args, dict(kwargs or {}), method, budget=budget)
    return _trace(torch, model, args, kwargs or {}, ran)


@contextmanager
def _quiet() -> Iterator[None]:
    """torch's warnings and fake-tensor logs are not for the user: the trace says what matters."""
    logger = logging.getLogger("torch._subclasses.fake_tensor")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _trace(
    torch: Any, model: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any], ran: Ran
) -> Trace:
    recorder: Recorder = ran.recorder
    return Trace(
        model=type(model).__name__,
        inputs=tuple(
            [_described(a) for a in args] + [f"{k}={_described(v)}" for k, v in kwargs.items()]
        ),
        method=ran.method,
        how=ran.how,
        torch_version=str(torch.__version__),
        recurrent=tuple((path, type(m).__name__) for path, m in recorder.recurrent),
        calls=tuple(recorder.calls),
        failure=ran.failure,
    )


def _described(value: Any) -> str:
    """An example input as the trace lists it: ``(8, 5) int64``, or its type."""
    from lstmshape.commands.trace.received import dtype_name, is_packed, lengths_of
    from lstmshape.i18n.text import format_shape, short_list

    if is_packed(value):
        lengths = lengths_of(value.batch_sizes.tolist(), value.unsorted_indices)
        data = f"{format_shape(tuple(int(s) for s in value.data.shape))} {dtype_name(value.data)}"
        return tr(
            "packed: data {data}, lengths {lengths}", data=data, lengths=short_list(tuple(lengths))
        )
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"{format_shape(tuple(int(s) for s in value.shape))} {dtype_name(value)}"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(_described(v) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    if isinstance(value, dict):  # a dict of tensors, as pytorch-forecasting's x
        return "{" + ", ".join(f"{k}: {_described(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (int, float, bool, str)) or value is None:
        return repr(value)
    if dataclasses.is_dataclass(value):
        fields = (
            f"{f.name}={_described(getattr(value, f.name))}" for f in dataclasses.fields(value)
        )
        return f"{type(value).__name__}({', '.join(fields)})"
    return type(value).__name__


def _not_a_module(model: object) -> UnreadableValueError:
    what = (
        tr("the class {name} itself", name=model.__name__)
        if isinstance(model, type)
        else type(model).__name__
    )
    return UnreadableValueError(
        words("lstmshape.trace runs a torch.nn.Module's forward pass; got {what}.", what=what),
        subject="model",
        hint=words(
            "Try {call} with the model built, e.g. {example}.",
            call="lstmshape.trace(model, example_input)",
            example="Model(...)",
        ),
    )


__all__ = ["METHODS", "trace_model"]
