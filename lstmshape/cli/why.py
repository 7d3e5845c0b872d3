"""The why command (``lstmshape why TEXT``, ``--file LOG`` or ``... 2>&1 | lstmshape why``): torch's
error text in, the tensor at fault, its axes, the causes and their fixes out.

Exit 0 when at least one sentence was explained, 1 when the text holds none lstmshape knows, 2 for
a file that cannot be read or a value that is not one.
"""

from __future__ import annotations

import codecs
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lstmshape.cli.console import consoles, print_error, print_lines, unwritable_output
from lstmshape.errors import ExitStatus, LstmShapeError, UnreadableValueError, exit_status
from lstmshape.i18n import ntr, tr
from lstmshape.i18n.numbers import number
from lstmshape.i18n.words import words
from lstmshape.reading.values import read_argument, read_shape
from lstmshape.torchfacts.arguments import CONSTRUCTOR
from lstmshape.views.wrapping import STDERR_CONTINUATION, print_wrapped

# A log is read in blocks of whole lines, so a log of any size takes the memory of one block; a
# line longer than LONGEST_LINE (no sentence of torch's is) is cut into blocks, and said so.
BLOCK_BYTES = 4 * 1024**2
LONGEST_LINE = 4 * 1024**2


def run_why(
    text: str | None, file: Path | None, fmt: str, input: str | None, known: dict[str, object]
) -> int:
    """Explain the sentences found; say what lstmshape can explain when there are none."""
    from lstmshape.commands.why import why_blocks
    from lstmshape.views.why import render_why

    out, err = consoles()
    cuts: list[int] = []
    try:
        result = why_blocks(_blocks(text, file, cuts), **_read(input, known))
    except LstmShapeError as error:
        print_error(err, error)
        return exit_status([error])
    for line in _limits(result.skipped, len(cuts)):
        print_wrapped(err, line, more=STDERR_CONTINUATION)
    if not result.recognised:
        if fmt == "json":
            render_why(result, fmt, out)  # {"schema": 2, "recognised": false, "errors": []}
        print_lines(err, _left_alone(result) or _nothing_found())
        return ExitStatus.NEGATIVE  # a valid question: the text holds no sentence explained
    try:
        render_why(result, fmt, out)
    except OSError as error:  # a full disk or a closed stream (a closed pipe is the console's)
        unwritten = unwritable_output(error)
        print_error(err, unwritten)
        return exit_status([unwritten])
    return exit_status()


def _limits(skipped: int, cut: int) -> list[str]:
    """What the bounds on memory left out (on stderr: stdout stays the result)."""
    from lstmshape.commands.why import MAX_SENTENCES

    lines = []
    if skipped:
        lines.append(
            ntr(
                "Note: {count} more occurrence of other sentences was not explained: only the "
                "first {most} distinct sentences are.",
                "Note: {count} more occurrences of other sentences were not explained: only the "
                "first {most} distinct sentences are.",
                skipped,
                count=number(skipped),
                most=number(MAX_SENTENCES),
            )
        )
    if cut:
        lines.append(
            ntr(
                "Note: {count} line longer than {size} MiB was cut; a sentence across a cut is "
                "not read.",
                "Note: {count} lines longer than {size} MiB were cut; a sentence across a cut is "
                "not read.",
                cut,
                count=number(cut),
                size=LONGEST_LINE // 1024**2,
            )
        )
    return lines


def _blocks(text: str | None, file: Path | None, cuts: list[int]) -> Iterator[str]:
    if text is not None and file is not None:
        raise UnreadableValueError(
            words("why reads one text: the argument, or {file}, not both.", file="--file"),
            hint=words("Try {command}, or the text alone.", command="lstmshape why --file LOG"),
        )
    if text is not None:
        return iter((text,))
    if file is not None and str(file) == "-":
        return line_blocks(sys.stdin.buffer, cuts)
    if file is not None:
        return _file_blocks(file, cuts)
    if sys.stdin is None or sys.stdin.isatty():
        raise UnreadableValueError(
            words(
                "why has no text to read: give it torch's error as an argument, {file}, or pipe "
                "it.",
                file="--file LOG",
            ),
            hint=words("Try {command}", command=_PIPED),
        )
    return line_blocks(sys.stdin.buffer, cuts)


def _file_blocks(path: Path, cuts: list[int]) -> Iterator[str]:
    try:
        mode = path.stat().st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            # A directory, or a device such as /dev/zero, which would never end.
            raise OSError(0, tr("Is a directory") if stat.S_ISDIR(mode) else tr("Not a file"))
        stream = path.open("rb")
    except OSError as error:
        raise _unreadable(path, error) from None
    return _closing(stream, path, cuts)


def _unreadable(path: Path, error: OSError) -> UnreadableValueError:
    return UnreadableValueError(
        words("Cannot read {path}: {reason}.", path=str(path), reason=str(error.strerror or error)),
        hint=words("Try the path of a log or a traceback saved as text."),
    )


def _closing(stream: IO[bytes], path: Path, cuts: list[int]) -> Iterator[str]:
    with stream:
        try:
            yield from line_blocks(stream, cuts)
        except OSError as error:  # a disk that fails half-way
            raise _unreadable(path, error) from None


def line_blocks(stream: IO[bytes], cuts: list[int] | None = None) -> Iterator[str]:
    """The stream's text in blocks that end at a line's end. Binary garbage or another encoding
    is read as far as it is text (undecodable bytes become U+FFFD). A line longer than
    LONGEST_LINE is cut: each cut is appended to ``cuts`` (its offset in the block)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    rest = ""
    cutting = False  # in a line already cut: its next cuts are the same line's
    while chunk := stream.read(BLOCK_BYTES):
        text = rest + decoder.decode(chunk)
        end = text.rfind("\n") + 1
        if end == 0 and len(text) < LONGEST_LINE:
            rest = text
            continue
        if end == 0 and not cutting and cuts is not None:
            cuts.append(len(text))
        cutting = end == 0
        end = end or len(text)
        rest = text[end:]
        yield text[:end]
    rest += decoder.decode(b"", final=True)
    if rest:
        yield rest


def _read(input: str | None, known: dict[str, object]) -> dict[str, Any]:
    """The input's shape and the module's arguments given on the command line, read as every
    command reads them (the class is read by why itself)."""
    read: dict[str, Any] = {} if input is None else {"input": read_shape(input, "input")}
    if "module" in known:
        read["module"] = known["module"]
    for argument in CONSTRUCTOR:  # in the order lstmshape reads them
        if argument.name in known:
            read[argument.name] = read_argument(argument, known[argument.name])
    return read


_PIPED = "python train.py 2>&1 | lstmshape why"


def _left_alone(result: Any) -> list[str]:
    """The text's load_state_dict reports name other layers only: say what they are, and that
    no recurrent layer's argument changes them (exit 1)."""
    from lstmshape.commands.why.other_layers import left_alone_lines

    if not result.left_alone:
        return []
    return [
        *left_alone_lines(result.left_alone),
        "  "
        + tr(
            "lstmshape why explains recurrent layers only (nn.LSTM, GRU, RNN and their cells): no "
            "argument of theirs changes these shapes. {command} lists what the checkpoint holds.",
            command="lstmshape inspect CHECKPOINT",
        ),
    ]


def _nothing_found() -> list[str]:
    # torch's own sentences are quoted as torch says them, in every language.
    explains = tr(
        "lstmshape why explains torch's refusals of an nn.LSTM, GRU, RNN or a cell: of its "
        "arguments ({arguments}), of the tensors its forward pass takes ({state}, {width}), of "
        "pack_padded_sequence's lengths, and load_state_dict's {mismatch} and missing or "
        "unexpected keys.",
        arguments='"proj_size has to be smaller than hidden_size"',
        state='"Expected hidden[0] size (1, 32, 256), got [1, 8, 256]"',
        width='"input.size(-1) must be equal to input_size"',
        mismatch='"size mismatch for lstm.weight_ih_l0"',
    )
    return [
        tr("No sentence of torch's about recurrent layers in the text."),
        f"  {explains}",
        "  " + tr("Try the whole traceback: {command}", command=_PIPED),
    ]
