"""load_state_dict's missing and unexpected keys of recurrent layers under other names (a
prefix, a renamed module, awd-lstm's WeightDrop): torch raises its own report, ``why`` reads it,
and its first fix, run as code, loads the checkpoint with strict=True and keeps every value."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from lstmshape.commands.why import why
from tests.conftest import invoke

torch = pytest.importorskip("torch")  # the tests run with torch; see docs/development.md
nn = torch.nn


class Net(nn.Module):
    def __init__(self, layer: str = "lstm", recurrent: Any = None) -> None:
        super().__init__()
        setattr(self, layer, recurrent if recurrent is not None else nn.LSTM(8, 16, 2))
        self.fc = nn.Linear(16, 3)


class Whole(nn.Module):
    """A bigger network holding the model as one part (InferSent's encoder in an NLI net)."""

    def __init__(self, part: str) -> None:
        super().__init__()
        setattr(self, part, Net())
        self.classifier = nn.Linear(48, 3)


class WeightDrop(nn.Module):
    """awd-lstm's WeightDrop, as it registers its weights: the dropped one as ``<name>_raw`` on
    the wrapped module, set again at each forward."""

    def __init__(self, module: Any, weights: list[str]) -> None:
        super().__init__()
        self.module = module
        for name in weights:
            weight = getattr(module, name)
            del module._parameters[name]
            module.register_parameter(name + "_raw", nn.Parameter(weight.data))


def compiled(model: Any) -> Any:
    """torch.compile's wrapper (OptimizedModule): nothing is compiled before a forward pass; its
    import warns of torch.jit, which is not the test's concern."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.compile(model)


def _refusal(model: Any, state: dict[str, Any]) -> str:
    with pytest.raises(RuntimeError, match="Error") as caught:
        model.load_state_dict(state)
    return str(caught.value)


def _first_fix(text: str) -> tuple[str, str]:
    result = why(text)
    assert result.explained, text
    cause = result.explained[0].causes[0]
    return cause.id, cause.fix


def _loads(model: Any, state: dict[str, Any], fix: str) -> None:
    exec(fix, {"model": model, "state": state})  # the fix as printed: code
    # Every value the model now holds is the checkpoint's (nothing rebuilt, nothing dropped).
    saved = {k.removeprefix("_orig_mod."): v for k, v in state.items()}
    loaded = {k.removeprefix("_orig_mod."): v for k, v in model.state_dict().items()}
    for key, value in loaded.items():
        assert any(torch.equal(value, other) for other in saved.values()), key


def _checkpoint(model: Any) -> dict[str, Any]:
    torch.manual_seed(1)
    for parameter in model.parameters():
        nn.init.normal_(parameter)
    return model.state_dict()


@pytest.mark.parametrize(
    ("saved", "built", "cause"),
    [
        (lambda: Whole("encoder"), Net, "key_prefix"),
        (lambda: Whole("model"), Net, "key_prefix"),  # a Lightning module's model.
        (lambda: compiled(Net()), Net, "compiled_prefix"),
        (Net, lambda: compiled(Net()), "compiled_model"),
        (
            lambda: Net("gru", nn.GRU(8, 16, 2)),
            lambda: Net("rnn", nn.GRU(8, 16, 2)),
            "module_renamed",
        ),
        (
            lambda: Net("lstm", WeightDrop(nn.LSTM(8, 16, 2), ["weight_hh_l0", "weight_hh_l1"])),
            Net,
            "weight_drop",
        ),
        (lambda: nn.DataParallel(Net()), Net, "data_parallel_prefix"),
    ],
    ids=[
        "encoder.",
        "model.",
        "_orig_mod. saved",
        "_orig_mod. built",
        "renamed",
        "WeightDrop",
        "module.",
    ],
)
def test_a_rename_fix_loads_the_checkpoint_strictly(saved: Any, built: Any, cause: str) -> None:
    state = _checkpoint(saved())
    model = built()
    text = _refusal(model, state)
    said, fix = _first_fix(text)
    assert said == cause, text
    _loads(model, state, fix)


def test_weight_drop_copies_beside_their_raw_originals_are_dropped() -> None:
    """awd-lstm-lm#99: the checkpoint holds WeightDrop's dropped weights as well as the '_raw'
    ones; the model (with WeightDrop) registers the '_raw' ones only."""
    model = Net("lstm", WeightDrop(nn.LSTM(8, 16, 1), ["weight_hh_l0"]))
    state = _checkpoint(model)
    state["lstm.module.weight_hh_l0"] = state["lstm.module.weight_hh_l0_raw"].clone()
    text = _refusal(model, state)
    said, fix = _first_fix(text)
    assert said == "weight_drop"
    _loads(model, state, fix)


def test_a_renamed_module_of_another_direction_says_both() -> None:
    """ReLeaSE#17: gru (one direction) saved, rnn (bidirectional) built: the rename, then the
    direction that still differs."""
    state = _checkpoint(Net("gru", nn.GRU(8, 16)))
    text = _refusal(Net("rnn", nn.GRU(8, 16, bidirectional=True)), state)
    causes = [cause.id for cause in why(text).explained[0].causes]
    assert causes[:2] == ["module_renamed", "bidirectional"]


def test_another_models_checkpoint_is_said_so() -> None:
    """DeepKE#387: a CNN's checkpoint given to the BiLSTM model: no recurrent key on its side."""

    class Cnn(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv1d(8, 16, 3)

    text = _refusal(Net(), _checkpoint(Cnn()))
    assert why(text).explained[0].causes[0].id == "other_model"


@pytest.mark.parametrize(
    ("key", "saved", "built", "what"),
    [
        ("fc.weight", (10, 512), (2, 512), "a Linear's weight (out_features, in_features)"),
        ("bn1.running_mean", (64,), (32,), "a BatchNorm's running_mean"),
        ("embedding.weight", (30000, 300), (20000, 300), "an embedding's weight"),
        ("encoder.weight", (1, 300), (5450, 300), ""),
    ],
)
def test_another_layers_parameter_is_left_alone(
    key: str, saved: tuple[int, ...], built: tuple[int, ...], what: str
) -> None:
    """A Linear's, a BatchNorm's, an embedding's size mismatch (torch's own report): exit 1, said
    not to be a recurrent layer's parameter, and what the name tells it is; never a cause."""
    module = {"fc": nn.Linear, "bn1": nn.BatchNorm1d, "embedding": nn.Embedding}

    def build(shape: tuple[int, ...]) -> Any:
        name = key.partition(".")[0]
        holder = nn.Module()
        if name == "bn1":
            setattr(holder, name, module[name](shape[0]))
        elif name == "fc":
            setattr(holder, name, nn.Linear(shape[1], shape[0]))
        else:
            setattr(holder, name, nn.Embedding(*shape))
        return holder

    with pytest.raises(RuntimeError, match="size mismatch") as caught:
        build(built).load_state_dict(build(saved).state_dict())
    line = next(line for line in str(caught.value).splitlines() if key in line).strip()
    result = why(line)
    assert not result.explained
    assert [item.parameter for item in result.left_alone] == [key]
    assert result.left_alone[0].what.startswith(what)
    cli = invoke(["why", line])
    assert cli.exit_code == 1
    assert f"{key} is not a recurrent layer's parameter" in cli.stderr
    assert invoke(["why", line, "--format", "json"]).exit_code == 1  # its JSON validates
