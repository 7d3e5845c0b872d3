"""What a user types or hands in, read into the core's data: shapes, sizes, names and memory
amounts (values), and a fault of reading input said as lstmshape's own error (faults)."""
