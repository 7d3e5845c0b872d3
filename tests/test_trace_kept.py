"""A trace leaves the model exactly as it was: a layer registered under two names keeps its own
parameters, and whatever forward assigns (a state kept between calls, a list it appends to) is put
back, in every way a trace runs."""

from __future__ import annotations

from typing import Any

import pytest

import lstmshape
from lstmshape.commands.trace import trace_model
from tests.strategies import torch

nn = torch.nn
METHODS = ("auto", "shape-only", "real")


class Shared(nn.Module):
    """One LSTM under two names, called twice."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(10, 10)
        self.again = self.lstm

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.again(self.lstm(x)[0])[0]


class Twice(nn.Module):
    """One GRU twice in a ModuleList, and a BatchNorm shared the same way."""

    def __init__(self) -> None:
        super().__init__()
        gru, norm = nn.GRU(10, 10), nn.BatchNorm1d(10)
        self.grus = nn.ModuleList([gru, gru])
        self.norms = nn.ModuleList([norm, norm])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for gru, norm in zip(self.grus, self.norms, strict=True):
            x = norm(gru(x)[0].transpose(1, 2)).transpose(1, 2)
        return x


class Stateful(nn.Module):
    """Keeps its state between calls, counts them and logs each output's shape."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(10, 20)
        self.hidden: Any = None
        self.log: list[tuple[int, ...]] = []
        self.seen: dict[str, int] = {}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, self.hidden = self.lstm(x, self.hidden)
        self.log.append(tuple(out.shape))
        self.seen["calls"] = self.seen.get("calls", 0) + 1
        self.extra = nn.Linear(2, 2)  # a module made in forward
        return out


def _state(model: nn.Module) -> list[tuple[Any, ...]]:
    """Every module's attributes by identity, with the contents of its containers."""
    out = []
    for module in model.modules():
        attributes = vars(module)
        out.append((id(module), {k: id(v) for k, v in attributes.items()}))
        for name, value in attributes.items():
            if isinstance(value, (list, dict, set)):
                items = value.items() if isinstance(value, dict) else value
                out.append((id(module), name, [_ids(item) for item in items]))
    return out


def _ids(item: Any) -> Any:
    return tuple(map(id, item)) if isinstance(item, tuple) else id(item)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("make", [Shared, Twice, Stateful])
def test_the_model_is_left_exactly_as_it_was(make: type[nn.Module], method: str) -> None:
    model = make().eval()
    x = torch.randn(5, 3, 10)
    before = _state(model)
    values = {k: v.clone() for k, v in model.state_dict().items()}
    trace = trace_model(model, (x,), method=method)
    assert trace.failure is None, trace.failure
    assert _state(model) == before
    for name, tensor in model.state_dict().items():
        assert type(tensor) is torch.Tensor, name
        assert torch.equal(tensor, values[name]), name
    for module in model.modules():
        for name, parameter in module.named_parameters(recurse=False):
            assert type(parameter) is nn.Parameter, name
    # The model still runs as its author wrote it, with its own weights.
    model(x)


def test_a_layer_under_two_names_keeps_its_parameters_and_both_calls_are_traced() -> None:
    model = Shared()
    trace = lstmshape.trace(model, torch.randn(5, 3, 10))
    assert type(model.lstm.weight_ih_l0) is nn.Parameter
    assert all(type(w) is nn.Parameter for w in model.lstm._flat_weights)
    assert [(c.path, c.call) for c in trace.calls] == [("lstm", 1), ("lstm", 2)]
    twice = Twice()
    lstmshape.trace(twice, torch.randn(5, 3, 10))
    assert type(twice.grus[0].weight_ih_l0) is nn.Parameter


def test_a_state_forward_keeps_on_the_model_is_not_the_traces() -> None:
    model = Stateful()
    lstmshape.trace(model, torch.randn(5, 3, 10))
    assert model.hidden is None
    assert model.log == []
    assert model.seen == {}
    assert not hasattr(model, "extra")
    # Called for real afterwards, it keeps its state as its author meant.
    model(torch.randn(5, 3, 10))
    assert type(model.hidden[0]) is torch.Tensor
    assert model.log == [(5, 3, 20)]


class Sentence:
    """As flair's: tokens, and the embeddings a model stores on it (``sentence.embedding``, and
    by name in a dict), reused on the next call instead of computed again."""

    def __init__(self, ids: list[int]) -> None:
        self.tokens = torch.tensor(ids)
        self.embedding: torch.Tensor | None = None
        self._embeddings: dict[str, torch.Tensor] = {}
        self.labels: list[str] = []


class Cached:
    __slots__ = ("hits", "store")

    def __init__(self) -> None:
        self.store: dict[str, Any] = {"by_length": {}}
        self.hits = 0


class CachingTagger(nn.Module):
    """Embeds each sentence once and caches the vectors on the sentence (flair's way), in a
    nested cache of its own, and labels the sentences it tags."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(50, 8)
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.cache = Cached()

    def forward(self, sentences: list[Sentence]) -> torch.Tensor:
        for sentence in sentences:
            if sentence.embedding is None:
                sentence.embedding = self.embed(sentence.tokens)
                sentence._embeddings["word"] = sentence.embedding
            sentence.labels.append("tagged")
        batch = torch.stack([s.embedding for s in sentences if s.embedding is not None])
        self.cache.store["by_length"][len(sentences)] = batch
        self.cache.hits += 1
        return self.lstm(batch)[0]


def _reachable(root: Any) -> list[Any]:
    """Everything reachable from ``root``: each object's type and attributes (by identity), each
    container's items, a tensor's type; walked in order, each object once."""
    seen: set[int] = set()
    out: list[Any] = []
    stack = [root]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, (str, int, float, type(None))):
            continue
        seen.add(id(item))
        if isinstance(item, torch.Tensor):
            out.append((id(item), type(item).__name__, tuple(item.shape)))
            continue
        if isinstance(item, dict):
            out.append((id(item), [(k, id(v)) for k, v in item.items()]))
            stack += item.values()
        elif isinstance(item, (list, tuple)):
            out.append((id(item), [id(v) for v in item]))
            stack += item
        else:
            names = [*getattr(item, "__dict__", {}), *getattr(type(item), "__slots__", ())]
            values = {n: getattr(item, n) for n in names if hasattr(item, n)}
            out.append((id(item), type(item).__name__, {n: id(v) for n, v in values.items()}))
            stack += values.values()
    return out


@pytest.mark.parametrize("method", METHODS)
def test_a_forward_that_caches_on_its_inputs_leaves_them_as_they_were(method: str) -> None:
    model = CachingTagger().eval()
    sentences = [Sentence([1, 2, 3]), Sentence([4, 5, 6])]
    both = (model, sentences)
    before = _reachable(both)
    trace = trace_model(model, (sentences,), method=method)
    assert trace.failure is None, trace.failure
    assert [c.received.input for c in trace.calls] == [(2, 3, 8)]
    assert _reachable(both) == before
    # The real run that follows computes its own embeddings, real ones, and caches them.
    out = model(sentences)
    assert type(out) is torch.Tensor
    assert out.shape == (2, 3, 16)
    assert all(type(s.embedding) is torch.Tensor for s in sentences)
    assert sentences[0].labels == ["tagged"]
    assert model.cache.hits == 1
