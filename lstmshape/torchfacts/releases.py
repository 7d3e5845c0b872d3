"""Which torch releases print each of torch's sentences (lstmshape/torchfacts/releases.json).

The catalogue is read from torch's own source at each sampled release, by
tools/torch_sentences.py; the tests hold every wording in it against the source lines it stores and
make today's torch raise the sentences it still prints.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any, NamedTuple

TODAY = "2.13.0"  # the torch the tests run


class Printed(NamedTuple):
    """The first and last sampled releases whose source prints a wording."""

    first: str
    last: str


@cache
def catalogue() -> dict[str, Any]:
    """The catalogue as stored: ``sampled`` releases and ``sentences`` with their provenance."""
    text = files("lstmshape.torchfacts").joinpath("releases.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def printed(sentence_id: str) -> Printed | None:
    """The releases that print ``sentence_id``'s wording (over every place that raises it), or
    None for a sentence the catalogue does not hold."""
    key = _release_key
    entries = [e for e in catalogue()["sentences"] if e["id"] == sentence_id]
    if not entries:
        return None
    return Printed(
        min((e["first"] for e in entries), key=key), max((e["last"] for e in entries), key=key)
    )


def _release_key(release: str) -> tuple[int, ...]:
    return tuple(int(n) for n in release.split("."))
