"""The forward pass of a trace: shape-only (fake tensors), on the meta device, or real.

torch is passed in by the caller; nothing here imports it at module level.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, NamedTuple

import lstmshape.commands.trace.budget as weighing
from lstmshape.commands.trace.budget import OverBudget, counting, guarded, held_bytes, over_budget
from lstmshape.commands.trace.conversion import fake_conversions
from lstmshape.commands.trace.factory import LSTMSHAPE_DIR
from lstmshape.commands.trace.failure import failure_of
from lstmshape.commands.trace.hooks import Recorder
from lstmshape.commands.trace.kept import kept
from lstmshape.commands.trace.untouched import untouched
from lstmshape.i18n import N_, tr
from lstmshape.i18n.text import size_text
from lstmshape.proof import DEFAULT_BUDGET_BYTES
from lstmshape.results.trace import TraceFailure

# Which way the forward pass ran, in words (the trace's ``how``): marked here, said with tr() in
# the language of the trace.
SHAPE_ONLY = N_(
    "shape-only: fake tensors (FakeTensorMode) stood for the model's parameters, buffers and "
    "inputs, so every shape is torch's own and nothing was allocated or computed; the model's "
    "own tensors were not touched."
)
FAKE_MODEL = N_(
    "shape-only: the model was built on fake tensors (FakeTensorMode) and ran on fake inputs, so "
    "every shape is torch's own and nothing was allocated or computed."
)
META = N_(
    "meta: the model's tensors are on the meta device (shapes, no data), so the forward pass ran "
    "there, the inputs moved there too: every shape is torch's own, nothing was allocated."
)
REAL = N_(
    "real: the forward pass ran on the example inputs (gradients off, the buffers copied so that "
    "running statistics stay as they were, the random state restored)"
)


def said(how: str) -> str:
    """One of the ways above, in the language spoken."""
    return tr(how)  # i18n: extracted where made


class Ran(NamedTuple):
    """One forward pass done: the hooks' record, which way it ran, and its failure if any."""

    recorder: Recorder
    method: str
    how: str
    failure: TraceFailure | None
    needs_data: str | None = None
    """Set when a shape-only run stopped at an operation whose output shape depends on values:
    the operation's name."""
    made: int = 0
    """The bytes of the tensors a shape-only run made (its activations, up to where it stopped):
    what a real run would allocate at most, besides the model's tensors and the inputs."""


def run_forward(
    torch: Any,
    model: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    method: str,
    *,
    budget: int = DEFAULT_BUDGET_BYTES,
) -> Ran:
    """Run ``model(*args, **kwargs)`` with hooks on its recurrent layers, as ``method`` says. A
    real run that ``auto`` needs is refused (:class:`TraceBudgetError`) past ``budget`` bytes."""
    from torch._guards import detect_fake_mode

    owned = [*model.parameters(), *model.buffers()]
    mode = detect_fake_mode(owned + list(_tensors(torch, (args, kwargs))))
    if mode is not None:  # the model or the inputs are fake already (the command line's)
        forward = _in_mode(torch, mode, model, args, kwargs)
        return _run(torch, model, forward, True, said(FAKE_MODEL), roots=(args, kwargs))
    if any(t.is_meta for t in owned):
        moved = torch.utils._pytree.tree_map_only(
            torch.Tensor, lambda t: t.to("meta"), (args, kwargs)
        )
        return _run(
            torch,
            model,
            _plain(torch, model, *moved),
            True,
            said(META),
            "meta",
            roots=(args, kwargs),
        )
    if method == "real":
        how = tr("{real}, as asked.", real=said(REAL))
        forward = _real(torch, model, args, kwargs)
        return _run(torch, model, forward, False, how, "real", roots=(args, kwargs))
    shape_only = said(SHAPE_ONLY)
    forward = _fake(torch, model, args, kwargs)
    shaped = _run(torch, model, forward, True, shape_only, roots=(args, kwargs))
    if method != "auto" or (shaped.needs_data is None and not for_torchs_words(shaped.failure)):
        return shaped
    # What a real run adds to what the user holds already: the buffers' copies and activations.
    needed = held_bytes(model.buffers()) + shaped.made
    if needed > budget:
        if shaped.needs_data is not None:
            raise over_budget(
                needed,
                budget,
                only_real(shaped.needs_data),
                _added(model, shaped),
                command=False,
            )
        return shaped._replace(how=then(shape_only, no_rerun(needed, budget)))
    how = (
        tr("{real}, since {reason}", real=said(REAL), reason=needs_values(shaped.needs_data))
        if shaped.needs_data is not None
        else tr(
            "{real}, since the shape-only run failed: torch's sentence for a failure is its real "
            "kernel's (a shape-only kernel words some differently).",
            real=said(REAL),
        )
    )
    return real_run(torch, model, (args, kwargs), shaped, how, shape_only, budget, command=False)


def for_torchs_words(failure: TraceFailure | None) -> bool:
    """Whether a failure is run again for real, for torch's own sentence: not when Python refused
    the call itself (forward given too few arguments), which a real run words the same."""
    return failure is not None and bool(failure.torch_says)


def then(first: str, second: str) -> str:
    """Two sentences of the trace's ``how``, one after the other."""
    return tr("{first} {then}", first=first, then=second)


def real_run(
    torch: Any,
    model: Any,
    inputs: tuple[tuple[Any, ...], dict[str, Any]],
    shaped: Ran,
    how: str,
    shape_only_how: str,
    budget: int,
    *,
    command: bool,
    held: int = 0,
) -> Ran:
    """The real run that the shape-only run ``shaped`` needs, stopped before what it makes passes
    ``budget`` bytes with the ``held`` ones (the model and inputs made for it). Stopped, a failure
    keeps the shape-only kernel's words; a shape made from values is refused."""
    watch = guarded(torch, budget - held)
    try:
        forward = _real(torch, model, *inputs)
        return _run(torch, model, forward, False, how, "real", watch, roots=inputs)
    except OverBudget as over:
        needed = held + over.needed
        if shaped.needs_data is None:
            return shaped._replace(how=then(shape_only_how, no_rerun(needed, budget, stopped=True)))
        raise over_budget(
            needed,
            budget,
            only_real(shaped.needs_data),
            tr(
                "The real run passed the budget after the point where the shape-only run had "
                "stopped, and was stopped there, before allocating more."
            ),
            command=command,
            stopped=True,
        ) from None


def needs_values(operation: str) -> str:
    """Why a real run is needed: ``operation`` makes a shape from values."""
    return tr(
        "shape-only tensors carry no values and {operation} makes its shape from them "
        "(pack_padded_sequence's batch_sizes are the lengths).",
        operation=operation,
    )


def only_real(operation: str) -> str:
    """Why only a real run can answer: ``operation`` makes a shape from values."""
    return tr(
        "Shape-only tensors carry no values, and {operation} makes its shape from them "
        "(pack_padded_sequence's batch_sizes are the lengths): only a real run can answer.",
        operation=operation,
    )


def no_rerun(needed: int, budget: int, *, stopped: bool = False) -> str:
    """Why a failed shape-only run was not run again for real (or was stopped)."""
    if stopped:
        return tr(
            "It failed; a real run, for torch's own sentence, passed the {budget} budget "
            "({needed} made) and was stopped, so the sentence is the shape-only kernel's.",
            needed=size_text(needed),
            budget=size_text(budget),
        )
    return tr(
        "It failed; a real run, for torch's own sentence, would need {needed}, over the {budget} "
        "budget, so the sentence is the shape-only kernel's.",
        needed=size_text(needed),
        budget=size_text(budget),
    )


def _added(model: Any, shaped: Ran) -> str:
    return tr(
        "The run would copy the model's buffers ({buffers}) and make up to {made} of activations "
        "(counted by the shape-only run, up to where it stopped).",
        buffers=size_text(held_bytes(model.buffers())),
        made=size_text(shaped.made),
    )


Forward = Callable[[Any], Any]
"""A forward pass, given the dispatch mode that counts what it makes (None: not counted)."""


def _run(
    torch: Any,
    model: Any,
    forward: Forward,
    shape_only: bool,
    how: str,
    method: str = "shape-only",
    watch: Any = None,
    *,
    roots: tuple[Any, ...] = (),
) -> Ran:
    """One forward pass with the hooks on. A shape-only pass counts what it makes; ``watch`` (a
    budget's guard) watches a real one. The model and ``roots`` (its inputs), and everything they
    reach, are as they were after it."""
    recorder = Recorder(torch, model, shape_only=shape_only)
    counter = counting(torch) if shape_only else watch
    failure = None
    needs = None
    try:
        # Whatever the forward pass writes on the model, the inputs or what they reach (a cache
        # on an input object) is put back: the user's objects are as they were.
        with untouched(model, *roots, opaque=(torch.Tensor,)), recorder.attached():
            forward(counter)
    except Exception as error:  # the user's model failed: that is what the trace explains
        if _raised_by_lstmshape(error):
            raise
        needs = _needs_data(torch, error) if shape_only else None
        failure = failure_of(error, recorder)
    if recorder.bugs:
        raise recorder.bugs[0]
    return Ran(recorder, method, how, failure, needs, 0 if counter is None else counter.bytes)


def _raised_by_lstmshape(error: BaseException) -> bool:
    """Whether the innermost frame is lstmshape's own code: a bug to show, never the model's."""
    frames = list(traceback.walk_tb(error.__traceback__))
    if not frames:
        return False
    innermost = frames[-1][0].f_code.co_filename
    # The dispatch mode that counts tensors calls torch's kernels: their errors are the model's.
    return innermost.startswith(LSTMSHAPE_DIR) and innermost != weighing.__file__


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
    def forward(counter: Any) -> Any:
        with mode, fake_conversions(torch, mode), torch.no_grad(), kept(model), counter:
            return model(*args, **kwargs)

    return forward


def _plain(torch: Any, model: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Forward:
    def forward(counter: Any) -> Any:
        with torch.no_grad(), kept(model), counter:
            return model(*args, **kwargs)

    return forward


def _fake(torch: Any, model: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Forward:
    """The forward pass on fake copies of the model's tensors and of the inputs: the model's own
    tensors are only read for their shapes, dtypes and devices."""
    from torch._subclasses.fake_tensor import FakeTensorMode

    mode = FakeTensorMode(allow_non_fake_inputs=True)
    fake_args, fake_kwargs = _faked(torch, mode, (args, kwargs))

    def forward(counter: Any) -> Any:
        stand_ins = kept(model, parameters=mode.from_tensor, buffers=mode.from_tensor)
        with stand_ins, mode, fake_conversions(torch, mode), torch.no_grad(), counter:
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

    def forward(watch: Any) -> Any:
        # The guard first: the buffers' copies count against the budget too.
        stand_ins = kept(model, buffers=copied)
        with watch or nullcontext(), torch.random.fork_rng(devices=[]), torch.no_grad(), stand_ins:
            return model(*args, **kwargs)

    return forward
