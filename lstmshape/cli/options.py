"""The command line's options, declared once: every command that takes one uses the same type.

Every value arrives as text and is read by lstmshape.reading.values, so that a bad value gets lstmshape's
message (option, value, rule, "Try ...") rather than a generic one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.models import OptionInfo

from lstmshape.cli.arguments import EXPLAIN, FLAG
from lstmshape.i18n import tr
from lstmshape.i18n.numbers import enumerated
from lstmshape.version import __version__
from lstmshape.views import CHECK_FORMATS, FORMATS, INSPECT_FORMATS, TRACE_FORMATS


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"lstmshape {__version__}")
        raise typer.Exit()


def _show_help(ctx: typer.Context, value: bool) -> None:
    if value:
        from lstmshape.cli.language import help_in_language

        with help_in_language(ctx.command):
            typer.echo(ctx.get_help(), color=ctx.color)
        raise typer.Exit()


def _read_lang(value: str | None) -> str | None:
    """--lang's value, checked; the language itself is chosen before any option is read
    (cli/language.py), so that every message of the run is said in it."""
    if value is None:
        return None
    from lstmshape.i18n import LANGUAGES, read_language

    lang = read_language(value)
    if lang is None:
        raise typer.BadParameter(
            # The Try line is said after it (cli/usage.py), as for every usage error.
            tr(
                "{value}: lstmshape speaks {languages}.",
                value=repr(value),
                languages=enumerated(LANGUAGES),
            )
        )
    return lang


# Declared here rather than left to Click, whose own --help shows a "<bool>" metavar.
Help = Annotated[
    bool,
    typer.Option(
        "--help",
        "-h",
        metavar=FLAG,
        is_eager=True,
        expose_value=False,
        callback=_show_help,
        help="Show this message and exit.",
    ),
]


def one_of(formats: tuple[str, ...]) -> Callable[[str], str]:
    """A --format callback: the value in lower case, if it is one of ``formats``."""

    def read(value: str) -> str:
        lowered = value.lower()
        if lowered not in formats:
            raise typer.BadParameter(
                tr("{value} is not one of {names}.", value=repr(value), names=enumerated(formats))
            )
        return lowered

    return read


Input = Annotated[
    str | None,
    typer.Option(
        "--input",
        "-i",
        metavar="SHAPE",
        help="Input tensor shape: L,N,H_in (N,L,H_in with --batch-first), or L,H_in unbatched; "
        "for a cell N,H_in or H_in. "
        "Also 4x3x10, (4, 3, 10), [4,3,10], torch.Size([4, 3, 10]). [required]",
        show_default=False,
    ),
]
H0 = Annotated[
    str | None,
    typer.Option("--h0", metavar="SHAPE", help="Shape of the h_0 you mean to pass: checked."),
]
C0 = Annotated[
    str | None,
    typer.Option("--c0", metavar="SHAPE", help="Shape of the c_0 you mean to pass: checked."),
]
Lengths = Annotated[
    str | None,
    typer.Option(
        "--lengths",
        metavar="LIST",
        help="Pack the padded batch: each sequence's length, e.g. 5,3,2 (pack_padded_sequence).",
    ),
]
Unsorted = Annotated[
    bool,
    typer.Option(
        "--unsorted", metavar=FLAG, help="With --lengths: enforce_sorted=False (any order)."
    ),
]
Expect = Annotated[
    list[str] | None,
    typer.Option(
        "--expect",
        "-e",
        metavar="NAME=SHAPE",
        help="Expected shape, e.g. h_n=2,3,20 (repeatable). Any mismatch exits 1.",
    ),
]
Cost = Annotated[
    bool,
    typer.Option(
        "--cost",
        metavar=FLAG,
        help="Add the cost: parameters per layer, memory of each tensor, MACs and FLOPs.",
    ),
]
Dtype = Annotated[
    str | None,
    typer.Option(
        "--dtype",
        metavar="DTYPE",
        help="dtype of --cost's memory: float32, float16, bfloat16 or float64 (implies --cost). "
        "[default: float32]",
    ),
]
Verify = Annotated[
    bool,
    typer.Option(
        "--verify",
        metavar=FLAG,
        help="Prove the report with torch: real tensors when small, shape-only tensors when "
        "large (see --verify-budget).",
    ),
]
Deploy = Annotated[
    bool,
    typer.Option(
        "--deploy",
        metavar=FLAG,
        help="Say which deployment targets the layer reaches (ONNX, torch.export, torch.compile, "
        "quantize_dynamic, DataParallel, cuDNN) and what to change; with --verify, run them.",
    ),
]
TraceDeploy = Annotated[
    bool,
    typer.Option(
        "--deploy",
        metavar=FLAG,
        help="Say which deployment targets each recurrent layer reaches, and export the whole "
        "model with torch.onnx.export(dynamo=False) and run it in onnxruntime at two batch sizes "
        "and two lengths (naming a state built with a fixed size).",
    ),
]
TraceVerify = Annotated[
    bool,
    typer.Option(
        "--verify",
        metavar=FLAG,
        help="With --deploy: run every layer's targets too, not only the whole model's export.",
    ),
]
VerifyBudget = Annotated[
    str | None,
    typer.Option(
        "--verify-budget",
        metavar="SIZE",
        help="Memory --verify may spend on real tensors, e.g. 512MiB; beyond it, shape-only "
        "(fake) tensors. 0: always shape-only. [default: 1GiB]",
    ),
]
Diagram = Annotated[
    bool,
    typer.Option(
        "--diagram",
        metavar=FLAG,
        help="Draw the stack of layers and directions instead of the tables.",
    ),
]
Export = Annotated[
    str | None,
    typer.Option(
        "--export",
        metavar="FILE",
        help="Also save the table view (or --diagram) as a picture: FILE.svg or FILE.html.",
    ),
]
Format = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        callback=one_of(FORMATS),
        help="table, json, markdown, plain, or code (a runnable PyTorch snippet).",
    ),
]
Lang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="LANG",
        callback=_read_lang,
        help="The language of the explanation: en, ja, fr or es (torch's sentences, symbols and "
        "code stay as they are). [default: LSTMSHAPE_LANG, else the locale's, else en]",
        show_default=False,
    ),
]
Version = Annotated[
    bool,
    typer.Option(
        "--version",
        metavar=FLAG,
        callback=_show_version,
        is_eager=True,
        help="Print the version.",
    ),
]

# The check command's own.
SpecFile = Annotated[
    Path,
    typer.Argument(
        metavar="SPEC.toml",
        help="A TOML file: one table per named module, with explain()'s arguments "
        "(input, hidden_size, num_layers, ...) and its expected shapes (expect = { h_n = "
        "[2, 3, 20] }).",
        show_default=False,
    ),
]
CheckFormat = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        callback=one_of(CHECK_FORMATS),
        help="table, json, markdown or plain.",
    ),
]


def retold(option: Any, help: str, panel: str) -> OptionInfo:
    """``option``'s declaration (flags, metavar, callback) with another command's help text."""
    info = next(m for m in option.__metadata__ if isinstance(m, OptionInfo))
    told = copy.copy(info)
    told.help = help
    told.rich_help_panel = panel
    return told


# The inspect command's own, and the main command's options told in its words: the same flags,
# metavars and readers, in help panels that say what they do there (the module's arguments are
# cli/arguments.py's groups).
Checkpoint = Annotated[
    str,
    typer.Argument(
        metavar="CHECKPOINT",
        help="A torch.save file (.pt, .pth, .bin, .ckpt; zip or legacy format) or a .safetensors "
        "file. Read without torch, and nothing in it runs.",
        show_default=False,
    ),
]
ModuleName = Annotated[
    str | None,
    typer.Option(
        "--module-name",
        "-n",
        metavar="NAME",
        help="The module --input explains and the arguments below compare: its state_dict "
        "prefix, e.g. encoder.lstm. Needed when the checkpoint holds several.",
    ),
]
Against = Annotated[
    str | None,
    typer.Option(
        "--against",
        metavar="FILE",
        help="Compare with another checkpoint: which module and which argument differ, and the "
        "keys load_state_dict(strict=True) would stop at. Exit 1 if any differs.",
    ),
]
InspectExpect = Annotated[
    list[str] | None,
    typer.Option(
        "--expect",
        "-e",
        metavar="MODULE.ARG=VALUE",
        help="Expected argument of a module, e.g. encoder.lstm.hidden_size=256 (repeatable; ARG "
        "is module, input_size, hidden_size, num_layers, bias, bidirectional or proj_size). With "
        "--input also a tensor's shape, e.g. h_n=2,3,20. Any mismatch exits 1.",
    ),
]
InspectFormat = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        callback=one_of(INSPECT_FORMATS),
        help="table, json, markdown or plain.",
    ),
]
InspectInput = Annotated[
    str | None,
    retold(
        Input,
        help="Explain the module (--module-name NAME, or the only one) for an input of this shape: "
        "every tensor, as lstmshape --input does.",
        panel=EXPLAIN,
    ),
]
InspectH0 = Annotated[
    str | None, retold(H0, help="Shape of the h_0 you mean to pass: checked.", panel=EXPLAIN)
]
InspectC0 = Annotated[
    str | None, retold(C0, help="Shape of the c_0 you mean to pass: checked.", panel=EXPLAIN)
]
InspectLengths = Annotated[
    str | None,
    retold(
        Lengths, help="Pack the padded batch: each sequence's length, e.g. 5,3,2.", panel=EXPLAIN
    ),
]
InspectUnsorted = Annotated[
    bool, retold(Unsorted, help="With --lengths: enforce_sorted=False (any order).", panel=EXPLAIN)
]
InspectCost = Annotated[
    bool,
    retold(Cost, help="Add the cost: parameters per layer, memory, MACs and FLOPs.", panel=EXPLAIN),
]
InspectDtype = Annotated[
    str | None,
    retold(
        Dtype, help="dtype of --cost's memory (implies --cost). [default: float32]", panel=EXPLAIN
    ),
]

# What `why` may be told of the input, to pin a cause down, only if known (and the module's
# arguments: cli/arguments.py's "known" group).
Text = Annotated[
    str | None,
    typer.Argument(
        metavar="TEXT",
        help="torch's error text, or a whole traceback or log; read from --file or standard "
        "input when left out.",
        show_default=False,
    ),
]
TextFile = Annotated[
    Path | None,
    typer.Option(
        "--file",
        metavar="FILE",
        help="Read the text from FILE (a log, a traceback); - is standard input.",
    ),
]
KnownInput = Annotated[
    str | None,
    typer.Option("--input", "-i", metavar="SHAPE", help="The input's shape, if you know it."),
]
WhyFormat = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        callback=one_of(("table", "json", "markdown", "plain")),
        help="table, json, markdown or plain.",
    ),
]

# The trace command's own.
Factory = Annotated[
    str,
    typer.Argument(
        metavar="MODULE:FACTORY",
        help="The function or class that builds the model, as PACKAGE.MODULE:FACTORY (imported "
        "from the working folder first). It is called with no arguments, on fake tensors.",
        show_default=False,
    ),
]
TraceInput = Annotated[
    list[str] | None,
    typer.Option(
        "--input",
        "-i",
        metavar="SHAPE",
        help="Shape of an example input to forward(), e.g. 8,5 (repeatable: one per argument). "
        "Required, unless --inputs makes the inputs: then the shapes its function is given.",
        show_default=False,
    ),
]
InputDtype = Annotated[
    list[str] | None,
    typer.Option(
        "--input-dtype",
        metavar="DTYPE",
        help="dtype of the inputs: long (int64) for token ids, float32, ... One for every "
        "--input, or one each. [default: float32]",
        show_default=False,
    ),
]
TraceInputs = Annotated[
    str | None,
    typer.Option(
        "--inputs",
        metavar="MODULE:FUNCTION",
        help="A function that makes forward's arguments (a tuple state, a dict of tensors, a "
        "dataclass), given the --input shapes; a tuple it returns is the arguments.",
        show_default=False,
    ),
]
TraceExpect = Annotated[
    list[str] | None,
    typer.Option(
        "--expect",
        "-e",
        metavar="LAYER.TENSOR=SHAPE",
        help="Expected shape, e.g. encoder.lstm.h_n=2,8,256 (decoder.lstm#2.output for a second "
        "call; repeatable). Any mismatch exits 1.",
    ),
]
TraceBudget = Annotated[
    str | None,
    typer.Option(
        "--budget",
        metavar="SIZE",
        help="Memory a real run may take (the model, its inputs and activations), e.g. 512MiB; "
        "a real run that would need more is refused, never allocated. [default: 1GiB]",
    ),
]
TraceFormat = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        callback=one_of(TRACE_FORMATS),
        help="table, json, markdown or plain.",
    ),
]
