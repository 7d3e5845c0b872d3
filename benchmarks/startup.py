"""Wall time of lstmshape against its alternatives, side by side in one run.

    python benchmarks/startup.py [--runs 15]

Each command runs --runs times, the commands interleaved (so a slow moment of the machine hits all
of them alike), after one warm-up run each. Reported: the median wall time of each, and the ratios
the project's targets are stated in:

- explain: ``lstmshape --input 4,3,10 --hidden 20 --layers 2`` against the framework's floor (a
  minimal Typer app printing one Rich table; target <= 1.15x) and against a torchinfo summary of the
  same LSTM (what users use today; target >= 8x faster).
- verify: the same with ``--verify`` against a bare script that imports torch and runs the forward
  pass (target <= 1.10x).

Run it in an environment with lstmshape installed: pip install -e ".[bench]".
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
MISSION = ["--input", "4,3,10", "--hidden", "20", "--layers", "2"]


def lstmshape_command() -> list[str]:
    # The console script users run; fall back to -m when the script is not on PATH.
    script = shutil.which("lstmshape", path=str(Path(PY).parent)) or shutil.which("lstmshape")
    return [script] if script else [PY, "-m", "lstmshape"]


COMMANDS: dict[str, list[str]] = {
    "lstmshape (explain)": [*lstmshape_command(), *MISSION],
    "floor: Typer + one Rich table": [PY, str(HERE / "floor_app.py")],
    "torchinfo summary": [PY, str(HERE / "torchinfo_summary.py")],
    "lstmshape --verify": [*lstmshape_command(), *MISSION, "--verify"],
    "bare torch forward": [PY, str(HERE / "bare_forward.py")],
}

TARGETS = [
    ("lstmshape (explain)", "floor: Typer + one Rich table", "<=", 1.15),
    ("torchinfo summary", "lstmshape (explain)", ">=", 8.0),
    ("lstmshape --verify", "bare torch forward", "<=", 1.10),
]


def time_once(command: list[str]) -> float:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80"}
    start = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    # pip byte-compiles an installed package; an editable install under PYTHONDONTWRITEBYTECODE=1
    # would recompile lstmshape on every run, a cost no user pays.
    import lstmshape

    subprocess.run([PY, "-m", "compileall", "-q", str(Path(lstmshape.__file__).parent)], check=True)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():
        time_once(command)  # warm the page cache and .pyc files
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            times[name].append(time_once(command))

    medians = {name: statistics.median(values) for name, values in times.items()}
    print(
        f"median wall time of {args.runs} runs each ({sys.platform}, Python {sys.version.split()[0]})"
    )
    for name, median in medians.items():
        spread = f"{min(times[name]) * 1000:.0f}-{max(times[name]) * 1000:.0f}"
        print(f"  {name:32} {median * 1000:7.0f} ms   (range {spread} ms)")
    print("targets")
    failed = 0
    for a, b, op, limit in TARGETS:
        ratio = medians[a] / medians[b]
        ok = ratio <= limit if op == "<=" else ratio >= limit
        failed += not ok
        print(f"  {a} / {b}: {ratio:.2f}x (target {op} {limit}x) {'met' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
