"""Click's and Typer's own words, in English as they write them, each marked for the catalogs (the
help area's): said in the language chosen by cli/language.py."""

from __future__ import annotations

from lstmshape.i18n import N_

# Typer's help screens and error panel take theirs from these names of typer.rich_utils.
TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "ABORTED_TEXT": N_("Aborted."),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
# The help of Typer's --install-completion and --show-completion (with the shell detected, or
# named when detection is off), said in the language while a help screen is shown.
COMPLETION_HELP = (
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
    N_("Install completion for the specified shell."),
    N_("Show completion for the specified shell, to copy it or customize the installation."),
)
# The first word of a usage line: "Usage: lstmshape [OPTIONS] ...".
USAGE = N_("Usage:")
# Click's usage errors, as Click (or the copy Typer carries) words them in English: each is read
# back from Click's message and said again in the language. The first that matches wins, so a
# longer message comes before the shorter one it starts with.
CLICK_MESSAGES = (
    N_("Missing option {name}."),
    N_("Missing argument {name}."),
    N_("No such option: {name} (Possible options: {names})"),
    N_("No such option: {name} Did you mean {names}?"),
    N_("No such option: {name}"),
    N_("Invalid value for {name}: {reason}"),
    N_("Invalid value: {reason}"),
    N_("Got unexpected extra argument(s) ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Got unexpected extra argument ({args})"),
    N_("No such command {name}. Did you mean {names}?"),
    N_("No such command {name}."),
    N_("Missing command."),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {count} arguments."),
    N_("Option {name} does not take a value."),
    N_("Argument {name} takes {count} values."),
    N_("Could not open file {name}: {reason}"),
)
