"""Wall time of lstmshape against its alternatives, side by side in one run.

    python benchmarks/startup.py [--runs 15] [--startup-only] [--baseline DIR]

Each command runs --runs times, interleaved, after a warm-up run (timing.py). Reported: the median
wall time and peak memory of each, and the ratios the project's targets are stated in:

- explain (and with --cost): ``lstmshape --input 4,3,10 --hidden 20 --layers 2`` against the framework's floor (a
  minimal Typer app printing one Rich table; target <= 1.10x) and against a torchinfo summary of the
  same LSTM (what users use today; target >= 8x faster).
- verify: the same with ``--verify`` against a bare script that imports torch and runs the forward
  pass (target <= 1.10x).

- ``lstmshape --help``, ``lstmshape why "<torch's sentence>"`` and ``lstmshape inspect`` a small
  checkpoint: the other commands' start-up, against the same floor (reported; the floor of each is
  the framework's, as for explain).

With --startup-only, only the commands that import no torch run (explain, --help, why, inspect,
the floor): the start-up figures without torch's seconds-long runs between them.

With --baseline DIR (a checkout of another commit), explain, --help, why and inspect of that
checkout run side by side with this one's, both as ``python -m lstmshape`` with PYTHONPATH set: a
refactor must not make start-up slower (target <= 1.05x), and each is compared with the floor
(with --startup-only, only these and the floor run).

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
SENTENCE = "RuntimeError: input.size(-1) must be equal to input_size. Expected 10, got 12"
CHECKPOINT = HERE.parent / "tests" / "snapshots" / "files" / "lstm_deep.pt"
FLOOR = "floor: Typer + one Rich table"

COMMANDS: dict[str, list[str]] = {
    "lstmshape (explain)": [*lstmshape_command(), *MISSION],
    "lstmshape --cost": [*lstmshape_command(), *MISSION, "--cost"],
    "lstmshape --help": [*lstmshape_command(), "--help"],
    "lstmshape why": [*lstmshape_command(), "why", SENTENCE],
    "lstmshape inspect": [*lstmshape_command(), "inspect", str(CHECKPOINT)],
    FLOOR: [PY, str(HERE / "floor_app.py")],
    "torchinfo summary": [PY, str(HERE / "torchinfo_summary.py")],
    "lstmshape --verify": [*lstmshape_command(), *MISSION, "--verify"],
    "bare torch forward": [PY, str(HERE / "bare_forward.py")],
}

# Each command's start-up, run from a checkout (--baseline: this one's and the other's).
STARTUP_ARGS = (
    ("explain", MISSION),
    ("--help", ["--help"]),
    ("why", ["why", SENTENCE]),
    ("inspect", ["inspect", str(CHECKPOINT)]),
)
# Imports no torch: the start-up of each command.
STARTUP = ("lstmshape (explain)", "lstmshape --help", "lstmshape why", "lstmshape inspect", FLOOR)
TARGETS = [
    ("lstmshape (explain)", FLOOR, "<=", 1.10),
    ("lstmshape --cost", FLOOR, "<=", 1.10),
    ("lstmshape --help", FLOOR, "<=", 1.10),
    ("lstmshape why", FLOOR, "<=", 1.25),
    ("lstmshape inspect", FLOOR, "<=", 1.25),
    ("torchinfo summary", "lstmshape (explain)", ">=", 8.0),
    ("lstmshape --verify", "bare torch forward", "<=", 1.10),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline", type=Path, help="a checkout of another commit to compare")
    parser.add_argument(
        "--startup-only", action="store_true", help="only the commands that import no torch"
    )
    args = parser.parse_args()
    byte_compile_lstmshape()
    commands, targets = dict(COMMANDS), list(TARGETS)
    if args.startup_only:
        commands = {name: command for name, command in commands.items() if name in STARTUP}
        targets = [t for t in targets if t[0] in commands and t[1] in commands]
    if args.baseline is not None:
        # Both copies compiled, as pip compiles an installed package: this checkout may not be the
        # installed one (a worktree of its own), and PYTHONDONTWRITEBYTECODE=1 would make every run
        # compile it again.
        byte_compile_lstmshape(args.baseline / "lstmshape")
        byte_compile_lstmshape(HERE.parent / "lstmshape")
        if args.startup_only:  # the two checkouts side by side, and the floor
            commands = {FLOOR: COMMANDS[FLOOR]}
            targets = []
        for what, argv in STARTUP_ARGS:
            for name, root in (("this checkout", HERE.parent), ("baseline", args.baseline)):
                # From the checkout's own folder: python -m puts the current folder first on the path.
                commands[f"{what}, {name}"] = [
                    "env",
                    f"--chdir={root.resolve()}",
                    f"PYTHONPATH={root.resolve()}",
                    PY,
                    "-m",
                    "lstmshape",
                    *argv,
                ]
            limit = 1.10 if what in ("explain", "--help") else 1.25
            targets.append((f"{what}, this checkout", f"{what}, baseline", "<=", 1.05))
            targets.append((f"{what}, this checkout", FLOOR, "<=", limit))
            targets.append((f"{what}, baseline", FLOOR, "<=", limit))
    samples = run_interleaved(commands, args.runs)
    print_table(samples, args.runs)
    print("targets")
    return 1 if check_ratios(samples, targets) else 0


if __name__ == "__main__":
    sys.exit(main())
