"""Models to trace: ``lstmshape trace examples.models:tagger --input 8,5 --input-dtype long``.

Each factory builds a model as a project would; the broken ones hold the mistakes people make.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class Tagger(nn.Module):
    """Token ids -> embedding -> bidirectional LSTM -> a tag score per token."""

    def __init__(
        self, vocab: int = 1000, embed: int = 64, hidden: int = 128, tags: int = 9
    ) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, tags)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        output, _ = self.lstm(self.embed(tokens))
        return self.head(output)


class BrokenTagger(Tagger):
    """The head is built for one direction: it takes hidden features, the LSTM gives 2*hidden."""

    def __init__(self) -> None:
        super().__init__()
        self.head = nn.Linear(128, 9)


class Encoder(nn.Module):
    def __init__(self, vocab: int, embed: int, hidden: int, layers: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, batch_first=True)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, ...]:
        packed = pack_padded_sequence(
            self.embed(tokens), lengths, batch_first=True, enforce_sorted=False
        )
        output, (h_n, c_n) = self.lstm(packed)
        output, _ = pad_packed_sequence(output, batch_first=True)
        return output, h_n, c_n


class Seq2Seq(nn.Module):
    """An encoder over padded source sentences, a decoder cell stepped three times from its state."""

    def __init__(
        self, vocab: int = 500, embed: int = 32, hidden: int = 64, layers: int = 2
    ) -> None:
        super().__init__()
        self.encoder = Encoder(vocab, embed, hidden, layers)
        self.decoder = nn.LSTMCell(embed, hidden)
        self.embed = nn.Embedding(vocab, embed)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        lengths = (tokens != 0).sum(dim=1).clamp(min=1).cpu()
        _, h_n, c_n = self.encoder(tokens, lengths)
        state = (h_n[-1], c_n[-1])  # the last layer's final state starts the decoder
        step = self.embed(tokens[:, 0])
        scores = []
        for _ in range(3):
            state = self.decoder(step, state)
            scores.append(self.out(state[0]))
        return torch.stack(scores, dim=1)


def tagger() -> Tagger:
    return Tagger()


def broken_tagger() -> BrokenTagger:
    return BrokenTagger()


def seq2seq() -> Seq2Seq:
    return Seq2Seq()


def large_tagger() -> Tagger:
    """About 4.9 billion parameters (18 GiB in float32): traced on fake tensors, never allocated."""
    return Tagger(vocab=200_000, embed=4096, hidden=8192, tags=200_000)


class Speller(nn.Module):
    """A greedy decoder: its LSTMCell stepped once per output token, each step fed the last one."""

    def __init__(
        self, vocab: int = 500, embed: int = 32, hidden: int = 64, steps: int = 200
    ) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        self.cell = nn.LSTMCell(embed, hidden)
        self.out = nn.Linear(hidden, vocab)
        self.steps = steps

    def forward(self, start: torch.Tensor) -> torch.Tensor:
        tokens, state, scores = start, None, []
        for _ in range(self.steps):
            state = self.cell(self.embed(tokens), state)
            scores.append(self.out(state[0]))
            tokens = scores[-1].argmax(dim=-1)
        return torch.stack(scores, dim=1)


def speller() -> Speller:
    return Speller()


class Forecaster(nn.Module):
    """Takes a dict of tensors, as pytorch-forecasting's models take ``x``: an encoder reads the
    past, and its final state starts a decoder over the horizon."""

    def __init__(self, past: int = 3, known: int = 2, hidden: int = 32) -> None:
        super().__init__()
        self.encoder = nn.LSTM(past, hidden, batch_first=True)
        self.decoder = nn.LSTM(known, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: dict[str, torch.Tensor]) -> torch.Tensor:
        _, state = self.encoder(x["encoder_cont"])
        output, _ = self.decoder(x["decoder_cont"], state)
        return self.head(output)


def forecast_inputs(
    encoder: tuple[int, ...] = (8, 24, 3), decoder: tuple[int, ...] = (8, 6, 2)
) -> dict[str, torch.Tensor]:
    """The forecaster's ``x``, given the shapes of its two parts (``--input 8,24,3 --input
    8,6,2``): the past's features and the horizon's known ones."""
    return {"encoder_cont": torch.randn(encoder), "decoder_cont": torch.randn(decoder)}
