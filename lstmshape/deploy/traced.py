"""``trace --deploy``: --deploy's verdicts for each recurrent layer a model calls, on the
configuration and input the trace found, and the whole model exported and run in onnxruntime.

The per-layer verdicts are :func:`lstmshape.deploy.deploy`'s own (measured, unproven; run with
``verify``). The whole model always runs (the trace imports torch already): see
:mod:`lstmshape.deploy.whole`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from lstmshape.deploy import ONNX_PACKAGES, _missing_note, deploy, said_fields, said_versions
from lstmshape.deploy.targets import ONNX_TORCHSCRIPT, VERSIONS
from lstmshape.deploy.whole import Found, sequence_calls, whole_model
from lstmshape.i18n import N_, speaking, tr
from lstmshape.results.deploy import FAILS, NOT_RUN, WORKS, ModelDeployment, ModelVerdict
from lstmshape.results.trace import Trace

MODEL_REASONS = {
    "model_ok": N_(
        "The whole model exported with the TorchScript exporter, its inputs' batch and length "
        "axes dynamic, and ran in onnxruntime at {sizes}: every output matches torch."
    ),
    "fixed_state": N_(
        "{path} is given a state of batch {built} when its input's batch is {batch}: the state "
        "is built inside forward with a fixed size, which the exported graph keeps. Build it "
        "from the input's batch ({axis}), or pass the states as inputs of the model."
    ),
    "torch_second_size": N_(
        "The model itself fails in torch at {sizes}, so no export can run at another size: {error}"
    ),
    "model_refused": N_("The exporter refuses the model: {error}"),
    "model_run_fails": N_("The exported model fails in onnxruntime at {sizes}: {error}"),
    "model_differs": N_(
        "The exported model runs in onnxruntime at {sizes}, but an output differs from torch's "
        "by {diff}."
    ),
    "no_sequence_layer": N_(
        "The model calls no nn.LSTM, GRU or RNN on a batched input: the whole-model export "
        "is checked for those."
    ),
    "not_tensors": N_(
        "The whole model is exported when every input of forward is a tensor; this one takes "
        "others."
    ),
    "same_sizes": N_(
        "The example's N and L are both {n}: lstmshape cannot tell the batch axis from the "
        "length axis. Trace with sizes that differ."
    ),
    "no_batch_axis": N_(
        "No axis of the model's inputs has {path}'s batch size {n}: lstmshape cannot tell "
        "which axis to make dynamic."
    ),
    "trace_failed": N_("The forward pass failed: the model is exported once it runs."),
}
NOT_RUN_KEYS = ("no_sequence_layer", "not_tensors", "same_sizes", "no_batch_axis", "trace_failed")


def deploy_trace(trace: Trace, model: Any, args: tuple[Any, ...], *, verify: bool = False) -> Trace:
    """``trace`` with ``deploy`` filled in: each traced nn.LSTM/GRU/RNN's verdicts (the first call
    of each layer; proven with ``verify``) and the whole model's export run in onnxruntime."""
    with speaking(trace.lang):
        layers = []
        for call in sequence_calls(trace):
            if call.call == 1 and call.report is not None:
                done = deploy(call.report, verify=verify)
                assert done.deploy is not None
                layers.append((call.label, done.deploy))
        model_verdict = _whole(trace, model, args)
    return replace(trace, deploy=ModelDeployment(tuple(layers), model_verdict))


def _whole(trace: Trace, model: Any, args: tuple[Any, ...]) -> ModelVerdict:
    missing = _missing_note()
    if missing:
        return ModelVerdict(NOT_RUN, False, missing, "", "")
    if trace.failure is not None:
        return _said(Found("trace_failed"), "")
    from lstmshape.proof import import_torch

    torch = import_torch()
    found = whole_model(torch, trace, model, args)
    from importlib.metadata import version

    ran = {"torch": str(torch.__version__), **{name: version(name) for name in ONNX_PACKAGES}}
    said = said_versions(ran, ONNX_TORCHSCRIPT)
    versions = tr(VERSIONS["proven"], versions=said)  # i18n: extracted where made
    return _said(found, versions)


def _said(found: Found, versions: str) -> ModelVerdict:
    verdict = NOT_RUN if found.key in NOT_RUN_KEYS else WORKS if found.key == "model_ok" else FAILS
    fields = said_fields(found.fields)
    return ModelVerdict(
        verdict=verdict,
        proven=verdict != NOT_RUN,
        reason=tr(MODEL_REASONS[found.key], **fields),  # i18n: extracted where made
        fix=found.fix,
        versions=versions if verdict != NOT_RUN else "",
        layer=found.layer,
        site=found.site,
    )
