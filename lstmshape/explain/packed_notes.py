"""The notes of a packed forward pass: what the PackedSequence holds, where each final state is."""

from __future__ import annotations

from lstmshape.explain.layout import Layout
from lstmshape.model.report import Fact, Note, Packing
from lstmshape.model.text import short_list
from lstmshape.spec import ModuleSpec


def packed_notes(
    spec: ModuleSpec, layout: Layout, packing: Packing, facts: tuple[Fact, ...]
) -> list[Note]:
    lengths = short_list(packing.lengths)[1:-1]
    bf = ", batch_first=True" if spec.batch_first else ""
    notes = [
        Note(
            "packed",
            f"pack_padded_sequence(input, lengths=[{lengths}]{bf}"
            f"{', enforce_sorted=False' if not packing.enforce_sorted else ''}) keeps the "
            f"{packing.total} valid steps: data ({packing.total}, H_in) stacks them step by step, "
            f"and batch_sizes = {packing.batch_sizes_text()} counts the sequences still running at "
            "each step. lengths must be a list or a CPU tensor.",
        )
    ]
    if spec.D == 1:
        text = (
            f"{facts[0].text()}: each sequence's final state is at its own last valid step. "
            "padded_output[-1] is not: for a shorter sequence it is padding (zeros)."
        )
    else:
        text = (
            f"{facts[0].text()} (forward, at each sequence's own last step) and {facts[1].text()} "
            "(backward, at step 0)."
        )
    notes.append(Note("packed_output_h_n", text))
    longer = (
        f", not L = {layout.length}: pass total_length={layout.length} to get L back"
        if packing.longest < layout.length
        else ""
    )
    notes.append(
        Note(
            "pad_packed",
            f"pad_packed_sequence(output{bf}) gives back padded_output and lengths; it has "
            f"max(lengths) = {packing.longest} steps{longer}. Steps past a sequence's length are 0.",
        )
    )
    cls = "h_n[-1]" if spec.D == 1 else "torch.cat([h_n[-2], h_n[-1]], dim=1)"
    order = (
        "enforce_sorted=False: torch sorts the batch by length inside and restores the order, so "
        "h_n[:, i] is sequence i and h_0 is given in the original order."
        if not packing.enforce_sorted
        else "enforce_sorted=True needs the lengths in decreasing order (they are)."
    )
    notes.append(
        Note(
            "packed_order",
            f"{order} For a classifier, {cls} holds every sequence's state at its own last step.",
        )
    )
    return notes
