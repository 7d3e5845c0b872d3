"""How shapes and sizes are written in every view and message: ``(4, 3, 10)``, ``23.1 KiB``."""

from __future__ import annotations


def format_shape(shape: tuple[int, ...]) -> str:
    """A shape as torch users write it: ``(4, 3, 10)``; one dimension keeps its comma: ``(80,)``."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(d) for d in shape) + ")"


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
