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

from lstmshape.results.contract import JSONDict


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
    """Each listed layer and direction (a deep stack's middle layers are in the totals only)."""
    weights: int
    """Elements of every weight matrix of the module: the MACs of one step of every layer."""
    biases: int
    """Elements of every bias of the module."""
    layer_directions: int
    """How many layer-directions compute: D * num_layers (1 for a cell)."""
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
        return self.weights + self.biases

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
        return self.steps * self.weights

    @property
    def flops(self) -> int:
        """2 x MACs: a multiply and an add each."""
        return 2 * self.macs

    @property
    def bias_additions(self) -> int:
        """Additions of b_ih and b_hh (0 with bias=False)."""
        return self.steps * self.biases

    @property
    def elementwise_per_step(self) -> int:
        """Element-wise operations of one step of one layer and direction."""
        return sum(per_unit for _, per_unit in self.elementwise) * self.units

    @property
    def elementwise_operations(self) -> int:
        """Element-wise gate work of the whole forward pass."""
        return self.steps * self.layer_directions * self.elementwise_per_step

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
                "layer_directions": self.layer_directions,
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
