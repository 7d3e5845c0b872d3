"""Spec + input shape -> report. Pure: no torch, no Rich, no front end.

The path a question takes: :func:`explain` reads the keyword arguments (the same readers as every
front end), refuses what the class does not take, builds the :class:`ModuleSpec` (torch's
constructor rules), then :func:`explain_spec` picks the sequence, cell or packed path. Each path
checks the tensors in the order torch's forward() does and lays out the report: tensors, symbols,
parameters, facts and notes.
"""

from __future__ import annotations

from typing import Any

from lstmshape.commands.explain.expectations import Expected, read_expected
from lstmshape.errors import InvalidModuleError, UnreadableValueError
from lstmshape.hooks import PROVE
from lstmshape.i18n import speaking
from lstmshape.i18n.text import a_module, format_shape
from lstmshape.i18n.words import Arg, Shown, drop, fix, words
from lstmshape.reading.python_values import lang_argument, lengths_of, shape_of
from lstmshape.results.report import Report
from lstmshape.torchfacts.arguments import CONSTRUCTOR
from lstmshape.torchfacts.kinds import KINDS, LSTM, ModuleKind, read_module
from lstmshape.torchfacts.rules import refuse_missing
from lstmshape.torchfacts.spec import ModuleSpec

Shape = tuple[int, ...]
# The arguments some member of the family does not take (a cell has no num_layers, a GRU no
# proj_size), in the order lstmshape refuses them.
_SOME_CLASSES_LACK = tuple(
    a.name for a in CONSTRUCTOR if not all(a.taken_by(kind) for kind in KINDS.values())
)


def explain(
    input: Any,
    hidden_size: int,
    *,
    input_size: int | None = None,
    num_layers: int | None = None,
    bias: bool = True,
    batch_first: bool | None = None,
    dropout: float | None = None,
    bidirectional: bool | None = None,
    proj_size: int | None = None,
    nonlinearity: str | None = None,
    h_0: Any = None,
    c_0: Any = None,
    expect: Expected | None = None,
    module: str | ModuleKind = LSTM,
    lengths: Any = None,
    enforce_sorted: bool = True,
    lang: str | None = None,
    deploy: bool = False,
    verify: bool = False,
) -> Report:
    """Explain every tensor of ``nn.LSTM(input_size, hidden_size, ...)`` applied to ``input``.

    ``module`` is ``"LSTM"`` (default), ``"GRU"``, ``"RNN"`` or a cell (``"LSTMCell"``, ...), in
    any letter case; ``nonlinearity`` is RNN's. The arguments a class takes default to torch's
    defaults (num_layers=1, batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
    nonlinearity='tanh'); one a class does not take is refused, even at its default, as torch
    refuses it. ``lengths`` packs the padded input with pack_padded_sequence (``enforce_sorted``
    as there).

    ``input`` is the input's shape (a tuple, a torch.Size, a tensor or text such as "4,3,10");
    ``input_size`` defaults to its last dimension. ``h_0`` and ``c_0`` are the shapes of the initial
    states you mean to pass, checked against the module. ``expect`` gives the shapes you expect, as
    a mapping or (name, shape) pairs; the comparisons are in ``report.expectations`` and any
    mismatch in ``report.failures()``.

    Raises :class:`UnreadableValueError` for a value that is not a shape or a number,
    :class:`InvalidModuleError` for arguments torch would refuse and :class:`TensorMismatchError`
    for a tensor that does not fit the module. ``lang`` (``"ja"``, ``"fr"``, ``"es"``, ``"en"``)
    is the language of the report's text and of the errors; by default LSTMSHAPE_LANG's, else the
    locale's, else English.

    ``deploy=True`` adds ``report.deploy``: for each target (both ONNX exporters, torch.export,
    torch.compile, quantize_dynamic, DataParallel, cuDNN) whether the layer works, works with a
    change or fails, why, and the change as code, as lstmshape measured it (unproven for this
    configuration). ``verify=True`` proves the report with torch (:func:`lstmshape.verify`) and,
    with ``deploy``, runs every target this machine can run with your torch and onnxruntime.
    """
    keywords = locals()  # the keywords by name, as the rows name them
    with speaking(lang_argument(lang)):
        kind = read_module(module)
        # The arguments only some classes take: None is "not given", and torch's default applies.
        given: dict[str, Any] = {
            name: keywords[name] for name in _SOME_CLASSES_LACK if keywords.get(name) is not None
        }
        refuse_missing(kind, given, given)
        input_shape = shape_of(input, "input")
        derived = input_size is None
        spec_input_size = (
            (input_shape[-1] if input_shape else 0) if input_size is None else input_size
        )
        try:
            spec = ModuleSpec(
                input_size=spec_input_size, hidden_size=hidden_size, bias=bias, kind=kind, **given
            )
        except InvalidModuleError as error:
            if derived and error.argument == "input_size" and spec_input_size <= 0:
                raise _input_without_features(input_shape, error) from None
            raise
        report = explain_spec(
            spec,
            input_shape,
            h_0=h_0,
            c_0=c_0,
            expect=expect,
            lengths=lengths,
            enforce_sorted=enforce_sorted,
        )
        return _proven(report, deploy=deploy, verify=verify)


def _proven(report: Report, *, deploy: bool, verify: bool) -> Report:
    """The report verified and deployed as asked: by lstmshape.proof and lstmshape.deploy, layers
    above this core (they explain reports of their own), through the function the package's root
    installs in lstmshape.hooks."""
    if not (deploy or verify):
        return report
    (prove,) = PROVE
    proven: Report = prove(report, deploy, verify)
    return proven


def _input_without_features(input_shape: Shape, error: InvalidModuleError) -> InvalidModuleError:
    """The user gave no input_size: the fault is the input's last axis, so say that. torch
    refuses the module before it sees the input, so this comes before the input's rank."""
    clone = error.with_words(
        details=[
            *error.detail_words,
            words(
                "input_size is taken from the input's last axis: {shape}.",
                shape=format_shape(input_shape),
            ),
        ],
        hint=words(
            "Try an {input} whose last axis (H_in) is at least 1, such as {example}.",
            input=Arg("input"),
            example=Shown("input", (4, 3, 10)),
        ),
    )
    assert isinstance(clone, InvalidModuleError)
    return clone


def explain_spec(
    spec: ModuleSpec,
    input_shape: Any,
    *,
    h_0: Any = None,
    c_0: Any = None,
    expect: Expected | None = None,
    lengths: Any = None,
    enforce_sorted: bool = True,
    lang: str | None = None,
) -> Report:
    """Explain ``spec`` applied to an input of ``input_shape``; see :func:`explain`."""
    with speaking(lang_argument(lang)):
        if not isinstance(spec, ModuleSpec):
            raise UnreadableValueError(
                words("{given} is not a ModuleSpec.", given=f"spec={spec!r}"),
                hint=words(
                    "Try {a} or {b}.",
                    a="lstmshape.explain(input, hidden_size, ...)",
                    b="ModuleSpec(input_size, hidden_size)",
                ),
            )
        shape = shape_of(input_shape, "input")
        states = {
            name: None if value is None else shape_of(value, name)
            for name, value in (("h_0", h_0), ("c_0", c_0))
        }
        if states["c_0"] is not None and not spec.kind.has_cell_state:
            raise _no_cell_state(spec.kind)
        wanted = read_expected(expect)
        if not isinstance(enforce_sorted, bool):
            raise UnreadableValueError(
                words("{given} is not True or False.", given=f"enforce_sorted={enforce_sorted!r}"),
                hint=words("Try {a}.", a=fix(enforce_sorted=False)),
            )
        # The packed and cell paths load when asked for: explaining nn.LSTM pays for neither.
        if lengths is not None:
            from lstmshape.commands.explain.packing import explain_packed

            return explain_packed(
                spec,
                shape,
                lengths_of(lengths),
                enforce_sorted=enforce_sorted,
                h_0=states["h_0"],
                c_0=states["c_0"],
                expect=wanted,
            )
        if spec.kind.is_cell:
            from lstmshape.commands.explain.cells import explain_cell

            return explain_cell(spec, shape, h_0=states["h_0"], c_0=states["c_0"], expect=wanted)
        # Loaded by the first question, not by the package: why and inspect import the diagnosis
        # (diagnosis/) and the expectations beside it, and never explain a sequence.
        from lstmshape.commands.explain.sequence import explain_sequence

        return explain_sequence(spec, shape, h_0=states["h_0"], c_0=states["c_0"], expect=wanted)


def _no_cell_state(kind: ModuleKind) -> UnreadableValueError:
    final = kind.final_names[0]
    return UnreadableValueError(
        words(
            "{module} has no cell state, so there is no c_0 to pass.",
            module=a_module(kind, start=True),
        ),
        details=[
            words("It takes (input, h_0) and returns {final} after output.", final=final)
            if final == "h_n"
            else words("It takes (input, h_0) and returns {final} alone.", final=final)
        ],
        hint=words(
            "Try {c0}, or {module}.",
            c0=drop("c_0"),
            module=fix(module="LSTMCell" if kind.is_cell else "LSTM"),
        ),
        subject="c_0",
    )


__all__ = ["Expected", "explain", "explain_spec"]
