"""A torch module instance users already have, read without importing torch, and assertions on it.

Users have a model, not a list of flags: :func:`explain_module` reads the constructor arguments back
from an ``nn.LSTM`` (or any member of the family, or a subclass of one) and explains it, and
:func:`assert_shapes` is the one call a test needs to hold a module's shapes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lstmshape.commands.explain import explain_spec
from lstmshape.i18n import speaking
from lstmshape.reading.python_values import lang_argument
from lstmshape.results.report import Report
from lstmshape.torchfacts.spec import ModuleSpec

Shape = Sequence[int]
ShapeLike = Sequence[int] | str | Any
"""A shape as a test has it at hand: a tuple, a torch.Size, a tensor (its .shape), or "4,3,10"."""


def spec_of_module(module: object, *, lang: str | None = None) -> ModuleSpec:
    """The constructor arguments of a torch recurrent module instance, as a :class:`ModuleSpec`.

    Accepts ``nn.LSTM``, ``nn.GRU``, ``nn.RNN``, their cells, and subclasses of any of them.
    Raises :class:`UnreadableValueError` for anything else, naming the recurrent modules inside it;
    ``lang`` is the language of the error (as :func:`lstmshape.explain`'s).
    """
    from lstmshape.reading.modules import spec_of  # with its first use: import lstmshape is as fast

    with speaking(lang_argument(lang)):
        return spec_of(module)


def explain_module(
    module: object,
    input: ShapeLike,
    *,
    h_0: ShapeLike | None = None,
    c_0: ShapeLike | None = None,
    expect: Mapping[str, Shape] | Sequence[tuple[str, Shape]] | None = None,
    lengths: Sequence[int] | None = None,
    enforce_sorted: bool = True,
    lang: str | None = None,
) -> Report:
    """Explain an existing torch module instance applied to an input of shape ``input``.

    ``module`` is an ``nn.LSTM``, ``nn.GRU``, ``nn.RNN`` or a cell (or a subclass): its arguments
    are read from the instance, so a model's own layer can be passed (``model.encoder``). The other
    arguments are :func:`lstmshape.explain`'s (``lang`` too). Raises the same errors as
    :func:`lstmshape.explain`.
    """
    from lstmshape.reading.modules import spec_of

    with speaking(lang_argument(lang)):
        return explain_spec(
            spec_of(module),
            input,
            h_0=h_0,
            c_0=c_0,
            expect=expect,
            lengths=lengths,
            enforce_sorted=enforce_sorted,
        )
