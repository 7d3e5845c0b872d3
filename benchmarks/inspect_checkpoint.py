"""``lstmshape inspect`` against ``torch.load(weights_only=True)``, with and without mmap, on a 1 GB
and a 4 GB checkpoint and on the 4 GB one in four shards with an index, side by side in one run.

    python benchmarks/inspect_checkpoint.py [--runs 5]

The 1 GB checkpoint is the state_dict of nn.LSTM(1024, 2048, num_layers=3, bidirectional=True) in
float32 (251,789,312 parameters); the 4 GB one of nn.LSTM(2048, 4096, num_layers=3,
bidirectional=True). Both are written by torch.save to a temporary directory and deleted at the end;
the 4 GB one again as four ``pytorch_model-0000k-of-00004.bin`` shards (torch.save, each a quarter
of the keys, a layer split across two) with ``pytorch_model.bin.index.json``, as save_pretrained
lays them out: inspect reads the index, torch.load (mmap) loads every shard.
Each command runs in its own process, the files in the page cache (one warm-up run each).

Targets: inspect's median wall time at most 0.3x torch.load's with mmap=True, on each file and on
the shards; its peak memory under 80 MiB; and its time on the 4 GB file within 1.2x of the 1 GB file's (it reads
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


# The same state_dict in four shards with save_pretrained's index.
_SHARD = """
import json, sys, torch
from pathlib import Path
from torch import nn
with torch.device("meta"):
    module = {call}
keys = list(module.state_dict())
folder, weight_map = Path(sys.argv[1]), {{}}
for i in range(4):
    name = f"pytorch_model-{{i + 1:05d}}-of-00004.bin"
    part = keys[len(keys) * i // 4 : len(keys) * (i + 1) // 4]
    torch.save({{k: torch.empty(module.state_dict()[k].shape) for k in part}}, folder / name)
    weight_map.update(dict.fromkeys(part, name))
(folder / "pytorch_model.bin.index.json").write_text(json.dumps({{"weight_map": weight_map}}))
"""


def write_shards(call: str, folder: Path) -> Path:
    folder.mkdir()
    subprocess.run([PY, "-c", _SHARD.format(call=call), str(folder)], check=True)
    total = sum(p.stat().st_size for p in folder.glob("*.bin"))
    print(f"wrote {call} in 4 shards: {total / 2**30:.2f} GiB")
    return folder / "pytorch_model.bin.index.json"


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
        index = write_shards(CHECKPOINTS["4 GB"], Path(folder) / "sharded")
        shards = sorted(str(p) for p in index.parent.glob("*.bin"))
        commands["lstmshape inspect (4 GB, 4 shards)"] = [
            *lstmshape_command(),
            "inspect",
            str(index),
        ]
        commands["torch.load mmap (4 GB, 4 shards)"] = [
            PY,
            "-c",
            f"import torch\nfor f in {shards!r}: torch.load(f, weights_only=True, mmap=True)",
        ]
        samples = run_interleaved(commands, args.runs)
    print_table(samples, args.runs)
    print("targets")
    missed = check_ratios(
        samples,
        [
            ("lstmshape inspect (1 GB)", "torch.load mmap (1 GB)", "<=", 0.3),
            ("lstmshape inspect (4 GB)", "torch.load mmap (4 GB)", "<=", 0.3),
            ("lstmshape inspect (4 GB)", "lstmshape inspect (1 GB)", "<=", 1.2),
            ("lstmshape inspect (4 GB, 4 shards)", "torch.load mmap (4 GB, 4 shards)", "<=", 0.3),
        ],
    )
    for size in [*CHECKPOINTS, "4 GB, 4 shards"]:
        peak = median_peak(samples[f"lstmshape inspect ({size})"]) / MIB
        ok = peak < 80
        missed += not ok
        print(f"  lstmshape inspect ({size}) peak memory: {peak:.0f} MiB (target < 80 MiB) "
              f"{'met' if ok else 'MISSED'}")  # fmt: skip
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
