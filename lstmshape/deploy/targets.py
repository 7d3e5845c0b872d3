"""The deployment targets, and every sentence a verdict can give: pure data, no torch.

A reason is one of these messages with named fields, so that the measured table
(:mod:`lstmshape.deploy.measured`) and a run (:mod:`lstmshape.deploy.runs`) say the same sentence
in every language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lstmshape.i18n import N_


@dataclass(frozen=True)
class Outcome:
    """One target's verdict as a run found it: the reason is a key of REASONS, with its fields."""

    verdict: str
    reason: str
    fields: dict[str, str] = field(default_factory=dict)


ONNX_TORCHSCRIPT = "onnx_torchscript"
ONNX_DYNAMO = "onnx_dynamo"
TORCH_EXPORT = "torch_export"
TORCH_COMPILE = "torch_compile"
QUANTIZE = "quantize_dynamic"
DATA_PARALLEL = "data_parallel"
CUDNN = "cudnn"

# In the order a user meets them: export, compile, quantize, then what needs GPUs.
LABELS = {
    ONNX_TORCHSCRIPT: "torch.onnx.export(..., dynamo=False)",
    ONNX_DYNAMO: "torch.onnx.export(..., dynamo=True)",
    TORCH_EXPORT: "torch.export.export",
    TORCH_COMPILE: "torch.compile",
    QUANTIZE: "torch.ao.quantization.quantize_dynamic",
    DATA_PARALLEL: "nn.DataParallel / DistributedDataParallel",
    CUDNN: "cuDNN",
}
TARGETS = tuple(LABELS)
# What a table's narrow column calls each target.
SHORT = {
    ONNX_TORCHSCRIPT: "ONNX (TorchScript)",
    ONNX_DYNAMO: "ONNX (dynamo)",
    TORCH_EXPORT: "torch.export",
    TORCH_COMPILE: "torch.compile",
    QUANTIZE: "quantize_dynamic",
    DATA_PARALLEL: "DataParallel, DDP",
    CUDNN: "cuDNN",
}
ONNX_TARGETS = (ONNX_TORCHSCRIPT, ONNX_DYNAMO)
# What no CPU-only machine can run: said as torch documents it, never proven here.
DOCUMENTED = (DATA_PARALLEL, CUDNN)

REASONS = {
    "onnx_ok": N_(
        "Exported with the states as graph inputs and ran in onnxruntime at {sizes}: every output "
        "matches torch in PyTorch's layout."
    ),
    "onnx_second_size": N_(
        "The exported graph runs at {first} but fails in onnxruntime at {second}: {error}"
    ),
    "onnx_refused": N_("The exporter refuses this module: {error}"),
    "onnx_run_fails": N_("The exported graph fails in onnxruntime at {first}: {error}"),
    "onnx_differs": N_(
        "The exported graph runs in onnxruntime, but its {tensor} differs from torch's by {diff}."
    ),
    "onnx_other_exporter": N_(
        "This exporter's graph fails ({why}); the TorchScript exporter's works at {sizes}."
    ),
    "export_ok": N_("Exported with dynamic N and L; matches torch at {sizes}."),
    "export_fixed_length": N_(
        "torch.export specialises the sequence length L (a dynamic L is refused: {error}); with "
        "L fixed and N dynamic it exports and matches torch at {sizes}."
    ),
    "export_fails": N_("torch.export refuses it, even with only N dynamic: {error}"),
    "compile_no_graph": N_(
        "torch.compile runs it but compiles {graphs} graphs: TorchDynamo skips recurrent modules, "
        "so the layer runs eagerly (torch._dynamo.explain)."
    ),
    "compile_ok": N_(
        "TorchDynamo compiles it into {graphs} graphs with {breaks} graph breaks, and the "
        "compiled module matches torch."
    ),
    "quantize_wrapped": N_(
        "quantize_dynamic swaps the recurrent layers inside a model, never the module it is "
        "given: the layer alone stays float32. In a holder it is quantized to int8 and its "
        "forward runs (output off by at most {diff})."
    ),
    "quantize_wrapped_deprecated": N_(
        "quantize_dynamic swaps the recurrent layers inside a model, never the module it is "
        "given: the layer alone stays float32. In a holder it is quantized to int8 and its "
        "forward runs (output off by at most {diff}); this torch deprecates torch.ao.quantization "
        "in favour of torchao."
    ),
    "quantize_ok": N_(
        "quantize_dynamic quantizes it to int8 and its forward runs (output off by at most {diff})."
    ),
    "quantize_unsupported": N_(
        "quantize_dynamic has no dynamically quantized {module}: the layer stays float32."
    ),
    "quantize_forward_fails": N_(
        "quantize_dynamic quantizes it, but the quantized layer's forward fails: {error}"
    ),
    "parallel_states": N_(
        "DataParallel scatters every tensor argument on dim 0, but h_0's dim 0 is D*num_layers, "
        "not N: each replica gets the wrong rows (documented: {source})."
    ),
    "parallel_input": N_(
        "DataParallel scatters on dim 0, which is L for batch_first=False: each replica would get "
        "some time steps of every sequence, and h_0's dim 0 is D*num_layers (documented: {source})."
    ),
    "cudnn_dropout": N_(
        "cuDNN runs backward only in training mode, and dropout between layers makes its results "
        "non-deterministic (documented: {source})."
    ),
    "cudnn_train": N_("cuDNN runs backward only in training mode (documented: {source})."),
}

VERSIONS = {
    "proven": N_("{versions}; run here"),
    "measured": N_("{versions}; measured on {configuration}, unproven here"),
    "documented": N_("{versions}; documented, unproven (needs GPUs)"),
}

VERDICT_WORDS = {
    "works": N_("works"),
    "works with a change": N_("works with a change"),
    "fails": N_("fails"),
}

# Where torch documents what cannot run on a CPU-only machine.
SOURCES = {
    DATA_PARALLEL: "https://pytorch.org/docs/stable/generated/torch.nn.DataParallel.html, "
    "pytorch/pytorch#15260",
    CUDNN: "https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html (cuDNN notes), "
    "torch.backends.cudnn",
}
