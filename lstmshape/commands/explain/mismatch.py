"""A state of the wrong shape, said alike by every check (sequence, packed, cell): which tensor,
what it is, what the module expects; each check brings its own details, torch's sentence and fix."""

from __future__ import annotations

from lstmshape.errors import TensorMismatchError
from lstmshape.i18n.text import format_shape
from lstmshape.i18n.words import Text, Words, fix, words
from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]


def state_mismatch(
    spec: ModuleSpec,
    name: str,
    shape: Shape,
    right: Shape,
    *,
    details: list[Text],
    torch_says: str | None,
    hint: Words | None = None,
) -> TensorMismatchError:
    """``name`` has ``shape`` where ``spec`` expects ``right``; by default the fix is ``right``."""
    return TensorMismatchError(
        words(
            "{name} has shape {shape} but this {module} expects {right}.",
            name=name,
            shape=format_shape(shape),
            module=spec.kind.name,
            right=format_shape(right),
        ),
        details=details,
        torch_says=torch_says,
        hint=hint or words("Try {a}.", a=fix(**{name: right})),
        subject=name,
        expected=right,
        actual=shape,
    )
