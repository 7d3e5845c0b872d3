"""lstmshape why, fuzzed: random recurrent modules and wrong tensors make torch raise; why reads its
text (alone, in a traceback, in noise), and every fix it prints is applied to the faulty code: torch
then runs and gives the shapes the user meant. Never a sentence of torch's copied by hand.
"""

from __future__ import annotations

import json
import re
import traceback
import warnings
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from lstmshape import why
from tests.conftest import invoke, unwrapped, validate_json
from tests.strategies import torch
from tests.test_why import UNBATCHED
from tests.test_why_fixes import STATEMENT, torch_error

Shape = tuple[int, ...]
nn = torch.nn


def applied(fix: str, scope: dict[str, Any], unbatched: bool) -> dict[str, Any]:
    """``scope`` after every statement of ``fix`` meant for this input's form: a fix said for a
    batched input and "for unbatched input (L, H_in)" is two; its statements run together."""
    batched, said, other = fix.partition(UNBATCHED)
    part = other if unbatched and said else batched
    scope = dict(scope)
    for target, code in STATEMENT.findall(part):
        scope[target] = eval(code, {}, scope)
    return scope


def _forward(module: Any, x: Any, states: Any) -> tuple[Any, ...]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, finals = module(x, states)
    return finals if isinstance(finals, tuple) else (finals,)


@st.composite
def modules(draw: st.DrawFn) -> dict[str, Any]:
    module = draw(st.sampled_from(["LSTM", "GRU", "RNN"]))
    hidden = draw(st.integers(1, 6))
    case = {
        "module": module,
        "hidden": hidden,
        "layers": draw(st.integers(1, 3)),
        "bidirectional": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
        "proj": draw(st.integers(1, hidden - 1)) if module == "LSTM" and hidden > 1 and draw(
            st.booleans()) else 0,
        "L": draw(st.integers(1, 4)),
        "N": draw(st.integers(1, 4)),
    }  # fmt: skip
    case["rows"] = case["layers"] * (2 if case["bidirectional"] else 1)
    return case


def _module(case: dict[str, Any]) -> Any:
    extra = {"proj_size": case["proj"]} if case["proj"] else {}
    return getattr(nn, case["module"])(
        3, case["hidden"], num_layers=case["layers"], bidirectional=case["bidirectional"],
        batch_first=case["batch_first"], **extra,
    )  # fmt: skip


def _symbols(case: dict[str, Any], x: Any) -> dict[str, Any]:
    return {"torch": torch, "D": 2 if case["bidirectional"] else 1, "num_layers": case["layers"],
            "N": case["N"], "H_out": case["proj"] or case["hidden"], "H_cell": case["hidden"],
            "batch_first": case["batch_first"], "x": x}  # fmt: skip


def _known(case: dict[str, Any], x: Any, told: bool) -> dict[str, Any]:
    if not told:
        return {}
    return {"module": case["module"], "hidden_size": case["hidden"], "num_layers": case["layers"],
            "bidirectional": case["bidirectional"], "batch_first": case["batch_first"],
            "proj_size": case["proj"], "input": tuple(x.shape)}  # fmt: skip


@settings(max_examples=150)
@given(modules(), st.booleans(), st.sampled_from([0, 1, 2]), st.integers(1, 6), st.booleans())
def test_a_state_of_the_wrong_size_is_fixed_as_printed_batched_or_not(
    case: dict[str, Any], unbatched: bool, axis: int, size: int, told: bool
) -> None:
    """A state with the wrong rows, batch or width (and c_0 built the same way, as code builds
    both), batched or unbatched input: torch says "Expected hidden[0] size ..." (an unbatched input's
    states get a batch axis of 1 first). Every fix, applied to the faulty tensors, runs in torch
    and gives the states the module returns for this input."""
    lstm = case["module"] == "LSTM"
    length, batch = case["L"], case["N"]
    if unbatched:
        x = torch.zeros(length, 3)
        right: list[Shape] = [
            (case["rows"], case["proj"] or case["hidden"]),
            (case["rows"], case["hidden"]),
        ]
    else:
        x = torch.zeros(*((batch, length, 3) if case["batch_first"] else (length, batch, 3)))
        right = [
            (case["rows"], batch, case["proj"] or case["hidden"]),
            (case["rows"], batch, case["hidden"]),
        ]
    if unbatched and axis == 1:
        return  # an unbatched input's states have no batch axis
    wrong = [list(shape) for shape in right]
    at = axis if not unbatched or axis == 0 else 1
    for shape in wrong if axis < 2 else wrong[:1]:  # rows, N: code builds h_0 and c_0 alike
        shape[at] = size
    if wrong[0] == list(right[0]):
        return
    module = _module(case)
    tensors = {"h_0": torch.zeros(*wrong[0]), "c_0": torch.zeros(*wrong[1])}

    def states(scope: dict[str, Any]) -> Any:
        return (scope["h_0"], scope["c_0"]) if lstm else scope["h_0"]

    text = torch_error(lambda: _forward(module, x, states(tensors)))
    assert text is not None
    result = why(text, **_known(case, x, told))
    validate_json(result.to_dict(), "why")
    (explained,) = result.explained
    tried = 0
    for cause in explained.causes:
        if not STATEMENT.search(cause.fix) or cause.id.startswith("batch_first"):
            continue  # the constructor or the data's layout: the data's true layout decides
        scope = applied(cause.fix, {**_symbols(case, x), **tensors}, unbatched)
        finals = _forward(module, x, states(scope))
        assert [tuple(f.shape) for f in finals] == right[: len(finals)], (text, cause.fix)
        tried += 1
    assert tried, [c.fix for c in explained.causes]


@given(st.integers(1, 3), st.booleans(), st.sampled_from(["LSTM", "GRU", "RNN"]))
def test_a_state_laid_out_batch_first_proves_no_other_cause(
    layers: int, bidirectional: bool, module: str
) -> None:
    """A state built (N, D*num_layers, H): with N = num_layers, its D*num_layers axis reads as a
    direction not counted; the transposition explains every axis at once, so nothing is proven."""
    rows = layers * (2 if bidirectional else 1)
    batch = layers if bidirectional else layers + 1
    cls = getattr(nn, module)
    rnn = cls(3, 4, num_layers=layers, bidirectional=bidirectional, batch_first=True)
    x = torch.zeros(batch, 2, 3)
    wrong = torch.zeros(batch, rows, 4)
    text = torch_error(lambda: _forward(rnn, x, (wrong, wrong) if module == "LSTM" else wrong))
    assert text is not None
    known = {"module": module, "num_layers": layers, "bidirectional": bidirectional,
             "batch_first": True, "input": tuple(x.shape), "hidden_size": 4}  # fmt: skip
    (explained,) = why(text, **known).explained
    assert explained.causes[0].id == "state_batch_first"
    assert not any(cause.proven for cause in explained.causes), explained.causes


@given(st.integers(1, 3), st.booleans(), st.booleans())
def test_one_tensor_for_an_lstms_two_states_batched_or_not(
    layers: int, bidirectional: bool, unbatched: bool
) -> None:
    rows = layers * (2 if bidirectional else 1)
    if rows == 1:
        return  # hx[1] of one row: torch's "index 1 is out of bounds", explained elsewhere
    lstm = nn.LSTM(3, 4, num_layers=layers, bidirectional=bidirectional)
    x = torch.zeros(5, 3) if unbatched else torch.zeros(5, 2, 3)
    state = torch.zeros(rows, 4) if unbatched else torch.zeros(rows, 2, 4)
    text = torch_error(lambda: lstm(x, state))
    assert text is not None
    (explained,) = why(text).explained
    assert explained.causes[0].id == "one_state_for_two", text


@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.booleans())
def test_channels_first_is_never_read_on_the_batch_axis(
    batch: int, steps: int, width: int, batch_first: bool
) -> None:
    """The input given is (N, L, H_in) with N equal to input_size by chance: torch's input_size on
    the batch axis is no channels-first layout, and no fix moves the batch into the features."""
    if width == batch:
        return
    gru = nn.GRU(batch, 4, batch_first=batch_first)
    x = torch.zeros(*((batch, steps, width) if batch_first else (steps, batch, width)))
    text = torch_error(lambda: gru(x))
    assert text is not None
    causes = why(text, input=tuple(x.shape), batch_first=batch_first).explained[0].causes
    for cause in causes:
        if cause.id == "channels_first":
            assert x.shape[1] == batch
            assert "transpose(1, -1)" in cause.fix


@given(st.integers(0, 2), st.booleans())
def test_a_state_sentence_of_another_rank_than_torchs_is_no_crash(axis: int, drop: bool) -> None:
    """torch's "Expected hidden size (...)" always holds 3 axes; a text with 2 or 4 (a mangled log)
    is none of torch's sentences: exit 1, never a traceback."""
    gru = nn.GRU(3, 4)
    text = torch_error(lambda: gru(torch.zeros(2, 5, 3), torch.zeros(1, 2, 4)))
    assert text is not None
    expected = re.search(r"\(([0-9, ]+)\)", text)
    assert expected is not None
    sizes = expected[1].split(", ")
    if drop:
        del sizes[axis]
    else:
        sizes.insert(axis, "1")
    mangled = text.replace(expected[0], f"({', '.join(sizes)})")
    assert not why(mangled).explained
    said = invoke(["why", mangled, "--format", "json"])
    assert said.exit_code == 1
    assert json.loads(said.stdout) == {"schema": 2, "lang": "en", "recognised": False, "errors": []}


def _traceback(action: Any) -> str:
    """torch's whole traceback for ``action``, as a log holds it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            action()
        except (RuntimeError, ValueError, TypeError, IndexError):
            return traceback.format_exc()
    return "all is well\n"


# What a log does to torch's text: colours, Windows line ends, a nested traceback, repeats, a long
# line before it, bytes that are not UTF-8, sizes past any tensor's.
NOISE = {
    "ansi": lambda t: f"\x1b[31m{t}\x1b[0m",
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "nested": lambda t: (
        f"{t}\nDuring handling of the above exception, another exception occurred:\n\n{t}"
    ),
    "repeated": lambda t: t * 200,
    "long line": lambda t: "x" * 20_000 + t,
    "binary": lambda t: "\udcff\x00\udc89PNG\n" + t,
    "huge": lambda t: re.sub(r"\b([1-9])\b", r"\g<1>000000000000000000000000000000", t),
    "negative": lambda t: t.replace("got [", "got [-"),
    "empty": lambda t: "",
}


HEADINGS = ("torch says: ", "torch: ", "Message de torch\u00a0: ", "torch dice: ")


@settings(max_examples=60)
@given(modules(), st.sampled_from(["h_0", "c_0", "input", "rank", "one"]), st.integers(1, 6),
       st.sampled_from(sorted(NOISE)), st.sampled_from(["table", "json", "markdown", "plain"]),
       st.sampled_from(["en", "ja", "fr", "es"]), st.booleans())  # fmt: skip
def test_the_command_line_on_torchs_tracebacks_in_noise(
    case: dict[str, Any], fault: str, size: int, noise: str, fmt: str, lang: str, told: bool
) -> None:
    """torch's real traceback, in a log's noise, with what the user knows: exit 0, 1 or 2 only;
    the result on stdout, any error on stderr; JSON that validates; a table that fits 80 columns
    in every language."""
    module = _module(case)
    x = torch.zeros(case["L"], case["N"], 3)
    rows, width = case["rows"], case["proj"] or case["hidden"]
    states = [torch.zeros(rows, case["N"], width), torch.zeros(rows, case["N"], case["hidden"])]
    if fault in ("h_0", "c_0"):
        states[fault == "c_0"] = torch.zeros(rows, size, size)
    elif fault == "input":
        x = torch.zeros(case["L"], case["N"], 3 + size)
    elif fault == "rank":
        x = x.unsqueeze(-1)
    passed = states[0] if fault == "one" or case["module"] != "LSTM" else tuple(states)
    text = NOISE[noise](_traceback(lambda: module(x, passed)))
    argv = ["why", "--file", "-", "--format", fmt, "--lang", lang]
    if told:
        argv += ["--module", case["module"], "--hidden", str(case["hidden"]), "--layers",
                 str(case["layers"]), "--input", ",".join(map(str, x.shape))]  # fmt: skip
    said = invoke(argv, stdin=text.encode("utf-8", errors="surrogateescape"))
    assert said.exit_code in (0, 1, 2), unwrapped(said.stderr)
    assert "Traceback (most recent call last)" not in unwrapped(said.stderr)
    if said.exit_code == 0:
        assert said.stdout.strip()
        assert not unwrapped(said.stderr).strip() or unwrapped(said.stderr).startswith("Note:")
    else:
        assert unwrapped(said.stderr).strip()
    if fmt == "table":  # torch's sentence is printed whole, as users search for it
        # A fix is code: one line that pastes whole, never cut (tests/test_paste.py).
        lines = [
            line
            for line in said.stdout.splitlines()
            if not line.startswith(HEADINGS)
            and not re.match(r" +(fix|修正|correction|solución) ?:", line)
        ]
        assert all(cell_len(line) <= 80 for line in lines), said.stdout
    if fmt == "json" and said.stdout.strip():
        validate_json(json.loads(said.stdout), "why")


@given(st.integers(1, 3), st.booleans(), st.booleans(), st.integers(1, 4))
def test_an_lstms_two_states_of_the_wrong_rank_are_both_rebuilt(
    layers: int, bidirectional: bool, unbatched: bool, batch: int
) -> None:
    """torch says both ranks ("hx and cx ... (2-D, 2-D)"): the fix that builds the states builds
    both, and torch then runs with the states the module returns."""
    rows = layers * (2 if bidirectional else 1)
    lstm = nn.LSTM(3, 4, num_layers=layers, bidirectional=bidirectional)
    x = torch.zeros(5, 3) if unbatched else torch.zeros(5, batch, 3)
    wrong = torch.zeros(4) if unbatched else torch.zeros(batch, 4)
    text = torch_error(lambda: lstm(x, (wrong, wrong)))
    assert text is not None
    (explained,) = why(text).explained
    (built,) = [cause for cause in explained.causes if cause.id == "state_built"]
    symbols = {"torch": torch, "D": 2 if bidirectional else 1, "num_layers": layers, "N": batch,
               "H_out": 4, "H_cell": 4, "h_0": wrong, "c_0": wrong}  # fmt: skip
    scope = applied(built.fix, symbols, unbatched)
    _, (h_n, c_n) = lstm(x, (scope["h_0"], scope["c_0"]))
    right = (rows, 4) if unbatched else (rows, batch, 4)
    assert tuple(h_n.shape) == tuple(c_n.shape) == right
