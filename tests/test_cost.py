"""--cost against torch's own counters: FlopCounterMode for the matrix multiplies, the module's
parameters per layer and direction, the bytes of what forward returns, and torchinfo's Mult-Adds."""

from __future__ import annotations

import re
import warnings
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from torch.utils.flop_counter import FlopCounterMode
from torchinfo import summary

from lstmshape import DTYPES, UnreadableValueError, cost_of, explain
from lstmshape.i18n.text import size_text
from tests.conftest import invoke
from tests.strategies import build, call, configs, packed_configs, torch

MISSION = {"input": (4, 3, 10), "hidden_size": 20, "num_layers": 2}


def pack(config: dict[str, Any], x: Any) -> Any:
    return torch.nn.utils.rnn.pack_padded_sequence(
        x,
        list(config["lengths"]),
        batch_first=config.get("batch_first", False),
        enforce_sorted=config["enforce_sorted"],
    )


def forward_input(config: dict[str, Any]) -> Any:
    x = torch.randn(*config["input"])
    return pack(config, x) if "lengths" in config else x


def flops_counted_by_torch(module: Any, x: Any) -> int:
    # On the CPU, nn.LSTM runs oneDNN's fused kernel, which FlopCounterMode does not see (it counts
    # 0); without oneDNN torch runs its decomposed kernels: one matrix multiply per weight and step.
    counter = FlopCounterMode(display=False)
    with warnings.catch_warnings():
        # Restoring the flags touches oneDNN's TF32 switch, which warns that there is no Intel GPU.
        warnings.filterwarnings("ignore", "TF32 acceleration on top of oneDNN")
        with torch.backends.mkldnn.flags(enabled=False), torch.no_grad(), counter:
            call(module, x, None)
    return int(counter.get_total_flops())


@given(st.one_of(configs(), packed_configs()))
@example(MISSION)
def test_macs_are_half_of_torchs_flop_counter(config: dict[str, Any]) -> None:
    cost = cost_of(explain(**config))
    module = build(explain(**config).spec)
    assert cost.macs * 2 == cost.flops == flops_counted_by_torch(module, forward_input(config))


def test_the_mission_example_has_the_issues_figures() -> None:
    """nn.LSTM(10, 20, 2) on (4, 3, 10): matmul only 67,200; torchinfo 71,040."""
    cost = cost_of(explain(**MISSION))
    assert (cost.macs, cost.torchinfo_macs, cost.flops) == (67_200, 71_040, 134_400)
    assert cost.bias_additions == 71_040 - 67_200


def test_lstms_fused_cpu_kernel_hides_its_work_from_the_flop_counter() -> None:
    """Why the cross-check turns oneDNN off: with it on, torch's counter sees no LSTM work."""
    module = build(explain(**MISSION).spec)
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        module(torch.randn(4, 3, 10))
    assert counter.get_total_flops() == 0


def _layer_and_direction(name: str) -> tuple[int, str]:
    match = re.search(r"_l(\d+)", name)
    return (int(match[1]) if match else 0), ("reverse" if name.endswith("_reverse") else "forward")


@given(configs())
def test_parameters_per_layer_and_direction_match_torch(config: dict[str, Any]) -> None:
    cost = cost_of(explain(**config))
    module = build(explain(**config).spec)
    theirs: dict[tuple[int, str], int] = {}
    for name, p in module.named_parameters():
        key = _layer_and_direction(name)
        theirs[key] = theirs.get(key, 0) + p.numel()
    assert {(c.layer, c.direction): c.parameters for c in cost.layers} == theirs
    assert cost.num_parameters == sum(p.numel() for p in module.parameters())
    assert cost.parameter_bytes == sum(p.nbytes for p in module.parameters())


def _returned(result: Any) -> list[Any]:
    """Every tensor in what forward returns, PackedSequence fields included."""
    if isinstance(result, torch.Tensor):
        return [result]
    if isinstance(result, torch.nn.utils.rnn.PackedSequence):
        return [t for t in result if t is not None]
    return [t for part in result for t in _returned(part)]


@given(st.one_of(configs(), packed_configs()), st.sampled_from(["float32", "float64"]))
def test_memory_of_what_forward_returns_matches_torch(config: dict[str, Any], dtype: str) -> None:
    report = explain(**config)
    cost = cost_of(report, dtype)
    module = build(report.spec).to(getattr(torch, dtype))
    x = torch.randn(*config["input"], dtype=getattr(torch, dtype))
    inputs = pack(config, x) if "lengths" in config else x
    with torch.no_grad():
        result = module(inputs)
    assert cost.returned_bytes == sum(t.nbytes for t in _returned(result))
    given_in = {"input": x, **({"input.data": inputs.data} if "lengths" in config else {})}
    for name, tensor in given_in.items():
        assert next(t.nbytes for t in cost.tensors if t.name == name) == tensor.nbytes


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_itemsize_of_each_dtype_is_torchs(dtype: str) -> None:
    assert DTYPES[dtype] == torch.empty((), dtype=getattr(torch, dtype)).element_size()
    states = cost_of(explain(**MISSION), dtype)
    assert states.parameter_bytes == 5920 * DTYPES[dtype]


@given(configs())
def test_torchinfo_figure_is_torchinfos(config: dict[str, Any]) -> None:
    cost = cost_of(explain(**config))
    module = build(explain(**config).spec)
    stats = summary(module, input_data=[torch.randn(*config["input"])], verbose=0)
    assert cost.torchinfo_macs == stats.total_mult_adds


class _Packs(torch.nn.Module):  # type: ignore[misc]
    """torchinfo cannot take a PackedSequence as input; models pack inside forward."""

    def __init__(self, module: Any, config: dict[str, Any]) -> None:
        super().__init__()
        self.module, self.config = module, config

    def forward(self, x: Any) -> Any:
        return self.module(pack(self.config, x))


@given(packed_configs())
def test_torchinfo_figure_is_torchinfos_for_packed_input(config: dict[str, Any]) -> None:
    report = explain(**config)
    model = _Packs(build(report.spec), config)
    stats = summary(model, input_data=[torch.randn(*config["input"])], verbose=0)
    assert cost_of(report).torchinfo_macs == stats.total_mult_adds


def test_dtypes_are_read_as_the_command_line_reads_them() -> None:
    assert cost_of(explain(**MISSION), "torch.float64").dtype == "float64"
    assert cost_of(explain(**MISSION), "bf16").dtype == "bfloat16"
    with pytest.raises(UnreadableValueError, match=r"^dtype='int8' is not one of float32"):
        cost_of(explain(**MISSION), "int8")


def test_cost_in_json_is_the_cost_object() -> None:
    report = explain(**MISSION)
    report = replace(report, cost=cost_of(report, "bfloat16"))
    data = report.to_dict()["cost"]
    assert data["dtype"] == "bfloat16"
    assert data["work"]["macs"] == 67_200
    assert data["work"]["flops"] == 134_400
    assert data["parameters"]["per_layer"][1] == {
        "layer": 1,
        "direction": "forward",
        "count": 3360,
        "bytes": 6720,
        "macs": 38_400,
    }
    assert data["memory"]["returned_bytes"] == (4 * 3 * 20 + 2 * 2 * 3 * 20) * 2


def test_size_text_uses_binary_units() -> None:
    assert [size_text(n) for n in (0, 1023, 1024, 23_680, 3 * 1024**3)] == [
        "0 B",
        "1,023 B",
        "1.0 KiB",
        "23.1 KiB",
        "3.0 GiB",
    ]


def test_cli_cost_and_dtype() -> None:
    result = invoke("--input 4,3,10 --hidden 20 --layers 2 --dtype half -f json")
    assert result.exit_code == 0
    assert '"dtype": "float16"' in result.stdout
    plain = invoke("--input 4,3,10 --hidden 20 --layers 2 --cost -f plain").stdout
    assert re.search(r"matrix multiplies \(MACs\) +67,200 +weights × steps", plain)
    assert re.search(r"torchinfo's Mult-Adds +71,040 +parameters × 4 × 3", plain)
