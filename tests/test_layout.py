"""Every line lstmshape writes fits the terminal, in every language and view, and breaks only where
a line may break (lstmshape/i18n/lines.py).

Random configurations (Hypothesis, derandomized) of every module, valid and not, and of torch's
own errors for ``why``, in the four languages, at COLUMNS=120, 80 and 60, in the table and plain
views; and fixed runs of the other commands and of the help screens. Each output is held to the
same run at a width where nothing wraps (the oracle of what is whole):

- every line of stdout and stderr takes at most COLUMNS columns (a wide character two), but one
  that holds a single piece wider than the line (a path, a name, code) after its indent and label,
  or a fix of ``why`` (code the user pastes, one whole line): those overflow, never cut;
- stderr, unwrapped (its continuations are four columns in), is the whole run's stderr: wrapping
  changes no word, and every continuation is indented;
- ``why``'s numbered causes continue under their text (column 3), each fix one whole line;
- every name (a word with an underscore: ``batch_sizes``, ``h_0``, ``weight_ih_l0``), option
  (``--batch-first``), katakana word, shape and number with its unit of the narrow output is one
  of the wide output's: none is torn in two;
- no line (nor a table's column) starts with a closing mark (、 。 」 and the like, French's
  ``: ; ? !``), nor ends with an opening one;
- French: no ordinary space before ``: ; ? !`` (a no-break space: lstmshape/i18n/typography.py).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from lstmshape.i18n import LANGUAGES, speaking, tr
from lstmshape.i18n.lines import pieces, wrap
from lstmshape.i18n.text import WIDE_CLOSING, WIDE_OPENING
from tests.conftest import invoke, unwrapped
from tests.test_paste import wrong_states

WIDTHS = (120, 80, 60)
# Typer lays out its help screens: they fit 80 columns; at 60 its option names are cut with an
# ellipsis (a known limit, docs/languages.md).
HELP_WIDTHS = (80,)
# Wide enough that nothing of lstmshape's wraps: what a piece is, whole.
WHOLE = 1000

# The pieces a line must never tear, found in the output by these patterns.
NAME = re.compile(
    r"(?<![A-Za-z0-9_-])(?:--[a-z][a-z0-9-]*|[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*)(?![A-Za-z0-9_])"
)
KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]{2,}")
SHAPE = re.compile(r"\((?:\d+, )+\d+,?\)|\(\d+,\)")
SIZE = re.compile(r"\d[\d.,\u202f]*[ \u00a0\u202f](?:[KMGTP]i)?[Bo](?!\w)")
# Kinsoku: no line, and no column of a table (after two spaces or a border), starts with these.
_STARTS = r"(?:^|\s{2,}|[│┃|] ?)"
NO_START = re.compile(_STARTS + r"[" + re.escape("".join(WIDE_CLOSING - {"ー"})) + r":;?!]")
NO_END = re.compile(r"[" + re.escape("".join(WIDE_OPENING)) + r"]$")
SPACED_MARK = re.compile(r"(?<=\S) [:;?!](?=\s|$)")


@st.composite
def command_lines(draw: st.DrawFn) -> str:
    """A random explain command line: any module, batched or not, packed or not, sizes up to
    thousands (counts into the millions, grouped in each language's way), some of them wrong."""
    module = draw(st.sampled_from(["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"]))
    hidden = draw(st.integers(1, 2048))
    width = draw(st.integers(1, 2048))
    batch = draw(st.integers(1, 6))
    args = ["--module", module, "--hidden", str(hidden)]
    if module.endswith("Cell"):
        shape = [batch, width] if draw(st.booleans()) else [width]
    else:
        steps = draw(st.integers(1, 9))
        first = draw(st.booleans())
        shape = [batch, steps, width] if first else [steps, batch, width]
        args += ["--layers", str(draw(st.integers(1, 5)))]
        args += ["--batch-first"] * first + ["--bidirectional"] * draw(st.booleans())
        if module == "LSTM" and draw(st.booleans()):
            args += ["--proj-size", str(draw(st.integers(1, hidden + 1)))]  # hidden + 1: refused
        if draw(st.booleans()):
            lengths = draw(st.lists(st.integers(1, steps), min_size=batch, max_size=batch))
            args += ["--lengths", ",".join(map(str, lengths)), "--unsorted"]
    if draw(st.booleans()):
        args += ["--h0", ",".join(str(draw(st.integers(1, 9))) for _ in shape)]  # often wrong
    args += ["--input", ",".join(map(str, shape))]
    args += ["--cost"] * draw(st.booleans())
    return " ".join(args)


# A line that is only the end of a Japanese sentence (「です。」): the line before kept it.
WIDOW = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]{1,3}。")


def _lone_ending(before: str, line: str, width: int) -> bool:
    """Whether ``line`` is only a Japanese sentence's end (「です。」) that the last piece of the
    line ``before`` could have kept company: they fit on one line together."""
    if not (WIDOW.fullmatch(line.strip()) and before.strip()):
        return False
    indent = line[: len(line) - len(line.lstrip())]
    return cell_len(indent + pieces(before.strip())[-1] + line.strip()) <= width


def _pieces(text: str) -> dict[str, Counter[str]]:
    return {
        "name": Counter(NAME.findall(text)),
        "katakana": Counter(KATAKANA.findall(text)),
        "shape": Counter(SHAPE.findall(text)),
        "size": Counter(SIZE.findall(text)),
    }


# A label before the one piece of an overflowing line: "Error: ", "  Try ", "Erreur\u00a0: ".
_LABEL = re.compile(r"^\s*(?:\S+(?:\u00a0|\u202f)?: |Try |\S+ )?")


def overflows_rightly(line: str, lang: str) -> bool:
    """Whether ``line``, wider than the terminal, is one that may be: a single piece wider than a
    line, after its indent and its label, or a fix of ``why`` (pasted code, never wrapped)."""
    with speaking(lang):
        fix = tr("fix: {fix}", fix="")
    if line.lstrip().startswith(fix):
        return True
    rest = line.strip()
    label = _LABEL.match(rest)
    return len(pieces(rest)) == 1 or len(pieces(rest[label.end() if label else 0 :])) == 1


def layout_faults(narrow: str, whole: str, width: int, lang: str) -> list[str]:
    """What is wrong with ``narrow`` (written at ``width``) against ``whole`` (the same run with
    nothing wrapped): an empty list when it is laid out right."""
    faults = [
        f"{cell_len(line)} > {width}: {line!r}"
        for line in narrow.splitlines()
        if cell_len(line) > width and not overflows_rightly(line, lang)
    ]
    wide, said = _pieces(whole), _pieces(narrow)
    for kind in ("name", "katakana"):
        faults += [f"torn {kind}: {p!r}" for p in said[kind] if p not in wide[kind]]
    for kind in ("shape", "size"):  # each shape and size of the whole run, still whole
        if said[kind] != wide[kind]:
            faults.append(f"torn {kind}: {sorted((wide[kind] - said[kind]).elements())}")
    lines = narrow.splitlines()
    for before, line in zip(["", *lines], lines, strict=False):
        if NO_START.search(line) or NO_END.search(line.rstrip()):
            faults.append(f"kinsoku: {line!r}")
        if _lone_ending(before, line, width):
            faults.append(f"widow: {line!r}")
    for line in unwrapped(narrow).splitlines():
        # onnxruntime's own message, quoted as it is: "[ONNXRuntimeError] : 2 : ...".
        if lang == "fr" and SPACED_MARK.search(line.partition("[ONNXRuntimeError]")[0]):
            faults.append(f"space before a mark: {line!r}")
    return faults


def _run(args: str, width: int) -> str:
    result = invoke(args, columns=width)
    return result.stdout + result.stderr


def stderr_faults(args: str, width: int) -> list[str]:
    """Where stderr at ``width``, unwrapped, differs from stderr with nothing wrapped: a word
    changed by wrapping, or a continuation not indented four columns."""
    narrow = invoke(args, columns=width).stderr
    whole = invoke(args, columns=WHOLE).stderr
    if unwrapped(narrow) == unwrapped(whole):  # an error's own four-column lines alike
        return []
    return [f"stderr at {width}: {narrow!r}, whole: {whole!r}"]


def _checked(args: str, width: int, lang: str) -> list[str]:
    return layout_faults(_run(args, width), _run(args, WHOLE), width, lang) + stderr_faults(
        args, width
    )


@pytest.mark.parametrize("fmt", ["table", "plain"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
@settings(max_examples=12)
@given(args=command_lines())
def test_every_explanation_fits_and_tears_nothing(
    lang: str, width: int, fmt: str, args: str
) -> None:
    full = f"{args} --lang {lang} --format {fmt}"
    assert _checked(full, width, lang) == []


OTHER_COMMANDS = [
    "why --file examples/train.log",
    "inspect examples/seq2seq.pt",
    "check examples/tutorials.toml",
    "check tests/specs/mixed.toml",
    "check tests/specs/bad.toml",
    "--input 4,3,10 --hidden 20 --layers 2 --deploy",
    "--input 4,3,10 --hidden 20 --layers 2 --bidirectional --diagram",
    "--input 4,3,10 --hidden 20 --layers 2 --cost --verify",
    "--input 4,3,10 --hidden 20 --lengths 4,2,1 --verify",
    "--input 4,3,10 --hidden 20 --lengths 3,4,1 --unsorted --proj-size 5 --bidirectional",
    "--input 4,8,256 --hidden 256 --h0 1,32,256",
    "inspect examples/seq2seq.pt -n encoder --hidden 32 --layers 2 --bidirectional",
    "inspect examples/seq2seq.pt --against examples/seq2seq.pt",
    "why --file examples/train.log --input 4,8,256",
    "--input abc --hidden 20",
    "--input 4,3,10 --hidden 20 --bogus",
]


@pytest.mark.parametrize("fmt", ["table", "plain"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("command", OTHER_COMMANDS)
def test_every_command_fits_and_tears_nothing(
    lang: str, width: int, fmt: str, command: str
) -> None:
    if "--diagram" in command and fmt == "plain":
        fmt = "table"  # a diagram is drawn in the table view only
    full = f"{command} --lang {lang} --format {fmt}"
    assert _checked(full, width, lang) == []


def numbered_faults(narrow: str, whole: str) -> list[str]:
    """Where ``why``'s numbered causes at a width are not the whole run's rejoined: a cause's
    wrapped lines continue under its text (three columns in), and its fix is one whole line."""
    joined: list[str] = []
    for line in narrow.splitlines():
        cause = joined and re.match(r"\d+\. ", joined[-1])
        continued = line.startswith("   ") and not line.startswith("    ") and not _is_fix(line)
        if cause and continued:
            joined[-1] += ("" if _wide_join(joined[-1], line[3:]) else " ") + line[3:]
            continue
        joined.append(line)
    wanted = [line for line in whole.splitlines() if re.match(r"(\d+\. |   \S)", line)]
    said = [line for line in joined if re.match(r"(\d+\. |   \S)", line)]
    return [] if said == wanted else [f"causes: {said!r} != {wanted!r}"]


_FIXES: dict[str, str] = {}


def _is_fix(line: str) -> bool:
    if not _FIXES:
        for lang in LANGUAGES:
            with speaking(lang):
                _FIXES[lang] = tr("fix: {fix}", fix="")
    return line.lstrip().startswith(tuple(_FIXES.values()))


def _wide_join(before: str, after: str) -> bool:
    return cell_len(before[-1:]) == 2 and cell_len(after[:1]) == 2


@pytest.mark.parametrize("fmt", ["table", "plain"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
@settings(max_examples=6)
@given(text=wrong_states())
def test_every_why_fits_tears_nothing_and_hangs_its_causes(
    lang: str, width: int, fmt: str, text: str
) -> None:
    """torch's own errors (a state of the wrong size, raised by torch) explained by ``why``."""
    args = ["why", text, "--lang", lang, "--format", fmt]
    narrow = invoke(args, columns=width).stdout
    whole = invoke(args, columns=WHOLE).stdout
    assert layout_faults(narrow, whole, width, lang) == []
    assert numbered_faults(narrow, whole) == []


@pytest.mark.parametrize("width", HELP_WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("command", ["", "check", "why", "inspect", "trace"])
def test_every_help_screen_fits_and_tears_nothing(lang: str, width: int, command: str) -> None:
    full = f"{command} --help --lang {lang}".strip()
    # The panels' borders and the padding inside them are the help's frame, not text.
    framed = re.compile(r"[│╭╮╰╯─]")
    narrow = framed.sub(" ", _run(full, width))
    whole = framed.sub(" ", _run(full, WHOLE))
    assert layout_faults(narrow, whole, width, lang) == []


def _numbers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [(k, n) for k, v in value.items() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [value] if isinstance(value, int | float) and not isinstance(value, bool) else []


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_json_keeps_its_numbers_and_keys_in_every_language(lang: str) -> None:
    """Only JSON's text fields are in the language: its numbers stay JSON numbers and its keys
    English, while a text field says a count the language's way."""
    args = "--input 400,30,100 --hidden 200 --layers 2 --cost --format json"
    english = json.loads(invoke(args).stdout)
    said = json.loads(invoke(f"{args} --lang {lang}").stdout)
    assert _numbers(said) == _numbers(english)
    assert said["num_parameters"] == english["num_parameters"] == 563_200


def test_the_checks_catch_a_torn_layout() -> None:
    """Each fault the tests look for is found when it is there."""
    whole = "h_0 (1, 32, 256) has 87.0 KiB of batch_sizes for パラメータ: ok"
    torn = "h_0 (1, 32,\n256) has 87.0\nKiB of batch_\nsizes for パラ\nメータ: ok"
    faults = layout_faults(torn, whole, 80, "en")
    assert any("name" in f for f in faults)
    assert any("katakana" in f for f in faults)
    assert any("shape" in f for f in faults)
    assert any("size" in f for f in faults)
    # A line over the width is a fault unless it is one piece (never cut: it overflows whole).
    wide = "one two three " + "c" * 67
    assert layout_faults(wide, wide, 80, "en") == [f"81 > 80: {wide!r}"]
    assert layout_faults("a" * 81, "a" * 81, 80, "en") == []
    assert layout_faults("系列です\n。次", "系列です。次", 80, "ja") == ["kinsoku: '。次'"]
    assert layout_faults("(1, 8, 256)\n    です。", "(1, 8, 256) です。", 80, "ja") == [
        "widow: '    です。'"
    ]
    assert layout_faults("valeur :", "valeur :", 80, "fr") == ["space before a mark: 'valeur :'"]
    assert layout_faults("valeur\u00a0:", "valeur\u00a0:", 80, "fr") == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_path_wider_than_the_line_is_never_cut_nor_labelled_twice(
    lang: str, width: int, tmp_path: Any
) -> None:
    """A path wider than the terminal stays whole beside "Error:" (it overflows; the terminal
    soft-wraps it and a copy keeps it whole), and "Error:" is said once."""
    path = tmp_path / ("a_directory_with_a_long_name_" * 3) / "bad.safetensors"
    path.parent.mkdir()
    path.write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00{}")
    result = invoke(["inspect", str(path), "--lang", lang], columns=width)
    with speaking(lang):
        label = tr("Error:")
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{label} {path}"), result.stderr
    assert result.stderr.count(label) == 1
    assert layout_faults(result.stderr, invoke(["inspect", str(path), "--lang", lang],
                         columns=WHOLE).stderr, width, lang) == []  # fmt: skip


@pytest.mark.parametrize("width", range(24, 61, 4))
def test_an_inline_table_never_breaks_inside_its_braces(width: int) -> None:
    """A line never ends with an opening bracket nor starts with a closing one written after a
    space: a TOML inline table ({ h_n = [2, 3, 20] }) must be one line to be TOML."""
    for line in wrap("its expected shapes (expect = { h_n = [2, 3, 20] }).", width):
        assert not line.rstrip().endswith(("{", "(", "[")), line
        assert not line.lstrip().startswith(("}", ")", "]")), line
