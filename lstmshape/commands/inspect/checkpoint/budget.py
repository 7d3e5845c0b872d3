"""What lstmshape builds of one pickle, at most: the budget the unpickler enforces as it reads.

A pickle of a few hundred bytes can ask for gigabytes (a memo index of 100,000,000), or for work
that never ends (a tuple that holds the same tuple twice, sixty times over, hashes 2^60 elements:
pickle's "billion laughs"). The unpickler counts as it builds, sharing included, and stops at the
first limit with :class:`OverBudget`. A torch state_dict takes some 20 opcodes, 10 objects, a nesting
of 5 and tuples of 10 elements a tensor: the limits are a hundred times what the largest real
checkpoints need, and small enough to keep any file under 10 s and 300 MiB (docs/inspect.md).
"""

from __future__ import annotations

MAX_OPCODES = 1_000_000
"""Opcodes read: each costs time even when it builds nothing."""
MAX_OBJECTS = 1_000_000
"""Objects built and references kept (an item in a list, an entry in a dict, a memo entry)."""
MAX_DEPTH = 200
"""Containers inside containers: a whole-model pickle nests some 4 a module."""
MAX_SPREAD = 1_000_000
"""Elements of one tuple or frozenset counted with sharing: what hashing it visits."""
MAX_HASHED = 20_000_000
"""Elements hashed, all keys together (a key held a million times is hashed a million times)."""
MAX_GLOBALS = 10_000
"""Distinct globals a pickle names (a model names a few dozen classes)."""
MAX_INT_BYTES = 256
"""Bytes of one integer (torch's magic number takes 10)."""


class OverBudget(Exception):
    """The pickle asks for more than the budget: ``what`` names the limit, ``limit`` its figure."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(what, limit)
        self.what = what
        self.limit = limit
