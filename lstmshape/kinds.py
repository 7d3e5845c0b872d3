"""The recurrent module family as data: what differs between members is a row here, not a branch.

Gate counts and names are torch's: nn.LSTM stacks W_ii|W_if|W_ig|W_io into weight_ih, so weight_ih has
gates * hidden_size rows. GRU (3 gates), RNN (1) and the cells join as further rows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModuleKind:
    """One member of torch's recurrent family."""

    name: str
    """torch's class name, as in ``torch.nn.LSTM``."""
    gates: int
    """G: gates per cell; weight_ih_l{k} and weight_hh_l{k} have G*H_cell rows."""
    gate_names: tuple[str, ...]
    """The gates stacked in that order along weight_ih's first axis."""
    has_cell_state: bool
    """Whether there is a cell state c (c_0 in, c_n out) besides h."""
    supports_proj_size: bool
    """Whether proj_size > 0 is allowed."""

    @property
    def state_names(self) -> tuple[str, ...]:
        """The initial states the forward pass takes, in torch's order."""
        return ("h_0", "c_0") if self.has_cell_state else ("h_0",)

    @property
    def final_names(self) -> tuple[str, ...]:
        """The final states the forward pass returns after output, in torch's order."""
        return ("h_n", "c_n") if self.has_cell_state else ("h_n",)

    @property
    def tensor_names(self) -> tuple[str, ...]:
        """Every tensor of a forward pass: what it takes, then what it returns."""
        return ("input", *self.state_names, "output", *self.final_names)


LSTM = ModuleKind(
    name="LSTM",
    gates=4,
    gate_names=("input", "forget", "cell", "output"),
    has_cell_state=True,
    supports_proj_size=True,
)

KINDS: dict[str, ModuleKind] = {kind.name: kind for kind in (LSTM,)}
