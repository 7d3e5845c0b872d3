"""A section as aligned plain text that fits a width: the columns of words and formulas wrap
within their column (never inside a name, a shape or a number: lstmshape.i18n.lines); where even
that cannot fit, each row is written as a small block, one ``column: value`` line each.

Padded by the columns a cell takes, not its characters: a Japanese character takes two.
"""

from __future__ import annotations

from lstmshape.i18n.lines import widest_piece, wrap
from lstmshape.i18n.text import cells, pad
from lstmshape.i18n.typography import labelled
from lstmshape.views.section import Section

# Two spaces between columns.
GAP = 2
# A column of words gets at least this many columns (or its natural width) before the formulas
# beside it are kept whole: words broken into a narrow column read worse than a wrapped formula.
MIN_WORDS = 20


def section_lines(section: Section, width: int | None) -> list[str]:
    """The section's title, its table (aligned, or rows as blocks), its caption; no blank line.
    ``width`` None: the table as wide as its cells, titles and captions unwrapped."""
    natural = [
        max(cells(row[i]) for row in (section.columns, *section.rows))
        for i in range(len(section.columns))
    ]
    widths = natural if width is None else fitted(section, natural, width)
    lines = _wrapped(section.title, width) if section.title else []
    if widths is None:
        assert width is not None
        lines += blocks(section, width)
    else:
        for row in (section.columns, *section.rows):
            lines += _row_lines(section, row, widths)
    for caption in section.caption.split("\n") if section.caption else ():
        lines += _wrapped(caption, width)
    return lines


def _wrapped(text: str, width: int | None) -> list[str]:
    return [text] if width is None else wrap(text, width) or [""]


def fitted(section: Section, natural: list[int], width: int) -> list[int] | None:
    """Column widths that fit ``width``: the columns of words and formulas narrowed, no further
    than their widest piece; None if even that is too wide."""
    count = len(natural)
    if sum(natural) + GAP * (count - 1) <= width:
        return natural
    flexible = [i for i in range(count) if i in section.words or i in section.formulas]
    least = {
        i: max(widest_piece(text) for text in (section.columns[i], *(r[i] for r in section.rows)))
        for i in flexible
    }
    widths = [least.get(i, natural[i]) for i in range(count)]
    left = width - sum(widths) - GAP * (count - 1)
    if left < 0:
        return None
    prose = [i for i in flexible if i not in section.formulas]
    formulas = [i for i in flexible if i in section.formulas]
    # Words first up to a readable width, then the formulas whole, then the words at full width.
    readable = {i: min(natural[i], max(least[i], MIN_WORDS)) for i in prose}
    targets: list[tuple[list[int], dict[int, int] | list[int]]] = [
        (prose, readable),
        (formulas, natural),
        (prose, natural),
    ]
    for columns, target in targets:
        for i in columns:
            given = min(max(target[i] - widths[i], 0), left)
            widths[i] += given
            left -= given
    return widths


def _row_lines(section: Section, row: tuple[str, ...], widths: list[int]) -> list[str]:
    """One row: each cell wrapped in its column, the cells' lines side by side."""
    parts = [
        wrap(cell, w) or [""] if cells(cell) > w else [cell]
        for cell, w in zip(row, widths, strict=True)
    ]
    height = max(len(p) for p in parts)
    lines = []
    for k in range(height):
        padded = (
            pad(p[k] if k < len(p) else "", w, right=i in section.numeric)
            for i, (p, w) in enumerate(zip(parts, widths, strict=True))
        )
        lines.append((" " * GAP).join(padded).rstrip())
    return lines


def blocks(section: Section, width: int) -> list[str]:
    """Each row as a block: its first cell, then ``column: value`` for the others, indented."""
    lines: list[str] = []
    for row in section.rows:
        lines += wrap(row[0], width) or [""]
        for column, cell in zip(section.columns[1:], row[1:], strict=True):
            lines += wrap(labelled(column, cell), width, indent="  ", subsequent="    ")
    return lines
