"""What a user types or hands in, read into the core's data: shapes, sizes, numbers and memory
amounts (values), names of tensors (names), what the Python API is handed (python_values), and a
fault of reading input said as lstmshape's own error (faults)."""
