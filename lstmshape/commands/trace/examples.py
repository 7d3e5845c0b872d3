"""Example inputs made by the user's own function (``--inputs PACKAGE.MODULE:FUNCTION``): forward's
arguments as the model takes them, a tuple state, a dict of tensors (pytorch-forecasting's ``x``),
a dataclass, a list of objects.

The function is given the shapes of ``--input``, one argument each (none without ``--input``: its
defaults), and called once, for real, under the budget's guard; its random numbers are drawn
from a seed and the caller's random state is kept. It returns forward's arguments: a tuple is
the arguments, anything else the one argument. The shape-only run gives the model fake copies of
the tensors it can see and the rest as they are; whatever a run writes on them is put back
(:mod:`lstmshape.commands.trace.untouched`), so the real run, if one follows, gets them as they were.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from typing import Any

from lstmshape.commands.trace.budget import OverBudget, guarded, over_budget
from lstmshape.commands.trace.factory import UserCodeError, _not_users, _user_error, stopped
from lstmshape.i18n import tr
from lstmshape.i18n.words import Arg, words

Shape = tuple[int, ...]


def made_inputs(
    torch: Any,
    function: Callable[..., Any],
    reference: str,
    shapes: Sequence[Shape],
    seed: int,
    budget: int,
) -> tuple[Any, ...]:
    """forward's arguments, as ``function(*shapes)`` makes them (a tuple: the arguments)."""
    name = reference.partition(":")[2] or getattr(function, "__qualname__", repr(function))
    guard = guarded(torch, budget)
    try:
        with torch.random.fork_rng(devices=[]), guard:
            torch.manual_seed(seed)
            value = function(*shapes)
    except OverBudget as over:
        why = tr("{function} makes the example inputs for real.", function=name)
        parts = tr("Its tensors alone pass the budget: they were stopped before allocating them.")
        raise over_budget(over.needed, budget, why, parts, command=True) from None
    except Exception as error:  # the user's function raised: their bug, with its traceback
        raise _wrong_arguments(name, shapes, error) or _user_error(
            tr("{name}() failed in your code", name=name), error
        ) from None
    except (SystemExit, KeyboardInterrupt) as stop:  # sys.exit(0) must not pass for a trace
        raise stopped(tr("making the inputs with {function}()", function=name), stop) from None
    return value if isinstance(value, tuple) else (value,)


def _wrong_arguments(
    name: str, shapes: Sequence[Shape], error: BaseException
) -> UserCodeError | None:
    """The function could not take the shapes it was given (a TypeError at the call itself)."""
    if not isinstance(error, TypeError):
        return None
    frames = traceback.extract_tb(error.__traceback__)
    if any(not frame.filename.startswith(_not_users()) for frame in frames):
        return None
    given = ", ".join(repr(tuple(shape)) for shape in shapes)
    return UserCodeError(
        words("{call} failed: {error}", call=f"{name}({given})", error=str(error)),
        details=[
            words(
                "lstmshape calls it with the shapes given with {input}, one argument each, as "
                "tuples of ints.",
                input=Arg("input"),
            )
        ],
        hint=words(
            "Try one {input} for each parameter of {name}, or none for its defaults.",
            input=Arg("input"),
            name=f"{name}()",
        ),
        traceback_lines=(),
        subject="inputs",
    )
