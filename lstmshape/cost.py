"""The cost of a configuration: parameters, memory, and the work of one forward pass. Pure.

Counters disagree on an LSTM's multiply-accumulates because they count different things, so the
convention is spelled out and each part is its own figure:

- matrix multiplies: every weight matrix meets one vector per step, so one step of one layer and
  direction costs exactly that layer's weight count in MACs. This is the main figure; FLOPs are
  2 x MACs. torch's own FlopCounterMode counts exactly these FLOPs.
- bias additions: one per bias element per step (b_ih and b_hh are both added).
- element-wise gate work: the sums, products and activations of the cell's equations, one operation
  per element (kinds.ModuleKind.elementwise).

A step is one time step of one sequence: L*N of them for a batch, sum(lengths) packed (padding is not
computed), L unbatched, N for a cell's single step.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

from lstmshape.report import JSONDict, Report

# Bytes per element of the floating dtypes torch's recurrent modules take.
DTYPES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8}
# batch_sizes (and a PackedSequence's sorted_indices) are int64 whatever the module's dtype.
_INDEX_DTYPE = ("int64", 8)


@dataclass(frozen=True)
class LayerCost:
    """The parameters of one layer in one direction, and the matrix work they do per step."""

    layer: int
    direction: str
    weights: int
    """Elements of the weight matrices: the MACs of one step."""
    biases: int
    """Elements of the biases: the additions of one step."""

    @property
    def parameters(self) -> int:
        """Every parameter of this layer and direction."""
        return self.weights + self.biases


@dataclass(frozen=True)
class TensorBytes:
    """The memory of one tensor of the forward pass."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    nbytes: int
    returned: bool
    """Whether the forward pass returns it (padded_output is pad_packed_sequence's, not forward's)."""


@dataclass(frozen=True)
class Cost:
    """What one configuration costs in a given dtype."""

    dtype: str
    itemsize: int
    layers: tuple[LayerCost, ...]
    tensors: tuple[TensorBytes, ...]
    steps: int
    """Steps each layer and direction computes."""
    steps_formula: str
    elementwise: tuple[tuple[str, int], ...]
    """(what, operations per step) of one layer and direction."""
    units: int
    """hidden_size: the element-wise work is per unit."""
    torchinfo_axes: tuple[int, ...]
    """The axes torchinfo multiplies the parameter count by (the first two of forward's first result)."""
    torchinfo_formula: str

    @property
    def num_parameters(self) -> int:
        """Every parameter of the module."""
        return sum(layer.parameters for layer in self.layers)

    @property
    def parameter_bytes(self) -> int:
        """The parameters' memory in this dtype."""
        return self.num_parameters * self.itemsize

    @property
    def returned_bytes(self) -> int:
        """The memory of everything the forward pass returns."""
        return sum(t.nbytes for t in self.tensors if t.returned)

    @property
    def macs(self) -> int:
        """Multiply-accumulates of the matrix multiplies: the main figure."""
        return self.steps * sum(layer.weights for layer in self.layers)

    @property
    def flops(self) -> int:
        """2 x MACs: a multiply and an add each."""
        return 2 * self.macs

    @property
    def bias_additions(self) -> int:
        """Additions of b_ih and b_hh (0 with bias=False)."""
        return self.steps * sum(layer.biases for layer in self.layers)

    @property
    def elementwise_per_step(self) -> int:
        """Element-wise operations of one step of one layer and direction."""
        return sum(per_unit for _, per_unit in self.elementwise) * self.units

    @property
    def elementwise_operations(self) -> int:
        """Element-wise gate work of the whole forward pass."""
        return self.steps * len(self.layers) * self.elementwise_per_step

    @property
    def torchinfo_macs(self) -> int:
        """What torchinfo's summary reports as Mult-Adds: parameters x those axes."""
        return self.num_parameters * prod(self.torchinfo_axes)

    def to_dict(self) -> JSONDict:
        """JSON view, under the report's ``"cost"`` key."""
        return {
            "dtype": self.dtype,
            "itemsize": self.itemsize,
            "parameters": {
                "count": self.num_parameters,
                "bytes": self.parameter_bytes,
                "per_layer": [
                    {
                        "layer": layer.layer,
                        "direction": layer.direction,
                        "count": layer.parameters,
                        "bytes": layer.parameters * self.itemsize,
                        "macs": self.steps * layer.weights,
                    }
                    for layer in self.layers
                ],
            },
            "memory": {
                "tensors": {
                    t.name: {
                        "shape": list(t.shape),
                        "dtype": t.dtype,
                        "bytes": t.nbytes,
                        "returned": t.returned,
                    }
                    for t in self.tensors
                },
                "returned_bytes": self.returned_bytes,
            },
            "work": {
                "steps": self.steps,
                "steps_formula": self.steps_formula,
                "macs": self.macs,
                "flops": self.flops,
                "bias_additions": self.bias_additions,
                "elementwise_operations": self.elementwise_operations,
                "elementwise_per_step": [
                    {"what": what, "operations": per_unit * self.units}
                    for what, per_unit in self.elementwise
                ],
                "torchinfo_macs": self.torchinfo_macs,
                "torchinfo_formula": self.torchinfo_formula,
            },
        }


def cost_of(report: Report, dtype: str = "float32") -> Cost:
    """The cost of ``report``'s module on its input in ``dtype`` (one of :data:`DTYPES`)."""
    if dtype not in DTYPES:
        raise KeyError(dtype)
    spec = report.spec
    itemsize = DTYPES[dtype]
    layers: dict[tuple[int, str], list[int]] = {}
    for p in report.parameters:
        counts = layers.setdefault((p.layer, p.direction), [0, 0])
        counts[0 if p.name.startswith("weight") else 1] += p.numel
    steps, steps_formula = _steps(report)
    first = _first_result(report)
    axes = report.tensor(first).shape[:2]
    return Cost(
        dtype=dtype,
        itemsize=itemsize,
        layers=tuple(
            LayerCost(layer, direction, weights, biases)
            for (layer, direction), (weights, biases) in layers.items()
        ),
        tensors=tuple(_bytes_of(t.name, t.shape, t.role, dtype) for t in report.tensors)
        + _packed_indices(report),
        steps=steps,
        steps_formula=steps_formula,
        elementwise=spec.kind.elementwise,
        units=spec.H_cell,
        torchinfo_axes=axes,
        torchinfo_formula=f"parameters × {' × '.join(map(str, axes))} ({first}'s first "
        f"{'two axes' if len(axes) == 2 else 'axis'})",
    )


def _steps(report: Report) -> tuple[int, str]:
    shape = report.input_shape
    if report.spec.kind.is_cell:
        return (shape[0], f"N = {shape[0]}, one step each") if report.batched else (1, "one step")
    if report.packing is not None:
        return report.packing.total, f"sum(lengths) = {report.packing.total}, padding skipped"
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
