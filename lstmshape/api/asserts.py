"""assert_shapes: the one call a test needs to hold a module's shapes, failing as an assertion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lstmshape.api.modules import ShapeLike, spec_of_module
from lstmshape.errors import ExpectationError, UnreadableValueError
from lstmshape.explain import explain_spec
from lstmshape.model.report import Report
from lstmshape.model.text import format_shape
from lstmshape.spec import ModuleSpec
from lstmshape.words import PYTHON, Change, Fix, words


def assert_shapes(
    module: object,
    input: ShapeLike,
    expected: Mapping[str, ShapeLike] | None = None,
    *,
    h_0: ShapeLike | None = None,
    c_0: ShapeLike | None = None,
    lengths: Sequence[int] | None = None,
    enforce_sorted: bool = True,
    **shapes: ShapeLike,
) -> Report:
    """Assert the shapes ``module`` gives on ``input``; return the report when they all hold.

    ``module`` is a torch module instance (as :func:`explain_module` takes it) or a
    :class:`ModuleSpec`. The expected shapes come as keywords (``output=(4, 3, 20), h_n=(2, 3,
    20)``) and/or as a mapping, which also takes names such as ``"output.data"``. Raises
    :class:`ExpectationError`, an ``AssertionError`` as well, listing every shape that differs with
    the tool's explanation of it; a state or input that does not fit raises as explain does::

        lstmshape.assert_shapes(model.encoder, (4, 3, 10), output=(4, 3, 40), h_n=(4, 3, 20))
    """
    wanted = {**(expected or {}), **shapes}
    if not wanted:
        raise UnreadableValueError(
            "assert_shapes was given no shapes to assert.",
            hint="Try assert_shapes(module, input, output=(4, 3, 20), h_n=(2, 3, 20)).",
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
    failures = report.failures()
    if not failures:
        return report
    differ = "1 shape differs" if len(failures) == 1 else f"{len(failures)} shapes differ"
    # Each failure without its own "Try" line: one line proposes every computed shape at once.
    lines = [
        line
        for failure in failures
        for line in failure.lines(PYTHON)[: -1 if failure.hint_words is not None else None]
    ]
    computed = Fix(
        tuple(Change(f"expect.{e.tensor}", e.computed) for e in report.expectations if not e.ok)
    )
    raise ExpectationError(
        f"{differ} from the expected for {spec.torch_call()} on input "
        f"{format_shape(report.input_shape)}:",
        details=lines,
        hint=words(
            "Try expecting {computed}, or change the module's arguments.", computed=computed
        ),
    )
