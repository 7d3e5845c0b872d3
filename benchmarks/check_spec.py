"""``lstmshape check`` on a spec of 1,000 entries against a single ``lstmshape`` run, in one run.

    python benchmarks/check_spec.py [--runs 15] [--entries 1000]

The spec's entries vary the module (all six kinds), the input and the options, and each expects
two shapes. Target: the 1,000 entries check in under 2x the median wall time of the single run
(the mission example). Also timed: the same spec with --format json (every entry's full report).

Run it in an environment with lstmshape installed: pip install -e ".[bench]".
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from timing import (
    byte_compile_lstmshape,
    check_ratios,
    lstmshape_command,
    print_table,
    run_interleaved,
)

MISSION = ["--input", "4,3,10", "--hidden", "20", "--layers", "2"]
_SEQUENCE = ("LSTM", "GRU", "RNN")
_CELLS = ("LSTMCell", "GRUCell", "RNNCell")


def entry(i: int) -> str:
    """One entry of the spec: every sixth a cell, the rest sequence modules with varied options."""
    if i % 6 == 5:
        module = _CELLS[i % 3]
        return (
            f'[cell_{i}]\nmodule = "{module}"\ninput = [{i % 5 + 1}, 10]\nhidden_size = {i % 30 + 1}\n'
            f"expect = {{ h_1 = [{i % 5 + 1}, {i % 30 + 1}] }}\n"
        )
    module = _SEQUENCE[i % 3]
    layers, directions = i % 4 + 1, 2 if i % 2 else 1
    return (
        f'[seq_{i}]\nmodule = "{module}"\ninput = [{i % 9 + 1}, 3, 16]\nhidden_size = 32\n'
        f"num_layers = {layers}\nbidirectional = {'true' if directions == 2 else 'false'}\n"
        f"expect = {{ output = [{i % 9 + 1}, 3, {32 * directions}], "
        f"h_n = [{layers * directions}, 3, 32] }}\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--entries", type=int, default=1000)
    args = parser.parse_args()
    byte_compile_lstmshape()
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "spec.toml"
        spec.write_text("\n".join(entry(i) for i in range(args.entries)))
        single = "lstmshape (one module)"
        checked = f"lstmshape check ({args.entries} entries)"
        commands = {
            single: [*lstmshape_command(), *MISSION],
            checked: [*lstmshape_command(), "check", str(spec)],
            f"{checked} --format json": [*lstmshape_command(), "check", str(spec), "-f", "json"],
        }
        samples = run_interleaved(commands, args.runs)
    print_table(samples, args.runs)
    print("targets")
    return 1 if check_ratios(samples, [(checked, single, "<=", 2.0)]) else 0


if __name__ == "__main__":
    sys.exit(main())
