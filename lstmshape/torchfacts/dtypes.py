"""The floating dtypes torch's recurrent modules take, their sizes, and the names people write."""

# Bytes per element.
DTYPES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8}

# torch's own aliases (torch.half is torch.float16) and the short names people write.
DTYPE_ALIASES = {
    "float": "float32",
    "fp32": "float32",
    "half": "float16",
    "fp16": "float16",
    "bf16": "bfloat16",
    "double": "float64",
    "fp64": "float64",
}
