"""lstmshape why: torch's own error text, made by making torch raise, read back and explained.

Round trips against torch: random modules and random wrong tensors and checkpoints make real torch
raise; why, given torch's exact text, recovers the numbers, names the differing axes and ranks the
true cause first where the sentence (with the arguments given) determines it.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import runpy
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lstmshape import why
from lstmshape.commands.why.find import find_sentences
from lstmshape.torchfacts.sentences import TORCH
from tests.conftest import invoke, unwrapped, validate_json
from tests.strategies import build, call, configs, spec_of, torch

Shape = tuple[int, ...]


def torch_error(action: Any) -> str:
    """What torch raises when ``action`` runs: its exact text."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            action()
        except (RuntimeError, ValueError, TypeError, IndexError) as error:
            return str(error)
    raise AssertionError("torch raised nothing")


@st.composite
def wrong_states(draw: st.DrawFn) -> tuple[dict[str, Any], str, Shape, Shape]:
    """A batched sequence module on a non-empty input, and a state of the right rank whose sizes
    differ from the right ones on some axes."""
    config = draw(configs().filter(lambda c: c["module"] in ("LSTM", "GRU", "RNN")))
    spec = spec_of(config)
    length, batch = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    config["input"] = (
        (batch, length, spec.input_size) if spec.batch_first else (length, batch, spec.input_size)
    )
    right = _right_states(config)
    name = draw(st.sampled_from(list(right)))
    shape = list(right[name])
    for axis in draw(st.sets(st.integers(0, 2), min_size=1)):
        shape[axis] = draw(st.integers(1, 9).filter(lambda n, a=axis: n != right[name][a]))
    return config, name, tuple(shape), right[name]


@given(wrong_states())
def test_why_recovers_torchs_numbers_and_the_differing_axes(
    case: tuple[dict[str, Any], str, Shape, Shape],
) -> None:
    config, name, shape, right = case
    spec = spec_of(config)
    states = {n: torch.zeros(*s) for n, s in _right_states(config).items()}
    states[name] = torch.zeros(*shape)
    module = build(spec)
    text = torch_error(lambda: call(module, torch.zeros(*config["input"]), tuple(states.values())))
    result = why(f"Traceback (most recent call last):\n  ...\nRuntimeError: {text}\n")
    validate_json(result.to_dict(), "why")
    (explained,) = result.explained
    assert explained.torch_message == text
    assert explained.subject == name
    assert explained.expected == right
    assert explained.got == shape
    differing = [axis.symbol for axis in explained.axes if axis.differs]
    symbols = ("D*num_layers", "N", "H_cell" if name == "c_0" else "H_out")
    assert differing == [s for s, a, b in zip(symbols, shape, right, strict=True) if a != b]
    assert explained.causes
    # Every fix that builds the state, evaluated with this module's symbols, builds the right one
    # (the input is batched: a build said "for unbatched input" is not this input's).
    built = [
        eval(code, {"torch": torch}, _symbols(spec, config["input"]))
        for cause in explained.causes
        for tensor, code in BUILDS.findall(batched_part(cause.fix))
        if tensor == name
    ]
    assert built
    assert all(tuple(state.shape) == right for state in built)


# A fix that builds a state: "h_0 = torch.zeros(D * num_layers, x.size(...), H_out)".
BUILDS = re.compile(r"\b(h_0|c_0) = (torch\.zeros\((?:[^()]|\([^()]*\))*\))")
UNBATCHED = "; for unbatched input (L, H_in): "


def batched_part(fix: str) -> str:
    """A fix for a batched input: the part before its alternative for an unbatched one."""
    return fix.partition(UNBATCHED)[0]


def _symbols(spec: Any, shape: Shape) -> dict[str, Any]:
    """PyTorch's symbols, the names a fix is written in, with this module's values."""
    directions = 2 if spec.bidirectional else 1
    batch = shape[0] if spec.batch_first else shape[1]
    return {"D": directions, "num_layers": spec.num_layers, "x": torch.zeros(*shape),
            "batch_first": spec.batch_first, "N": batch, "bidirectional": spec.bidirectional,
            "H_out": spec.proj_size or spec.hidden_size, "H_cell": spec.hidden_size,
            "hidden_size": spec.hidden_size, "proj_size": spec.proj_size}  # fmt: skip


def _right_states(config: dict[str, Any]) -> dict[str, Shape]:
    from lstmshape.commands.explain.layout import state_shapes

    return state_shapes(spec_of(config), config["input"])


@given(st.integers(1, 4), st.booleans(), st.integers(1, 6))
def test_the_true_cause_comes_first_when_the_arguments_determine_it(
    layers: int, bidirectional: bool, batch: int
) -> None:
    """A state built for one direction of a bidirectional stack, or for fewer layers: with the
    module's arguments given, the cause is proven and first."""
    module = torch.nn.LSTM(5, 7, num_layers=layers, bidirectional=bidirectional)
    rows = layers * (2 if bidirectional else 1)
    wrong_rows = layers if bidirectional else max(1, rows - 1) if rows > 1 else 2
    states = (torch.zeros(wrong_rows, batch, 7), torch.zeros(rows, batch, 7))
    text = torch_error(lambda: module(torch.zeros(3, batch, 5), states))
    known = {"num_layers": layers, "bidirectional": bidirectional}
    (explained,) = why(text, **known).explained
    first = explained.causes[0]
    if bidirectional:
        assert (first.id, first.proven) == ("bidirectional_not_counted", True)
    else:
        assert first.id in ("rows", "built_for_bidirectional", "num_layers_not_counted")


@given(st.integers(1, 6), st.integers(1, 6), st.booleans(), st.sampled_from(["LSTM", "GRU", "RNN"]))
def test_a_swapped_batch_first_is_first_given_the_input_and_its_fix_runs_the_data_as_meant(
    steps: int, batch: int, data_batch_first: bool, module: str
) -> None:
    """The data is (N, L, H_in) (or (L, N, H_in)), the module built with the other batch_first,
    the state built for the data's true N. Given the input's shape, why proves the swap; its fix,
    applied, makes torch run the data with N sequences of L steps."""
    if steps == batch:
        return
    cls = getattr(torch.nn, module)
    x = torch.zeros(*((batch, steps, 5) if data_batch_first else (steps, batch, 5)))
    states = tuple(torch.zeros(1, batch, 7) for _ in range(2 if module == "LSTM" else 1))
    wrong = cls(5, 7, batch_first=not data_batch_first)
    text = torch_error(lambda: call(wrong, x, states))
    (explained,) = why(text, input=tuple(x.shape)).explained
    first = explained.causes[0]
    assert not first.proven  # a state built for the wrong size gives the same numbers
    assert first.id == ("batch_first_forgotten" if data_batch_first else "batch_first_wrong")
    change = first.fix.split(";")[0]
    assert change.endswith("without batch_first=True") != data_batch_first
    assert "batch_first=True" in change
    assert first.fix.split(";")[0].startswith(f"nn.{'LSTM' if module == 'LSTM' else 'GRU'}(")
    fixed = cls(5, 7, batch_first=data_batch_first)  # the fix: batch_first as the data is laid
    output, _ = call(fixed, x, states)
    assert output.shape[0 if data_batch_first else 1] == batch
    # The other reading of the fix: the state built from the axis torch reads as N.
    axis = int(first.fix.split("x.size(")[1][0])
    rebuilt = tuple(torch.zeros(1, x.shape[axis], 7) for _ in states)
    call(wrong, x, rebuilt)


def test_proj_size_widths_are_recognised() -> None:
    module = torch.nn.LSTM(10, 20, proj_size=5)
    h = torch_error(
        lambda: module(torch.zeros(4, 3, 10), (torch.zeros(1, 3, 20), torch.zeros(1, 3, 20)))
    )
    assert why(h).explained[0].causes[0].id == "proj_size_h"
    c = torch_error(
        lambda: module(torch.zeros(4, 3, 10), (torch.zeros(1, 3, 5), torch.zeros(1, 3, 5)))
    )
    assert why(c).explained[0].causes[0].id == "proj_size_c"


@given(st.integers(1, 40), st.integers(1, 40))
def test_an_input_of_another_width(width: int, input_size: int) -> None:
    if width == input_size:
        return
    module = torch.nn.GRU(input_size, 4)
    text = torch_error(lambda: module(torch.zeros(3, 2, width)))
    (explained,) = why(text).explained
    assert (explained.subject, explained.expected, explained.got) == ("input", input_size, width)
    fix = explained.causes[0].fix
    assert fix.startswith(f"nn.LSTM(input_size={width}, ...) (or nn.GRU, nn.RNN")
    (known,) = why(text, module="GRU").explained
    assert known.causes[0].fix.startswith(f"nn.GRU(input_size={width}, ...);")
    torch.nn.GRU(width, 4)(torch.zeros(3, 2, width))  # the fix, applied


# Every sentence torch says, made by torch itself: the constructor, the forward passes, packing,
# load_state_dict. Each must be recognised (and none of them mistaken for another).
def _torch_texts() -> list[str]:
    nn, rnn = torch.nn, torch.nn.utils.rnn
    x = torch.zeros(4, 3, 10)
    lstm, gru, cell = nn.LSTM(10, 20), nn.GRU(10, 20), nn.LSTMCell(10, 20)
    return [
        torch_error(lambda: nn.GRU(10, 20, proj_size=2)),
        torch_error(lambda: nn.RNN(10, 20, nonlinearity="sigmoid")),
        torch_error(lambda: nn.LSTMCell(10, 20, num_layers=2)),
        torch_error(lambda: nn.LSTM(10, 20, nonlinearity="relu")),
        torch_error(lambda: nn.LSTM(10, 20, dropout=2)),
        torch_error(lambda: nn.LSTM(10, 20, bias=1)),
        torch_error(lambda: nn.LSTM(10, 2.5)),
        torch_error(lambda: nn.LSTM(0, 20)),
        torch_error(lambda: nn.LSTM(10, 20, proj_size=-1)),
        torch_error(lambda: nn.LSTM(10, 20, proj_size=20)),
        torch_error(lambda: nn.GRUCell(10, -2)),
        torch_error(lambda: nn.RNNCell(10, 20, nonlinearity="sigmoid")(torch.zeros(3, 10))),
        torch_error(lambda: lstm(torch.zeros(4, 3, 10, 1))),
        torch_error(lambda: nn.RNN(10, 20)(torch.zeros(4, 3, 10, 1))),
        torch_error(lambda: gru(x, torch.zeros(3, 20))),
        torch_error(lambda: lstm(x, (torch.zeros(3, 20), torch.zeros(1, 3, 20)))),
        torch_error(lambda: lstm(torch.zeros(4, 3, 8))),
        torch_error(lambda: lstm(x, (torch.zeros(1, 8, 20),) * 2)),
        torch_error(lambda: gru(x, torch.zeros(2, 3, 20))),
        torch_error(lambda: lstm(torch.zeros(0, 3, 10))),
        torch_error(lambda: lstm(x, torch.zeros(1, 3, 20))),
        torch_error(lambda: cell(torch.zeros(3, 4, 10))),
        torch_error(lambda: cell(torch.zeros(3, 10), (torch.zeros(2, 3, 20),) * 2)),
        torch_error(lambda: nn.GRUCell(10, 20)(torch.zeros(3, 10), torch.zeros(2, 3, 20))),
        torch_error(lambda: cell(torch.zeros(3, 8))),
        torch_error(lambda: cell(torch.zeros(3, 10), (torch.zeros(2, 20),) * 2)),
        torch_error(lambda: cell(torch.zeros(3, 10), (torch.zeros(3, 19),) * 2)),
        torch_error(lambda: cell(torch.zeros(3, 10), torch.zeros(3, 20))),
        torch_error(lambda: rnn.pack_padded_sequence(x, [1, 4, 3])),
        torch_error(lambda: rnn.pack_padded_sequence(x, [4, 3])),
        torch_error(lambda: rnn.pack_padded_sequence(x, [4, 3, 0])),
        torch_error(lambda: rnn.pack_padded_sequence(torch.zeros(4, 0, 10), [])),
        torch_error(lambda: gru(rnn.pack_padded_sequence(torch.zeros(4, 2, 10), [5, 3]))),
        torch_error(lambda: lstm(rnn.pack_padded_sequence(torch.zeros(4, 2, 10), [6, 6]))),
        torch_error(lambda: nn.LSTM(300, 128).load_state_dict(nn.LSTM(300, 256).state_dict())),
        torch_error(lambda: nn.LSTM(10, 20, 2).load_state_dict(nn.LSTM(10, 20).state_dict())),
        torch_error(lambda: nn.LSTM(10, 20).load_state_dict(nn.LSTM(10, 20, bidirectional=True).state_dict())),
    ]  # fmt: skip


def test_every_sentence_torch_raises_is_recognised() -> None:
    ids = set()
    for text in _torch_texts():
        result = why(text)
        if not result.explained:  # a sentence torch says of any tensor: read with a layer named
            result = why(text, module="LSTM")
            assert all(TORCH[e.sentence].generic for e in result.explained), text
        assert result.explained, text
        validate_json(result.to_dict(), "why")
        ids.update(e.sentence for e in result.explained)
    # The texts above make torch say most of what lstmshape quotes.
    assert len(ids) >= 30, sorted(set(TORCH) - ids)


def test_every_template_reads_back_what_it_says() -> None:
    samples = {"int": 7, "shape": (2, 3, 20), "state": (2, 3, 20), "list": (1, 8, 20), "size": (1024, 300),
               "name": "hidden_size", "path": "encoder.lstm.weight_ih_l0", "label": "hidden[1]",
               "batchedness": "batched 3-D", "ranks": "2-D, 3-D", "keys": '"a.weight", "b.bias"',
               "word": "sigmoid", "dtype": "torch.float64", "scalar": "Double", "device": "cuda:0",
               "kernel": "_thnn_fused_lstm_cell_cuda", "cell_label": "[1]"}  # fmt: skip
    for sentence in TORCH.values():
        values = {name: samples[kind] for name, kind in sentence.fields.items()}
        text = f"noise before\nRuntimeError: {sentence.say(**values)}\nnoise after\n"
        found = [f for f in find_sentences(text) if f.sentence.id == sentence.id]
        assert found, sentence.id
        assert found[0].message == sentence.say(**values)


def test_a_state_dict_mismatch_gives_both_calls_side_by_side() -> None:
    model = torch.nn.Module()
    model.lstm = torch.nn.LSTM(300, 128, num_layers=2, bidirectional=True)
    saved = torch.nn.Module()
    saved.lstm = torch.nn.LSTM(300, 256, num_layers=2, bidirectional=True)
    text = torch_error(lambda: model.load_state_dict(saved.state_dict()))
    (first,) = why(text).explained  # one module: one explanation of its 16 lines
    assert first.parameter == "lstm.weight_ih_l0"
    assert len(first.mismatches) == 16
    assert first.mismatches[1] == ("lstm.weight_hh_l0", (1024, 256), (512, 128))
    assert first.checkpoint is not None
    assert first.model is not None
    assert (first.checkpoint["hidden_size"], first.model["hidden_size"]) == (256, 128)
    assert first.checkpoint["bidirectional"] is True
    assert first.causes[0].proven
    assert "nn.LSTM(300, 256, num_layers=2, bidirectional=True)" in first.causes[0].text
    assert first.causes[0].fix == "hidden_size=256"


@st.composite
def two_configs(draw: st.DrawFn) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A class, and the arguments of a checkpoint's module and a model's that cannot load it."""
    module = draw(st.sampled_from(["LSTM", "GRU", "RNN"]))

    def arguments() -> dict[str, Any]:
        hidden = draw(st.integers(2, 12))
        args = {"hidden_size": hidden, "num_layers": draw(st.integers(1, 3)),
                "bidirectional": draw(st.booleans()), "bias": draw(st.booleans())}  # fmt: skip
        if module == "LSTM" and draw(st.booleans()):
            args["proj_size"] = draw(st.integers(1, hidden - 1))
        return args

    saved, built = arguments(), arguments()
    assume(saved != built)
    return module, saved, built


def _applied(fixes: list[str], built: dict[str, Any]) -> dict[str, Any]:
    """The model's arguments after every fix why gives as argument settings (``hidden_size=256``,
    or ``encoder: num_layers=2``)."""
    args = dict(built)
    for fix in fixes:
        if ", where " in fix:
            continue  # a value the text cannot tell: proj_size=P (the size mismatch tells it)
        for setting in fix.split(": ")[-1].split(", "):
            name, _, value = setting.partition("=")
            assert re.fullmatch(r"[a-z_]+", name), fix
            args[name] = ast.literal_eval(value)
    return args


@given(two_configs())
def test_the_fixes_of_a_failed_load_state_dict_load_the_checkpoint(
    case: tuple[str, dict[str, Any], dict[str, Any]],
) -> None:
    """Every fix why gives for load_state_dict, applied to the model's arguments, builds a model that
    loads the checkpoint: the fix is the checkpoint's configuration, not merely another one."""
    module, saved, built = case
    cls = getattr(torch.nn, module)
    state = cls(6, **saved).state_dict()
    text = torch_error(lambda: cls(6, **built).load_state_dict(state))
    result = why(text)
    assert result.explained, text
    validate_json(result.to_dict(), "why")
    fixes = [c.fix for e in result.explained for c in e.causes if c.proven]
    cls(6, **_applied(fixes, built)).load_state_dict(state)


def test_keys_a_checkpoint_lacks_or_has_too_many() -> None:
    missing = torch_error(
        lambda: torch.nn.LSTM(10, 20, 2).load_state_dict(torch.nn.LSTM(10, 20).state_dict())
    )
    causes = [c.id for e in why(missing).explained for c in e.causes]
    assert "num_layers" in causes
    extra = torch_error(
        lambda: torch.nn.LSTM(10, 20).load_state_dict(
            torch.nn.LSTM(10, 20, bidirectional=True).state_dict()
        )
    )
    assert "bidirectional" in [c.id for e in why(extra).explained for c in e.causes]
    parallel = (
        'Unexpected key(s) in state_dict: "module.lstm.weight_ih_l0", "module.lstm.weight_hh_l0".'
    )
    assert why(parallel).explained[0].causes[0].id == "data_parallel_prefix"


def test_a_long_traceback_two_errors_and_none() -> None:
    noise = "".join(f'  File "x{i}.py", line {i}, in f\n    y = g(x)\n' for i in range(300))
    first = "RuntimeError: Expected hidden[0] size (2, 3, 20), got [1, 3, 20]"
    second = "ValueError: input.size(-1) must be equal to input_size. Expected 10, got 8"
    both = why(noise + first + "\n" + noise + second + "\n" + first + "\n")
    assert [e.sentence for e in both.explained] == ["state_size", "input_width"]
    assert both.explained[0].times == 2
    assert not why(noise).explained
    assert not why("\x00\xff\xfe binary \x89PNG").explained


def test_ten_megabytes_adversarial_or_not_are_read_in_linear_time() -> None:
    cases = {
        "log": ("x" * 99 + "\n") * 100_000 + "RuntimeError: Expected hidden size (1, 3, 20), got [1, 4, 20]\n",
        "one line of anchors": "Expected " * 1_000_000,
        "an open shape": "Expected hidden[0] size (" + "1, " * 3_000_000,
        "keys without end": 'Missing key(s) in state_dict: ' + '"a", ' * 2_000_000,
    }  # fmt: skip
    for name, text in cases.items():
        start = time.process_time()
        why(text)
        assert time.process_time() - start < 5, name  # quadratic would take minutes


def test_the_command_line(tmp_path: Path) -> None:
    text = "RuntimeError: Expected hidden[0] size (1, 8, 256), got [1, 32, 256]"
    said = invoke(["why", text, "--format", "json"])
    assert said.exit_code == 0, unwrapped(said.stderr)
    data = json.loads(said.stdout)
    assert data["recognised"] is True
    assert (data["tensor"], data["expected"], data["got"]) == ("h_0", [1, 8, 256], [1, 32, 256])
    assert data["axes"][1] == {"symbol": "N", "expected": 8, "got": 32}
    assert data["causes"][0]["fix"]
    log = tmp_path / "train.log"
    log.write_bytes(b"\xff\xfe garbage\n" + text.encode() + b"\n")
    assert invoke(["why", "--file", str(log)]).exit_code == 0
    none = invoke(["why", "all is well"])
    assert none.exit_code == 1
    assert "No sentence of torch's about recurrent layers" in none.stderr
    missing = invoke(["why", "--file", str(tmp_path / "nope.log")])
    assert (missing.exit_code, missing.stdout) == (2, "")
    assert "nope.log" in missing.stderr


def test_standard_input_and_no_torch() -> None:
    text = "RuntimeError: input.size(-1) must be equal to input_size. Expected 300, got 128\n"
    code = (
        "import sys\n"
        "from lstmshape.cli import app\n"
        "try:\n    app(['why', '--format', 'json'])\n"
        "except SystemExit as done:\n    assert done.code == 0, done.code\n"
        "print('torch loaded:', 'torch' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], input=text, capture_output=True, text=True,
        env={**os.environ, "COLUMNS": "80"}, check=False,
    )  # fmt: skip
    assert result.returncode == 0, unwrapped(result.stderr)
    assert unwrapped(result.stderr).strip().endswith("torch loaded: False")
    assert json.loads(result.stdout)["got"] == 128


@given(st.sampled_from(["LSTMCell", "GRUCell", "RNNCell"]), st.integers(1, 6), st.integers(1, 6),
       st.integers(1, 6), st.integers(0, 1))  # fmt: skip
def test_a_cells_state_of_another_batch_or_width_and_the_fix_that_builds_it(
    module: str, batch: int, wrong: int, hidden: int, which: int
) -> None:
    """A cell's state of another batch (or width): the fix that builds the state builds the one
    torch takes."""
    cell = getattr(torch.nn, module)(3, hidden)
    x = torch.zeros(batch, 3)
    right = (batch, hidden)
    states = [torch.zeros(*right), torch.zeros(*right)]
    states[which if module == "LSTMCell" else 0] = torch.zeros(wrong, hidden + (wrong == batch))
    text = torch_error(lambda: call(cell, x, tuple(states[: 2 if module == "LSTMCell" else 1])))
    (explained,) = why(text).explained
    values = {"x": x, "N": batch, "hidden_size": hidden}
    built = [
        eval(code, {"torch": torch}, values)
        for cause in explained.causes
        for _, code in BUILDS.findall(cause.fix)
    ]
    assert built, [c.fix for c in explained.causes]
    assert all(tuple(state.shape) == right for state in built)


def test_the_example_log_holds_what_torch_says_today() -> None:
    """docs/why.md explains examples/train.log: its sentence is the one torch raises now."""
    root = Path(__file__).resolve().parent.parent
    made = runpy.run_path(str(root / "examples" / "make_train_log.py"))["log"]()
    saved = (root / "examples" / "train.log").read_text()
    assert made.splitlines()[-1] == saved.splitlines()[-1]
    assert made.splitlines()[:4] == saved.splitlines()[:4]
    assert f"```text\n{saved}```" in (root / "README.md").read_text()  # pasted whole


@given(st.lists(st.sampled_from([
    "step 1: loss 0.5\n", "Traceback (most recent call last):\n", "  File \"x.py\", line 3\n",
    "RuntimeError: Expected hidden[0] size (2, 3, 20), got [1, 3, 20]\n",
    "ValueError: input.size(-1) must be equal to input_size. Expected 10, got 8\n",
    "\udcff\x00 binary \n", "no newline at the end",
]), max_size=30), st.integers(1, 64))  # fmt: skip
def test_a_log_read_in_blocks_is_explained_as_the_whole_text(lines: list[str], block: int) -> None:
    """The command line reads a log in blocks of whole lines (any size in one block's memory); the
    result is the one of the whole text, whatever the block size."""
    from lstmshape.cli import why as command
    from lstmshape.commands.why import why_blocks

    raw = "".join(lines).encode("utf-8", errors="surrogateescape")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(command, "BLOCK_BYTES", block)
        patch.setattr(command, "LONGEST_LINE", 4096)
        blocks = list(command.line_blocks(io.BytesIO(raw)))
    whole = raw.decode("utf-8", errors="replace")
    assert "".join(blocks) == whole
    assert why_blocks(blocks) == why(whole)


def test_an_explanation_in_japanese_keeps_torchs_sentence_and_the_code_of_its_fixes() -> None:
    """lang="ja": the prose is Japanese; torch's sentence, the ids and every fix's code are as in
    English, character for character."""
    state = torch_error(
        lambda: torch.nn.LSTM(10, 20, 2)(
            torch.zeros(5, 4, 10), (torch.zeros(2, 32, 20), torch.zeros(2, 4, 20))
        )
    )
    refusal = torch_error(lambda: torch.nn.RNN(10, 20, nonlinearity="sigmoid"))
    for text, code in (
        (state, ["DataLoader(..., drop_last=True)",
                 "h_0 = torch.zeros(D * num_layers, x.size(0 if batch_first else 1), H_out)"]),
        (refusal, ["nn.RNN(..., nonlinearity='tanh')  # ", "'relu'"]),
    ):  # fmt: skip
        english, japanese = why(text, lang="en"), why(text, lang="ja")
        assert (english.lang, japanese.lang) == ("en", "ja")
        validate_json(japanese.to_dict(), "why")
        (en,), (ja,) = english.explained, japanese.explained
        assert ja.torch_message == en.torch_message == text.strip()
        assert (ja.sentence, ja.stage, ja.subject) == (en.sentence, en.stage, en.subject)
        assert [c.id for c in ja.causes] == [c.id for c in en.causes]
        fixes = (en.causes[0].fix, ja.causes[0].fix)
        assert all(piece in fix for piece in code for fix in fixes), fixes
        assert fixes[0] != fixes[1]  # the prose around the code is translated
        assert _JAPANESE.search(ja.summary)
        assert _JAPANESE.search(fixes[1])
        assert not _JAPANESE.search(en.summary + fixes[0])
        shown = str(japanese)  # the plain view, in the result's language
        assert f"torch: {ja.torch_message}" in shown
        assert "Likely causes" not in shown
        assert "fix:" not in shown


_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@given(st.text(st.sampled_from(["あ", "漢", "。", "、", "（", "）", "a", "b", "_", " "]), max_size=60),
       st.integers(2, 24))  # fmt: skip
def test_japanese_lines_are_broken_to_fit_and_keep_every_character(text: str, width: int) -> None:
    """Rich breaks at spaces only; the why view breaks Japanese between wide characters: every
    line fits but one piece wider than the line (never cut: it overflows whole), and only the
    spaces at a break are dropped."""
    from rich.cells import cell_len

    from lstmshape.i18n.lines import pieces
    from lstmshape.views.wrapping import wrap_cells

    lines = wrap_cells(text, width)
    assert all(cell_len(line) <= width or len(pieces(line)) == 1 for line in lines), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_japanese_line_never_starts_with_closing_punctuation() -> None:
    from lstmshape.views.wrapping import wrap_cells, wrapped

    text = "バッチありの入力が受け取るのは 3-D の状態 (D*num_layers, N, H)。この状態は、層の軸なしで作られている。"
    lines = wrap_cells(text, 65)  # the first sentence is 64 cells: "こ" would make 66
    assert lines == [
        "バッチありの入力が受け取るのは 3-D の状態 (D*num_layers, N, H)。",
        "この状態は、層の軸なしで作られている。",
    ]
    assert not any(line.startswith(("。", "、", "）")) for line in wrap_cells(text, 21))
    # Every language is broken here, English too: at its spaces, "batch of 32" held together.
    english = "h_0 was built for a batch of 32, and this input has 4 sequences."
    assert wrapped(english, 20).plain.split("\n") == [
        "h_0 was built for a",
        "batch of 32, and",
        "this input has 4",
        "sequences.",
    ]
