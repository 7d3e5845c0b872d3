"""A forward pass that failed: which module raised, the line of the user's code that called it,
torch's sentence, and lstmshape's explanation.

For a recurrent layer the explanation is explain's own, on the arguments the layer really got: the
same cause and fix as ``lstmshape --input ... --h0 ...``. For any other module, the explanation
says what it was given and what the recurrent layer before it returned.
"""

from __future__ import annotations

import inspect
import traceback
from typing import Any

import lstmshape.commands.trace.hooks as trace_hooks
from lstmshape.commands.trace.hooks import Pending, Recorder, kind_of
from lstmshape.errors import ForwardError, LstmShapeError
from lstmshape.i18n import tr
from lstmshape.i18n.numbers import enumerated
from lstmshape.i18n.text import a_module, format_shape
from lstmshape.i18n.words import Text, words
from lstmshape.reading.modules import spec_of
from lstmshape.results.sites import site_text
from lstmshape.results.trace import TracedCall, TraceFailure, call_label

Shape = tuple[int, ...]


def failure_of(error: BaseException, recorder: Recorder) -> TraceFailure:
    """What the user reads of ``error``, raised by the model's forward pass."""
    frames = list(traceback.walk_tb(error.__traceback__))
    module, at, module_args, module_kwargs = _raising_module(frames, recorder)
    path = recorder.paths.get(id(module), "")
    caller = _user_frame(frames[:at], recorder) if at else None
    inner = _user_frame(frames[at:], recorder)
    site = caller or inner
    raised_at = inner if inner not in (None, site) else None
    torch_says = str(error).strip()
    name = type(module).__name__
    kind = kind_of(module)
    unfit = _arguments_unfit(module, path, module_args, module_kwargs, error, site)
    if unfit is not None:  # Python refused the call itself: the model's own forward never ran
        forward_error = unfit
        kind = None
    elif kind is not None:
        pending = recorder.failed_call(module)
        assert pending is not None
        forward_error = _recurrent_error(pending, module, site, torch_says)
    else:
        forward_error = _module_error(
            path, module, module_args, site, raised_at, torch_says, recorder.calls
        )
    return TraceFailure(
        path=path,
        module=name,
        recurrent=kind is not None,
        exception=type(error).__name__,
        torch_says="" if unfit is not None else torch_says,
        site=site,
        error=forward_error,
    )


def _raising_module(
    frames: list[tuple[Any, int]], recorder: Recorder
) -> tuple[Any, int, tuple[Any, ...], dict[str, Any]]:
    """The innermost module of the model whose call was under way, where its call starts in the
    traceback, and the arguments it was given."""
    found: tuple[Any, int, tuple[Any, ...], dict[str, Any]] = (recorder.model, 0, (), {})
    for index, (frame, _) in enumerate(frames):
        code = frame.f_code
        if code.co_name == "_call_impl" and recorder.inside_libraries(code.co_filename):
            module = frame.f_locals.get("self")
        elif code.co_name == "forward_or_predict" and code.co_filename == trace_hooks.__file__:
            module = frame.f_locals.get("module")  # a layer's forward, called directly too
        else:
            continue
        if id(module) in recorder.paths:
            given = frame.f_locals.get("kwargs") or {}
            found = (module, index, tuple(frame.f_locals.get("args", ())), dict(given))
    return found


def _arguments_unfit(
    module: Any,
    path: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: BaseException,
    site: str | None,
) -> ForwardError | None:
    """Python's TypeError when a module's forward cannot take the arguments it was given (too
    few, too many): said with the inputs forward takes, by their names, not as torch's words."""
    if not isinstance(error, TypeError):
        return None
    try:
        signature = inspect.signature(type(module).forward)
        signature.bind(module, *args, **kwargs)
    except TypeError:
        pass
    except ValueError:  # no signature to read (a builtin's)
        return None
    else:
        return None
    names = [
        parameter
        for parameter in list(signature.parameters.values())[1:]
        if parameter.kind is not inspect.Parameter.VAR_KEYWORD
    ]
    required = [
        p.name
        for p in names
        if p.default is inspect.Parameter.empty
        and p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    cls = type(module).__name__
    call = f"{cls}.forward({', '.join(str(p) for p in names)})"
    head = words(
        "{call} cannot take what it was given: {given} positional and {named} keyword arguments.",
        call=call,
        given=len(args),
        named=len(kwargs),
    )
    details: list[Text] = _called_at(site) if path else []
    details.append(words("Python says: {sentence}", sentence=str(error)))
    model = "model" if not path else f"model.{path}"
    hint = words(
        "Try {call}, with one example input for each of {names}.",
        call=f"lstmshape.trace({model}, {', '.join(required)})"
        if not path
        else f"{model}({', '.join(required)})",
        names=enumerated(required) or "()",
    )
    return ForwardError(head, details=details, hint=hint, subject="input", actual=len(args))


def _user_frame(frames: list[tuple[Any, int]], recorder: Recorder) -> str | None:
    """The innermost of ``frames`` that is the user's code, as ``file:line: code``."""
    for frame, lineno in reversed(frames):
        if not recorder.inside_libraries(frame.f_code.co_filename):
            return site_text(frame.f_code.co_filename, lineno)
    return None


def _called_at(site: str | None) -> list[Text]:
    return [] if site is None else [words("called at {site}", site=site)]


def _recurrent_error(
    pending: Pending, module: Any, site: str | None, torch_says: str
) -> ForwardError:
    """The layer's failure in explain's words: its cause and fix, on what it really got."""
    kind = kind_of(module)
    assert kind is not None
    call = _torch_call(module)
    label = call_label(pending.path, pending.number)
    head = words(
        "{path}, {call}, failed on {received}.",
        path=label,
        call=call,
        received=pending.arguments.received.text(),
    )
    explained = pending.refused or _other_cause(pending, module)
    details: list[Text] = [*_called_at(site)]
    hint: Text | None = None
    if explained is not None:
        details += [explained.words, *explained.detail_words]
        hint = explained.hint_words
    else:
        details.append(
            words(
                "lstmshape finds no fault in these shapes: torch's sentence says what else is "
                "wrong."
            )
        )
    return ForwardError(
        head, details=details, torch_says=torch_says, hint=hint, subject=pending.path
    )


def _torch_call(module: Any) -> str:
    try:
        return spec_of(module).torch_call()
    except LstmShapeError:
        return type(module).__name__


def _other_cause(pending: Pending, module: Any) -> LstmShapeError | None:
    """What lstmshape can say of a failure that is not a shape: an integer input, or the states
    passed the wrong way."""
    kind = kind_of(module)
    assert kind is not None
    received = pending.arguments.received
    problem = pending.arguments.problem
    if problem == "one_tensor":
        return LstmShapeError(
            words(
                "{module} takes its states as one tuple (h_0, c_0); it was given one tensor of "
                "shape {shape}.",
                module=a_module(kind, start=True),
                shape=format_shape(received.h_0 or ()),
            ),
            hint=words(
                "Try {call}(x, (h_0, c_0)), with c_0 shaped as h_0 (H_cell features).",
                call=f"self.{pending.path.rsplit('.', 1)[-1] or 'lstm'}",
            ),
        )
    if problem == "bad_state":
        return _bad_state(pending, kind)
    if problem == "tuple":
        return LstmShapeError(
            words(
                "{module} takes h_0 alone, not a tuple: it has no cell state.",
                module=a_module(kind, start=True),
            ),
            hint=words("Try passing h_0 itself."),
        )
    if received.dtype.startswith(("int", "uint", "bool")):
        return LstmShapeError(
            words(
                "The input holds {dtype} values: {module} takes floating-point vectors of "
                "input_size features.",
                dtype=received.dtype,
                module=a_module(kind),
            ),
            details=[
                words(
                    "Token ids go through an {embedding} first, which turns each into a vector.",
                    embedding="nn.Embedding",
                )
            ],
            hint=words(
                "Try {embedding} before the layer, or {cast} if the numbers are values.",
                embedding="nn.Embedding(num_embeddings, input_size)",
                cast="x.float()",
            ),
        )
    return _dtype_cause(received.dtype, module)


def _bad_state(pending: Pending, kind: Any) -> LstmShapeError:
    """A state that is not what the layer takes: ``(h, None)``, a string, a 1-tuple."""
    call = f"self.{pending.path.rsplit('.', 1)[-1] or kind.name.lower()}"
    if kind.has_cell_state:
        head = words(
            "{module} takes its states as one tuple (h_0, c_0) of two tensors; it was given "
            "{given}.",
            module=a_module(kind, start=True),
            given=pending.arguments.state,
        )
        hint = words(
            "Try {call}(x, (h_0, c_0)) with both tensors, or {call}(x) for zeros.", call=call
        )
    else:
        head = words(
            "{module} takes its state h_0 as one tensor; it was given {given}.",
            module=a_module(kind, start=True),
            given=pending.arguments.state,
        )
        hint = words("Try {call}(x, h_0) with a tensor, or {call}(x) for zeros.", call=call)
    return LstmShapeError(head, hint=hint)


def _dtype_cause(dtype: str, module: Any) -> LstmShapeError | None:
    """A floating-point input of another dtype than the layer's weights: torch takes one dtype."""
    weight = next(iter(module.parameters()), None)
    weights = str(getattr(weight, "dtype", "")).removeprefix("torch.")
    if not weights or weights == dtype:
        return None
    return LstmShapeError(
        words(
            "The input holds {dtype} values, but the layer's weights are {weights}: torch computes "
            "in one dtype.",
            dtype=dtype,
            weights=weights,
        ),
        hint=words(
            "Try {cast} on the input, or {convert} on the model.",
            cast=f"x.to(torch.{weights})",
            convert=f"model.to(torch.{dtype})",
        ),
    )


def _module_error(
    path: str,
    module: Any,
    args: tuple[Any, ...],
    site: str | None,
    raised_at: str | None,
    torch_says: str,
    calls: list[TracedCall],
) -> ForwardError:
    """A module other than a recurrent layer raised: what it got, and what fed it."""
    given = [format_shape(tuple(a.shape)) for a in args if hasattr(a, "shape")]
    cls = type(module).__name__
    name = path or tr("{module}'s forward", module=cls)
    head = (
        words(
            "{name} ({module}) failed on {given}.", name=name, module=cls, given=enumerated(given)
        )
        if given
        else words("{name} ({module}) failed.", name=name, module=cls)
    )
    details: list[Text] = [*_called_at(site)]
    if raised_at is not None:
        details.append(words("raised at {site}", site=raised_at))
    last = calls[-1] if calls else None
    hint: Text | None = None
    if last is not None and last.report is not None:
        details.append(_feeding(last))
    features = getattr(module, "in_features", None)
    if isinstance(features, int) and given and args[0].shape and int(args[0].shape[-1]) != features:
        got = int(args[0].shape[-1])
        details.append(
            words(
                "{path} takes {setting} on its last axis; it got {got}.",
                path=path,
                setting=f"in_features={features}",
                got=got,
            )
        )
        if last is not None and last.report is not None:
            details += _width_source(last, got)
        out = getattr(module, "out_features", "...")
        hint = words(
            "Try {replacement} for {path}, or give it {features} features.",
            replacement=f"nn.Linear({got}, {out})",
            path=path,
            features=features,
        )
    subject = path
    if _embedding_of_floats(module, args):
        details.append(
            words(
                "{name} looks up token ids, integers; it was given {dtype} values.",
                name=name,
                dtype=str(args[0].dtype).removeprefix("torch."),
            )
        )
        hint = words("Try integer token ids: {cast}.", cast="tokens.long()")
        subject = "input_dtype"  # the command line words its fix as --input-dtype long
    return ForwardError(head, details=details, torch_says=torch_says, hint=hint, subject=subject)


def _embedding_of_floats(module: Any, args: tuple[Any, ...]) -> bool:
    """An nn.Embedding (or EmbeddingBag, or a subclass) given floating-point values."""
    embedding = any(
        cls.__name__ in ("Embedding", "EmbeddingBag") and cls.__module__.startswith("torch.nn")
        for cls in type(module).__mro__
    )
    dtype = getattr(args[0], "dtype", None) if args else None
    return embedding and bool(getattr(dtype, "is_floating_point", False))


def _feeding(call: TracedCall) -> Text:
    """``encoder.lstm, the last recurrent layer before it, returned output (4, 3, 40), h_n ...``."""
    assert call.report is not None
    returned = [t for t in call.report.tensors if t.role == "output"]
    shapes = enumerated(f"{t.name} {format_shape(t.shape)}" for t in returned)
    return words(
        "{layer}, the last recurrent layer before it, returned {shapes}.",
        layer=call.label,
        shapes=shapes,
    )


def _width_source(call: TracedCall, got: int) -> list[Text]:
    """Which axis of the recurrent layer's results has ``got`` features, and what it is made of."""
    assert call.report is not None
    for tensor in call.report.tensors:
        if tensor.role != "output" or not tensor.dims or tensor.dims[-1].size != got:
            continue
        last = tensor.dims[-1]
        if last.derivation == last.symbol:
            return [
                words(
                    "{got} is {tensor}'s last axis: {axis}.",
                    got=got,
                    tensor=tensor.name,
                    axis=last.label(),
                )
            ]
        return [
            words(
                "{got} is {tensor}'s last axis: {axis} ({made}).",
                got=got,
                tensor=tensor.name,
                axis=last.label(),
                made=last.derivation,
            )
        ]
    return []
