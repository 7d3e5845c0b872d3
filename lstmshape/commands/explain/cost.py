"""The cost of a configuration, computed from its report. Pure.

The convention is the one :mod:`lstmshape.results.cost` documents: matrix-multiply MACs as the main
figure, bias additions and element-wise gate work as figures of their own.
"""

from __future__ import annotations

from math import prod

from lstmshape.i18n import speaking, tr
from lstmshape.reading.python_values import lang_argument
from lstmshape.reading.values import read_dtype
from lstmshape.results.cost import Cost, LayerCost, TensorBytes
from lstmshape.results.report import Report
from lstmshape.torchfacts.dtypes import DTYPES
from lstmshape.torchfacts.parameters import totals

# batch_sizes (and a PackedSequence's sorted_indices) are int64 whatever the module's dtype.
_INDEX_DTYPE = ("int64", 8)


def cost_of(report: Report, dtype: str = "float32", *, lang: str | None = None) -> Cost:
    """The cost of ``report``'s module on its input in ``dtype``: float32, float16, bfloat16 or
    float64, by any name the command line takes (``"torch.half"``, ``"bf16"``).

    ``lang`` (``"ja"``, ``"fr"``, ``"es"``, ``"en"``) is the language of the cost's formulas
    (``steps_formula``, ``torchinfo_formula``); by default the report's.
    """
    with speaking(lang_argument(lang) or report.lang):
        return _cost_of(report, read_dtype(dtype))


def _cost_of(report: Report, dtype: str) -> Cost:
    spec = report.spec
    itemsize = DTYPES[dtype]
    layers: dict[tuple[int, str], list[int]] = {}
    for p in report.parameters:
        counts = layers.setdefault((p.layer, p.direction), [0, 0])
        counts[0 if p.name.startswith("weight") else 1] += p.numel
    steps, steps_formula = _steps(report)
    first = _first_result(report)
    axes = report.tensor(first).shape[:2]
    weights, biases = totals(spec)
    return Cost(
        dtype=dtype,
        itemsize=itemsize,
        layers=tuple(
            LayerCost(layer, direction, layer_weights, layer_biases)
            for (layer, direction), (layer_weights, layer_biases) in layers.items()
        ),
        weights=weights,
        biases=biases,
        layer_directions=1 if spec.kind.is_cell else spec.D * spec.num_layers,
        tensors=tuple(_bytes_of(t.name, t.shape, t.role, dtype) for t in report.tensors)
        + _packed_indices(report),
        steps=steps,
        steps_formula=steps_formula,
        elementwise=spec.kind.elementwise,
        units=spec.H_cell,
        torchinfo_axes=axes,
        torchinfo_formula=_torchinfo_formula(first, axes),
    )


def _torchinfo_formula(first: str, axes: tuple[int, ...]) -> str:
    """torchinfo's Mult-Adds: the parameters times the first axes of forward's first result."""
    product = " × ".join(map(str, axes))
    if len(axes) == 2:
        return tr("parameters × {product} ({name}'s first two axes)", product=product, name=first)
    return tr("parameters × {product} ({name}'s first axis)", product=product, name=first)


def _steps(report: Report) -> tuple[int, str]:
    shape = report.input_shape
    if report.spec.kind.is_cell:
        if report.batched:
            return shape[0], tr("N = {n}, one step each", n=shape[0])
        return 1, tr("one step")
    if report.packing is not None:
        total = report.packing.total
        return total, tr("sum(lengths) = {total}, padding skipped", total=total)
    if not report.batched:
        return shape[0], f"L = {shape[0]}"
    seq, batch = (shape[1], shape[0]) if report.spec.batch_first else (shape[0], shape[1])
    return seq * batch, f"L*N = {seq}*{batch} = {seq * batch}"


def _first_result(report: Report) -> str:
    """The first tensor forward returns: output (output.data when packed), or a cell's h_1."""
    if report.spec.kind.is_cell:
        return report.spec.kind.final_names[0]
    return "output" if report.packing is None else "output.data"


def _bytes_of(name: str, shape: tuple[int, ...], role: str, dtype: str) -> TensorBytes:
    if name.endswith("batch_sizes"):
        dtype = _INDEX_DTYPE[0]
    returned = role == "output" and name != "padded_output"
    size = _INDEX_DTYPE[1] if dtype == _INDEX_DTYPE[0] else DTYPES[dtype]
    return TensorBytes(name, shape, dtype, prod(shape) * size, returned)


def _packed_indices(report: Report) -> tuple[TensorBytes, ...]:
    """An unsorted PackedSequence carries sorted_indices and unsorted_indices, (N,) int64 each, and
    the output returns the input's."""
    packing = report.packing
    if packing is None or packing.enforce_sorted:
        return ()
    dtype, size = _INDEX_DTYPE
    n = len(packing.lengths)
    return tuple(
        TensorBytes(f"output.{name}", (n,), dtype, n * size, True)
        for name in ("sorted_indices", "unsorted_indices")
    )
