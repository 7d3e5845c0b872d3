"""The report as finished text: JSON, Markdown and plain, drawn from the same sections."""

from __future__ import annotations

import json
from typing import Any

from lstmshape.errors import LstmShapeError
from lstmshape.i18n import language, tr
from lstmshape.i18n.lines import wrap as wrapped
from lstmshape.i18n.words import Voice
from lstmshape.results.contract import SCHEMA_VERSION
from lstmshape.results.report import Report
from lstmshape.views.plain_table import section_lines
from lstmshape.views.section import Section
from lstmshape.views.sections import heading, sections


def json_text(data: Any, indent: int | None = 2) -> str:
    """``data`` as JSON, written as the text formats write: UTF-8 (Japanese as Japanese, not as
    \\u escapes, which any JSON reader reads back the same)."""
    return json.dumps(data, indent=indent, ensure_ascii=False)


def error_json(error: LstmShapeError, voice: Voice) -> str:
    """A question answered with an error, as JSON: ``ok`` false and the structured failure."""
    data = {
        "schema": SCHEMA_VERSION,
        "lang": language(),
        "ok": False,
        "error": error.to_dict(voice),
    }
    return json_text(data) + "\n"


def to_json(report: Report) -> str:
    """The JSON contract, indented, with a final newline."""
    return json_text(report.to_dict()) + "\n"


def to_markdown(report: Report) -> str:
    """GitHub-flavoured Markdown: a heading, one table per section, the notes as a list."""
    lines = [f"**{markdown_escape(heading(report))}**", ""]
    for section in sections(report):
        lines += markdown_section(section)
    lines += [f"#### {tr('Notes')}", ""]
    lines += [f"- {markdown_escape(note.text)}" for note in report.notes]
    return "\n".join(lines) + "\n"


def markdown_section(section: Section) -> list[str]:
    """One section as a Markdown table under a heading, its caption below, then a blank line."""
    lines = [f"#### {section.title}", ""]
    lines.append("| " + " | ".join(section.columns) + " |")
    lines.append(
        "|"
        + "|".join("---:" if i in section.numeric else "---" for i in range(len(section.columns)))
        + "|"
    )
    lines += [
        "| " + " | ".join(markdown_escape(cell) for cell in row) + " |" for row in section.rows
    ]
    for caption in section.caption.split("\n") if section.caption else ():
        lines += ["", markdown_escape(caption)]  # a paragraph each: Markdown joins lines
    lines.append("")
    return lines


def markdown_escape(text: str) -> str:
    # '*' would start emphasis (D*num_layers ... 4*H_cell) and '|' would end a cell.
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("|", "\\|")


def to_plain(report: Report, width: int | None = None) -> str:
    """Aligned text with no box drawing and no colour, for logs: every line fits ``width``
    columns (the command line's COLUMNS); None: tables as wide as their cells, notes at 100."""
    lines = [*(wrapped(heading(report), width) if width else [heading(report)]), ""]
    for section in sections(report):
        lines += plain_section(section, width)
    lines.append(tr("Notes"))
    for note in report.notes:
        lines += wrapped_item(note.text, width or 100)
    return "\n".join(lines) + "\n"


def plain_section(section: Section, width: int | None = None) -> list[str]:
    """One section as aligned columns under its title, its caption below, then a blank line;
    fitted to ``width`` columns when given (lstmshape.views.plain_table)."""
    return [*section_lines(section, width), ""]


def wrapped_item(text: str, width: int = 100) -> list[str]:
    """One item of a list, wrapped to ``width`` columns: ``- first line``, then indented lines."""
    lines = wrapped(text, width - 2) or [""]
    return [f"- {lines[0]}", *(f"  {rest}" for rest in lines[1:])]
