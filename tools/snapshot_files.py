"""Writes tests/snapshots/files/: the checkpoints the CLI snapshot inspects (tests/test_cli_snapshot.py).

Tiny files, written once and committed: torch.save's zip and legacy formats, safetensors, a pickled
whole module, sharded safetensors, and the quick hostile files of tests/hostile.py. The snapshot
replays ``lstmshape inspect`` on them. Writing them again gives other bytes (the zips hold the
time they were written; the legacy format a random key): re-record the snapshot after.

    python tools/snapshot_files.py      (needs torch and safetensors)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ROOT / "tests" / "snapshots" / "files"
# The hostile makers small enough to commit (each under 64 KiB at its quick size).
HOSTILE_SMALL = 64 * 1024


def main() -> None:
    import torch
    from safetensors.torch import save_file
    from torch import nn

    sys.path.insert(0, str(ROOT))
    from tests.hostile import QUICK

    FILES.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    modules = {
        "lstm": nn.LSTM(3, 4),
        "lstm_deep": nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2),
        "lstm_nobias": nn.LSTM(5, 2, bias=False),
        "gru": nn.GRU(3, 4, num_layers=2),
        "rnn": nn.RNN(3, 4, bidirectional=True),
        "lstmcell": nn.LSTMCell(3, 4),
        "grucell": nn.GRUCell(3, 4),
        "rnncell": nn.RNNCell(3, 4, bias=False),
    }
    for name, module in modules.items():
        torch.save(module.state_dict(), FILES / f"{name}.pt")
    torch.save(
        modules["gru"].state_dict(), FILES / "gru_legacy.pt", _use_new_zipfile_serialization=False
    )
    save_file(dict(modules["lstm_deep"].state_dict()), str(FILES / "lstm_deep.safetensors"))
    two = {f"encoder.{k}": v for k, v in modules["lstm"].state_dict().items()}
    two |= {f"decoder.{k}": v for k, v in modules["gru"].state_dict().items()}
    torch.save({"state_dict": two, "epoch": 3}, FILES / "two_modules.pt")
    wrong = dict(modules["lstm"].state_dict())
    wrong["weight_hh_l0"] = torch.zeros(15, 4)  # fits no LSTM: 15 rows are not 4 gates
    torch.save(wrong, FILES / "weights_fit_no_module.pt")
    torch.save(modules["rnn"], FILES / "whole_module.pt")  # names torch.nn classes (pickled module)
    _shards(save_file, modules["lstm_deep"].state_dict())
    for name, make in sorted(QUICK.items()):
        data = make()
        if len(data) <= HOSTILE_SMALL:
            (FILES / f"hostile_{name}.bin").write_bytes(data)
    (FILES / "empty.pt").write_bytes(b"")
    write_specs()
    (FILES / "text.pt").write_text("not a checkpoint\n")
    lstm = (FILES / "lstm.pt").read_bytes()
    (FILES / "truncated.pt").write_bytes(lstm[: len(lstm) // 2])
    for path in sorted(FILES.iterdir()):
        print(f"{path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")


# Spec files for `lstmshape check`: every key's value of the wrong type, values torch refuses, every
# key right, and files that are not TOML.
SPECS = {
    "bad_syntax.toml": "[a]\ninput = [4, 3, 10\nhidden_size = 20\n",
    "empty.toml": "",
    "not_a_table.toml": "input = [4, 3, 10]\nhidden_size = 20\n",
    "bad_types.toml": """\
[types]
module = 3
input = "abc"
hidden_size = 2.5
input_size = "ten"
num_layers = true
bias = "yes"
batch_first = 1
dropout = "half"
bidirectional = "no"
proj_size = [5]
nonlinearity = 0
h_0 = "x"
c_0 = [1, "a", 20]
lengths = 5
enforce_sorted = "false"
deploy = 0
expect = 3

[names]
input = [4, 3, 10]
hidden_size = 20
expect = { x = [1], h_m = [1, 3, 20] }
""",
    "rules.toml": """\
[refused]
module = "GRU"
input = [4, 3, 10]
hidden_size = 20
dropout = 1.5
proj_size = 5
nonlinearity = "sigmoid"

[no_c0]
module = "GRU"
input = [4, 3, 10]
hidden_size = 20
c_0 = [1, 3, 20]

[input_size]
input = [4, 3, 10]
hidden_size = 20
input_size = 8

[state]
input = [4, 3, 10]
hidden_size = 20
num_layers = 2
h_0 = [1, 3, 20]

[lengths]
input = [4, 3, 10]
hidden_size = 20
lengths = [5, 3, 2]

[unsorted]
input = [4, 3, 10]
hidden_size = 20
lengths = [2, 4, 3]

[expect]
input = [4, 3, 10]
hidden_size = 20
expect = { output = [4, 3, 21], h_n = [1, 3, 20] }

[zero]
input = [4, 0, 10]
hidden_size = 0
""",
    "every_key.toml": """\
[lstm]
module = "LSTM"
input = [3, 4, 10]
hidden_size = 20
input_size = 10
num_layers = 2
bias = false
batch_first = true
dropout = 0.25
bidirectional = true
proj_size = 5
h_0 = [4, 3, 5]
c_0 = [4, 3, 20]
lengths = [4, 2, 1]
enforce_sorted = true
deploy = true
expect = { padded_output = [3, 4, 10], h_n = [4, 3, 5], c_n = [4, 3, 20] }

[rnn]
module = "rnn"
input = "5,2,3"
hidden_size = 4
nonlinearity = "relu"
lengths = [2, 5]
enforce_sorted = false
expect = { padded_output = [5, 2, 4], h_n = [1, 2, 5] }

[cell]
module = "GRUCell"
input = [7]
hidden_size = 3
h_0 = [3]
expect = { h_1 = [3] }
""",
}


def write_specs() -> None:
    FILES.mkdir(parents=True, exist_ok=True)
    for name, text in SPECS.items():
        (FILES / name).write_text(text)


def _shards(save_file, state: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    """A sharded safetensors checkpoint: two shards and their index."""
    keys = sorted(state)
    half = len(keys) // 2
    weight_map = {}
    for number, part in enumerate((keys[:half], keys[half:]), start=1):
        name = f"sharded-0000{number}-of-00002.safetensors"
        save_file({key: state[key].contiguous() for key in part}, str(FILES / name))
        weight_map |= dict.fromkeys(part, name)
    index = {"metadata": {"total_size": 0}, "weight_map": weight_map}
    (FILES / "sharded.safetensors.index.json").write_text(json.dumps(index, indent=2) + "\n")


if __name__ == "__main__":
    main()
