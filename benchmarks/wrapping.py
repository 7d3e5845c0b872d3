"""Line breaking at scale: lstmshape's wrap against Python's textwrap, side by side, on a hint that
grows from 1,000 to 100,000 numbers (``Try --lengths 7,7,...``, what a batch of 100,000 sequences
asks for; the CLI snapshot holds three such runs).

    python benchmarks/wrapping.py [--runs 5]

lstmshape's rule (lstmshape/i18n/lines.py) knows more than textwrap (names, shapes, katakana,
kinsoku), so it costs more per character; what matters is that it stays linear. Before the
patterns of lines.py started only where their run starts, wrapping the 100,000-number hint took
minutes (each pattern rescanned the rest of the run from every digit). Targets: 10x the length
costs at most 15x the time; the 100,000-number hint wraps in under a second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import textwrap
import time
from collections.abc import Callable
from itertools import pairwise

from lstmshape.i18n.lines import wrap

SIZES = (1_000, 10_000, 100_000)


def _hint(count: int) -> str:
    return "Try --lengths " + ",".join(["7"] * count) + ": one length per sequence of the batch."


def _median(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ours: dict[int, float] = {}
    print(f"{'numbers':>8}  {'lstmshape wrap':>15}  {'textwrap':>10}  {'ratio':>6}")
    for count in SIZES:
        text = _hint(count)
        ours[count] = _median(lambda text=text: wrap(text, 80, subsequent="    "), args.runs)
        theirs = _median(lambda text=text: textwrap.wrap(text, 80), args.runs)
        print(
            f"{count:>8}  {ours[count] * 1000:>12.1f} ms  {theirs * 1000:>7.1f} ms  "
            f"{ours[count] / theirs:>5.1f}x"
        )
    growth = [ours[b] / ours[a] for a, b in pairwise(SIZES)]
    print("growth for 10x the length: " + ", ".join(f"{g:.1f}x" for g in growth))
    failed = [g for g in growth if g > 15] + [t for t in [ours[SIZES[-1]]] if t > 1.0]
    print("targets: growth <= 15x, 100,000 numbers < 1 s:", "missed" if failed else "met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
