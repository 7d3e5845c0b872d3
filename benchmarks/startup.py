"""Wall time of lstmshape against its alternatives, side by side in one run.

    python benchmarks/startup.py [--runs 15]

Each command runs --runs times, interleaved, after a warm-up run (timing.py). Reported: the median
wall time and peak memory of each, and the ratios the project's targets are stated in:

- explain (and with --cost): ``lstmshape --input 4,3,10 --hidden 20 --layers 2`` against the framework's floor (a
  minimal Typer app printing one Rich table; target <= 1.15x) and against a torchinfo summary of the
  same LSTM (what users use today; target >= 8x faster).
- verify: the same with ``--verify`` against a bare script that imports torch and runs the forward
  pass (target <= 1.10x).

With --baseline DIR (a checkout of another commit), the explain path of that checkout runs side by
side with this one's, both as ``python -m lstmshape`` with PYTHONPATH set: a refactor must not make
start-up slower (target <= 1.05x).

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
    print_table,
    run_interleaved,
)

HERE = Path(__file__).resolve().parent
MISSION = ["--input", "4,3,10", "--hidden", "20", "--layers", "2"]

COMMANDS: dict[str, list[str]] = {
    "lstmshape (explain)": [*lstmshape_command(), *MISSION],
    "lstmshape --cost": [*lstmshape_command(), *MISSION, "--cost"],
    "floor: Typer + one Rich table": [PY, str(HERE / "floor_app.py")],
    "torchinfo summary": [PY, str(HERE / "torchinfo_summary.py")],
    "lstmshape --verify": [*lstmshape_command(), *MISSION, "--verify"],
    "bare torch forward": [PY, str(HERE / "bare_forward.py")],
}

TARGETS = [
    ("lstmshape (explain)", "floor: Typer + one Rich table", "<=", 1.15),
    ("lstmshape --cost", "floor: Typer + one Rich table", "<=", 1.15),
    ("torchinfo summary", "lstmshape (explain)", ">=", 8.0),
    ("lstmshape --verify", "bare torch forward", "<=", 1.10),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline", type=Path, help="a checkout of another commit to compare")
    args = parser.parse_args()
    byte_compile_lstmshape()
    commands, targets = dict(COMMANDS), list(TARGETS)
    if args.baseline is not None:
        byte_compile_lstmshape(args.baseline / "lstmshape")
        for name, root in (
            ("explain, this checkout", HERE.parent),
            ("explain, baseline", args.baseline),
        ):
            # From the checkout's own folder: python -m puts the current folder first on the path.
            commands[name] = [
                "env",
                f"--chdir={root.resolve()}",
                f"PYTHONPATH={root.resolve()}",
                PY,
                "-m",
                "lstmshape",
                *MISSION,
            ]
        targets.append(("explain, this checkout", "explain, baseline", "<=", 1.05))
    samples = run_interleaved(commands, args.runs)
    print_table(samples, args.runs)
    print("targets")
    return 1 if check_ratios(samples, targets) else 0


if __name__ == "__main__":
    sys.exit(main())
