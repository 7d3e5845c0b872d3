"""What --deploy found: one verdict per deployment target for one configuration.

Plain, frozen data, like the report it belongs to. A verdict is ``works``, ``works with a change``
or ``fails`` (English ids in JSON; said in the report's language in the text views); ``proven``
says whether it was run with the user's own torch (``--deploy --verify``) or is what lstmshape
measured for the nearest configuration class, or torch's documented behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass

from lstmshape.results.contract import JSONDict

WORKS = "works"
CHANGE = "works with a change"
FAILS = "fails"
VERDICTS = (WORKS, CHANGE, FAILS)


@dataclass(frozen=True)
class TargetVerdict:
    """One target (an exporter, a compiler, quantization, a parallel wrapper, cuDNN)."""

    target: str
    """Its id: ``onnx_torchscript``, ``onnx_dynamo``, ``torch_export``, ``torch_compile``,
    ``quantize_dynamic``, ``data_parallel`` or ``cudnn``."""
    label: str
    """How users name it: ``torch.onnx.export(..., dynamo=False)``."""
    verdict: str
    """One of :data:`VERDICTS`."""
    proven: bool
    """True when it ran here with the user's torch for this exact configuration."""
    reason: str
    """Why, in one sentence, in the report's language."""
    fix: str
    """The change as code (for ``works``, the call that was run); empty when there is none."""
    versions: str
    """What it holds for: ``torch 2.13.0, onnxruntime 1.30.0``, and where it comes from."""

    def to_dict(self) -> JSONDict:
        """The JSON of one target (the report's ``deploy`` object holds one per target id)."""
        return {
            "label": self.label,
            "verdict": self.verdict,
            "proven": self.proven,
            "reason": self.reason,
            "fix": self.fix,
            "versions": self.versions,
        }


@dataclass(frozen=True)
class Deployment:
    """Every target's verdict, in a fixed order, and what is missing to prove the rest."""

    targets: tuple[TargetVerdict, ...]
    missing: str = ""
    """What could not run and how to install it (``pip install "lstmshape[deploy]"``), or empty."""

    def target(self, name: str) -> TargetVerdict:
        """The verdict of target ``name``; KeyError if there is none."""
        for t in self.targets:
            if t.target == name:
                return t
        raise KeyError(name)

    def to_dict(self) -> JSONDict:
        """``{"onnx_torchscript": {...}, ...}`` and ``missing`` when something could not run."""
        data: JSONDict = {t.target: t.to_dict() for t in self.targets}
        if self.missing:
            data["missing"] = self.missing
        return data


NOT_RUN = "not run"
"""A whole model's export that lstmshape could not attempt (onnxruntime missing, inputs that are
not tensors, a batch axis it cannot tell): its reason says why."""


@dataclass(frozen=True)
class ModelVerdict:
    """The whole model exported (``torch.onnx.export(..., dynamo=False)``) and run in onnxruntime
    at two batch sizes and two lengths, against the model in torch."""

    verdict: str
    """``works``, ``fails`` or ``not run``."""
    proven: bool
    reason: str
    fix: str
    """The export that ran (for ``works``), or the change as code, each line of the user's code
    it replaces after a ``# file:line`` comment; empty when there is none."""
    versions: str
    layer: str = ""
    """The layer at fault (its path), when one is."""
    site: str = ""
    """The line of the user's code at fault: ``model.py:12: h0 = torch.zeros(1, 32, 20)``."""

    def to_dict(self) -> JSONDict:
        """The JSON of the whole-model entry (the trace's ``deploy.model``)."""
        return {
            "verdict": self.verdict,
            "proven": self.proven,
            "reason": self.reason,
            "fix": self.fix,
            "versions": self.versions,
            "layer": self.layer or None,
            "site": self.site or None,
        }


@dataclass(frozen=True)
class ModelDeployment:
    """``trace --deploy``: each recurrent layer's verdicts, by its path, and the whole model's."""

    layers: tuple[tuple[str, Deployment], ...]
    model: ModelVerdict

    def to_dict(self) -> JSONDict:
        """``{"layers": {"encoder.lstm": {...}}, "model": {...}}``."""
        return {
            "layers": {path: d.to_dict() for path, d in self.layers},
            "model": self.model.to_dict(),
        }
