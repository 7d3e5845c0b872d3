"""Text -> numbers and shapes: one reader for every front end.

The command line, spec files and the Python API read shapes (``4,3,10``, ``(4, 3, 10)``,
``torch.Size([4, 3, 10])``), sequence lengths, sizes, numbers, dtypes and memory budgets here, with
the same aliases and the same rule for a whole number: ASCII digits. Every error names the
argument, the value as given, the offending part and the rule, and proposes a value. Names of
tensors are read by reading/names.py, values handed to the Python API (a tensor's ``.shape``) by
reading/python_values.py. Knows nothing of tensors' rules or of torch.
"""

from __future__ import annotations

import math
import re

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n import N_, tr
from lstmshape.i18n.text import shortened as _cut
from lstmshape.i18n.words import Arg, Typed, fix, words
from lstmshape.torchfacts.arguments import Argument
from lstmshape.torchfacts.dtypes import DTYPE_ALIASES, DTYPES
from lstmshape.torchfacts.kinds import read_module
from lstmshape.torchfacts.parameters import INT64_MAX
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
            names=", ".join(DTYPES),
        ),
        problem=tr("not one of {names}", names=", ".join(DTYPES)),
        details=[words("Recurrent modules take floating dtypes; the memory figures depend on it.")],
        hint=words("Try {fix}.", fix=fix(**{argument: "float16"})),
    )


_SIZE = re.compile(
    r"^\s*(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(?P<unit>[kmgt]i?b?|b)?\s*$", re.I | re.A
)
_UNIT_POWERS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4}


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
