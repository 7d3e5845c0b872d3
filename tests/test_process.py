"""The real process: the explain path never imports torch, --verify leaks none of torch's warnings,
and both entry points (console script, python -m) behave as the in-process CLI does."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import unwrapped

MISSION = ["--input", "4,3,10", "--hidden", "20", "--layers", "2"]
ENV = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, env=ENV, check=False)


def python(code: str) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-c", code)


def lstmshape(*args: str) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "lstmshape", *args)


def torch_loaded_by(argv: list[str]) -> bool:
    """Whether running the command line on ``argv``, in a fresh interpreter, imports torch."""
    code = f"""
import sys
from lstmshape.cli import app
try:
    app({argv!r})
except SystemExit as done:
    assert done.code == 0, done.code
print("torch loaded:", "torch" in sys.modules, file=sys.stderr)
"""
    result = python(code)
    assert result.returncode == 0, unwrapped(result.stderr)
    return unwrapped(result.stderr).strip().endswith("torch loaded: True")


@pytest.mark.parametrize(
    ("fmt", "extra"),
    [
        ("table", ["--h0", "2,3,20", "--expect", "h_n=2,3,20"]),
        ("json", ["--h0", "2,3,20", "--expect", "h_n=2,3,20"]),
        ("markdown", ["--module", "GRU"]),
        ("plain", ["--lengths", "4,3,1", "--unsorted", "--module", "rnn"]),
        ("code", ["--bidirectional", "--cost", "--dtype", "bf16"]),
        ("table", ["--diagram", "--export", "{tmp}/stack.svg"]),
    ],
)
def test_explain_path_leaves_torch_out_of_sys_modules(
    fmt: str, extra: list[str], tmp_path: Path
) -> None:
    extra = [arg.replace("{tmp}", str(tmp_path)) for arg in extra]
    assert not torch_loaded_by([*MISSION, "--format", fmt, *extra])


def test_the_torch_free_check_can_fail() -> None:
    """The check above is not vacuous: the same probe sees torch when a path does import it."""
    assert torch_loaded_by([*MISSION, "--verify", "--format", "json"])


def test_check_leaves_torch_out_of_sys_modules(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text('[a]\ninput = [4, 3, 10]\nhidden_size = 20\n[b]\nmodule = "GRUCell"\n'
                    "input = [3, 10]\nhidden_size = 20\n")  # fmt: skip
    code = f"""
import sys
from lstmshape.cli import app
for fmt in ("table", "json", "markdown", "plain"):
    try:
        app(["check", {str(spec)!r}, "--format", fmt])
    except SystemExit as done:
        assert done.code == 0, done.code
print("torch loaded:", "torch" in sys.modules, file=sys.stderr)
"""
    result = python(code)
    assert result.returncode == 0, unwrapped(result.stderr)
    assert unwrapped(result.stderr).strip().endswith("torch loaded: False")


def test_library_import_and_explain_leave_torch_out() -> None:
    result = python(
        "import sys, lstmshape; lstmshape.explain((4, 3, 10), 20).to_dict(); "
        "lstmshape.explain((3, 10), 20, module='LSTMCell').to_dict(); "
        "print('torch' in sys.modules, 'lstmshape.proof' in sys.modules)"
    )
    assert result.stdout.split() == ["False", "False"]


def test_explain_path_works_with_torch_unimportable() -> None:
    result = python(
        "import sys; sys.modules['torch'] = None\n"
        "sys.argv = ['lstmshape', '--input', '4,3,10', '--hidden', '20']\n"
        "from lstmshape.cli import app\n"
        "app(prog_name='lstmshape')"
    )
    assert result.returncode == 0, unwrapped(result.stderr)
    assert "h_n " in result.stdout


@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--dropout", "0.5", "--layers", "1"],
        ["--proj-size", "5", "--bidirectional"],
        ["--verify-budget", "0"],
        ["--verify-budget", "0", "--proj-size", "5", "--dropout", "0.5", "--layers", "1"],
    ],
    ids=["plain", "dropout-one-layer", "proj-size", "shape-only", "shape-only-proj-dropout"],
)
def test_verify_prints_none_of_torchs_warnings(extra: list[str]) -> None:
    # torch warns at import when NumPy is missing (hidden here, so the test holds whether or not
    # NumPy is installed), for dropout with one layer, and for proj_size on oneDNN.
    argv = [*MISSION, *extra, "--verify", "--format", "json"]
    result = python(
        "import sys; sys.modules['numpy'] = None\n"
        f"sys.argv = ['lstmshape', *{argv!r}]\n"
        "from lstmshape.cli import main\n"
        "main()"
    )
    assert result.returncode == 0
    assert result.stderr == ""
    assert json.loads(result.stdout)["verified"]["ok"] is True


def test_console_script_matches_module() -> None:
    script = shutil.which("lstmshape", path=str(Path(sys.executable).parent))
    assert script is not None, "the lstmshape console script is not installed"
    by_script = run(script, *MISSION)
    by_module = lstmshape(*MISSION)
    assert by_script.returncode == by_module.returncode == 0
    assert by_script.stdout == by_module.stdout
    assert "total 5,920" in by_script.stdout


def test_exit_codes_through_the_real_entry_point() -> None:
    def code(*args: str) -> int:
        return lstmshape(*args).returncode

    assert code(*MISSION) == 0
    assert code(*MISSION, "--expect", "output=1,2,3") == 1
    assert code(*MISSION, "--h0", "1,3,20") == 1
    assert code("--input", "4,,10", "--hidden", "20") == 2
    assert code(*MISSION, "--verify", "--expect", "h_n=2,3,20") == 0


def test_a_host_running_the_cli_in_process_keeps_its_process() -> None:
    # runpy runs lstmshape's __main__ inside this script: the fast exit must not end the host.
    result = python(
        "import runpy, sys\n"
        "sys.argv = ['lstmshape', '--input', '4,3,10', '--hidden', '20']\n"
        "try:\n"
        "    runpy.run_module('lstmshape', run_name='__main__')\n"
        "except SystemExit as done:\n"
        "    print('host still running, exit', done.code, file=sys.stderr)\n"
    )
    assert result.returncode == 0
    assert result.stderr == "host still running, exit 0\n"
    assert "h_n " in result.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (MISSION, 0),
        ([*MISSION, "--expect", "h_n=1"], 1),
        (["--input", "4,,10", "--hidden", "20"], 2),
    ],
)
def test_a_closed_pipe_keeps_the_exit_code(args: list[str], code: int) -> None:
    # The reader is gone before lstmshape writes (as when `| head` has exited): Rich's default
    # would exit 1 whatever the verdict.
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "lstmshape", *args],
            check=False,
            stdout=write,
            stderr=write,
            env=ENV,
        )
    finally:
        os.close(write)
    assert result.returncode == code


def test_a_closed_or_full_stdout_is_said_not_a_traceback(tmp_path: Path) -> None:
    closed = subprocess.run(
        [sys.executable, "-m", "lstmshape", *MISSION], stdout=None, stderr=subprocess.PIPE,
        text=True, env=ENV, check=False, close_fds=True, pass_fds=(), stdin=subprocess.DEVNULL,
        preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    assert (closed.returncode, closed.stderr) == (0, "")
    full = subprocess.run(
        f"{shlex.quote(sys.executable)} -m lstmshape {' '.join(MISSION)} > /dev/full",
        shell=True, capture_output=True, text=True, env=ENV, check=False,
    )  # fmt: skip
    assert full.returncode == 2
    assert full.stderr.startswith("Error: Cannot write the results to standard output: No space")
    assert "Traceback" not in full.stderr


# Configurations that stress each part of a real run's memory: parameters (oneDNN's LSTM, a
# bidirectional layer, a cell), many time steps, a large batch, a wide input, packed input.
MEMORY_CASES = [
    {"input": [2, 4, 1024], "hidden_size": 1024, "num_layers": 2},
    {"input": [4, 2, 2048], "hidden_size": 1024, "bidirectional": True},
    {"input": [2, 2048], "hidden_size": 1536, "module": "LSTMCell"},
    {"input": [2, 2000], "hidden_size": 1536, "num_layers": 2, "module": "GRU"},
    {"input": [10000, 1, 1], "hidden_size": 1},
    {"input": [100, 1000, 16], "hidden_size": 16, "module": "RNN", "num_layers": 2},
    {"input": [51, 589, 511], "hidden_size": 24, "module": "RNN", "num_layers": 3},
    {"input": [2, 15917, 34], "hidden_size": 44, "proj_size": 38},
    {"input": [52442, 4], "hidden_size": 5, "module": "RNNCell"},
    {"input": [300, 64, 32], "hidden_size": 16, "num_layers": 2, "bidirectional": True,
     "lengths": [300 - 4 * i for i in range(64)]},
]  # fmt: skip


@pytest.mark.skipif(
    not Path("/proc/self/clear_refs").exists(),
    reason="the peak is read from Linux's /proc (VmHWM, reset through clear_refs)",
)
def test_verify_budget_is_an_upper_bound_of_the_measured_peak() -> None:
    """Each real run's peak resident memory, measured in a fresh process (the high-water mark is
    reset before the run), stays under real_bytes: --verify-budget is never exceeded."""
    code = f"""
import ctypes, json, re
from lstmshape import explain, verify
from lstmshape.proof.limits import real_bytes
from lstmshape.proof.plan import plan

def kib(key):
    status = open("/proc/self/status").read()
    return int(re.search(key + r":\\s+(\\d+) kB", status).group(1)) * 1024

for warm in (explain((4, 3, 10), 20, num_layers=2), explain((4, 10), 20, module="GRUCell"),
             explain((5, 3, 4), 6, lengths=(5, 3, 2))):
    verify(warm)  # torch imported, its kernels loaded
libc = ctypes.CDLL("libc.so.6")
for config in {MEMORY_CASES!r}:
    report = explain(**config)
    assert [run.method for run in plan(report)] == ["real"], config
    libc.malloc_trim(0)  # what earlier runs freed goes back to the system: it is not reused
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current resident size
    before = kib("VmRSS")
    assert verify(report).verification.ok
    print(json.dumps([kib("VmHWM") - before, real_bytes(report)]))
"""
    result = python(code)
    assert result.returncode == 0, unwrapped(result.stderr)
    measured = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(measured) == len(MEMORY_CASES)
    over = [
        (config, peak, bound)
        for config, (peak, bound) in zip(MEMORY_CASES, measured, strict=True)
        if peak > bound
    ]
    assert not over, over


@pytest.mark.parametrize(
    "args", [["--help"], ["--version"], ["check", "--help"], ["-h", "--lang", "ja"]]
)
def test_help_and_version_on_a_full_or_closed_stdout(args: list[str]) -> None:
    """The help and the version are results too: a full disk is said, exit 2, never a traceback;
    a reader that stops early (``| head -1``) leaves the help's own 0."""
    command = f"{shlex.quote(sys.executable)} -m lstmshape {shlex.join(args)}"
    full = subprocess.run(
        f"{command} > /dev/full", shell=True, capture_output=True, text=True, env=ENV, check=False
    )
    assert full.returncode == 2
    assert (
        "No space left on device" in full.stderr.splitlines()[0]
    )  # the OS's words, in any language
    assert "Traceback" not in full.stderr
    piped = subprocess.run(
        f"{command} | head -c 1 > /dev/null; exit ${{PIPESTATUS[0]}}",
        shell=True, executable="/bin/bash", capture_output=True, text=True, env=ENV, check=False,
    )  # fmt: skip
    assert (piped.returncode, piped.stderr) == (0, "")
