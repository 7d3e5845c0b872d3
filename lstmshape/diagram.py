"""The diagram view (--diagram): the stack of layers and directions as LSTM tutorials draw it.

Each box is one layer in one direction, labelled with the h_n (and c_n) row it leaves its final state
in, the width of the input it receives, and the order it reads the time steps in. The top says
which part of output each direction fills. Drawn from the report, like every other view.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from lstmshape.report import Report, format_shape
from lstmshape.shapes import Layout

# Up to this many layers the whole stack is drawn; a taller one keeps layers 0, 1 and the last.
LAYERS_DRAWN = 4
_BOX_WIDTH = 30
_GAP = 2
D_H_OUT = "D*H_out"


def diagram(report: Report) -> RenderableType:
    """The report's module as a picture: a stack of boxes, or one box for a cell."""
    if report.spec.kind.is_cell:
        return _cell(report)
    return _stack(report)


def render_diagram(report: Report, console: Console) -> None:
    """Draw the diagram on ``console``, under the report's heading."""
    from lstmshape.render import heading  # render draws the other views; it imports nothing of this

    console.print(Text(heading(report), style="bold"))
    console.print(diagram(report))


def _stack(report: Report) -> RenderableType:
    spec = report.spec
    d, layers = spec.D, spec.num_layers
    shapes = report.shapes()
    length = _length(report)
    first_step, last_step = "0", f"{max(length - 1, 0)}"
    packed = report.packing is not None
    output_name = "output.data" if packed else "output"
    width = spec.H_out
    total = d * _BOX_WIDTH + (d - 1) * _GAP

    def across(text: str, style: str = "") -> Table:
        grid = Table.grid()
        grid.add_column(width=total, justify="center")
        grid.add_row(Text(text, style=style))
        return grid

    def row(*cells: RenderableType) -> Table:
        grid = Table.grid(padding=(0, _GAP, 0, 0), collapse_padding=True)
        for _ in cells:
            grid.add_column(width=_BOX_WIDTH, justify="center")
        grid.add_row(*cells)
        return grid

    parts: list[RenderableType] = [across(f"{output_name} {format_shape(shapes[output_name])}")]
    if d == 2:
        parts.append(
            row(
                Text(f"[..., :{width}] forward", style="cyan", justify="center"),
                Text(f"[..., {width}:] backward", style="magenta", justify="center"),
            )
        )
    parts.append(row(*(Text("▲", justify="center") for _ in range(d))))
    drawn = list(range(layers)) if layers <= LAYERS_DRAWN else [0, 1, layers - 1]
    between = f"{D_H_OUT} = {d * width}" + (f", dropout {spec.dropout:g}" if spec.dropout else "")
    for position, layer in enumerate(reversed(drawn)):
        if position > 0:
            parts.append(across(f"▲ {between}"))
        parts.append(
            row(*(_box(report, layer, direction, first_step, last_step) for direction in range(d)))
        )
        if layer == drawn[-1] and layers > LAYERS_DRAWN:
            parts.append(across(f"▲ {between}"))
            parts.append(across(f"⋮ layers 2 to {layers - 2}, each as layer 1 ⋮", style="dim"))
    bottom = "input.data" if packed else "input"
    parts.append(across(f"▲ {bottom} {format_shape(shapes[bottom])}"))
    if layers > LAYERS_DRAWN:
        parts.append(
            Text(
                f"The stack of {layers} layers is too tall to draw whole: layers 2 to "
                f"{layers - 2} are left out. Each takes {D_H_OUT} = {d * width} like layer 1 and "
                f"leaves its final state in {_rows(spec.kind.final_names, 'k', d)}."
            )
        )
    if report.packing is not None:
        parts.append(
            Text(
                f"Packed: each sequence runs over its own length (lengths "
                f"{list(report.packing.lengths)})"
                + (
                    "; the backward direction starts at each one's last step, lengths[i] - 1."
                    if d == 2
                    else "."
                )
            )
        )
    return Group(*parts)


def _length(report: Report) -> int:
    if report.packing is not None:
        return report.packing.longest
    return Layout.of(report.spec, report.input_shape).length


def _rows(names: tuple[str, ...], layer: str, d: int) -> str:
    index = f"{layer}*2 + direction" if d == 2 else layer
    return " and ".join(f"{name}[{index}]" for name in names)


def _box(report: Report, layer: int, direction: int, first: str, last: str) -> Panel:
    spec = report.spec
    d = spec.D
    row = layer * d + direction
    steps = f"t = {first} → {last}" if direction == 0 else f"t = {last} → {first}"
    if layer == 0:
        receives = f"in: H_in = {spec.input_size}"
    else:
        receives = f"in: {D_H_OUT} = {d * spec.H_out}"
    finals = "  ".join(f"{name}[{row}]" for name in spec.kind.final_names)
    lines = [steps, receives]
    if spec.proj_size > 0:
        lines += [f"h out: H_out = {spec.H_out} (proj)", f"c out: H_cell = {spec.H_cell}"]
    else:
        lines.append(f"out: H_out = {spec.H_out}")
    lines.append(finals)
    way = "forward" if direction == 0 else "backward"
    return Panel(
        Text("\n".join(lines), justify="left"),
        title=f"layer {layer} {way}",
        title_align="left",
        width=_BOX_WIDTH,
        border_style="cyan" if direction == 0 else "magenta",
    )


def _cell(report: Report) -> RenderableType:
    spec = report.spec
    shapes = report.shapes()
    takes = ", ".join(
        f"{name} {format_shape(shapes[name])}" for name in ("input", *spec.kind.state_names)
    )
    gives = ", ".join(f"{name} {format_shape(shapes[name])}" for name in spec.kind.final_names)
    box = Panel(
        Text(
            f"one time step, one layer, one direction\n"
            f"in: H_in = {spec.input_size}, out: H_out = {spec.H_out}",
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
    return Group(
        grid,
        Text(
            f"A cell has no sequence: loop it over the time steps, feeding back "
            f"{' and '.join(spec.kind.final_names)}, to get what nn.{spec.kind.sequence_module} "
            "computes."
        ),
    )
