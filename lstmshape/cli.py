"""The command line: options -> spec -> shapes -> (verify) -> render. Thin on purpose.

Every value arrives as text and is read by lstmshape.parsing, so that a bad value gets lstmshape's
message (option, value, rule, "Try ...") rather than a generic one. Errors go to stderr with exit
code 2 (unreadable value, module torch would refuse) or 1 (a tensor that does not fit the module, a
failed expectation, torch disagreeing); results go to stdout.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from lstmshape import __version__
from lstmshape.cost import cost_of
from lstmshape.errors import (
    InvalidModuleError,
    LstmShapeError,
    TorchNotInstalledError,
    UnreadableValueError,
)
from lstmshape.kinds import ModuleKind
from lstmshape.methods import DEFAULT_BUDGET_BYTES
from lstmshape.parsing import (
    parse_dtype,
    parse_expectation,
    parse_float,
    parse_int,
    parse_lengths,
    parse_module,
    parse_shape,
    parse_size,
)
from lstmshape.render import CHECK_FORMATS, FORMATS, render, render_checks
from lstmshape.shapes import explain
from lstmshape.spec import cell_argument_error

if TYPE_CHECKING:
    from lstmshape.specfile import Outcome

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Explain the shapes of PyTorch's nn.LSTM, nn.GRU and nn.RNN: every tensor and parameter. "
    "Check a spec file of many modules with: lstmshape check SPEC.toml",
)

check_app = typer.Typer(
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Check every module of a spec file against its expected shapes: one process, one table.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lstmshape {__version__}")
        raise typer.Exit()


def _one_of(formats: tuple[str, ...]) -> Callable[[str], str]:
    """A --format callback: the value in lower case, if it is one of ``formats``."""

    def read(value: str) -> str:
        lowered = value.lower()
        if lowered not in formats:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(formats)}.")
        return lowered

    return read


@app.command()
def lstmshape(
    input: Annotated[
        str,
        typer.Option(
            "--input",
            "-i",
            metavar="SHAPE",
            help="Input tensor shape: L,N,H_in (N,L,H_in with --batch-first), or L,H_in unbatched; "
            "for a cell N,H_in or H_in. "
            "Also 4x3x10, (4, 3, 10), [4,3,10], torch.Size([4, 3, 10]).",
        ),
    ],
    hidden: Annotated[
        str,
        typer.Option(
            "--hidden",
            "-H",
            metavar="INT",
            help="hidden_size: H_cell for an LSTM, H_out otherwise.",
        ),
    ],
    module: Annotated[
        str,
        typer.Option(
            "--module",
            "-m",
            metavar="MODULE",
            help="LSTM, GRU, RNN, LSTMCell, GRUCell or RNNCell, in any letter case.",
        ),
    ] = "LSTM",
    nonlinearity: Annotated[
        str | None,
        typer.Option(
            "--nonlinearity", metavar="tanh|relu", help="RNN's nonlinearity. [default: tanh]"
        ),
    ] = None,
    layers: Annotated[
        str | None, typer.Option("--layers", "-l", metavar="INT", help="num_layers. [default: 1]")
    ] = None,
    bidirectional: Annotated[
        bool, typer.Option("--bidirectional", "-b", metavar=" ", help="bidirectional=True (D=2).")
    ] = False,
    batch_first: Annotated[
        bool,
        typer.Option(
            "--batch-first", metavar=" ", help="batch_first=True: input and output are (N, L, ...)."
        ),
    ] = False,
    proj_size: Annotated[
        str | None,
        typer.Option(
            "--proj-size",
            "-p",
            metavar="INT",
            help="proj_size: H_out when > 0 (LSTM only). [default: 0]",
        ),
    ] = None,
    dropout: Annotated[
        str | None,
        typer.Option(
            "--dropout", metavar="FLOAT", help="dropout between layers, in [0, 1]. [default: 0]"
        ),
    ] = None,
    no_bias: Annotated[bool, typer.Option("--no-bias", metavar=" ", help="bias=False.")] = False,
    input_size: Annotated[
        str | None,
        typer.Option(
            "--input-size",
            metavar="INT",
            help="The module's input_size, when it differs from the input's last dimension.",
        ),
    ] = None,
    h0: Annotated[
        str | None,
        typer.Option("--h0", metavar="SHAPE", help="Shape of the h_0 you mean to pass: checked."),
    ] = None,
    c0: Annotated[
        str | None,
        typer.Option("--c0", metavar="SHAPE", help="Shape of the c_0 you mean to pass: checked."),
    ] = None,
    lengths: Annotated[
        str | None,
        typer.Option(
            "--lengths",
            metavar="LIST",
            help="Pack the padded batch: each sequence's length, e.g. 5,3,2 (pack_padded_sequence).",
        ),
    ] = None,
    unsorted: Annotated[
        bool,
        typer.Option(
            "--unsorted", metavar=" ", help="With --lengths: enforce_sorted=False (any order)."
        ),
    ] = False,
    expect: Annotated[
        list[str] | None,
        typer.Option(
            "--expect",
            "-e",
            metavar="NAME=SHAPE",
            help="Expected shape, e.g. h_n=2,3,20 (repeatable). Any mismatch exits 1.",
        ),
    ] = None,
    cost: Annotated[
        bool,
        typer.Option(
            "--cost",
            metavar=" ",
            help="Add the cost: parameters per layer, memory of each tensor, MACs and FLOPs.",
        ),
    ] = False,
    dtype: Annotated[
        str | None,
        typer.Option(
            "--dtype",
            metavar="DTYPE",
            help="dtype of --cost's memory: float32, float16, bfloat16 or float64 (implies --cost). "
            "[default: float32]",
        ),
    ] = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            metavar=" ",
            help="Prove the report with torch: real tensors when small, shape-only tensors when "
            "large (see --verify-budget).",
        ),
    ] = False,
    verify_budget: Annotated[
        str | None,
        typer.Option(
            "--verify-budget",
            metavar="SIZE",
            help="Memory --verify may spend on real tensors, e.g. 512MiB; beyond it, shape-only "
            "(fake) tensors. 0: always shape-only. [default: 1GiB]",
        ),
    ] = None,
    diagram: Annotated[
        bool,
        typer.Option(
            "--diagram",
            metavar=" ",
            help="Draw the stack of layers and directions instead of the tables.",
        ),
    ] = False,
    export_to: Annotated[
        str | None,
        typer.Option(
            "--export",
            metavar="FILE",
            help="Also save the table view (or --diagram) as a picture: FILE.svg or FILE.html.",
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            callback=_one_of(FORMATS),
            help="table, json, markdown, plain, or code (a runnable PyTorch snippet).",
        ),
    ] = "table",
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = None,
) -> None:
    """Explain every tensor of nn.LSTM (or nn.GRU, nn.RNN) for the given arguments and input.

    Example: lstmshape --input 4,3,10 --hidden 20 --layers 2

    Many modules at once, from a spec file: lstmshape check SPEC.toml (see lstmshape check --help).
    """
    out = _Console(highlight=False)
    err = _Console(stderr=True, highlight=False)
    try:
        kind = parse_module(module)
        if diagram and fmt != "table":
            raise UnreadableValueError(
                f"--diagram draws a picture in place of the tables; --format {fmt} has none.",
                hint="Try --diagram without --format, or --export FILE.svg to save it.",
            )
        if export_to is not None:
            # Imported only when asked for: the plain explain path stays as light as it was.
            from lstmshape.export import export_kind

            export_kind(export_to)
        _refuse_what_the_module_lacks(
            kind,
            layers=layers,
            dropout=dropout,
            proj_size=proj_size,
            nonlinearity=nonlinearity,
            bidirectional=bidirectional,
            batch_first=batch_first,
            lengths=lengths,
            unsorted=unsorted,
        )
        input_shape = parse_shape(input, "--input")
        packed = None if lengths is None else parse_lengths(lengths, input_shape, batch_first)
        names = kind.tensor_names if packed is None else kind.packed_tensor_names
        report = explain(
            input_shape,
            parse_int(hidden, "--hidden", "20"),
            input_size=None if input_size is None else parse_int(input_size, "--input-size", "10"),
            num_layers=1 if layers is None else parse_int(layers, "--layers", "2"),
            bias=not no_bias,
            batch_first=batch_first,
            dropout=0.0 if dropout is None else parse_float(dropout, "--dropout", "0.2"),
            bidirectional=bidirectional,
            proj_size=0 if proj_size is None else parse_int(proj_size, "--proj-size", "0"),
            nonlinearity="tanh" if nonlinearity is None else nonlinearity,
            module=kind,
            h_0=None if h0 is None else parse_shape(h0, "--h0", "2,3,20"),
            c_0=None if c0 is None else parse_shape(c0, "--c0", "2,3,20"),
            expect=[parse_expectation(text, names) for text in expect or ()],
            lengths=packed,
            enforce_sorted=not unsorted,
        )
        if cost or dtype is not None:
            report = replace(report, cost=cost_of(report, parse_dtype(dtype or "float32")))
        budget = _budget(verify, verify_budget)
        if verify:
            # Imported here: the explain path never loads the torch-facing module.
            from lstmshape.proof import verify as run_torch

            report = run_torch(report, budget=budget)
    except LstmShapeError as error:
        _print_error(err, error.lines())
        raise typer.Exit(error.exit_code) from None
    if diagram:
        from lstmshape.diagram import render_diagram

        render_diagram(report, out)
    else:
        render(report, fmt, out)
    failures: list[LstmShapeError] = []
    if export_to is not None:
        from lstmshape.export import export

        try:
            saved = export(report, export_to, diagram=diagram)
            err.print(
                Text(f"Saved the {'diagram' if diagram else 'tables'} as {saved}: {export_to}"),
                soft_wrap=True,
            )
        except LstmShapeError as error:
            failures.append(error)  # the report's own failures are still said after it
    failures += report.failures()
    for failure in failures:
        _print_error(err, failure.lines())
    if failures:
        raise typer.Exit(max(failure.exit_code for failure in failures))


@check_app.command()
def check(
    spec: Annotated[
        Path,
        typer.Argument(
            metavar="SPEC.toml",
            help="A TOML file: one table per named module, with explain()'s arguments "
            "(input, hidden_size, num_layers, ...) and its expected shapes (expect = { h_n = "
            "[2, 3, 20] }).",
            show_default=False,
        ),
    ],
    verify: Annotated[
        bool,
        typer.Option("--verify", metavar=" ", help="Also prove each entry with torch."),
    ] = False,
    verify_budget: Annotated[
        str | None,
        typer.Option(
            "--verify-budget",
            metavar="SIZE",
            help="Memory --verify may spend on real tensors per entry. [default: 1GiB]",
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            callback=_one_of(CHECK_FORMATS),
            help="table, json, markdown or plain.",
        ),
    ] = "table",
) -> None:
    """Check every module of SPEC.toml; exit 1 if any shape differs, 2 if the file is bad.

    Example: lstmshape check shapes.toml
    """
    from lstmshape.specfile import check_entry, read_spec  # TOML is read by this command only

    out = _Console(highlight=False)
    err = _Console(stderr=True, highlight=False)
    try:
        entries = read_spec(spec)
        budget = _budget(verify, verify_budget)
        outcomes = [check_entry(entry) for entry in entries]
        if verify:
            outcomes = [_verified(outcome, budget) for outcome in outcomes]
    except LstmShapeError as error:
        _print_error(err, error.lines())
        raise typer.Exit(error.exit_code) from None
    render_checks(str(spec), outcomes, fmt, out)
    codes = [0]
    for outcome in outcomes:
        for failure in outcome.errors:
            _print_error(err, outcome.error_lines(failure))
            codes.append(failure.exit_code)
    if max(codes):
        raise typer.Exit(max(codes))


def _budget(verify: bool, text: str | None) -> int:
    """--verify-budget in bytes (1 GiB unless given); refused without --verify."""
    if text is None:
        return DEFAULT_BUDGET_BYTES
    if not verify:
        raise UnreadableValueError(
            "--verify-budget sets how much memory --verify may spend: it needs --verify.",
            hint="Try adding --verify, or leave out --verify-budget.",
        )
    return parse_size(text, "--verify-budget")


def _verified(outcome: Outcome, budget: int) -> Outcome:
    """The outcome with its report proven by torch (entries that already failed stay as they are)."""
    if outcome.report is None or outcome.errors:
        return outcome
    from lstmshape.proof import verify as run_torch

    try:
        report = run_torch(outcome.report, budget=budget)
    except TorchNotInstalledError:
        raise  # said once for the whole file, not once per entry
    except LstmShapeError as error:
        return replace(outcome, errors=(error,))
    return replace(outcome, report=report, errors=tuple(report.failures()))


def _refuse_what_the_module_lacks(
    kind: ModuleKind,
    *,
    layers: str | None,
    dropout: str | None,
    proj_size: str | None,
    nonlinearity: str | None,
    bidirectional: bool,
    batch_first: bool,
    lengths: str | None,
    unsorted: bool,
) -> None:
    """Refuse options the module's class does not take, as torch does: even at their defaults."""
    if kind.is_cell:
        given = {
            "num_layers": layers is not None,
            "batch_first": batch_first,
            "dropout": dropout is not None,
            "bidirectional": bidirectional,
            "proj_size": proj_size is not None,
        }
        for arg in (arg for arg, is_given in given.items() if is_given):
            raise cell_argument_error(kind, arg)
    elif proj_size is not None and not kind.supports_proj_size:
        raise InvalidModuleError(
            f"--proj-size {proj_size}: only an LSTM projects its hidden state.",
            argument="proj_size",
            torch_says="proj_size argument is only supported for LSTM, not RNN or GRU",
            hint="Try without --proj-size, or --module LSTM.",
        )
    if nonlinearity is not None and not kind.has_nonlinearity:
        rnn = "RNNCell" if kind.is_cell else "RNN"
        raise UnreadableValueError(
            f"--nonlinearity {nonlinearity} is nn.{rnn}'s argument; {kind.a} has none.",
            hint=f"Try without --nonlinearity, or --module {rnn}.",
        )
    if unsorted and lengths is None:
        raise UnreadableValueError(
            "--unsorted is pack_padded_sequence's enforce_sorted=False: it needs --lengths.",
            hint="Try adding --lengths with one length per sequence, or leave out --unsorted.",
        )


class _Console(Console):
    """A Console that, when its reader closes the pipe (| head), goes quiet without exiting.

    Rich exits with 1 there, which would replace lstmshape's verdict (0, 1 or 2).
    """

    def on_broken_pipe(self) -> None:
        self.quiet = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        # Later writes and the final flush go nowhere instead of failing again.
        os.dup2(devnull, self.file.fileno())


def _print_error(console: Console, lines: list[str]) -> None:
    first, *rest = lines
    # soft_wrap: the terminal wraps long lines, so a copied "Try ..." line stays one line.
    console.print(Text("Error: ", style="bold red") + Text(first), soft_wrap=True)
    for line in rest:
        console.print(Text(line), soft_wrap=True)


def main() -> None:
    """Console-script entry point (``lstmshape`` and ``python -m lstmshape``)."""
    # "lstmshape check SPEC" is its own command; every other argument list is the explain command,
    # exactly as before there was a second one.
    argv = sys.argv[1:]
    try:
        if argv[:1] == ["check"]:
            check_app(args=argv[1:], prog_name="lstmshape check")
        else:
            app(args=argv, prog_name="lstmshape")
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if not _owns_the_process():
            raise
    else:  # pragma: no cover (Typer always exits through SystemExit)
        code = 0
    # Tearing the interpreter down costs 20 ms after Typer, pydantic and Rich, and 0.3 s after torch,
    # and frees nothing the OS would not. None of them registers exit hooks, so once the output is
    # flushed the process leaves at once.
    for stream in (sys.stdout, sys.stderr):
        # The reader may have closed the pipe (| head), or the stream may be closed already.
        with contextlib.suppress(BrokenPipeError, ValueError):
            stream.flush()
    os._exit(code)


def _owns_the_process() -> bool:
    """Whether lstmshape is the program itself (its console script, or ``python -m lstmshape``).

    A host that runs the CLI in its own process (runpy, an embedding tool) keeps its process: only
    the program itself may leave without the interpreter's teardown.
    """
    path = Path(getattr(sys.modules.get("__main__"), "__file__", None) or "")
    if path.name == "__main__.py":  # python -m lstmshape, or a zipped launcher on Windows
        return path.parent.name in ("lstmshape", "lstmshape.exe")
    return path.stem == "lstmshape"
