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
from lstmshape.words import Arg, drop, words

if TYPE_CHECKING:
    from lstmshape.model.report import Report

# Real tensors are allocated only up to this many bytes unless a budget is given. Here, not in the
# plan, so that a front end reads its default without loading the plan.
DEFAULT_BUDGET_BYTES = 1024**3


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
    from lstmshape.model.verification import Verification
    from lstmshape.proof.plan import plan

    plan(report, budget)  # a packed input over the budget is refused before torch's import
    # torch's import and constructor warnings (NumPy missing, dropout with one layer, oneDNN and
    # proj_size) are not for the user in torch's words: the report states what matters of them.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch = import_torch()
        mkldnn = torch.backends.mkldnn
        runs = plan(report, budget, fused_lstm=mkldnn.is_available() and mkldnn.enabled)
        from lstmshape.proof.runs import run_real, run_shapes

        done = tuple(
            run_real(torch, run, seed) if run.method == "real" else run_shapes(torch, run)
            for run in runs
        )
    return replace(report, verification=Verification(str(torch.__version__), done))


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
            details=[f"Importing torch failed: {error}."],
            hint=words(
                "Try pip install 'lstmshape[torch]' (or pip install torch), or {verify}.",
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
            details=[f"Importing torch failed: {error}."],
            hint=words(
                "Try reinstalling torch (pip install --force-reinstall torch), or leave out "
                "{verify}.",
                verify=drop("verify"),
            ),
        ) from error
    return torch
