"""Values handed to the Python API, read as the command line reads their text: a shape as a
caller has it at hand (a tuple, a torch.Size, a tensor), sequence lengths, a mapping of names to
shapes, a file's path and ``lang=``; each refusal shows the value as Python writes it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from numbers import Real
from typing import Any

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n import LANGUAGES, read_language, tr
from lstmshape.i18n.text import shortened as _cut
from lstmshape.i18n.words import fix, words
from lstmshape.reading.values import Shape, read_shape
from lstmshape.torchfacts.parameters import INT64_MAX


def lang_argument(lang: object) -> str | None:
    """The API's ``lang=``: None (the environment's language) or one lstmshape speaks."""
    if lang is None:
        return None
    code = read_language(lang) if isinstance(lang, str) else None
    if code is None:
        raise UnreadableValueError(
            f"lang={lang!r}: lstmshape speaks {', '.join(LANGUAGES)}.",
            hint="Try lang='ja' (or 'fr', 'es', 'en'), or leave it out for LSTMSHAPE_LANG or the "
            "locale's language.",
        )
    return code


def shown_value(value: object) -> str:
    """``repr(value)``, or its type's name when Python will not write it (an integer of more than
    4,300 digits, a structure nested past the interpreter's recursion)."""
    try:
        return repr(value)
    except (ValueError, RecursionError):
        return f"<{type(value).__name__}>"


def shapes_by_name(value: object, function: str, example: str) -> Mapping[str, Any]:
    """A mapping of names to shapes, as ``function`` takes it: anything else (None, a list, a
    shape alone) is refused with an example of the call."""
    if isinstance(value, Mapping) and all(isinstance(key, str) for key in value):
        return value
    raise UnreadableValueError(
        words(
            "{function} takes a mapping of names to shapes, not {value}.",
            function=function,
            value=_cut(repr(value)),
        ),
        hint=words("Try {example}.", example=example),
    )


def path_of(value: object, function: str, example: str) -> str:
    """A file's path as ``function`` takes it: a ``str`` or a ``pathlib.Path`` (any
    ``os.PathLike`` of text); anything else is refused with an example of the call."""
    import os

    path = value if isinstance(value, str) else None
    if isinstance(value, os.PathLike):
        spelled = os.fspath(value)
        path = spelled if isinstance(spelled, str) else None
    if path is None:
        raise UnreadableValueError(
            words(
                "{function} takes a file's path (a str or a pathlib.Path), not {value}.",
                function=function,
                value=_cut(repr(value)),
            ),
            hint=words("Try {example}.", example=example),
        )
    return path


def shape_of(value: Any, argument: str) -> Shape:
    """A shape as a caller has it at hand: a tuple or list of whole numbers, a ``torch.Size``, a
    tensor (its ``.shape``), a NumPy array's shape, or text such as ``"4,3,10"``."""
    if isinstance(value, str):
        return read_shape(value, argument)
    shape = getattr(value, "shape", value)
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Iterable):
        raise _not_a_shape(argument, value, tr("it is not a sequence of sizes"))
    sizes: list[int] = []
    for position, size in enumerate(shape):
        problem = _value_problem(size, tr("axis {position}", position=position))
        if problem:
            raise _not_a_shape(argument, value, problem)
        sizes.append(int(size))
    return tuple(sizes)


def lengths_of(value: Any) -> Shape:
    """Sequence lengths given to the API: whole numbers, one per sequence. A length of 0 or less
    is read, so that pack_padded_sequence's own refusal of it can be said."""
    if isinstance(value, str):
        return read_shape(value, "lengths", (5, 3, 2), item="length")
    lengths = getattr(value, "tolist", lambda: value)()  # a CPU tensor or an array of lengths
    if isinstance(lengths, (str, bytes)) or not isinstance(lengths, Iterable):
        raise _not_a_shape("lengths", value, tr("it is not a sequence of lengths"))
    read: list[int] = []
    for position, length in enumerate(lengths):
        problem = _value_problem(length, tr("length {position}", position=position), negative=True)
        if problem:
            raise _not_a_shape("lengths", value, problem)
        read.append(int(length))
    return tuple(read)


def _value_problem(size: object, what: str, negative: bool = False) -> str:
    """What is wrong with ``size`` as one axis of a shape (empty when it is a size)."""
    if isinstance(size, bool) or not hasattr(size, "__index__"):
        if isinstance(size, Real) and not isinstance(size, bool):
            return tr("{what} is {token}, not a whole number", what=what, token=repr(size))
        return tr("{what} is {token}, not a size", what=what, token=repr(size))
    number = size.__index__()
    if abs(number) > INT64_MAX:  # said before the number: it may be too long to write
        return tr("{what} is over torch's largest size (2**63 - 1)", what=what)
    if number < 0 and not negative:
        return tr("{what} is {token}, and a size cannot be negative", what=what, token=number)
    return ""


def _not_a_shape(argument: str, value: object, problem: str) -> UnreadableValueError:
    shown = shown_value(value)
    return UnreadableValueError(
        words(
            "{argument}={shown} is not a shape: {problem}.",
            argument=argument,
            shown=_cut(shown),
            problem=problem,
        ),
        problem=problem,
        details=[
            words(
                "A shape is a tuple of whole numbers, a torch.Size, a tensor, or text such as "
                "'4,3,10'."
            )
        ],
        hint=words("Try {fix}, a tensor, or its .shape.", fix=fix(**{argument: (4, 3, 10)})),
    )
