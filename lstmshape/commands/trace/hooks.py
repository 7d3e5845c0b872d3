"""The hooks on a model's recurrent layers: what each call was given, what torch returned, and the
line of the user's code that called it.

The hooks only read: they never change an argument or a result. Where torch's shape-only kernel
would step through a long sequence in Python, a shape-only run has torch run the layer on the first
time step alone (every check torch makes, h_n and c_n are still torch's) and gives output the
report's L (see :meth:`Recorder._predicting`).
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from lstmshape.commands.explain import explain_spec
from lstmshape.commands.trace.factory import LSTMSHAPE_DIR
from lstmshape.commands.trace.received import Arguments, read_call
from lstmshape.errors import LstmShapeError, VerificationError
from lstmshape.i18n.words import words
from lstmshape.reading.modules import spec_of
from lstmshape.results.report import Report
from lstmshape.results.sites import site_text
from lstmshape.results.trace import TracedCall
from lstmshape.torchfacts.kinds import KINDS, ModuleKind

Shape = tuple[int, ...]

# A shape-only kernel that steps through time in Python (GRU, RNN, an LSTM with proj_size) costs
# about 4 ms a step; beyond this many steps times layers times directions, lstmshape's shapes stand
# in for it (about a second).
KERNEL_STEPS = 256


def _torch_forward_owner(module: object) -> Any:
    """The torch class whose ``forward`` runs a recurrent layer of ``module``'s family."""
    torch_class = next(
        cls
        for cls in type(module).__mro__
        if cls.__name__ in KINDS and cls.__module__.startswith("torch.nn")
    )
    return next(cls for cls in torch_class.__mro__ if "forward" in cls.__dict__)


def kind_of(module: object) -> ModuleKind | None:
    """The recurrent family member ``module`` is (its class or a base is torch's), or None."""
    for cls in type(module).__mro__:
        if cls.__name__ in KINDS and cls.__module__.startswith("torch.nn"):
            return KINDS[cls.__name__]
    return None


@dataclass
class Pending:
    """A call under way: recorded before torch runs the layer, completed after."""

    path: str
    number: int
    site: str | None
    arguments: Arguments
    report: Report | None
    refused: LstmShapeError | None
    """lstmshape's explanation when it finds the arguments do not fit the layer."""
    torch_in: tuple[tuple[str, Shape], ...]
    kernel: str = "torch"
    direct: bool = False
    """Called as ``layer.forward(...)``: torch ran no hooks, lstmshape's own forward saw it."""
    entered: bool = False
    """Whether the layer's forward has started (a later forward call of it is a direct one)."""
    delegated: bool = False
    """A subclass's forward that called torch's own forward (``super().forward(packed, hx)``):
    that inner call is the one recorded, with what torch's layer was really given."""


@dataclass
class Recorder:
    """Hooks on every recurrent layer of a model, and what they saw."""

    torch: Any
    model: Any
    shape_only: bool = False
    """Whether torch runs on fake or meta tensors: stepping kernels may then be skipped."""
    paths: dict[int, str] = field(default_factory=dict)
    recurrent: list[tuple[str, Any]] = field(default_factory=list)
    calls: list[TracedCall] = field(default_factory=list)
    pending: dict[int, list[Pending]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    bugs: list[LstmShapeError] = field(default_factory=list)
    torch_dir: str = ""
    subclassed: dict[int, Any] = field(default_factory=dict)
    """The layers whose class overrides torch's forward, each with the torch class whose forward
    it overrides: their calls of torch's forward are the ones recorded."""

    def __post_init__(self) -> None:
        self.torch_dir = os.path.dirname(self.torch.__file__) + os.sep
        for path, module in self.model.named_modules():
            self.paths.setdefault(id(module), path)
            if kind_of(module) is not None:
                self.recurrent.append((path, module))
                owner = _torch_forward_owner(module)
                if type(module).forward is not owner.forward:
                    self.subclassed[id(module)] = owner

    @contextmanager
    def attached(self) -> Iterator[Recorder]:
        """The hooks on, for the duration of one forward pass; removed whatever happens."""
        handles = []
        owners = {id(owner): owner for owner in self.subclassed.values()}
        originals = {key: owner.__dict__["forward"] for key, owner in owners.items()}
        try:
            for _, module in self.recurrent:
                handles.append(module.register_forward_pre_hook(self._before, with_kwargs=True))
                handles.append(module.register_forward_hook(self._after, with_kwargs=True))
                module.forward = self._forward(module, type(module).forward.__get__(module))
            for key, owner in owners.items():
                owner.forward = self._torch_forward(originals[key])
            yield self
        finally:
            for key, owner in owners.items():
                owner.forward = originals[key]
            for handle in handles:
                handle.remove()
            for _, module in self.recurrent:
                module.__dict__.pop("forward", None)

    def _before(
        self,
        module: Any,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        direct: bool = False,
        inner: bool = False,
    ) -> None:
        kind = kind_of(module)
        assert kind is not None
        path = self.paths[id(module)]
        outer = id(module) in self.subclassed and not inner
        if not outer:  # a subclass's own call is counted if it does not call torch's forward
            self.counts[path] += 1
        arguments = read_call(kind, bool(getattr(module, "batch_first", False)), args, kwargs)
        report, refused = None, None
        if arguments.problem is None:
            try:
                given = dict(arguments.explain)
                report = explain_spec(spec_of(module), given.pop("input"), **given)
            except LstmShapeError as error:
                refused = error
        pending = Pending(
            path,
            self.counts[path] + outer,
            self.call_site(),
            arguments,
            report,
            refused,
            _named_inputs(arguments),
            direct=direct,
        )
        self.pending.setdefault(id(module), []).append(pending)

    def _after(
        self, module: Any, args: tuple[Any, ...], kwargs: dict[str, Any], output: Any
    ) -> None:
        kind = kind_of(module)
        assert kind is not None
        done = self.pending[id(module)].pop()
        if done.delegated:  # its call of torch's forward is recorded, with what torch was given
            return
        if id(module) in self.subclassed and done.number > self.counts[done.path]:
            self.counts[done.path] += 1  # a subclass's call that made no call of torch's forward
        torch_out = _named_outputs(kind, done, output)
        if done.kernel == "lstmshape":  # output's L is the report's: torch ran one step
            torch_out = tuple((name, shape) for name, shape in torch_out if name != "output")
        if done.report is None:
            # torch ran what lstmshape refused (or could not read): lstmshape's bug, said after
            # the forward pass, whose own code must not see it.
            why = done.refused.message if done.refused is not None else done.arguments.problem
            self.bugs.append(
                VerificationError(
                    words(
                        "torch ran {path} on {received}, which lstmshape refuses: {why}",
                        path=done.path,
                        received=done.arguments.received.text(),
                        why=str(why),
                    ),
                    hint=words("Please report this as a bug, with the layer and its input."),
                )
            )
            return
        self.calls.append(
            TracedCall(
                path=done.path,
                module=type(module).__name__,
                call=done.number,
                site=done.site,
                received=done.arguments.received,
                report=done.report,
                torch_shapes=(*done.torch_in, *torch_out),
                kernel=done.kernel,
                direct=done.direct,
            )
        )

    def failed_call(self, module: Any) -> Pending | None:
        """The call of ``module`` under way when the forward pass failed."""
        stack = self.pending.get(id(module))
        return stack[-1] if stack else None

    def _forward(self, module: Any, forward: Any) -> Any:
        """``module.forward`` as the hooks see it. A call that did not go through the module's
        ``__call__`` (``self.lstm.forward(x)``: torch runs no hooks) is recorded here."""

        def forward_or_predict(*args: Any, **kwargs: Any) -> Any:
            stack = self.pending.get(id(module))
            if stack and not stack[-1].entered:
                return self._run(module, forward, stack[-1], args, kwargs)
            self._before(module, args, kwargs, direct=True)
            output = self._run(module, forward, self.pending[id(module)][-1], args, kwargs)
            self._after(module, args, kwargs, output)
            return output

        return forward_or_predict

    def _torch_forward(self, original: Any) -> Any:
        """torch's own forward of a layer class, as the hooks see it: a subclass's forward that
        calls it (``super().forward(packed, hx)``, after packing its input as
        pytorch-forecasting's LSTM does) has this inner call recorded, with what torch's layer
        was really given; every other layer's call goes through unchanged."""

        def forward_or_predict(module: Any, *args: Any, **kwargs: Any) -> Any:
            stack = self.pending.get(id(module))
            if id(module) not in self.subclassed or not stack:
                return original(module, *args, **kwargs)
            stack[-1].delegated = True
            self._before(module, args, kwargs, inner=True)
            done = self.pending[id(module)][-1]
            output = self._run(module, original.__get__(module), done, args, kwargs)
            self._after(module, args, kwargs, output)
            return output

        return forward_or_predict

    def _run(
        self,
        module: Any,
        forward: Any,
        done: Pending,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        """Run the layer's forward for the call ``done``. Where torch's shape-only kernel would
        step through a long sequence in Python, torch runs the layer on the first time step alone
        (every check torch makes, h_n and c_n, are torch's) and output takes the report's L. A
        subclass's own forward runs as it is: its call of torch's forward is the one looked at."""
        done.entered = True
        report = done.report
        if id(module) in self.subclassed and forward.__func__ is type(module).forward:
            return forward(*args, **kwargs)
        if self.shape_only and report is not None and report.spec.kind.is_cell:
            _cell_dtypes(self.torch, module, report, args[0] if args else kwargs["input"])
        if not self.shape_only or report is None or not _steps_in_python(self.torch, report):
            return forward(*args, **kwargs)
        done.kernel = "lstmshape"
        output, hidden = forward(*_first_step(report, args, kwargs), **kwargs)
        return output.new_empty(report.shapes()["output"]), hidden

    def call_site(self) -> str | None:
        """``model.py:31: out, _ = self.lstm(x)``: the innermost line of the user's code; None
        when lstmshape itself called the layer (the traced model is the layer)."""
        frame: FrameType | None = sys._getframe(1)
        while frame is not None and (
            frame.f_code.co_filename.startswith(self.torch_dir)
            or frame.f_code.co_filename == __file__
        ):
            frame = frame.f_back
        if frame is None or frame.f_code.co_filename.startswith(LSTMSHAPE_DIR):
            return None
        return site_text(frame.f_code.co_filename, frame.f_lineno)

    def inside_libraries(self, filename: str) -> bool:
        """Whether a frame's file is torch's or lstmshape's, not the user's."""
        return filename.startswith((self.torch_dir, LSTMSHAPE_DIR))


def _named_inputs(arguments: Arguments) -> tuple[tuple[str, Shape], ...]:
    received = arguments.received
    if arguments.problem is not None:
        return ()
    if received.packed_data is not None:
        steps = max(received.lengths or (0,))
        named: list[tuple[str, Shape]] = [
            ("input.data", received.packed_data),
            ("input.batch_sizes", (steps,)),
        ]
    else:
        named = [("input", received.input)]
    named += [(n, s) for n, s in (("h_0", received.h_0), ("c_0", received.c_0)) if s is not None]
    return tuple(named)


def _named_outputs(kind: ModuleKind, done: Pending, output: Any) -> tuple[tuple[str, Shape], ...]:
    if kind.is_cell:
        finals = output if isinstance(output, tuple) else (output,)
        named: list[tuple[str, Shape]] = []
    else:
        out, hidden = output
        finals = hidden if isinstance(hidden, tuple) else (hidden,)
        if done.arguments.received.packed_data is not None:
            named = [
                ("output.data", tuple(out.data.shape)),
                ("output.batch_sizes", tuple(out.batch_sizes.shape)),
            ]
        else:
            named = [("output", tuple(out.shape))]
    named += [(name, tuple(t.shape)) for name, t in zip(kind.final_names, finals, strict=True)]
    return tuple((name, tuple(int(s) for s in shape)) for name, shape in named)


def _steps_in_python(torch: Any, report: Report) -> bool:
    """Whether torch's shape-only kernel for this call steps through time in Python, and long."""
    spec = report.spec
    if spec.kind.is_cell or report.packing is not None:
        return False
    mkldnn = torch.backends.mkldnn
    fused = spec.kind.name == "LSTM" and spec.proj_size == 0
    if fused and mkldnn.is_available() and mkldnn.enabled:
        return False
    steps = report.input_shape[1 if spec.batch_first and report.batched else 0]
    return steps * spec.num_layers * spec.D > KERNEL_STEPS


def _cell_dtypes(torch: Any, module: Any, report: Report, x: Any) -> None:
    """torch's shape-only cell kernels take an input of another dtype than the weights, which its
    real kernels refuse: a real cell of one feature, of the weights' dtype, is run on a real
    input of one feature and the input's dtype, so that torch raises its own error."""
    from torch._subclasses.fake_tensor import unset_fake_temporarily

    weights = module.weight_ih.dtype
    if x.dtype == weights:
        return
    # The probe's own weights are drawn at random: the caller's random state is kept.
    with unset_fake_temporarily(), torch.no_grad(), torch.random.fork_rng(devices=[]):
        probe = getattr(torch.nn, report.spec.kind.name)(1, 1, dtype=weights, device="cpu")
        probe(torch.zeros(1, 1, dtype=x.dtype, device="cpu"))


def _first_step(report: Report, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """forward's positional arguments with the input cut to its first time step (in ``kwargs``
    when it was given by name): every check torch makes before its kernel is the same for L=1."""
    axis = 1 if report.spec.batch_first and report.batched else 0
    if args:
        return (args[0].narrow(axis, 0, 1), *args[1:])
    kwargs["input"] = kwargs["input"].narrow(axis, 0, 1)
    return ()
