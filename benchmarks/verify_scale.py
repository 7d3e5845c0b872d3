"""--verify at production scale against a bare ``python -c "import torch"``, side by side in one run.

    python benchmarks/verify_scale.py [--runs 7]

The configurations of issue 4: the mission example, and ``--input 100000,512,4096 --hidden 8192
--layers 4 --bidirectional`` (an output of about 3 TiB in float32) as an LSTM, with --proj-size 1024,
and as a GRU; and deep stacks (a GRU of 2,000 and 5,000 layers, which took 5 to 14 s before the plan
counted layers). Targets: each at most 2x the bare torch import's median wall time, and under
500 MiB peak memory (the process's maximum resident set).

With --baseline DIR (a checkout of another commit), the mission example, the large
configurations and the GRU of 2,000 layers also run from that checkout (``python -m lstmshape``
in it), side by side with this one's (the 5,000 layers are left out: before the plan
counted layers they took minutes).

Run it in an environment with lstmshape installed: pip install -e ".[bench]".
"""

from __future__ import annotations

import argparse
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

MISSION = ["--input", "4,3,10", "--hidden", "20", "--layers", "2"]
LARGE = ["--input", "100000,512,4096", "--hidden", "8192", "--layers", "4", "--bidirectional"]
DEEP = ["--module", "GRU", "--input", "4,3,10", "--hidden", "20", "--layers"]
BARE = 'python -c "import torch"'

# The arguments of each lstmshape command measured.
ARGUMENTS: dict[str, list[str]] = {
    "mission --verify": [*MISSION, "--verify"],
    "large LSTM --verify": [*LARGE, "--verify"],
    "large LSTM --proj-size 1024 --verify": [*LARGE, "--proj-size", "1024", "--verify"],
    "large GRU --verify": [*LARGE, "--module", "GRU", "--verify"],
    "GRU of 2,000 layers --verify": [*DEEP, "2000", "--verify"],
    "GRU of 5,000 layers --verify": [*DEEP, "5000", "--verify"],
}
COMMANDS: dict[str, list[str]] = {
    BARE: [PY, "-c", "import torch"],
    **{name: [*lstmshape_command(), *args] for name, args in ARGUMENTS.items()},
}
PEAK_LIMIT = 500 * 2**20
HERE = Path(__file__).resolve().parent


def from_checkout(root: Path, args: list[str]) -> list[str]:
    """lstmshape with ``args``, as ``python -m lstmshape`` from the checkout at ``root``. Run in
    that directory: ``-m`` puts the working directory first on sys.path, before PYTHONPATH."""
    return ["env", f"--chdir={root.resolve()}", f"PYTHONPATH={root.resolve()}", PY, "-m",
            "lstmshape", *args]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", type=Path, help="a checkout of another commit to compare")
    args = parser.parse_args()
    byte_compile_lstmshape()
    commands = dict(COMMANDS)
    if args.baseline is not None:
        byte_compile_lstmshape(args.baseline / "lstmshape")
        for name, arguments in ARGUMENTS.items():
            if "5,000" not in name:
                commands[f"{name}, this checkout"] = from_checkout(HERE.parent, arguments)
                commands[f"{name}, baseline"] = from_checkout(args.baseline, arguments)
    samples = run_interleaved(commands, args.runs)
    print_table(samples, args.runs)
    print("targets")
    missed = check_ratios(samples, [(name, BARE, "<=", 2.0) for name in COMMANDS if name != BARE])
    for name, values in samples.items():
        if name not in COMMANDS or name == BARE:
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
