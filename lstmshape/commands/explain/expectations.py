"""Shapes the user expects, compared with the computed ones."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n.words import words
from lstmshape.reading.names import did_you_mean, tensor_name
from lstmshape.reading.python_values import shape_of
from lstmshape.results.report import Expectation, Report
from lstmshape.torchfacts.parameters import parameter_named

Shape = tuple[int, ...]
Expected = Mapping[str, Any] | Iterable[tuple[str, Any]]
"""Expected shapes: a mapping of tensor names to shapes, or (name, shape) pairs."""


def read_expected(expect: Expected | None) -> tuple[tuple[str, Shape], ...]:
    """The expected shapes as (name, shape) pairs, names in torch's spelling (``hn`` is h_n)."""
    if not expect:
        return ()
    if isinstance(expect, Mapping):
        pairs: Iterable[Any] = expect.items()
    elif isinstance(expect, Iterable) and not isinstance(expect, (str, bytes)):
        pairs = expect
    else:
        raise _not_expected(expect)
    read = []
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            raise _not_expected(expect)
        name, shape = pair
        read.append((tensor_name(name), shape_of(shape, f"expect.{tensor_name(name)}")))
    return tuple(read)


def _not_expected(expect: object) -> UnreadableValueError:
    return UnreadableValueError(
        words("{given} is not a mapping of tensor names to shapes.", given=f"expect={expect!r}"),
        hint=words("Try {a}.", a="expect={'h_n': (2, 3, 20)}"),
    )


def with_expectations(report: Report, expect: tuple[tuple[str, Shape], ...]) -> Report:
    """The report with each expected shape compared to the computed one (repeats are all kept).
    A name is a tensor of the forward pass or a parameter of the module (``weight_ih_l0``)."""
    if not expect:
        return report
    names = tuple(t.name for t in report.tensors)
    results = []
    for name, shape in expect:
        if name in names:
            results.append(Expectation(name, shape, report.tensor(name).shape))
            continue
        parameter = parameter_named(report.spec, name)
        if parameter is None:
            raise _no_such_name(report, name, names, shape)
        results.append(Expectation(name, shape, parameter.shape, of="parameter"))
    return replace(report, expectations=tuple(results))


def _no_such_name(
    report: Report, name: str, names: tuple[str, ...], shape: Shape
) -> UnreadableValueError:
    first = [p.name for p in report.spec.parameters(range(min(report.spec.num_layers, 1)))]
    close = difflib.get_close_matches(name, [*names, *first], n=1)
    return UnreadableValueError(
        words(
            "Cannot expect a shape for {name}: this {module} has no such tensor or parameter.",
            name=repr(name),
            module=report.module,
        ),
        details=[
            words(
                "Its tensors are {tensors}; its parameters are named as {parameters} (layer 0).",
                tensors=", ".join(names),
                parameters=", ".join(first),
            )
        ],
        hint=did_you_mean(close[0] if close else None, shape),
        subject=name,
    )
