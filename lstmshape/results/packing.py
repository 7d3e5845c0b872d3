"""How a padded input was packed with pack_padded_sequence: the lengths, and the batch_sizes torch
computes from them (in closed form: a run of steps per distinct length, never built whole).

Plain, frozen data, under a report's ``packing`` (its JSON: the ``"packed"`` key).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lstmshape.i18n import tr
from lstmshape.i18n.numbers import number
from lstmshape.i18n.text import short_list
from lstmshape.results.contract import JSONDict


@dataclass(frozen=True)
class Packing:
    """How the padded input was packed with pack_padded_sequence."""

    lengths: tuple[int, ...]
    enforce_sorted: bool

    @property
    def total(self) -> int:
        """sum(lengths): the rows of the packed data."""
        return sum(self.lengths)

    @property
    def longest(self) -> int:
        """max(lengths): the steps of batch_sizes, and of what pad_packed_sequence gives back."""
        return max(self.lengths)

    def runs(self) -> tuple[tuple[int, int], ...]:
        """batch_sizes run-length encoded, in closed form: (sequences still running, for how many
        steps), from the first step on. At most one run per distinct length."""
        runs = []
        step = 0
        running = len(self.lengths)
        for length, ending in sorted(Counter(self.lengths).items()):
            if length > step:
                runs.append((running, length - step))
                step = length
            running -= ending
        return tuple(runs)

    @property
    def batch_sizes(self) -> tuple[int, ...]:
        """How many sequences are still running at each step, as torch's batch_sizes holds them
        (max(lengths) values: ``runs()`` says the same in at most len(lengths) pairs)."""
        return tuple(size for size, steps in self.runs() for _ in range(steps))

    def batch_sizes_text(self) -> str:
        """batch_sizes as Python prints it, the middle of a long one left out, never built whole."""
        if self.longest <= BATCH_SIZES_LISTED:
            return short_list(self.batch_sizes)
        head: list[int] = []
        for size, steps in self.runs():
            head += [size] * min(steps, 6 - len(head))
            if len(head) == 6:
                break
        last = self.runs()[-1][0]
        listed = f"[{', '.join(map(str, head))}, ..., {last}, {last}]"  # Python's list, as code
        return tr("{listed} ({count} values)", listed=listed, count=number(self.longest))

    def to_dict(self) -> JSONDict:
        """JSON view, under the report's ``"packed"`` key."""
        return {
            "lengths": list(self.lengths),
            "enforce_sorted": self.enforce_sorted,
            "sum_lengths": self.total,
            "max_length": self.longest,
            # Listed up to BATCH_SIZES_LISTED steps; the runs say it for any length.
            "batch_sizes": list(self.batch_sizes) if self.longest <= BATCH_SIZES_LISTED else None,
            "batch_sizes_runs": [list(run) for run in self.runs()],
        }


# batch_sizes has one value per step: listed in full up to this many steps.
BATCH_SIZES_LISTED = 4096
