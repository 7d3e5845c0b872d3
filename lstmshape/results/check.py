"""The outcome of one named entry of a spec file: its report, or what failed."""

from __future__ import annotations

from dataclasses import dataclass, field

from lstmshape.errors import ExitStatus, LstmShapeError, VerifyBudgetError, exit_status
from lstmshape.i18n import language
from lstmshape.i18n.words import Voice
from lstmshape.results.contract import JSONDict
from lstmshape.results.report import Report
from lstmshape.results.shown import Shown


@dataclass(frozen=True, repr=False)
class Outcome(Shown):
    """An entry checked: its report (None if it could not be explained) and what failed.

    In a notebook it shows as its row of the check table and what failed.
    """

    name: str
    report: Report | None
    errors: tuple[LstmShapeError, ...] = field(default=())
    call: str | None = None
    """The module as torch builds it, when it could be built (a tensor may still not fit it)."""
    shape: str | None = None
    """The input's shape, when it could be read."""
    lang: str = field(default_factory=language)
    """The language it is shown in (its errors and report speak their own): the one spoken when
    it was checked."""

    @property
    def result(self) -> str:
        """``pass``; ``fail`` (a tensor does not fit, a shape differs, torch disagrees);
        ``invalid`` (torch would refuse to build the module); or ``unverified`` (a valid entry
        that verify cannot run within its limits: torch was never asked)."""
        if not self.errors:
            return "pass"
        if all(isinstance(e, VerifyBudgetError) for e in self.errors):
            return "unverified"
        return "invalid" if exit_status(self.errors) == ExitStatus.UNREADABLE else "fail"

    def summary(self) -> str:
        """``encoder: pass``, the repr's one line."""
        return f"{self.name}: {self.result}"

    def error_lines(self, error: LstmShapeError, voice: Voice) -> list[str]:
        """An error as the spec file's user reads it: the entry's name first, in ``voice``."""
        first, *rest = error.lines(voice)
        return [f"[{self.name}] {first}", *rest]

    def to_dict(self, voice: Voice) -> JSONDict:
        """JSON view of one entry, its errors in ``voice``."""
        return {
            "name": self.name,
            "result": self.result,
            "errors": ["\n".join(self.error_lines(e, voice)) for e in self.errors],
            "report": None if self.report is None else self.report.to_dict(),
        }
