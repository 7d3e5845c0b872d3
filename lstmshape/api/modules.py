"""A torch module instance users already have, read without importing torch, and assertions on it.

Users have a model, not a list of flags: :func:`explain_module` reads the constructor arguments back
from an ``nn.LSTM`` (or any member of the family, or a subclass of one) and explains it, and
:func:`assert_shapes` is the one call a test needs to hold a module's shapes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lstmshape.commands.explain import explain_spec
from lstmshape.errors import UnreadableValueError
from lstmshape.i18n import lang_argument, speaking
from lstmshape.i18n.words import words
from lstmshape.results.report import Report
from lstmshape.torchfacts.kinds import KINDS, ModuleKind
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
    with speaking(lang_argument(lang)):
        return _spec_of(module)


def _spec_of(module: object) -> ModuleSpec:
    kind = _kind_of(module)
    if kind is None:
        raise _not_recurrent(module)
    m: Any = module  # a torch module, whose fields are its constructor's arguments
    read: dict[str, Any] = {
        "input_size": int(m.input_size),
        "hidden_size": int(m.hidden_size),
        "bias": bool(m.bias),
    }
    if kind.has_nonlinearity:
        read["nonlinearity"] = str(m.nonlinearity)
    if not kind.is_cell:
        read.update(
            num_layers=int(m.num_layers),
            batch_first=bool(m.batch_first),
            dropout=float(m.dropout),
            bidirectional=bool(m.bidirectional),
        )
        if kind.supports_proj_size:
            read["proj_size"] = int(getattr(m, "proj_size", 0))
    return ModuleSpec(**read, kind=kind)


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
    with speaking(lang_argument(lang)):
        return explain_spec(
            _spec_of(module),
            input,
            h_0=h_0,
            c_0=c_0,
            expect=expect,
            lengths=lengths,
            enforce_sorted=enforce_sorted,
        )


def _kind_of(module: object) -> ModuleKind | None:
    # torch's own classes, found through subclasses too (class MyLSTM(nn.LSTM)).
    for cls in type(module).__mro__:
        if cls.__name__ in KINDS and cls.__module__.startswith("torch.nn"):
            return KINDS[cls.__name__]
    return None


def _not_recurrent(module: object) -> UnreadableValueError:
    if isinstance(module, type):
        return UnreadableValueError(
            words(
                "lstmshape reads a module instance; got the class {name} itself.",
                name=module.__name__,
            ),
            hint=words(
                "Try {call} built as your model builds it, or the layer of your model.",
                call=f"{module.__name__}(input_size, hidden_size, ...)",
            ),
        )
    name = type(module).__name__
    inside = [
        f"{path} ({type(sub).__name__})"
        for path, sub in _named_modules(module)
        if path and _kind_of(sub) is not None
    ]
    details = (
        [words("It contains {modules}.", modules=", ".join(inside))]
        if inside
        else [words("It is not one of torch's recurrent modules, nor contains one.")]
    )
    first = inside[0].split(" ")[0] if inside else "lstm"
    # named_modules' path "1.enc" is model[1].enc in Python: an index is subscripted.
    access = "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in first.split("."))
    return UnreadableValueError(
        words("lstmshape reads nn.LSTM, nn.GRU, nn.RNN and their cells; got {name}.", name=name),
        subject="module",
        details=details,
        hint=words("Try passing the recurrent layer itself, e.g. {code}.", code=f"model{access}"),
    )


def _named_modules(module: object) -> list[tuple[str, object]]:
    named = getattr(module, "named_modules", None)
    if not callable(named) or isinstance(module, type):  # a class, not an instance
        return []
    return list(named())
