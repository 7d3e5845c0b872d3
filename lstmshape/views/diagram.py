"""The diagram view: the stack of layers and directions as LSTM tutorials draw it.

Each box is one layer in one direction, labelled with the h_n (and c_n) row it leaves its final state
in, the width of the input it receives, and the order it reads the time steps in. The top says
which part of output each direction fills. Drawn from the report, like every other view.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from lstmshape.commands.explain.layout import Layout
from lstmshape.i18n import tr
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.text import format_shape, short_list
from lstmshape.results.report import Report
from lstmshape.views.output import trimmed
from lstmshape.views.section import listed_layers
from lstmshape.views.table import broken

_BOX_WIDTH = 30
_GAP = 2
D_H_OUT = "D*H_out"


def diagram(report: Report, width: int = 80) -> RenderableType:
    """The report's module as a picture: a stack of boxes, or one box for a cell; its captions
    broken into lines of ``width`` columns where Rich cannot (Japanese has no spaces)."""
    if report.spec.kind.is_cell:
        return _cell(report, width)
    return _stack(report, width)


def render_diagram(report: Report, console: Console) -> None:
    """Draw the diagram on ``console``, under the report's heading; below it, what else the report
    holds (its cost, the expectations), as the table view draws them, and torch's verdict."""
    from lstmshape.views.sections import heading, sections
    from lstmshape.views.table import draw_sections

    with trimmed(console):
        console.print(Text(broken(heading(report), console.width), style="bold"))
        console.print(diagram(report, console.width))
        below = [s for s in sections(report) if s.part in ("cost", "expectations")]
        draw_sections(below, console)
        if report.verification is not None:  # --verify --diagram: the verdict, in short
            from lstmshape.views.verify_sections import verdict_lines

            for line in verdict_lines(report.verification):
                console.print(Text(broken(line, console.width)))


def _across(width: int, text: str, style: str = "") -> Table:
    """One centred line as wide as the stack."""
    grid = Table.grid()
    grid.add_column(width=width, justify="center")
    grid.add_row(Text(text, style=style))
    return grid


def _row(*cells: RenderableType) -> Table:
    """Boxes (or labels) side by side, one per direction."""
    grid = Table.grid(padding=(0, _GAP, 0, 0), collapse_padding=True)
    for _ in cells:
        grid.add_column(width=_BOX_WIDTH, justify="center")
    grid.add_row(*cells)
    return grid


def _stack(report: Report, width: int) -> RenderableType:
    """output on top, the layers from the last down to 0, the input at the bottom."""
    spec = report.spec
    d, layers = spec.D, spec.num_layers
    shapes = report.shapes()
    last_step = f"{max(_length(report) - 1, 0)}"
    packed = report.packing is not None
    output_name = "output.data" if packed else "output"
    total = d * _BOX_WIDTH + (d - 1) * _GAP
    parts: list[RenderableType] = [
        _across(total, f"{output_name} {format_shape(shapes[output_name])}")
    ]
    if d == 2:
        parts.append(
            _row(
                Text(
                    tr("{part} forward", part=f"[..., :{spec.H_out}]"),
                    style="cyan",
                    justify="center",
                ),
                Text(
                    tr("{part} backward", part=f"[..., {spec.H_out}:]"),
                    style="magenta",
                    justify="center",
                ),
            )
        )
    parts.append(_row(*(Text("▲", justify="center") for _ in range(d))))
    drawn = listed_layers(layers)
    between = f"▲ {D_H_OUT} = {d * spec.H_out}" + (
        tr(", dropout {p}", p=f"{spec.dropout:g}") if spec.dropout else ""
    )
    for position, layer in enumerate(reversed(drawn)):
        if position > 0:
            parts.append(_across(total, between))
        parts.append(_row(*(_box(report, layer, way, "0", last_step) for way in range(d))))
        if layer == drawn[-1] and len(drawn) < layers:
            parts.append(_across(total, between))
            parts.append(
                _across(
                    total,
                    "⋮ " + tr("layers 2 to {last}, each as layer 1", last=layers - 2) + " ⋮",
                    style="dim",
                )
            )
    bottom = "input.data" if packed else "input"
    parts.append(_across(total, f"▲ {bottom} {format_shape(shapes[bottom])}"))
    captions = _captions(report, len(drawn) < layers)
    return Group(*parts, *(Text(broken(caption, width)) for caption in captions))


def _captions(report: Report, shortened: bool) -> list[str]:
    """What the picture leaves out (a tall stack's middle) and how packed sequences run."""
    spec = report.spec
    d, layers = spec.D, spec.num_layers
    captions = []
    if shortened:
        captions.append(
            tr(
                "The stack of {count} layers is too tall to draw whole: layers 2 to {last} are "
                "left out. Each takes {width} like layer 1 and leaves its final state in {rows}.",
                count=layers,
                last=layers - 2,
                width=f"{D_H_OUT} = {d * spec.H_out}",
                rows=_rows(spec.kind.final_names, "k", d),
            )
        )
    if report.packing is not None:
        lengths = short_list(report.packing.lengths)
        captions.append(
            tr(
                "Packed: each sequence runs over its own length (lengths {lengths}); the backward "
                "direction starts at each one's last step, {last}.",
                lengths=lengths,
                last="lengths[i] - 1",
            )
            if d == 2
            else tr(
                "Packed: each sequence runs over its own length (lengths {lengths}).",
                lengths=lengths,
            )
        )
    return captions


def _length(report: Report) -> int:
    if report.packing is not None:
        return report.packing.longest
    return Layout.of(report.spec, report.input_shape).length


def _rows(names: tuple[str, ...], layer: str, d: int) -> str:
    index = f"{layer}*2 + direction" if d == 2 else layer
    return _joined(tuple(f"{name}[{index}]" for name in names))


def _joined(names: tuple[str, ...]) -> str:
    """``h_n and c_n``, or one name alone."""
    if len(names) == 1:
        return names[0]
    return tr("{first} and {second}", first=names[0], second=names[1])


def _box(report: Report, layer: int, direction: int, first: str, last: str) -> Panel:
    spec = report.spec
    d = spec.D
    row = layer * d + direction
    steps = f"t = {first} → {last}" if direction == 0 else f"t = {last} → {first}"
    if layer == 0:
        receives = tr("in: {width}", width=f"H_in = {spec.input_size}")
    else:
        receives = tr("in: {width}", width=f"{D_H_OUT} = {d * spec.H_out}")
    finals = "  ".join(f"{name}[{row}]" for name in spec.kind.final_names)
    lines = [steps, receives]
    if spec.proj_size > 0:
        lines += [
            tr("h out: {width} (proj)", width=f"H_out = {spec.H_out}"),
            tr("c out: {width}", width=f"H_cell = {spec.H_cell}"),
        ]
    else:
        lines.append(tr("out: {width}", width=f"H_out = {spec.H_out}"))
    lines.append(finals)
    title = (
        tr("layer {index} forward", index=layer)
        if direction == 0
        else tr("layer {index} backward", index=layer)
    )
    return Panel(
        Text("\n".join(lines), justify="left"),
        title=title,
        title_align="left",
        width=_BOX_WIDTH,
        border_style="cyan" if direction == 0 else "magenta",
    )


def _cell(report: Report, width: int) -> RenderableType:
    spec = report.spec
    shapes = report.shapes()
    takes = enumerated(
        f"{name} {format_shape(shapes[name])}" for name in ("input", *spec.kind.state_names)
    )
    gives = enumerated(f"{name} {format_shape(shapes[name])}" for name in spec.kind.final_names)
    box = Panel(
        Text(
            tr("one time step, one layer, one direction")
            + "\n"
            + tr(
                "in: {input}, out: {output}",
                input=f"H_in = {spec.input_size}",
                output=f"H_out = {spec.H_out}",
            ),
            justify="left",
        ),
        title=spec.kind.name,
        title_align="left",
        width=_BOX_WIDTH + 16,
        border_style="cyan",
    )
    grid = Table.grid()
    grid.add_column(width=_BOX_WIDTH + 16, justify="center")
    grid.add_row(Text(gives, justify="center"))
    grid.add_row(Text("▲", justify="center"))
    grid.add_row(box)
    grid.add_row(Text(f"▲ {takes}", justify="center"))
    caption = tr(
        "A cell has no sequence: loop it over the time steps, feeding back {states}, to get what "
        "{module} computes.",
        states=_joined(spec.kind.final_names),
        module=f"nn.{spec.kind.sequence_module}",
    )
    return Group(grid, Text(broken(caption, width)))
