"""lstmshape: the shapes of PyTorch's nn.LSTM, explained, validated with torch's rules, proven by torch.

The public API imports nothing heavy: torch is loaded only by :func:`verify`.
"""

from lstmshape.cost import DTYPES, Cost, cost_of
from lstmshape.errors import (
    ExpectationError,
    InvalidModuleError,
    LstmShapeError,
    TensorMismatchError,
    TorchNotInstalledError,
    UnreadableValueError,
    VerificationError,
    VerifyBudgetError,
)
from lstmshape.instance import assert_shapes, explain_module, spec_of_module
from lstmshape.report import Report
from lstmshape.shapes import explain, explain_spec, state_shapes
from lstmshape.spec import ModuleSpec, Parameter

__version__ = "0.1.0"


def verify(report: Report, *, seed: int = 0, budget: int | None = None) -> Report:
    """Run ``report``'s module in torch and return the report with ``verification`` filled in.

    Real tensors up to ``budget`` bytes (default 1 GiB), shape-only (fake) tensors beyond; the
    verification says which ran, at what sizes, and why any size was made smaller.
    """
    from lstmshape.proof import verify as _verify

    if budget is None:
        return _verify(report, seed=seed)
    return _verify(report, seed=seed, budget=budget)


__all__ = [
    "DTYPES",
    "Cost",
    "ExpectationError",
    "InvalidModuleError",
    "LstmShapeError",
    "ModuleSpec",
    "Parameter",
    "Report",
    "TensorMismatchError",
    "TorchNotInstalledError",
    "UnreadableValueError",
    "VerificationError",
    "VerifyBudgetError",
    "__version__",
    "assert_shapes",
    "cost_of",
    "explain",
    "explain_module",
    "explain_spec",
    "spec_of_module",
    "state_shapes",
    "verify",
]
