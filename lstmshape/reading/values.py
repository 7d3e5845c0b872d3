"""Text and values -> numbers, shapes and names: one reader for every front end.

The command line, spec files and the Python API read shapes (``4,3,10``, ``(4, 3, 10)``,
``torch.Size([4, 3, 10])``, a tensor's ``.shape``), sizes, module and tensor names, dtypes and memory
budgets here, with the same aliases and the same rule for a whole number: ASCII digits. Every error
names the argument, the value as given, the offending part and the rule, and proposes a value.
Knows nothing of tensors' rules or of torch.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from numbers import Real
from typing import Any

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n import LANGUAGES, N_, read_language, tr
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.text import shortened as _cut
from lstmshape.i18n.words import Arg, Fix, Part, Text, Typed, fix, words
from lstmshape.torchfacts.arguments import Argument
from lstmshape.torchfacts.dtypes import DTYPE_ALIASES, DTYPES
from lstmshape.torchfacts.kinds import read_module
from lstmshape.torchfacts.parameters import INT64_MAX, PARAMETER_NAME
from lstmshape.torchfacts.rules import integer

Shape = tuple[int, ...]

# torch prints shapes as torch.Size([4, 3, 10]); users paste that, a tuple, a list or 4x3x10.
_WRAPPERS = re.compile(
    r"^\s*(?:(?:torch\.Size|tensor)\(\s*\[(?P<size>.*)\]\s*\)|\((?P<tuple>.*)\)|\[(?P<list>.*)\])\s*$"
)
# "x" separates only between numbers, so "4,x,10" reads as a bad token, not as an empty one.
_SEPARATOR = re.compile(r"\s*,\s*|(?<=\d)\s*[xX×]\s*(?=\d)|\s+", re.ASCII)
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
# Checked after _INTEGER: a number with a fraction or an exponent.
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
_NON_FINITE = ("nan", "inf", "infinity")
# What a value of each kind looks like: said after "is empty:", and as a sentence of its own.
_FORMS = {
    "shape": (
        N_("a shape is whole numbers such as 4,3,10, 4x3x10, (4, 3, 10) or [4,3,10]"),
        N_("A shape is whole numbers such as 4,3,10, 4x3x10, (4, 3, 10) or [4,3,10]."),
    ),
    "lengths": (
        N_("lengths are whole numbers, one per sequence, such as 5,3,2"),
        N_("Lengths are whole numbers, one per sequence, such as 5,3,2."),
    ),
}
# The part of a shape at fault: "axis 1", "length 0".
_ITEMS = {"axis": N_("axis {position}"), "length": N_("length {position}")}
# What is wrong with a number, said after the value: "--hidden 'abc' is not a number".
_OVER = N_("over torch's largest size (2**63 - 1)")
_NOT_WHOLE = N_("not a whole number")
_NOT_ASCII = N_("not a whole number in ASCII digits")
_NOT_NUMBER = N_("not a number")
_NOT_FINITE = N_("not a finite number")
# 2**63 - 1 has 19 digits: a longer number is over it without converting it (int() refuses
# strings of more than 4,300 digits).
_INT64_DIGITS = len(str(INT64_MAX))


def _unwrap(text: str) -> str:
    match = _WRAPPERS.match(text)
    if match is None:
        return text.strip()
    body = next(group for group in match.groups() if group is not None).strip()
    # Python writes a one-axis shape (10,): lstmshape reads its own notation back.
    return body[:-1].rstrip() if match["tuple"] is not None and body.endswith(",") else body


def read_shape(
    text: str,
    argument: str,
    example: Shape = (4, 3, 10),
    item: str = "axis",
    forms: str = "shape",
) -> Shape:
    """Read a tensor shape such as ``4,3,10``, ``4x3x10``, ``(4, 3, 10)``, ``[4,3,10]``, ``(10,)``.

    Sizes may be zero (torch allows an empty batch); what each tensor needs is checked later,
    against the module. ``argument`` and ``example`` only shape the error message; ``item``
    ("axis", "length") names a part, ``forms`` ("shape", "lengths") the rule.
    """
    body = _unwrap(text)
    clause, rule = _FORMS[forms]
    hint = words("Try {fix}.", fix=fix(**{argument: example}))
    if not body:
        raise UnreadableValueError(
            words("{arg} is empty: {forms}.", arg=Arg(argument), forms=_said(clause)),
            problem=tr("it is empty"),
            hint=hint,
        )
    dims: list[int] = []
    for position, token in enumerate(_SEPARATOR.split(body)):
        problem = _size_problem(token, _said(_ITEMS[item], position=position))
        if problem:
            raise UnreadableValueError(
                words("{typed}: {problem}.", typed=Typed(argument, _cut(text)), problem=problem),
                problem=problem,
                details=[words(rule)],
                hint=hint,
            )
        dims.append(int(token))
    return tuple(dims)


def _said(message: str, **fields: object) -> str:
    """A message of the tables above, in the language spoken."""
    return tr(message, **fields)  # i18n: extracted where made


def _size_problem(token: str, what: str) -> str:
    """What is wrong with ``token`` as a size (empty when it is one)."""
    if token == "":
        return tr("{what} is empty", what=what)
    if _INTEGER.fullmatch(token):
        digits = token.lstrip("+-").lstrip("0")
        if len(digits) > _INT64_DIGITS or (digits and int(digits) > INT64_MAX):
            return tr(
                "{what} is {token}, over torch's largest size (2**63 - 1)",
                what=what,
                token=_cut(token),
            )
        if token.startswith("-") and digits:
            return tr("{what} is {token}, and a size cannot be negative", what=what, token=token)
        return ""
    if _is_decimal(token):
        return tr("{what} is {token}, not a whole number", what=what, token=_cut(token))
    if _has_digit(token):
        return tr(
            "{what} is {token}, not a whole number in ASCII digits",
            what=what,
            token=repr(_cut(token)),
        )
    return tr("{what} is {token}, not a number", what=what, token=repr(_cut(token)))


def _is_decimal(token: str) -> bool:
    return bool(_DECIMAL.fullmatch(token)) or token.lower().lstrip("+-") in _NON_FINITE


def read_lengths(text: str, input_shape: Shape, batch_first: bool) -> Shape:
    """Read ``lengths``: one whole number per sequence. A bad value gets an example that fits
    the input (one length of L per sequence)."""
    if len(input_shape) == 3:
        length, batch = input_shape[::-1][1:] if batch_first else input_shape[:2]
        example = (max(length, 1),) * max(batch, 1)
    else:
        example = (5, 3, 2)
    return read_shape(
        text,
        "lengths",
        example,
        item="length",
        forms="lengths",
    )


def read_int(text: str, argument: str, example: int) -> int:
    """Read one whole number (ASCII digits, a sign allowed); its range is the module's rule."""
    token = text.strip()
    if _INTEGER.fullmatch(token):
        digits = token.lstrip("+-").lstrip("0")
        if len(digits) <= _INT64_DIGITS and (not digits or int(digits) <= INT64_MAX):
            return int(token)
        kind = _said(_OVER)
    elif _is_decimal(token):
        kind = _said(_NOT_WHOLE)
    else:
        kind = _said(_NOT_ASCII if _has_digit(token) else _NOT_NUMBER)
    raise UnreadableValueError(
        words("{typed} is {kind}.", typed=Typed(argument, _cut(text)), kind=kind),
        problem=kind,
        details=[words("{arg} takes a whole number.", arg=Arg(argument))],
        hint=words("Try {fix}.", fix=fix(**{argument: example})),
    )


def read_argument(argument: Argument, value: object) -> object:
    """A module's argument as explain() takes it: text as typed (``--layers 2``) read by the reader
    for its type, with the row's example in the fix (``Try --layers 2``); a value that is already
    not text (a checkpoint's, a flag's) as it is, for torch's rules to judge."""
    if not isinstance(value, str):
        return value
    if argument.name == "module":
        return read_module(value)
    if argument.type is int:
        return read_int(value, argument.name, int(argument.example))
    if argument.type is float:
        return read_float(value, argument.name, float(argument.example))
    return value


def _has_digit(token: str) -> bool:
    """Digits that are not ASCII (full-width, superscript): refused, and said so."""
    return any(ch.isdigit() for ch in token)


def read_float(text: str, argument: str, example: float) -> float:
    """Read a finite real number such as 0.2 or 1e-1."""
    token = text.strip()
    if _DECIMAL.fullmatch(token):
        value = float(token)
        if math.isfinite(value):
            return value
        problem = _said(_NOT_FINITE)
    else:
        finite = token.lower().lstrip("+-") in _NON_FINITE
        problem = _said(_NOT_FINITE if finite else _NOT_NUMBER)
    raise UnreadableValueError(
        words("{typed} is {problem}.", typed=Typed(argument, _cut(text)), problem=problem),
        problem=problem,
        details=[
            words("{arg} takes a number such as {example}.", arg=Arg(argument), example=example)
        ],
        hint=words("Try {fix}.", fix=fix(**{argument: example})),
    )


def lang_argument(lang: object) -> str | None:
    """The API's ``lang=``: None (the environment's language) or one lstmshape speaks."""
    if lang is None:
        return None
    code = read_language(lang) if isinstance(lang, str) else None
    if code is None:
        raise UnreadableValueError(
            # English: the language asked for is the one lstmshape cannot speak.
            f"lang={lang!r}: lstmshape speaks {', '.join(LANGUAGES)}.",
            hint="Try lang='ja' (or 'fr', 'es', 'en'), or leave it out for LSTMSHAPE_LANG or the "
            "locale's language.",
        )
    return code


def read_dtype(value: object, argument: str = "dtype") -> str:
    """Read a dtype: float32, float16, bfloat16 or float64 (``torch.half``, ``fp16`` too)."""
    text = value if isinstance(value, str) else str(value)
    name = text.strip().lower().removeprefix("torch.")
    name = DTYPE_ALIASES.get(name, name)
    if name in DTYPES:
        return name
    raise UnreadableValueError(
        words(
            "{typed} is not one of {names}.",
            typed=Typed(argument, _cut(text)),
            names=enumerated(DTYPES),
        ),
        problem=tr("not one of {names}", names=enumerated(DTYPES)),
        details=[words("Recurrent modules take floating dtypes; the memory figures depend on it.")],
        hint=words("Try {fix}.", fix=fix(**{argument: "float16"})),
    )


_SIZE = re.compile(
    r"^\s*(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(?P<unit>[kmgt]i?b?|b)?\s*$", re.I | re.A
)
_UNIT_POWERS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4}


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


def read_memory(value: object, argument: str) -> int:
    """Read a memory size in bytes: ``512MiB``, ``2GiB``, ``1.5G``, ``0``, or a number of bytes
    (binary units; GB = GiB)."""
    value = integer(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= INT64_MAX:
        return value
    text = value if isinstance(value, str) else repr(value)
    match = _SIZE.match(text) if len(text) <= 40 else None
    if match is not None:
        unit = (match["unit"] or "").lower().rstrip("b").rstrip("i")
        size = float(match["number"]) * 1024 ** _UNIT_POWERS[unit]
        if size <= INT64_MAX:
            return int(size)
    raise UnreadableValueError(
        words("{typed} is not a memory size.", typed=Typed(argument, _cut(text))),
        problem=tr("not a memory size"),
        details=[
            words("A size is a number of bytes with an optional unit: B, KiB, MiB, GiB, TiB.")
        ],
        hint=words(
            "Try {a}, or {b} for shape-only tensors.",
            a=fix(**{argument: "512MiB"}),
            b=fix(**{argument: "0"}),
        ),
    )


# --- names of tensors ------------------------------------------------------------------------


def tensor_name(name: str) -> str:
    """torch's spelling of a tensor's name: ``hn``, ``h0``, ``H_N`` and ``h_n`` all name h_n."""
    lowered = name.strip().lower()
    if re.fullmatch(r"[hc]_?[0n1]", lowered):
        return f"{lowered[0]}_{lowered[-1]}"
    return lowered


def read_tensor_name(name: str, names: Iterable[str]) -> str | None:
    """``name`` in torch's spelling if it is one of ``names``; None if it is not."""
    canonical = tensor_name(name)
    return canonical if canonical in tuple(names) else None


def read_expectation(text: str, names: tuple[str, ...]) -> tuple[str, Shape]:
    """Read ``NAME=SHAPE`` as in ``h_n=2,3,20``; NAME must be one of ``names`` (or an alias)."""
    name, sep, shape_text = text.partition("=")
    if not sep or not name.strip():
        raise UnreadableValueError(
            words("{typed} is not NAME=SHAPE.", typed=Typed("expect", _cut(text))),
            problem=tr("not NAME=SHAPE"),
            details=[
                words(
                    "NAME is one of {names}, or a parameter such as weight_ih_l0.",
                    names=enumerated(names),
                )
            ],
            hint=words("Try {fix}.", fix=Fix.of({"expect.output": (4, 3, 20)})),
        )
    try:
        shape: Shape | None = read_shape(shape_text, "expect", (4, 3, 20))
    except UnreadableValueError:
        shape = None  # said after the name, if the name is right
    canonical = read_expected_name(name, names, Typed("expect", _cut(text)), shape)
    return canonical, read_shape(shape_text, f"expect.{canonical}", (4, 3, 20))


def read_expected_name(
    name: str, names: tuple[str, ...], shown: Part, shape: Shape | None = None
) -> str:
    """A name a shape may be expected for: a tensor (``h_n``, or an alias such as ``hn``) or a
    parameter (``weight_ih_l0``; whether this module has it is the module's to say)."""
    canonical = read_tensor_name(name, names)
    if canonical is not None:
        return canonical
    if PARAMETER_NAME.fullmatch(name.strip()):
        return name.strip()
    close = difflib.get_close_matches(name.strip().lower(), names, n=1)
    raise UnreadableValueError(
        words(
            "{shown}: this module has no tensor named {name!r}.",
            shown=shown,
            name=_cut(name.strip()),
        ),
        problem=tr("no tensor named {name}", name=repr(name.strip())),
        details=[
            words(
                "A name is one of {names}, or a parameter such as weight_ih_l0.",
                names=enumerated(names),
            )
        ],
        hint=did_you_mean(close[0] if close else None, shape),
    )


def did_you_mean(name: str | None, shape: Shape | None) -> Text:
    """The hint for a misspelt name: the close one with the shape given, or the list above."""
    if name is None:
        return words("Try one of those names.")
    if shape is None:
        return words("Try {name} (did you mean it?).", name=name)
    return words(
        "Try {fix} (did you mean {name}?).", fix=Fix.of({f"expect.{name}": shape}), name=name
    )


# --- values handed to the Python API ---------------------------------------------------------


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
