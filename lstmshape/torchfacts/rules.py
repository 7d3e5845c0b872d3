"""torch's rules for the constructor arguments, in the order torch checks them, with its sentences.

nn.GRU and nn.RNN refuse proj_size before anything else, nn.RNN then reads its nonlinearity, and
RNNBase.__init__ checks dropout, the bools, then each size. The cells check nothing: only
torch.empty refuses a negative size. The first fault lstmshape reports is the one torch would raise.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping
from numbers import Real
from typing import TYPE_CHECKING, Any

from lstmshape.errors import InvalidModuleError
from lstmshape.i18n import N_
from lstmshape.i18n.words import Arg, Setting, Words, drop, fix, words
from lstmshape.torchfacts.arguments import CONSTRUCTOR, DEFAULTS, example
from lstmshape.torchfacts.kinds import ALL_ARGUMENTS, LSTM, ModuleKind, read_module
from lstmshape.torchfacts.parameters import INT64_MAX, check_storage
from lstmshape.torchfacts.sentences import TORCH

if TYPE_CHECKING:
    from lstmshape.torchfacts.spec import ModuleSpec

# torch's sizes and bools, in the order its constructor checks them (its signature's).
_SIZES = tuple(
    a.name for a in sorted(CONSTRUCTOR, key=lambda a: a.position_in(LSTM)) if a.type is int
)
_BOOLS = tuple(
    a.name for a in sorted(CONSTRUCTOR, key=lambda a: a.position_in(LSTM)) if a.type is bool
)


def integer(value: Any) -> Any:
    """An integer of any type (``numpy.int64(3)``, a 0-d integer array) as the ``int`` it is;
    anything else (a bool, a float, a string, None) as it is, for the rules to judge.

    The one reader of sizes for every entry point of the API: ``why(text, proj_size=np.int64(3))``
    means proj_size=3, as ``nn.LSTM(10, 20, proj_size=np.int64(3))`` does.
    """
    if isinstance(value, (bool, int)) or not hasattr(value, "__index__"):
        return value
    if getattr(getattr(value, "dtype", None), "kind", "") == "b":  # numpy.bool_ stays a bool
        return value
    try:
        return operator.index(value)
    except TypeError:
        return value


def normalized(spec: ModuleSpec) -> dict[str, Any]:
    """The fields to store instead of those given: a kind named by a string, integer sizes of
    other types (``numpy.int64``) as ``int``. Anything else stays for :func:`validate` to judge."""
    changed: dict[str, Any] = {}
    if not isinstance(spec.kind, ModuleKind):
        changed["kind"] = read_module(spec.kind, "module")
    for name in _SIZES:
        value = getattr(spec, name)
        if integer(value) is not value:
            changed[name] = integer(value)
        read = changed.get(name, value)
        if isinstance(read, int) and not isinstance(read, bool) and abs(read) > INT64_MAX:
            raise InvalidModuleError(
                words("{arg} is over torch's largest size (2**63 - 1).", arg=name),
                argument=name,
                hint=words("Try {a}.", a=fix(**{name: example(name)})),
            )
    if isinstance(spec.dropout, Real) and not isinstance(spec.dropout, (bool, float)):
        changed["dropout"] = float(spec.dropout)
    return changed


def refuse_missing(kind: ModuleKind, given: Iterable[str], voice_value: Mapping[str, Any]) -> None:
    """Refuse the first argument in ``given`` that ``kind`` does not take, as torch does: at any
    value, its default included. ``voice_value`` holds the values given, to quote them."""
    names = set(given)
    for name in ALL_ARGUMENTS:
        if name in names and name not in kind.arguments:
            raise refusal(kind, name, voice_value.get(name, DEFAULTS.get(name)))


def refusal(kind: ModuleKind, argument: str, value: Any) -> InvalidModuleError:
    """The error for an argument ``kind`` does not take at all, with torch's sentence for it."""
    if kind.is_cell and argument != "nonlinearity":
        return InvalidModuleError(
            words(
                "{a} has no {argument}: a cell runs one time step of one layer, in one "
                "direction, each call.",
                a=kind.A,
                argument=argument,
            ),
            argument=argument,
            torch_says=TORCH["unexpected_keyword"].say(owner=kind.name, argument=argument),
            hint=words("Try {a}, or {b}.", a=drop(argument), b=fix(module=kind.sequence_module)),
        )
    if argument == "proj_size":
        return InvalidModuleError(
            words(
                "{given}: only an LSTM projects its hidden state.", given=Setting(argument, value)
            ),
            argument=argument,
            torch_says=TORCH["proj_size_unsupported"].say(),
            hint=words("Try {a}, or {b}.", a=drop(argument), b=fix(module="LSTM")),
        )
    rnn = "RNNCell" if kind.is_cell else "RNN"
    owner = kind.name if kind.is_cell else "RNNBase"
    return InvalidModuleError(
        words(
            "{given} is nn.{rnn}'s argument; {a} has none.",
            given=Setting(argument, value),
            rnn=rnn,
            a=kind.a,
        ),
        argument=argument,
        torch_says=TORCH["unexpected_keyword"].say(owner=owner, argument=argument),
        hint=words("Try {a}, or {b}.", a=drop(argument), b=fix(module=rnn)),
    )


def validate(spec: ModuleSpec) -> None:
    """Raise :class:`InvalidModuleError` for the first argument torch would refuse."""
    given = [name for name, default in DEFAULTS.items() if getattr(spec, name) != default]
    refuse_missing(spec.kind, given, {name: getattr(spec, name) for name in given})
    if spec.kind.is_cell:
        _validate_cell(spec)
        return
    if spec.kind.has_nonlinearity:
        _check_nonlinearity(spec)
    _check_dropout(spec)
    for arg in _BOOLS:
        _check_bool(spec, arg)
    for arg in ("input_size", "hidden_size", "num_layers"):
        _check_size(spec, arg)
    _check_proj_size(spec)
    check_storage(spec)


def _check_nonlinearity(spec: ModuleSpec) -> None:
    if spec.nonlinearity in ("tanh", "relu"):
        return
    raise InvalidModuleError(
        words("nonlinearity={value}: an RNN applies tanh or relu.", value=repr(spec.nonlinearity)),
        argument="nonlinearity",
        torch_says=TORCH["unknown_nonlinearity"].say(nonlinearity=spec.nonlinearity),
        hint=_NONLINEARITY_FIX,
    )


_NONLINEARITY_FIX = words(
    "Try {tanh} (the default) or {relu}.",
    tanh=fix(nonlinearity="tanh"),
    relu=fix(nonlinearity="relu"),
)


def _check_dropout(spec: ModuleSpec) -> None:
    # torch checks dropout first, and rejects bool although bool is a number.
    value = spec.dropout
    if isinstance(value, Real) and not isinstance(value, bool) and 0 <= value <= 1:
        return
    shown = f"{value}" if isinstance(value, Real) else repr(value)
    raise InvalidModuleError(
        words(
            "dropout={shown} is outside [0, 1]: it is the probability of zeroing an element.",
            shown=shown,
        )
        if isinstance(value, Real) and not isinstance(value, bool) and not math.isnan(value)
        else words("dropout={shown} is not a probability: a number in [0, 1].", shown=shown),
        argument="dropout",
        torch_says=_float_refusal(value) or TORCH["dropout_range"].say(),
        hint=words("Try {a} (or 0 for no dropout).", a=fix(dropout=0.2)),
    )


def _float_refusal(value: object) -> str | None:
    """RNNBase stores float(dropout) before it checks it: what float() says of a value it takes
    no number from (None, "abc"), else None."""
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        return str(error)
    return None


def _check_bool(spec: ModuleSpec, arg: str) -> None:
    value = getattr(spec, arg)
    if isinstance(value, bool):
        return
    # torch's sequence modules check the type of bias and batch_first only; they take any truthy
    # bidirectional, and the cells any bias.
    says = (
        TORCH["bool_type"].say(argument=arg, type=type(value).__name__)
        if arg in ("bias", "batch_first") and not spec.kind.is_cell
        else None
    )
    raise InvalidModuleError(
        words("{arg}={value} is not True or False.", arg=arg, value=repr(value)),
        argument=arg,
        details=[]
        if says
        else [words("torch takes any truthy value here; lstmshape asks for a bool.")],
        torch_says=says,
        hint=words("Try {a} or {b}.", a=fix(**{arg: True}), b=fix(**{arg: False})),
    )


def _check_size(spec: ModuleSpec, arg: str) -> None:
    value = getattr(spec, arg)
    if isinstance(value, bool) or not isinstance(value, int):
        # torch checks the type of input_size and hidden_size (a bool is an int to it);
        # num_layers fails later, in words lstmshape does not claim.
        says = (
            TORCH["int_type"].say(argument=arg, type=type(value).__name__)
            if arg in ("input_size", "hidden_size") and not isinstance(value, bool)
            else None
        )
        raise InvalidModuleError(
            _not_whole(arg, value),
            argument=arg,
            torch_says=says,
            hint=words("Try {a}.", a=fix(**{arg: example(arg)})),
        )
    if value > 0:
        return
    raise InvalidModuleError(
        words(_NOT_POSITIVE[arg], value=value, a=spec.kind.a),
        argument=arg,
        torch_says=TORCH["not_positive"].say(argument=arg),
        hint=_POSITIVE_FIX[arg],
    )


_NOT_POSITIVE = {
    "input_size": N_("input_size={value}: the input's features (H_in) must be at least 1."),
    "hidden_size": N_("hidden_size={value}: the hidden state needs at least 1 feature."),
    "num_layers": N_("num_layers={value}: {a} needs at least one layer."),
}


def _not_whole(arg: str, value: object) -> Words:
    return words("{arg}={value} is not a whole number.", arg=arg, value=repr(value))


_POSITIVE_FIX = {
    "input_size": words(
        "Try {a}, or an {b} whose last dimension is at least 1.",
        a=fix(input_size=10),
        b=Arg("input"),
    ),
    "hidden_size": words("Try {a}.", a=fix(hidden_size=20)),
    "num_layers": words("Try {a}.", a=fix(num_layers=1)),
}


def _check_proj_size(spec: ModuleSpec) -> None:
    value = spec.proj_size
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidModuleError(
            _not_whole("proj_size", value),
            argument="proj_size",
            hint=words("Try {a}.", a=fix(proj_size=0)),
        )
    if value < 0:
        raise InvalidModuleError(
            words("{arg}={value} is negative.", arg="proj_size", value=value),
            argument="proj_size",
            details=[words("proj_size=0 disables the projection; a positive value projects h.")],
            torch_says=TORCH["proj_size_negative"].say(),
            hint=words("Try {a}.", a=fix(proj_size=0)),
        )
    if value < spec.hidden_size:
        return
    hidden = spec.hidden_size
    raise InvalidModuleError(
        words(
            "proj_size={value} is not smaller than hidden_size={hidden}.",
            value=value,
            hidden=hidden,
        ),
        argument="proj_size",
        details=[words("The projection shrinks h from hidden_size to proj_size features.")],
        torch_says=TORCH["proj_size_too_big"].say(),
        hint=words(
            "Try {a} (1 to {top}), or 0 for no projection.",
            a=fix(proj_size=hidden // 2),
            top=hidden - 1,
        )
        if hidden > 1
        else words(
            "Try {a}: a hidden_size of 1 leaves no room for a projection.", a=fix(proj_size=0)
        ),
    )


def _validate_cell(spec: ModuleSpec) -> None:
    """A cell's rules: torch's RNNCellBase checks no size, so only torch.empty refuses one."""
    for arg in ("input_size", "hidden_size"):
        value = getattr(spec, arg)
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidModuleError(
                _not_whole(arg, value),
                argument=arg,
                hint=words("Try {a}.", a=fix(**{arg: example(arg)})),
            )
    _check_bool(spec, "bias")
    weight_ih = [spec.kind.gates * spec.hidden_size, spec.input_size]
    negative = [size for size in weight_ih if size < 0]
    if negative:
        arg = "hidden_size" if weight_ih[0] < 0 else "input_size"
        raise InvalidModuleError(
            words("{arg}={value} is negative.", arg=arg, value=getattr(spec, arg)),
            argument=arg,
            torch_says=TORCH["negative_dimension"].say(size=negative[0], shape=weight_ih),
            hint=words("Try {a}.", a=fix(**{arg: example(arg)})),
        )
    if spec.kind.has_nonlinearity and spec.nonlinearity not in ("tanh", "relu"):
        # torch builds this cell, but its forward pass raises: it can explain no shape.
        raise InvalidModuleError(
            words(
                "nonlinearity={value}: an RNNCell applies tanh or relu.",
                value=repr(spec.nonlinearity),
            ),
            argument="nonlinearity",
            details=[
                words("torch builds this cell, but its forward pass raises, at the first step.")
            ],
            torch_says=TORCH["cell_nonlinearity"].say(nonlinearity=spec.nonlinearity),
            hint=_NONLINEARITY_FIX,
        )
    check_storage(spec)
