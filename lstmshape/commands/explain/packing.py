"""A padded batch packed with pack_padded_sequence: what it refuses, in its order and words, and
the report of a forward pass on the PackedSequence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from lstmshape.commands.explain.expectations import with_expectations
from lstmshape.commands.explain.forward import batched_input, check_input_rank
from lstmshape.commands.explain.layout import Layout
from lstmshape.commands.explain.notes import sequence_notes
from lstmshape.commands.explain.packed_forward import (
    INDEX_EMPTY_AXIS,
    INDICES_BOUNDS,
    check_packed_tensors,
    first_outside,
)
from lstmshape.commands.explain.packed_notes import packed_notes
from lstmshape.commands.explain.sequence import sequence_facts, sequence_symbols, sequence_tensors
from lstmshape.errors import TensorMismatchError, UnreadableValueError
from lstmshape.i18n import ntr, tr
from lstmshape.i18n.numbers import number
from lstmshape.i18n.text import LENGTH, SEQUENCE, STEP, a_module, format_shape
from lstmshape.i18n.words import Arg, Setting, Words, drop, fix, words
from lstmshape.results.packing import Packing
from lstmshape.results.report import Dim, Report, Symbol, Tensor
from lstmshape.torchfacts.parameters import listed_parameters
from lstmshape.torchfacts.sentences import TORCH
from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]


def explain_packed(
    spec: ModuleSpec,
    input_shape: Shape,
    lengths: Sequence[int],
    *,
    enforce_sorted: bool = True,
    h_0: Shape | None = None,
    c_0: Shape | None = None,
    expect: tuple[tuple[str, Shape], ...] = (),
) -> Report:
    """Explain ``spec`` on a padded batch of ``input_shape`` packed with ``lengths``."""
    check_packing(spec, input_shape, lengths, enforce_sorted)
    layout = Layout.of(spec, input_shape)
    packing = Packing(tuple(lengths), enforce_sorted)
    check_packed_tensors(spec, layout, packing, h_0=h_0, c_0=c_0)
    tensors = _packed_tensors(spec, layout, packing, h_0=h_0, c_0=c_0)
    facts = tuple(replace(f, per_sequence=True) for f in sequence_facts(spec, layout))
    symbols = (
        *sequence_symbols(spec, layout),
        Symbol("sum(lengths)", packing.total, tr("valid steps of all sequences")),
        Symbol("max(lengths)", packing.longest, tr("steps of the longest sequence")),
    )
    notes = [
        n
        for n in sequence_notes(spec, layout, facts, h_0=h_0, c_0=c_0, packed=True)
        if n.id not in ("output_h_n", "last_layer_state")
    ]
    report = Report(
        spec=spec,
        input_shape=input_shape,
        batched=True,
        symbols=symbols,
        tensors=tensors,
        parameters=listed_parameters(spec),
        facts=facts,
        notes=(*packed_notes(spec, layout, packing, facts), *notes),
        packing=packing,
    )
    return with_expectations(report, expect)


def _packed_tensors(
    spec: ModuleSpec, layout: Layout, packing: Packing, *, h_0: Shape | None, c_0: Shape | None
) -> tuple[Tensor, ...]:
    """The padded input, its PackedSequence, the states, and forward's packed and padded output."""
    summed = (
        " + ".join(map(str, packing.lengths))
        if len(packing.lengths) <= 12
        else tr("sum of {count} lengths", count=number(len(packing.lengths)))
    )
    total = Dim("sum(lengths)", packing.total, summed)
    longest = Dim("max(lengths)", packing.longest, f"max{format_shape(packing.lengths)}")
    h_in = Dim("H_in", spec.input_size, "input_size")
    features = Dim("D*H_out", spec.D * spec.H_out, f"D={spec.D} × H_out={spec.H_out}")
    batch = Dim("N", layout.batch, "len(lengths)")
    plain = sequence_tensors(spec, layout, given={"h_0": h_0 is not None, "c_0": c_0 is not None})
    by_name = {t.name: t for t in plain}
    padded = (longest, batch, features) if layout.time_axis == 0 else (batch, longest, features)
    return (
        by_name["input"],
        Tensor("input.data", "input", (total, h_in), tr("the valid steps, stacked step by step")),
        Tensor(
            "input.batch_sizes", "input", (longest,), tr("sequences still running at each step")
        ),
        *(by_name[name] for name in spec.kind.state_names),
        Tensor(
            "output.data", "output", (total, features), tr("last layer's h_t at every valid step")
        ),
        Tensor(
            "output.batch_sizes",
            "output",
            (longest,),
            tr("the same {batch_sizes} as the input", batch_sizes="batch_sizes"),
        ),
        *(
            replace(
                by_name[name],
                meaning=tr("{meaning}, at each sequence's own end", meaning=by_name[name].meaning),
            )
            for name in spec.kind.final_names
        ),
        Tensor(
            "padded_output",
            "output",
            padded,
            tr("returned by {function}, zero-padded", function="pad_packed_sequence"),
        ),
    )


def check_packing(
    spec: ModuleSpec, input_shape: Shape, lengths: Sequence[int], enforce_sorted: bool
) -> None:
    """Raise for what pack_padded_sequence refuses, in its order and words, and for lengths past
    the end of the input, which it does not check."""
    _check_packable(spec, input_shape)
    layout = Layout.of(spec, input_shape)
    n = layout.batch
    if not enforce_sorted and len(lengths) != n:
        # torch first reorders the batch by the lengths (index_select), before any other check.
        _refuse_unsorted_count(lengths, n, layout)
    if 0 in input_shape:
        raise TensorMismatchError(
            words(
                "The input {shape} is empty: there is nothing to pack.",
                shape=format_shape(input_shape),
            ),
            torch_says=TORCH["empty_pack"].say(),
            hint=words("Try an {input} with no axis of size 0.", input=Arg("input")),
            subject="input",
        )
    if len(lengths) != n:
        raise TensorMismatchError(
            _count_words(lengths, n),
            details=[words("One length per sequence: the number of its valid (unpadded) steps.")],
            torch_says=TORCH["lengths_count"].say(got=len(lengths), batch=n),
            hint=words(
                "Try {a} (one per sequence).", a=fix(lengths=_example_lengths(n, layout.length))
            ),
            subject="lengths",
            expected=n,
            actual=len(lengths),
        )
    _check_lengths(spec, lengths, enforce_sorted, layout)


def _check_packable(spec: ModuleSpec, input_shape: Shape) -> None:
    """Only a sequence module's batched input can be packed."""
    if spec.kind.is_cell:
        raise UnreadableValueError(
            words(
                "{lengths} packs a batch of sequences, but {a} takes one step per call.",
                lengths=Arg("lengths"),
                a=a_module(spec.kind),
            ),
            hint=words(
                "Try {a}, or {b} with a padded batch (L, N, H_in).",
                a=drop("lengths"),
                b=fix(module=spec.kind.sequence_module),
            ),
            subject="lengths",
        )
    check_input_rank(spec.kind, input_shape)
    if len(input_shape) != 3:
        raise TensorMismatchError(
            words(
                "{lengths} needs a batched input (L, N, H_in); {shape} is one unbatched sequence.",
                lengths=Arg("lengths"),
                shape=format_shape(input_shape),
            ),
            details=[words("pack_padded_sequence packs several sequences of different lengths.")],
            hint=words(
                "Try {a}.",
                a=fix(input=batched_input(spec, *input_shape), lengths=(input_shape[0],)),
            ),
            subject="input",
        )


def _check_lengths(
    spec: ModuleSpec, lengths: Sequence[int], enforce_sorted: bool, layout: Layout
) -> None:
    """The lengths' values: each at least 1, decreasing when enforce_sorted, none past L."""
    # enforce_sorted=False sorts the lengths first; torch then checks only the last (smallest) one.
    checked = list(lengths) if enforce_sorted else sorted(lengths, reverse=True)
    if checked[-1] <= 0:
        raise TensorMismatchError(
            words(
                "{given}: every sequence needs at least one step.",
                given=Setting("lengths", tuple(lengths)),
            ),
            torch_says=TORCH["length_not_positive"].say(),
            hint=words("Try {a}.", a=fix(lengths=tuple(max(n, 1) for n in lengths))),
            subject="lengths",
        )
    if enforce_sorted and any(a < b for a, b in pairwise(lengths)):
        raise TensorMismatchError(
            words(
                "{given} is not in decreasing order, and enforce_sorted=True needs it to be.",
                given=Setting("lengths", tuple(lengths)),
            ),
            details=[words("torch then needs the batch sorted longest first.")],
            torch_says=TORCH["unsorted_lengths"].say(),
            hint=words("Try {a}, or sort the batch by length.", a=fix(enforce_sorted=False)),
            subject="lengths",
        )
    if max(lengths) > layout.length:
        raise _too_long(spec, lengths, layout)


def _too_long(spec: ModuleSpec, lengths: Sequence[int], layout: Layout) -> TensorMismatchError:
    """A length past L: pack_padded_sequence packs the steps the input has, and batch_sizes
    promises more; the forward pass fails reading the rows that are not there."""
    packing = Packing(tuple(lengths), True)
    rows = sum(min(n, layout.length) for n in lengths)
    return TensorMismatchError(
        words(
            "{given}: a sequence of {longest} steps does not fit in an input of L = {length} "
            "{step}.",
            given=Setting("lengths", tuple(lengths)),
            longest=max(lengths),
            length=layout.length,
            step=ntr(*STEP, layout.length),  # i18n: extracted where made
        ),
        details=[
            words(
                "torch does not refuse this when packing: pack_padded_sequence keeps the {length} "
                "{step} the input has, {rows} rows where the lengths add up to {total}, while "
                "batch_sizes counts {longest} steps; the forward pass then fails reading rows "
                "that are not there.",
                length=layout.length,
                step=ntr(*STEP, layout.length),  # i18n: extracted where made
                rows=number(rows),
                total=number(packing.total),
                longest=number(packing.longest),
            )
        ],
        torch_says=_missing_rows(spec, packing, rows),
        hint=words("Try {a}.", a=fix(lengths=tuple(min(n, layout.length) for n in lengths))),
        subject="lengths",
    )


def _missing_rows(spec: ModuleSpec, packing: Packing, rows: int) -> str:
    """What the forward pass says when batch_sizes promises more rows than the data holds."""
    runs = packing.runs()
    if spec.kind.name == "LSTM" and spec.proj_size == 0 and len(runs) == 1:
        # oneDNN's LSTM views data of equal batch sizes as (T, N, H_in) at once.
        size, steps = runs[0]
        return TORCH["rows_missing_view"].say(
            shape=(steps, size, spec.input_size), size=rows * spec.input_size
        )
    start = 0
    for size, steps in runs:
        # The first step that reads past the rows: start + size > rows.
        full = max(0, min(steps, (rows - start) // size))
        start += full * size
        if full < steps:
            return TORCH["rows_missing"].say(start=start, length=size, rows=rows)
    raise AssertionError("lengths past L leave rows missing")  # pragma: no cover


def _refuse_unsorted_count(lengths: Sequence[int], n: int, layout: Layout) -> None:
    hint = (
        words("Try {a} (one per sequence).", a=fix(lengths=_example_lengths(n, layout.length)))
        if n
        else words("Try an {input} with at least one sequence.", input=Arg("input"))
    )
    if len(lengths) > n:
        # torch.sort orders equal lengths by position here; the first index past the batch fails.
        outside = first_outside(lengths, n)
        raise TensorMismatchError(
            _count_words(lengths, n),
            details=[
                words(
                    "With enforce_sorted=False torch reorders the batch by the lengths first, and "
                    "fails there, picking a sequence that does not exist."
                )
                if outside is not None or n == 0 or layout.time_axis == 1
                else words(
                    "With enforce_sorted=False torch reorders the batch by the lengths first, and "
                    "fails there, picking a sequence that does not exist ({says}, naming an index "
                    "that depends on how it orders equal lengths).",
                    says=INDICES_BOUNDS,
                )
            ],
            # index_select words it by the axis it selects on: the batch's, 0 with batch_first.
            torch_says=INDEX_EMPTY_AXIS
            if n == 0
            else TORCH["index_out_of_range"].say()
            if layout.time_axis == 1
            else None
            if outside is None
            else TORCH["indices_bounds"].say(index=outside, size=n),
            hint=hint,
            subject="lengths",
        )
    raise TensorMismatchError(
        _count_words(lengths, n),
        details=[
            words(
                "torch does not catch this one: with enforce_sorted=False it reorders the batch "
                "by the lengths first, keeps that many sequences and drops the others without a "
                "word."
            )
        ],
        hint=hint,
        subject="lengths",
    )


def _example_lengths(n: int, length: int) -> tuple[int, ...]:
    return tuple(max(length - i, 1) for i in range(n))


def _count_words(lengths: Sequence[int], n: int) -> Words:
    return words(
        "{lengths} gives {count} {length} for a batch of N = {n} {noun}.",
        lengths=Arg("lengths"),
        count=len(lengths),
        length=ntr(*LENGTH, len(lengths)),  # i18n: extracted where made
        n=n,
        noun=ntr(*SEQUENCE, n),  # i18n: extracted where made
    )
