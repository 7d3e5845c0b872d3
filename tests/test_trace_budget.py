"""A real run is budgeted before it allocates: the model's tensors, the inputs and the activations
the shape-only run counted. A real run that is needed and does not fit is refused (exit 2), in
--verify's words; a factory that reads a value while building is built for real, under a guard
that stops before the budget; a factory that needs arguments is said so, never blamed as broken."""

from __future__ import annotations

import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import lstmshape
from lstmshape.commands.trace import trace_model
from tests.conftest import CliResult, unwrapped
from tests.strategies import torch

ROOT = Path(__file__).resolve().parent.parent
Run = Callable[..., CliResult]
SEQ2SEQ = "trace examples.models:seq2seq --input-dtype long"


pytestmark = pytest.mark.usefixtures("at_the_root")


def test_a_real_run_past_the_budget_is_refused_and_each_fix_works(run: Run) -> None:
    refused = run(f"{SEQ2SEQ} --input 64,200 --budget 1MiB --format json")
    assert refused.exit_code == 2
    assert refused.stdout == ""
    lines = unwrapped(refused.stderr).splitlines()
    assert lines[0] == (
        "Error: lstmshape trace cannot run this model for real within its budget: it would need "
        "3.8 MiB, over the 1.0 MiB budget."
    )
    assert lines[1].startswith("  Shape-only tensors carry no values, and aten._pack_padded")
    assert lines[2] == (
        "  The model's tensors hold 578.0 KiB, the inputs 100.0 KiB, and the shape-only run made "
        "up to 3.1 MiB of activations before it stopped."
    )
    assert lines[3] == "  Try a smaller --input (fewer or shorter sequences), or a larger --budget."
    # Each fix, applied, runs the model for real and traces every call.
    for fixed in ("--input 4,7 --budget 1MiB", "--input 64,200 --budget 16MiB"):
        done = run(f"{SEQ2SEQ} {fixed} --format json")
        assert done.exit_code == 0, unwrapped(done.stderr)
        assert '"method": "real"' in done.stdout


def test_a_huge_input_is_refused_before_anything_is_allocated() -> None:
    """Under a 3 GiB address-space limit the inputs alone (3 GiB of int64) could not be made: the
    refusal comes first, and never blames the model."""

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))

    done = subprocess.run(
        [sys.executable, "-m", "lstmshape", *f"{SEQ2SEQ} --input 20000,20000".split()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=limited,
        check=False,
        env={"PATH": "/usr/bin:/bin", "LSTMSHAPE_LANG": "en", "COLUMNS": "200"},
    )
    assert done.returncode == 2, unwrapped(done.stderr)
    assert done.stdout == ""
    assert unwrapped(done.stderr).startswith(
        "Error: lstmshape trace cannot run this model for real within its budget: it would need "
    )
    assert "MemoryError" not in unwrapped(done.stderr)
    assert "Traceback" not in unwrapped(done.stderr)


class Packing(torch.nn.Module):
    """Packs its input inside forward: only a real run knows batch_sizes."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm = torch.nn.LSTM(16, 32)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        lengths = torch.full((x.size(1),), x.size(0))
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths)
        return self.lstm(packed)[1][0]


def test_from_python_a_real_run_past_the_budget_is_refused() -> None:
    """The shape-only run stops at pack_padded_sequence, before the LSTM: the real run is watched
    and stopped when it passes the budget, before it allocates more."""
    model = Packing()
    with pytest.raises(
        lstmshape.TraceBudgetError, match=r"it passed the 1\.0 KiB budget and was stopped"
    ) as caught:
        trace_model(model, (torch.randn(50, 8, 16),), budget=1024)
    assert caught.value.exit_code == 2
    assert caught.value.hint == "Try smaller example inputs (fewer or shorter sequences)."
    assert "was stopped there, before allocating more" in str(caught.value)
    # Known before the run (the shape-only run's count): refused with what it would need.
    ids = torch.ones(64, 5000, dtype=torch.long)
    with pytest.raises(lstmshape.TraceBudgetError, match=r"it would need 1\.3 MiB") as known:
        trace_model(EmbeddedPacking(), (ids,), budget=1024**2)
    assert "make up to 1.3 MiB of activations" in str(known.value)
    # The fix, applied: smaller inputs fit, and the shapes are torch's.
    small = trace_model(model, (torch.randn(2, 1, 16),), budget=1024 * 64)
    assert small.ok
    assert small.method == "real"
    # Within the default budget the model runs for real as before.
    assert lstmshape.trace(model, torch.randn(50, 8, 16)).calls[0].agrees


class EmbeddedPacking(Packing):
    """Token ids, embedded before packing: the shape-only run counts the embedding's output."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = torch.nn.Embedding(10, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(self.embed(x).expand(-1, -1, 16))


MASKED = """import torch


class Masked(torch.nn.Module):
    def __init__(self, vocab=1000):
        super().__init__()
        self.mask = torch.ones(12)
        hidden = int(self.mask.sum().item())  # a value read while building
        self.embed = torch.nn.Embedding(vocab, 16)
        self.lstm = torch.nn.LSTM(16, hidden, batch_first=True)

    def forward(self, tokens):
        return self.lstm(self.embed(tokens))[0]


def big():
    return Masked(vocab=100_000)
"""


def test_a_factory_that_reads_a_value_while_building_is_built_for_real(
    run: Run, user_code: Path
) -> None:
    (user_code / "usermodels_masked.py").write_text(MASKED)
    done = run("trace usermodels_masked:Masked --input 4,7 --input-dtype long --format json")
    assert done.exit_code == 0, unwrapped(done.stderr)
    plain = run("trace usermodels_masked:Masked --input 4,7 --input-dtype long --format plain")
    lines = plain.stdout.splitlines()
    assert lines[0] == "Masked on (4, 7) int64: 1 recurrent call, ok"
    how = " ".join(lines[1:5])
    assert how.startswith(
        "shape-only: usermodels_masked:Masked reads a value while building the model "
        "(aten._local_scalar_dense.default), which fake tensors do not carry, so it was built for "
        "real ("
    )
    assert "output  (4, 7, 12)  N=4, L=7, D*H_out=12" in plain.stdout
    assert "your code" not in plain.stderr
    # Built for real within the budget only: a model too large stops before its tensors exist.
    big = run("trace usermodels_masked:big --input 4,7 --input-dtype long --budget 1MiB")
    assert big.exit_code == 2
    assert unwrapped(big.stderr).splitlines()[1:] == [
        "  usermodels_masked:big reads a value while building the model "
        "(aten._local_scalar_dense.default), which shape-only tensors do not carry, so it must be "
        "built for real.",
        "  Its tensors alone pass the budget: building stopped before allocating them.",
        "  Try a larger --budget.",
    ]
    fixed = run("trace usermodels_masked:big --input 4,7 --input-dtype long --budget 16MiB")
    assert fixed.exit_code == 0, fixed.stderr


@pytest.mark.parametrize("factory", ["Encoder", "nn.LSTM"])
def test_a_factory_that_needs_arguments_is_said_so(run: Run, factory: str) -> None:
    result = run(f"trace examples.models:{factory} --input 4,7")
    assert result.exit_code == 2
    lines = unwrapped(result.stderr).splitlines()
    assert lines[0].startswith(f"Error: {factory}() cannot be called with no arguments: ")
    assert lines[1:] == [
        "  lstmshape trace calls the factory with none: it needs one that builds the model by "
        "itself.",
        f"  Try a function in examples.models that builds it, such as def build(): return "
        f"{factory}(...), then lstmshape trace examples.models:build.",
    ]
    assert "Traceback" not in unwrapped(result.stderr)
    assert "your code" not in unwrapped(result.stderr)


def test_the_fix_for_a_factory_that_needs_arguments_works(run: Run, user_code: Path) -> None:
    (user_code / "usermodels_build.py").write_text(
        "from examples.models import Encoder\n\n\ndef build():\n    return Encoder(50, 8, 16, 1)\n"
    )
    sys.path.insert(0, str(ROOT))
    try:
        result = run("trace usermodels_build:build --input 4,7 --input 4 --input-dtype long")
    finally:
        sys.path.remove(str(ROOT))
    assert result.exit_code == 0, unwrapped(result.stderr)


def test_torchs_frames_are_not_shown_as_the_users(run: Run, user_code: Path) -> None:
    (user_code / "usermodels_torch.py").write_text(
        "import torch\n\n\ndef broken():\n    return torch.nn.LSTM(10, -1)\n"
    )
    result = run("trace usermodels_torch:broken --input 4,3,10")
    assert result.exit_code == 2
    assert 'usermodels_torch.py", line 5, in broken' in unwrapped(result.stderr)
    assert "torch/nn/modules" not in unwrapped(result.stderr)
    assert (
        unwrapped(result.stderr).splitlines()[-1]
        == "  The traceback above is your code's, not lstmshape's."
    )
