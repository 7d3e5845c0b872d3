"""The module's arguments as the command line's options: each command's group, made from the rows of
lstmshape.torchfacts.arguments, so that no option of theirs is written by hand.

A command declares its own options and ``**arguments``; :func:`module_options` puts the group's
options in its signature (Typer builds a command's options from its signature) after the option
named, and Typer hands their values back in ``arguments``, by torch's names. A value is the text
typed (read later by lstmshape.reading.values.read_argument, at the point the command has always
read it), a flag's value, or None when not given.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

import typer

from lstmshape.i18n import N_
from lstmshape.torchfacts.arguments import ARGUMENTS, Argument

# A flag takes no value: a blank metavar keeps Typer from showing "<bool>" in --help.
FLAG = " "

# inspect's panels: the main command's options told in its words, in panels that say what they
# do there.
COMPARE = N_("Compare with the module you meant (instead of --against)")
EXPLAIN = N_("Explain a module for an input (as lstmshape --input does)")

# Each group: the help a row has in it (empty: not in the group), and the panel it is shown in.
GROUPS: dict[str, tuple[Callable[[Argument], str], str | None]] = {
    "explain": (lambda a: a.help, None),
    "compare": (lambda a: a.compare_help, COMPARE),
    "inspect": (lambda a: a.inspect_help, EXPLAIN),
    "known": (lambda a: a.known_help, None),
}

HELP_TEMPLATES: dict[str, tuple[str, dict[str, str]]] = {}
"""An option's help as shown in English -> its message and the fields it was filled with, so that
cli/language.py says it in the run's language."""

F = TypeVar("F", bound=Callable[..., Any])


def members(group: str) -> tuple[Argument, ...]:
    """The rows ``group`` shows, in the command line's order."""
    help_of, _ = GROUPS[group]
    return tuple(argument for argument in ARGUMENTS if help_of(argument))


def help_text(template: str, argument: Argument) -> str:
    """``template`` with the row's default shown in it (``num_layers. [default: 1]``)."""
    if "{default}" not in template:
        return template
    fields = {"default": argument.shown_default}
    said = template.format(**fields)
    HELP_TEMPLATES[said] = (template, fields)
    return said


def option(argument: Argument, group: str) -> inspect.Parameter:
    """The row as a parameter of a command's signature, in ``group``'s words."""
    help_of, panel = GROUPS[group]
    said = help_text(help_of(argument), argument)
    shared: dict[str, Any] = {"help": said}
    if panel is not None:
        shared["rich_help_panel"] = panel
    short = (argument.short,) if argument.short else ()
    annotation: Any
    default: Any = None
    if argument.switch is not None and group == "known":
        # Told "if you know it": either value may be said, and saying none is "not known".
        flags = f"{argument.flag}/{argument.off_flag}"
        annotation = Annotated[bool | None, typer.Option(flags, *short, **shared)]
    elif argument.switch is not None:
        annotation = Annotated[bool, typer.Option(argument.flag, *short, metavar=FLAG, **shared)]
        default = False
    else:
        if argument.required:
            shared["show_default"] = False
        info = typer.Option(argument.flag, *short, metavar=argument.metavar, **shared)
        if group == "explain" and argument.name == "module":
            # The main command explains an LSTM unless told otherwise; --help shows it.
            annotation, default = Annotated[str, info], argument.default
        else:
            annotation = Annotated[str | None, info]
    return inspect.Parameter(
        argument.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def module_options(**after: str) -> Callable[[F], F]:
    """Put each group's options in a command's signature after the parameter named:
    ``@module_options(input="explain")``. The command takes them in ``**arguments``."""

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        parameters: list[inspect.Parameter] = []
        for parameter in signature.parameters.values():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                continue
            parameters.append(parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY))
            if parameter.name in after:
                parameters += [
                    option(a, after[parameter.name]) for a in members(after[parameter.name])
                ]
        command.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        return command

    return decorate


def given(arguments: Mapping[str, Any], group: str) -> dict[str, object]:
    """The group's options that were given, by torch's names: the text typed, or the value a flag
    sets (``--no-bias``: bias=False); those not given left out."""
    values: dict[str, object] = {}
    for argument in members(group):
        value = arguments.get(argument.name)
        if argument.switch is not None and group != "known":
            value = argument.switch if value else None
        if value is not None:
            values[argument.name] = value
    return values
