"""The spec file's voice: arguments are the file's keys, values are TOML, a fix is ``key = value``."""

from __future__ import annotations

from lstmshape.i18n.words import Change, Value, Voice, left_out, without


class SpecVoice:
    """Words an error as a spec file's author reads it: ``h_0 = [4, 3, 20]``, ``module = "LSTM"``.

    Arguments that are not keys of an entry (``verify``) are the check command's options, said
    by ``command_line``.
    """

    def __init__(self, command_line: Voice, keys: tuple[str, ...]) -> None:
        self.command_line = command_line
        self.keys = keys

    def arg(self, argument: str) -> str:
        if argument.startswith("expect."):
            name = argument.removeprefix("expect.")
            return f'expect."{name}"' if "." in name else f"expect.{name}"
        if argument in self.keys or argument == "expect":
            return argument
        return self.command_line.arg(argument)

    def change(self, change: Change) -> str:
        if change.argument not in self.keys and not change.argument.startswith("expect."):
            return self.command_line.change(change)
        key = self.arg(change.argument)
        if change.value is None:
            return left_out(key)
        return f"{key} = {toml_value(change.value)}"

    def typed(self, argument: str, text: str) -> str:
        if argument not in self.keys:
            return self.command_line.typed(argument, text)
        return f"{self.arg(argument)} = {toml_value(text)}"

    def value(self, argument: str, value: Value) -> str:
        return toml_value(value)

    def joined(self, parts: list[str]) -> str:
        return ", ".join(without(parts))


def toml_value(value: Value) -> str:
    """A value as TOML writes it: ``[4, 3, 20]``, ``true``, ``"LSTM"``, ``0.2``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    return str(value)
