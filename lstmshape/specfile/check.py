"""Checking one entry of a spec file, as one run of the command line would."""

from __future__ import annotations

from lstmshape.errors import LstmShapeError
from lstmshape.explain import explain
from lstmshape.model.check import Outcome
from lstmshape.reading import read_module
from lstmshape.rules import refuse_missing
from lstmshape.specfile.reader import Entry


def check_entry(entry: Entry) -> Outcome:
    """Explain one entry; its errors are what the command line would say of the same module."""
    arguments = entry.arguments
    try:
        # A key the class does not take is refused at any value, as torch refuses the keyword.
        refuse_missing(read_module(arguments.get("module", "LSTM")), arguments, arguments)
        report = explain(**arguments, expect=entry.expect)
    except LstmShapeError as error:
        return Outcome(entry.name, None, (error,))
    return Outcome(entry.name, report, tuple(report.failures()))
