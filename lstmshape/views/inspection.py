"""What a checkpoint holds, in every format: one table per recurrent module (its constructor call,
its parameters with the checkpoint's own shapes and dtypes, count and bytes), then what failed."""

from __future__ import annotations

import json
from dataclasses import replace

from rich.console import Console
from rich.text import Text

from lstmshape.checkpoint.contents import FORMATS, where
from lstmshape.model.comparison import Comparison
from lstmshape.model.inspection import CheckpointGroup, CheckpointModule, Inspection
from lstmshape.model.text import format_shape, size_text
from lstmshape.views.output import write_text
from lstmshape.views.section import Section, listed_layers


def render_inspection(inspection: Inspection, fmt: str, console: Console) -> None:
    """Write ``inspection`` to ``console`` in ``fmt`` (table, json, markdown or plain); the module
    explained for an input follows in the same format (inside the JSON)."""
    if fmt == "json":
        write_text(console, json.dumps(inspection.to_dict(), indent=2) + "\n")
        return
    from lstmshape.views.table import draw_section
    from lstmshape.views.text import markdown_escape, markdown_section, plain_section, wrapped_item

    if fmt == "table":
        console.print(Text(heading(inspection), style="bold"))
        for section in inspection_sections(inspection):
            # A module's call is the title: at the console's width, not wrapped to the table's.
            console.print(Text(section.title, style="bold"))
            draw_section(replace(section, title=""), console)
        for line in notes(inspection):
            console.print(Text("• ") + Text(line))
    else:
        lines = [
            f"**{markdown_escape(heading(inspection))}**"
            if fmt == "markdown"
            else heading(inspection),
            "",
        ]
        for section in inspection_sections(inspection):
            lines += markdown_section(section) if fmt == "markdown" else plain_section(section)
        for line in notes(inspection):
            lines += [f"- {markdown_escape(line)}"] if fmt == "markdown" else wrapped_item(line)
        write_text(console, "\n".join(lines) + "\n")
    if inspection.explained is not None:
        from lstmshape.views import render

        write_text(console, "\n")
        render(inspection.explained[1], fmt, console)


def inspection_table(inspection: Inspection, console: Console) -> None:
    """The table view (a notebook shows it as HTML)."""
    render_inspection(inspection, "table", console)


def heading(inspection: Inspection) -> str:
    """``model.pt: torch.save's zip format, 14 tensors, 2 recurrent modules``."""
    found = len(inspection.modules)
    text = (
        f"{inspection.path}: {FORMATS[inspection.format]}, {_count(inspection.tensors, 'tensor')}, "
        f"{_count(found, 'recurrent module')}"
    )
    if inspection.inconsistent:
        text += f", {_count(len(inspection.inconsistent), 'inconsistent group')}"
    places = _places(inspection)
    if len(places) == 1 and places[0]:
        text += f" in {where(places[0])}"
    return text


def _places(inspection: Inspection) -> list[tuple[str | int, ...]]:
    """The state_dicts the modules and groups are in, each once."""
    found = [m.state_dict for m in inspection.modules] + [
        g.state_dict for g in inspection.inconsistent
    ]
    return list(dict.fromkeys(found))


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}{'' if number == 1 else 's'}"


def inspection_sections(inspection: Inspection) -> list[Section]:
    """The inspection laid out as tables, in reading order."""
    placed = len(_places(inspection)) > 1  # else the heading says where the state_dict is
    out = [module_section(module, placed) for module in inspection.modules]
    out += [group_section(group, placed) for group in inspection.inconsistent]
    if inspection.unsafe:
        out.append(
            Section(
                "Refused globals: none of them ran",
                ("global",),
                tuple((name,) for name in inspection.unsafe),
                caption="torch.load(weights_only=True) refuses this file too.",
            )
        )
    if inspection.comparison is not None:
        out += comparison_sections(inspection.comparison)
    if inspection.expectations:
        out.append(
            Section(
                "Expectations",
                ("module", "argument", "expected", "actual", "result"),
                tuple(
                    (
                        e.module or "(top level)",
                        e.argument,
                        str(e.expected),
                        str(e.actual),
                        "ok" if e.ok else "MISMATCH",
                    )
                    for e in inspection.expectations
                ),
            )
        )
    return out


def module_section(module: CheckpointModule, placed: bool = False) -> Section:
    """One module: its call as the title, its parameters, its count and bytes below; ``placed``:
    the title says which state_dict it is in."""
    place = f" (in {where(module.state_dict)})" if placed and module.state_dict else ""
    caption = (
        f"total {module.num_parameters:,} parameters, {size_text(module.nbytes)} in "
        f"{', '.join(module.dtypes)}"
    )
    if module.not_in_weights:
        caption += (
            f"\nnot in the weights: {', '.join(module.not_in_weights)} (any value loads them)"
        )
    return Section(
        f"{module.shown_name}{place}: {module.spec.torch_call()}",
        ("parameter", "shape", "dtype", "in symbols", "count"),
        _parameter_rows(module),
        caption=caption,
        numeric=(4,),
        words=(3,),
    )


def _parameter_rows(module: CheckpointModule) -> tuple[tuple[str, ...], ...]:
    """Every parameter of a short stack; layers 0, 1 and the last of a deep one."""

    def row(p: object) -> tuple[str, ...]:
        from lstmshape.model.inspection import StoredParameter

        assert isinstance(p, StoredParameter)
        return (p.name, format_shape(p.shape), p.dtype, p.rows, f"{p.numel:,}")

    layers = 1 if module.spec.kind.is_cell else module.spec.num_layers
    if len(listed_layers(layers)) == layers:
        return tuple(row(p) for p in module.parameters)
    middle = [p for p in module.parameters if 2 <= p.layer < layers - 1]
    return (
        *(row(p) for p in module.parameters if p.layer < 2),
        (
            f"... layers 2 to {layers - 2}",
            "as layer 1",
            ", ".join(dict.fromkeys(p.dtype for p in middle)),
            f"{len(middle):,} parameters",
            f"{sum(p.numel for p in middle):,}",
        ),
        *(row(p) for p in module.parameters if p.layer == layers - 1),
    )


def group_section(group: CheckpointGroup, placed: bool = False) -> Section:
    """A group no torch module has: its parameters, then the nearest modules and what differs."""
    place = f" (in {where(group.state_dict)})" if placed and group.state_dict else ""
    lines: list[str] = []
    for near in group.group.nearest:
        lines.append(f"nearest: {near.call}")
        lines += [f"  {line}" for line in near.differences]
    lines += list(group.group.problems)
    return Section(
        f"{group.name or '(top level)'}{place}: no torch module has these parameters",
        ("parameter", "shape", "dtype"),
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
    for module in comparison.modules:
        name = module.name or "(top level)"
        if module.same:
            rows.append((name, "every argument", "same", "same"))
        rows += [(name, d.argument, str(d.ours), str(d.theirs)) for d in module.arguments]
        if not module.arguments and module.parameters:
            rows.append((name, "parameters", "DIFFER", "DIFFER"))
    rows += [(n or "(top level)", "module", "present", "MISSING") for n in comparison.only_ours]
    rows += [(n or "(top level)", "module", "MISSING", "present") for n in comparison.only_theirs]
    out = [
        Section(
            f"Compared with {comparison.theirs}",
            ("module", "argument", comparison.ours, comparison.theirs),
            tuple(rows),
            caption="each module loads the other's state_dict"
            if comparison.same
            else "load_state_dict(strict=True) refuses one into the other",
            words=(2, 3),
        )
    ]
    keys = [d for m in comparison.modules for d in m.parameters]
    if keys:
        out.append(
            Section(
                "load_state_dict(strict=True) stops at",
                ("key", comparison.ours, comparison.theirs),
                tuple(
                    (
                        d.key,
                        "missing" if d.ours is None else format_shape(d.ours),
                        "missing" if d.theirs is None else format_shape(d.theirs),
                    )
                    for d in keys
                ),
            )
        )
    return out


def notes(inspection: Inspection) -> list[str]:
    """What the tables do not say: the other tensors, or that there is no recurrent module."""
    out: list[str] = []
    if not inspection.modules and not inspection.inconsistent:
        out.append(
            "No recurrent module: no key ends in weight_ih_l{k} or weight_hh_l{k} (nn.LSTM, "
            "nn.GRU, nn.RNN), nor in a cell's weight_ih or weight_hh."
        )
    if inspection.other_tensors:
        listed = ", ".join(inspection.other_names)
        more = ", ..." if inspection.other_tensors > len(inspection.other_names) else ""
        out.append(
            f"{_count(inspection.other_tensors, 'other tensor')} (not recurrent): {listed}{more}"
            if listed
            else f"{_count(inspection.other_tensors, 'other tensor')} (not recurrent)"
        )
    return out
