"""The notes of a sequence module's report: what users keep getting wrong, with this config's numbers.

Each note appears only when it applies, and states its facts with the numbers of the configuration
at hand. Notes name torch's arguments (batch_first=True), never a front end's way of setting them.
"""

from __future__ import annotations

from collections.abc import Sequence

from lstmshape.commands.explain.layout import Layout, state_shapes, state_views
from lstmshape.i18n import ntr, tr
from lstmshape.i18n.numbers import enumerated, listed
from lstmshape.i18n.text import SEQUENCE, STEP, a_module, format_shape
from lstmshape.results.report import Fact, Note
from lstmshape.torchfacts.sentences import TORCH
from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]


def sequence_notes(
    spec: ModuleSpec,
    layout: Layout,
    facts: tuple[Fact, ...],
    *,
    h_0: Shape | None,
    c_0: Shape | None,
    packed: bool = False,
) -> tuple[Note, ...]:
    """The notes of a sequence module's report, in reading order; each only where it applies."""
    notes = [_layout_of_input(spec, layout)]
    if layout.batched and layout.batch == 0:
        notes.append(
            Note("empty_batch", tr("N=0: torch accepts an empty batch and returns empty tensors."))
        )
    if spec.proj_size > 0:
        notes.append(_proj_size_note(spec))
    if spec.D == 2:
        h = spec.H_out
        notes.append(
            Note(
                "bidirectional_output",
                tr(
                    "output's last axis is D*H_out = {width}: {forward} is the forward direction, "
                    "{backward} the backward one, at every step.",
                    width=2 * h,
                    forward=f"[..., :{h}]",
                    backward=f"[..., {h}:]",
                ),
            )
        )
    notes += [
        _correspondence_note(spec, facts),
        gates_note(spec),
        _layout_note(spec, layout),
        _last_layer_note(spec, layout),
    ]
    if spec.dropout > 0:
        notes.append(_dropout_note(spec))
    given = {"h_0": h_0, "c_0": c_0}
    passed = [n for n in spec.kind.state_names if given[n] is not None]
    if len(spec.kind.state_names) == 2 and len(passed) == 1:
        notes.append(_state_tuple_note(spec, layout, passed[0], given[passed[0]] or (), packed))
    return tuple(notes)


def _layout_of_input(spec: ModuleSpec, layout: Layout) -> Note:
    """How torch reads the input's axes: batch_first, time first, or unbatched."""
    input_shape = layout.input_shape
    if layout.batched and spec.batch_first:
        states = [*spec.kind.state_names, *spec.kind.final_names]
        return Note(
            "batch_first_states",
            tr(
                "batch_first=True reorders input and output only: {states} keep N in the middle, "
                "(D*num_layers, N, H) = {shape}.",
                states=_listed(states),
                shape=f"({spec.D * spec.num_layers}, {layout.batch}, ...)",
            ),
        )
    if layout.batched:
        return Note(
            "time_first",
            tr(
                "batch_first=False: torch reads {shape} as L={length} {steps} of N={n} "
                "{nouns}. If your tensor is (batch, seq, feature), pass batch_first=True: "
                "without it torch silently swaps N and L.",
                shape=format_shape(input_shape),
                length=layout.length,
                steps=ntr(*STEP, layout.length),  # i18n: extracted where made
                n=layout.batch,
                nouns=ntr(*SEQUENCE, layout.batch),  # i18n: extracted where made
            ),
        )
    needed = state_shapes(spec, input_shape)
    text = tr(
        "Unbatched input (L, H_in): torch adds a batch of 1 inside and removes it again, so the "
        "states are 2-D (D*num_layers, H), here h_0 {h_0}, and output is (L, D*H_out) = {output}.",
        h_0=format_shape(needed["h_0"]),
        output=format_shape((layout.length, spec.D * spec.H_out)),
    )
    if spec.batch_first:
        text += tr(" batch_first is ignored for unbatched input.")
    return Note("unbatched", text)


def _proj_size_note(spec: ModuleSpec) -> Note:
    text = tr(
        "proj_size={proj_size}: h_0, h_n and output use H_out = proj_size = {proj_size}, while "
        "c_0 and c_n keep H_cell = hidden_size = {hidden_size}. {weight} {shape} projects each h_t.",
        proj_size=spec.proj_size,
        hidden_size=spec.H_cell,
        weight="weight_hr_l{k}",
        shape=format_shape((spec.proj_size, spec.H_cell)),
    )
    if spec.num_layers > 1:
        text += tr(
            " Layers above the first take D*H_out = {width} inputs (weight_ih_l1 is {shape}).",
            width=spec.D * spec.H_out,
            shape=format_shape((spec.kind.gates * spec.H_cell, spec.D * spec.H_out)),
        )
    return Note("proj_size", text)


def _dropout_note(spec: ModuleSpec) -> Note:
    if spec.num_layers == 1:
        return Note(
            "dropout_single_layer",
            tr(
                "dropout={dropout} does nothing with num_layers=1: torch applies dropout to the "
                "outputs of every layer but the last, and warns when there is only one.",
                dropout=spec.dropout,
            ),
        )
    return Note(
        "dropout",
        tr(
            "dropout={dropout} zeroes elements of the output of every layer but the last "
            "({which}) in training mode; it changes no shape.",
            dropout=spec.dropout,
            which=_layer_range(spec.num_layers - 1),
        ),
    )


def _state_tuple_note(
    spec: ModuleSpec, layout: Layout, passed: str, shape: Shape, packed: bool
) -> Note:
    """torch takes the states as one tuple; say exactly how passing one tensor alone fails."""
    name = spec.kind.name
    missing = "c_0" if passed == "h_0" else "h_0"
    text = tr(
        "{module} takes its states as one tuple: {call}. Only {passed} was given; {missing} is "
        "shown as it must be.",
        module=a_module(spec.kind, start=True),
        call=f"{name.lower()}(input, (h_0, c_0))",
        passed=passed,
        missing=missing,
    )
    # On packed input torch fails elsewhere, in words that depend on the path: none quoted.
    failure = None if packed else single_state_failure(layout.batched, shape)
    if failure:
        text += tr(
            " Passing {passed} alone, {call}, fails with: {failure}",
            passed=passed,
            call=f"{name.lower()}(input, {passed})",
            failure=failure,
        )
    return Note("state_tuple", text)


def single_state_failure(batched: bool, shape: Shape) -> str | None:
    """What torch raises when one state tensor of ``shape`` is passed where the (h_0, c_0) tuple
    belongs: it indexes the tensor, reading shape[1:] twice, or fails at index 1.

    None when torch would not fail at that point (a state of the wrong rank to begin with).
    """
    want = 3 if batched else 2
    if len(shape) != want:
        return None
    if shape[0] < 2:
        # torch reads hx[0] and then, for its message, hx[1]: the first missing row fails.
        return TORCH["single_state"].say(index=shape[0], size=shape[0])
    rank = f"{want - 1}-D"
    kind = "batched 3-D" if batched else "unbatched 2-D"
    return TORCH["states_rank"].say(input=kind, want=want, ranks=f"{rank}, {rank}")


def _correspondence_note(spec: ModuleSpec, facts: tuple[Fact, ...]) -> Note:
    if spec.D == 1:
        text = tr(
            "{fact}: the last step of output is the last layer's final hidden state (output holds "
            "the last layer only).",
            fact=facts[0].text(),
        )
    else:
        forward, reverse = facts
        text = tr(
            "{forward} (the forward direction ends at the last step) and {backward} (the backward "
            "direction ends at step 0). So the last step of output is not the final state of both "
            "directions.",
            forward=forward.text(),
            backward=reverse.text(),
        )
    return Note("output_h_n", text)


def gates_note(spec: ModuleSpec) -> Note:
    kind = spec.kind
    h = kind.width_symbol
    k = "" if kind.is_cell else "_l{k}"
    if kind.gates == 1:
        bias = " + b_ih + b_hh" if spec.bias else ""
        return Note(
            "gates",
            tr(
                "{module} has no gates: {weight_ih} and {weight_hh} have {h} = {rows} rows, and "
                "{equation}.",
                module=a_module(kind, start=True),
                weight_ih=f"weight_ih{k}",
                weight_hh=f"weight_hh{k}",
                h=h,
                rows=spec.H_cell,
                equation=f"h_t = {spec.nonlinearity}(W_ih x_t + W_hh h_(t-1){bias})",
            ),
        )
    return Note(
        "gates",
        tr(
            "{weight_ih} and {weight_hh} stack the {count} gates ({gates}) along their first "
            "axis: {count}*{h} = {rows} rows, {h} = {width} for each gate.",
            weight_ih=f"weight_ih{k}",
            weight_hh=f"weight_hh{k}",
            count=kind.gates,
            gates=enumerated(kind.gate_names),
            h=h,
            rows=kind.gates * spec.H_cell,
            width=spec.H_cell,
        ),
    )


def _layout_note(spec: ModuleSpec, layout: Layout) -> Note:
    views = state_views(spec, layout)
    n = ", N" if layout.batched else ""
    values = {
        "view": f"h_n.view(num_layers, D{n}, H_out) = view{format_shape(views['h_n'])}",
        "c_n": f"c_n.view(num_layers, D{n}, H_cell) = view{format_shape(views.get('c_n', ()))}",
    }
    if spec.D == 1:
        order = tr("{row} is layer k", row="h_n[k]")
    else:
        order = tr(
            "{forward} is layer k forward, {backward} layer k backward",
            forward="h_n[2*k]",
            backward="h_n[2*k + 1]",
        )
    if "c_n" in views and views["c_n"] == views["h_n"]:
        text = tr(
            "h_n rows are layer*D + direction: {order}. {view} separates layers and directions, "
            "and c_n alike.",
            order=order,
            **values,
        )
    elif "c_n" in views:
        text = tr(
            "h_n rows are layer*D + direction: {order}. {view} separates layers and directions; "
            "{c_n}.",
            order=order,
            **values,
        )
    else:
        text = tr(
            "h_n rows are layer*D + direction: {order}. {view} separates layers and directions.",
            order=order,
            view=values["view"],
        )
    return Note("h_n_layout", text)


def _last_layer_note(spec: ModuleSpec, layout: Layout) -> Note:
    lead = (layout.batch,) if layout.batched else ()
    if spec.D == 1:
        return Note(
            "last_layer_state",
            tr(
                "For a classifier, the last layer's final state is {expression}, shape {shape}.",
                expression="h_n[-1]",
                shape=format_shape((*lead, spec.H_out)),
            ),
        )
    dim = 1 if layout.batched else 0
    text = tr(
        "For a classifier, the last layer's final state is {expression}, shape {shape}.",
        expression=f"torch.cat([h_n[-2], h_n[-1]], dim={dim})",
        shape=format_shape((*lead, 2 * spec.H_out)),
    )
    if spec.num_layers > 1:
        text += tr(
            " Not {first} and {second}: with num_layers={num} those are layer 0's forward and "
            "backward states.",
            first="h_n[0]",
            second="h_n[1]",
            num=spec.num_layers,
        )
    return Note("last_layer_state", text)


def _listed(names: Sequence[str]) -> str:
    """ "h_0, c_0, h_n, and c_n", as the language lists names."""
    return listed(names)


def _layer_range(count: int) -> str:
    return tr("layer 0") if count == 1 else tr("layers 0 to {last}", last=count - 1)
