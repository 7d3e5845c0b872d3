"""The forward pass of a trace: shape-only (fake tensors), on the meta device, or real.

torch is passed in by the caller; nothing here imports it at module level.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from typing import Any, NamedTuple

import lstmshape
from lstmshape.model.trace import TraceFailure
from lstmshape.tracing.failure import failure_of
from lstmshape.tracing.hooks import Recorder
from lstmshape.tracing.kept import kept

_LSTMSHAPE_DIR = os.path.dirname(lstmshape.__file__) + os.sep

SHAPE_ONLY = (
    "shape-only: fake tensors (FakeTensorMode) stood for the model's parameters, buffers and "
    "inputs, so every shape is torch's own and nothing was allocated or computed; the model's "
    "own tensors were not touched."
)
FAKE_MODEL = (
    "shape-only: the model was built on fake tensors (FakeTensorMode) and ran on fake inputs, so "
    "every shape is torch's own and nothing was allocated or computed."
)
META = (
    "meta: the model's tensors are on the meta device (shapes, no data), so the forward pass ran "
    "there, the inputs moved there too: every shape is torch's own, nothing was allocated."
)
REAL = (
    "real: the forward pass ran on the example inputs (gradients off, the buffers copied so that "
    "running statistics stay as they were, the random state restored)"
)


class Ran(NamedTuple):
    """One forward pass done: the hooks' record, which way it ran, and its failure if any."""

    recorder: Recorder
    method: str
    how: str
    failure: TraceFailure | None
    needs_data: str | None = None
    """Set when a shape-only run stopped at an operation whose output shape depends on values:
    the operation's name."""


def run_forward(
    torch: Any, model: Any, args: tuple[Any, ...], kwargs: dict[str, Any], method: str
) -> Ran:
    """Run ``model(*args, **kwargs)`` with hooks on its recurrent layers, as ``method`` says."""
    from torch._guards import detect_fake_mode

    owned = [*model.parameters(), *model.buffers()]
    mode = detect_fake_mode(owned + list(_tensors(torch, (args, kwargs))))
    if mode is not None:  # the model is fake already (the command line builds it so)
        return _run(torch, model, _in_mode(torch, mode, model, args, kwargs), True, FAKE_MODEL)
    if any(t.is_meta for t in owned):
        moved = torch.utils._pytree.tree_map_only(
            torch.Tensor, lambda t: t.to("meta"), (args, kwargs)
        )
        return _run(torch, model, _plain(torch, model, *moved), True, META, "meta")
    if method == "real":
        return _run(
            torch, model, _real(torch, model, args, kwargs), False, f"{REAL}, as asked.", "real"
        )
    shaped = _run(torch, model, _fake(torch, model, args, kwargs), True, SHAPE_ONLY)
    why = _why_real(torch, shaped, model, (args, kwargs)) if method == "auto" else None
    if why is None:
        return shaped
    return _run(torch, model, _real(torch, model, args, kwargs), False, f"{REAL}, {why}", "real")


def _why_real(torch: Any, shaped: Ran, model: Any, inputs: Any) -> str | None:
    """Why a shape-only run is followed by a real one, if it is."""
    if shaped.needs_data is not None:
        return (
            f"since shape-only tensors carry no values and {shaped.needs_data} makes its shape "
            "from them (pack_padded_sequence's batch_sizes are the lengths)."
        )
    if shaped.failure is None:
        return None
    held = [*model.parameters(), *model.buffers(), *_tensors(torch, inputs)]
    if sum(t.numel() * t.element_size() for t in held) > REAL_RERUN_BYTES:
        return None
    return (
        "since the shape-only run failed: torch's sentence for a failure is its real kernel's "
        "(a shape-only kernel words some differently)."
    )


# A failed shape-only run is run again for real (for torch's own sentence) when the model's
# tensors and the inputs hold at most this many bytes.
REAL_RERUN_BYTES = 1024**3


Forward = Callable[[], Any]


def _run(
    torch: Any,
    model: Any,
    forward: Forward,
    shape_only: bool,
    how: str,
    method: str = "shape-only",
) -> Ran:
    recorder = Recorder(torch, model, shape_only=shape_only)
    failure = None
    needs = None
    try:
        with recorder.attached():
            forward()
    except Exception as error:  # the user's model failed: that is what the trace explains
        if _raised_by_lstmshape(error):
            raise
        needs = _needs_data(torch, error) if shape_only else None
        failure = failure_of(error, recorder)
    if recorder.bugs:
        raise recorder.bugs[0]
    return Ran(recorder, method, how, failure, needs)


def _raised_by_lstmshape(error: BaseException) -> bool:
    """Whether the innermost frame is lstmshape's own code: a bug to show, never the model's."""
    frames = list(traceback.walk_tb(error.__traceback__))
    return bool(frames) and frames[-1][0].f_code.co_filename.startswith(_LSTMSHAPE_DIR)


def _needs_data(torch: Any, error: BaseException) -> str | None:
    """The operation a shape-only run cannot shape without values, if that is why it stopped."""
    from torch._subclasses import fake_tensor

    needs = (fake_tensor.DynamicOutputShapeException, fake_tensor.DataDependentOutputException)
    if isinstance(error, needs):
        return str(error.func) if hasattr(error, "func") else str(error)
    return None


def _tensors(torch: Any, tree: Any) -> list[Any]:
    leaves: list[Any] = torch.utils._pytree.tree_leaves(tree)
    return [leaf for leaf in leaves if isinstance(leaf, torch.Tensor)]


def _in_mode(
    torch: Any, mode: Any, model: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Forward:
    def forward() -> Any:
        with mode, torch.no_grad(), kept(model):
            return model(*args, **kwargs)

    return forward


def _plain(torch: Any, model: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Forward:
    def forward() -> Any:
        with torch.no_grad(), kept(model):
            return model(*args, **kwargs)

    return forward


def _fake(torch: Any, model: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Forward:
    """The forward pass on fake copies of the model's tensors and of the inputs: the model's own
    tensors are only read for their shapes, dtypes and devices."""
    from torch._subclasses.fake_tensor import FakeTensorMode

    mode = FakeTensorMode(allow_non_fake_inputs=True)
    fake_args, fake_kwargs = _faked(torch, mode, (args, kwargs))

    def forward() -> Any:
        stand_ins = kept(model, parameters=mode.from_tensor, buffers=mode.from_tensor)
        with stand_ins, mode, torch.no_grad():
            return model(*fake_args, **fake_kwargs)

    return forward


def _faked(torch: Any, mode: Any, inputs: Any) -> Any:
    """Fake copies of the inputs' tensors; a PackedSequence's batch_sizes and indices stay real:
    they are the lengths, values the shapes come from, and known already."""
    from torch.nn.utils.rnn import PackedSequence

    def faked(leaf: Any) -> Any:
        if isinstance(leaf, PackedSequence):
            return leaf._replace(data=mode.from_tensor(leaf.data))
        return mode.from_tensor(leaf) if isinstance(leaf, torch.Tensor) else leaf

    return torch.utils._pytree.tree_map(
        faked, inputs, is_leaf=lambda leaf: isinstance(leaf, PackedSequence)
    )


def _real(torch: Any, model: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Forward:
    """The forward pass on the example inputs; the buffers copied, so that a BatchNorm's running
    statistics stay as they were, and the random state restored after it."""

    def copied(buffer: Any) -> Any:
        return buffer.detach().clone()

    def forward() -> Any:
        with torch.random.fork_rng(devices=[]), torch.no_grad(), kept(model, buffers=copied):
            return model(*args, **kwargs)

    return forward
