"""The errors lstmshape raises for a user's mistake, as data.

Each error holds what is wrong (the tensor or argument at fault, what was expected, what was found),
the lines that explain it, torch's own sentence for the same fault when it has one (users search for
it), and the fixes as data inside its "Try ..." sentence. A front end words it in its voice
(:mod:`lstmshape.i18n.words`); ``str(error)`` is the Python voice. The library never prints.

An error speaks the language of the call that raised it (``explain(..., lang="ja")``), wherever it
is worded afterwards: ``str(error)`` outside the call included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import IntEnum
from typing import Any, ClassVar

from lstmshape.i18n import language, speaking, tr
from lstmshape.i18n.words import PYTHON, Fix, Text, Value, Voice, as_words


class ExitStatus(IntEnum):
    """What the command line exits with, one rule for every command (and the JSON's ``exit_code``)."""

    FINE = 0
    """Nothing wrong: the answer is yes (a report, a check that passed, an error explained)."""
    NEGATIVE = 1
    """A valid question with a negative answer: a tensor that does not fit, a shape that differs,
    torch disagreeing, a pasted text with nothing to explain."""
    UNREADABLE = 2
    """A value or a file that cannot be read (a usage error too), or a module torch would refuse
    to build."""


def exit_status(errors: Iterable[LstmShapeError] = ()) -> ExitStatus:
    """The exit status of a run that found ``errors``: the gravest one's (each error class holds
    its own), FINE for none. Every command's exit code is this function's answer."""
    return max((ExitStatus(error.exit_code) for error in errors), default=ExitStatus.FINE)


class LstmShapeError(Exception):
    """Base class of every error lstmshape raises for a user's input.

    ``exit_code`` is what the command line exits with (:class:`ExitStatus`): UNREADABLE (2) for an
    unreadable value or a module torch would refuse to build, NEGATIVE (1) for a valid module that a
    given tensor does not fit.
    """

    exit_code: ClassVar[int] = ExitStatus.UNREADABLE

    def __init__(
        self,
        message: Text,
        *,
        details: Sequence[Text] = (),
        torch_says: str | None = None,
        hint: Text | None = None,
        subject: str | None = None,
        expected: Value | None = None,
        actual: Value | None = None,
    ) -> None:
        self.lang = language()
        """The language the error is worded in: the one spoken where it was raised."""
        self.words = as_words(message)
        self.detail_words = tuple(as_words(line) for line in details)
        self.torch_says = torch_says
        self.hint_words = None if hint is None else as_words(hint)
        self.subject = subject
        """The tensor (``h_0``) or argument (``hidden_size``) at fault, when there is one."""
        self.expected = expected
        self.actual = actual
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The first line, in the Python voice."""
        with speaking(self.lang):
            return self.words.render(PYTHON)

    @property
    def hint(self) -> str | None:
        """The "Try ..." line, in the Python voice."""
        if self.hint_words is None:
            return None
        with speaking(self.lang):
            return self.hint_words.render(PYTHON)

    @property
    def fixes(self) -> tuple[Fix, ...]:
        """The fixes the hint proposes, as data, in its order."""
        return () if self.hint_words is None else self.hint_words.fixes

    def lines(self, voice: Voice = PYTHON) -> list[str]:
        """The message first, then the indented explanation, torch's wording and the hint."""
        with speaking(self.lang):
            out = [self.words.render(voice)]
            out.extend(f"  {line.render(voice)}" for line in self.detail_words)
            if self.torch_says:
                # torch's sentence is quoted as torch wrote it: users search for it.
                out.append(f"  {tr('torch says: {sentence}', sentence=self.torch_says)}")
            if self.hint_words is not None:
                out.append(f"  {self.hint_words.render(voice)}")
            return out

    def to_dict(self, voice: Voice = PYTHON) -> dict[str, Any]:
        """JSON view: the error's kind, its data, its sentences in ``voice``, and the fixes."""
        with speaking(self.lang):
            return self._fields(voice)

    def _fields(self, voice: Voice) -> dict[str, Any]:
        return {
            "error": type(self).__name__,
            "exit_code": int(self.exit_code),
            "subject": self.subject,
            "expected": _plain(self.expected),
            "actual": _plain(self.actual),
            "message": self.words.render(voice),
            "details": [line.render(voice) for line in self.detail_words],
            "torch_says": self.torch_says,
            "hint": None if self.hint_words is None else self.hint_words.render(voice),
            "fixes": [
                {change.argument: _plain(change.value) for change in fix.changes}
                for fix in self.fixes
            ],
        }

    def with_words(
        self, *, details: Sequence[Text] | None = None, hint: Text | None = None
    ) -> LstmShapeError:
        """The same error with other explanation lines or another hint (same class and data)."""
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        if details is not None:
            clone.detail_words = tuple(as_words(line) for line in details)
        if hint is not None:
            clone.hint_words = as_words(hint)
        Exception.__init__(clone, clone.message)
        return clone

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _plain(value: Value | None) -> Any:
    return list(value) if isinstance(value, tuple) else value


class UnreadableValueError(LstmShapeError):
    """A value (from the command line, a spec file or the API) that is not a number or a shape.

    ``problem`` says what is wrong with the text alone (``axis 1 is empty``), so that each front end
    can place it after its own way of quoting the value.
    """

    exit_code = ExitStatus.UNREADABLE

    def __init__(self, message: Text, *, problem: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.problem = problem


class InvalidModuleError(LstmShapeError):
    """Constructor arguments that torch would refuse when building the module.

    ``argument`` names the constructor argument at fault (``hidden_size``), as torch's message does.
    """

    exit_code = ExitStatus.UNREADABLE

    def __init__(self, message: Text, *, argument: str, **kwargs: Any) -> None:
        kwargs.setdefault("subject", argument)
        super().__init__(message, **kwargs)
        self.argument = argument


class TensorMismatchError(LstmShapeError):
    """The module is valid, but a given tensor (input, h_0, c_0) does not fit it."""

    exit_code = ExitStatus.NEGATIVE
    causes: tuple[str, ...] = ()
    """The ids of the likely causes, most likely first, where the diagnosis names them
    (``smaller_last_batch``, ``batch_first_forgotten``): the same ids ``why`` gives."""


class ExpectationError(LstmShapeError, AssertionError):
    """A tensor's shape is not the one the user expected (an expectation, ``assert_shapes``).

    An ``AssertionError`` too, so that a test framework reports it as a failed assertion.
    """

    exit_code = ExitStatus.NEGATIVE


class VerifyBudgetError(LstmShapeError):
    """verify cannot run packed input on real tensors within its budget, even with small feature
    sizes (fake tensors cannot pack)."""

    exit_code = ExitStatus.UNREADABLE


class TraceBudgetError(LstmShapeError):
    """trace needs a real run (torch makes a shape from values, which fake tensors do not carry),
    and the model, its inputs and its activations would pass the memory budget."""

    exit_code = ExitStatus.UNREADABLE


class TorchNotInstalledError(LstmShapeError):
    """verify was asked for, but torch is not installed or cannot be imported."""

    exit_code = ExitStatus.UNREADABLE


class VerificationError(LstmShapeError):
    """torch disagreed with lstmshape, or refused what lstmshape accepted: a bug in lstmshape."""

    exit_code = ExitStatus.NEGATIVE


class CheckpointError(UnreadableValueError):
    """A checkpoint file lstmshape cannot read: missing, not a checkpoint, damaged or cut short, or
    a header larger than lstmshape reads. The message names the file."""

    exit_code = ExitStatus.UNREADABLE


class UnsafeCheckpointError(LstmShapeError):
    """A checkpoint that names globals outside torch's weights_only allowlist. None of them ran;
    torch.load(weights_only=True) refuses the file too."""

    exit_code = ExitStatus.NEGATIVE


class InconsistentWeightsError(LstmShapeError):
    """Parameters named as a recurrent module's whose shapes no torch module has together."""

    exit_code = ExitStatus.NEGATIVE


class ConfigMismatchError(LstmShapeError):
    """A checkpoint's module differs from the one it was compared with (another checkpoint, or the
    arguments given): load_state_dict would refuse one into the other."""

    exit_code = ExitStatus.NEGATIVE


class ForwardError(LstmShapeError):
    """A model's forward pass failed while lstmshape traced it: which module raised, the line that
    called it, torch's sentence, and lstmshape's explanation with the fix."""

    exit_code = ExitStatus.NEGATIVE
