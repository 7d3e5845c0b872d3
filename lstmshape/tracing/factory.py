"""A model from the user's code, ``PACKAGE.MODULE:FACTORY`` (the ``uvicorn module:app`` way), built
and traced on inputs made from shapes.

The factory is called on fake tensors (FakeTensorMode): its parameters take no memory, so a model of
any size builds and traces in seconds. When torch needs values to know a shape (pack_padded_sequence),
the model is built again for real, if its tensors fit in :data:`REAL_BUILD_BYTES`.

An error raised by the user's code (at import, or while the factory builds the model) is theirs:
:class:`UserCodeError` carries it with its traceback, never reworded as lstmshape's.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import lstmshape
from lstmshape.errors import LstmShapeError, UnreadableValueError
from lstmshape.model.trace import Trace
from lstmshape.words import Typed, words

Shape = tuple[int, ...]
# The inputs' dtypes by every name torch users write, and the one torch calls it.
INPUT_DTYPES = {
    "float32": "float32", "float": "float32", "float16": "float16", "half": "float16",
    "bfloat16": "bfloat16", "bf16": "bfloat16", "float64": "float64", "double": "float64",
    "int64": "int64", "long": "int64", "int32": "int32", "int": "int32", "int16": "int16",
    "short": "int16", "int8": "int8", "uint8": "uint8", "bool": "bool",
}  # fmt: skip
# A model built for real after a shape-only run needed values may hold up to this many bytes.
REAL_BUILD_BYTES = 1024**3
_LSTMSHAPE_DIR = os.path.dirname(lstmshape.__file__) + os.sep


class UserCodeError(LstmShapeError):
    """The user's own code raised while lstmshape imported it or called its factory: their bug,
    shown with their traceback (``traceback_lines``)."""

    exit_code = 2

    def __init__(self, message: str, *, traceback_lines: Sequence[str], **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.traceback_lines = tuple(traceback_lines)


def read_input_dtype(text: str) -> str:
    """``long`` -> ``int64``: an input's dtype by any of torch's names for it."""
    name = text.strip().lower().removeprefix("torch.")
    if name in INPUT_DTYPES:
        return INPUT_DTYPES[name]
    raise UnreadableValueError(
        words("{given} is not a dtype lstmshape can make inputs of.", given=Typed("input_dtype", text)),
        details=[f"It takes {', '.join(sorted(set(INPUT_DTYPES.values())))} (and long, int, float, "
                 "double, half)."],
        hint="Try --input-dtype long for token ids, or float32 for vectors.",
        subject="input_dtype",
    )  # fmt: skip


def load_factory(reference: str) -> Callable[[], Any]:
    """The callable named by ``PACKAGE.MODULE:FACTORY``, imported from the working folder first."""
    module_name, colon, attribute = reference.partition(":")
    if not colon or not module_name or not attribute:
        raise UnreadableValueError(
            f"{reference!r} does not name a factory: write it PACKAGE.MODULE:FACTORY.",
            details=["FACTORY is a function or a class in that module that builds the model."],
            hint="Try lstmshape trace mypackage.models:build_model --input 8,5.",
            subject="factory",
        )
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())  # as python -m and uvicorn do: the user's folder first
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name is not None and module_name.startswith(error.name):
            raise UnreadableValueError(
                f"No module named {module_name!r}, in the working folder or on sys.path.",
                hint="Try running lstmshape from the folder that holds it, or set PYTHONPATH.",
                subject="factory",
            ) from None
        raise _user_error(f"importing {module_name} failed in your code", error) from None
    except Exception as error:  # the user's module raised at import: their bug, with its traceback
        raise _user_error(f"importing {module_name} failed in your code", error) from None
    found: Any = module
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise _no_attribute(module, module_name, attribute)
        found = getattr(found, part)
    if not callable(found):
        raise UnreadableValueError(
            f"{reference} is a {type(found).__name__}, not a function or a class.",
            hint="Try the function or class that builds the model.",
            subject="factory",
        )
    return found  # type: ignore[no-any-return]


def _no_attribute(module: Any, module_name: str, attribute: str) -> UnreadableValueError:
    candidates = [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and callable(value)
        and getattr(value, "__module__", "") == module_name
    ]
    details = [f"It defines {', '.join(candidates)}."] if candidates else []
    return UnreadableValueError(
        f"{module_name} has no {attribute!r}.",
        details=details,
        hint=f"Try {module_name}:{candidates[0]}." if candidates else "Try the name of the function "
        "or class that builds the model.",
        subject="factory",
    )  # fmt: skip


def _user_error(what: str, error: BaseException) -> UserCodeError:
    """The user's exception with the frames of their code (lstmshape's and importlib's left out)."""
    caught = traceback.TracebackException.from_exception(error)
    caught.stack = traceback.StackSummary.from_list(
        [
            frame
            for frame in caught.stack
            if not frame.filename.startswith((_LSTMSHAPE_DIR, "<frozen importlib"))
        ]
    )
    lines = "".join(caught.format()).rstrip("\n").splitlines()
    return UserCodeError(
        f"{what}: {type(error).__name__}: {error}",
        details=["The traceback above is your code's, not lstmshape's."],
        traceback_lines=lines,
        subject="factory",
    )


def trace_factory(
    factory: Callable[[], Any], inputs: Sequence[tuple[Shape, str]], *, seed: int = 0
) -> Trace:
    """Build the model with ``factory()`` on fake tensors and trace it on inputs of the given
    shapes and dtypes; for real if torch needs values (and the model fits)."""
    from torch._subclasses.fake_tensor import FakeTensorMode

    from lstmshape.proof import import_torch
    from lstmshape.tracing import _quiet, _trace
    from lstmshape.tracing.run import REAL, run_forward

    with _quiet():
        torch = import_torch()
        with FakeTensorMode() as mode:
            model = _built(torch, factory)
            made = tuple(_made(torch, shape, dtype) for shape, dtype in inputs)
        ran = run_forward(torch, model, made, {}, "auto")
        del mode
        if ran.needs_data is None and ran.failure is None:
            return _trace(torch, model, made, {}, ran)
        held = sum(t.numel() * t.element_size() for t in [*model.parameters(), *model.buffers()])
        if held > REAL_BUILD_BYTES:
            return _trace(torch, model, made, {}, ran)
        torch.manual_seed(seed)
        model = _built(torch, factory)
        made = tuple(_made(torch, shape, dtype) for shape, dtype in inputs)
        because = (
            f"shape-only tensors carry no values and {ran.needs_data} makes its shape from them"
            if ran.needs_data is not None
            else "the shape-only run failed, and torch's sentence for a failure is its real "
            "kernel's (a shape-only kernel words some differently)"
        )
        why = (
            f"{REAL}: {because}; so the model was built for real and ran on inputs of ones "
            f"(integers) or random numbers (floats, seed {seed})."
        )
        real = run_forward(torch, model, made, {}, "real")
        return _trace(torch, model, made, {}, real._replace(how=why))


def _built(torch: Any, factory: Callable[[], Any]) -> Any:
    try:
        model = factory()
    except Exception as error:  # the user's factory raised: their bug, with its traceback
        name = getattr(factory, "__qualname__", repr(factory))
        raise _user_error(f"{name}() failed in your code", error) from None
    if not isinstance(model, torch.nn.Module):
        raise UnreadableValueError(
            f"{getattr(factory, '__qualname__', factory)}() returned a {type(model).__name__}, "
            "not a torch.nn.Module.",
            hint="Try a factory that returns the model (its class, or a function that builds it).",
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
