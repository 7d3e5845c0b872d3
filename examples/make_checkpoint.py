"""Writes examples/seq2seq.pt, the checkpoint the README inspects: the training checkpoint of a small
sequence-to-sequence model, its state_dict under "model" beside the epoch.

    python examples/make_checkpoint.py      (needs torch)
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn


class Seq2Seq(nn.Module):
    """An embedding, a bidirectional two-layer LSTM encoder, a GRU decoder and a linear head."""

    def __init__(self) -> None:
        super().__init__()
        self.embedding = nn.Embedding(50, 16)
        self.encoder = nn.LSTM(16, 24, num_layers=2, bidirectional=True, batch_first=True)
        self.decoder = nn.GRU(48, 24, batch_first=True)
        self.head = nn.Linear(24, 50)


def main() -> None:
    torch.manual_seed(0)
    model = Seq2Seq()
    path = Path(__file__).parent / "seq2seq.pt"
    torch.save({"model": model.state_dict(), "epoch": 12}, path)
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
