"""Parameters of layers that are not recurrent, named in load_state_dict's reports: ``why`` leaves
them alone (no recurrent cause), and says what they are when their name or rank tells it.

``size mismatch for fc.weight`` is a Linear's, ``bn1.running_mean`` a BatchNorm's: nothing a
recurrent layer's arguments change. The name is read as the libraries write it (``fc``,
``classifier``, ``lm_head``, ``embed``, ``bn``, ``ln_1``, ``lora_A``); a name that tells nothing
(``encoder.weight``) is said to be no recurrent layer's parameter, and no more.
"""

from __future__ import annotations

import re

from lstmshape.commands.inspect.weights.names import read_leaf, split_key
from lstmshape.commands.why.find import Found
from lstmshape.i18n import N_, tr
from lstmshape.results.why import LeftAlone

Shape = tuple[int, ...]

# The module's own name (the key's last part before the leaf), as libraries name their layers.
_NAMES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"lora_[ab]"), N_("a LoRA adapter's {leaf}")),
    (re.compile(r"(?:^|_)(?:bn|batch_?norm)\d*(?:_\d+)?$"), N_("a BatchNorm's {leaf}")),
    (re.compile(r"(?:^|_)(?:ln|layer_?norm|norm)\d*(?:_\d+)?$"), N_("a LayerNorm's {leaf}")),
    (
        re.compile(r"emb(?:ed|edding|eddings)?$|^(?:tok|pos|word|wte|wpe|shared)(?:_emb)?$"),
        N_("an embedding's {leaf} (num_embeddings, embedding_dim)"),
    ),
    (re.compile(r"conv"), N_("a convolution's {leaf}")),
    (
        re.compile(
            r"^(?:fc|linear|classifier|cls|head|lm_head|out|output|proj|dense|logits|"
            r"hidden2tag|.*_class|.*_head|fc\d+|linear\d+|classifier\d*)$"
        ),
        N_("a Linear's {leaf} (out_features, in_features)"),
    ),
)
_BATCHNORM_BUFFERS = ("running_mean", "running_var", "num_batches_tracked")


def what_it_is(key: str, shape: Shape | None = None) -> str:
    """What ``key`` is, as far as its name (or its rank) tells; "" when it tells nothing."""
    prefix, leaf = split_key(key)
    if leaf in _BATCHNORM_BUFFERS:
        return tr("a BatchNorm's {leaf}", leaf=leaf)
    module = prefix.rpartition(".")[2].lower()
    for pattern, text in _NAMES:
        if pattern.search(module):
            if text.startswith("a Linear") and leaf != "weight":
                return tr("a Linear's {leaf}", leaf=leaf)
            if "embedding" in text and leaf != "weight":
                return ""
            return tr(text, leaf=leaf)  # i18n: extracted where made
    if shape is not None and len(shape) in (3, 4, 5) and leaf == "weight":
        # Only a convolution registers a weight of 3 to 5 axes.
        return tr("a convolution's {leaf}", leaf=leaf)
    return ""


def recurrent(key: str) -> bool:
    """Whether ``key`` names a parameter a recurrent module registers (``lstm.weight_ih_l0``)."""
    return read_leaf(split_key(key)[1]) is not None


def left_alone(found: list[Found]) -> tuple[LeftAlone, ...]:
    """Every load_state_dict report in the text about other layers only: each size mismatch of a
    parameter no recurrent module registers, each list of keys none of which is a recurrent
    layer's. Each once, in the text's order."""
    seen: dict[str, LeftAlone] = {}
    for item in found:
        if item.sentence.id == "size_mismatch":
            key = item.fields["parameter"]
            if not recurrent(key):
                saved, built = item.fields["checkpoint"], item.fields["model"]
                seen.setdefault(
                    key, LeftAlone(key, what_it_is(key, built), item.sentence.id, saved, built)
                )
        elif item.sentence.id in ("missing_keys", "unexpected_keys"):
            listed = item.fields["keys"]
            if listed and not any(recurrent(key) for key in listed):
                key = listed[0]
                seen.setdefault(key, LeftAlone(key, what_it_is(key), item.sentence.id))
    return tuple(seen.values())


def left_alone_lines(left: tuple[LeftAlone, ...]) -> list[str]:
    """What the text holds that is not a recurrent layer's: one line for each parameter."""
    lines = []
    for item in left:
        if item.what:
            lines.append(
                tr(
                    "{key} is not a recurrent layer's parameter: {what}.",
                    key=item.parameter,
                    what=item.what,
                )
            )
        else:
            lines.append(tr("{key} is not a recurrent layer's parameter.", key=item.parameter))
    return lines
