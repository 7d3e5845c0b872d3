"""``lstmshape why`` against the explain path's start-up and against grep, side by side in one run.

    python benchmarks/why_log.py [--runs 11]

Four commands, each in its own process (timing.py: interleaved, after a warm-up run):

- ``lstmshape why "<torch's sentence>"``: one pasted error; target within 1.10x of the explain
  path's start-up (``lstmshape --input 4,3,10 --hidden 20 --layers 2``): why reads text, no torch.
- ``lstmshape why --file`` a 10 MB and a 100 MB training log (progress lines, tracebacks, the
  sentence at the end), against ``grep -F`` finding the same sentence in the same file: the floor
  of reading a file for one string. Reported, with the time per MB above the one-line case.
- ``lstmshape why --file`` a log of 200,000 distinct sentences of torch's (15 MB): why keeps at
  most 100 distinct sentences and counts the rest, so its memory stays bounded; target under
  100 MiB peak.

The logs are written to a temporary directory and deleted at the end. Run it in an environment with
lstmshape installed: pip install -e ".[bench]".
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from timing import (
    byte_compile_lstmshape,
    check_ratios,
    lstmshape_command,
    median_peak,
    median_seconds,
    print_table,
    run_interleaved,
)

SENTENCE = "RuntimeError: Expected hidden[0] size (2, 4, 256), got [2, 32, 256]"
MISSION = ["--input", "4,3,10", "--hidden", "20", "--layers", "2"]
# A training log: progress lines, and a long traceback that ends in a sentence of torch's
# (another layer's), repeated; the error this run ended with comes last.
_STEP = "epoch 3 step {i:>6}: loss 0.6931 lr 1e-3 grad-norm 1.25 tokens/s 51234\n"
_TRACEBACK = (
    "Traceback (most recent call last):\n"
    + '  File "train.py", line 88, in step\n    output, (h_n, c_n) = model(x, (h_0, c_0))\n' * 20
    + "RuntimeError: input.size(-1) must be equal to input_size. Expected 300, got 768\n"
)


def write_log(path: Path, megabytes: int) -> None:
    block = "".join(_STEP.format(i=i) for i in range(2000)) + _TRACEBACK
    with path.open("w") as out:
        for _ in range(megabytes * 2**20 // len(block)):
            out.write(block)
        out.write(SENTENCE + "\n")


def write_distinct(path: Path, count: int = 200_000) -> None:
    # Written line by line: this process's memory would count in each child's peak (fork).
    line = "step {i}: RuntimeError: Expected hidden size (1, 1, 3), got [1, {n}, 3]\n"
    with path.open("w") as out:
        for i in range(count):
            out.write(line.format(i=i, n=i + 2))


DISTINCT = "lstmshape why --file (200,000 distinct)"
PEAK_LIMIT = 100 * 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    byte_compile_lstmshape()
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "lstmshape (explain)": [*lstmshape_command(), *MISSION],
            "lstmshape why (one sentence)": [*lstmshape_command(), "why", SENTENCE],
        }
        for megabytes in (10, 100):
            log = Path(tmp) / f"train-{megabytes}.log"
            write_log(log, megabytes)
            commands[f"lstmshape why --file ({megabytes} MB)"] = [
                *lstmshape_command(), "why", "--file", str(log)
            ]  # fmt: skip
            commands[f"grep -F ({megabytes} MB)"] = [
                "grep",
                "-F",
                "-c",
                "Expected hidden",
                str(log),
            ]
        distinct = Path(tmp) / "distinct.log"
        write_distinct(distinct)
        commands[DISTINCT] = [*lstmshape_command(), "why", "--file", str(distinct)]
        samples = run_interleaved(commands, args.runs)
    print_table(samples, args.runs)
    one = median_seconds(samples["lstmshape why (one sentence)"])
    for megabytes in (10, 100):
        read = median_seconds(samples[f"lstmshape why --file ({megabytes} MB)"]) - one
        print(f"{megabytes} MB log: {read * 1000 / megabytes:.1f} ms per MB above start-up")
    peak = median_peak(samples["lstmshape why --file (100 MB)"]) / 2**20
    print(f"peak memory, 100 MB log: {peak:.0f} MiB")
    print("targets")
    targets = [("lstmshape why (one sentence)", "lstmshape (explain)", "<=", 1.10)]
    missed = check_ratios(samples, targets)
    bounded = median_peak(samples[DISTINCT])
    ok = bounded < PEAK_LIMIT
    print(
        f"  {DISTINCT}: peak {bounded / 2**20:.0f} MiB (target < 100 MiB) {'met' if ok else 'MISSED'}"
    )
    return 1 if missed or not ok else 0


if __name__ == "__main__":
    sys.exit(main())
