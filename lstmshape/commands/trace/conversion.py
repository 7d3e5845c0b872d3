"""Module conversions and copies on fake tensors: ``.to(device)``, ``.float()``, ``.half()``,
``.double()``, ``copy.deepcopy(module)``.

torch converts a module whose parameters are fake tensors by swapping each parameter with its
converted copy (``torch.utils.swap_tensors``), which refuses a tensor that has a weak reference,
and FakeTensorMode keeps one to every tensor it made: so ``Model().to(device)``, or
``self.to(device)`` in ``__init__``, fails on fake tensors though it works on real ones. While a
trace builds or runs a model on fake tensors, a fake parameter is converted the way torch converts
a real one instead (``param.data = converted``: the same Parameter object, so tied weights stay
tied); every other swap is torch's own. And a deep copy of a fake tensor (``copy.deepcopy`` of a
layer, as nn.TransformerEncoder clones its layer) would be made in a fake mode of its own, which
no operation can mix with the trace's: torch's FakeCopyMode makes it in the trace's mode.

torch is passed in by the caller; nothing here imports it at module level.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def fake_conversions(torch: Any, mode: Any) -> Iterator[None]:
    """Inside the block, a module of fake tensors converts and copies as a module of real ones
    does, its copies in ``mode`` (the trace's FakeTensorMode)."""
    from torch._subclasses.fake_tensor import FakeCopyMode, FakeTensor

    utils = torch.utils
    swap = utils.swap_tensors

    def converted(t1: Any, t2: Any) -> None:
        if isinstance(t1, FakeTensor) and isinstance(t2, FakeTensor):
            with torch.no_grad():
                t1.data = t2.detach()
            return
        swap(t1, t2)

    utils.swap_tensors = converted
    try:
        with FakeCopyMode(mode):
            yield
    finally:
        utils.swap_tensors = swap
