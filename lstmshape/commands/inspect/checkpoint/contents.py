"""What a reader takes out of a checkpoint file: each state_dict's tensor names, shapes and dtypes."""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod

from lstmshape.results.checkpoint_words import Key, where
from lstmshape.results.inspection import HyperParameter

Shape = tuple[int, ...]
Scalar = int | float | bool | str


@dataclass(frozen=True)
class StoredTensor:
    """A tensor as the file describes it; its data is never read."""

    key: str
    """Its key in its state_dict: ``encoder.lstm.weight_ih_l0``."""
    shape: Shape
    dtype: str
    """torch's name of its dtype: ``float32``."""
    nbytes: int
    """The bytes its elements take."""

    @property
    def numel(self) -> int:
        """The tensor's element count."""
        return prod(self.shape)


@dataclass(frozen=True)
class StateDict:
    """A mapping of names to tensors inside the checkpoint: the checkpoint itself, or a value in it
    (``checkpoint["model"]``, Lightning's ``checkpoint["state_dict"]``), or the parameters of a
    pickled ``nn.Module``."""

    path: tuple[Key, ...]
    """The keys from the checkpoint to it; empty for the checkpoint itself."""
    tensors: tuple[StoredTensor, ...]
    arguments: dict[str, dict[str, Scalar]] | None = field(default=None, compare=False)
    """A pickled ``nn.Module``'s: each submodule's constructor arguments as its attributes hold
    them, by prefix (``{"rnn": {"class": "torch.nn.modules.rnn.RNN", "batch_first": True}}``);
    None for a mapping of tensors."""

    def source(self) -> str:
        """Python for the mapping of its keys to tensors, from what torch.load gives:
        ``checkpoint["state_dict"]``, or ``checkpoint.state_dict()`` for a pickled model."""
        return self.where() + (".state_dict()" if self.arguments is not None else "")

    def where(self) -> str:
        """``checkpoint["model"]``: where it is, as Python indexes it."""
        return where(self.path)


@dataclass(frozen=True)
class Contents:
    """Every state_dict of a checkpoint, the tensors outside them, and the globals refused."""

    path: str
    format: str
    """``torch-zip``, ``torch-legacy`` or ``safetensors`` (results/checkpoint_words.py's FORMATS)."""
    state_dicts: tuple[StateDict, ...]
    loose: int = 0
    """Tensors in no state_dict (in lists, under keys that are not names), and tensors of kinds
    lstmshape does not size (sparse, nested)."""
    refused: tuple[str, ...] = ()
    """Globals outside torch's weights_only allowlist, ``module.name``, in the order first met."""
    torch_says: str | None = None
    """torch.load(weights_only=True)'s sentence for the first of them."""
    hyper_parameters: tuple[HyperParameter, ...] | None = None
    shards: tuple[str, ...] = ()
    """The files of a sharded checkpoint, in the index's order; empty for one file."""
    """A Lightning checkpoint's ``hyper_parameters``, each value plain or as short text."""

    @property
    def tensors(self) -> int:
        """Every tensor the file holds."""
        return self.loose + sum(len(sd.tensors) for sd in self.state_dicts)
