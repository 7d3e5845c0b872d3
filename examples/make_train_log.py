"""Writes examples/train.log, the log the docs hand to ``lstmshape why``: a training loop whose
initial state is built once for a batch of 32, and whose last batch is smaller. The traceback is
torch's own, from torch itself; only the file paths are shortened.

    python examples/make_train_log.py      (needs torch)
"""

from __future__ import annotations

import traceback
from pathlib import Path

import torch
from torch import nn

PATH = Path(__file__).parent / "train.log"


def train(lines: list[str]) -> None:
    """100 sequences in batches of 32: the fourth batch has 4. h_0 and c_0 are built once."""
    model = nn.LSTM(300, 256, num_layers=2, batch_first=True)
    data = torch.zeros(100, 20, 300)
    h_0 = c_0 = torch.zeros(2, 32, 256)
    for step, x in enumerate(data.split(32)):
        lines.append(f"step {step}: batch {tuple(x.shape)}")
        model(x, (h_0, c_0))


def log() -> str:
    """The loop's output and its traceback, as a terminal shows them, with shorter paths."""
    lines: list[str] = []
    try:
        train(lines)
    except RuntimeError:
        here = str(Path(__file__).resolve().parent.parent) + "/"
        torch_dir = str(Path(torch.__file__).parent.parent) + "/"
        lines.append(traceback.format_exc().replace(torch_dir, "").replace(here, ""))
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    PATH.write_text(log())
