"""Results as plain, frozen data: the report of one module on one input, its cost, and what torch
found when it verified it. Every output format is a view of these; ``to_dict()`` is the JSON."""
