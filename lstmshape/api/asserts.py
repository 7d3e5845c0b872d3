"""assert_shapes: the one call a test needs to hold a module's shapes, failing as an assertion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lstmshape.api.modules import ShapeLike, spec_of_module
from lstmshape.commands.explain import explain_spec
from lstmshape.errors import ExpectationError, UnreadableValueError
from lstmshape.i18n import speaking, tr
from lstmshape.i18n.text import aligned, format_shape
from lstmshape.i18n.words import Change, Fix, verbatim, words
from lstmshape.reading.python_values import lang_argument, shapes_by_name
from lstmshape.results.report import Expectation, Report
from lstmshape.torchfacts.parameters import parameter_named
from lstmshape.torchfacts.spec import ModuleSpec


def assert_shapes(
    module: object,
    input: ShapeLike,
    expected: Mapping[str, ShapeLike] | None = None,
    *,
    h_0: ShapeLike | None = None,
    c_0: ShapeLike | None = None,
    lengths: Sequence[int] | None = None,
    enforce_sorted: bool = True,
    lang: str | None = None,
    **shapes: ShapeLike,
) -> Report:
    """Assert the shapes ``module`` gives on ``input``; return the report when they all hold.

    ``module`` is a torch module instance (as :func:`explain_module` takes it) or a
    :class:`ModuleSpec`. The expected shapes come as keywords (``output=(4, 3, 20), h_n=(2, 3,
    20)``) and/or as a mapping, which also takes names such as ``"output.data"``. Raises
    :class:`ExpectationError`, an ``AssertionError`` as well, listing every shape that differs with
    the tool's explanation of it; a state or input that does not fit raises as explain does.
    ``lang`` is the language of the error (as :func:`lstmshape.explain`'s)::

        lstmshape.assert_shapes(model.encoder, (4, 3, 10), output=(4, 3, 40), h_n=(4, 3, 20))
    """
    __tracebackhide__ = True  # pytest shows the failed assertion, not lstmshape's frames
    with speaking(lang_argument(lang)):
        example = 'assert_shapes(module, input, {"output": (4, 3, 20)})'
        given = {} if expected is None else shapes_by_name(expected, "assert_shapes", example)
        wanted = {**given, **shapes}
        if not wanted:
            raise UnreadableValueError(
                words("assert_shapes was given no shapes to assert."),
                hint=words(
                    "Try {a}.", a="assert_shapes(module, input, output=(4, 3, 20), h_n=(2, 3, 20))"
                ),
            )
        spec = module if isinstance(module, ModuleSpec) else spec_of_module(module)
        report = explain_spec(
            spec,
            input,
            h_0=h_0,
            c_0=c_0,
            expect=wanted,
            lengths=lengths,
            enforce_sorted=enforce_sorted,
        )
        differ = [e for e in report.expectations if not e.ok]
        if differ:
            raise _differ(spec, report, differ)
        return report


def _differ(spec: ModuleSpec, report: Report, differ: list[Expectation]) -> ExpectationError:
    """The table view of what differs, one row per shape; one line proposes every computed shape."""
    rows: list[tuple[str, ...]] = [(tr("tensor"), tr("expected"), tr("computed"), tr("axes"))]
    rows += [
        (e.tensor, format_shape(e.expected), format_shape(e.computed), _axes(report, e))
        for e in differ
    ]
    computed = Fix(tuple(Change(f"expect.{e.tensor}", e.computed) for e in differ))
    call, shape = spec.torch_call(), format_shape(report.input_shape)
    return ExpectationError(
        words(
            "1 shape differs from the expected for {call} on input {shape}:", call=call, shape=shape
        )
        if len(differ) == 1
        else words(
            "{count} shapes differ from the expected for {call} on input {shape}:",
            count=len(differ),
            call=call,
            shape=shape,
        ),
        details=[verbatim(row) for row in aligned(rows)],
        hint=words(
            "Try expecting {computed}, or change the module's arguments.", computed=computed
        ),
    )


def _axes(report: Report, e: Expectation) -> str:
    """A tensor's axes with their sizes and derivations; a parameter's rows in symbols."""
    if e.of == "parameter":
        p = parameter_named(report.spec, e.tensor)
        return "" if p is None else p.rows
    dims = report.tensor(e.tensor).dims
    return ", ".join(
        d.label() + (f" ({d.derivation})" if d.derivation != d.symbol else "") for d in dims
    )
