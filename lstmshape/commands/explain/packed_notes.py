"""The notes of a packed forward pass: what the PackedSequence holds, where each final state is."""

from __future__ import annotations

from lstmshape.commands.explain.layout import Layout
from lstmshape.i18n import tr
from lstmshape.i18n.text import short_list
from lstmshape.results.packing import Packing
from lstmshape.results.report import Fact, Note
from lstmshape.torchfacts.spec import ModuleSpec


def packed_notes(
    spec: ModuleSpec, layout: Layout, packing: Packing, facts: tuple[Fact, ...]
) -> list[Note]:
    """The notes of a packed forward pass: the packing, the final states, padding back, order."""
    bf = ", batch_first=True" if spec.batch_first else ""
    return [
        _packed_note(packing, bf),
        _final_state_note(spec, facts),
        _pad_packed_note(layout, packing, bf),
        _order_note(spec, packing),
    ]


def _packed_note(packing: Packing, bf: str) -> Note:
    lengths = short_list(packing.lengths)[1:-1]
    unsorted = ", enforce_sorted=False" if not packing.enforce_sorted else ""
    return Note(
        "packed",
        tr(
            "{call} keeps the {total} valid steps: data ({total}, H_in) stacks them step by "
            "step, and batch_sizes = {batch_sizes} counts the sequences still running at each "
            "step. lengths must be a list or a CPU tensor.",
            call=f"pack_padded_sequence(input, lengths=[{lengths}]{bf}{unsorted})",
            total=packing.total,
            batch_sizes=packing.batch_sizes_text(),
        ),
    )


def _final_state_note(spec: ModuleSpec, facts: tuple[Fact, ...]) -> Note:
    if spec.D == 1:
        text = tr(
            "{fact}: each sequence's final state is at its own last valid step. {padded} is not: "
            "for a shorter sequence it is padding (zeros).",
            fact=facts[0].text(),
            padded="padded_output[-1]",
        )
    else:
        text = tr(
            "{forward} (forward, at each sequence's own last step) and {backward} (backward, at "
            "step 0).",
            forward=facts[0].text(),
            backward=facts[1].text(),
        )
    return Note("packed_output_h_n", text)


def _pad_packed_note(layout: Layout, packing: Packing, bf: str) -> Note:
    call = f"pad_packed_sequence(output{bf})"
    if packing.longest < layout.length:
        text = tr(
            "{call} gives back padded_output and lengths; it has max(lengths) = {longest} steps, "
            "not L = {length}: pass total_length={length} to get L back. Steps past a sequence's "
            "length are 0.",
            call=call,
            longest=packing.longest,
            length=layout.length,
        )
    else:
        text = tr(
            "{call} gives back padded_output and lengths; it has max(lengths) = {longest} steps. "
            "Steps past a sequence's length are 0.",
            call=call,
            longest=packing.longest,
        )
    return Note("pad_packed", text)


def _order_note(spec: ModuleSpec, packing: Packing) -> Note:
    cls = "h_n[-1]" if spec.D == 1 else "torch.cat([h_n[-2], h_n[-1]], dim=1)"
    order = (
        tr(
            "enforce_sorted=False: torch sorts the batch by length inside and restores the order, "
            "so {row} is sequence i and h_0 is given in the original order.",
            row="h_n[:, i]",
        )
        if not packing.enforce_sorted
        else tr("enforce_sorted=True needs the lengths in decreasing order (they are).")
    )
    return Note(
        "packed_order",
        tr(
            "{order} For a classifier, {expression} holds every sequence's state at its own "
            "last step.",
            order=order,
            expression=cls,
        ),
    )
