"""The views of ``why``'s result: each sentence, its axes and its causes, as tables or text."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from typing import Any

from rich.console import Console
from rich.text import Text

from lstmshape.i18n import tr
from lstmshape.i18n.lines import wrap_hanging
from lstmshape.results.cause import Axis, Cause
from lstmshape.results.why import Explained, WhyResult
from lstmshape.views.output import trimmed, write_text
from lstmshape.views.section import Section
from lstmshape.views.table import draw_sections
from lstmshape.views.text import json_text, markdown_escape
from lstmshape.views.visible import visible
from lstmshape.views.wrapping import print_wrapped

WHY_FORMATS = ("table", "json", "markdown", "plain")


def _shown(value: Any) -> Any:
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, tuple) and not isinstance(value, Cause | Axis):
        return tuple(_shown(v) for v in value)
    if isinstance(value, Cause):
        return value._replace(text=visible(value.text), fix=visible(value.fix))
    if isinstance(value, dict):
        return {visible(str(k)): _shown(v) for k, v in value.items()}
    return value


def shown(result: WhyResult) -> WhyResult:
    """``result`` as the text views show it: what the log holds, with its controls visible."""
    return replace(
        result,
        explained=tuple(
            replace(item, **{f.name: _shown(getattr(item, f.name)) for f in fields(item)})
            for item in result.explained
        ),
    )


def _written(value: object) -> str:
    if isinstance(value, tuple):
        return str(value)  # torch's own way: (1024,) for one axis
    return "-" if value is None else str(value)


def _sections(item: Explained) -> list[Section]:
    out = []
    if item.axes:
        what = item.parameter or item.subject or tr("the tensor")
        out.append(
            Section(
                f"{what} {item.formula}".strip(),
                (tr("axis"), tr("expected"), tr("got"), ""),
                tuple(
                    (
                        axis.symbol,
                        _written(axis.expected),
                        _written(axis.got),
                        tr("differs") if axis.differs else "",
                    )
                    for axis in item.axes
                ),
                numeric=(1, 2),
            )
        )
    if len(item.mismatches) > 1:
        out.append(
            Section(
                tr("Every parameter whose shape differs"),
                (tr("parameter"), tr("checkpoint"), tr("model")),
                tuple(
                    (key, _written(saved), _written(built)) for key, saved, built in item.mismatches
                ),
            )
        )
    if item.checkpoint is not None and item.model is not None:
        out.append(_configs(item))
    return out


def _configs(item: Explained) -> Section:
    assert item.checkpoint is not None
    assert item.model is not None
    names = [
        n for n in dict.fromkeys([*item.checkpoint, *item.model]) if n not in ("module", "unknown")
    ]
    return Section(
        tr("The checkpoint and the model, side by side"),
        (tr("argument"), tr("checkpoint"), tr("model")),
        tuple(
            (
                _row(name),
                str(item.checkpoint.get(name, "?")),
                str(item.model.get(name, "?")),
            )
            for name in names
        ),
        words=(1, 2),
    )


def _row(name: str) -> str:
    # The shapes tell a lower bound of num_layers: only the layers whose shapes differ are listed.
    if name == "min_layers":
        return tr("{argument} (at least)", argument="num_layers")
    return tr("call") if name == "call" else name


def _causes_heading(item: Explained) -> str:
    return tr("Cause:") if len(item.causes) == 1 else tr("Likely causes, most likely first:")


def _cause_text(cause: Cause) -> str:
    return tr("(proven) {cause}", cause=cause.text) if cause.proven else cause.text


def _cause_lines(item: Explained, width: int | None = None) -> list[str]:
    """The causes as a numbered list, each with its fix on the next line: a cause wrapped to
    ``width`` (None: as it is) continues under its text; a fix is code the user pastes, one whole
    line however long (lstmshape.i18n.lines: a piece wider than the line overflows, whole)."""
    if not item.causes:
        return []
    lines = _fitted([_causes_heading(item)], width)
    for number, cause in enumerate(item.causes, 1):
        lines += _fitted([f"{number}. {_cause_text(cause)}"], width)
        lines.append(f"   {tr('fix: {fix}', fix=cause.fix)}")
    return lines


def _draw_causes(item: Explained, console: Console) -> None:
    """The causes as a numbered list whose wrapped lines continue under their text, each fix one
    whole line."""
    if not item.causes:
        return
    heading, *causes = _cause_lines(item, console.width)
    console.print(Text(heading, style="bold"), soft_wrap=True)
    for line in causes:
        fix = line.startswith("   ") and line.lstrip().startswith(tr("fix: {fix}", fix=""))
        console.print(Text(line, style="cyan" if fix else ""), soft_wrap=True)


def _heads(item: Explained) -> list[str]:
    said = (
        tr(
            "torch says: {torch_message} ({times} times)",
            torch_message=item.torch_message,
            times=item.times,
        )
        if item.times > 1
        else tr("torch says: {torch_message}", torch_message=item.torch_message)
    )
    return [said, item.summary, *item.notes]


def render_why(result: WhyResult, fmt: str, console: Console) -> None:
    """Write ``result`` to ``console`` in ``fmt``: table, json, markdown or plain."""
    if fmt == "json":
        write_text(console, json_text(result.to_dict()) + "\n")
        return
    result = shown(result)
    if fmt == "markdown":
        write_text(console, to_markdown(result))
    elif fmt == "plain":
        write_text(console, to_plain(result, console.width))
    else:
        with trimmed(console):
            for number, item in enumerate(result.explained):
                if number:
                    console.print()
                first, *rest = _heads(item)
                print_wrapped(console, first, style="bold")
                for line in rest:
                    print_wrapped(console, line)  # continued two columns in, as in plain
                draw_sections(_sections(item), console)
                _draw_causes(item, console)


def why_table(result: WhyResult, console: Console) -> None:
    """The table view (a notebook shows it as HTML)."""
    render_why(result, "table", console)


def to_plain(result: WhyResult, width: int | None = None) -> str:
    """Aligned text with no colour, for logs: every line fits ``width`` columns when given."""
    from lstmshape.views.text import plain_section

    result = shown(result)
    blocks = []
    for item in result.explained:
        lines = [*_fitted(_heads(item), width), ""]
        for section in _sections(item):
            lines += plain_section(section, width)
        lines += _cause_lines(item, width)
        blocks.append("\n".join(lines).rstrip() + "\n")
    return "\n".join(blocks)


def _fitted(lines: list[str], width: int | None) -> list[str]:
    """Each line wrapped to ``width`` (None: as it is): a list item continues under its text, any
    other line two columns past its own indent."""
    if width is None:
        return lines
    return [part for line in lines for part in wrap_hanging(line, width)]


def to_markdown(result: WhyResult) -> str:
    """GitHub-flavoured Markdown: each sentence, its axes and causes as tables."""
    from lstmshape.views.text import markdown_section

    result = shown(result)
    lines = []
    for item in result.explained:
        first, *rest = _heads(item)
        lines += [f"**{_escaped(first)}**", ""] + [_escaped(r) for r in rest] + [""]
        for section in _sections(item):
            lines += markdown_section(section)
        if item.causes:
            lines += [f"**{_causes_heading(item)}**", ""]
            for number, cause in enumerate(item.causes, 1):
                fix = tr("fix: {fix}", fix=code_span(cause.fix))
                lines += [f"{number}. {_escaped(_cause_text(cause))}", f"   {fix}"]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _escaped(text: str) -> str:
    """Prose for Markdown: torch's sentences hold backticks (``Expected `len(lengths)` ...``)."""
    return markdown_escape(text).replace("`", "\\`")


def code_span(code: str) -> str:
    """``code`` as one Markdown code span, whatever backticks it holds: the fence is one backtick
    more than its longest run, padded with a space where the code starts or ends with one."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"
