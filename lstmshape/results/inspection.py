"""What a checkpoint holds, as plain frozen data: its recurrent modules with their constructor calls,
the groups no torch module has, the globals refused, and (when asked) a comparison, expectations and
one module's explanation. ``Inspection.to_dict()`` is the JSON contract of ``lstmshape inspect``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from lstmshape.errors import (
    InconsistentWeightsError,
    LstmShapeError,
    UnsafeCheckpointError,
)
from lstmshape.i18n import language
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.text import size_text
from lstmshape.i18n.words import Text, nwords, words
from lstmshape.results.checkpoint_words import said_already, top_level
from lstmshape.results.contract import SCHEMA_VERSION, JSONDict
from lstmshape.results.shown import Shown
from lstmshape.results.weights import InconsistentGroup, weight_arguments
from lstmshape.torchfacts.spec import ModuleSpec

if TYPE_CHECKING:
    from lstmshape.results.comparison import Comparison, ConfigExpectation
    from lstmshape.results.report import Report

Shape = tuple[int, ...]
Key = str | int


@dataclass(frozen=True)
class StoredParameter:
    """One parameter of a module found in a checkpoint, as the checkpoint holds it."""

    name: str
    """Its name in the module: ``weight_ih_l0``."""
    shape: Shape
    dtype: str
    nbytes: int
    rows: str
    """The shape in symbols, as torch builds it: ``(4*H_cell, H_in)``."""
    layer: int

    @property
    def numel(self) -> int:
        """Its element count."""
        count = 1
        for size in self.shape:
            count *= size
        return count


def prefixed(name: str, leaf: str) -> str:
    """The state_dict key of ``leaf`` in the module at ``name``: ``encoder.lstm.weight_ih_l0``."""
    return f"{name}.{leaf}" if name else leaf


@dataclass(frozen=True)
class CheckpointModule:
    """A recurrent module a checkpoint holds, and the constructor call that loads it."""

    name: str
    """Its prefix in its state_dict: ``encoder.lstm``; ``""`` for a bare module's state_dict."""
    state_dict: tuple[Key, ...]
    """Where its state_dict is in the checkpoint: ``()`` for the checkpoint itself, ``("model",)``."""
    spec: ModuleSpec
    """Its arguments; those the weights cannot tell (``not_in_weights``) at torch's defaults."""
    parameters: tuple[StoredParameter, ...]
    not_in_weights: tuple[str, ...]
    """The arguments its weights cannot tell: any value loads them."""
    from_file: tuple[str, ...] = ()
    """Those of them read from the pickled module's attributes (a whole model's pickle keeps
    ``batch_first``, ``dropout``, ``nonlinearity``): ``spec`` holds the file's values."""
    saved_as: str | None = None
    """The class the pickle names for the module (``torch.nn.modules.rnn.RNN``, or a subclass);
    None when the file holds only its tensors."""

    @property
    def at_defaults(self) -> tuple[str, ...]:
        """The arguments neither the weights nor the file tell: at torch's defaults in ``spec``."""
        return tuple(name for name in self.not_in_weights if name not in self.from_file)

    @property
    def module(self) -> str:
        """torch's class name: ``LSTM``."""
        return self.spec.kind.name

    @property
    def shown_name(self) -> str:
        """Its name as a sentence says it: the prefix, or ``(top level)``."""
        return self.name or top_level()

    @property
    def num_parameters(self) -> int:
        """``sum(p.numel() for p in module.parameters())``."""
        return sum(p.numel for p in self.parameters)

    @property
    def nbytes(self) -> int:
        """The bytes its parameters take in the checkpoint, in their own dtypes."""
        return sum(p.nbytes for p in self.parameters)

    @property
    def dtypes(self) -> tuple[str, ...]:
        """Its parameters' dtypes, each once."""
        return tuple(dict.fromkeys(p.dtype for p in self.parameters))

    @property
    def config(self) -> dict[str, int | bool]:
        """The constructor arguments the weights tell (torch's names and order)."""
        return weight_arguments(self.spec)

    def to_dict(self) -> JSONDict:
        """JSON view of one module."""
        return {
            "name": self.name,
            "state_dict": list(self.state_dict),
            "module": self.module,
            "call": self.spec.torch_call(),
            "config": self.config,
            "not_in_weights": list(self.not_in_weights),
            "from_file": {name: getattr(self.spec, name) for name in self.from_file},
            "saved_as": self.saved_as,
            "num_parameters": self.num_parameters,
            "bytes": self.nbytes,
            "parameters": {
                p.name: {
                    "key": prefixed(self.name, p.name),
                    "shape": list(p.shape),
                    "dtype": p.dtype,
                    "numel": p.numel,
                }
                for p in self.parameters
            },
        }


@dataclass(frozen=True)
class CheckpointGroup:
    """Parameters of a checkpoint named as a recurrent module's that no torch module has."""

    state_dict: tuple[Key, ...]
    group: InconsistentGroup
    dtypes: tuple[str, ...]
    """Each parameter's dtype, in the group's order."""

    @property
    def name(self) -> str:
        """The group's prefix in its state_dict."""
        return self.group.name

    def to_dict(self) -> JSONDict:
        """JSON view of one inconsistent group."""
        return {
            "name": self.name,
            "state_dict": list(self.state_dict),
            "nearest": [
                {"call": near.call, "differences": list(near.differences)}
                for near in self.group.nearest
            ],
            "problems": list(self.group.problems),
            "parameters": {
                leaf: {"key": prefixed(self.name, leaf), "shape": list(shape), "dtype": dtype}
                for (leaf, shape), dtype in zip(self.group.shapes, self.dtypes, strict=True)
            },
        }


class HyperParameter(NamedTuple):
    """One of a Lightning checkpoint's ``hyper_parameters``."""

    name: str
    value: int | float | bool | str | None
    """The value, if plain (a number, a boolean, printable text, None); else its short text."""
    text: bool = False
    """Whether ``value`` is the short text of a value that is not plain (``[64, 32]``)."""

    def shown(self) -> str:
        """As a table shows it: plain text quoted, as Python writes it."""
        return (
            repr(self.value) if isinstance(self.value, str) and not self.text else str(self.value)
        )


@dataclass(frozen=True)
class KeySet:
    """One state_dict's keys, every one (a comparison renames them), and the Python that gives
    the mapping from what torch.load returns (``checkpoint["state_dict"]``)."""

    state_dict: tuple[Key, ...]
    source: str
    keys: tuple[str, ...]


@dataclass(frozen=True, repr=False)
class Inspection(Shown):
    """Everything ``lstmshape inspect`` found in one checkpoint."""

    path: str
    format: str
    """``torch-zip``, ``torch-legacy`` or ``safetensors``."""
    modules: tuple[CheckpointModule, ...]
    inconsistent: tuple[CheckpointGroup, ...]
    other_tensors: int
    """Tensors in no recurrent module (nor in an inconsistent group)."""
    other_names: tuple[str, ...]
    """The first few of their names, for the views."""
    tensors: int
    unsafe: tuple[str, ...] = ()
    """Globals outside torch's weights_only allowlist (``module.name``): none of them ran."""
    torch_says: str | None = None
    comparison: Comparison | None = None
    expectations: tuple[ConfigExpectation, ...] = ()
    explained: tuple[str, Report] | None = field(default=None)
    """A module's name and its report for the input asked for (``input``)."""
    lang: str = field(default_factory=language)
    """The language of its text (en, ja, fr, es): the one spoken when it was made."""
    hyper_parameters: tuple[HyperParameter, ...] | None = None
    """A Lightning checkpoint's ``hyper_parameters`` (the LightningModule's arguments, as
    ``save_hyperparameters()`` kept them), each value plain or as short text; None if none."""
    weights_beside: str | None = None
    """``PATH.ckpt`` when it lies beside the file: where darts' ``model.save(PATH)`` puts the
    weights (the file at PATH is the forecasting model's pickle without them)."""
    shards: tuple[str, ...] = ()
    """A sharded checkpoint's files, read as one checkpoint (``path`` is its index or its
    directory); empty for one file."""
    key_sets: tuple[KeySet, ...] = field(default=(), compare=False)
    """Every state_dict's keys (not in the JSON: a comparison's renames are checked on them)."""

    def summary(self) -> str:
        """The repr's one line: the file, its recurrent modules, the verdict."""
        count = len(self.modules)
        found = f"{count} recurrent module{'s' if count != 1 else ''}"
        return f"{self.path}: {found}, {'ok' if self.ok else 'not ok'}"

    def module(self, name: str) -> CheckpointModule:
        """The module at prefix ``name``; KeyError if the checkpoint has none there."""
        for module in self.modules:
            if module.name == name:
                return module
        raise KeyError(name)

    @property
    def ok(self) -> bool:
        """False when anything failed: a refused global, an inconsistent group, a difference from
        what it was compared with, an expectation."""
        return not self.failures()

    def failures(self) -> list[LstmShapeError]:
        """Why the inspection is not ok, as errors: the file's faults first, then the answers."""
        failures: list[LstmShapeError] = []
        if self.unsafe:
            failures.append(unsafe_error(self.path, self.unsafe, self.torch_says))
        elif self.torch_says is not None:
            failures.append(weights_only_error(self.path, self.torch_says))
        failures += [inconsistent_error(group) for group in self.inconsistent]
        if self.comparison is not None:
            failures += self.comparison.failures()
        failures += [e.error() for e in self.expectations if not e.ok]
        if self.explained is not None:
            failures += self.explained[1].failures()
        return failures

    def to_dict(self) -> JSONDict:
        """The JSON contract (see docs/inspect.md)."""
        data: JSONDict = {
            "schema": SCHEMA_VERSION,
            "lang": self.lang,
            "checkpoint": self.path,
            "format": self.format,
            "modules": [m.to_dict() for m in self.modules],
            "inconsistent": [g.to_dict() for g in self.inconsistent],
            "unsafe": list(self.unsafe),
            "torch_weights_only": "refuses"
            if self.unsafe or self.torch_says
            else "no global outside its allowlist",
            "other_tensors": self.other_tensors,
            "tensors": self.tensors,
            "hyper_parameters": None
            if self.hyper_parameters is None
            else {h.name: h.value for h in self.hyper_parameters},
            "weights_beside": self.weights_beside,
            "shards": list(self.shards),
            "ok": self.ok,
        }
        if self.comparison is not None:
            data["compared"] = self.comparison.to_dict()
        if self.expectations:
            data["expectations"] = [e.to_dict() for e in self.expectations]
        if self.explained is not None:
            name, report = self.explained
            data["explained"] = {"module": name, "report": report.to_dict()}
        return data


def unsafe_error(path: str, unsafe: tuple[str, ...], torch_says: str | None) -> LstmShapeError:
    """The error for a checkpoint that names globals outside torch's allowlist."""
    said: dict[str, str | int] = {"path": path, "count": len(unsafe), "names": enumerated(unsafe)}
    return UnsafeCheckpointError(
        nwords(
            "{path} names {count} global outside torch's weights_only allowlist: {names}. None "
            "of it ran.",
            "{path} names {count} globals outside torch's weights_only allowlist: {names}. None "
            "of them ran.",
            len(unsafe),
            **said,
        ),
        details=[
            words(
                "Loading it runs them: {safe}, the default since torch 2.6, refuses the file; "
                "{unsafe} runs whatever they do.",
                safe="torch.load(weights_only=True)",
                unsafe="weights_only=False",
            ),
            words("The tensors shown were read from the rest of the file."),
        ],
        torch_says=torch_says,
        hint=words(
            "Try loading it only if you trust where it comes from; then re-save it as a "
            "state_dict ({code}) or with safetensors.",
            code="torch.save(model.state_dict(), PATH)",
        ),
        subject="checkpoint",
    )


def weights_only_error(path: str, torch_says: str) -> LstmShapeError:
    """The error for a checkpoint torch's weights_only unpickler refuses though it names no global
    outside the allowlist: a pickle protocol it does not read (``pickle_protocol=4``)."""
    return UnsafeCheckpointError(
        words(
            "{path}: {safe} refuses this file: its pickle uses opcodes torch's weights_only "
            "unpickler does not read.",
            path=path,
            safe="torch.load(weights_only=True)",
        ),
        details=[
            words(
                "It names no global outside the allowlist; {unsafe} loads it. The tensors "
                "shown were read from it.",
                unsafe="weights_only=False",
            )
        ],
        torch_says=torch_says,
        hint=words(
            "Try saving it again with torch.save's default pickle protocol ({code}), or with "
            "safetensors.",
            code="torch.save(model.state_dict(), PATH)",
        ),
        subject="checkpoint",
    )


def inconsistent_error(group: CheckpointGroup) -> LstmShapeError:
    """The error for a group of recurrent parameters that no torch module has."""
    name = group.name or top_level()
    details: list[Text] = []
    for near in group.group.nearest:
        details.append(words("Nearest: {call}:", call=near.call))
        details += [said_already(f"  {line}") for line in near.differences]
    details += [said_already(problem) for problem in group.group.problems]
    return InconsistentWeightsError(
        words(
            "{name}: no torch module has these {count} parameters together.",
            name=name,
            count=len(group.group.shapes),
        ),
        details=details,
        hint=words(
            "Try the whole state_dict (a sharded checkpoint spreads a module over its shards), "
            "or a copy saved again."
        ),
        subject=name,
    )


def byte_size(nbytes: int) -> str:
    """``4.7 MiB``: a module's bytes, as the views say them."""
    return size_text(nbytes)


def plain(value: Any) -> Any:
    """A value as JSON holds it: tuples as lists."""
    return list(value) if isinstance(value, tuple) else value
