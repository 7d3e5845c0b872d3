"""The errors lstmshape raises for a user's mistake.

Each error is plain text: what is wrong with the numbers, the lines that explain it, torch's own
sentence for the same fault when it has one (users search for it), and a "Try ..." line. The CLI adds
the colour and the "Error:" prefix; the library never prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar


class LstmShapeError(Exception):
    """Base class of every error lstmshape raises for a user's input.

    ``exit_code`` is what the command line exits with: 2 for an unreadable value or a module torch would
    refuse to build, 1 for a valid module that a given tensor does not fit.
    """

    exit_code: ClassVar[int] = 2

    def __init__(
        self,
        message: str,
        *,
        details: Sequence[str] = (),
        torch_says: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = tuple(details)
        self.torch_says = torch_says
        self.hint = hint

    def lines(self) -> list[str]:
        """The message first, then the indented explanation, torch's wording and the hint."""
        out = [self.message]
        out.extend(f"  {line}" for line in self.details)
        if self.torch_says:
            out.append(f"  torch says: {self.torch_says}")
        if self.hint:
            out.append(f"  {self.hint}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


class UnreadableValueError(LstmShapeError):
    """A value on the command line (or passed to the API) that is not a number or a shape."""

    exit_code = 2


class InvalidModuleError(LstmShapeError):
    """Constructor arguments that torch would refuse when building the module.

    ``argument`` names the constructor argument at fault (``hidden_size``), as torch's message does.
    """

    exit_code = 2

    def __init__(self, message: str, *, argument: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.argument = argument


class TensorMismatchError(LstmShapeError):
    """The module is valid, but a given tensor (input, h_0, c_0) does not fit it."""

    exit_code = 1


class ExpectationError(LstmShapeError, AssertionError):
    """A tensor's shape is not the one the user expected (``--expect``, ``assert_shapes``).

    An ``AssertionError`` too, so that a test framework reports it as a failed assertion.
    """

    exit_code = 1


class VerifyBudgetError(LstmShapeError):
    """--verify cannot run packed input on real tensors within its budget, even with small
    feature sizes (fake tensors cannot pack)."""

    exit_code = 2


class TorchNotInstalledError(LstmShapeError):
    """--verify was asked for, but torch is not installed or cannot be imported."""

    exit_code = 2


class VerificationError(LstmShapeError):
    """torch disagreed with lstmshape, or refused what lstmshape accepted: a bug in lstmshape."""

    exit_code = 1
