"""The option reference of every command, in Markdown, made from the Typer app itself: the docs'
reference page is this text, so a new option cannot be missing from it (a test compares them)."""

from __future__ import annotations

from typing import Any

from lstmshape.cli.app import app


def options_reference() -> str:
    """Every command and its arguments and options: name, value, meaning, default."""
    import typer.main

    group: Any = typer.main.get_command(app)
    commands = [("lstmshape", group)]
    # `lstmshape explain` is the bare form by name: its options are the ones above, said once.
    commands += [
        (f"lstmshape {name}", command)
        for name, command in group.commands.items()
        if name != "explain"
    ]
    parts = []
    for usage, command in commands:
        # The help's first paragraph, whole: a docstring wraps its sentences over lines.
        summary = " ".join((command.help or "").strip().split("\n\n")[0].split())
        parts += [f"## `{usage}`", "", summary, "", *_table(command), ""]
        if command is group:
            parts += ["`lstmshape explain` takes the same options and says the same.", ""]
    return "\n".join(parts)


def _table(command: Any) -> list[str]:
    rows = ["| option | value | meaning | default |", "|---|---|---|---|"]
    for param in command.params:
        if not getattr(param, "opts", None):
            continue
        if param.param_type_name == "argument":
            names, value = f"`{param.metavar}` (argument)", ""
        else:
            names = ", ".join(f"`{name}`" for name in [*param.opts, *param.secondary_opts])
            value = "" if param.metavar in (None, " ") else f"`{_escape(param.metavar)}`"
        meaning = " ".join((param.help or "").split())
        default, meaning = _default(param, meaning)
        rows.append(f"| {names} | {value} | {_escape(meaning)} | {default} |")
    return rows


def _default(param: Any, meaning: str) -> tuple[str, str]:
    """The default, taken from the help text's "[default: ...]" or the parameter itself."""
    if "[default: " in meaning:
        meaning, _, rest = meaning.partition("[default: ")
        return f"`{rest.rstrip(']').strip()}`", meaning.strip()
    if "[required]" in meaning:
        return "required", meaning.replace("[required]", "").strip()
    if param.default in (None, False, ()) or param.param_type_name == "argument":
        return "", meaning
    return f"`{param.default}`", meaning


def _escape(text: str) -> str:
    return text.replace("|", "\\|")
