"""The outcome of one named entry of a spec file: its report, or what failed."""

from __future__ import annotations

from dataclasses import dataclass, field

from lstmshape.errors import LstmShapeError, VerifyBudgetError
from lstmshape.model.contract import JSONDict
from lstmshape.model.report import Report
from lstmshape.words import Voice


@dataclass(frozen=True)
class Outcome:
    """An entry checked: its report (None if it could not be explained) and what failed."""

    name: str
    report: Report | None
    errors: tuple[LstmShapeError, ...] = field(default=())

    @property
    def result(self) -> str:
        """``pass``; ``fail`` (a tensor does not fit, a shape differs, torch disagrees);
        ``invalid`` (torch would refuse to build the module); or ``unverified`` (a valid entry
        that verify cannot run within its limits: torch was never asked)."""
        if not self.errors:
            return "pass"
        if all(isinstance(e, VerifyBudgetError) for e in self.errors):
            return "unverified"
        return "invalid" if max(e.exit_code for e in self.errors) == 2 else "fail"

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
