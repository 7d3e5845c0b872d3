"""One table of a view, independent of how it is drawn; and how deep stacks are shortened."""

from __future__ import annotations

from dataclasses import dataclass

# Up to this many layers every layer is listed; a deeper stack lists layers 0, 1 and the last,
# since every layer above the first repeats layer 1's shapes (JSON always lists all of them).
LAYERS_LISTED = 4


def listed_layers(num_layers: int) -> list[int]:
    """The layers a view shows: all of a short stack; 0, 1 and the last of a deep one."""
    if num_layers <= LAYERS_LISTED:
        return list(range(num_layers))
    return [0, 1, num_layers - 1]


@dataclass(frozen=True)
class Section:
    """One table of the report, independent of how it is drawn."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric: tuple[int, ...] = ()
    """Indexes of columns to right-align."""
    words: tuple[int, ...] = ()
    """Indexes of columns of words, which may wrap; the others (names, shapes, numbers, verdicts)
    are never wrapped or cut."""
    formulas: tuple[int, ...] = ()
    """Indexes of word columns holding formulas: kept on one line down to 80 columns."""
    shapes: tuple[int, ...] = ()
    """Indexes of columns of shapes, drawn in cyan (as are columns headed in English "shape",
    "expected", "computed", "lstmshape" or "torch")."""
    passed: tuple[str, ...] = ()
    """Verdicts drawn in green, as said in the language spoken (besides "ok" and "agrees")."""
    failed: tuple[str, ...] = ()
    """Verdicts drawn in red (besides "MISMATCH" and "DISAGREES")."""
    part: str = ""
    """What the section shows, for the views that pick some: ``cost``, ``expectations``."""
