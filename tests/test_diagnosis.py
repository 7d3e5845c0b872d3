"""The one diagnosis of a wrong state, held against torch over a random sample: a module and its
tensors built from a random configuration with one or two of the mistakes users make; torch
raises; ``why`` reads torch's text (told the configuration), explain reads the same tensors; both
name the same first cause, that cause is one the mistakes made can give, and explain's fix (the
first cause's) makes torch take the call and give the shapes the user meant.

Where the numbers cannot tell two mistakes apart, only the user knows which they made, and the
sample leaves that pair out (said at each ``assume``): a state built for the input's other axis
is a swap of N and L to torch as much as to us; a state of another batch with batch_first also
wrong leaves no number that says which batch was meant.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lstmshape import ModuleSpec, TensorMismatchError, explain, why
from lstmshape.commands.explain.diagnosis.changes import LAYOUT_CAUSES
from tests.strategies import build, call, spec_of, torch
from tests.test_why_fixes import torch_error

Shape = tuple[int, ...]

# Each mistake, and the causes that name it (the numbers of some mistakes fit others' too: two
# rows for num_layers=2 and bidirectional are layers or directions not counted alike).
MISTAKES: dict[str, tuple[str, ...]] = {
    "batch": ("smaller_last_batch", "state_batch", "data_parallel"),
    "layers": ("num_layers_not_counted", "bidirectional_not_counted", "rows"),
    "directions": ("bidirectional_not_counted", "num_layers_not_counted", "rows"),
    "twice": ("built_for_bidirectional", "rows"),
    "batch_first_forgotten": ("batch_first_forgotten",),
    "batch_first_wrong": ("batch_first_wrong",),
    "proj_h": ("proj_size_h",),
    "proj_c": ("proj_size_c",),
    "width": ("width", "proj_size_h", "proj_size_c"),
    "transposed": ("state_batch_first",),
}
SWAPS = ("batch_first_forgotten", "batch_first_wrong")


@st.composite
def meant(draw: st.DrawFn) -> dict[str, Any]:
    """What the user means: a sequence module, a batched input and the states that fit it."""
    module = draw(st.sampled_from(["LSTM", "GRU", "RNN"]))
    hidden = draw(st.integers(2, 10))
    config: dict[str, Any] = {
        "module": module,
        "hidden_size": hidden,
        "num_layers": draw(st.integers(1, 3)),
        "bidirectional": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
    }
    if module == "LSTM" and draw(st.booleans()):
        config["proj_size"] = draw(st.integers(1, hidden - 1))
    n, length, width = draw(st.integers(1, 6)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    config["input"] = (n, length, width) if config["batch_first"] else (length, n, width)
    spec = module_of(config)
    config["h_0"] = (spec.D * spec.num_layers, n, spec.H_out)
    if module == "LSTM":
        config["c_0"] = (spec.D * spec.num_layers, n, spec.H_cell)
    return config


def module_of(config: dict[str, Any]) -> ModuleSpec:
    """The module of a call's arguments (its states aside)."""
    return spec_of({k: v for k, v in config.items() if k not in ("h_0", "c_0")})


def _batch(config: dict[str, Any]) -> tuple[int, int]:
    """N and L of the meant input."""
    first, second = config["input"][0], config["input"][1]
    return (first, second) if config["batch_first"] else (second, first)


def _states(config: dict[str, Any], change: Any) -> dict[str, Any]:
    """Every state of ``config`` changed alike (users build h_0 and c_0 alike)."""
    return {name: change(config[name]) for name in ("h_0", "c_0") if name in config}


def mistaken(config: dict[str, Any], mistake: str, other: int) -> dict[str, Any] | None:
    """``config`` with ``mistake`` made (``other``: a size of the user's wrong choice), or None
    where this configuration cannot make it."""
    spec = module_of(config)
    n, length = _batch(config)
    rows = spec.D * spec.num_layers
    if mistake == "batch":
        if other in (n, length):  # the input's other axis: a swap to torch (module docstring)
            return None
        return {**config, **_states(config, lambda s: (s[0], other, s[2]))}
    if mistake in ("layers", "directions", "twice"):
        wrong = {"layers": spec.D, "directions": spec.num_layers, "twice": 2 * rows}[mistake]
        if (mistake == "directions") != (spec.D == 2) or wrong == rows:
            return None
        return {**config, **_states(config, lambda s: (wrong, s[1], s[2]))}
    if mistake in SWAPS:
        if n == length or config["batch_first"] != (mistake == "batch_first_forgotten"):
            return None
        return {**config, "batch_first": not config["batch_first"]}
    return _wrong_state(config, mistake, other)


def _wrong_state(config: dict[str, Any], mistake: str, other: int) -> dict[str, Any] | None:
    spec = module_of(config)
    h_0 = config["h_0"]
    if mistake == "proj_h" and spec.proj_size:
        return {**config, "h_0": (h_0[0], h_0[1], spec.hidden_size)}
    if mistake == "proj_c" and spec.proj_size:
        return {**config, "c_0": (h_0[0], h_0[1], spec.proj_size)}
    if mistake == "width" and other not in (spec.H_out, spec.hidden_size, spec.proj_size):
        return {**config, "h_0": (h_0[0], h_0[1], other)}
    if mistake == "transposed" and h_0[0] != h_0[1]:
        return {**config, **_states(config, lambda s: (s[1], s[0], s[2]))}
    return None


def _looks_swapped(config: dict[str, Any], wrong: dict[str, Any], mistakes: list[str]) -> bool:
    """A state left with the input's other axis (L) as its batch, by mistakes that are no swap:
    the numbers of a swap of N and L (module docstring)."""
    if set(mistakes) & set(SWAPS):
        return False
    n, length = _batch(config)
    return n != length and any(wrong[s][1] == length for s in ("h_0", "c_0") if s in wrong)


def torch_run(config: dict[str, Any]) -> tuple[Shape, ...]:
    """The shapes torch gives for ``config``'s call: output, then the final states."""
    spec = module_of(config)
    states = tuple(torch.zeros(*config[n]) for n in ("h_0", "c_0") if n in config)
    output, finals = call(build(spec), torch.zeros(*config["input"]), states)
    return (tuple(output.shape), *(tuple(f.shape) for f in finals))


def torch_says(config: dict[str, Any]) -> str | None:
    return torch_error(lambda: torch_run(config))


_KNOWN = ("module", "input", "hidden_size", "num_layers", "bidirectional", "batch_first")


def told(config: dict[str, Any]) -> dict[str, Any]:
    """What why is told besides torch's text: the module's arguments and the input's shape."""
    return {k: config[k] for k in (*_KNOWN, "proj_size") if k in config}


@given(
    meant(),
    st.lists(st.sampled_from(list(MISTAKES)), min_size=1, max_size=2, unique=True),
    st.integers(1, 9),
)
def test_explain_and_why_name_the_same_first_cause_and_its_fix_gives_what_was_meant(
    config: dict[str, Any], mistakes: list[str], other: int
) -> None:
    assume(not ({"batch", *SWAPS} >= set(mistakes) and len(mistakes) == 2 and "batch" in mistakes))
    wrong: dict[str, Any] | None = config
    for mistake in mistakes:
        wrong = mistaken(wrong, mistake, other) if wrong is not None else None
    assume(wrong is not None)
    assert wrong is not None
    assume(not _looks_swapped(config, wrong, mistakes))
    text = torch_says(wrong)
    assume(text is not None and "hidden" in text and "size" in text)  # a state's size, not rank
    assert text is not None

    read = why(text, **told(wrong)).explained[0]
    with pytest.raises(TensorMismatchError) as raised:
        explain(**wrong)
    error = raised.value
    assert read.causes[0].id == error.causes[0], (text, read.causes, error.causes)
    if len(mistakes) == 1:
        # Two mistakes may give the numbers of a third, simpler one (a batch of 2 transposed
        # onto one row is two rows): only the fix can be held then.
        assert error.causes[0] in MISTAKES[mistakes[0]], (mistakes, text)

    fixed = error.fixes[0].applied_to(wrong)
    assert torch_says(fixed) is None, (error, fixed)
    if len(mistakes) == 2 and torch_run(fixed) != torch_run(config):
        # Two mistakes that give the numbers of one simpler mistake (h_0 transposed under a wrong
        # batch_first is h_0 with two rows): the fix is that one change, and torch accepts it;
        # what was meant cannot be read from the numbers.
        changed = {k for k in {*fixed, *wrong} if fixed.get(k) != wrong.get(k)}
        assert len(changed) == 1 or changed <= {"h_0", "c_0"}, (error, fixed, changed)
        return
    assert torch_run(fixed) == torch_run(config), (error, fixed)


@given(meant(), st.sampled_from(list(MISTAKES)), st.integers(1, 9))
def test_each_causes_fix_as_data_is_the_one_its_code_says(
    config: dict[str, Any], mistake: str, other: int
) -> None:
    """The first cause's fix as data (what explain's Try says) is its fix in code: a swap's is the
    constructor's batch_first, any other's the state torch takes."""
    wrong = mistaken(config, mistake, other)
    assume(wrong is not None)
    assert wrong is not None
    text = torch_says(wrong)
    assume(text is not None and "hidden" in text and "size" in text)
    assert text is not None
    first = why(text, **told(wrong)).explained[0].causes[0]
    assert first.change is not None
    if first.id in LAYOUT_CAUSES:
        assert [c.argument for c in first.change.changes] == ["batch_first"]
        assert "batch_first" in first.fix
    else:
        (change,) = first.change.changes
        assert change.argument == read_tensor(text)
        assert change.value == torch_expected(text)


def read_tensor(text: str) -> str:
    return "c_0" if "hidden[1]" in text else "h_0"


def torch_expected(text: str) -> Shape:
    """The shape torch's sentence expects, read from the text torch raised."""
    inside = text.split("size (", 1)[1].split(")", 1)[0]
    return tuple(int(part) for part in inside.split(","))


# A state of the wrong rank: each mistake, the state as the user built it from the meant one, and
# the cause explain names first. torch's sentence says the ranks, not the sizes: ``why`` names the
# same cause where the ranks tell it (SAME), else one that builds the state anew.
RANK_MISTAKES: dict[str, tuple[Any, str]] = {
    "layer_axis": (lambda s: s[1:], "layer_axis_missing"),
    "batch_axis": (lambda s: (s[0], s[2]), "batch_axis_missing"),
    "extra_axis": (lambda s: (1, *s), "extra_axis"),
}
BUILT = ("state_built", "layer_axis_missing")


@given(meant(), st.sampled_from(list(RANK_MISTAKES)), st.booleans(), st.booleans())
def test_a_state_of_the_wrong_rank_gets_the_same_first_cause_and_a_fix_that_runs_as_meant(
    config: dict[str, Any], mistake: str, both: bool, unbatched: bool
) -> None:
    """Batched input with a state of one axis less or more; unbatched input with a batched
    state (the meant state, of a batch of 1, kept its batch axis)."""
    rows = module_of(config).D * module_of(config).num_layers
    if unbatched:
        _, length = _batch(config)
        config = {**config, "input": (length, config["input"][-1])}
        config = {**config, **_states(config, lambda s: (s[0], s[2]))}
        wrong = {**config, "h_0": (config["h_0"][0], 1, config["h_0"][1])}
        first = "batched_states"
    else:
        change, first = RANK_MISTAKES[mistake]
        names = ("h_0", "c_0") if both else ("h_0",)
        states = _states(config, tuple)
        wrong = {**config, **{k: change(v) for k, v in states.items() if k in names}}
    assume(wrong["h_0"] != config["h_0"][1:] or first == "layer_axis_missing")
    text = torch_says(wrong)
    assert text is not None
    assert "-D" in text, text
    # The user's line the traceback shows: the states passed as a tuple written out, as explain
    # is given them (without it, one tensor read as both states is as likely: tests/corpus).
    call_line = "    output, hidden = self.rnn(x, (h_0, c_0))\n" if "c_0" in wrong else ""
    read = why(call_line + text, **told(wrong)).explained[0]
    with pytest.raises(TensorMismatchError) as raised:
        explain(**wrong)
    error = raised.value
    assert error.causes[0] == first, (text, error.causes)
    same = unbatched or mistake == "extra_axis" or (mistake == "layer_axis" and rows == 1)
    if same:
        assert read.causes[0].id == error.causes[0], (text, read.causes, error.causes)
    else:
        assert read.causes[0].id in BUILT, (text, read.causes)
    fixed = error.fixes[0].applied_to(wrong)
    assert torch_says(fixed) is None, (error, fixed)
    assert torch_run(fixed) == torch_run(config), (error, fixed)


@given(
    st.sampled_from(["LSTMCell", "GRUCell", "RNNCell"]),
    st.integers(1, 6),
    st.integers(2, 10),
    st.sampled_from(["batch", "width"]),
    st.integers(1, 12),
)
def test_a_cells_state_gets_the_same_first_cause_from_explain_and_why(
    module: str, n: int, hidden: int, mistake: str, other: int
) -> None:
    """A cell's state built for another batch or width: torch's sentence read by ``why`` and the
    same tensors by explain name the same first cause, and explain's fix runs as meant."""
    assume(other != (n if mistake == "batch" else hidden))
    assume(mistake == "width" or other != hidden)  # a batch of hidden_size: a 1-D state's numbers
    config: dict[str, Any] = {"module": module, "input": (n, 4), "hidden_size": hidden}
    config["h_0"] = (n, hidden)
    wrong = {**config, "h_0": (other, hidden) if mistake == "batch" else (n, other)}
    text = torch_error(lambda: cell_run(wrong))
    assert text is not None
    read = why(text, **{k: wrong[k] for k in ("module", "input", "hidden_size")}).explained[0]
    with pytest.raises(TensorMismatchError) as raised:
        explain(**wrong)
    error = raised.value
    assert read.causes[0].id == error.causes[0], (text, read.causes, error.causes)
    fixed = error.fixes[0].applied_to(wrong)
    assert cell_run(fixed) == cell_run(config)


def cell_run(config: dict[str, Any]) -> tuple[Shape, ...]:
    """The shapes a cell gives for ``config``'s call."""
    spec = module_of(config)
    states = (torch.zeros(*config["h_0"]),)
    if config["module"] == "LSTMCell":
        states = (*states, torch.zeros(*config["h_0"]))
    _, finals = call(build(spec), torch.zeros(*config["input"]), states)
    return tuple(tuple(f.shape) for f in finals)
