"""The command line's own screens, as a newcomer meets them: every help screen, in every language,
shows every option's default."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer.main

from lstmshape.cli.app import app
from lstmshape.i18n import LANGUAGES, speaking, tr
from tests.conftest import invoke

GROUP: Any = typer.main.get_command(app)
COMMANDS = {"": GROUP, **{f"{name} ": command for name, command in GROUP.commands.items()}}
# Wide enough that no help line wraps: a default is found whole.
WIDE = 400


def _defaults(command: Any, lang: str) -> list[tuple[str, str]]:
    """Each option of ``command`` that has a default, and the default as its help should say it
    in ``lang``: "[default: 1]" written in the help text, or Typer's for a shown default."""
    found = []
    with speaking(lang):
        for param in command.params:
            english = " ".join((param.help or "").split())
            if "[default: " in english:
                said = " ".join(tr(param.help).split())  # i18n: the option's own help
                found.append((param.opts[0], re.findall(r"\[[^\[\]]*\]$", said)[0]))
            elif param.show_default and param.default not in (None, False, ()):
                found.append((param.opts[0], tr("[default: {}]").format(param.default)))
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_screen_shows_every_default(command: str, lang: str) -> None:
    result = invoke(f"{command}--help --lang {lang}", columns=WIDE)
    assert result.exit_code == 0
    lines = {line.split()[1]: line for line in result.stdout.splitlines() if "│ -" in line}
    defaults = _defaults(COMMANDS[command], lang)
    assert defaults
    for option, default in defaults:
        assert default in lines[option], (option, default, lines[option])
