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
    (FILES / "bad_syntax.toml").write_text("[a]\ninput = [4, 3, 10\nhidden_size = 20\n")
    (FILES / "empty.toml").write_text("")
    (FILES / "text.pt").write_text("not a checkpoint\n")
    lstm = (FILES / "lstm.pt").read_bytes()
    (FILES / "truncated.pt").write_bytes(lstm[: len(lstm) // 2])
    for path in sorted(FILES.iterdir()):
        print(f"{path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")


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
