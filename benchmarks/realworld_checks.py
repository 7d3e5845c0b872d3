"""The compatibility run's judges: torch against what ``lstmshape inspect`` and ``lstmshape.trace``
say about a real library's model. Runs inside the run's own environment (torch imported here);
``benchmarks/realworld.py`` is the command.

- inspect: each recurrent layer of the model is found in the JSON, its printed call builds a module
  that loads the layer's tensors with ``load_state_dict(strict=True)``; from a whole-model pickle,
  the arguments the file holds (``batch_first``, ``dropout``, ``nonlinearity``) are the layer's;
  the dtype is the file's; what lstmshape says of ``torch.load(weights_only=True)`` is what torch
  does.
- trace: the shapes each call got and returned equal those a hooked real forward pass saw, call by
  call; the model and the inputs are deep-equal to copies taken before the trace.
"""

from __future__ import annotations

import copy
import json
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

RECURRENT = (nn.RNNBase, nn.RNNCellBase)
# Constructor arguments the weights decide (strict loading proves them) and those only a pickled
# module holds as data.
FROM_FILE = ("batch_first", "dropout", "nonlinearity")


@dataclass
class Row:
    """One line of the table: a checkpoint read, or a model traced."""

    library: str
    model: str
    form: str
    right: bool
    detail: str = ""
    seconds: float = 0.0
    peak_mib: float = 0.0
    calls: int = 0
    """For a trace: the recurrent calls the real forward pass made."""
    calls_right: int = 0


def recurrent_layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """Every recurrent layer, by its path, outermost only (a layer inside a layer is its own)."""
    return [(p, m) for p, m in model.named_modules() if isinstance(m, RECURRENT)]


# --- inspect --------------------------------------------------------------------------------


# The command runs in a process of its own; its peak resident set is read from its own
# /proc/self/status at exit (ru_maxrss of a child started from this large process would count the
# parent's pages that the child shared before exec).
_MEASURED = """
import os, sys
from lstmshape.cli.app import app
try:
    app(args=sys.argv[1:], prog_name="lstmshape")
except SystemExit as done:
    code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        open(os.environ["REALWORLD_PEAK"], "w").write(line.split()[1])
sys.stdout.flush()
os._exit(code)
"""


def run_inspect(path: Path, *options: str) -> tuple[int, dict[str, Any] | None, str, float, float]:
    """``lstmshape inspect PATH --format json`` in its own process: exit code, JSON, stderr,
    wall seconds, peak resident MiB."""
    return run_lstmshape(["inspect", str(path), *options])


def run_lstmshape(
    arguments: list[str], cwd: Path | None = None
) -> tuple[int, dict[str, Any] | None, str, float, float]:
    """``lstmshape ARGUMENTS --format json`` in its own process: exit code, JSON, stderr, wall
    seconds, peak resident MiB."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        command = [sys.executable, "-c", _MEASURED, *arguments, "--format", "json"]
        env = {
            **os.environ,
            "NO_COLOR": "1",
            "COLUMNS": "100",
            "LSTMSHAPE_LANG": "en",
            "REALWORLD_PEAK": str(peak_file),
        }
        start = time.perf_counter()
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, check=False, cwd=cwd
        )
        seconds = time.perf_counter() - start
        peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else 0.0
    try:
        document = json.loads(done.stdout) if done.stdout.strip() else None
    except json.JSONDecodeError:
        document = None
    return done.returncode, document, done.stderr, seconds, peak


def judge_inspect(
    model: nn.Module,
    document: dict[str, Any] | None,
    code: int,
    err: str,
    *,
    whole: bool,
    weights_only_refuses: bool | None,
    dtype: torch.dtype | None = None,
) -> list[str]:
    """What lstmshape got wrong about the checkpoint of ``model``; empty when all is right."""
    if document is None:
        return [f"exit {code}: {_first_error(err)}"]
    wrong: list[str] = []
    if code not in (0, 1):
        wrong.append(f"exit {code}: {_first_error(err)}")
    if document.get("inconsistent"):
        names = [g.get("name") for g in document["inconsistent"]]
        wrong.append(f"inconsistent groups {names}")
    for path, layer in recurrent_layers(model):
        found = _module_for(document["modules"], path)
        if found is None:
            wrong.append(f"{path or 'the model'}: not found")
            continue
        wrong += [f"{path}: {w}" for w in _judge_call(found, layer, whole=whole, dtype=dtype)]
    if weights_only_refuses is not None:
        says = document.get("torch_weights_only") == "refuses"
        if says != weights_only_refuses:
            torch_does = "refuses" if weights_only_refuses else "loads"
            wrong.append(
                f"says torch.load(weights_only=True) {document.get('torch_weights_only')}"
                f", torch {torch_does} it"
            )
    return wrong


def _first_error(err: str) -> str:
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    return " / ".join(lines[:2])[:300] if lines else "(nothing on stderr)"


def _module_for(modules: list[dict[str, Any]], path: str) -> dict[str, Any] | None:
    """The JSON module for the layer at ``path``: its name, or a prefixed name (``module.rnn``)."""
    exact = [m for m in modules if m["name"] == path]
    if exact:
        return exact[0]
    tail = [m for m in modules if path and m["name"].endswith("." + path)]
    if not path:
        tail = [m for m in modules if "." not in m["name"]]
    return min(tail, key=lambda m: len(m["name"])) if tail else None


def _judge_call(
    found: dict[str, Any], layer: nn.Module, *, whole: bool, dtype: torch.dtype | None
) -> list[str]:
    call = found["call"]
    try:
        built = eval(call, {"nn": nn, "torch": torch})  # the printed call, as a user pastes it
    except Exception as error:  # the judge records any failure of the printed call
        return [f"{call} does not build: {type(error).__name__}: {error}"]
    wrong: list[str] = []
    if not isinstance(layer, type(built)):
        wrong.append(f"{call} is a {type(built).__name__}, the layer a {type(layer).__name__}")
    try:
        built.load_state_dict(layer.state_dict(), strict=True)
    except RuntimeError as error:
        wrong.append(f"{call} does not load: {str(error).splitlines()[0][:200]}")
    if whole:
        for name in FROM_FILE:
            want, got = getattr(layer, name, None), getattr(built, name, None)
            if want is not None and want != got:
                wrong.append(f"{call}: {name}={got!r}, the file holds {want!r}")
    if dtype is not None:
        dtypes = {p["dtype"] for p in found["parameters"].values()}
        if dtypes != {str(dtype).removeprefix("torch.")}:
            wrong.append(f"dtype {sorted(dtypes)}, the file holds {dtype}")
    return wrong


def judge_against(
    model: nn.Module, path: Path, document: dict[str, Any] | None, err: str
) -> list[str]:
    """``inspect PATH --against PLAIN`` where PATH's keys carry a prefix (``module.``): the
    rename said as code, run on what torch.load gives, loads the model with strict=True."""
    if document is None or "compared" not in document:
        return [f"no comparison: {_first_error(err)}"]
    rename = document["compared"].get("rename")
    if not rename:
        only = document["compared"].get("only_ours", [])
        return [f"no rename said; modules on one side only: {only[:3]}"]
    scope: dict[str, Any] = {"checkpoint": torch.load(path, weights_only=False), "torch": torch}
    try:
        exec(rename["code"], scope)  # the printed rename, as a user runs it
        snapshot(model).load_state_dict(scope["state_dict"], strict=True)
    except Exception as error:  # the judge records any failure of the printed code
        return [
            f"{rename['code']} then load_state_dict(strict=True): {type(error).__name__}: "
            f"{str(error).splitlines()[0][:200]}"
        ]
    return []


def judge_hyper_parameters(path: Path, document: dict[str, Any] | None) -> list[str]:
    """A Lightning checkpoint's ``hyper_parameters`` are shown: every name torch.load finds, and
    each plain value (a number, a string, a bool, None) as it is."""
    saved = torch.load(path, weights_only=False, map_location="cpu")
    wanted = saved.get("hyper_parameters") if isinstance(saved, dict) else None
    if not wanted:
        return []
    shown = (document or {}).get("hyper_parameters") or {}
    missing = [k for k in wanted if k not in shown]
    if missing:
        return [f"hyper_parameters not shown: {missing[:4]} ({len(missing)} of {len(wanted)})"]
    plain = (int, float, str, bool, type(None))
    differ = [k for k, v in wanted.items() if isinstance(v, plain) and shown[k] != v]
    return [f"hyper_parameters shown otherwise: {differ[:4]}"] if differ else []


def weights_only_refuses(path: Path) -> bool:
    """Whether ``torch.load(path, weights_only=True)`` refuses the file (torch is the oracle)."""
    import pickle

    try:
        torch.load(path, weights_only=True, map_location="cpu")
    except pickle.UnpicklingError:
        return True
    return False


# --- trace ----------------------------------------------------------------------------------


@dataclass
class Hooked:
    """The recurrent calls of one real forward pass: (path, {tensor name: shape})."""

    calls: list[tuple[str, dict[str, tuple[int, ...]]]] = field(default_factory=list)


def _shape(t: Any) -> tuple[int, ...]:
    return tuple(int(s) for s in t.shape)


def _named_in(module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    x = args[0] if args else kwargs.get("input")
    hx = args[1] if len(args) > 1 else kwargs.get("hx")
    named: dict[str, Any] = {}
    if isinstance(x, nn.utils.rnn.PackedSequence):
        named["input.data"] = _shape(x.data)
        named["input.batch_sizes"] = _shape(x.batch_sizes)
    elif hasattr(x, "shape"):
        named["input"] = _shape(x)
    states = hx if isinstance(hx, (tuple, list)) else (hx,) if hx is not None else ()
    for name, state in zip(("h_0", "c_0"), states, strict=False):
        if hasattr(state, "shape"):
            named[name] = _shape(state)
    return named


def _named_out(module: nn.Module, output: Any) -> dict[str, Any]:
    cell = isinstance(module, nn.RNNCellBase)
    lstm = isinstance(module, (nn.LSTM, nn.LSTMCell))
    finals_names = ("h_1", "c_1") if cell else ("h_n", "c_n")
    named: dict[str, Any] = {}
    if cell:
        finals = output if isinstance(output, tuple) else (output,)
    else:
        out, hidden = output
        finals = hidden if isinstance(hidden, tuple) else (hidden,)
        if isinstance(out, nn.utils.rnn.PackedSequence):
            named["output.data"] = _shape(out.data)
            named["output.batch_sizes"] = _shape(out.batch_sizes)
        else:
            named["output"] = _shape(out)
    for name, state in zip(finals_names[: 2 if lstm else 1], finals, strict=False):
        named[name] = _shape(state)
    return named


# torch's own forward of each recurrent class: a subclass that overrides forward (pytorch-
# forecasting's LSTM packs a padded batch, then calls torch's forward on the PackedSequence) calls
# it inside its own, and that inner call is what torch's layer really got.
TORCH_CLASSES = (nn.LSTM, nn.GRU, nn.RNN, nn.LSTMCell, nn.GRUCell, nn.RNNCell)


@contextmanager
def hooked(model: nn.Module) -> Iterator[Hooked]:
    """Forward hooks on every recurrent layer of ``model``, recording each call's shapes as the
    layer was called and, where it differs, as torch's own forward got them."""
    record = Hooked()
    paths = {id(layer): path for path, layer in recurrent_layers(model)}
    inner: dict[int, dict[str, tuple[int, ...]]] = {}
    handles = []
    for layer in dict.fromkeys(m for _, m in recurrent_layers(model)):

        def after(module: nn.Module, args: Any, kwargs: Any, output: Any) -> None:
            shapes = {**_named_in(module, args, kwargs), **_named_out(module, output)}
            record.calls.append((paths[id(module)], {**shapes, **inner.pop(id(module), {})}))

        handles.append(layer.register_forward_hook(after, with_kwargs=True))
    originals = {cls: cls.forward for cls in TORCH_CLASSES}

    def recording(original: Callable[..., Any]) -> Callable[..., Any]:
        def forward(self: nn.Module, *args: Any, **kwargs: Any) -> Any:
            output = original(self, *args, **kwargs)
            if id(self) in paths:
                inner[id(self)] = {**_named_in(self, args, kwargs), **_named_out(self, output)}
            return output

        return forward

    for cls, original in originals.items():
        cls.forward = recording(original)  # type: ignore[method-assign]
    try:
        yield record
    finally:
        for cls, original in originals.items():
            cls.forward = original  # type: ignore[method-assign]
        for handle in handles:
            handle.remove()


def real_calls(
    model: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any], call: Callable[..., Any]
) -> Hooked:
    """The recurrent calls of a real forward pass of a copy of ``model`` on copies of the inputs."""
    model, args, kwargs = snapshot((model, args, kwargs))
    with torch.no_grad(), hooked(model) as record:
        call(model, *args, **kwargs)
    return record


def judge_trace(trace: Any, real: Hooked) -> tuple[int, list[str]]:
    """How many of the real calls the trace got right (same layer, same shapes, lstmshape agreeing
    with torch), and what it got wrong."""
    wrong: list[str] = []
    if trace.failure is not None:
        wrong.append(f"trace failed at {trace.failure.path}: {str(trace.failure.error)[:300]}")
    traced = list(trace.calls)
    right = 0
    for index, (path, shapes) in enumerate(real.calls):
        if index >= len(traced):
            wrong.append(f"call {index + 1} ({path}) not traced")
            continue
        why = _call_differs(traced[index], path, shapes)
        if why:
            wrong.append(why)
        else:
            right += 1
    if len(traced) > len(real.calls):
        wrong.append(f"{len(traced)} calls traced, the real forward made {len(real.calls)}")
    return right, wrong


@dataclass
class _JSONCall:
    """A call of the trace's JSON, as judge_trace reads a TracedCall."""

    path: str
    label: str
    torch_shapes: tuple[tuple[str, tuple[int, ...]], ...]
    agrees: bool
    report: None = None


def judge_trace_json(
    document: dict[str, Any] | None, code: int, err: str, real: Hooked
) -> tuple[int, list[str]]:
    """judge_trace on ``lstmshape trace --format json``'s document."""
    if document is None:
        return 0, [f"exit {code}: {_first_error(err)}"]
    calls = [
        _JSONCall(
            c["path"],
            c["path"] if c["call"] == 1 else f"{c['path']}#{c['call']}",
            tuple((name, tuple(shape)) for name, shape in c["torch"].items()),
            c["agrees"],
        )
        for c in document["calls"]
    ]

    class _Trace:
        failure = None

    trace = _Trace()
    trace.calls = calls  # type: ignore[attr-defined]
    right, wrong = judge_trace(trace, real)
    if document.get("failure") or code != 0:
        wrong.insert(0, f"exit {code}: {_first_error(err)}")
    return right, wrong


FINALS = ("h_n", "c_n", "h_1", "c_1")


def _call_differs(call: Any, path: str, real: dict[str, tuple[int, ...]]) -> str:
    """Why a traced call is not the real one: each shape torch gave the trace is the real call's
    (as the layer was called, or as torch's own forward got it inside a subclass), each shape
    lstmshape explains that the real call has is the same, and the final states are there."""
    label = call.label
    if call.path != path:
        return f"{label}: traced at {call.path}, the real call was {path}"
    seen = dict(call.torch_shapes)
    explained = call.report.shapes() if call.report is not None else {}
    for name, shape in seen.items():
        if real.get(name) != shape:
            return f"{label}: {name} traced {shape}, the real call {real.get(name, 'has none')}"
    for name, shape in real.items():
        traced = seen.get(name, explained.get(name))
        if traced is None and name in FINALS:
            return f"{label}: {name} {shape} of the real call is not in the trace"
        if traced is not None and tuple(traced) != shape:
            return f"{label}: {name} explained {tuple(traced)}, real {shape}"
    if not call.agrees:
        return f"{label}: torch and lstmshape disagree"
    return ""


# --- nothing changed ------------------------------------------------------------------------


def snapshot(obj: Any) -> Any:
    """A deep copy of ``obj`` to compare with later. torch refuses to deep-copy a tensor with a
    graph behind it (a torchmetrics loss keeps its last value in ``_forward_cache``), so each such
    tensor is copied detached, with the same ``requires_grad``."""
    memo: dict[int, Any] = {}
    for tensor in _graph_tensors(obj, set(), 0):
        memo[id(tensor)] = tensor.detach().clone().requires_grad_(tensor.requires_grad)
    return copy.deepcopy(obj, memo)


def _graph_tensors(obj: Any, seen: set[int], depth: int) -> Iterator[torch.Tensor]:
    if id(obj) in seen or depth > 60:
        return
    seen.add(id(obj))
    if isinstance(obj, torch.Tensor):
        if not obj.is_leaf:
            yield obj
        return
    if isinstance(obj, dict):
        children: Any = obj.values()
    elif isinstance(obj, (list, tuple, set, frozenset)):
        children = obj
    else:
        children = (_attributes(obj) or {}).values()
    for child in children:
        yield from _graph_tensors(child, seen, depth + 1)


def differences(
    before: Any,
    after: Any,
    path: str = "",
    seen: set[tuple[int, int]] | None = None,
    depth: int = 0,
) -> Iterator[str]:
    """Where ``after`` differs from ``before`` (a deep copy taken earlier): tensors by type, dtype,
    shape, device and value; containers and objects' attributes recursively."""
    seen = set() if seen is None else seen
    key = (id(before), id(after))
    if key in seen or depth > 60:
        return
    seen.add(key)
    if type(before) is not type(after):
        yield f"{path or 'the object'}: {type(before).__name__} became {type(after).__name__}"
        return
    if isinstance(before, torch.Tensor):
        yield from _tensor_differs(before, after, path)
        return
    yield from _container_differs(before, after, path, seen, depth)


def _tensor_differs(before: torch.Tensor, after: torch.Tensor, path: str) -> Iterator[str]:
    facts = ("dtype", "shape", "device", "requires_grad", "layout")
    for fact in facts:
        if getattr(before, fact) != getattr(after, fact):
            yield f"{path}: {fact} {getattr(before, fact)} became {getattr(after, fact)}"
            return
    if before.device.type == "meta":
        return
    if not torch.equal(before, after) and not _both_nan_equal(before, after):
        yield f"{path}: values changed"


def _both_nan_equal(a: torch.Tensor, b: torch.Tensor) -> bool:
    if not a.is_floating_point():
        return False
    return bool(torch.equal(torch.nan_to_num(a, nan=math.pi), torch.nan_to_num(b, nan=math.pi)))


def _container_differs(
    before: Any, after: Any, path: str, seen: set[tuple[int, int]], depth: int
) -> Iterator[str]:
    if isinstance(before, dict):
        yield from _dict_differs(before, after, path, seen, depth)
    elif isinstance(before, (list, tuple)):
        if len(before) != len(after):
            yield f"{path}: length {len(before)} became {len(after)}"
            return
        for i, (v, w) in enumerate(zip(before, after, strict=True)):
            yield from differences(v, w, f"{path}[{i}]", seen, depth + 1)
    elif isinstance(before, (set, frozenset)):
        if len(before) != len(after):
            yield f"{path}: set size {len(before)} became {len(after)}"
    else:
        state = _attributes(before)
        if state is not None:
            yield from differences(state, _attributes(after), path, seen, depth + 1)
        elif _plain(before) and before != after:
            yield f"{path}: {before!r} became {after!r}"


def _dict_differs(
    before: dict[Any, Any], after: dict[Any, Any], path: str, seen: set[tuple[int, int]], depth: int
) -> Iterator[str]:
    # Keys by their repr: a deep copy's keys may be copies (a module as a key) of the original's.
    old = {repr(k): v for k, v in before.items()}
    new = {repr(k): v for k, v in after.items()}
    if set(old) != set(new):
        added = sorted(set(new) - set(old))[:3]
        removed = sorted(set(old) - set(new))[:3]
        yield f"{path or 'the object'}: keys changed (new: {added}, gone: {removed})"
        return
    for key, value in old.items():
        yield from differences(value, new[key], f"{path}[{key}]", seen, depth + 1)


def _plain(value: Any) -> bool:
    return isinstance(value, (int, float, str, bytes, bool, complex, type(None)))


def _attributes(value: Any) -> dict[str, Any] | None:
    if _plain(value) or (callable(value) and not hasattr(value, "__dict__")):
        return None
    if isinstance(value, type) or type(value).__module__ == "builtins":
        return None
    state: dict[str, Any] = {}
    if hasattr(value, "__dict__"):
        state.update({f".{k}": v for k, v in vars(value).items()})
    for slot in getattr(type(value), "__slots__", ()):
        if hasattr(value, slot):
            state[f".{slot}"] = getattr(value, slot)
    return state or None


def peak_rss_reset() -> int:
    """Reset this process's peak resident set (Linux) and return the current one, in KiB."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status_kib("VmRSS")


def peak_rss_kib() -> int:
    """This process's peak resident set since the last reset, in KiB."""
    return _status_kib("VmHWM")


def _status_kib(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0
