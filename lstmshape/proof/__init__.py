"""The proof: build the torch module, run it on real or fake tensors, and compare with the report.

The plan (:mod:`lstmshape.proof.plan`) is pure; the runs (:mod:`lstmshape.proof.runs`) are the only
code that imports torch, and only inside functions, so that explaining a shape never pays torch's
start-up (about a second). Not called verify: importing a submodule sets it as an attribute of the
package, which would replace the function ``lstmshape.verify``.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from lstmshape.errors import TorchNotInstalledError
from lstmshape.i18n import speaking
from lstmshape.i18n.words import Arg, Words, drop, words
from lstmshape.proof.budget import DEFAULT_BUDGET_BYTES as DEFAULT_BUDGET_BYTES

if TYPE_CHECKING:
    from lstmshape.proof.plan import PlannedRun
    from lstmshape.results.report import Report
    from lstmshape.results.verification import Run


def verify(report: Report, *, seed: int = 0, budget: int = DEFAULT_BUDGET_BYTES) -> Report:
    """Run ``report``'s module in torch and return the report with ``verification`` filled in.

    Takes the fastest exact method that fits (lstmshape.proof.plan): real tensors when the data is
    at most ``budget`` bytes and quick to compute, otherwise shape-only (fake) tensors, with L
    made smaller where torch would step through it slowly. A real run builds the module in eval
    mode (so dropout cannot perturb the numerical checks), runs one forward pass on random float32
    input and states, and checks every shape, every parameter and each stated fact; a shape-only
    run checks the shapes and parameters. Raises :class:`TorchNotInstalledError` without torch,
    :class:`VerifyBudgetError` for packed input too large for real tensors, and
    :class:`VerificationError` if torch refuses what lstmshape accepted.
    """
    from lstmshape.proof.plan import plan
    from lstmshape.results.verification import Verification

    plan(report, budget)  # a packed input over the budget is refused before torch's import
    # torch's import and constructor warnings (NumPy missing, dropout with one layer, oneDNN and
    # proj_size) are not for the user in torch's words: the report states what matters of them.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch = import_torch()
        mkldnn = torch.backends.mkldnn
        # The verification is part of the report: said in the report's language, whatever the
        # language of the call (its errors, above, are the caller's).
        with speaking(report.lang):
            runs = plan(report, budget, fused_lstm=mkldnn.is_available() and mkldnn.enabled)
            verification = Verification(str(torch.__version__), _run(torch, runs, seed))
    return replace(report, verification=verification)


def _run(torch: Any, runs: tuple[PlannedRun, ...], seed: int) -> tuple[Run, ...]:
    """Each planned run in torch, on one thread: the runs are many small kernels, whose threads
    wait for each other longer than they compute (a 300-layer GRU: 2.3 s on two threads of a busy
    machine, 0.15 s on one), and the plan's limits are measured on one core. torch's setting is
    given back."""
    from lstmshape.proof.runs import run_real, run_shapes

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return tuple(
            run_real(torch, run, seed) if run.method == "real" else run_shapes(torch, run)
            for run in runs
        )
    finally:
        torch.set_num_threads(threads)


# PyTorch's own index of CPU-only wheels: on Linux, PyPI's torch is a CUDA build, which pulls
# several gigabytes of NVIDIA libraries; --verify runs on the CPU and needs none of them.
CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def import_torch() -> Any:
    """torch, or TorchNotInstalledError saying how to install it; its import warnings hidden."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _import()


def _import() -> Any:
    try:
        import torch
    except ImportError as error:
        raise TorchNotInstalledError(
            words(
                "{verify} runs a real torch forward pass, but torch is not installed.",
                verify=Arg("verify"),
            ),
            details=[
                _import_failed(error),
                words(
                    "The line below installs torch's CPU build, all that {verify} needs (a "
                    "download of about 200 MB on Linux). A plain {plain} takes the newest torch "
                    "for your platform: on Linux a CUDA build of several gigabytes.",
                    verify=Arg("verify"),
                    plain="pip install torch",
                ),
                words(
                    "From a clone of lstmshape that is not installed yet, {command} installs "
                    "lstmshape with any torch 2.x and keeps a torch already installed: run it "
                    "after the line below.",
                    command="pip install '.[torch]'",
                ),
            ],
            hint=words(
                "Try {command}, or {verify}.",
                command=f"pip install torch --index-url {CPU_INDEX}",
                verify=drop("verify"),
            ),
        ) from error
    except OSError as error:  # a broken install: a shared library missing or unloadable
        raise TorchNotInstalledError(
            words(
                "{verify} runs a real torch forward pass, but torch is installed and cannot be "
                "loaded.",
                verify=Arg("verify"),
            ),
            details=[_import_failed(error), *_reinstall_details()],
            hint=words(
                "Try reinstalling the same torch: {command}, or {verify}.",
                command=_reinstall_command(),
                verify=drop("verify"),
            ),
        ) from error
    return torch


def _import_failed(error: Exception) -> Words:
    # Python's own message (the module or library missing), quoted as it says it.
    return words("Importing torch failed: {error}.", error=str(error))


def _installed_torch() -> str | None:
    """The version of the torch distribution installed (read without importing it), or None."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("torch")
    except PackageNotFoundError:
        return None


def _reinstall_command() -> str:
    """pip's command that puts back the same torch, from the index it came from."""
    installed = _installed_torch()
    if installed is None:
        return f"pip install torch --index-url {CPU_INDEX}"
    _, _, local = installed.partition("+")  # 2.13.0+cpu, 2.5.1+cu121: PyTorch's own indexes
    index = f" --index-url https://download.pytorch.org/whl/{local}" if local else ""
    return f"pip install --force-reinstall torch=={installed}{index}"


def _reinstall_details() -> list[Words]:
    installed = _installed_torch()
    if installed is None or "+" in installed:
        return []
    return [
        words(
            "torch {installed} came from PyPI: on Linux that is a CUDA build, and reinstalling it "
            "downloads its NVIDIA libraries again, several gigabytes. torch's CPU build, all that "
            "{verify} needs, installs with {command}.",
            installed=installed,
            verify=Arg("verify"),
            command=f"pip install torch --index-url {CPU_INDEX}",
        )
    ]
