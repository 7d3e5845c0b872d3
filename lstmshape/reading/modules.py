"""A torch module instance read back into its constructor arguments, without importing torch: what
``lstmshape.explain_module`` and ``lstmshape.trace`` read of a model's recurrent layer."""

from __future__ import annotations

from typing import Any

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.words import words
from lstmshape.torchfacts.arguments import BY_NAME
from lstmshape.torchfacts.kinds import KINDS, ModuleKind
from lstmshape.torchfacts.spec import ModuleSpec


def spec_of(module: object) -> ModuleSpec:
    """The constructor arguments of ``module``, an ``nn.LSTM`` (or any of the family, or a subclass
    of one), read from its attributes; UnreadableValueError for anything else, naming the
    recurrent modules inside it."""
    kind = _kind_of(module)
    if kind is None:
        raise _not_recurrent(module)
    m: Any = module  # a torch module, whose fields are its constructor's arguments
    # Each argument the class takes, as its row's type (a module saved before proj_size existed
    # has none: torch's default).
    read: dict[str, Any] = {
        name: BY_NAME[name].type(getattr(m, name, BY_NAME[name].default)) for name in kind.arguments
    }
    return ModuleSpec(**read, kind=kind)


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
        [words("It contains {modules}.", modules=enumerated(inside))]
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
