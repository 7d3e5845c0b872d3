"""Hostile files and texts (tests/hostile.py): each makes lstmshape say "no", clearly and quickly,
through every command and format, and nothing else: no traceback, no memory or time set by the
file, no wrong "ok", no escape reaching the terminal, nothing of lstmshape changed.

The differential tests hold lstmshape's verdict against torch.load(weights_only=True) and
safetensors over generated hostile files (Hypothesis, derandomized): lstmshape never says ok where
they refuse, and never refuses what they load, except with a sentence that says why (its budget).
"""

from __future__ import annotations

import io
import json
import random
import struct
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstmshape
from lstmshape import inspect_checkpoint
from lstmshape.commands.inspect.checkpoint import rebuilds
from lstmshape.errors import LstmShapeError
from tests import hostile
from tests.conftest import invoke, unwrapped
from tests.strategies import torch

FORMATS = ("table", "json", "markdown", "plain")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each hostile file at the size that broke lstmshape (60 MB of EMPTY_DICT, a million lists)."""
    return _written(
        tmp_path_factory.mktemp("hostile"), {n: m for n, (_, m) in hostile.HOSTILE.items()}
    )


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each hostile file at a size that meets the same limit quickly."""
    return _written(tmp_path_factory.mktemp("quick"), hostile.QUICK)


def _written(folder: Path, makers: dict[str, Callable[[], bytes]]) -> dict[str, Path]:
    made = {}
    for name, make in makers.items():
        path = folder / f"{name}.pt"
        path.write_bytes(make())
        made[name] = path
    return made


@pytest.mark.parametrize("name", list(hostile.HOSTILE))
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_hostile_file_through_inspect_in_every_format(
    quick: dict[str, Path], name: str, fmt: str
) -> None:
    """inspect (and --against, and the Python API) ends with lstmshape's words: exit 0 with a
    result, or 2 with an error naming the file; never a traceback (invoke raises one)."""
    path = quick[name]
    result = invoke(["inspect", str(path), "--format", fmt])
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert str(path) in unwrapped(result.stderr)
    _no_raw_controls(result.stdout + unwrapped(result.stderr), fmt)
    against = invoke(["inspect", str(quick["escape-key"]), "--against", str(path), "-f", fmt])
    assert against.exit_code in (0, 1, 2), against.output
    _no_raw_controls(against.stdout + against.stderr, fmt)
    said = _said(path)
    assert said is None or str(path) in said


def _said(path: Path) -> str | None:
    """lstmshape's error for ``path`` (None when it reads it): an error names the file."""
    try:
        inspect_checkpoint(path)
    except LstmShapeError as error:
        return str(error)
    return None


@pytest.mark.parametrize("name", list(hostile.HOSTILE))
def test_every_hostile_file_through_the_other_commands(quick: dict[str, Path], name: str) -> None:
    """check reads it as a spec file, why as a log: each refuses or explains in its words."""
    path = quick[name]
    for args in (["check", str(path)], ["why", "--file", str(path)], ["why", "--file", str(path),
                 "-f", "json"]):  # fmt: skip
        result = invoke(args)
        assert result.exit_code in (0, 1, 2), (args, result.output)
        _no_raw_controls(
            result.stdout + unwrapped(result.stderr), "json" if "json" in args else "table"
        )


HOSTILE_TEXTS = {
    "escapes": "\x1b[2J\x1b]0;owned\x07\nlstm: nn.LSTM(999, 999)\u202e",
    "digits": "9" * 5000,
    "huge": "1" + "0" * 400,
    "nested": "[" * 10_000 + "]" * 10_000,
    "nul": "4\x003\x0010",
}


@pytest.mark.parametrize("name", list(HOSTILE_TEXTS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_hostile_text_through_every_command(tmp_path: Path, name: str, fmt: str) -> None:
    text = HOSTILE_TEXTS[name]
    spec = tmp_path / "spec.toml"
    spec.write_text(f"[lstm]\nhidden_size = {text}\ninput = [{text}]\n", errors="surrogatepass")
    runs = [
        ["--input", text, "--hidden", "20", "-f", fmt],
        ["--input", "4,3,10", "--hidden", text, "-f", fmt],
        ["check", str(spec), "-f", fmt if fmt != "plain" else "table"],
        ["why", f"RuntimeError: Expected hidden[0] size ({text}), got [1, 3, 20]", "-f", fmt],
        ["inspect", str(tmp_path / "none.pt"), "--module-name", text, "-f", fmt],
    ]
    for args in runs:
        result = invoke([a.replace("\x00", "0") for a in args])
        assert result.exit_code in (0, 1, 2), (args, result.output)
        _no_raw_controls(result.stdout + unwrapped(result.stderr), fmt)


@pytest.mark.parametrize(
    "call",
    [
        lambda: lstmshape.explain(input=(-(10**5000), 3, 10), hidden_size=20),
        lambda: lstmshape.explain(input=(4, 3, 10), hidden_size=10**5000),
        lambda: lstmshape.explain(input=(4, 3, 10), hidden_size=-(10**5000)),
        lambda: lstmshape.ModuleSpec(10, 20, num_layers=10**5000),
        lambda: lstmshape.explain(input=(4, 3, 10), hidden_size=20, h_0=(10**5000, 3, 20)),
        lambda: lstmshape.inspect_checkpoint(None),
        lambda: lstmshape.assert_shapes(lstmshape.ModuleSpec(10, 20), (4, 3, 10), [1, 2]),
    ],
)
def test_the_api_refuses_wrong_values_with_its_own_error(call: Callable[[], object]) -> None:
    """Integers of more than 4,300 digits and wrong types: lstmshape's error and a fix, never a
    bare ValueError or TypeError."""
    with pytest.raises(LstmShapeError, match=r"largest size|takes a") as raised:
        call()
    assert raised.value.hint is not None


def test_numpy_integers_are_the_integers_they_are() -> None:
    numpy = pytest.importorskip("numpy")
    text = "RuntimeError: Expected hidden[0] size (2, 3, 20), got [1, 3, 20]"
    assert (
        lstmshape.why(text, proj_size=numpy.int64(3)).to_dict()
        == lstmshape.why(text, proj_size=3).to_dict()
    )
    spec = lstmshape.ModuleSpec(numpy.int64(10), numpy.int32(20), num_layers=numpy.int16(2))
    assert spec == lstmshape.ModuleSpec(10, 20, num_layers=2)


def _no_raw_controls(output: str, fmt: str) -> None:
    """No control character reaches the terminal but the line breaks lstmshape writes itself,
    and no line of a file's text is forged into the output."""
    assert not any(c in output for c in "\x1b\x07\x08\x0d\u202e"), repr(output[:400])
    assert "\nlstm: nn.LSTM(999, 999)" not in output


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("memo-index", "not a state_dict"),
        ("nested-lists", "more than 1,000,000 opcodes"),
        ("nested-modules", "nests containers more than 200 deep"),
        ("empty-dicts", "more than 1,000,000 opcodes"),
        ("many-references", "more than 1,000,000 objects"),
        ("tuple-key", "a tuple of more than 1,000,000 elements"),
        ("list-dag", "a persistent id that is not a storage"),
        ("long4", "an integer of more than 256 bytes"),
        ("many-globals", "more than 10,000 different globals"),
    ],
)
def test_the_budget_stops_the_pickles_of_a_billion_laughs(
    files: dict[str, Path], name: str, said: str
) -> None:
    """Each of these took gigabytes or ran for ever; the budget stops each, naming the file."""
    with pytest.raises(LstmShapeError, match=str(files[name])) as raised:
        inspect_checkpoint(files[name])
    assert said in str(raised.value)


def test_a_hostile_file_stays_small_and_quick_in_its_own_process(files: dict[str, Path]) -> None:
    """Under an address-space limit of 1 GiB (the memo index alone took 1.56 GB), every budget
    case ends with lstmshape's error, never a MemoryError."""
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))\n"
        "from lstmshape import inspect_checkpoint, LstmShapeError\n"
        "for path in sys.argv[1:]:\n"
        "    try: inspect_checkpoint(path)\n"
        "    except LstmShapeError: pass\n"
        "print('done')\n"
    )
    names = [n for n, (area, _) in hostile.HOSTILE.items() if area == "budget"]
    done = subprocess.run(
        [sys.executable, "-c", code, *(str(files[n]) for n in names)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.stdout == "done\n", unwrapped(done.stderr)[-2000:]


def test_a_file_never_changes_lstmshapes_own_objects(files: dict[str, Path]) -> None:
    """A BUILD on an allowlisted function set its attributes for the rest of the process."""
    before = dict(vars(rebuilds.rebuild_tensor_v2)), rebuilds.rebuild_tensor_v2.__doc__
    with pytest.raises(LstmShapeError, match="BUILD on a function"):
        inspect_checkpoint(files["build-on-function"])
    assert (dict(vars(rebuilds.rebuild_tensor_v2)), rebuilds.rebuild_tensor_v2.__doc__) == before


@pytest.mark.parametrize("fmt", ["table", "markdown", "plain"])
def test_a_files_text_is_shown_with_its_controls_written_out(
    files: dict[str, Path], fmt: str
) -> None:
    result = invoke(["inspect", str(files["escape-global"]), "-f", fmt])
    assert "os.system\\x1b[1A\\x1b[2K" in unwrapped(result.stderr)
    st_key = invoke(["inspect", str(files["st-escape-key"]), "-f", fmt], columns=200)
    shown = "\\x1b[2J\\x1b]0;owned\\x07weight\\nlstm: nn.LSTM(999, 999)"
    # Markdown writes a backslash as two, to render as one.
    assert (shown.replace("\\", "\\\\") if fmt == "markdown" else shown) in st_key.stdout


@pytest.mark.parametrize(
    "name", ["storage-longer", "no-version", "build-on-function", "unknown-device"]
)
def test_what_torch_refuses_is_never_ok(files: dict[str, Path], name: str) -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011 (torch's own error, any of its kinds)
        _torch_load(files[name])
    assert invoke(["inspect", str(files[name])]).exit_code == 2


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
@pytest.mark.parametrize("legacy", [False, True])
def test_pickle_protocols_are_read_and_torchs_refusal_is_the_one_it_says(
    tmp_path: Path, protocol: int, legacy: bool
) -> None:
    """flair's save() and pickle_protocol=4: the tensors are read; what torch says of the file
    is what torch.load(weights_only=True) really says, and a file it refuses is never ok."""
    path = tmp_path / "model.pt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.save(
            torch.nn.GRU(3, 5).state_dict(),
            path,
            pickle_protocol=protocol,
            _use_new_zipfile_serialization=not legacy,
        )
    inspection = inspect_checkpoint(path)
    assert [m.spec.torch_call() for m in inspection.modules] == ["nn.GRU(3, 5)"]
    refusal = _torch_refusal(path)
    if refusal is None:
        assert inspection.ok
        assert inspection.torch_says is None
        return
    assert not inspection.ok
    assert inspection.torch_says is not None
    assert inspection.torch_says in refusal
    assert inspection.to_dict()["torch_weights_only"] == "refuses"


def _torch_refusal(path: Path) -> str | None:
    """What torch.load(weights_only=True) says of ``path`` (None when it loads it)."""
    try:
        _torch_load(path)
    except Exception as error:  # torch's refusal, whatever its class
        return str(error)
    return None


def _torch_load(path: Path) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.load(path, weights_only=True)


# --- differential: lstmshape against torch.load(weights_only=True) and safetensors ------------

# What lstmshape says when it refuses a file torch may load: its own limits, said as such.
SAYS_WHY = ("lstmshape reads", "more than", "lstmshape gives one input")


def _sound_zip(sizes: tuple[int, int], protocol: int) -> dict[str, bytes]:
    out = io.BytesIO()
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.save(torch.nn.LSTM(*sizes).state_dict(), out, pickle_protocol=protocol)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _mutated(members: dict[str, bytes], rng: random.Random) -> bytes:
    members = dict(members)
    name = next(n for n in members if n.endswith("data.pkl"))
    data = bytearray(members[name])
    kind = rng.randrange(6)
    at = rng.randrange(len(data))
    if kind == 0:
        data[at] = rng.randrange(256)
    elif kind == 1:
        del data[at : at + rng.randrange(1, 8)]
    elif kind == 2:
        data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 6)))
    elif kind == 3:
        key = rng.choice([n for n in members if "/data/" in n])
        grown = members[key] + b"\0" * rng.choice([1, 4])
        members[key] = grown if rng.random() < 0.5 else members[key][:-4]
    elif kind == 4:
        members = {n: d for n, d in members.items() if not n.endswith("version")}
    else:
        data[at] = rng.choice(b"\x8b\x8cbTR\x81}]ae")
    members[name] = bytes(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue()


def _verdicts(path: Path, load: object) -> tuple[bool, str | None]:
    """(whether torch or safetensors loads it, lstmshape's refusal of the file or None when it
    reads it as loadable). What lstmshape finds inside a loadable file (a group of parameters no
    module has) is an answer about the model, not a refusal of the file."""
    try:
        load(path)  # type: ignore[operator]
        loads = True
    except Exception:  # the oracle's refusal, whatever its class
        loads = False
    try:
        inspection = inspect_checkpoint(path)
    except LstmShapeError as error:
        return loads, str(error)
    if inspection.unsafe or inspection.torch_says:
        return loads, str(inspection.failures()[0])
    return loads, None


@settings(max_examples=150, deadline=None)
@given(
    sizes=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    protocol=st.sampled_from([2, 2, 3, 4]),
    seed=st.integers(0, 2**32 - 1),
)
def test_lstmshape_agrees_with_torch_on_mutated_checkpoints(
    tmp_path_factory: pytest.TempPathFactory, sizes: tuple[int, int], protocol: int, seed: int
) -> None:
    path = tmp_path_factory.mktemp("mutated") / "model.pt"
    path.write_bytes(_mutated(_sound_zip(sizes, protocol), random.Random(seed)))
    loads, said = _verdicts(path, _torch_load)
    if said is None:
        assert loads, "lstmshape says ok where torch.load(weights_only=True) refuses"
    elif loads:
        assert any(why in said for why in SAYS_WHY), said


_ST_DTYPES = ["F32", "F16", "BF16", "I64", "U8", "BOOL", "F8_E4M3", "F64"]
_ST_FAULTS = {
    "dtype": ["X9", "", 3, None, [], "f32"],
    "shape": [[-1], [2**64], [1.5], "3", None, [[2]]],
    "data_offsets": [[0], [4, 0], [-4, 0], [0, 2**64], None, [0, 1.0]],
}


@st.composite
def safetensors_files(draw: st.DrawFn) -> bytes:
    """A sound safetensors file, or one with one fault: a field of a tensor, its metadata, the
    bytes after the header."""
    header: dict[str, object] = {}
    offset = 0
    for i in range(draw(st.integers(1, 3))):
        dtype = draw(st.sampled_from(_ST_DTYPES))
        shape = draw(st.lists(st.integers(0, 4), max_size=3))
        size = _nbytes(dtype, shape)
        header[f"t{i}"] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    fault = draw(st.sampled_from(["none", "metadata", "field", "data", "missing"]))
    entry: dict[str, object] = header["t0"]  # type: ignore[assignment]
    if fault == "metadata":
        header["__metadata__"] = draw(
            st.sampled_from([{"a": "b"}, {"a": 1}, "x", [], {}, {"a": None}, {"a": ["b"]}])
        )
    elif fault == "field":
        field = draw(st.sampled_from(sorted(_ST_FAULTS)))
        entry[field] = draw(st.sampled_from(_ST_FAULTS[field]))
    elif fault == "missing":
        del entry[draw(st.sampled_from(sorted(_ST_FAULTS)))]
    raw = json.dumps(header).encode() + b" " * draw(st.integers(0, 3))
    if len(raw) % 256 == 0x80:  # read as a pickle by its first byte: issue #20's, fixed apart
        raw += b" "
    data = b"\0" * max(0, offset + (draw(st.sampled_from([1, -1])) if fault == "data" else 0))
    return struct.pack("<Q", len(raw)) + raw + data


def _nbytes(dtype: str, shape: list[int]) -> int:
    bits = {
        "F32": 32,
        "F16": 16,
        "BF16": 16,
        "I64": 64,
        "U8": 8,
        "BOOL": 8,
        "F8_E4M3": 8,
        "F64": 64,
    }
    count = 1
    for size in shape:
        count *= max(size, 0)
    return count * bits.get(dtype, 32) // 8


@settings(max_examples=200, deadline=None)
@given(data=safetensors_files())
def test_lstmshape_agrees_with_safetensors_on_generated_headers(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    from safetensors.torch import load_file

    path = tmp_path_factory.mktemp("st") / "model.safetensors"
    path.write_bytes(data)
    loads, said = _verdicts(path, load_file)
    if said is None:
        assert loads, "lstmshape says ok where safetensors refuses"
    elif loads:
        assert any(why in said for why in SAYS_WHY) or "holds no tensor" in said, said


# --- fuzzing, with a fixed seed ---------------------------------------------------------------


def test_fuzzing_with_a_fixed_seed_finds_no_traceback(tmp_path: Path) -> None:
    """Random edits of sound and hostile files: every one read or refused in lstmshape's words
    (tools/fuzz_inspect.py runs the same for longer, and measures time and memory)."""
    from tools.fuzz_inspect import cases

    for area, data in cases(random.Random(21), 120):
        path = tmp_path / "fuzzed.pt"
        path.write_bytes(data)
        try:
            inspect_checkpoint(path)
        except LstmShapeError:
            pass
        except Exception as error:  # the failure reported, whatever it is
            pytest.fail(f"{area}: {type(error).__name__}: {error}")


# --- what the process writes to -----------------------------------------------------------------

COMMANDS = {
    "explain": ["--input", "4,3,10", "--hidden", "20"],
    "inspect": ["inspect", "examples/seq2seq.pt"],
    "why": ["why", "RuntimeError: input.size(-1) must be equal to input_size. Expected 10, got 5"],
    "check": ["check", "examples/tutorials.toml"],
}


def _run(
    args: list[str], *, stdout: object = subprocess.PIPE, **env: str
) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "lstmshape", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "80", **env},
        cwd=Path(__file__).parent.parent,
    )


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_says_a_full_stdout_and_exits_2(command: str) -> None:
    with open("/dev/full", "w") as full:
        result = _run(COMMANDS[command], stdout=full)
    assert result.returncode == 2, unwrapped(result.stderr)
    assert unwrapped(result.stderr).startswith(
        "Error: Cannot write the results to standard output: No space"
    )
    assert "Traceback" not in unwrapped(result.stderr)


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("lang", ["ja", "fr"])
def test_every_command_runs_on_a_terminal_that_cannot_write_the_language(
    command: str, lang: str
) -> None:
    """--lang ja on an ASCII stdout: the same exit code as on UTF-8, the characters it cannot
    write as escapes, never a traceback half way."""
    args = [*COMMANDS[command], "--lang", lang]
    utf8 = _run(args, PYTHONIOENCODING="utf-8")
    ascii_ = _run(args, PYTHONIOENCODING="ascii")
    assert ascii_.returncode == utf8.returncode, ascii_.stderr
    assert "Traceback" not in ascii_.stderr
    assert ascii_.stdout.isascii()
    if not utf8.stdout.isascii():
        assert "\\u" in ascii_.stdout or "\\x" in ascii_.stdout
