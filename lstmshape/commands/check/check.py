"""Checking one entry of a spec file, as one run of the command line would."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from lstmshape.commands.check.reader import Entry
from lstmshape.commands.explain import explain
from lstmshape.errors import LstmShapeError
from lstmshape.i18n import language
from lstmshape.i18n.text import format_shape
from lstmshape.results.check import Outcome
from lstmshape.results.report import Report
from lstmshape.torchfacts.kinds import read_module
from lstmshape.torchfacts.rules import refuse_missing
from lstmshape.torchfacts.spec import ModuleSpec


def check_entry(entry: Entry) -> Outcome:
    """Explain one entry; its errors are what the command line would say of the same module."""
    arguments = entry.arguments
    shape = format_shape(arguments["input"]) if "input" in arguments else None
    try:
        report = _explained(_key(arguments), entry.expect, language())
    except LstmShapeError as error:
        return Outcome(entry.name, None, (error,), _call(arguments), shape)
    return Outcome(entry.name, report, tuple(report.failures()), report.spec.torch_call(), shape)


Key = tuple[tuple[str, Any], ...]


def _key(arguments: dict[str, Any]) -> Key:
    return tuple(sorted(arguments.items()))


# A spec file often repeats a module and an input; a report is immutable, so one is shared, in
# the language it was said in (a host that checks in two languages gets each its own).
@lru_cache(maxsize=4096)
def _explained(key: Key, expect: tuple[tuple[str, tuple[int, ...]], ...], lang: str) -> Report:
    arguments = dict(key)
    # A key the class does not take is refused at any value, as torch refuses the keyword.
    refuse_missing(read_module(arguments.get("module", "LSTM")), arguments, arguments)
    return explain(**arguments, expect=expect)


def _call(arguments: dict[str, Any]) -> str | None:
    """The constructor call of an entry whose tensors did not fit, if its module is valid."""
    module = {k: v for k, v in arguments.items() if k not in _NOT_MODULE}
    module["kind"] = module.pop("module", "LSTM")
    if "input_size" not in module and arguments.get("input"):
        module["input_size"] = arguments["input"][-1]
    try:
        return ModuleSpec(**module).torch_call()
    except LstmShapeError:
        return None


_NOT_MODULE = ("input", "h_0", "c_0", "lengths", "enforce_sorted", "deploy")
