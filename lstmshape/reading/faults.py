"""The faults of reading a user's input that no reader foresaw, said as lstmshape's own error.

Each reader refuses what it knows to be wrong with its own sentence. What is left is what Python
raises while reading a stranger's bytes: an integer of more than 4,300 digits (``ValueError``),
nesting deeper than the interpreter recurses (``RecursionError``), a size no machine holds
(``MemoryError``, ``OverflowError``), a disk that fails (``OSError``). :func:`reading` is the one
place they become an :class:`~lstmshape.errors.UnreadableValueError` naming the input (exit 2):
it wraps reading only, never the computation after it, so a bug of lstmshape stays a bug.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from lstmshape.errors import LstmShapeError, UnreadableValueError
from lstmshape.i18n import tr
from lstmshape.i18n.words import words

# What reading untrusted input can raise besides the readers' own errors.
INPUT_FAULTS = (ValueError, OverflowError, RecursionError, MemoryError, OSError, EOFError)


@contextmanager
def reading(name: str, *, subject: str | None = None) -> Iterator[None]:
    """Read ``name`` (a path, or a description of the input) inside this block: a fault of the
    input is refused as ``{name}: cannot be read: ...`` (exit 2)."""
    try:
        yield
    except LstmShapeError:
        raise
    except INPUT_FAULTS as fault:
        raise unreadable(name, fault, subject) from None


def unreadable(name: str, fault: BaseException, subject: str | None = None) -> LstmShapeError:
    """The error for input that made Python itself give up reading it."""
    if isinstance(fault, RecursionError):
        reason = tr("it nests deeper than lstmshape reads")
    elif isinstance(fault, (MemoryError, OverflowError)):
        reason = tr("it asks for more memory than lstmshape gives one input")
    elif isinstance(fault, OSError):
        reason = str(fault.strerror or fault)  # Python's words for the fault, quoted as they are
    else:
        reason = str(fault) or type(fault).__name__
    return UnreadableValueError(
        words("{name}: cannot be read: {reason}.", name=name, reason=reason),
        hint=words("Try the file as the program that wrote it saved it, or a smaller one."),
        subject=subject,
    )
