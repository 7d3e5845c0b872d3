"""``lstmshape inspect`` against ``torch.load(weights_only=True)``, with and without mmap, on a 1 GB
and a 4 GB checkpoint, side by side in one run.

    python benchmarks/inspect_checkpoint.py [--runs 5]

The 1 GB checkpoint is the state_dict of nn.LSTM(1024, 2048, num_layers=3, bidirectional=True) in
float32 (251,789,312 parameters); the 4 GB one of nn.LSTM(2048, 4096, num_layers=3,
bidirectional=True). Both are written by torch.save to a temporary directory and deleted at the end.
Each command runs in its own process, the files in the page cache (one warm-up run each).

Targets: inspect's median wall time at most 0.3x torch.load's with mmap=True, on each file; its
peak memory under 80 MiB; and its time on the 4 GB file within 1.2x of the 1 GB file's (it reads
the header, not the data). Run it in an environment with lstmshape installed:
pip install -e ".[bench]".
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
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

MIB = 2**20
CHECKPOINTS = {
    "1 GB": "nn.LSTM(1024, 2048, num_layers=3, bidirectional=True)",
    "4 GB": "nn.LSTM(2048, 4096, num_layers=3, bidirectional=True)",
}
# Writes a module's state_dict without initialising it (torch.empty): the values do not matter, and
# a child process gives the memory back before the timings start.
_WRITE = """
import sys, torch
from torch import nn
with torch.device("meta"):
    module = {call}
state = {{name: torch.empty(p.shape) for name, p in module.state_dict().items()}}
torch.save(state, sys.argv[1])
"""


def write(call: str, path: Path) -> None:
    subprocess.run([PY, "-c", _WRITE.format(call=call), str(path)], check=True)
    print(f"wrote {call}: {path.stat().st_size / 2**30:.2f} GiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    byte_compile_lstmshape()
    with tempfile.TemporaryDirectory() as folder:
        commands: dict[str, list[str]] = {}
        for size, call in CHECKPOINTS.items():
            path = Path(folder) / f"lstm_{size.replace(' ', '')}.pt"
            write(call, path)
            load = f"import torch; torch.load({str(path)!r}, weights_only=True"
            commands[f"lstmshape inspect ({size})"] = [*lstmshape_command(), "inspect", str(path)]
            commands[f"torch.load mmap ({size})"] = [PY, "-c", load + ", mmap=True)"]
            commands[f"torch.load ({size})"] = [PY, "-c", load + ")"]
        samples = run_interleaved(commands, args.runs)
    print_table(samples, args.runs)
    print("targets")
    missed = check_ratios(
        samples,
        [
            ("lstmshape inspect (1 GB)", "torch.load mmap (1 GB)", "<=", 0.3),
            ("lstmshape inspect (4 GB)", "torch.load mmap (4 GB)", "<=", 0.3),
            ("lstmshape inspect (4 GB)", "lstmshape inspect (1 GB)", "<=", 1.2),
        ],
    )
    for size in CHECKPOINTS:
        peak = median_peak(samples[f"lstmshape inspect ({size})"]) / MIB
        ok = peak < 80
        missed += not ok
        print(f"  lstmshape inspect ({size}) peak memory: {peak:.0f} MiB (target < 80 MiB) "
              f"{'met' if ok else 'MISSED'}")  # fmt: skip
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
