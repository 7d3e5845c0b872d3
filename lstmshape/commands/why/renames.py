"""load_state_dict's missing and unexpected keys that are the same parameters under other names:
a prefix one side adds (a bigger network's ``encoder.``, a Lightning module's ``model.``,
torch.compile's ``_orig_mod.``), a module renamed (``gru.`` saved, ``rnn.`` built), or awd-lstm's
WeightDrop (``weight_hh_l0_raw``, under the wrapper's ``module.``). Each fix is code that renames
the checkpoint's keys into the model's (or loads into the part of the model they fit), and the
tests apply it with ``load_state_dict(strict=True)``.
"""

from __future__ import annotations

from lstmshape.commands.inspect.weights.names import read_leaf, split_key
from lstmshape.i18n import tr
from lstmshape.results.cause import Cause

_LOAD = "model.load_state_dict({rename})"


def renamed(listed: tuple[str, ...], missing: bool, others: tuple[str, ...]) -> list[Cause]:
    """The causes that rename keys: a prefix, WeightDrop, a module renamed (in that order of
    proof); [] when the two lists are not the same parameters under other names."""
    model, saved = (listed, others) if missing else (others, listed)
    # WeightDrop's '_raw' names are no name a recurrent module registers: read on every key.
    causes = _weight_drop(model, saved)
    for finder in (_prefix, _module_renamed):
        causes = causes or finder(_recurrent(model), _recurrent(saved))
    return causes


def _recurrent(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(key for key in keys if read_leaf(split_key(key)[1]) is not None)


def _common_prefix(longer: tuple[str, ...], shorter: tuple[str, ...]) -> str | None:
    """The prefix ``p`` with ``p + key`` in ``longer`` for every key of ``shorter``."""
    if not longer or not shorter:
        return None
    first = shorter[0]
    for key in longer:
        if key.endswith("." + first):
            prefix = key[: -len(first)]
            if all(prefix + other in longer for other in shorter):
                return prefix
    return None


def _prefix(model: tuple[str, ...], saved: tuple[str, ...]) -> list[Cause]:
    """The checkpoint's keys are the model's under a prefix, or the model's the checkpoint's."""
    prefix = _common_prefix(saved, model)
    if prefix is not None and prefix != "module.":  # module.: nn.DataParallel's (keys.py)
        return [_saved_under(prefix)]
    prefix = _common_prefix(model, saved)
    if prefix is not None and prefix != "module.":
        return [_built_under(prefix)]
    return []


def _saved_under(prefix: str) -> Cause:
    strip = (
        f'{{k.removeprefix("{prefix}"): v for k, v in state.items() if k.startswith("{prefix}")}}'
    )
    fix = _LOAD.format(rename=strip)
    if prefix == "_orig_mod.":
        return Cause(
            "compiled_prefix",
            tr(
                "The checkpoint was saved from torch.compile's wrapper: every key starts with "
                "'_orig_mod.'; the model is not compiled."
            ),
            fix,
            True,
        )
    return Cause(
        "key_prefix",
        tr(
            "The checkpoint's keys are the model's under '{prefix}': it was saved from a model "
            "that holds this one as {part} (a bigger network, a Lightning module's model).",
            prefix=prefix,
            part=prefix.rstrip("."),
        ),
        fix,
        True,
    )


def _built_under(prefix: str) -> Cause:
    part = prefix.rstrip(".")
    fix = (
        f"model.{part}.load_state_dict(state)"
        if part.isidentifier()
        else _LOAD.format(rename=f'{{"{prefix}" + k: v for k, v in state.items()}}')
    )
    if prefix == "_orig_mod.":
        return Cause(
            "compiled_model",
            tr(
                "The model is torch.compile's wrapper: its keys start with '_orig_mod.'; the "
                "checkpoint was saved from the model before compiling."
            ),
            fix,
            True,
        )
    return Cause(
        "model_prefix",
        tr(
            "The model's keys are the checkpoint's under '{prefix}': the checkpoint was saved "
            "from the part {part} of this model.",
            prefix=prefix,
            part=part,
        ),
        fix,
        True,
    )


def _weight_drop(model: tuple[str, ...], saved: tuple[str, ...]) -> list[Cause]:
    """awd-lstm's WeightDrop re-registers a dropped weight as ``<name>_raw`` on the wrapped
    module (``lstm.module.weight_hh_l0_raw``) and sets ``<name>`` from it at each forward."""
    if any(key.endswith("_raw") for key in saved) and not any(k.endswith("_raw") for k in model):
        return [
            Cause(
                "weight_drop",
                tr(
                    "The checkpoint was saved with awd-lstm's WeightDrop around the recurrent "
                    "layer: its keys hold the wrapped module ('.module.') and the dropped weight "
                    "as '_raw'; the model has the bare layer."
                ),
                _LOAD.format(
                    rename='{k.replace(".module.", ".").removesuffix("_raw"): v '
                    "for k, v in state.items()}"
                ),
                True,
            )
        ]
    dropped = [key for key in saved if ".module.weight_hh_l" in f".{key}"]
    if saved and len(dropped) == len(saved) and not model:
        return [
            Cause(
                "weight_drop",
                tr(
                    "The checkpoint holds WeightDrop's dropped weights ('.module.weight_hh_l0') "
                    "besides their '_raw' originals: WeightDrop sets them at each forward, and "
                    "the model (with WeightDrop) registers only the '_raw' ones."
                ),
                _LOAD.format(rename='{k: v for k, v in state.items() if k + "_raw" not in state}'),
            )
        ]
    return []


def _module_renamed(model: tuple[str, ...], saved: tuple[str, ...]) -> list[Cause]:
    """One module under another name on each side: ``gru.weight_ih_l0`` saved, ``rnn.`` built."""
    built = _by_module(model)
    kept = _by_module(saved)
    if len(built) != 1 or len(kept) != 1:
        return []
    (new, new_leaves), (old, old_leaves) = next(iter(built.items())), next(iter(kept.items()))
    if new == old or not new_leaves & old_leaves:
        return []
    old_dot, new_dot = f"{old}.", f"{new}."
    rename = (
        f'{{("{new_dot}" + k.removeprefix("{old_dot}") if k.startswith("{old_dot}") else k): v '
        "for k, v in state.items()}"
    )
    return [
        Cause(
            "module_renamed",
            tr(
                "The checkpoint's recurrent layer is named {old}; the model's, {new}: the module "
                "was renamed after the checkpoint was saved.",
                old=old,
                new=new,
            ),
            _LOAD.format(rename=rename),
            True,
        )
    ]


def _by_module(keys: tuple[str, ...]) -> dict[str, set[str]]:
    modules: dict[str, set[str]] = {}
    for key in keys:
        prefix, leaf = split_key(key)
        modules.setdefault(prefix, set()).add(leaf)
    return modules
