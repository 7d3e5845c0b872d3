"""Text to numbers: shapes such as "4,3,10" and single numbers. Knows nothing of tensors or torch.

Every error names the option, the value as typed, the offending token and the rule, so that a user who
typed ``--input 4,,10`` sees exactly which part to fix.
"""

from __future__ import annotations

import math
import re

from lstmshape.cost import DTYPES
from lstmshape.errors import UnreadableValueError
from lstmshape.kinds import KINDS, ModuleKind, kind_named
from lstmshape.spec import INT64_MAX

# torch prints shapes as torch.Size([4, 3, 10]); users paste that, a tuple, a list or 4x3x10.
_WRAPPERS = re.compile(
    r"^\s*(?:(?:torch\.Size|tensor)\(\s*\[(?P<size>.*)\]\s*\)|\((?P<tuple>.*)\)|\[(?P<list>.*)\])\s*$"
)
# "x" separates only between numbers, so "4,x,10" reads as a bad token, not as an empty one.
_SEPARATOR = re.compile(r"\s*,\s*|(?<=\d)\s*[xX×]\s*(?=\d)|\s+")
_SHAPE_FORMS = "a shape is whole numbers such as 4,3,10, 4x3x10, (4, 3, 10) or [4,3,10]"


def _unwrap(text: str) -> str:
    match = _WRAPPERS.match(text)
    if match is None:
        return text.strip()
    return next(group for group in match.groups() if group is not None).strip()


def parse_shape(
    text: str,
    option: str,
    example: str = "4,3,10",
    joiner: str = " ",
    item: str = "axis",
    forms: str = _SHAPE_FORMS,
) -> tuple[int, ...]:
    """Read a tensor shape such as ``4,3,10``, ``4x3x10``, ``(4, 3, 10)``, ``[4,3,10]``.

    Dimensions may be zero (torch allows an empty batch); the rules of what each tensor needs are
    checked later, against the module. ``option`` and ``example`` only shape the error message.
    """
    body = _unwrap(text)
    if not body:
        raise UnreadableValueError(
            f"{option} is empty: {forms}.",
            hint=f"Try {option}{joiner}{example}.",
        )
    tokens = _SEPARATOR.split(body)
    dims: list[int] = []
    for position, token in enumerate(tokens):
        if token == "":
            raise UnreadableValueError(
                f"{option}{joiner}{text!r}: {item} {position} is empty.",
                details=[f"{forms[0].upper()}{forms[1:]}."],
                hint=f"Try {option}{joiner}{example}.",
            )
        dims.append(
            _parse_dimension(token, position, text, f"{option}{joiner}", example, item, forms)
        )
    return tuple(dims)


def _parse_dimension(
    token: str, position: int, text: str, label: str, example: str, item: str, forms: str
) -> int:
    if re.fullmatch(r"[+]?\d+", token) and int(token) > INT64_MAX:
        problem = f"{item} {position} is {token}, over torch's largest size (2**63 - 1)"
    elif re.fullmatch(r"[+]?\d+", token):
        return int(token)
    elif re.fullmatch(r"-\d+", token):
        problem = f"{item} {position} is {token}, and a size cannot be negative"
    elif re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?", token):
        problem = f"{item} {position} is {token}, not a whole number"
    else:
        problem = f"{item} {position} is {token!r}, not a number"
    raise UnreadableValueError(
        f"{label}{text!r}: {problem}.",
        details=[f"{forms[0].upper()}{forms[1:]}."],
        hint=f"Try {label}{example}.",
    )


def parse_lengths(text: str, input_shape: tuple[int, ...], batch_first: bool) -> tuple[int, ...]:
    """Read ``--lengths``: one whole number per sequence. A bad value gets an example that fits
    the input (one length of L per sequence)."""
    if len(input_shape) == 3:
        length, batch = input_shape[::-1][1:] if batch_first else input_shape[:2]
        example = ",".join([str(max(length, 1))] * max(batch, 1))
    else:
        example = "5,3,2"
    return parse_shape(
        text,
        "--lengths",
        example,
        item="length",
        forms="lengths are whole numbers, one per sequence, such as 5,3,2",
    )


def parse_int(text: str, option: str, example: str) -> int:
    """Read one whole number; its range is the module's rule, checked with the spec."""
    token = text.strip()
    if re.fullmatch(r"[+-]?\d+", token) and abs(int(token)) <= INT64_MAX:
        return int(token)
    if re.fullmatch(r"[+-]?\d+", token):
        kind = "over torch's largest size (2**63 - 1)"
    else:
        kind = "not a whole number" if _is_float(token) else "not a number"
    raise UnreadableValueError(
        f"{option} {text!r} is {kind}.",
        details=[f"{option} takes a whole number."],
        hint=f"Try {option} {example}.",
    )


def parse_float(text: str, option: str, example: str) -> float:
    """Read a finite real number such as 0.2 or 1e-1."""
    token = text.strip()
    if _is_float(token):
        value = float(token)
        if math.isfinite(value):
            return value
        problem = "not a finite number"
    else:
        problem = "not a number"
    raise UnreadableValueError(
        f"{option} {text!r} is {problem}.",
        details=[f"{option} takes a number such as {example}."],
        hint=f"Try {option} {example}.",
    )


def _is_float(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def parse_expectation(text: str, names: tuple[str, ...]) -> tuple[str, tuple[int, ...]]:
    """Read ``NAME=SHAPE`` as in ``--expect h_n=2,3,20``; NAME must be one of ``names``."""
    name, sep, shape_text = text.partition("=")
    name = name.strip()
    listed = ", ".join(names)
    if not sep or not name:
        raise UnreadableValueError(
            f"--expect {text!r} is not NAME=SHAPE.",
            details=[f"NAME is one of {listed}."],
            hint="Try --expect output=4,3,20.",
        )
    canonical = _canonical_tensor_name(name)
    if canonical not in names:
        raise UnreadableValueError(
            f"--expect {text!r}: this module has no tensor named {name!r}.",
            details=[f"NAME is one of {listed}."],
            hint="Try one of those names; the report above lists each tensor's shape.",
        )
    return canonical, parse_shape(shape_text, f"--expect {canonical}", example="4,3,20", joiner="=")


def _canonical_tensor_name(name: str) -> str:
    # "hn", "h0", "h_n" and "H_N" all name torch's h_n; torch's own spelling wins in every output.
    lowered = name.lower()
    if re.fullmatch(r"[hc]_?[0n1]", lowered):
        return f"{lowered[0]}_{lowered[-1]}"
    return lowered


def parse_module(text: str) -> ModuleKind:
    """Read ``--module``: one of torch's recurrent classes, in any letter case (``gru``)."""
    try:
        return kind_named(text.strip())
    except KeyError:
        raise UnreadableValueError(
            f"--module {text!r} is not one of {', '.join(KINDS)}.",
            hint="Try --module LSTM, or GRU, RNN, LSTMCell, GRUCell, RNNCell.",
        ) from None


# torch's own aliases (torch.half is torch.float16) and the short names people write.
_DTYPE_ALIASES = {
    "float": "float32",
    "fp32": "float32",
    "half": "float16",
    "fp16": "float16",
    "bf16": "bfloat16",
    "double": "float64",
    "fp64": "float64",
}


def parse_dtype(text: str) -> str:
    """Read ``--dtype``: float32, float16, bfloat16 or float64 (``torch.half``, ``fp16`` too)."""
    name = text.strip().lower().removeprefix("torch.")
    name = _DTYPE_ALIASES.get(name, name)
    if name not in DTYPES:
        raise UnreadableValueError(
            f"--dtype {text!r} is not one of {', '.join(DTYPES)}.",
            details=["Recurrent modules take floating dtypes; the memory figures depend on it."],
            hint="Try --dtype float16.",
        )
    return name


_SIZE = re.compile(r"^\s*(?P<number>\d+(?:\.\d*)?|\.\d+)\s*(?P<unit>[kmgt]i?b?|b)?\s*$", re.I)
_UNIT_POWERS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4}


def parse_size(text: str, option: str) -> int:
    """Read a memory size in bytes: ``512MiB``, ``2GiB``, ``1.5G``, ``0`` (binary units; GB = GiB)."""
    match = _SIZE.match(text)
    if match is None:
        raise UnreadableValueError(
            f"{option} {text!r} is not a memory size.",
            details=["A size is a number of bytes with an optional unit: B, KiB, MiB, GiB, TiB."],
            hint=f"Try {option} 512MiB, or {option} 0 for shape-only tensors.",
        )
    unit = (match["unit"] or "").lower().rstrip("b").rstrip("i")
    return int(float(match["number"]) * 1024 ** _UNIT_POWERS[unit])
