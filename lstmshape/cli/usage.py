"""What the command line says before it runs anything: the bare command's short help, and Click's
and Typer's own usage errors (an unknown option, a missing value, a bad choice) in lstmshape's
form, "Error: ..." and a "Try ..." line, as every error of lstmshape's own is said."""

from __future__ import annotations

import re
from typing import Any

from lstmshape.i18n import N_, tr

# The three things newcomers come for, each with what it answers: the bare command shows them.
EXAMPLES = (
    (
        "lstmshape --input 4,3,10 --hidden 20 --layers 2",
        N_("every tensor and parameter of {module}"),
        "nn.LSTM(10, 20, num_layers=2)",
    ),
    (
        "python train.py 2>&1 | lstmshape why",
        N_("the cause of torch's error about a recurrent layer, and the fix"),
        "",
    ),
    (
        "lstmshape inspect model.pt",
        N_("the {call} call that loads each recurrent module of a checkpoint"),
        "nn.LSTM(...)",
    ),
)


def short_help(ctx: Any) -> str:
    """The bare command's screen: the usage line, three examples, and where the rest is."""
    lines = [ctx.command.get_usage(ctx), ""]
    lines += [
        tr(
            "Explain the shapes of PyTorch's recurrent layers ({modules}). For example:",
            modules=_MODULES,
        ),
        "",
    ]
    for command, what, value in EXAMPLES:
        said = tr(what, module=value, call=value)  # i18n: extracted where made
        lines += [f"  {command}", f"      {said}"]
    lines += ["", help_hint(ctx)]
    return "\n".join(lines)


_MODULES = "nn.LSTM, nn.GRU, nn.RNN"


def help_hint(ctx: Any) -> str:
    """Where every option of the command in ``ctx`` is said."""
    path = ctx.command_path if ctx is not None else "lstmshape"
    return tr("Try {help} for every option and an example.", help=f"'{path} --help'")


def error_lines(error: Any) -> list[str]:
    """A usage error of Click's (or Typer's) as lstmshape says its own: the message, then a
    ``Try`` line: the option Click guessed, the language or value to give, else the help."""
    # Click's line breaks and runs of spaces go; a no-break space (French's before ':') stays.
    message = re.sub(r"[ \t\r\n]+", " ", error.format_message()).strip()
    return [message, f"  {_hint(error)}"]


def _hint(error: Any) -> str:
    param = getattr(error, "param", None)
    if getattr(param, "name", None) == "lang":
        return tr("Try {example} (or {others}).", example="--lang ja", others="fr, es, en")
    possibilities = list(getattr(error, "possibilities", None) or ())
    typed = getattr(error, "option_name", "")
    if possibilities and _meant(typed, possibilities[0]):
        return tr("Try {fix}.", fix=possibilities[0])
    default = getattr(param, "default", None)
    if param is not None and type(error).__name__ == "BadParameter" and isinstance(default, str):
        return tr("Try {fix}.", fix=f"{param.opts[0]} {default}")
    return help_hint(getattr(error, "ctx", None))


# How alike a typed option and Click's guess must be for the guess to be what was meant: a letter
# left out, doubled or swapped (--hiden, --layer, --formt) is over 0.9; an unrelated word Click
# still guesses at (--frobnicate: --format, 0.6) is under, and is sent to the help instead.
_ALIKE = 0.75


def _meant(typed: str, guess: str) -> bool:
    """Whether Click's guess for an unknown option is the one meant: alike, or one of them the
    other cut short (--proj for --proj-size, --hidden-size for --hidden)."""
    import difflib

    if not typed:
        return True
    alike = difflib.SequenceMatcher(None, typed, guess).ratio() >= _ALIKE
    return alike or typed.startswith(guess) or guess.startswith(typed)
