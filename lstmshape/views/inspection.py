"""What a checkpoint holds, in every format: one table per recurrent module (its constructor call,
its parameters with the checkpoint's own shapes and dtypes, count and bytes), then what failed."""

from __future__ import annotations

from dataclasses import replace

from rich.console import Console
from rich.text import Text

from lstmshape.i18n import NP_, ntr, tr
from lstmshape.i18n.numbers import enumerated, number
from lstmshape.i18n.text import format_shape, size_text
from lstmshape.i18n.typography import labelled
from lstmshape.results.checkpoint_words import FORMATS, top_level, where
from lstmshape.results.comparison import Comparison, shape_or_missing
from lstmshape.results.inspection import (
    CheckpointGroup,
    CheckpointModule,
    HyperParameter,
    Inspection,
)
from lstmshape.views.output import write_text
from lstmshape.views.section import Section, listed_layers
from lstmshape.views.visible import visible
from lstmshape.views.wrapping import print_wrapped, wrap_cells, wrapped


def render_inspection(inspection: Inspection, fmt: str, console: Console) -> None:
    """Write ``inspection`` to ``console`` in ``fmt`` (table, json, markdown or plain); the module
    explained for an input follows in the same format (inside the JSON)."""
    if fmt == "json":
        from lstmshape.views.text import json_text

        write_text(console, json_text(inspection.to_dict()) + "\n")
        return
    from lstmshape.views.table import draw_section
    from lstmshape.views.text import markdown_escape, markdown_section, plain_section, wrapped_item

    # Key names, global names and paths come from the file: shown with their controls written out.
    title = visible(heading(inspection))
    sections = [_visible_section(section) for section in inspection_sections(inspection)]
    said = [visible(line) for line in notes(inspection)]
    if fmt == "table":
        console.print(_bold(title, console.width))
        for section in sections:
            # A module's call is the title: at the console's width, not wrapped to the table's.
            console.print(_bold(section.title, console.width))
            draw_section(replace(section, title=""), console)
        for line in said:
            print_wrapped(console, f"• {line}")
    else:
        width = console.width  # plain text fits the terminal (COLUMNS); Markdown is data
        top = [f"**{markdown_escape(title)}**"] if fmt == "markdown" else wrap_cells(title, width)
        lines = [*top, ""]
        for section in sections:
            lines += (
                markdown_section(section) if fmt == "markdown" else plain_section(section, width)
            )
        for line in said:
            lines += (
                [f"- {markdown_escape(line)}"] if fmt == "markdown" else wrapped_item(line, width)
            )
        write_text(console, "\n".join(lines) + "\n")
    if inspection.explained is not None:
        from lstmshape.views import render

        write_text(console, "\n")
        render(inspection.explained[1], fmt, console)


def _visible_section(section: Section) -> Section:
    return replace(
        section,
        title=visible(section.title),
        rows=tuple(tuple(visible(cell) for cell in row) for row in section.rows),
        # A caption's lines are lstmshape's (the dtype, what the weights leave open).
        caption="\n".join(visible(line) for line in section.caption.split("\n")),
    )


def _bold(line: str, width: int) -> Text:
    text = wrapped(line, width)
    text.stylize("bold")
    return text


def inspection_table(inspection: Inspection, console: Console) -> None:
    """The table view (a notebook shows it as HTML)."""
    render_inspection(inspection, "table", console)


def heading(inspection: Inspection) -> str:
    """``model.pt: torch.save's zip format, 14 tensors, 2 recurrent modules``."""
    text = tr(
        "{path}: {format}, {tensors}, {modules}",
        path=inspection.path,
        format=_format(inspection),
        tensors=_count(inspection.tensors, NP_("{count} tensor", "{count} tensors")),
        modules=_count(
            len(inspection.modules), NP_("{count} recurrent module", "{count} recurrent modules")
        ),
    )
    if inspection.inconsistent:
        groups = _count(
            len(inspection.inconsistent),
            NP_("{count} inconsistent group", "{count} inconsistent groups"),
        )
        text = tr("{heading}, {groups}", heading=text, groups=groups)
    places = _places(inspection)
    if len(places) == 1 and places[0]:
        text = tr("{heading} in {place}", heading=text, place=where(places[0]))
    return text


def _format(inspection: Inspection) -> str:
    """``safetensors``, or ``safetensors in 3 shards`` for a sharded checkpoint."""
    said = tr(FORMATS[inspection.format])  # i18n: extracted where made
    if not inspection.shards:
        return said
    return tr("{format} in {count} shards", format=said, count=number(len(inspection.shards)))


def _places(inspection: Inspection) -> list[tuple[str | int, ...]]:
    """The state_dicts the modules and groups are in, each once."""
    found = [m.state_dict for m in inspection.modules] + [
        g.state_dict for g in inspection.inconsistent
    ]
    return list(dict.fromkeys(found))


def _count(n: int, forms: tuple[str, str]) -> str:
    """``1 tensor``, ``14 tensors``: ``forms`` are a message with a ``{count}`` (NP_), said in the
    plural form of the language for ``n``."""
    return ntr(*forms, n, count=number(n))  # i18n: extracted where made


def inspection_sections(inspection: Inspection) -> list[Section]:
    """The inspection laid out as tables, in reading order."""
    placed = len(_places(inspection)) > 1  # else the heading says where the state_dict is
    out = [module_section(module, placed) for module in inspection.modules]
    out += [group_section(group, placed) for group in inspection.inconsistent]
    if inspection.hyper_parameters:
        out.append(hyper_section(inspection.hyper_parameters))
    if inspection.unsafe:
        out.append(
            Section(
                tr("Refused globals: none of them ran"),
                (tr("global"),),
                tuple((name,) for name in inspection.unsafe),
                caption=tr("{call} refuses this file too.", call="torch.load(weights_only=True)"),
            )
        )
    if inspection.comparison is not None:
        out += comparison_sections(inspection.comparison)
    if inspection.expectations:
        out.append(
            Section(
                tr("Expectations"),
                (tr("module"), tr("argument"), tr("expected"), tr("actual"), tr("result")),
                tuple(
                    (
                        e.module or top_level(),
                        e.argument,
                        str(e.expected),
                        str(e.actual),
                        tr("ok") if e.ok else tr("MISMATCH"),
                    )
                    for e in inspection.expectations
                ),
            )
        )
    return out


def hyper_section(hyper: tuple[HyperParameter, ...]) -> Section:
    """A Lightning checkpoint's hyperparameters: the arguments its LightningModule was built with."""
    return Section(
        tr("Hyperparameters ({where})", where='checkpoint["hyper_parameters"]'),
        (tr("name"), tr("value")),
        tuple((h.name, h.shown()) for h in hyper),
        caption=tr(
            "what {call} kept: the LightningModule's arguments", call="save_hyperparameters()"
        ),
    )


def module_section(module: CheckpointModule, placed: bool = False) -> Section:
    """One module: its call as the title, its parameters, its count and bytes below; ``placed``:
    the title says which state_dict it is in."""
    caption = ntr(
        "total {count} parameter, {size} in {dtypes}",
        "total {count} parameters, {size} in {dtypes}",
        module.num_parameters,
        count=number(module.num_parameters),
        size=size_text(module.nbytes),
        dtypes=enumerated(module.dtypes),
    )
    if module.from_file:
        caption += "\n" + tr(
            "from the pickled {cls}: {names}; the weights alone decide the rest",
            cls=module.saved_as or module.module,
            names=", ".join(f"{n}={getattr(module.spec, n)!r}" for n in module.from_file),
        )
    if module.at_defaults:
        caption += "\n" + tr(
            "not in the weights: {names} (any value loads them)",
            names=enumerated(module.at_defaults),
        )
    name = _placed(module.shown_name, module.state_dict, placed)
    return Section(
        labelled(name, module.spec.torch_call()),
        (tr("parameter"), tr("shape"), tr("dtype"), tr("in symbols"), tr("count")),
        _parameter_rows(module),
        caption=caption,
        numeric=(4,),
        words=(3,),
    )


def _placed(name: str, state_dict: tuple[str | int, ...], placed: bool) -> str:
    """A module's name, with the state_dict it is in when the heading does not say it."""
    if placed and state_dict:
        return tr("{name} (in {place})", name=name, place=where(state_dict))
    return name


def _parameter_rows(module: CheckpointModule) -> tuple[tuple[str, ...], ...]:
    """Every parameter of a short stack; layers 0, 1 and the last of a deep one."""

    def row(p: object) -> tuple[str, ...]:
        from lstmshape.results.inspection import StoredParameter

        assert isinstance(p, StoredParameter)
        return (p.name, format_shape(p.shape), p.dtype, p.rows, number(p.numel))

    layers = 1 if module.spec.kind.is_cell else module.spec.num_layers
    if len(listed_layers(layers)) == layers:
        return tuple(row(p) for p in module.parameters)
    middle = [p for p in module.parameters if 2 <= p.layer < layers - 1]
    return (
        *(row(p) for p in module.parameters if p.layer < 2),
        (
            tr("... layers 2 to {last}", last=layers - 2),
            tr("as layer 1"),
            enumerated(dict.fromkeys(p.dtype for p in middle)),
            ntr("{count} parameter", "{count} parameters", len(middle), count=number(len(middle))),
            number(sum(p.numel for p in middle)),
        ),
        *(row(p) for p in module.parameters if p.layer == layers - 1),
    )


def group_section(group: CheckpointGroup, placed: bool = False) -> Section:
    """A group no torch module has: its parameters, then the nearest modules and what differs."""
    lines: list[str] = []
    for near in group.group.nearest:
        lines.append(tr("nearest: {call}", call=near.call))
        lines += [f"  {line}" for line in near.differences]
    lines += list(group.group.problems)
    return Section(
        tr(
            "{name}: no torch module has these parameters",
            name=_placed(group.name or top_level(), group.state_dict, placed),
        ),
        (tr("parameter"), tr("shape"), tr("dtype")),
        tuple(
            (leaf, format_shape(shape), dtype)
            for (leaf, shape), dtype in zip(group.group.shapes, group.dtypes, strict=True)
        ),
        caption="\n".join(lines),
    )


def comparison_sections(comparison: Comparison) -> list[Section]:
    """Each module against the other side: the arguments that differ, then the keys
    load_state_dict(strict=True) would stop at."""
    rows: list[tuple[str, ...]] = []
    same, differ = tr("same"), tr("DIFFER")
    present, missing = tr("present"), tr("MISSING")
    for module in comparison.modules:
        name = module.name or top_level()
        if module.same:
            rows.append((name, tr("every argument"), same, same))
        rows += [(name, d.argument, str(d.ours), str(d.theirs)) for d in module.arguments]
        if not module.arguments and module.parameters:
            rows.append((name, tr("parameters"), differ, differ))
    rows += [(n or top_level(), "module", present, missing) for n in comparison.only_ours]
    rows += [(n or top_level(), "module", missing, present) for n in comparison.only_theirs]
    out = [
        Section(
            tr("Compared with {other}", other=comparison.theirs),
            (tr("module"), tr("argument"), comparison.ours, comparison.theirs),
            tuple(rows),
            caption=_compared_caption(comparison),
            words=(2, 3),
        )
    ]
    keys = [d for m in comparison.modules for d in m.parameters]
    if keys:
        out.append(
            Section(
                tr("{call} stops at", call=_STRICT),
                (tr("key"), comparison.ours, comparison.theirs),
                tuple((d.key, shape_or_missing(d.ours), shape_or_missing(d.theirs)) for d in keys),
            )
        )
    return out


_STRICT = "load_state_dict(strict=True)"


def _compared_caption(comparison: Comparison) -> str:
    """Whether the two load each other as they are, after one rename of the keys, or not."""
    if comparison.same:
        return tr("each module loads the other's state_dict")
    refused = tr("{call} refuses one into the other", call=_STRICT)
    if comparison.rename is None:
        return refused
    return (
        refused
        + "\n"
        + tr("the same modules under another prefix: {code}", code=comparison.rename.code)
    )


def notes(inspection: Inspection) -> list[str]:
    """What the tables do not say: the other tensors, or that there is no recurrent module."""
    out: list[str] = []
    if not inspection.modules and not inspection.inconsistent:
        out.append(
            tr(
                "No recurrent module: no key ends in {ih} or {hh} (nn.LSTM, nn.GRU, nn.RNN), nor "
                "in a cell's weight_ih or weight_hh.",
                ih="weight_ih_l{k}",
                hh="weight_hh_l{k}",
            )
        )
    if inspection.weights_beside is not None:
        out.append(
            tr(
                "{beside} lies beside it: darts' {save} keeps the weights there; inspect that file "
                "too.",
                beside=inspection.weights_beside,
                save="model.save(PATH)",
            )
        )
    if inspection.other_tensors:
        listed = enumerated(inspection.other_names)
        more = ", ..." if inspection.other_tensors > len(inspection.other_names) else ""
        tensors = _count(
            inspection.other_tensors, NP_("{count} other tensor", "{count} other tensors")
        )
        out.append(
            tr("{tensors} (not recurrent): {names}", tensors=tensors, names=listed + more)
            if listed
            else tr("{tensors} (not recurrent)", tensors=tensors)
        )
    return out
