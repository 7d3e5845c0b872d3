"""What ``lstmshape why`` found in a text: each of torch's sentences, explained. Plain, frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from lstmshape.i18n import language
from lstmshape.results.cause import Axis, Cause
from lstmshape.results.contract import SCHEMA_VERSION, JSONDict
from lstmshape.results.shown import Shown


class LeftAlone(NamedTuple):
    """A parameter of another layer than a recurrent one, named in load_state_dict's report:
    ``why`` explains none of it, and says what it is when its name tells."""

    parameter: str
    what: str
    """``a Linear's weight (out_features, in_features)``; "" when the name does not tell."""
    sentence: str
    """``size_mismatch``, ``missing_keys`` or ``unexpected_keys``."""
    checkpoint: tuple[int, ...] | None = None
    model: tuple[int, ...] | None = None

    def to_dict(self) -> JSONDict:
        """JSON view."""
        return {
            "parameter": self.parameter,
            "what": self.what or None,
            "sentence": self.sentence,
            "checkpoint": None if self.checkpoint is None else list(self.checkpoint),
            "model": None if self.model is None else list(self.model),
        }


@dataclass(frozen=True)
class Explained:
    """One of torch's sentences found in the text, and what it means."""

    sentence: str
    """The id of torch's sentence (lstmshape.torchfacts.sentences): ``state_size``, ``input_width``, ..."""
    torch_message: str
    stage: str
    """When torch says it: ``constructor``, ``forward``, ``cell``, ``packing``, ``load``."""
    summary: str
    """What is wrong, in one sentence."""
    subject: str | None = None
    """The tensor (``h_0``) or the argument (``hidden_size``) at fault."""
    parameter: str | None = None
    """For a state_dict: the parameter at fault (``lstm.weight_ih_l0``)."""
    expected: Any = None
    """torch's number: a shape (tuple) or a size (int)."""
    got: Any = None
    formula: str = ""
    """The shape in PyTorch's symbols: ``(D*num_layers, N, H_out)``."""
    axes: tuple[Axis, ...] = ()
    causes: tuple[Cause, ...] = ()
    """The likely causes, most likely first."""
    checkpoint: dict[str, Any] | None = None
    """For a state_dict: the configuration the checkpoint was saved from, as far as it tells."""
    model: dict[str, Any] | None = None
    """For a state_dict: the configuration of the model that could not load it."""
    mismatches: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...] = ()
    """For load_state_dict's size mismatches: each parameter of the module, its checkpoint's shape
    and its model's."""
    times: int = 1
    """How many times the text holds this very sentence."""
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> JSONDict:
        """JSON view: one explained sentence."""

        def plain(value: Any) -> Any:
            return list(value) if isinstance(value, tuple) else value

        data: JSONDict = {
            "recognised": True,
            "sentence": self.sentence,
            "torch_message": self.torch_message,
            "stage": self.stage,
            "summary": self.summary,
            "tensor" if self.parameter is None else "parameter": self.parameter or self.subject,
            "expected": plain(self.expected),
            "got": plain(self.got),
            "formula": self.formula or None,
            "axes": [axis.to_dict() for axis in self.axes],
            "causes": [cause.to_dict() for cause in self.causes],
            "times": self.times,
            "notes": list(self.notes),
        }
        if self.checkpoint is not None or self.model is not None:
            data["checkpoint"] = self.checkpoint
            data["model"] = self.model
        if self.mismatches:
            data["mismatches"] = [
                {"parameter": key, "checkpoint": list(saved), "model": list(built)}
                for key, saved, built in self.mismatches
            ]
        return data


@dataclass(frozen=True, repr=False)
class WhyResult(Shown):
    """Every sentence of torch's found in one text, in the order it holds them."""

    explained: tuple[Explained, ...]
    given: dict[str, Any] = field(default_factory=dict)
    """The module's arguments the user gave to pin the causes down."""
    lang: str = field(default_factory=language)
    """The language of the explanations: the one spoken when they were made."""
    skipped: int = 0
    """Occurrences of sentences past the first MAX_SENTENCES distinct ones, not explained: a log
    of any number of distinct errors keeps a bounded memory."""
    left_alone: tuple[LeftAlone, ...] = ()
    """Parameters of other layers the text's load_state_dict reports name: not explained."""

    @property
    def recognised(self) -> bool:
        """Whether the text held at least one sentence lstmshape explains."""
        return bool(self.explained)

    def summary(self) -> str:
        """The repr's one line: what was found."""
        if not self.explained:
            return "no sentence of torch's about recurrent layers"
        first = self.explained[0]
        more = f" (and {len(self.explained) - 1} more)" if len(self.explained) > 1 else ""
        return f"{first.sentence}: {first.parameter or first.subject or 'torch'}{more}"

    def to_dict(self) -> JSONDict:
        """The JSON contract: one sentence at the top level; several under ``errors``."""
        if len(self.explained) == 1 and not self.left_alone:
            return {"schema": SCHEMA_VERSION, "lang": self.lang, **self.explained[0].to_dict()}
        data: JSONDict = {
            "schema": SCHEMA_VERSION,
            "lang": self.lang,
            "recognised": self.recognised,
            "errors": [e.to_dict() for e in self.explained],
        }
        if self.left_alone:
            data["left_alone"] = [item.to_dict() for item in self.left_alone]
        return data
