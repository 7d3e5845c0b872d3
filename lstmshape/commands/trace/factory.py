"""A model from the user's code, ``PACKAGE.MODULE:FACTORY`` (the ``uvicorn module:app`` way), built
and traced on inputs made from shapes.

Here: the factory found and the errors of the user's code. How the model is built and traced is
:mod:`lstmshape.commands.trace.building`'s.

An error raised by the user's code (at import, or while the factory builds the model) is theirs:
:class:`UserCodeError` carries it with its traceback, never reworded as lstmshape's.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from lstmshape.errors import ExitStatus, LstmShapeError, UnreadableValueError
from lstmshape.i18n import tr
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.words import Setting, Text, Typed, words

Shape = tuple[int, ...]
# The inputs' dtypes by every name torch users write, and the one torch calls it.
INPUT_DTYPES = {
    "float32": "float32", "float": "float32", "float16": "float16", "half": "float16",
    "bfloat16": "bfloat16", "bf16": "bfloat16", "float64": "float64", "double": "float64",
    "int64": "int64", "long": "int64", "int32": "int32", "int": "int32", "int16": "int16",
    "short": "int16", "int8": "int8", "uint8": "uint8", "bool": "bool",
}  # fmt: skip
# The bytes of one element of each dtype above, as torch's itemsize says.
ITEMSIZES = {
    "float32": 4, "float16": 2, "bfloat16": 2, "float64": 8, "int64": 8, "int32": 4, "int16": 2,
    "int8": 1, "uint8": 1, "bool": 1,
}  # fmt: skip
# lstmshape's own folder (lstmshape/commands/trace/ is two below it): its frames are not the user's.
LSTMSHAPE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(__file__))) + os.sep


class UserCodeError(LstmShapeError):
    """The user's own code raised while lstmshape imported it or called its factory: their bug,
    shown with their traceback (``traceback_lines``)."""

    exit_code = ExitStatus.UNREADABLE

    def __init__(self, message: Text, *, traceback_lines: Sequence[str], **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.traceback_lines = tuple(traceback_lines)


def read_input_dtype(text: str) -> str:
    """``long`` -> ``int64``: an input's dtype by any of torch's names for it."""
    name = text.strip().lower().removeprefix("torch.")
    if name in INPUT_DTYPES:
        return INPUT_DTYPES[name]
    raise UnreadableValueError(
        words("{given} is not a dtype lstmshape can make inputs of.", given=Typed("input_dtype", text)),
        details=[words("It takes {dtypes} (and {aliases}).",
                       dtypes=enumerated(sorted(set(INPUT_DTYPES.values()))),
                       aliases="long, int, float, double, half")],
        hint=words("Try {fix} for token ids, or {other} for vectors.",
                   fix=Setting("input_dtype", "long"), other="float32"),
        subject="input_dtype",
    )  # fmt: skip


def load_factory(reference: str) -> Callable[[], Any]:
    """The callable named by ``PACKAGE.MODULE:FACTORY``, imported from the working folder first;
    for a model the module made at import, a factory that returns it."""
    module_name, colon, attribute = reference.partition(":")
    if not colon or not module_name or not attribute:
        raise UnreadableValueError(
            words(
                "{reference} does not name a factory: write it PACKAGE.MODULE:FACTORY.",
                reference=repr(reference),
            ),
            details=[
                words("FACTORY is a function or a class in that module that builds the model.")
            ],
            hint=words(
                "Try {command}.", command="lstmshape trace mypackage.models:build_model --input 8,5"
            ),
            subject="factory",
        )
    module = _imported(module_name)
    found: Any = module
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise _no_attribute(module, module_name, attribute)
        found = getattr(found, part)
    if not callable(found):
        raise UnreadableValueError(
            words(
                "{reference} is {what}, not a function or a class.",
                reference=reference,
                what=with_article(type(found).__name__),
            ),
            hint=words("Try the function or class that builds the model."),
            subject="factory",
        )
    if _is_module(found):  # a model built at import (model = Tagger()): traced as it is
        model = found
        return lambda: model
    return found  # type: ignore[no-any-return]


def _imported(module_name: str) -> Any:
    """The user's module, imported from the working folder first; its errors as theirs."""
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())  # as python -m and uvicorn do: the user's folder first
    try:
        with warnings.catch_warnings():
            # torch's warnings are not the user's (what one means is said in the trace); the
            # warnings of their own code are theirs to see.
            warnings.filterwarnings("ignore", module=r"torch(\.|$)")
            module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name is not None and module_name.startswith(error.name):
            raise UnreadableValueError(
                words(
                    "No module named {module}, in the working folder or on sys.path.",
                    module=repr(module_name),
                ),
                hint=words(
                    "Try running lstmshape from the folder that holds it, or set {variable}.",
                    variable="PYTHONPATH",
                ),
                subject="factory",
            ) from None
        raise _user_error(_importing(module_name), error) from None
    except Exception as error:  # the user's module raised at import: their bug, with its traceback
        raise _user_error(_importing(module_name), error) from None
    except (SystemExit, KeyboardInterrupt) as stop:  # sys.exit(0) must not pass for a trace
        raise stopped(tr("importing {module}", module=module_name), stop) from None
    return module


def _is_module(value: object) -> bool:
    """Whether ``value`` is a torch.nn.Module (torch is imported by then if it is one)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.nn.Module)


def with_article(name: str) -> str:
    """``an int``, ``a str``: a class's name with the article it takes (in English; each language
    says a value of that type its own way)."""
    if name[:1].lower() in "aeiou":
        return tr("an {type}", type=name)
    return tr("a {type}", type=name)


def _importing(module: str) -> str:
    return tr("importing {module} failed in your code", module=module)


def _no_attribute(module: Any, module_name: str, attribute: str) -> UnreadableValueError:
    candidates = [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and callable(value)
        and getattr(value, "__module__", "") == module_name
    ]
    details: list[Text] = (
        [words("It defines {names}.", names=enumerated(candidates))] if candidates else []
    )
    return UnreadableValueError(
        words("{module} has no {name}.", module=module_name, name=repr(attribute)),
        details=details,
        hint=words("Try {factory}.", factory=f"{module_name}:{candidates[0]}")
        if candidates
        else words("Try the name of the function or class that builds the model."),
        subject="factory",
    )


def _user_error(what: str, error: BaseException) -> UserCodeError:
    """The user's exception with the frames of their code (lstmshape's, importlib's and torch's
    left out); without a frame of theirs, the error alone."""
    caught = traceback.TracebackException.from_exception(error)
    caught.stack = traceback.StackSummary.from_list(
        [frame for frame in caught.stack if not frame.filename.startswith(_not_users())]
    )
    if not caught.stack:
        return UserCodeError(
            _failed(what, error),
            details=[
                words("No line of your code is in its traceback: it was raised inside torch.")
            ],
            traceback_lines=(),
            subject="factory",
        )
    lines = "".join(caught.format()).rstrip("\n").splitlines()
    return UserCodeError(
        _failed(what, error),
        details=[words("The traceback above is your code's, not lstmshape's.")],
        traceback_lines=lines,
        subject="factory",
    )


def _failed(what: str, error: BaseException) -> Text:
    """``importing m failed in your code: ValueError: ...``: the user's exception as Python says it."""
    return words("{what}: {exception}", what=what, exception=f"{type(error).__name__}: {error}")


def _not_users() -> tuple[str, ...]:
    """Where the frames that are not the user's code live: lstmshape, importlib and torch."""
    torch = sys.modules.get("torch")
    torch_dir = os.path.dirname(torch.__file__) + os.sep if torch and torch.__file__ else None
    return (LSTMSHAPE_DIR, "<frozen importlib", *([torch_dir] if torch_dir else []))


def needs_arguments(reference: str, error: BaseException) -> UserCodeError | None:
    """The factory ``PACKAGE.MODULE:FACTORY`` could not be called with no arguments (a TypeError
    at the call, no line of the user's code run): what lstmshape trace needs instead."""
    if not isinstance(error, TypeError):
        return None
    frames = traceback.extract_tb(error.__traceback__)
    if any(not frame.filename.startswith(_not_users()) for frame in frames):
        return None
    module, _, name = reference.partition(":")
    return UserCodeError(
        words("{name}() cannot be called with no arguments: {error}", name=name, error=str(error)),
        details=[
            words(
                "lstmshape trace calls the factory with none: it needs one that builds the model "
                "by itself."
            )
        ],
        hint=words(
            "Try a function in {module} that builds it, such as def build(): return {name}(...), "
            "then lstmshape trace {module}:build.",
            name=name,
            module=module,
        ),
        traceback_lines=(),
        subject="factory",
    )


def stopped(doing: str, stop: SystemExit | KeyboardInterrupt) -> UserCodeError:
    """The user's code left (``sys.exit(0)``) or was interrupted while lstmshape was ``doing``
    something with it: said as such, with its traceback, never a trace that passes."""
    if isinstance(stop, SystemExit):
        head = words(
            "Your code raised {exit} while {doing}: nothing was traced.",
            exit=f"SystemExit({stop.code!r})",
            doing=doing,
        )
        hint = words(
            "Try keeping {call} out of what lstmshape runs: under {guard} in the module, not in "
            "the factory or forward.",
            call="sys.exit",
            guard='if __name__ == "__main__":',
        )
    else:
        head = words(
            "{interrupt} while {doing}: nothing was traced.",
            interrupt="KeyboardInterrupt",
            doing=doing,
        )
        hint = words("Try the trace again, and let it finish.")
    error = _user_error("", stop)
    return UserCodeError(
        head,
        details=[words("The traceback above is your code's, not lstmshape's.")]
        if error.traceback_lines
        else [],
        hint=hint,
        traceback_lines=error.traceback_lines,
        subject="factory",
    )
