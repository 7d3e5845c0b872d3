"""Spec files for CI (``lstmshape check SPEC.toml``): many named modules, each checked like one run.

A spec file is TOML; each table is one named entry, with explain()'s arguments under torch's names
and the expected shapes under ``expect``::

    [encoder]
    module = "LSTM"          # or GRU, RNN, LSTMCell, GRUCell, RNNCell; LSTM if left out
    input = [4, 3, 10]       # or "4,3,10"
    hidden_size = 20
    num_layers = 2
    bidirectional = true
    expect = { output = [4, 3, 40], h_n = [4, 3, 20] }

Errors are worded in the file's keys (:class:`SpecVoice`): ``Try hidden_size = 20``.
"""

from lstmshape.commands.check.check import check_entry
from lstmshape.commands.check.keys import KEYS
from lstmshape.commands.check.reader import Entry, SpecFileError, read_spec
from lstmshape.commands.check.voice import SpecVoice

__all__ = ["KEYS", "Entry", "SpecFileError", "SpecVoice", "check_entry", "read_spec"]
