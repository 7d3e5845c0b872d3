"""Two state_dicts of one model saved two ways: the same keys under another prefix. DataParallel
adds ``module.``, torch.compile ``_orig_mod.``, a Lightning module ``model.`` (its attribute's
name), a wrapper ``encoder.``: one rename of the keys loads one into the other, said as code."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rename:
    """Ours' keys start with ``old`` where theirs start with ``new`` (either may be empty)."""

    old: str
    new: str

    def apply(self, key: str) -> str:
        """``key`` as the other side names it."""
        return self.new + key.removeprefix(self.old)

    def code(self, source: str) -> str:
        """The rename as Python, from ``source`` (``checkpoint["state_dict"]``) to ``state_dict``."""
        key = f"k.removeprefix({json.dumps(self.old)})" if self.old else "k"
        if self.new:
            key = f"{json.dumps(self.new)} + {key}"
        return f"state_dict = {{{key}: v for k, v in {source}.items()}}"


def _parts(name: str) -> list[str]:
    return name.split(".") if name else []


def _candidate(ours: str, theirs: str) -> Rename:
    """The prefixes left once the longest common dotted ending of two module names is taken off:
    ``module.encoder.lstm`` and ``encoder.lstm`` -> ``module.`` and ``""``."""
    a, b = _parts(ours), _parts(theirs)
    common = 0
    while common < min(len(a), len(b)) and a[len(a) - 1 - common] == b[len(b) - 1 - common]:
        common += 1
    old, new = a[: len(a) - common], b[: len(b) - common]
    return Rename("".join(p + "." for p in old), "".join(p + "." for p in new))


def find_rename(ours: Sequence[str], theirs: Sequence[str]) -> Rename | None:
    """The one prefix rename that maps every module name of ``ours`` onto one of ``theirs``, each
    once; None when the names already match or no single rename does it."""
    if not ours or len(ours) != len(theirs) or set(ours) == set(theirs):
        return None
    # A module keeps its own name under a wrapper: ``lstm`` and ``gru`` are two modules, not one
    # renamed; only a bare module (name "") has no name to keep.
    tried = Counter(
        _candidate(a, b)
        for a in ours
        for b in theirs
        if not a or not b or a.rpartition(".")[2] == b.rpartition(".")[2]
    )
    for rename, _ in tried.most_common():
        if not rename.old and not rename.new:
            continue
        if all(_under(name, rename.old) for name in ours) and sorted(
            _renamed(rename, name) for name in ours
        ) == sorted(theirs):
            return rename
    return None


def _keys_prefix(name: str) -> str:
    """What a module's keys start with: ``encoder.lstm.``, or nothing at the top level."""
    return name + "." if name else ""


def _under(name: str, prefix: str) -> bool:
    return _keys_prefix(name).startswith(prefix)


def _renamed(rename: Rename, name: str) -> str:
    return rename.apply(_keys_prefix(name)).removesuffix(".")


def renamed_module(rename: Rename, name: str) -> str:
    """The name of ours' module ``name`` on the other side."""
    return _renamed(rename, name)
