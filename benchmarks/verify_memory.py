"""How close a real --verify run comes to its memory bound: random configurations, each run in a
process whose peak resident size is reset before the run, against ``real_bytes``.

    python benchmarks/verify_memory.py [--configs 40] [--seed 0]

--verify-budget compares ``real_bytes`` with the budget, so it must be an upper bound of the peak;
tests/test_process.py holds it for a fixed set, this measures how much room a random sample leaves.
Linux only (the peak is VmHWM, reset through /proc/self/clear_refs).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from typing import Any

from lstmshape import LstmShapeError, explain
from lstmshape.proof.plan import plan

MEASURE = """
import ctypes, json, re, sys
from lstmshape import explain, verify
from lstmshape.proof.limits import real_bytes

def kib(key):
    status = open("/proc/self/status").read()
    return int(re.search(key + r":\\s+(\\d+) kB", status).group(1)) * 1024

for warm in (explain((4, 3, 10), 20, num_layers=2), explain((4, 10), 20, module="GRUCell"),
             explain((5, 3, 4), 6, lengths=(5, 3, 2))):
    verify(warm)
libc = ctypes.CDLL("libc.so.6")
for line in sys.stdin:
    report = explain(**json.loads(line))
    libc.malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = kib("VmRSS")
    verify(report)
    print(json.dumps([kib("VmHWM") - before, real_bytes(report)]), flush=True)
"""


def random_config(rng: random.Random) -> dict[str, Any]:
    """A configuration heavy in one thing: parameters, L, N, or a mix."""

    def size(low: float, high: float) -> int:
        return round(2 ** rng.uniform(low, high))

    module = rng.choice(["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"])
    heavy = rng.choice(["parameters", "L", "N", "mixed"])
    h_in, hidden, length, batch = {
        "parameters": (size(6, 12.5), size(6, 12), size(0, 2), size(0, 2)),
        "L": (size(0, 5), size(0, 5), size(8, 13.3), size(0, 3)),
        "N": (size(0, 7), size(0, 6), size(0, 4), size(8, 16)),
        "mixed": (size(0, 10), size(0, 10), size(0, 10), size(0, 10)),
    }[heavy]
    config: dict[str, Any] = {"module": module, "hidden_size": hidden}
    if module.endswith("Cell"):
        config["input"] = [batch, h_in] if rng.random() < 0.8 else [h_in]
        return config
    config["num_layers"] = rng.choice([1, 1, 2, 3, 5])
    config["bidirectional"] = rng.random() < 0.4
    if module == "LSTM" and hidden > 1 and rng.random() < 0.3:
        config["proj_size"] = rng.randint(1, hidden - 1)
    config["input"] = [length, batch, h_in] if rng.random() < 0.85 else [length, h_in]
    if len(config["input"]) == 3 and rng.random() < 0.25:
        config["lengths"] = sorted((rng.randint(1, length) for _ in range(batch)), reverse=True)
        config["lengths"][0] = length
    return config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    configs: list[dict[str, Any]] = []
    while len(configs) < args.configs:
        config = random_config(rng)
        try:
            runs = plan(explain(**config))
        except LstmShapeError:
            continue
        if [(run.method, run.substitutions) for run in runs] == [("real", ())]:
            configs.append(config)
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE],
        input="".join(json.dumps(c) + "\n" for c in configs),
        capture_output=True,
        text=True,
        check=True,
    )
    rows = sorted(
        ((peak / bound, peak, bound, config) for config, (peak, bound) in zip(
            configs, map(json.loads, measured.stdout.splitlines()), strict=True
        )),
        key=lambda row: -row[0],
    )  # fmt: skip
    print(f"{'peak':>10} {'bound':>10} {'ratio':>6}  configuration (worst first)")
    for ratio, peak, bound, config in rows[:10]:
        print(f"{peak / 2**20:8.1f}Mi {bound / 2**20:8.1f}Mi {ratio:6.2f}  {config}")
    worst = rows[0][0]
    print(f"{len(rows)} configurations: the peak is at most {worst:.0%} of the bound")
    return 0 if worst <= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
