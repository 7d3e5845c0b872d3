"""Line breaking at scale: lstmshape's wrap against Python's textwrap, side by side, on a hint that
grows from 1,000 to 100,000 numbers (``Try --lengths 7,7,...``, what a batch of 100,000 sequences
asks for; the CLI snapshot holds three such runs).

    python benchmarks/wrapping.py [--runs 5]

lstmshape's rule (lstmshape/i18n/lines.py) knows more than textwrap (names, shapes, katakana,
kinsoku), so it costs more per character; what matters is that it stays linear. Before the
patterns of lines.py started only where their run starts, wrapping the 100,000-number hint took
minutes (each pattern rescanned the rest of the run from every digit). Targets: 10x the length
costs at most 15x the time; the 100,000-number hint wraps in under a second. The same for a
value of 1,000 to 100,000 unclosed brackets quoted back in an error.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import textwrap
import time
from collections.abc import Callable
from itertools import pairwise

from lstmshape.i18n import lines
from lstmshape.i18n.lines import wrap

SIZES = (1_000, 10_000, 100_000)


def _hint(count: int) -> str:
    return "Try --lengths " + ",".join(["7"] * count) + ": one length per sequence of the batch."


def _brackets(count: int) -> str:
    """A hostile value quoted back: ``count`` unclosed brackets (each one was once searched
    against every bracket still open)."""
    return "module: " + "(" * count + " is not one of LSTM, GRU or RNN."


def _median(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        lines._pieces.cache_clear()  # a text is cut once per process: time the cutting
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    failed = []
    for kind, make in (("numbers", _hint), ("brackets", _brackets)):
        failed += _timed(kind, make, args.runs)
    print("targets: growth <= 15x, 100,000 items < 1 s:", "missed" if failed else "met")
    return 1 if failed else 0


def _timed(kind: str, make: Callable[[int], str], runs: int) -> list[float]:
    """The table of one kind of text at each size; the growths and times that miss a target."""
    ours: dict[int, float] = {}
    print(f"{kind:>8}  {'lstmshape wrap':>15}  {'textwrap':>10}  {'ratio':>6}")
    for count in SIZES:
        text = make(count)
        ours[count] = _median(lambda text=text: wrap(text, 80, subsequent="    "), runs)
        theirs = _median(lambda text=text: textwrap.wrap(text, 80), runs)
        print(
            f"{count:>8}  {ours[count] * 1000:>12.1f} ms  {theirs * 1000:>7.1f} ms  "
            f"{ours[count] / theirs:>5.1f}x"
        )
    growth = [ours[b] / ours[a] for a, b in pairwise(SIZES)]
    print("growth for 10x the length: " + ", ".join(f"{g:.1f}x" for g in growth))
    return [g for g in growth if g > 15] + [t for t in [ours[SIZES[-1]]] if t > 1.0]


if __name__ == "__main__":
    sys.exit(main())
