"""What the rest of a pasted text says besides torch's sentence: the user's own source lines a
traceback shows, and the numbers they name. ``why`` ranks its causes by them; they prove nothing
(a ``num_layers=2`` in a traceback may be another module's), so a cause is marked proven only by
what the user gives (lstmshape.torch_errors.given).

Read line by line, each line against a few literal-anchored patterns of bounded length: the
linear time of ``why`` holds on a log of any size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A line longer than this is no source line or sentence a user wrote: not read for evidence.
_LONGEST = 2000

_ARGUMENT = re.compile(
    r"\b(?P<name>num_layers|n_layers|nlayers|bidirectional|bidir|batch_first|hidden_size)"
    r"""['"]?\s{0,3}[:=]\s{0,3}(?P<value>\d{1,7}|True|False|true|false)\b"""
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
    r"\binit_hidden\(|\b(?:h|c|h0|c0|h_0|c_0|hidden|hx|cx)\s?=\s?(?:torch\.)?(?:zeros|randn|rand|empty)\("
)
# A state the model computed: an encoder's final state, a latent, a bridge between them.
_COMPUTED = re.compile(
    r"\b(?:enc(?:oder)?_?(?:hidden|final|state|h)|latent|decoder_hidden|hidden_c|_fix_enc_hidden|"
    r"latent2hidden|bridge)\b|\bVAE\b|\bvae\b",
)
# The call that failed, with its state a tuple written out: (h, c), (h_, h_).
_TUPLE_STATE = re.compile(
    r"\b(?:lstm|rnn)\w*\([^()\n]{0,120},\s?\(\w{1,30},\s?\w{1,30}\)\)", re.IGNORECASE
)
_DATA_PARALLEL = re.compile(r"DataParallel|multi-?GPU|multiple GPUs", re.IGNORECASE)
# A constructor call with its sizes written out: nn.LSTMCell(256, 512).
_CALL = re.compile(
    r"\b(?:nn\.)?(?P<cls>LSTM|GRU|RNN)(?P<cell>Cell)?\(\s{0,3}(?P<a>\d{1,7})\s{0,3},\s{0,3}(?P<b>\d{1,7})\b"
)
# A training checkpoint's own entries named in the text: 'epoch', 'netG_state_dict'.
_NESTED = re.compile(r"""['‘"](?P<key>epoch|global_step|\w{0,40}state_dict)['’"]""")
# A GRU's single state kept when the layer became an LSTM.
_GRU_TO_LSTM = re.compile(r"GRU\W{1,3}(?:to|->|→)\W{1,3}LSTM", re.IGNORECASE)


@dataclass
class Evidence:
    """What the text's own lines say (None: not said)."""

    num_layers: int | None = None
    bidirectional: bool | None = None
    batch_first: bool | None = None
    hidden_size: int | None = None
    batch_sizes: set[int] = field(default_factory=set)
    """Numbers the text names a batch size."""
    lengths: set[int] = field(default_factory=set)
    """Numbers the text names a sequence length (bptt, seq_len)."""
    initial_state: bool = False
    """The text builds a state with zeros, random values or init_hidden."""
    computed_state: bool = False
    """The text passes a state the model computed (an encoder's, a latent)."""
    tuple_state: bool = False
    """The failing call passes its states as a tuple written out, (h, c)."""
    data_parallel: bool = False
    lstm_cell: bool = False
    """The text builds an nn.LSTMCell."""
    nested: tuple[str, ...] = ()
    """A training checkpoint's entries the text names ('epoch', 'model_state_dict')."""
    gru_to_lstm: bool = False
    """The text says a GRU became an LSTM (whose state is a tuple, (h_0, c_0))."""

    def scan(self, text: str) -> None:
        """Read one block of the text (whole lines)."""
        for line in text.splitlines():
            if len(line) <= _LONGEST:
                self._line(line)

    def _line(self, line: str) -> None:
        for match in _ARGUMENT.finditer(line):
            self._argument(match["name"], match["value"])
        for match in _NAMED_NUMBER.finditer(line):
            name = (match["name"] or match["after"]).lower()
            value = int(match["value"] or match["before"])
            (self.batch_sizes if name in _BATCH_NAMES else self.lengths).add(value)
        self.initial_state = self.initial_state or _INITIAL.search(line) is not None
        self.computed_state = self.computed_state or _COMPUTED.search(line) is not None
        self.tuple_state = self.tuple_state or _TUPLE_STATE.search(line) is not None
        self.data_parallel = self.data_parallel or _DATA_PARALLEL.search(line) is not None
        self.gru_to_lstm = self.gru_to_lstm or _GRU_TO_LSTM.search(line) is not None
        for match in _CALL.finditer(line):
            self.hidden_size = self.hidden_size or int(match["b"])
            self.lstm_cell = self.lstm_cell or (match["cls"], match["cell"]) == ("LSTM", "Cell")
        for match in _NESTED.finditer(line):
            if match["key"] not in self.nested and len(self.nested) < 20:
                self.nested = (*self.nested, match["key"])

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
