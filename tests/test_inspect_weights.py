"""The pure core of inspect: names and shapes -> recurrent modules (whole state_dicts) and the configs
a few parameters are consistent with. torch is the oracle: each config found builds the torch module
whose state_dict has exactly those names and shapes."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstmshape import ModuleSpec, UnreadableValueError
from lstmshape.commands.inspect.weights import consistent_configs, find_modules
from lstmshape.commands.inspect.weights.names import join_key
from lstmshape.results.weights import weight_arguments
from tests.strategies import build, prefixes, specs, torch


def state_shapes(module: Any, prefix: str = "") -> dict[str, tuple[int, ...]]:
    return {join_key(prefix, k): tuple(v.shape) for k, v in module.state_dict().items()}


def loaded_spec(spec: ModuleSpec) -> ModuleSpec:
    """``spec`` with the arguments the weights cannot tell at torch's defaults."""
    args = dict(weight_arguments(spec).items())
    return ModuleSpec(**args, kind=spec.kind)  # type: ignore[arg-type]


@given(specs(), prefixes)
def test_a_modules_state_dict_is_found_as_the_module_that_loads_it(
    spec: ModuleSpec, prefix: str
) -> None:
    module = build(spec)
    findings = find_modules(state_shapes(module, prefix))
    assert (findings.inconsistent, findings.others) == ((), ())
    [found] = findings.modules
    assert found.name == prefix
    assert found.spec.kind is spec.kind
    assert weight_arguments(found.spec) == weight_arguments(spec)
    assert dict(found.shapes) == state_shapes(module)
    # torch's own test: the module of the call found loads the state_dict, strictly.
    build(found.spec).load_state_dict(module.state_dict(), strict=True)


@given(st.lists(specs(), min_size=1, max_size=3))
def test_several_modules_beside_other_layers_are_each_found(spec_list: list[ModuleSpec]) -> None:
    model = torch.nn.ModuleDict(
        {
            "embedding": torch.nn.Embedding(7, 3),
            "blocks": torch.nn.ModuleList(
                torch.nn.ModuleDict({"rnn": build(s), "norm": torch.nn.LayerNorm(4)})
                for s in spec_list
            ),
            "head": torch.nn.Linear(3, 2),
        }
    )
    findings = find_modules(state_shapes(model))
    assert [m.name for m in findings.modules] == [f"blocks.{i}.rnn" for i in range(len(spec_list))]
    assert findings.inconsistent == ()
    assert set(findings.others) == {
        "embedding.weight",
        "head.weight",
        "head.bias",
        *(f"blocks.{i}.norm.{p}" for i in range(len(spec_list)) for p in ("weight", "bias")),
    }
    for found, spec in zip(findings.modules, spec_list, strict=True):
        assert found.spec == loaded_spec(spec)


@given(specs(), st.data())
def test_a_module_missing_one_parameter_is_inconsistent_and_says_which(
    spec: ModuleSpec, data: st.DataObject
) -> None:
    shapes = {p.name: p.shape for p in spec.parameters()}
    removed = data.draw(st.sampled_from(sorted(shapes)))
    del shapes[removed]
    findings = find_modules(shapes)
    assert findings.modules == ()
    [group] = findings.inconsistent
    assert group.nearest, group
    truth = loaded_spec(spec).torch_call()
    if removed == "weight_ih" or (removed == "weight_ih_l0" and not spec.bidirectional):
        # No weight tells input_size any more (weight_ih_l0_reverse would).
        truth = truth.replace(f"({spec.input_size}, ", "(?, ", 1)
    assert any(
        near.call == truth and near.differences == (f"missing: {removed}",)
        for near in group.nearest
    ), (truth, group.nearest)


@given(specs(), st.data())
def test_a_few_parameters_give_every_config_consistent_with_them(
    spec: ModuleSpec, data: st.DataObject
) -> None:
    """Sound and complete: the true config is among the readings, and each reading builds a torch
    module that has these parameters with these shapes."""
    module = build(spec)
    everything = state_shapes(module, "rnn")
    chosen = data.draw(
        st.lists(st.sampled_from(sorted(everything)), min_size=1, max_size=3, unique=True)
    )
    given_shapes = {name: everything[name] for name in chosen}
    readings = consistent_configs(given_shapes)
    truth = weight_arguments(spec)
    assert any(
        r.kind is spec.kind
        and all(truth[arg] == value for arg, value in r.known)
        and r.min_layers <= truth.get("num_layers", 1)
        for r in readings
    ), readings
    for reading in readings:
        fill = {} if "input_size" in reading.values else {"input_size": spec.input_size}
        built = build(reading.spec(**fill)).state_dict()
        for name, shape in given_shapes.items():
            assert tuple(built[name.removeprefix("rnn.")].shape) == shape, (reading, name)


def test_what_one_parameter_of_a_size_mismatch_tells() -> None:
    # "size mismatch for lstm.weight_ih_l0: copying a param with shape torch.Size([1024, 300])"
    readings = consistent_configs({"lstm.weight_ih_l0": (1024, 300)})
    assert [r.call() for r in readings] == ["nn.LSTM(300, 256)", "nn.RNN(300, 1024)"]
    assert readings[0].unknown == ("num_layers", "bias", "bidirectional", "proj_size")
    [lstm] = consistent_configs({"weight_hh_l1_reverse": (1024, 256)}, module="LSTM")
    assert lstm.call() == "nn.LSTM(?, 256, num_layers=2, bidirectional=True)"
    assert lstm.known == (("hidden_size", 256), ("bidirectional", True), ("proj_size", 0))
    # 1000 rows: an LSTM's H_cell is 250, too few for 300 outputs; no GRU's (3*H_cell); an RNN
    # has no projection, so its 1000 rows would need 1000 outputs.
    assert consistent_configs({"weight_hh_l0": (1000, 300)}) == ()
    [projected] = consistent_configs({"weight_hh_l0": (1000, 7)})
    assert projected.call() == "nn.LSTM(?, 250, proj_size=7)"


def test_consistent_configs_reads_one_modules_parameter_names() -> None:
    with pytest.raises(UnreadableValueError, match="belong to 2 modules"):
        consistent_configs({"a.weight_ih_l0": (4, 3), "b.weight_ih_l0": (4, 3)})
    with pytest.raises(UnreadableValueError, match=r"'lstm\.weight' is not a parameter"):
        consistent_configs({"lstm.weight": (4, 3)})


def test_inconsistent_groups_say_what_is_wrong() -> None:
    lstm = {p.name: p.shape for p in ModuleSpec(10, 20, num_layers=3).parameters()}
    middle = {k: v for k, v in lstm.items() if not k.endswith("_l1")}
    [group] = find_modules({f"enc.{k}": v for k, v in middle.items()}).inconsistent
    assert group.name == "enc"
    assert [(n.call, n.differences) for n in group.nearest] == [
        (
            "nn.LSTM(10, 20, num_layers=3)",
            ("no parameter of layer 1 (missing: every weight and bias of it)",),
        )
    ]
    edited = {**lstm, "weight_hh_l2": (80, 7)}
    [group] = find_modules(edited).inconsistent
    assert group.nearest[0].differences == ("weight_hh_l2 is (80, 7), not (80, 20)",)
    refused = {"weight_ih_l0": (80, 5), "weight_hh_l0": (80, 30), "weight_hr_l0": (30, 20)}
    [group] = find_modules(refused).inconsistent
    assert group.problems == (
        "torch refuses nn.LSTM: proj_size=30 is not smaller than hidden_size=20. (torch says: "
        "proj_size has to be smaller than hidden_size)",
    )
    [mixed] = find_modules({"weight_ih": (12, 3), "weight_hh_l0": (12, 3)}).inconsistent
    assert mixed.nearest == ()
    assert "mixes a cell's names" in mixed.problems[0]


def test_a_name_that_claims_a_huge_layer_is_counted_not_listed() -> None:
    start = time.perf_counter()
    [group] = find_modules(
        {"x.weight_ih_l999999999999": (12, 5), "x.weight_hh_l0": (12, 3)}
    ).inconsistent
    assert time.perf_counter() - start < 1
    assert "no parameter of layers 1 to 999,999,999,998" in group.nearest[0].differences[0]


def test_other_parameters_named_like_a_bias_are_not_a_module() -> None:
    findings = find_modules(
        {"attention.bias_ih": (4,), "lstm.weight_ih_l0": (8, 3), "lstm.weight_hh_l0": (8, 2)}
    )
    assert [m.spec.torch_call() for m in findings.modules] == ["nn.LSTM(3, 2, bias=False)"]
    assert findings.others == ("attention.bias_ih",)
