"""What a real run of a traced model would allocate, known before it allocates anything.

A shape-only run counts the bytes of the tensors torch makes while they live (a view or an in-place
result makes none), and keeps the most they held at once: with the model's tensors and the inputs,
that is what a real run holds at its peak. A model built for real (its factory reads a value while building, which fake tensors
cannot give) is built under a guard that weighs each new tensor on the meta device before making
it, and stops before the budget is passed.

torch is passed in by the caller: the dispatch modes are made inside functions, nothing here
imports torch at module level.
"""

from __future__ import annotations

import weakref
from functools import cache
from typing import Any

from lstmshape.errors import TraceBudgetError
from lstmshape.i18n.text import size_text
from lstmshape.i18n.words import Arg, Text, words


class OverBudget(BaseException):
    """The guarded build would pass the budget with its next tensor. A BaseException, so that a
    factory's own ``except Exception`` cannot swallow it."""

    def __init__(self, needed: int) -> None:
        super().__init__(needed)
        self.needed = needed


def held_bytes(tensors: Any) -> int:
    """The bytes of ``tensors`` (real, fake or meta): numel times element size."""
    return sum(int(t.numel()) * int(t.element_size()) for t in tensors)


def counting(torch: Any) -> Any:
    """A dispatch mode that counts the bytes of every new storage made inside it (``.bytes``)."""
    return _modes(torch)[0]()


def guarded(torch: Any, budget: int) -> Any:
    """A dispatch mode that raises :class:`OverBudget` before a new tensor (a factory's, weighed on
    the meta device) would take the storages made inside it past ``budget`` bytes."""
    return _modes(torch)[1](budget)


@cache
def _modes(torch: Any) -> tuple[Any, Any]:
    from torch.utils._python_dispatch import TorchDispatchMode

    base: Any = TorchDispatchMode  # torch's class, untyped

    class Counting(base):  # type: ignore[misc]
        """``bytes``: the most the storages made inside it held at once."""

        def __init__(self) -> None:
            super().__init__()
            self.live = Live()

        @property
        def bytes(self) -> int:
            return self.live.peak

        def __torch_dispatch__(
            self, func: Any, types: Any, args: Any = (), kwargs: Any = None
        ) -> Any:
            out = func(*args, **(kwargs or {}))
            self.live.add(torch, func, out)
            return out

    class Guarded(Counting):
        def __init__(self, budget: int) -> None:
            super().__init__()
            self.budget = budget

        def __torch_dispatch__(
            self, func: Any, types: Any, args: Any = (), kwargs: Any = None
        ) -> Any:
            kwargs = kwargs or {}
            coming = self.live.now + _factory_bytes(torch, func, args, kwargs)
            if coming > self.budget:
                raise OverBudget(coming)
            out = func(*args, **kwargs)
            self.live.add(torch, func, out)
            if self.live.now > self.budget:
                raise OverBudget(self.live.now)
            return out

    return Counting, Guarded


class Live:
    """The storages an operation made, while a tensor on them lives: their bytes now, and the
    most at once. An operation whose result aliases its input (a view, an in-place one) makes
    none; a view of a storage made here keeps it alive."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self._held: dict[int, list[int]] = {}  # storage -> [bytes, tensors alive on it]

    def add(self, torch: Any, func: Any, out: Any) -> None:
        from torch.utils._pytree import tree_leaves

        fresh = all(r.alias_info is None for r in func._schema.returns)
        for leaf in tree_leaves(out):
            if not isinstance(leaf, torch.Tensor):
                continue
            storage = leaf.untyped_storage()
            key = storage._cdata
            if key not in self._held:
                if not fresh:
                    continue  # a view of a tensor made elsewhere (an input, a parameter)
                self._held[key] = [int(storage.nbytes()), 0]
                self.now += self._held[key][0]
                self.peak = max(self.peak, self.now)
            self._held[key][1] += 1
            weakref.finalize(leaf, self._release, key)

    def _release(self, key: int) -> None:
        held = self._held[key]
        held[1] -= 1
        if held[1] == 0:
            del self._held[key]
            self.now -= held[0]


def _factory_bytes(torch: Any, func: Any, args: Any, kwargs: Any) -> int:
    """The bytes a factory (torch.empty, zeros, ones, randn, ...) is about to make, found by
    making it on the meta device; 0 for an operation on tensors (counted once made)."""
    from torch.utils._pytree import tree_leaves

    takes_device = any(a.name == "device" for a in func._schema.arguments)
    if not takes_device or any(isinstance(a, torch.Tensor) for a in tree_leaves((args, kwargs))):
        return 0
    try:
        made = func(*args, **{**kwargs, "device": torch.device("meta")})
    except (RuntimeError, NotImplementedError):  # no meta kernel: counted once made
        return 0
    return held_bytes(leaf for leaf in tree_leaves(made) if isinstance(leaf, torch.Tensor))


def over_budget(
    needed: int,
    budget: int,
    why: str,
    parts: str,
    *,
    command: bool,
    inputs: bool = True,
    stopped: bool = False,
) -> TraceBudgetError:
    """The refusal: a real run is needed (``why``) and would hold ``needed`` bytes (``parts``);
    ``stopped``: it was stopped when it passed the budget. ``inputs``: whether smaller inputs
    would help (not for a model too large to build)."""
    if not command:
        hint: Text = words("Try smaller example inputs (fewer or shorter sequences).")
    elif inputs:
        hint = words(
            "Try a smaller {input} (fewer or shorter sequences), or a larger {budget}.",
            input=Arg("input"),
            budget=Arg("budget"),
        )
    else:
        hint = words("Try a larger {budget}.", budget=Arg("budget"))
    sizes = {"needed": size_text(needed), "budget": size_text(budget)}
    head = (
        words(
            "lstmshape trace cannot run this model for real within its budget: it passed the "
            "{budget} budget and was stopped.",
            **sizes,
        )
        if stopped
        else words(
            "lstmshape trace cannot run this model for real within its budget: it would need "
            "{needed}, over the {budget} budget.",
            **sizes,
        )
    )
    return TraceBudgetError(
        head,
        details=[why, parts],
        hint=hint,
        subject="budget",
        expected=budget,
        actual=needed,
    )
