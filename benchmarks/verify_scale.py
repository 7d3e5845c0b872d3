"""--verify at production scale against a bare ``python -c "import torch"``, side by side in one run.

    python benchmarks/verify_scale.py [--runs 7]

The configurations of issue 4: the mission example, and ``--input 100000,512,4096 --hidden 8192
--layers 4 --bidirectional`` (an output of about 3 TiB in float32) as an LSTM, with --proj-size 1024,
and as a GRU; and deep stacks (a GRU of 2,000 and 5,000 layers, which took 5 to 14 s before the plan
counted layers). Targets: each at most 2x the bare torch import's median wall time, and under
500 MiB peak memory (the process's maximum resident set).

Run it in an environment with lstmshape installed: pip install -e ".[bench]".
"""

from __future__ import annotations

import argparse
import sys

from timing import (
    PY,
    byte_compile_lstmshape,
    check_ratios,
    lstmshape_command,
    median_peak,
    print_table,
    run_interleaved,
)

MISSION = ["--input", "4,3,10", "--hidden", "20", "--layers", "2"]
LARGE = ["--input", "100000,512,4096", "--hidden", "8192", "--layers", "4", "--bidirectional"]
DEEP = ["--module", "GRU", "--input", "4,3,10", "--hidden", "20", "--layers"]
BARE = 'python -c "import torch"'

COMMANDS: dict[str, list[str]] = {
    BARE: [PY, "-c", "import torch"],
    "mission --verify": [*lstmshape_command(), *MISSION, "--verify"],
    "large LSTM --verify": [*lstmshape_command(), *LARGE, "--verify"],
    "large LSTM --proj-size 1024 --verify": [
        *lstmshape_command(),
        *LARGE,
        "--proj-size",
        "1024",
        "--verify",
    ],
    "large GRU --verify": [*lstmshape_command(), *LARGE, "--module", "GRU", "--verify"],
    "GRU of 2,000 layers --verify": [*lstmshape_command(), *DEEP, "2000", "--verify"],
    "GRU of 5,000 layers --verify": [*lstmshape_command(), *DEEP, "5000", "--verify"],
}
PEAK_LIMIT = 500 * 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    byte_compile_lstmshape()
    samples = run_interleaved(COMMANDS, args.runs)
    print_table(samples, args.runs)
    print("targets")
    missed = check_ratios(samples, [(name, BARE, "<=", 2.0) for name in COMMANDS if name != BARE])
    for name, values in samples.items():
        if name == BARE:
            continue
        peak = median_peak(values)
        ok = peak < PEAK_LIMIT
        missed += not ok
        print(
            f"  {name}: peak {peak / 2**20:.0f} MiB (target < 500 MiB) {'met' if ok else 'MISSED'}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
