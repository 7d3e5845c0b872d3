"""Each cause's fix as data, by explain()'s keywords: what explain's "Try" says in its front end's
voice (``--h0 2,3,20``, ``h_0 = [2, 3, 20]``, ``h_0=(2, 3, 20)``), and what a test applies to the
call to see torch take it and give the shapes the user meant."""

from __future__ import annotations

from lstmshape.commands.explain.diagnosis.given import Given
from lstmshape.i18n.words import Fix, drop, fix
from lstmshape.results.cause import Cause

Shape = tuple[int, ...]

# Causes whose fix is a module argument: the module is built otherwise than the user meant.
_ARGUMENTS: dict[str, Fix] = {
    "batch_first_forgotten": fix(batch_first=True),
    "batch_first_wrong": drop("batch_first"),
}
LAYOUT_CAUSES = tuple(_ARGUMENTS)
"""Causes that say the input's axes are read the other way round: their fix is the layout, and no
state fix may be offered instead (it would fit the states to swapped N and L)."""


def with_changes(
    causes: list[Cause], tensor: str, expected: Shape, got: Shape, given: Given
) -> list[Cause]:
    """``causes`` with their fixes as data: the module argument to set, else the state torch
    takes (with no batch axis for an unbatched input, as the user builds it). Where a fix is in
    code the call does not hold (a DataLoader's drop_last, a replica's state), the state torch
    takes is still its data."""
    return [
        cause._replace(change=change_of(cause, tensor, expected, got, given)) for cause in causes
    ]


def change_of(cause: Cause, tensor: str, expected: Shape, got: Shape, given: Given) -> Fix | None:
    """One cause's fix as data; None where the data cannot say it (which way the input's axes
    are read, when its shape is not known)."""
    if cause.id in _ARGUMENTS:
        return _ARGUMENTS[cause.id]
    if cause.id == "batch_first":
        return None
    if cause.id == "hidden_size":
        return fix(hidden_size=got[-1])  # the state's width is the one meant
    unbatched = given.input is not None and len(given.input) == 2 and len(expected) == 3
    right = (expected[0], expected[2]) if unbatched else expected
    return fix(**{tensor: right})
