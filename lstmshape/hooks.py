"""What a lower layer calls that a higher one does, installed by the package's root on import.

A result draws itself in a notebook (results/shown.py) with the views, a layer above it; explain()'s
``verify=True`` and ``deploy=True`` (commands/explain/) are run by proof/ and deploy/, layers above
the explain core, which explain reports of their own. A layer never imports one above it, so the
root (lstmshape/__init__.py) puts functions that do those things here, and the lower layers look
them up when they are called. This module imports nothing: installing the hooks loads neither the
explain core nor the results, so ``lstmshape --help``, ``why`` and ``inspect`` load only what they
use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Draw = Callable[[object], str]
"""A result -> its view as text: ``html`` (a notebook's) or ``plain`` (print()'s)."""
Prove = Callable[[Any, bool, bool], Any]
"""``prove(report, deploy, verify)``: the report verified and deployed as asked."""

DRAW: dict[str, Draw] = {}
"""The views a result is drawn with, by name: ``html`` and ``plain``."""
PROVE: list[Prove] = []
"""The one function that runs explain()'s ``verify`` and ``deploy``."""


def install(*, html: Draw, plain: Draw, prove: Prove) -> None:
    """Draw every result with ``html`` in a notebook and ``plain`` for print() and str(); run what
    explain()'s ``verify`` and ``deploy`` ask with ``prove(report, deploy, verify)``."""
    DRAW.update(html=html, plain=plain)
    PROVE[:] = [prove]
