"""The words an inspection names a checkpoint's parts with: its format, where a state_dict is in it,
the module whose keys have no prefix; and a sentence already said in the language when read.

Shared by the reader (commands/inspect), the results and their views, so it sits with the results.
"""

from __future__ import annotations

import json

from lstmshape.i18n import N_, tr
from lstmshape.i18n.words import Words, words

Key = str | int

FORMATS = {
    "torch-zip": N_("torch.save's zip format"),
    "torch-legacy": N_("torch.save's legacy format (before torch 1.6)"),
    "safetensors": N_("safetensors"),
}
"""The formats lstmshape reads: the name in JSON, and as a sentence says it (``tr`` it)."""


def where(path: tuple[Key, ...]) -> str:
    """``checkpoint["model"][0]``: the keys from the checkpoint, as Python indexes them."""
    return "checkpoint" + "".join(
        f"[{json.dumps(key)}]" if isinstance(key, str) else f"[{key}]" for key in path
    )


def said_already(text: str) -> Words:
    """Text said in the language when it was made (a group's differences, as read): a sentence
    that is not looked up again."""
    return words("{text}", text=text)


def top_level() -> str:
    """The name of a module whose keys have no prefix (a bare module's state_dict)."""
    return tr("(top level)")
