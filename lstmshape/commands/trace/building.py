"""A model from the user's factory, built and traced on inputs made from shapes.

The factory is called on fake tensors (FakeTensorMode): its parameters take no memory, so a model of
any size builds and traces in seconds. A factory that reads a value while building (``.item()``),
which fake tensors do not carry, is built for real instead, under a guard that stops before the
budget. When torch needs values to know a shape (pack_padded_sequence), or the shape-only run fails
and torch's own sentence is wanted, the model runs for real: only if the model's tensors, the
inputs and the activations the shape-only run counted fit in the budget; a real run that is needed
and does not fit is refused (:class:`TraceBudgetError`), never allocated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import prod
from typing import Any, NamedTuple

from lstmshape.commands.trace.budget import OverBudget, guarded, held_bytes, over_budget
from lstmshape.commands.trace.conversion import fake_conversions
from lstmshape.commands.trace.examples import made_inputs
from lstmshape.commands.trace.factory import _user_error, needs_arguments, stopped, with_article
from lstmshape.commands.trace.untouched import tensors_in
from lstmshape.errors import UnreadableValueError
from lstmshape.i18n import tr
from lstmshape.i18n.text import size_text
from lstmshape.i18n.words import words
from lstmshape.proof import DEFAULT_BUDGET_BYTES
from lstmshape.results.trace import Trace

Shape = tuple[int, ...]
Inputs = Sequence[tuple[Shape, str]]


class Built(NamedTuple):
    """The model, and why it was built for real if it was: the operation that read a value, or
    the failure on fake tensors."""

    model: Any
    reads: str | None = None
    fails: str | None = None

    @property
    def real(self) -> bool:
        """Whether the model was built for real (its tensors hold values)."""
        return self.reads is not None or self.fails is not None


def trace_factory(
    factory: Callable[[], Any],
    inputs: Inputs,
    *,
    reference: str = "",
    seed: int = 0,
    budget: int = DEFAULT_BUDGET_BYTES,
    make_inputs: Callable[..., Any] | None = None,
    inputs_reference: str = "",
) -> Trace:
    """Build the model with ``factory()`` (``reference``, ``PACKAGE.MODULE:FACTORY``, names it) on
    fake tensors and trace it on inputs of the given shapes and dtypes; for real when torch needs
    values, within ``budget`` bytes. With ``make_inputs`` (``inputs_reference`` names it), the
    inputs are what it returns, given the shapes: a tuple is forward's arguments, anything else
    its one argument."""
    from torch._subclasses.fake_tensor import FakeTensorMode

    from lstmshape.commands.trace import _quiet
    from lstmshape.proof import import_torch

    with _quiet():
        torch = import_torch()
        mode = FakeTensorMode(allow_non_fake_inputs=True)
        built = _build(torch, factory, reference, mode, budget, seed)
        if make_inputs is None:
            with mode:
                fake = tuple(
                    torch.empty(shape, dtype=getattr(torch, dtype)) for shape, dtype in inputs
                )
            examples = Examples(fake, _input_bytes(torch, inputs), None)
        else:
            shapes = [s for s, _ in inputs]
            made = made_inputs(torch, make_inputs, inputs_reference, shapes, seed, budget)
            examples = Examples(made, held_bytes(tensors_in(torch, made)), made)
        try:
            return _traced(torch, factory, reference, built, examples, inputs, seed, budget)
        except (SystemExit, KeyboardInterrupt) as stop:  # sys.exit(0) must not pass for a trace
            doing = tr("running {model}'s forward pass", model=type(built.model).__name__)
            raise stopped(doing, stop) from None


class Examples(NamedTuple):
    """The example inputs of the shape-only run, their bytes, and those of the real run when
    they are made already (by the user's inputs function)."""

    shape_only: tuple[Any, ...]
    bytes: int
    real: tuple[Any, ...] | None


def _traced(
    torch: Any,
    factory: Callable[[], Any],
    reference: str,
    built: Built,
    examples: Examples,
    inputs: Inputs,
    seed: int,
    budget: int,
) -> Trace:
    """The shape-only run, then the real one if torch needs values or the shape-only run failed
    (within the budget)."""
    from lstmshape.commands.trace import _trace
    from lstmshape.commands.trace.run import (
        FAKE_MODEL,
        for_torchs_words,
        no_rerun,
        only_real,
        real_run,
        run_forward,
        said,
        then,
    )

    fake = examples.shape_only
    ran = run_forward(torch, built.model, fake, {}, "shape-only")
    shape_only = _built_for_real(built, reference) if built.real else said(FAKE_MODEL)
    if ran.needs_data is None and not for_torchs_words(ran.failure):
        return _trace(torch, built.model, fake, {}, ran._replace(how=shape_only))
    model_bytes = held_bytes([*built.model.parameters(), *built.model.buffers()])
    needed = model_bytes + examples.bytes + ran.made
    if needed > budget:
        if ran.needs_data is None:  # a failure: said in the shape-only kernel's words
            how = then(shape_only, no_rerun(needed, budget))
            return _trace(torch, built.model, fake, {}, ran._replace(how=how))
        parts = _parts(model_bytes, examples.bytes, ran.made)
        raise over_budget(needed, budget, only_real(ran.needs_data), parts, command=True)
    model = built.model if built.real else _real(torch, factory, reference, seed)
    made = examples.real
    if made is None:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            made = tuple(_made(torch, shape, dtype) for shape, dtype in inputs)
    held = model_bytes + examples.bytes
    how = _real_how(ran, built, seed, made=examples.real is not None)
    real = real_run(torch, model, (made, {}), ran, how, shape_only, budget, command=True, held=held)
    if real.method != "real":  # stopped at the budget: the shape-only run, on fake inputs
        return _trace(torch, built.model, fake, {}, real)
    return _trace(torch, model, made, {}, real)


def _build(
    torch: Any, factory: Callable[[], Any], reference: str, mode: Any, budget: int, seed: int
) -> Built:
    """The model on fake tensors; for real (within the budget) when the factory reads a value, or
    fails on fake tensors: a failure is the user's only if the real build fails too."""
    from torch._subclasses import fake_tensor

    reading = (fake_tensor.DataDependentOutputException, fake_tensor.DynamicOutputShapeException)
    try:
        with mode, fake_conversions(torch, mode):
            return Built(_called(torch, factory, reference, reading))
    except _ReadsValue as read:
        built = Built(None, reads=read.operation)
    except _FailsOnFakes as failed:
        built = Built(None, fails=failed.text)
    guard = guarded(torch, budget)
    try:
        return built._replace(model=_real(torch, factory, reference, seed, guard))
    except OverBudget as over:
        why = (
            tr(
                "{factory} reads a value while building the model ({operation}), which "
                "shape-only tensors do not carry, so it must be built for real.",
                factory=reference or tr("The factory"),
                operation=built.reads,
            )
            if built.reads is not None
            else tr(
                "{factory} fails on fake tensors ({error}), so it must be built for real to know "
                "whether it fails there too.",
                factory=reference or tr("The factory"),
                error=built.fails,
            )
        )
        parts = tr("Its tensors alone pass the budget: building stopped before allocating them.")
        raise over_budget(over.needed, budget, why, parts, command=True, inputs=False) from None


class _FailsOnFakes(Exception):
    """The factory raised while building on fake tensors: built for real, it may not."""

    def __init__(self, error: BaseException) -> None:
        first = (str(error).strip().splitlines() or [""])[0]
        self.text = f"{type(error).__name__}: {first}" if first else type(error).__name__
        super().__init__(self.text)


class _ReadsValue(Exception):
    """The factory read a value of a fake tensor while building (a shape-only build cannot)."""

    def __init__(self, operation: str) -> None:
        super().__init__(operation)
        self.operation = operation


def _real(
    torch: Any, factory: Callable[[], Any], reference: str, seed: int, guard: Any = None
) -> Any:
    """The model built for real, its parameters drawn from ``seed`` (the caller's random state
    kept), under ``guard`` if given."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if guard is None:
            return _called(torch, factory, reference)
        with guard:
            return _called(torch, factory, reference)


def _called(
    torch: Any,
    factory: Callable[[], Any],
    reference: str,
    reading: tuple[type[BaseException], ...] = (),
) -> Any:
    """``factory()``, in eval mode; the user's error as theirs. On fake tensors (``reading``
    given), a failure is :class:`_FailsOnFakes`: the real build says whose it is."""
    name = reference.partition(":")[2] or getattr(factory, "__qualname__", repr(factory))
    try:
        model = factory()
    except reading as error:  # a value read on fake tensors: not the user's fault
        raise _ReadsValue(str(getattr(error, "func", error))) from None
    except Exception as error:  # the user's factory raised: their bug, with its traceback
        called = needs_arguments(reference, error)
        if called is None and reading:
            raise _FailsOnFakes(error) from None
        raise called or _user_error(tr("{name}() failed in your code", name=name), error) from None
    except (SystemExit, KeyboardInterrupt) as stop:  # sys.exit(0) must not pass for a trace
        raise stopped(tr("building the model with {factory}()", factory=name), stop) from None
    if not isinstance(model, torch.nn.Module):
        raise UnreadableValueError(
            words(
                "{factory}() returned {what}, not a torch.nn.Module.",
                factory=reference.partition(":")[2] or getattr(factory, "__qualname__", "factory"),
                what=with_article(type(model).__name__),
            ),
            hint=words(
                "Try a factory that returns the model (its class, or a function that builds it)."
            ),
            subject="factory",
        )
    return model.eval()


def _made(torch: Any, shape: Shape, dtype: str) -> Any:
    """An input: ones for integer and bool dtypes (a valid index for any embedding, a length of
    every step), random normal numbers for floating ones."""
    kind = getattr(torch, dtype)
    if kind.is_floating_point:
        return torch.randn(shape, dtype=kind)
    return torch.ones(shape, dtype=kind)


def _input_bytes(torch: Any, inputs: Inputs) -> int:
    return sum(prod(shape) * int(getattr(torch, dtype).itemsize) for shape, dtype in inputs)


def _parts(model: int, inputs: int, made: int) -> str:
    return tr(
        "The model's tensors hold {model}, the inputs {inputs}, and the shape-only run made up to "
        "{made} of activations before it stopped.",
        model=size_text(model),
        inputs=size_text(inputs),
        made=size_text(made),
    )


def _built_for_real(built: Built, reference: str) -> str:
    """How a shape-only run on a model built for real went."""
    if built.fails is not None:
        return tr(
            "shape-only: {factory} fails on fake tensors ({error}) but not on real ones, so it "
            "was built for real ({size}); it ran on fake inputs (FakeTensorMode), so every shape "
            "is torch's own and the forward pass allocated and computed nothing.",
            factory=reference or tr("the factory"),
            error=built.fails,
            size=size_text(held_bytes([*built.model.parameters(), *built.model.buffers()])),
        )
    return tr(
        "shape-only: {factory} reads a value while building the model ({operation}), which fake "
        "tensors do not carry, so it was built for real ({size}); it ran on fake inputs "
        "(FakeTensorMode), so every shape is torch's own and the forward pass allocated and "
        "computed nothing.",
        factory=reference or tr("the factory"),
        operation=built.reads,
        size=size_text(held_bytes([*built.model.parameters(), *built.model.buffers()])),
    )


def _real_how(ran: Any, built: Built, seed: int, *, made: bool = False) -> str:
    from lstmshape.commands.trace.run import REAL, needs_values, said

    because = (
        needs_values(ran.needs_data)
        if ran.needs_data is not None
        else tr(
            "the shape-only run failed, and torch's sentence for a failure is its real kernel's "
            "(a shape-only kernel words some differently)."
        )
    )
    if built.reads is not None:
        built_as = tr(
            "the model was built for real already (its factory reads a value while building: "
            "{operation})",
            operation=built.reads,
        )
    elif built.fails is not None:
        built_as = tr(
            "the model was built for real already (its factory fails on fake tensors: {error})",
            error=built.fails,
        )
    else:
        built_as = tr("the model was built for real")
    if made:
        return tr(
            "{real}: {because} So {built} and ran on the inputs your function made.",
            real=said(REAL),
            because=because,
            built=built_as,
        )
    return tr(
        "{real}: {because} So {built} and ran on inputs of ones (integers) or random numbers "
        "(floats, seed {seed}).",
        real=said(REAL),
        because=because,
        built=built_as,
        seed=seed,
    )
