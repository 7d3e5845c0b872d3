"""The Typer app: ``lstmshape [OPTIONS]`` explains, ``lstmshape COMMAND ...`` runs a command.

Explaining is what users come for, so it needs no command name: the app's own options are the
explain command's. Every command is a thin function that reads its options into plain values and
hands them to its module (cli/explain.py, cli/check.py).
"""

from __future__ import annotations

from typing import Any

import typer

import lstmshape.cli.options as opt
from lstmshape.cli.arguments import given, module_options
from lstmshape.cli.group import Command, ExplainGroup
from lstmshape.cli.language import click_error

# The commands, registered on a Typer of their own: the group builds them only when a command, the
# help or a completion asks for them (cli/group.py), never for the bare explain form.
commands = typer.Typer(
    add_completion=False, rich_markup_mode="rich", pretty_exceptions_show_locals=False
)


class _Group(ExplainGroup):
    source = commands


app = typer.Typer(
    cls=_Group,
    # --install-completion and --show-completion: Typer's, for bash, zsh, fish and PowerShell.
    add_completion=True,
    pretty_exceptions_show_locals=False,
    # Said, not left to the Typer release's default: help texts are escaped for it (language.py).
    rich_markup_mode="rich",
    add_help_option=False,
    help="Explain the shapes of PyTorch's nn.LSTM, nn.GRU and nn.RNN: every tensor and parameter. "
    "Check a spec file of many modules with: lstmshape check SPEC.toml; read a checkpoint with: "
    "lstmshape inspect CHECKPOINT",
    invoke_without_command=True,
    no_args_is_help=False,
    # Explaining needs no command name: the usage line says the command is optional.
    subcommand_metavar="[COMMAND [ARGS]...]",
)


@app.callback(add_help_option=False)
@module_options(input="explain")
def explain(
    ctx: typer.Context,
    input: opt.Input = None,
    h0: opt.H0 = None,
    c0: opt.C0 = None,
    lengths: opt.Lengths = None,
    unsorted: opt.Unsorted = False,
    expect: opt.Expect = None,
    cost: opt.Cost = False,
    dtype: opt.Dtype = None,
    verify: opt.Verify = False,
    verify_budget: opt.VerifyBudget = None,
    deploy: opt.Deploy = False,
    diagram: opt.Diagram = False,
    export: opt.Export = None,
    fmt: opt.Format = "table",
    version: opt.Version = False,
    lang: opt.Lang = None,
    _help: opt.Help = False,
    **arguments: Any,
) -> None:
    """Explain every tensor of nn.LSTM (or nn.GRU, nn.RNN) for the given arguments and input.

    Example: lstmshape --input 4,3,10 --hidden 20 --layers 2

    Many modules at once, from a spec file: lstmshape check SPEC.toml (see lstmshape check --help).
    """
    if ctx.invoked_subcommand is not None:
        return
    if input is None or arguments["hidden_size"] is None:
        raise _missing(ctx, "input" if input is None else "hidden_size")
    from lstmshape.cli.explain import explain_options, run_explain  # loads with its command

    raise typer.Exit(run_explain(explain_options(ctx.params)))


# `lstmshape explain ...` is the bare form by name, for those who read "explain" in the docs: the
# same function and options, so the two cannot say different things.
commands.command(
    "explain",
    cls=Command,
    add_help_option=False,
    help="Explain every tensor of nn.LSTM (or nn.GRU, nn.RNN): the same as lstmshape without a "
    "command.",
)(explain)


def _missing(ctx: typer.Context, name: str) -> Exception:
    """Click's "Missing option" usage error, as for a required option: --input and --hidden are
    required by explaining, not by the app's commands."""
    param = next(p for p in ctx.command.params if p.name == name)
    error: Exception = click_error("MissingParameter")(ctx=ctx, param=param)
    return error


@commands.command(cls=Command, add_help_option=False)
def check(
    spec: opt.SpecFile,
    verify: opt.Verify = False,
    verify_budget: opt.VerifyBudget = None,
    fmt: opt.CheckFormat = "table",
    lang: opt.Lang = None,
    _help: opt.Help = False,
) -> None:
    """Check every module of SPEC.toml; exit 1 if any shape differs, 2 if the file is bad.

    Example: lstmshape check shapes.toml
    """
    from lstmshape.cli.check import run_check  # the spec-file reader loads with its command

    raise typer.Exit(run_check(spec, verify=verify, verify_budget=verify_budget, fmt=fmt))


@commands.command(cls=Command, add_help_option=False)
@module_options(fmt="compare", input="inspect")
def inspect(
    checkpoint: opt.Checkpoint,
    module_name: opt.ModuleName = None,
    against: opt.Against = None,
    expect: opt.InspectExpect = None,
    fmt: opt.InspectFormat = "table",
    input: opt.InspectInput = None,
    h0: opt.InspectH0 = None,
    c0: opt.InspectC0 = None,
    lengths: opt.InspectLengths = None,
    unsorted: opt.InspectUnsorted = False,
    cost: opt.InspectCost = False,
    dtype: opt.InspectDtype = None,
    lang: opt.Lang = None,
    _help: opt.Help = False,
    **arguments: Any,
) -> None:
    """Which recurrent modules CHECKPOINT holds, and the nn.LSTM(...) call that loads each.

    Read without torch; nothing in the file runs. Exit 1 if the file names code outside torch's
    weights_only allowlist, a module differs from what it is compared with or expected to be, or
    weights fit no torch module; 2 if the file cannot be read.

    Example: lstmshape inspect model.pt
    """
    from lstmshape.cli.inspect import (  # the checkpoint readers load with their command
        InputOptions,
        InspectOptions,
        run_inspect,
    )

    options = InspectOptions(
        checkpoint=checkpoint,
        module_name=module_name,
        against=against,
        config=given(arguments, "compare"),
        explain=InputOptions(
            input=input,
            arguments=given(arguments, "inspect"),
            h0=h0,
            c0=c0,
            lengths=lengths,
            unsorted=unsorted,
            cost=cost,
            dtype=dtype,
        ),
        expect=tuple(expect or ()),
        fmt=fmt,
    )
    raise typer.Exit(run_inspect(options))


@commands.command(cls=Command, add_help_option=False)
@module_options(input="known")
def why(
    text: opt.Text = None,
    file: opt.TextFile = None,
    input: opt.KnownInput = None,
    fmt: opt.WhyFormat = "table",
    lang: opt.Lang = None,
    _help: opt.Help = False,
    **arguments: Any,
) -> None:
    """Explain torch's error about a recurrent layer: the tensor at fault, its axes, the fix.

    Example: python train.py 2>&1 | lstmshape why
    """
    from lstmshape.cli.why import run_why  # text only: no torch, no spec files

    raise typer.Exit(run_why(text, file, fmt, input, given(arguments, "known")))


@commands.command(cls=Command, add_help_option=False)
def trace(
    factory: opt.Factory,
    input: opt.TraceInput = None,
    input_dtype: opt.InputDtype = None,
    inputs: opt.TraceInputs = None,
    expect: opt.TraceExpect = None,
    budget: opt.TraceBudget = None,
    deploy: opt.TraceDeploy = False,
    verify: opt.TraceVerify = False,
    fmt: opt.TraceFormat = "table",
    lang: opt.Lang = None,
    _help: opt.Help = False,
) -> None:
    """Trace every recurrent layer of a model: build it, run its forward pass once on fake
    tensors, explain every call; exit 1 if it fails or a shape differs.

    Example: lstmshape trace mypackage.models:Tagger --input 8,5 --input-dtype long
    """
    from lstmshape.cli.trace import run_trace  # torch loads with its command, never at start-up

    raise typer.Exit(
        run_trace(
            factory,
            tuple(input or ()),
            tuple(input_dtype or ()),
            tuple(expect or ()),
            fmt,
            budget,
            inputs,
            (deploy, verify),
        )
    )
