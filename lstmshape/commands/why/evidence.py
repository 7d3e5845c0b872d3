"""What the rest of a pasted text says besides torch's sentence: the user's own source lines a
traceback shows, and the numbers they name. ``why`` ranks its causes by them; they prove nothing
(a ``num_layers=2`` in a traceback may be another module's), so a cause is marked proven only by
what the user gives (lstmshape.commands.explain.diagnosis.given).

Each pattern runs only on the lines that hold one of its literal words (found with str.find, as
fast as grep), every repetition in it bounded and none crossing a line's end: the linear time of
``why`` holds on a log of any size, and a log without those words costs a few scans of memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lstmshape.commands.explain.diagnosis.given import Hints

_ARGUMENT = re.compile(
    r"\b(?P<name>num_layers|n_layers|nlayers|bidirectional|bidir|batch_first|hidden_size)"
    r"""['"]?[ \t]{0,3}[:=][ \t]{0,3}(?P<value>\d{1,7}|True|False|true|false)\b"""
)
_NAMED_NUMBER = re.compile(
    r"\b(?P<name>batch_size|batch size|bsz|eval_batch_size|BATCH_SIZE|bptt|seq_len|seq_length|"
    r"sequence length|max_len|time_steps|timesteps)\b[^\d\n]{0,24}?(?P<value>\d{1,7})\b"
    r"|\b(?P<before>\d{1,7}) (?:is|happens to be) (?:the |my )?(?:value of )?(?:the )?"
    r"(?P<after>batch_size|batch size|bptt|seq_len|eval_batch_size|sequence length)\b",
    re.IGNORECASE,
)
_BATCH_NAMES = ("batch_size", "batch size", "bsz", "eval_batch_size")
# A state built as an initial one: zeros or random, or a model's init_hidden.
_INITIAL = re.compile(
    r"\binit_hidden\(|\b(?:h|c|h0|c0|h_0|c_0|hidden|hx|cx) ?= ?(?:torch\.)?(?:zeros|randn|rand|empty)\("
)
# A state the model computed: an encoder's final state, a latent, a bridge between them.
_COMPUTED = re.compile(
    r"\b(?:enc(?:oder)?_?(?:hidden|final|state|h)|latent|decoder_hidden|hidden_c|_fix_enc_hidden|"
    r"latent2hidden|bridge)\b|\bVAE\b|\bvae\b",
)
# The call that failed, with its state a tuple written out: (h, c), (h_, h_).
_TUPLE_STATE = re.compile(
    r"\b(?:lstm|rnn)\w{0,30}\([^()\n]{0,120}, ?\(\w{1,30}, ?\w{1,30}\)\)", re.IGNORECASE
)
_DATA_PARALLEL = re.compile(r"DataParallel|multi-?GPU|multiple GPUs", re.IGNORECASE)
# A constructor call with its sizes written out: nn.LSTMCell(256, 512).
_CALL = re.compile(
    r"\b(?:nn\.)?(?P<cls>LSTM|GRU|RNN)(?P<cell>Cell)?\([ \t]{0,3}(?P<a>\d{1,7})[ \t]{0,3},"
    r"[ \t]{0,3}(?P<b>\d{1,7})\b"
)
# A training checkpoint's own entries named in the text: 'epoch', 'netG_state_dict'.
_NESTED = re.compile(r"""['‘"](?P<key>epoch|global_step|\w{0,40}state_dict)['’"]""")
# A GRU's single state kept when the layer became an LSTM.
_GRU_TO_LSTM = re.compile(r"GRU\W{1,3}(?:to|->|→)\W{1,3}LSTM", re.IGNORECASE)

# The literal words (lower case) each pattern needs: only the lines that hold one are matched.
_ARGUMENT_WORDS = ("layers", "bidir", "batch_first", "hidden_size")
_NUMBER_WORDS = (
    "batch",
    "bsz",
    "bptt",
    "seq_len",
    "sequence length",
    "max_len",
    "timesteps",
    "time_steps",
)
_CALL_WORDS = ("lstm", "gru", "rnn")
_INITIAL_WORDS = ("init_hidden", "zeros(", "rand", "empty(")
_COMPUTED_WORDS = ("enc", "latent", "decoder_hidden", "hidden_c", "bridge", "vae")
# A line longer than this is no source line a user wrote: read up to it.
_LONGEST = 2000
# The text read around a sentence of torch's: a traceback above it, the user's words below.
_BEFORE = 16 * 1024
_AFTER = 4 * 1024


def _lines(text: str, lowered: str, words: tuple[str, ...]) -> str:
    """The distinct lines of ``text`` that hold one of ``words`` (in ``lowered``), joined."""
    lines: dict[str, None] = {}
    for word in words:
        start = lowered.find(word)
        while start != -1:
            begin = text.rfind("\n", 0, start) + 1
            end = text.find("\n", start)
            end = len(text) if end == -1 else end
            lines.setdefault(text[begin : min(end, begin + _LONGEST)])
            start = lowered.find(word, end)
    return "\n".join(lines)


def _found(text: str, lowered: str) -> Callable[[re.Pattern[str], tuple[str, ...]], bool]:
    def found(pattern: re.Pattern[str], words: tuple[str, ...]) -> bool:
        return pattern.search(_lines(text, lowered, words)) is not None

    return found


class Evidence(Hints):
    """What the text's own lines say, read from them."""

    def scan_around(self, block: str, positions: list[int]) -> None:
        """Read the lines around each sentence found at ``positions`` in ``block``: the
        traceback above it, the words below it. A log's other lines say nothing of this error."""
        spans: list[tuple[int, int]] = []
        for position in sorted(positions):
            start, end = max(0, position - _BEFORE), position + _AFTER
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        for start, end in spans:
            self.scan(block[start:end])

    def scan(self, text: str) -> None:
        """Read one block of the text (whole lines)."""
        lowered = text.lower()
        for match in _ARGUMENT.finditer(_lines(text, lowered, _ARGUMENT_WORDS)):
            self._argument(match["name"], match["value"])
        for match in _NAMED_NUMBER.finditer(_lines(text, lowered, _NUMBER_WORDS)):
            name = (match["name"] or match["after"]).lower()
            value = int(match["value"] or match["before"])
            (self.batch_sizes if name in _BATCH_NAMES else self.lengths).add(value)
        calls = _lines(text, lowered, _CALL_WORDS)
        for match in _CALL.finditer(calls):
            self.hidden_size = self.hidden_size or int(match["b"])
            self.lstm_cell = self.lstm_cell or (match["cls"], match["cell"]) == ("LSTM", "Cell")
        for match in _NESTED.finditer(
            _lines(text, lowered, ("epoch", "state_dict", "global_step"))
        ):
            if match["key"] not in self.nested and len(self.nested) < 20:
                self.nested = (*self.nested, match["key"])
        self._flags(text, lowered, calls)

    def _flags(self, text: str, lowered: str, calls: str) -> None:
        found = _found(text, lowered)
        self.initial_state = self.initial_state or found(_INITIAL, _INITIAL_WORDS)
        self.computed_state = self.computed_state or found(_COMPUTED, _COMPUTED_WORDS)
        self.tuple_state = self.tuple_state or _TUPLE_STATE.search(calls) is not None
        self.data_parallel = self.data_parallel or found(_DATA_PARALLEL, ("dataparallel", "gpu"))
        self.gru_to_lstm = self.gru_to_lstm or found(_GRU_TO_LSTM, ("gru",))

    def _argument(self, name: str, value: str) -> None:
        flag = value.lower() in ("true", "false")
        if name in ("num_layers", "n_layers", "nlayers") and not flag:
            self.num_layers = self.num_layers or int(value)
        elif name in ("bidirectional", "bidir") and flag:
            self.bidirectional = value.lower() == "true"
        elif name == "batch_first" and flag:
            self.batch_first = value.lower() == "true"
        elif name == "hidden_size" and not flag:
            self.hidden_size = self.hidden_size or int(value)
