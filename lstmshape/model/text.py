"""How shapes and sizes are written in every view and message: ``(4, 3, 10)``, ``23.1 KiB``."""

from __future__ import annotations

# A longer list of sizes is written with its middle left out: a million-axis shape typed by mistake
# must not come back as a million numbers.
_WRITTEN_WHOLE = 12


def format_shape(shape: tuple[int, ...]) -> str:
    """A shape as torch users write it: ``(4, 3, 10)``; one dimension keeps its comma: ``(80,)``."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + _items(shape) + ")"


def plural(n: int, word: str) -> str:
    """``step`` for 1, ``steps`` for any other count."""
    return word if n == 1 else f"{word}s"


def short_list(values: tuple[int, ...]) -> str:
    """A list as Python prints it, with the middle of a long one left out."""
    return "[" + _items(values) + "]"


def _items(values: tuple[int, ...]) -> str:
    if len(values) <= _WRITTEN_WHOLE:
        return ", ".join(map(str, values))
    head = ", ".join(map(str, values[:6]))
    return f"{head}, ..., {values[-2]}, {values[-1]} ({len(values):,} values)"


def size_text(nbytes: int) -> str:
    """Bytes as people read them: ``640 B``, ``23.1 KiB``, ``402.7 GiB`` (binary units)."""
    if nbytes < 1024:
        return f"{nbytes:,} B"
    value = float(nbytes)
    units = ("KiB", "MiB", "GiB", "TiB", "PiB")
    for unit in units[:-1]:
        value /= 1024
        if value < 1024:
            return f"{value:.1f} {unit}"
    return f"{value / 1024:,.1f} {units[-1]}"


def aligned(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows of cells as aligned lines (two spaces between columns, no trailing spaces): a table
    that reads in a plain message, such as a failed assertion in pytest's output."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
