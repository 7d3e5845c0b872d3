"""Names of tensors as users type them, read into torch's: ``hn``, ``H_N`` and ``h_n`` all name
h_n; an expected shape (``--expect h_n=2,3,20``, a spec file's ``[expect]``) by a tensor's or a
parameter's name, and the close name for a misspelt one."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n import tr
from lstmshape.i18n.text import shortened as _cut
from lstmshape.i18n.words import Fix, Part, Text, Typed, words
from lstmshape.reading.values import Shape, read_shape
from lstmshape.torchfacts.parameters import PARAMETER_NAME


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
                    names=", ".join(names),
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
                names=", ".join(names),
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
