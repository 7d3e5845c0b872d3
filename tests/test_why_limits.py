"""lstmshape why on logs of any size: bounded memory (the first MAX_SENTENCES distinct sentences,
lines cut at LONGEST_LINE, each said on stderr), standard input as ``--file -``, and Markdown that
stays Markdown whatever torch's sentence holds."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator

import pytest

from lstmshape import why
from lstmshape.cli import why as command
from lstmshape.commands.why import MAX_SENTENCES, why_blocks
from tests.conftest import invoke, unwrapped
from tests.strategies import torch
from tests.test_why_fixes import torch_error


def _state_error(batch: int) -> str:
    """torch's own sentence for a GRU's state of a batch of ``batch`` on an input of 1."""
    gru = torch.nn.GRU(2, 3)
    text = torch_error(lambda: gru(torch.zeros(1, 1, 2), torch.zeros(1, batch, 3)))
    assert text is not None
    return text


class _Log(io.RawIOBase):
    """A log of ``lines`` lines made as it is read: its size never sits in memory."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self._lines, self._rest = lines, b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while len(self._rest) < size:
            line = next(self._lines, None)
            if line is None:
                break
            self._rest += line
        out, self._rest = self._rest[:size], self._rest[size:]
        return out


def test_a_log_of_many_distinct_sentences_keeps_a_bounded_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    template = _state_error(2)  # the sentence, with this batch: the others differ in it only
    distinct = 60_000
    lines = (
        f"step {i}: RuntimeError: {template.replace(', 2, 3]', f', {i + 2}, 3]')}\n".encode()
        for i in range(distinct)
    )
    monkeypatch.setattr(command, "BLOCK_BYTES", 64 * 1024)
    tracemalloc.start()
    try:
        result = why_blocks(command.line_blocks(_Log(lines)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.explained) == MAX_SENTENCES
    assert result.skipped == distinct - MAX_SENTENCES
    assert peak < 8 * 1024**2, peak  # 60,000 sentences kept would be tens of MB


def test_the_cap_and_a_cut_line_are_said_on_stderr(tmp_path: object) -> None:
    from pathlib import Path

    log = Path(str(tmp_path)) / "train.log"
    sentences = [_state_error(batch) for batch in range(2, MAX_SENTENCES + 7)]
    long_line = "x" * (command.LONGEST_LINE + 10) + "\n"
    log.write_text(long_line + "\n".join(sentences) + "\n")
    said = invoke(["why", "--file", str(log), "--format", "json"])
    assert said.exit_code == 0
    assert (
        f"Note: 5 more occurrences of other sentences were not explained: only the first {MAX_SENTENCES}"
        in unwrapped(said.stderr)
    )
    assert "Note: 1 line longer than 4 MiB was cut" in unwrapped(said.stderr)


def test_a_long_line_is_cut_once_and_counted_once() -> None:
    cuts: list[int] = []
    text = b"y" * (3 * command.LONGEST_LINE) + b"\nend\n"
    blocks = list(command.line_blocks(io.BytesIO(text), cuts))
    assert "".join(blocks) == text.decode()
    assert len(cuts) == 1


def test_file_dash_reads_standard_input() -> None:
    text = _state_error(4)
    said = invoke(["why", "--file", "-", "--format", "json"], stdin=f"noise\n{text}\n".encode())
    assert said.exit_code == 0, unwrapped(said.stderr)
    assert '"got": [\n    1,\n    4,\n    3\n  ]' in said.stdout


def test_markdown_escapes_torchs_backticks_and_labels_each_fix() -> None:
    from lstmshape.views.why import code_span, to_markdown

    rnn = torch.nn.utils.rnn
    text = torch_error(lambda: rnn.pack_padded_sequence(torch.zeros(4, 3, 2), [4, 3, 2, 1]))
    assert text is not None
    assert "`" in text
    shown = to_markdown(why(text))
    heading = shown.splitlines()[0]
    assert heading.count("\\`") == text.count("`")
    assert "   fix: `" in shown
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x`") == "`` `x` ``"
    assert code_span("x | y") == "`x | y`"
