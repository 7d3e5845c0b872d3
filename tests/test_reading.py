"""Text to numbers: every accepted spelling of a shape, and an exact message for each bad one.

Messages are checked as the command line says them (the reader names torch's arguments; the
command line's voice says them as its options)."""

import pytest

from lstmshape.cli.voice import COMMAND_LINE
from lstmshape.errors import UnreadableValueError
from lstmshape.reading.names import read_expectation
from lstmshape.reading.values import read_float, read_int, read_shape

NAMES = ("input", "h_0", "c_0", "output", "h_n", "c_n")


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("4,3,10", (4, 3, 10)),
        ("4x3x10", (4, 3, 10)),
        ("4X3X10", (4, 3, 10)),
        ("4×3×10", (4, 3, 10)),
        ("(4, 3, 10)", (4, 3, 10)),
        ("[4,3,10]", (4, 3, 10)),
        (" 4 , 3 , 10 ", (4, 3, 10)),
        ("4 3 10", (4, 3, 10)),
        ("torch.Size([4, 3, 10])", (4, 3, 10)),
        ("tensor([4, 3, 10])", (4, 3, 10)),
        ("4 x 3 x 10", (4, 3, 10)),
        ("5,10", (5, 10)),
        ("(80)", (80,)),
        ("4,0,10", (4, 0, 10)),
        ("+4,3,10", (4, 3, 10)),
    ],
)
def test_shape_spellings(text: str, shape: tuple[int, ...]) -> None:
    assert read_shape(text, "input") == shape


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("4,,10", "--input '4,,10': axis 1 is empty."),
        ("", "--input is empty: a shape is whole numbers"),
        ("()", "--input is empty: a shape is whole numbers"),
        ("4,-3,10", "--input '4,-3,10': axis 1 is -3, and a size cannot be negative."),
        ("4,3.5,10", "--input '4,3.5,10': axis 1 is 3.5, not a whole number."),
        ("4,abc,10", "--input '4,abc,10': axis 1 is 'abc', not a number."),
        (
            "4,3,9223372036854775808",
            "--input '4,3,9223372036854775808': axis 2 is 9223372036854775808, over torch's "
            "largest size (2**63 - 1).",
        ),
        ("4,3,10,", "--input '4,3,10,': axis 3 is empty."),
        ("4,x,10", "--input '4,x,10': axis 1 is 'x', not a number."),
    ],
)
def test_bad_shapes_name_option_value_and_token(text: str, message: str) -> None:
    with pytest.raises(UnreadableValueError) as info:
        read_shape(text, "input")
    said = info.value.lines(COMMAND_LINE)
    assert said[0].startswith(message)
    assert said[-1] == "  Try --input 4,3,10."
    assert info.value.exit_code == 2


def test_int_and_float() -> None:
    assert read_int(" 20 ", "hidden_size", 20) == 20
    assert read_int("-3", "hidden_size", 20) == -3  # the range is the module's rule, not reading's
    assert read_float("0.25", "dropout", 0.2) == 0.25
    assert read_float("1e-1", "dropout", 0.2) == 0.1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: read_int("abc", "hidden_size", 20), "--hidden 'abc' is not a number."),
        (lambda: read_int("2.5", "num_layers", 2), "--layers '2.5' is not a whole number."),
        (lambda: read_float("x", "dropout", 0.2), "--dropout 'x' is not a number."),
        (
            lambda: read_int("99999999999999999999", "hidden_size", 20),
            "--hidden '99999999999999999999' is over torch's largest size (2**63 - 1).",
        ),
        (lambda: read_float("nan", "dropout", 0.2), "--dropout 'nan' is not a finite number."),
        (lambda: read_float("inf", "dropout", 0.2), "--dropout 'inf' is not a finite number."),
    ],
)
def test_bad_numbers(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnreadableValueError) as info:
        call()
    assert info.value.lines(COMMAND_LINE)[0] == message


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("output=4,3,20", ("output", (4, 3, 20))),
        ("h_n=2,3,20", ("h_n", (2, 3, 20))),
        ("hn=2x3x20", ("h_n", (2, 3, 20))),
        ("H0=(2, 3, 20)", ("h_0", (2, 3, 20))),
        ("c_n = 2,3,20", ("c_n", (2, 3, 20))),
    ],
)
def test_expectations(text: str, parsed: tuple[str, tuple[int, ...]]) -> None:
    assert read_expectation(text, NAMES) == parsed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("output", "--expect 'output' is not NAME=SHAPE."),
        ("=4,3,20", "--expect '=4,3,20' is not NAME=SHAPE."),
        ("hidden=4,3,20", "--expect 'hidden=4,3,20': this module has no tensor named 'hidden'."),
        ("output=4,,20", "--expect output='4,,20': axis 1 is empty."),
    ],
)
def test_bad_expectations(text: str, message: str) -> None:
    with pytest.raises(UnreadableValueError) as info:
        read_expectation(text, NAMES)
    assert info.value.lines(COMMAND_LINE)[0] == message


@pytest.mark.parametrize(
    ("text", "shape"),
    [("(10,)", (10,)), ("(4, 3, 10)", (4, 3, 10)), ("torch.Size([10])", (10,)), ("[10]", (10,))],
)
def test_lstmshape_reads_its_own_notation_back(text: str, shape: tuple[int, ...]) -> None:
    """Every shape lstmshape prints, format_shape's (10,) included, is a shape it reads."""
    from lstmshape.i18n.text import format_shape

    assert read_shape(text, "input") == shape
    assert read_shape(format_shape(shape), "input") == shape
