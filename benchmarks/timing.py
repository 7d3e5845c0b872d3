"""What the benchmarks share: run commands interleaved, take medians of wall time and peak memory.

Each command runs --runs times, the commands interleaved (so a slow moment of the machine hits all
of them alike), after one warm-up run each.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PY = sys.executable


def lstmshape_command() -> list[str]:
    """The console script users run; ``python -m lstmshape`` when the script is not on PATH."""
    script = shutil.which("lstmshape", path=str(Path(PY).parent)) or shutil.which("lstmshape")
    return [script] if script else [PY, "-m", "lstmshape"]


def byte_compile_lstmshape(package: Path | None = None) -> None:
    """pip byte-compiles an installed package; an editable install under PYTHONDONTWRITEBYTECODE=1
    would recompile lstmshape on every run, a cost no user pays. ``package``: another copy's."""
    if package is None:
        import lstmshape

        package = Path(lstmshape.__file__).parent
    subprocess.run([PY, "-m", "compileall", "-q", str(package)], check=True)


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_bytes: int
    """The process's peak resident memory (ru_maxrss)."""
    cpu_seconds: float = 0.0
    """User + system CPU time of the process: on a busy machine, the wall time waits for a core
    and this does not (much), so a ratio of CPU times says what the code costs."""


def run_once(command: list[str]) -> Sample:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80"}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(command)} exited with {code}")
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return Sample(seconds, usage.ru_maxrss * scale, usage.ru_utime + usage.ru_stime)


def run_interleaved(commands: dict[str, list[str]], runs: int) -> dict[str, list[Sample]]:
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for command in commands.values():
        run_once(command)  # warm the page cache and .pyc files
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(run_once(command))
    return samples


def median_seconds(samples: list[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def median_cpu(samples: list[Sample]) -> float:
    return statistics.median(s.cpu_seconds for s in samples)


def median_peak(samples: list[Sample]) -> float:
    return statistics.median(s.peak_bytes for s in samples)


def print_table(samples: dict[str, list[Sample]], runs: int) -> None:
    print(f"medians of {runs} runs each ({sys.platform}, Python {sys.version.split()[0]})")
    width = max(len(name) for name in samples)
    for name, values in samples.items():
        spread = f"{min(s.seconds for s in values) * 1000:.0f}-{max(s.seconds for s in values) * 1000:.0f}"
        print(
            f"  {name:{width}}  {median_seconds(values) * 1000:7.0f} ms (range {spread} ms)"
            f"  cpu {median_cpu(values) * 1000:5.0f} ms  peak {median_peak(values) / 2**20:5.0f} MiB"
        )


def check_ratios(
    samples: dict[str, list[Sample]], targets: list[tuple[str, str, str, float]]
) -> int:
    """Print each target ratio of median wall times (and of median CPU times, for a busy machine);
    the number missed, by wall time."""
    medians = {name: median_seconds(values) for name, values in samples.items()}
    cpu = {name: median_cpu(values) for name, values in samples.items()}
    missed = 0
    for a, b, op, limit in targets:
        ratio = medians[a] / medians[b]
        ok = ratio <= limit if op == "<=" else ratio >= limit
        missed += not ok
        print(
            f"  {a} / {b}: {ratio:.2f}x (target {op} {limit}x) {'met' if ok else 'MISSED'}"
            f"  [cpu {cpu[a] / cpu[b]:.2f}x]"
        )
    return missed
