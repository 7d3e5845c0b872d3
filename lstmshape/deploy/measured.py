"""What tools/deploy_table.py measured: the verdicts --deploy states without verifying.

Generated; do not edit. Each class of lstmshape.deploy.classes, each target that runs on a
CPU: (verdict, reason key of lstmshape.deploy.targets.REASONS, its fields)."""

from __future__ import annotations

MEASURED_VERSIONS = {
    "torch": "2.13.0+cpu",
    "onnx": "1.23.1",
    "onnxruntime": "1.30.0",
    "onnxscript": "0.7.2",
}
MEASURED_DATE = "2026-12-07"
MEASURED: dict[str, dict[str, tuple[str, str, dict[str, str]]]] = {
    "GRU": {
        "onnx_dynamo": (
            "works with a change",
            "onnx_other_exporter",
            {
                "sizes": "N=3, L=4 / N=5, L=7",
                "why": "N=5, L=7: [ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got "
                "invalid dimensions for input: input for the following "
                "indices index: 0 Got: 7 Expected: 4",
            },
        ),
        "onnx_torchscript": ("works", "onnx_ok", {"sizes": "N=3, L=4 / N=5, L=7"}),
        "quantize_dynamic": (
            "works with a change",
            "quantize_wrapped_deprecated",
            {"diff": "0.016"},
        ),
        "torch_compile": ("fails", "compile_no_graph", {"graphs": "0"}),
        "torch_export": (
            "works with a change",
            "export_fixed_length",
            {"error": "Constraints violated (L)!", "sizes": "N=3, L=4 / N=5, L=4"},
        ),
    },
    "RNN": {
        "onnx_dynamo": (
            "works with a change",
            "onnx_other_exporter",
            {
                "sizes": "N=3, L=4 / N=5, L=7",
                "why": "N=5, L=7: [ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got "
                "invalid dimensions for input: input for the following "
                "indices index: 0 Got: 7 Expected: 4",
            },
        ),
        "onnx_torchscript": ("works", "onnx_ok", {"sizes": "N=3, L=4 / N=5, L=7"}),
        "quantize_dynamic": ("fails", "quantize_unsupported", {"module": "nn.RNN"}),
        "torch_compile": ("fails", "compile_no_graph", {"graphs": "0"}),
        "torch_export": (
            "works with a change",
            "export_fixed_length",
            {"error": "Constraints violated (L)!", "sizes": "N=3, L=4 / N=5, L=4"},
        ),
    },
    "batch_first": {
        "onnx_dynamo": (
            "works with a change",
            "onnx_other_exporter",
            {
                "sizes": "N=3, L=4 / N=5, L=7",
                "why": "N=5, L=7: [ONNXRuntimeError] : 2 : INVALID_ARGUMENT "
                ": Got invalid dimensions for input: input for the "
                "following indices index: 1 Got: 7 Expected: 4",
            },
        ),
        "onnx_torchscript": ("works", "onnx_ok", {"sizes": "N=3, L=4 / N=5, L=7"}),
        "quantize_dynamic": (
            "works with a change",
            "quantize_wrapped_deprecated",
            {"diff": "0.011"},
        ),
        "torch_compile": ("fails", "compile_no_graph", {"graphs": "0"}),
        "torch_export": (
            "works with a change",
            "export_fixed_length",
            {"error": "Constraints violated (L)!", "sizes": "N=3, L=4 / N=5, L=4"},
        ),
    },
    "bidirectional": {
        "onnx_dynamo": (
            "works with a change",
            "onnx_other_exporter",
            {
                "sizes": "N=3, L=4 / N=5, L=7",
                "why": "N=5, L=7: [ONNXRuntimeError] : 2 : "
                "INVALID_ARGUMENT : Got invalid dimensions for "
                "input: input for the following indices index: 0 "
                "Got: 7 Expected: 4",
            },
        ),
        "onnx_torchscript": ("works", "onnx_ok", {"sizes": "N=3, L=4 / N=5, L=7"}),
        "quantize_dynamic": (
            "works with a change",
            "quantize_wrapped_deprecated",
            {"diff": "0.012"},
        ),
        "torch_compile": ("fails", "compile_no_graph", {"graphs": "0"}),
        "torch_export": (
            "works with a change",
            "export_fixed_length",
            {"error": "Constraints violated (L)!", "sizes": "N=3, L=4 / N=5, L=4"},
        ),
    },
    "packed": {
        "onnx_dynamo": (
            "works with a change",
            "onnx_other_exporter",
            {
                "sizes": "N=3, L=4 / N=5, L=7",
                "why": "N=5, L=7: [ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got "
                "invalid dimensions for input: input for the following "
                "indices index: 0 Got: 7 Expected: 4",
            },
        ),
        "onnx_torchscript": ("works", "onnx_ok", {"sizes": "N=3, L=4 / N=5, L=7"}),
        "quantize_dynamic": (
            "works with a change",
            "quantize_wrapped_deprecated",
            {"diff": "0.0096"},
        ),
        "torch_compile": ("fails", "compile_no_graph", {"graphs": "0"}),
        "torch_export": (
            "works with a change",
            "export_fixed_length",
            {"error": "Constraints violated (L)!", "sizes": "N=3, L=4 / N=5, L=4"},
        ),
    },
    "plain": {
        "onnx_dynamo": (
            "works with a change",
            "onnx_other_exporter",
            {
                "sizes": "N=3, L=4 / N=5, L=7",
                "why": "N=5, L=7: [ONNXRuntimeError] : 2 : INVALID_ARGUMENT : Got "
                "invalid dimensions for input: input for the following "
                "indices index: 0 Got: 7 Expected: 4",
            },
        ),
        "onnx_torchscript": ("works", "onnx_ok", {"sizes": "N=3, L=4 / N=5, L=7"}),
        "quantize_dynamic": (
            "works with a change",
            "quantize_wrapped_deprecated",
            {"diff": "0.0096"},
        ),
        "torch_compile": ("fails", "compile_no_graph", {"graphs": "0"}),
        "torch_export": (
            "works with a change",
            "export_fixed_length",
            {"error": "Constraints violated (L)!", "sizes": "N=3, L=4 / N=5, L=4"},
        ),
    },
    "proj_size": {
        "onnx_dynamo": (
            "fails",
            "onnx_run_fails",
            {
                "error": "[ONNXRuntimeError] : 1 : FAIL : Non-zero status code "
                "returned while running LSTM node. "
                "Name:'node_lstm__2' Status Message: Input initial_c "
                "must have shape {1...",
                "first": "N=3, L=4",
            },
        ),
        "onnx_torchscript": (
            "fails",
            "onnx_refused",
            {
                "error": "Unsupported: ONNX export of operator LSTM, "
                "LSTMs with projections. Please feel free to "
                "request support or submit a pull request on "
                "PyTorch GitHub: https://gi..."
            },
        ),
        "quantize_dynamic": (
            "fails",
            "quantize_forward_fails",
            {"error": "Expected hidden[0] size (1, 3, 20), got [1, 3, 5]"},
        ),
        "torch_compile": ("fails", "compile_no_graph", {"graphs": "0"}),
        "torch_export": (
            "works with a change",
            "export_fixed_length",
            {"error": "Constraints violated (L)!", "sizes": "N=3, L=4 / N=5, L=4"},
        ),
    },
    "stacked": {
        "onnx_dynamo": (
            "works with a change",
            "onnx_other_exporter",
            {
                "sizes": "N=3, L=4 / N=5, L=7",
                "why": "N=5, L=7: [ONNXRuntimeError] : 2 : INVALID_ARGUMENT : "
                "Got invalid dimensions for input: input for the "
                "following indices index: 0 Got: 7 Expected: 4",
            },
        ),
        "onnx_torchscript": ("works", "onnx_ok", {"sizes": "N=3, L=4 / N=5, L=7"}),
        "quantize_dynamic": (
            "works with a change",
            "quantize_wrapped_deprecated",
            {"diff": "0.0066"},
        ),
        "torch_compile": ("fails", "compile_no_graph", {"graphs": "0"}),
        "torch_export": (
            "works with a change",
            "export_fixed_length",
            {"error": "Constraints violated (L)!", "sizes": "N=3, L=4 / N=5, L=4"},
        ),
    },
}
CONFIGURATIONS: dict[str, str] = {
    "GRU": "nn.GRU(10, 20)",
    "RNN": "nn.RNN(10, 20)",
    "batch_first": "nn.LSTM(10, 20, batch_first=True)",
    "bidirectional": "nn.LSTM(10, 20, bidirectional=True)",
    "packed": "nn.LSTM(10, 20)",
    "plain": "nn.LSTM(10, 20)",
    "proj_size": "nn.LSTM(10, 20, proj_size=5)",
    "stacked": "nn.LSTM(10, 20, num_layers=2)",
}
