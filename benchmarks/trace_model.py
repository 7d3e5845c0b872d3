"""``lstmshape trace`` on a model-sized model against a bare ``python -c "import torch"``, side by
side in one run.

    python benchmarks/trace_model.py [--runs 7]

The model is examples.models:large_tagger: an Embedding of 200,000 x 4,096, a bidirectional
nn.LSTM(4096, 8192) and a Linear to 200,000 tags, about 4.9 billion parameters (18 GiB in
float32), on a batch of 64 sequences of 512 token ids. Targets: at most 3x the bare torch import's
median wall time, and under 500 MiB peak memory (the process's maximum resident set). The small
tagger is shown beside: the model's size does not count.

Run it from the repository, in an environment with lstmshape installed: pip install -e ".[bench]".
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from timing import (
    PY,
    byte_compile_lstmshape,
    check_ratios,
    lstmshape_command,
    median_peak,
    print_table,
    run_interleaved,
)

BARE = 'python -c "import torch"'
LARGE = "trace large_tagger (4.9e9 parameters)"
COMMANDS: dict[str, list[str]] = {
    BARE: [PY, "-c", "import torch"],
    LARGE: [
        *lstmshape_command(),
        "trace",
        "examples.models:large_tagger",
        "--input",
        "64,512",
        "--input-dtype",
        "long",
    ],
    "trace tagger": [
        *lstmshape_command(),
        *("trace", "examples.models:tagger", "--input", "8,5", "--input-dtype", "long"),
    ],
}
PEAK_LIMIT = 500 * 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.chdir(Path(__file__).resolve().parent.parent)  # examples.models is imported from here
    byte_compile_lstmshape()
    samples = run_interleaved(COMMANDS, args.runs)
    print_table(samples, args.runs)
    print("targets")
    missed = check_ratios(samples, [(LARGE, BARE, "<=", 3.0)])
    peak = median_peak(samples[LARGE])
    ok = peak < PEAK_LIMIT
    missed += not ok
    print(f"  {LARGE}: peak {peak / 2**20:.0f} MiB (target < 500 MiB) {'met' if ok else 'MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
