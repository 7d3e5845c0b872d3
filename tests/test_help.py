"""The command line's own screens, as a newcomer meets them: every help screen, in every language,
shows every option's default."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lstmshape.cli.app import app
from lstmshape.cli.language import help_said

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib
from lstmshape.i18n import LANGUAGES, speaking, tr
from lstmshape.i18n.lines import pieces
from lstmshape.i18n.text import cells
from lstmshape.views import FORMATS
from tests.conftest import CLI_ENV, import_torch, invoke, unwrapped

GROUP: Any = typer.main.get_command(app)
COMMANDS = {"": GROUP, **{f"{name} ": command for name, command in GROUP.commands.items()}}
# Configurations of every kind: a layer, a cell, states, packing, a refusal, an unreadable value.
CONFIGURATIONS = [
    "--input 4,3,10 --hidden 20 --layers 2",
    "--input 5,3,8 --hidden 16 -m GRU --bidirectional --batch-first",
    "--input 3,10 --hidden 20 -m LSTMCell",
    "--input 4,3,10 --hidden 20 --proj-size 5 --h0 1,3,5 --c0 1,3,20",
    "--input 5,3,10 --hidden 20 --lengths 5,3,2 --cost",
    "--input 4,3,10 --hidden 20 --h0 1,8,20",
    "--input 4,,10 --hidden 20",
    "--input 4,3,10 --hidden 20 --proj-size 20",
]
# Wide enough that no help line wraps: a default is found whole.
WIDE = 400


def _defaults(command: Any, lang: str) -> list[tuple[str, str]]:
    """Each option of ``command`` that has a default, and the default as its help should say it
    in ``lang``: "[default: 1]" written in the help text, or Typer's for a shown default."""
    found = []
    with speaking(lang):
        for param in command.params:
            english = re.sub(r"[ \t\n]+", " ", param.help or "")
            if "[default: " in english:
                # Lines joined, no-break spaces kept: French writes "[par\u00a0défaut\u00a0: 1]".
                said = re.sub(r"[ \n]+", " ", help_said(param.help))
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


@pytest.mark.parametrize("columns", [60, 80, 120])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_default_and_required_tag_is_never_torn(command: str, lang: str, columns: int) -> None:
    """Typer's tags in the language read as one: no line of a help screen ends inside
    "[default:" ("[既定値:", "[par défaut :", "[predeterminado:") nor inside "[required]"
    ("[必須]"); in Japanese the tag follows 。 with no space (STYLE.md: no space between Japanese
    and full-width punctuation)."""
    result = invoke(f"{command}--help --lang {lang}", columns=columns)
    with speaking(lang):
        label = tr("[default: {}]").partition("{}")[0].rstrip()
        required = tr("[required]")
    assert result.exit_code == 0
    torn = [
        line
        for line in result.stdout.splitlines()
        for tag in (label, required)
        if any(_ends_inside(line, tag[:k], cells(tag)) for k in range(1, len(tag)))
    ]
    assert torn == []
    assert re.sub(r"\s", "", label) in re.sub(r"[\s│]", "", result.stdout)  # said, folded or not
    if lang == "ja":
        assert "。 [" not in result.stdout


def _ends_inside(line: str, start: str, width: int) -> bool:
    """Whether ``line`` of a help screen ends with ``start``, the start of a tag ``width`` columns
    wide that fits its column (a tag wider than the column is folded by Rich: tests/test_layout)."""
    text = line.rstrip(" │")
    if not text.endswith(start):
        return False
    inner = line[1 : line.rindex("│")]
    column = cells(inner.lstrip()) - 1  # the help column: from its first character to its padding
    return width <= column


def test_bare_lstmshape_shows_three_examples_and_where_the_rest_is() -> None:
    result = invoke([])
    assert result.exit_code == 2  # as Click does for a command group given nothing
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "Usage: lstmshape [OPTIONS] [COMMAND [ARGS]...]"
    examples = [line.strip() for line in lines if line.startswith("  lstmshape") or "|" in line]
    assert examples == [
        "lstmshape --input 4,3,10 --hidden 20 --layers 2",
        "python train.py 2>&1 | lstmshape why",
        "lstmshape inspect model.pt",
    ]
    assert lines[-1] == "Try 'lstmshape --help' for every option and an example."
    for asked in (["--help"], ["-h"]):
        assert invoke(asked).exit_code == 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_short_help_in_every_language(lang: str) -> None:
    result = CliRunner(env={**CLI_ENV, "LSTMSHAPE_LANG": lang}).invoke(
        app, [], prog_name="lstmshape"
    )
    assert result.exit_code == 2
    with speaking(lang):
        assert tr("Usage:") in unwrapped(result.stderr)
        assert "'lstmshape --help'" in unwrapped(result.stderr).splitlines()[-1]


@pytest.mark.usefixtures("at_the_root")
def test_the_short_help_examples_do_what_they_say() -> None:
    explained = invoke("--input 4,3,10 --hidden 20 --layers 2")
    assert explained.exit_code == 0
    assert explained.stdout.startswith("nn.LSTM(10, 20, num_layers=2) on input (4, 3, 10)")
    torch = import_torch()
    try:
        torch.nn.LSTM(10, 20)(torch.randn(4, 3, 10), (torch.zeros(1, 8, 20),) * 2)
    except RuntimeError as error:
        said = str(error)
    found = invoke(["why"], stdin=f"RuntimeError: {said}\n".encode())
    assert found.exit_code == 0
    assert "h_0" in found.stdout
    inspected = invoke("inspect examples/seq2seq.pt")  # a model.pt of the repository
    assert inspected.exit_code == 0
    assert "nn.LSTM(" in inspected.stdout


@settings(max_examples=20)
@given(configuration=st.sampled_from(CONFIGURATIONS), fmt=st.sampled_from(FORMATS))
def test_explain_is_the_bare_form_by_name(configuration: str, fmt: str) -> None:
    bare = invoke(f"{configuration} --format {fmt}")
    named = invoke(f"explain {configuration} --format {fmt}")
    assert (named.exit_code, named.stdout, unwrapped(named.stderr)) == (
        bare.exit_code,
        bare.stdout,
        unwrapped(bare.stderr),
    )


# Click's and Typer's own usage errors, each with the Try line it gets in English.
USAGE_ERRORS = {
    "--inptu 4,3,10 --hidden 20": (
        "No such option: --inptu (Possible options: --input, --input-size)",
        "Try --input.",
    ),
    "--input 4,3,10 --hidden": (
        "Option '--hidden' requires an argument.",
        "Try 'lstmshape --help' for every option and an example.",
    ),
    "--input 4,3,10": (
        "Missing option '--hidden' / '-H'.",
        "Try 'lstmshape --help' for every option and an example.",
    ),
    "--lang de --input 4,3,10 --hidden 20": (
        "Invalid value for '--lang': 'de': lstmshape speaks en, ja, fr, es.",
        "Try --lang ja (or fr, es, en).",
    ),
    "--input 4,3,10 --hidden 20 --format xml": (
        "Invalid value for '--format' / '-f': 'xml' is not one of table, json, markdown, "
        "plain, code.",
        "Try --format table.",
    ),
    "check": (
        "Missing argument 'SPEC.toml'.",
        "Try 'lstmshape check --help' for every option and an example.",
    ),
    "why --bogus": (
        "No such option: --bogus",
        "Try 'lstmshape why --help' for every option and an example.",
    ),
    # Click guesses --format for a word that is no option's: its help is the way on, not --format.
    "trace --frobnicate": (
        "No such option: --frobnicate (Possible options: --format)",
        "Try 'lstmshape trace --help' for every option and an example.",
    ),
    "nosuch": (
        "No such command 'nosuch'.",
        "Try 'lstmshape --help' for every option and an example.",
    ),
}


# Unknown options as users type them: a letter doubled or left out, another tool's name for the
# option, or a word that is no option's; each in every command.
UNKNOWN = {
    "": "--input 4,3,10 --hidden 20",
    "trace": "trace examples.models:tagger --input 8,5",
    "why": "why 'RuntimeError: input.size(-1) must be equal to input_size. Expected 10, got 7'",
    "inspect": "inspect examples/seq2seq.pt",
}
TYPED = [
    ("", "--layerss 2"),
    ("", "--hiden 30"),
    ("", "--num-layers 2"),
    ("", "--proj 5"),
    ("", "--frobnicate"),
    ("", "--verbose"),
    ("trace", "--inputs-dtype long"),
    ("trace", "--frobnicate"),
    ("why", "--frobnicate"),
    ("inspect", "--modul-name encoder"),
    ("inspect", "--frobnicate"),
]


@pytest.mark.parametrize(("command", "typed"), TYPED)
def test_an_unknown_options_try_line_gives_what_was_meant(command: str, typed: str) -> None:
    """The Try line of an unknown option, applied: Click's guess in its place when it is the
    option meant (the command then runs), else the command's help (which then shows)."""
    args = f"{UNKNOWN[command]} {typed}"
    refused = invoke(args)
    assert refused.exit_code == 2
    hint = refused.stderr.splitlines()[-1].strip()
    helped = re.fullmatch(r"Try '(lstmshape.*--help)' for every option and an example\.", hint)
    if helped is not None:
        shown = invoke(helped[1].removeprefix("lstmshape "))
        assert shown.exit_code == 0
        assert shown.stdout.lstrip().startswith(f"Usage: {helped[1].removesuffix(' --help')} ")
        return
    guess = re.fullmatch(r"Try (--[a-z-]+)\.", hint)
    assert guess is not None, refused.stderr
    value = typed.partition(" ")[2]
    followed = invoke(f"{UNKNOWN[command]} {guess[1]} {value}")
    assert followed.exit_code == 0, followed.stderr


@pytest.mark.parametrize("args", USAGE_ERRORS)
def test_click_errors_are_said_in_lstmshapes_form(args: str) -> None:
    result = invoke(args, columns=60)
    message, hint = USAGE_ERRORS[args]
    assert (result.exit_code, result.stdout) == (2, "")
    assert unwrapped(result.stderr) == f"Error: {message}\n  {hint}\n"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
@pytest.mark.parametrize("args", USAGE_ERRORS)
def test_click_errors_are_said_in_lstmshapes_form_in_every_language(args: str, lang: str) -> None:
    result = invoke(f"{args} --lang {lang}" if "--lang" not in args else args.replace("de", "de"))
    assert (result.exit_code, result.stdout) == (2, "")
    first, second = unwrapped(result.stderr).splitlines()
    english = invoke(args)
    if "--lang de" in args:  # the language asked for is not one lstmshape speaks: English
        assert unwrapped(result.stderr) == unwrapped(english.stderr)
        return
    with speaking(lang):
        assert first.startswith(tr("Error:") + " ")
    assert second.startswith("  ")
    assert "╭" not in unwrapped(result.stderr)
    assert (first, second) != tuple(unwrapped(english.stderr).splitlines())


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_scripts_are_produced(shell: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The shell named rather than detected (Typer reads this when it builds the command).
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = CliRunner(env=CLI_ENV).invoke(app, ["--show-completion", shell], prog_name="lstmshape")
    assert result.exit_code == 0
    assert "_LSTMSHAPE_COMPLETE=complete_" + shell in result.stdout
    assert (result.stdout.startswith("#compdef lstmshape")) == (shell == "zsh")
    if shell == "bash":
        assert "complete -o default -F _lstmshape_completion lstmshape" in result.stdout


def test_completion_completes_options_and_commands() -> None:
    env = {
        **CLI_ENV,
        "_LSTMSHAPE_COMPLETE": "complete_bash",
        "COMP_WORDS": "lstmshape --hid",
        "COMP_CWORD": "1",
    }
    result = CliRunner(env=env).invoke(app, [], prog_name="lstmshape")
    assert result.stdout.split() == ["--hidden"]
    env = {
        **CLI_ENV,
        "_LSTMSHAPE_COMPLETE": "complete_zsh",
        "_TYPER_COMPLETE_ARGS": "lstmshape ins",
    }
    result = CliRunner(env=env).invoke(app, [], prog_name="lstmshape")
    assert '"inspect"' in result.stdout


ROOT = Path(__file__).resolve().parent.parent


def test_the_license_is_the_one_pyproject_names() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    text = (ROOT / "LICENSE").read_text()
    assert declared == "MIT"
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text


def test_the_pre_commit_example_pins_a_revision_that_exists() -> None:
    """pre-commit clones ``rev:``: a tag of the repository, or a commit that holds the hook."""
    text = (ROOT / "docs" / "check.md").read_text()
    (rev,) = re.findall(r"^\s+rev: (\S+)", text, re.MULTILINE)
    git = ["git", "-C", str(ROOT)]
    tags = subprocess.run([*git, "tag"], capture_output=True, text=True, check=True).stdout
    if rev not in tags.split():
        assert re.fullmatch(r"[0-9a-f]{40}", rev), f"{rev} is neither a tag nor a full commit"
        hooks = subprocess.run(
            [*git, "show", f"{rev}:.pre-commit-hooks.yaml"],
            check=False,
            capture_output=True,
            text=True,
        )
        assert "id: lstmshape-check" in hooks.stdout, hooks.stderr


def test_the_magic_takes_explain_by_name() -> None:
    from lstmshape.notebook import run_line

    named = run_line(["explain", "--input", "4,3,10", "--hidden", "20"])
    bare = run_line(["--input", "4,3,10", "--hidden", "20"])
    assert repr(named) == repr(bare) == "<Report nn.LSTM(10, 20) on input (4, 3, 10): ok>"


def test_ci_tests_the_lowest_typer_and_rich_pyproject_allows() -> None:
    """pyproject bounds Typer and Rich to the releases the tests cover: .ci/run installs the lower
    bound of each, pinned exactly, and runs the command line's tests against them."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    ci = (ROOT / ".ci" / "run").read_text()
    for name in ("typer", "rich"):
        (spec,) = [d for d in dependencies if re.match(rf"{name}\b", d)]
        lowest = re.fullmatch(rf"{name}>=([\d.]+),<[\d.]+", spec)
        assert lowest is not None, spec  # bounded on both sides
        version = lowest.group(1)
        pinned = re.findall(rf'"{name}==([\d.]+)"', ci)
        assert pinned, name
        assert [p.removesuffix(".0") for p in pinned] == [version.removesuffix(".0")]
    assert "python -m pytest -q tests/test_help.py tests/test_cli.py" in ci


@pytest.mark.parametrize("lang", ["en", "ja", "fr", "es"])
@pytest.mark.parametrize("command", ["", "check", "inspect", "why", "trace"])
def test_a_help_paragraph_breaks_only_where_the_terminal_ends(command: str, lang: str) -> None:
    """Typer keeps a docstring's line breaks in Rich markup mode: the help broke mid-sentence
    where the source's line ended ("code outside torch's" / "weights_only allowlist"). On a wide
    terminal each paragraph of the description is one line."""
    shown = invoke(f"{command} --help --lang {lang}".strip(), columns=400).stdout
    lines = [line.strip() for line in shown.split("╭")[0].splitlines()]
    description = "\n".join(lines).strip().split("\n\n")[1:]  # after the usage line
    assert description, shown
    for paragraph in description:
        assert "\n" not in paragraph.strip(), paragraph


# Code in a help text: a piece with "=", "_", a dot or brackets (bidirectional=True, h_0,
# torch.Size([4, 3, 10])). Rich cuts one wider than the help column.
_CODE = re.compile(r"[\w.]*[=_(\[][ -~]*")


@pytest.mark.parametrize("columns", [48, 60, 70])
@pytest.mark.parametrize("lang", ["en", "ja", "fr", "es"])
@pytest.mark.parametrize("command", ["", "check", "inspect", "why", "trace"])
def test_a_narrow_help_keeps_every_name_whole(command: str, lang: str, columns: int) -> None:
    """At 60 columns the options' names and metavars leave the help column some 18 columns: the
    panel is stacked (each option's help under its names) rather than cut mid-name; nothing is
    cut with "…" in any language."""
    args = f"{command} --help --lang {lang}".strip()
    wide = invoke(args, columns=400).stdout
    narrow = invoke(args, columns=columns).stdout
    lines = [line.strip(" │╭╮╰╯─") for line in narrow.splitlines()]
    assert max(cells(line) for line in narrow.splitlines()) <= columns
    assert "…" not in narrow.replace("─", "")
    codes = {
        piece.strip(" ,.;:")
        for line in wide.splitlines()
        for piece in pieces(line.strip(" │"))
        if piece.isascii() and _CODE.fullmatch(piece.strip(" ,.;:")) and len(piece) <= 40
    }
    assert codes
    for code in codes:
        assert any(code in line for line in lines), (code, narrow)
