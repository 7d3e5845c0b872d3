"""Expectations on a module's constructor arguments (``encoder.lstm.hidden_size=256``), for CI: read
from text, held against the modules a checkpoint holds."""

from __future__ import annotations

from collections.abc import Sequence

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n import tr
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.words import Fix, Typed, Value, words
from lstmshape.reading.values import read_int
from lstmshape.results.comparison import ConfigExpectation
from lstmshape.results.inspection import CheckpointModule
from lstmshape.torchfacts.arguments import CONSTRUCTOR
from lstmshape.torchfacts.kinds import LSTM, read_module

# What an expectation may name: the class, and each argument the weights tell, in torch's order.
ARGUMENTS = (
    "module",
    *(a.name for a in sorted(CONSTRUCTOR, key=lambda a: a.position_in(LSTM)) if a.in_weights),
)
_BOOLS = tuple(a.name for a in CONSTRUCTOR if a.in_weights and a.type is bool)


def is_config_expectation(text: str) -> bool:
    """Whether ``NAME=VALUE`` names a module's argument (``lstm.hidden_size``), not a tensor."""
    name = text.partition("=")[0].strip()
    return name.rpartition(".")[2] in ARGUMENTS


def read_config_expectation(text: str) -> tuple[str | None, str, Value]:
    """``encoder.lstm.hidden_size=256`` -> (``encoder.lstm``, ``hidden_size``, 256); the module is
    None when only the argument is named (``hidden_size=256``)."""
    name, sep, value = text.partition("=")
    module, dot, argument = name.strip().rpartition(".")
    if not sep or argument not in ARGUMENTS:
        raise UnreadableValueError(
            words("{typed} is not MODULE.ARGUMENT=VALUE.", typed=Typed("expect", text)),
            details=[words("ARGUMENT is one of {arguments}.", arguments=enumerated(ARGUMENTS))],
            hint=words("Try {fix}.", fix=Fix.of({"expect.lstm.hidden_size": 256})),
        )
    label = f"expect.{name.strip()}"
    read: Value
    if argument == "module":
        read = read_module(value.strip(), label).name
    elif argument in _BOOLS:
        lowered = value.strip().lower()
        if lowered not in ("true", "false"):
            raise UnreadableValueError(
                words("{typed} is not True or False.", typed=Typed(label, value)),
                hint=words("Try {fix}.", fix=Fix.of({label: True})),
            )
        read = lowered == "true"
    else:
        read = read_int(value, label, 256)
    return (module if dot else None), argument, read


def check_expectations(
    modules: Sequence[CheckpointModule], texts: Sequence[str]
) -> tuple[ConfigExpectation, ...]:
    """Each expectation against the module it names (or the only module, when it names none)."""
    checked = []
    for text in texts:
        name, argument, expected = read_config_expectation(text)
        module = _module_named(modules, name, argument, expected)
        if argument == "module":
            actual: Value = module.module
        elif argument in module.config:
            actual = module.config[argument]
        else:
            said = {"module": module.shown_name, "kind": module.module, "argument": argument}
            raise UnreadableValueError(
                words("{module} is an {kind}, which has no {argument}.", **said)
                if module.spec.kind.a.startswith("an ")
                else words("{module} is a {kind}, which has no {argument}.", **said),
                hint=words("Try without {arg}.", arg=Typed("expect", text)),
            )
        checked.append(ConfigExpectation(module.name, argument, expected, actual))
    return tuple(checked)


def _module_named(
    modules: Sequence[CheckpointModule], name: str | None, argument: str, value: Value
) -> CheckpointModule:
    if name is None and len(modules) == 1:
        return modules[0]
    found = [m for m in modules if m.name == name]
    if found:
        return found[0]
    names = enumerated(m.shown_name for m in modules) or tr("none")
    first = modules[0].name if modules else "lstm"
    example = Fix.of({f"expect.{first}.{argument}" if first else f"expect.{argument}": value})
    return _raise(
        UnreadableValueError(
            words("The checkpoint has no recurrent module named {name}.", name=repr(name))
            if name is not None
            else words("Which module? The checkpoint has several recurrent modules."),
            details=[words("Its recurrent modules: {names}.", names=names)],
            hint=words("Try {fix}.", fix=example),
        )
    )


def _raise(error: Exception) -> CheckpointModule:
    raise error
