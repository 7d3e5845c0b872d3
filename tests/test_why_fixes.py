"""lstmshape why's fixes, applied: torch raises, why reads its text, the fix is run, and torch then
runs and gives the shapes the user meant. Never a sentence of torch's copied by hand: each is made
by making torch raise it.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from lstmshape import why
from tests.conftest import validate_json
from tests.strategies import torch

Shape = tuple[int, ...]

# A statement of a fix: "h_0 = h_0.unsqueeze(0)", "x = x.unsqueeze(0 if batch_first else 1)",
# "h_0 = torch.zeros(D * num_layers, x.size(0 if batch_first else 1), H_out)". Alternatives of one
# fix ("...; or ...") are each a statement; each is applied alone.
STATEMENT = re.compile(r"\b(h_0|c_0|x) = ([\w.]+(?:\((?:[^()]|\([^()]*\))*\)[\w.]*)*)")


def torch_error(action: Any) -> str | None:
    """What torch raises when ``action`` runs, or None when it runs."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            action()
        except (RuntimeError, ValueError, TypeError, IndexError) as error:
            return str(error)
    return None


def statements(fix: str) -> list[tuple[str, str]]:
    return STATEMENT.findall(fix)


def forward(module: Any, x: Any, h_0: Any, c_0: Any) -> tuple[Any, ...]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        states = (h_0, c_0) if isinstance(module, torch.nn.LSTM) else h_0
        _, finals = module(x, states)
    return finals if isinstance(finals, tuple) else (finals,)


@st.composite
def wrong_ranks(draw: st.DrawFn) -> dict[str, Any]:
    """A sequence module, a batched, unbatched or packed input, and one state of another rank: an
    axis of the right shape dropped, or an axis of 1 added."""
    module = draw(st.sampled_from(["LSTM", "GRU", "RNN"]))
    case = {
        "module": module,
        "hidden": draw(st.integers(1, 5)),
        "layers": draw(st.integers(1, 3)),
        "bidirectional": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
        "form": draw(st.sampled_from(["batched", "unbatched", "packed"])),
        "L": draw(st.integers(1, 4)),
        "N": draw(st.integers(1, 4)),
        "name": draw(st.sampled_from(["h_0", "c_0"] if module == "LSTM" else ["h_0"])),
    }
    rank = 2 if case["form"] == "unbatched" else 3
    case["drop"] = draw(st.booleans())
    case["axis"] = draw(st.integers(0, rank - 1 if case["drop"] else rank))
    return case


def _setup(case: dict[str, Any]) -> tuple[Any, Any, dict[str, Shape], Shape]:
    """The module, the input, the right states, and the wrong shape of the state at fault."""
    rows = case["layers"] * (2 if case["bidirectional"] else 1)
    cls = getattr(torch.nn, case["module"])
    module = cls(3, case["hidden"], num_layers=case["layers"], bidirectional=case["bidirectional"],
                 batch_first=case["batch_first"]).eval()  # fmt: skip
    length, batch = case["L"], case["N"]
    if case["form"] == "unbatched":
        x = torch.zeros(length, 3)
        right = (rows, case["hidden"])
    else:
        x = torch.zeros(*((batch, length, 3) if case["batch_first"] else (length, batch, 3)))
        right = (rows, batch, case["hidden"])
        if case["form"] == "packed":
            lengths = [length] * batch
            x = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, case["batch_first"])
    shape = list(right)
    if case["drop"]:
        del shape[case["axis"]]
    else:
        shape.insert(case["axis"], 1)
    states = {"h_0": right, "c_0": right}
    return module, x, states, tuple(shape)


def _right_for(x: Any, case: dict[str, Any]) -> Shape:
    rows = case["layers"] * (2 if case["bidirectional"] else 1)
    if isinstance(x, torch.nn.utils.rnn.PackedSequence) or x.dim() == 3:
        batch = (
            case["N"]
            if not isinstance(x, torch.Tensor)
            else x.shape[0 if case["batch_first"] else 1]
        )
        return (rows, batch, case["hidden"])
    return (rows, case["hidden"])


def _applicable(fix: str, case: dict[str, Any], wrong: Shape) -> bool:
    """A fix said under a condition (a comment) is a claim only where the condition holds."""
    rows = case["layers"] * (2 if case["bidirectional"] else 1)
    if "# one layer, one direction" in fix and rows != 1:
        return False
    return not ("# N = 1" in fix and (len(wrong) < 2 or wrong[1] != 1))


@given(wrong_ranks(), st.booleans())
def test_a_state_of_another_rank_is_explained_and_its_fixes_run_as_meant(
    case: dict[str, Any], told: bool
) -> None:
    module, x, right, wrong = _setup(case)
    tensors = {n: torch.zeros(*s) for n, s in right.items()}
    tensors[case["name"]] = torch.zeros(*wrong)
    text = torch_error(lambda: forward(module, x, tensors["h_0"], tensors["c_0"]))
    if text is None:
        return  # torch takes it: a packed LSTM does not check its states' ranks
    known = (
        {"module": case["module"], "num_layers": case["layers"],
         "bidirectional": case["bidirectional"], "batch_first": case["batch_first"]}
        if told else {}
    )  # fmt: skip
    result = why(text, **known)  # never a crash, whatever the ranks
    validate_json(result.to_dict(), "why")
    rows = case["layers"] * (2 if case["bidirectional"] else 1)
    symbols = {"D": 2 if case["bidirectional"] else 1, "num_layers": case["layers"],
               "N": case["N"], "H_out": case["hidden"], "H_cell": case["hidden"],
               "batch_first": case["batch_first"], "torch": torch}  # fmt: skip
    applied = 0
    for explained in result.explained:
        for cause in explained.causes:
            if not _applicable(cause.fix, case, wrong):
                continue
            for target, code in statements(cause.fix):
                scope = {**symbols, **tensors, "x": x}
                scope[target] = eval(code, {}, scope)
                finals = forward(module, scope["x"], scope["h_0"], scope["c_0"])
                want = _right_for(scope["x"], case)
                assert all(tuple(f.shape) == want for f in finals), (cause.fix, text)
                applied += 1
    if result.explained and result.explained[0].subject in ("h_0", "c_0"):
        assert result.explained[0].subject == case["name"], text
        assert applied, [c.fix for e in result.explained for c in e.causes]
    del rows
