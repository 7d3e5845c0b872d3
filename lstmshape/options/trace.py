"""The trace command's question, as typed (``trace MODULE:FACTORY --input 8,5 --input-dtype long``),
read into a trace: the options checked before anything is built, the model built and traced, the
expected shapes compared, the deployment verdicts when asked.

The command line (cli/trace.py) and the %lstmshape magic (notebook.py) both ask this way. A failure
whose fix is in the inputs lstmshape made is said as options (``--input-dtype long``).
"""

from __future__ import annotations

from math import prod
from typing import Any

from lstmshape.errors import UnreadableValueError
from lstmshape.i18n.words import Arg, Setting, Shown, Typed, words
from lstmshape.reading.values import read_shape
from lstmshape.results.trace import Trace

Shape = tuple[int, ...]


def build_trace(
    factory: str,
    inputs: tuple[str, ...],
    dtypes: tuple[str, ...],
    expect: tuple[str, ...],
    budget: str | None = None,
    inputs_function: str | None = None,
    deploy: tuple[bool, bool] = (False, False),
) -> Trace:
    """The trace the options ask for, its expected shapes compared; with ``deploy`` (--deploy,
    --verify) its deployment verdicts."""
    from lstmshape.commands.trace.building import trace_factory
    from lstmshape.commands.trace.factory import load_factory
    from lstmshape.proof import DEFAULT_BUDGET_BYTES
    from lstmshape.reading.values import read_memory

    _refuse_option_mixes(inputs, dtypes, inputs_function, deploy)
    shapes = [read_shape(text, "input") for text in inputs]
    kinds = _input_dtypes(dtypes, len(shapes))
    expected = dict(_read_expectation(text) for text in expect)
    for text, shape, kind in zip(inputs, shapes, kinds, strict=False):
        _refuse_overflow(text, shape, kind)
    limit = DEFAULT_BUDGET_BYTES if budget is None else read_memory(budget, "budget")
    built, made = (
        load_factory(factory),
        None if inputs_function is None else load_inputs(inputs_function),
    )
    examples = list(zip(shapes, kinds, strict=False))
    trace = trace_factory(
        built,
        examples,
        reference=factory,
        budget=limit,
        make_inputs=made,
        inputs_reference=inputs_function or "",
    )
    if inputs_function is None:
        trace = _worded_for_the_command_line(trace)
    if deploy[0]:
        from lstmshape.commands.trace.deployed import deploy_built

        trace = deploy_built(trace, built, factory, examples, made, verify=deploy[1])
    return trace.expecting(expected) if expected else trace


def _refuse_option_mixes(
    inputs: tuple[str, ...],
    dtypes: tuple[str, ...],
    inputs_function: str | None,
    deploy: tuple[bool, bool],
) -> None:
    """The options that do not go together, or one missing: said before anything is built."""
    if deploy[1] and not deploy[0]:
        raise UnreadableValueError(
            words("{verify} on trace runs {deploy}'s targets; without {deploy} the trace runs "
                  "torch already.", verify=Arg("verify"), deploy=Arg("deploy")),
            hint=words("Try {deploy} {verify}.", deploy=Arg("deploy"), verify=Arg("verify")),
            subject="verify",
        )  # fmt: skip
    if not inputs and inputs_function is None:
        raise UnreadableValueError(
            words("lstmshape trace needs the shape of the model's input: {input}.", input=Arg("input")),
            hint=words("Try {input} {example}.", input=Arg("input"), example=Shown("input", (8, 5))),
        )  # fmt: skip
    if inputs_function is not None and dtypes:
        raise UnreadableValueError(
            words("{dtype} is for inputs lstmshape makes; {inputs} makes its own.",
                  dtype=Arg("input_dtype"), inputs=Typed("inputs", inputs_function)),
            hint=words("Try without {dtype}: the function gives each tensor its dtype.",
                       dtype=Arg("input_dtype")),
            subject="input_dtype",
        )  # fmt: skip


def _input_dtypes(dtypes: tuple[str, ...], count: int) -> list[str]:
    """One dtype per input: the one given for all, one each, or float32."""
    from lstmshape.commands.trace.factory import read_input_dtype

    kinds = [read_input_dtype(text) for text in dtypes] or ["float32"]
    if len(kinds) not in (1, count):
        raise UnreadableValueError(
            words(
                "{dtypes} {dtype} for {inputs} {input}: give one for all, or one each.",
                dtypes=len(kinds),
                dtype=Arg("input_dtype"),
                inputs=count,
                input=Arg("input"),
            ),
            hint=words("Try {dtype} once, for every input.", dtype=Arg("input_dtype")),
            subject="input_dtype",
        )
    return kinds * count if len(kinds) == 1 else kinds


def _worded_for_the_command_line(trace: Trace) -> Trace:
    """A failure whose fix is in the inputs lstmshape made: the fix said as options (the model's
    own forward given too few inputs; an embedding given the default float32 input)."""
    from dataclasses import replace

    failure = trace.failure
    if failure is None:
        return trace
    error = failure.error
    if error.subject == "input_dtype":
        hint = words("Try {fix}: token ids are integers.", fix="--input-dtype long")
    elif error.subject == "input" and not failure.path:
        hint = words(
            "Try one {input} for each input forward takes; for a state tuple such as (h_0, c_0), "
            "a dict or a dataclass, {inputs} with a function that makes them, or a small factory "
            "that wraps the model.",
            input="--input",
            inputs="--inputs MODULE:FUNCTION",
        )
    else:
        return trace
    return replace(trace, failure=replace(failure, error=error.with_words(hint=hint)))


def _read_expectation(text: str) -> tuple[str, Shape]:
    name, equals, shape = text.partition("=")
    if not equals or not name.strip():
        raise UnreadableValueError(
            words("{given} is not LAYER.TENSOR=SHAPE.", given=Typed("expect", text)),
            hint=words("Try {fix}.", fix=Setting("expect", "encoder.lstm.h_n=2,8,256")),
            subject="expect",
        )
    from lstmshape.results.trace_errors import split_name

    split_name(name.strip())  # a name that ends in no tensor is refused before the model is built
    return name.strip(), read_shape(shape, f"expect.{name.strip()}")


# The most torch counts in a tensor's sizes, strides and bytes: an int64's.
MOST_BYTES = 2**63 - 1


def _refuse_overflow(text: str, shape: Shape, dtype: str) -> None:
    """An input torch cannot make, refused before torch is asked."""
    from lstmshape.commands.trace.factory import ITEMSIZES

    if not _overflows(shape, ITEMSIZES[dtype]):
        return
    raise UnreadableValueError(
        words(
            "{given} is too large for torch: {elements} elements of {dtype}, and torch counts a "
            "tensor's sizes, strides and bytes in 64-bit integers (at most {most}).",
            given=Typed("input", text),
            elements=prod(shape),
            dtype=dtype,
            most=MOST_BYTES,
        ),
        hint=words(
            "Try a smaller {input}: a few short sequences trace the same layers.",
            input=Arg("input"),
        ),
        subject="input",
    )


def _overflows(shape: Shape, itemsize: int) -> bool:
    """Whether torch's 64-bit counts overflow for a tensor of ``shape``: each size and stride (a
    stride is the product of the later sizes, a zero counted as one) at most 2**63 - 1; the
    product of the sizes, taken in order, at most 2**64 - 1 at every step (a zero does not undo an
    overflow before it); the bytes at most 2**63 - 1."""
    if any(size > MOST_BYTES for size in shape):
        return True
    stride = 1
    for size in reversed(shape[1:]):
        stride *= max(size, 1)
        if stride > MOST_BYTES:
            return True
    running = 1
    for size in shape:
        running *= size
        if running > 2**64 - 1:
            return True
    return running * itemsize > MOST_BYTES


def load_inputs(reference: str) -> Any:
    """The user's inputs function, ``PACKAGE.MODULE:FUNCTION``."""
    from lstmshape.commands.trace.factory import load_factory

    if reference.count(":") != 1 or not all(reference.partition(":")[::2]):
        raise UnreadableValueError(
            words(
                "{given} does not name a function: write it PACKAGE.MODULE:FUNCTION.",
                given=Typed("inputs", reference),
            ),
            hint=words("Try {fix}.", fix=Setting("inputs", "mypackage.models:make_inputs")),
            subject="inputs",
        )
    return load_factory(reference)
