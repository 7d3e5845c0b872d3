"""The command line's voice: arguments are options, a fix is what to type (``--h0 4,3,20``)."""

from __future__ import annotations

from lstmshape.i18n.words import Change, Value, left_out, shape_list, without
from lstmshape.torchfacts.arguments import ARGUMENTS

# explain()'s keywords, lstmshape's own arguments, and the option that sets each (the module's
# arguments: their rows' flags).
OPTIONS = {
    "input": "--input",
    **{a.name: a.flag for a in ARGUMENTS if a.switch is None},
    "h_0": "--h0",
    "c_0": "--c0",
    "lengths": "--lengths",
    "expect": "--expect",
    "verify": "--verify",
    "verify_budget": "--verify-budget",
    "deploy": "--deploy",
    "dtype": "--dtype",
    "cost": "--cost",
    "diagram": "--diagram",
    "export": "--export",
    "format": "--format",
    "module_name": "--module-name",
    "against": "--against",
    "input_dtype": "--input-dtype",
    "budget": "--budget",
    "inputs": "--inputs",
}
# Arguments set by a flag alone: the flag, and the value it sets.
SWITCHES = {
    **{a.name: (a.flag, a.switch) for a in ARGUMENTS if a.switch is not None},
    "enforce_sorted": ("--unsorted", False),
}
# A flag whose name is not torch's argument says which argument it sets.
_SAYS_ARGUMENT = {"enforce_sorted": "--unsorted (enforce_sorted=False)"}


class CommandLineVoice:
    """Words an error as a command-line user types: ``Try --h0 4,3,20``, ``without --proj-size``."""

    def arg(self, argument: str) -> str:
        if argument.startswith("expect."):
            return f"--expect {argument.removeprefix('expect.')}"
        if argument in SWITCHES:
            return SWITCHES[argument][0]
        return OPTIONS.get(argument, argument)

    def change(self, change: Change) -> str:
        name, value = change.argument, change.value
        if value is None:
            return left_out(self.arg(name))
        if name.startswith("expect."):
            return f"{self.arg(name)}={self.value(name, value)}"
        if name in SWITCHES:
            flag, sets = SWITCHES[name]
            return _SAYS_ARGUMENT.get(name, flag) if value == sets else left_out(flag)
        if value is True:
            return self.arg(name)
        return f"{self.arg(name)} {self.value(name, value)}"

    def typed(self, argument: str, text: str) -> str:
        if argument.startswith("expect."):
            return f"{self.arg(argument)}={text!r}"
        return f"{self.arg(argument)} {text!r}"

    def value(self, argument: str, value: Value) -> str:
        return shape_list(value) if isinstance(value, tuple) else str(value)

    def joined(self, parts: list[str]) -> str:
        return " ".join(without(parts))


COMMAND_LINE = CommandLineVoice()
