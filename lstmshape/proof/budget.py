"""The memory a verification may spend on real tensors by default."""

# Real tensors are allocated only up to this many bytes unless a budget is given. Here, not in the
# plan, so that a front end reads its default without loading the plan.
DEFAULT_BUDGET_BYTES = 1024**3
