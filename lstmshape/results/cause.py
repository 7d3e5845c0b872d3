"""A cause of a wrong tensor, as every command names it: ``explain``'s error, ``why``'s reading of
torch's text, ``check`` and ``trace`` (which word explain's errors) share this one type, made by
the one diagnosis (lstmshape.commands.explain.diagnosis)."""

from __future__ import annotations

from typing import NamedTuple

from lstmshape.i18n.words import Fix
from lstmshape.results.contract import JSONDict


class Axis(NamedTuple):
    """One axis of a shape torch compared: its symbol, what torch expected, what it got."""

    symbol: str
    expected: int | None
    got: int | None

    @property
    def differs(self) -> bool:
        """Whether this axis is the one (or one of those) at fault."""
        return self.expected != self.got

    def to_dict(self) -> JSONDict:
        """JSON view."""
        return {"symbol": self.symbol, "expected": self.expected, "got": self.got}


class Cause(NamedTuple):
    """A cause of the fault, with the change in code that removes it."""

    id: str
    """Stable for programs: ``smaller_last_batch``, ``batch_first_forgotten``, ..."""
    text: str
    fix: str
    """The fix, as code or as the argument to change."""
    proven: bool = False
    """True when the sentence (with the configuration given) proves it; False when only likely."""
    change: Fix | None = None
    """The fix as data, by explain()'s keywords (``h_0=(2, 3, 20)``, ``batch_first=True``): what
    explain's "Try" says in each front end's voice, and what a test applies to the call. None
    where the fix is in code the call does not hold (a DataLoader, a device)."""

    def to_dict(self) -> JSONDict:
        """JSON view."""
        return {"id": self.id, "text": self.text, "fix": self.fix, "proven": self.proven}
