"""Text to numbers: every accepted spelling of a shape, and an exact message for each bad one."""

import re

import pytest

from lstmshape.errors import UnreadableValueError
from lstmshape.parsing import parse_expectation, parse_float, parse_int, parse_shape

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
    assert parse_shape(text, "--input") == shape


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
    with pytest.raises(UnreadableValueError, match="^" + re.escape(message)) as info:
        parse_shape(text, "--input")
    assert info.value.hint == "Try --input 4,3,10."
    assert info.value.exit_code == 2


def test_int_and_float() -> None:
    assert parse_int(" 20 ", "--hidden", "20") == 20
    assert parse_int("-3", "--hidden", "20") == -3  # the range is the module's rule, not parsing's
    assert parse_float("0.25", "--dropout", "0.2") == 0.25
    assert parse_float("1e-1", "--dropout", "0.2") == 0.1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_int("abc", "--hidden", "20"), "--hidden 'abc' is not a number."),
        (lambda: parse_int("2.5", "--layers", "2"), "--layers '2.5' is not a whole number."),
        (lambda: parse_float("x", "--dropout", "0.2"), "--dropout 'x' is not a number."),
        (
            lambda: parse_int("99999999999999999999", "--hidden", "20"),
            "--hidden '99999999999999999999' is over torch's largest size (2**63 - 1).",
        ),
        (lambda: parse_float("nan", "--dropout", "0.2"), "--dropout 'nan' is not a finite number."),
        (lambda: parse_float("inf", "--dropout", "0.2"), "--dropout 'inf' is not a finite number."),
    ],
)
def test_bad_numbers(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnreadableValueError, match="^" + re.escape(message)):
        call()


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
    assert parse_expectation(text, NAMES) == parsed


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
    with pytest.raises(UnreadableValueError, match="^" + re.escape(message)):
        parse_expectation(text, NAMES)
