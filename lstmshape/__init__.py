"""lstmshape: the shapes of PyTorch's nn.LSTM, explained, validated with torch's rules, proven by torch.

The public API imports nothing heavy (no torch, no Typer, no Rich): torch is loaded only by
:func:`verify`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The hooks a lower layer calls (below): installed on import; everything else loads lazily.
from lstmshape.hooks import install
from lstmshape.version import __version__

if TYPE_CHECKING:
    from lstmshape.api import assert_shapes, explain_module, spec_of_module
    from lstmshape.commands.explain import explain, explain_spec
    from lstmshape.commands.explain.cost import cost_of
    from lstmshape.commands.explain.layout import state_shapes
    from lstmshape.commands.inspect.checkpoint.inspect import inspect_checkpoint
    from lstmshape.commands.why import why
    from lstmshape.errors import (
        CheckpointError,
        ConfigMismatchError,
        ExpectationError,
        InconsistentWeightsError,
        InvalidModuleError,
        LstmShapeError,
        TensorMismatchError,
        TorchNotInstalledError,
        TraceBudgetError,
        UnreadableValueError,
        UnsafeCheckpointError,
        VerificationError,
        VerifyBudgetError,
    )
    from lstmshape.results.cost import Cost
    from lstmshape.results.inspection import Inspection
    from lstmshape.results.report import Report
    from lstmshape.results.trace import Trace
    from lstmshape.results.why import WhyResult
    from lstmshape.torchfacts.dtypes import DTYPES
    from lstmshape.torchfacts.parameters import Parameter
    from lstmshape.torchfacts.spec import ModuleSpec


# Every public name is loaded by its first use (PEP 562): ``import lstmshape`` runs nothing but this
# file, and a command loads only what it needs (tests/test_startup.py holds what explaining loads).
_LAZY = {
    "assert_shapes": "lstmshape.api",
    "explain_module": "lstmshape.api",
    "spec_of_module": "lstmshape.api",
    "explain": "lstmshape.commands.explain",
    "explain_spec": "lstmshape.commands.explain",
    "state_shapes": "lstmshape.commands.explain.layout",
    "cost_of": "lstmshape.commands.explain.cost",
    "Cost": "lstmshape.results.cost",
    "inspect_checkpoint": "lstmshape.commands.inspect.checkpoint.inspect",
    "Inspection": "lstmshape.results.inspection",
    "Report": "lstmshape.results.report",
    "Trace": "lstmshape.results.trace",
    "why": "lstmshape.commands.why",
    "WhyResult": "lstmshape.results.why",
    "DTYPES": "lstmshape.torchfacts.dtypes",
    "Parameter": "lstmshape.torchfacts.parameters",
    "ModuleSpec": "lstmshape.torchfacts.spec",
    "CheckpointError": "lstmshape.errors",
    "ConfigMismatchError": "lstmshape.errors",
    "ExpectationError": "lstmshape.errors",
    "InconsistentWeightsError": "lstmshape.errors",
    "InvalidModuleError": "lstmshape.errors",
    "LstmShapeError": "lstmshape.errors",
    "TensorMismatchError": "lstmshape.errors",
    "TorchNotInstalledError": "lstmshape.errors",
    "TraceBudgetError": "lstmshape.errors",
    "UnreadableValueError": "lstmshape.errors",
    "UnsafeCheckpointError": "lstmshape.errors",
    "VerificationError": "lstmshape.errors",
    "VerifyBudgetError": "lstmshape.errors",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'lstmshape' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value  # the next use is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def _html(result: object) -> str:
    from lstmshape.views.notebook import html_of

    return html_of(result)


def _plain(result: object) -> str:
    from lstmshape.views.notebook import plain_of

    return plain_of(result)


def _proven(report: Report, deploy: bool, verify: bool) -> Report:
    if verify:
        from lstmshape.proof import verify as verify_report

        report = verify_report(report)
    if deploy:
        from lstmshape.deploy import deploy as deploy_report

        report = deploy_report(report, verify=verify)
    return report


# A layer never imports one above it. Where a lower layer offers what a higher one does (a result
# drawn by the views; explain(verify=True, deploy=True), run by proof/ and deploy/, which explain
# reports of their own), the package installs it in lstmshape.hooks (which imports nothing), each
# function importing what it runs when first called.
install(html=_html, plain=_plain, prove=_proven)


def verify(
    report: Report, *, seed: int = 0, budget: int | str | None = None, lang: str | None = None
) -> Report:
    """Run ``report``'s module in torch and return the report with ``verification`` filled in.

    Real tensors up to ``budget`` (bytes, or text such as "512MiB"; default 1 GiB), shape-only
    (fake) tensors beyond; the verification says which ran, at what sizes, and why any size was
    made smaller. ``lang`` is the language of the errors (as :func:`explain`'s).
    """
    from lstmshape.i18n import speaking
    from lstmshape.proof import verify as _verify
    from lstmshape.reading.python_values import lang_argument
    from lstmshape.reading.values import read_memory

    with speaking(lang_argument(lang)):
        if budget is None:
            return _verify(report, seed=seed)
        return _verify(report, seed=seed, budget=read_memory(budget, "budget"))


def trace(
    model: Any,
    /,
    *example_inputs: Any,
    deploy: bool = False,
    verify: bool = False,
    **example_kwargs: Any,
) -> Trace:
    """Run ``model(*example_inputs, **example_kwargs)`` once and explain every call of every
    recurrent layer inside it, in call order, named by its path in the model (``encoder.lstm``).

    Shape-only: fake tensors stand for the model's tensors and the inputs, so nothing is allocated
    or computed and a model of any size traces in seconds; when torch needs the values to know a
    shape (pack_padded_sequence's lengths), the example inputs run for real, gradients off and the
    model's buffers untouched. ``trace.method`` and ``trace.how`` say which way it ran. A forward
    pass that fails is in ``trace.failure``: the module, the line that called it, torch's sentence
    and lstmshape's explanation with the fix. The model, the inputs and everything they reach are
    left as they were (a forward that caches on its input objects included). The inputs may be
    anything forward takes: a state tuple, a dict of tensors, a dataclass. Imports torch.

    ``deploy=True`` fills ``trace.deploy``: each recurrent layer's deployment verdicts (run with
    ``verify=True``, else unproven), and the whole model exported with
    ``torch.onnx.export(..., dynamo=False)`` and run in onnxruntime at two batch sizes and two
    lengths (docs/deploy.md). ``deploy`` and ``verify`` are lstmshape's, never forward's.
    """
    from lstmshape.commands.trace import trace_model

    traced = trace_model(model, example_inputs, example_kwargs)
    if not deploy:
        return traced
    from lstmshape.deploy.traced import deploy_trace

    return deploy_trace(traced, model, example_inputs, verify=verify)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext lstmshape``: the ``%lstmshape`` line magic, with the command line's options."""
    from lstmshape.notebook import load_ipython_extension as load

    load(ipython)


__all__ = [
    "DTYPES",
    "CheckpointError",
    "ConfigMismatchError",
    "Cost",
    "ExpectationError",
    "InconsistentWeightsError",
    "Inspection",
    "InvalidModuleError",
    "LstmShapeError",
    "ModuleSpec",
    "Parameter",
    "Report",
    "TensorMismatchError",
    "TorchNotInstalledError",
    "Trace",
    "TraceBudgetError",
    "UnreadableValueError",
    "UnsafeCheckpointError",
    "VerificationError",
    "VerifyBudgetError",
    "WhyResult",
    "__version__",
    "assert_shapes",
    "cost_of",
    "explain",
    "explain_module",
    "explain_spec",
    "inspect_checkpoint",
    "spec_of_module",
    "state_shapes",
    "trace",
    "verify",
    "why",
]
