"""--deploy's cost, side by side with what it replaces.

    python benchmarks/deploy.py [--runs 9] [--verify-runs 3]

- ``--deploy`` without ``--verify`` against the explain path (``lstmshape --input 4,3,10 --hidden
  20 --layers 2``): it reads a table and imports nothing more (target <= 1.10x).
- ``--deploy --verify`` against benchmarks/deploy_by_hand.py, the same exports and runs written by
  hand: what proving every target costs over doing it yourself (target <= 1.5x).

Each command runs interleaved after a warm-up run (timing.py); medians and ratios are printed. Run
it in an environment with lstmshape installed: pip install -e ".[test]".
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
    print_table,
    run_interleaved,
)

HERE = Path(__file__).resolve().parent
MISSION = ["--input", "4,3,10", "--hidden", "20", "--layers", "2"]

FAST = {
    "lstmshape (explain)": [*lstmshape_command(), *MISSION],
    "lstmshape --deploy": [*lstmshape_command(), *MISSION, "--deploy"],
}
SLOW = {
    "lstmshape --deploy --verify": [*lstmshape_command(), *MISSION, "--deploy", "--verify"],
    "the same by hand": [PY, str(HERE / "deploy_by_hand.py")],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--verify-runs", type=int, default=3)
    args = parser.parse_args()
    byte_compile_lstmshape()
    fast = run_interleaved(FAST, args.runs)
    print_table(fast, args.runs)
    slow = run_interleaved(SLOW, args.verify_runs)
    print_table(slow, args.verify_runs)
    print("targets")
    failed = check_ratios(fast, [("lstmshape --deploy", "lstmshape (explain)", "<=", 1.10)])
    failed += check_ratios(slow, [("lstmshape --deploy --verify", "the same by hand", "<=", 1.5)])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
