"""lstmshape trace in the learners' languages: the trace's words (how it ran, the tables, the notes,
the failure and its fix) and its refusals said in Japanese, French and Spanish; English unchanged.

The catalogs' completeness is tests/test_i18n.py's; here, what a run in each language shows.
"""

from __future__ import annotations

import json
import re
import string
import sys
from pathlib import Path

import pytest
import torch
from rich.cells import cell_len

import lstmshape
from lstmshape.i18n import ntr, speaking, tr
from tests.conftest import invoke, unwrapped, validate_json

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import catalogs  # noqa: E402

FOREIGN = ("ja", "fr", "es")
TAGGER = "trace examples.models:tagger --input 8,5 --input-dtype long"
# A model that fails (run again for real, for torch's sentence) and one torch needs values for.
RUNS = {
    "tagger": TAGGER,
    "broken": "trace examples.models:broken_tagger --input 8,5 --input-dtype long",
    "packed": "trace examples.models:seq2seq --input 4,7 --input-dtype long",
}
TRACE_FILES = ("commands/trace/", "results/trace.py", "views/trace.py", "cli/trace.py")


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _trace_phrases() -> set[str]:
    """The English words of every message the trace says: the text between its placeholders,
    where it is two words or more (a lone word may be a name in any language)."""
    messages, _ = catalogs.scan()
    phrases = set()
    for message in messages:
        if not message.path.startswith(TRACE_FILES):
            continue
        for text, _, _, _ in string.Formatter().parse(message.text):
            for piece in re.split(r"[:;,.()]", text):
                if sum(bool(re.search(r"[A-Za-z]{2}", word)) for word in piece.split()) >= 2:
                    phrases.add(piece.strip())
    return phrases


PHRASES = _trace_phrases()


def _english_left(english: str, said: str) -> list[str]:
    """The trace's English phrases that the English run says and the translated run says too."""
    return sorted(p for p in PHRASES if p in english and p in said)


def test_the_phrases_find_english() -> None:
    """The check below can fail: the English run's own phrases are found in it."""
    english = invoke(RUNS["broken"])
    assert len(_english_left(english.output, english.output)) >= 8


@pytest.mark.parametrize("lang", FOREIGN)
@pytest.mark.parametrize("name", list(RUNS))
def test_a_trace_is_said_in_the_language_within_80_columns(lang: str, name: str) -> None:
    english = invoke(RUNS[name])
    result = invoke(f"{RUNS[name]} --lang {lang}")
    assert result.exit_code == english.exit_code, unwrapped(result.stderr)
    assert result.stdout != english.stdout
    assert _english_left(english.output, result.output) == []
    assert max(cell_len(line) for line in result.stdout.splitlines()) <= 80
    # torch's sentence, quoted as torch wrote it, in every language.
    quoted = re.findall(
        r"mat1 and mat2 shapes cannot be multiplied \(\w+ and \w+\)", unwrapped(english.stderr)
    )
    assert all(sentence in unwrapped(result.stderr) for sentence in quoted)


# One sentence of each run, as the translator wrote it.
KNOWN = {
    ("ja", "tagger"): "shape-only: モデルを fake テンソル（FakeTensorMode）上に構築し、",
    ("fr", "tagger"): " tenseur   forme ",
    ("es", "tagger"): "Tagger con (8, 5) int64: 1 llamada recurrente, ok",
    ("ja", "broken"): "エラー: head（Linear）が (8, 5, 256) で失敗しました。",
    ("fr", "broken"): "Essayez nn.Linear(256, 9) pour head, ou donnez-lui 128 caractéristiques.",
    ("es", "broken"): "lstm, la última capa recurrente antes de él, devolvió output (8, 5, 256)",
    ("ja", "packed"): "形状だけのテンソルは値を持たず、aten._pack_padded_sequence.default は",
    ("fr", "packed"): "les tenseurs factices ne portent pas de valeurs, et aten.",
    ("es", "packed"): "los tensores solo de forma no llevan valores y aten.",
}


@pytest.mark.parametrize(("lang", "name"), list(KNOWN))
def test_a_known_sentence_of_each_run(lang: str, name: str) -> None:
    result = invoke(f"{RUNS[name]} --format plain --lang {lang}")
    # The plain view wraps its lines (Japanese between two characters, with no space): compared
    # without their spaces.
    said = "".join(result.output.split())
    assert "".join(KNOWN[lang, name].split()) in said, result.output


@pytest.mark.parametrize("lang", FOREIGN)
def test_the_json_says_its_language(lang: str) -> None:
    english = json.loads(invoke(RUNS["broken"] + " --format json").stdout)
    data = json.loads(invoke(f"{RUNS['broken']} --format json --lang {lang}").stdout)
    assert (english["lang"], data["lang"]) == ("en", lang)
    # Ids and keys stay English; the text fields follow the language.
    assert data["method"] == english["method"] == "real"
    assert data["failure"]["torch_says"] == english["failure"]["torch_says"]
    assert data["how"] != english["how"]
    assert data["failure"]["error"]["message"] != english["failure"]["error"]["message"]


@pytest.mark.parametrize("lang", FOREIGN)
def test_the_api_speaks_the_language_it_traced_in(lang: str) -> None:
    model = torch.nn.Sequential(torch.nn.LSTM(10, 20, bidirectional=True))
    english = lstmshape.trace(model, torch.randn(4, 3, 12))
    with speaking(lang):
        traced = lstmshape.trace(model, torch.randn(4, 3, 12))
        expected = ntr("{count} recurrent call", "{count} recurrent calls", 1, count=1)
    assert traced.lang == lang
    validate_json(traced.to_dict(), "trace")
    # Shown in its own language wherever it is printed afterwards.
    assert expected in repr(traced)
    assert str(traced) != str(english)
    assert _english_left(str(english), str(traced)) == []
    assert _english_left(str(english.failure.error), str(traced.failure.error)) == []  # type: ignore[union-attr]


# The command's refusals: (arguments, the English message, its fields).
REFUSALS = [
    ("trace examples.models:nonexistent --input 8,5", "{module} has no {name}.",
     {"module": "examples.models", "name": "'nonexistent'"}),
    ("trace nowhere_to_be_found:build --input 4,3",
     "No module named {module}, in the working folder or on sys.path.",
     {"module": "'nowhere_to_be_found'"}),
    ("trace examples.models --input 4,3",
     "{reference} does not name a factory: write it PACKAGE.MODULE:FACTORY.",
     {"reference": "'examples.models'"}),
    ("trace examples.models:tagger --input 8,5 --expect lstm.h_n", "{given} is not LAYER.TENSOR=SHAPE.",
     {"given": "--expect 'lstm.h_n'"}),
    ("trace examples.models:tagger --input 8,5 --input 8 --input-dtype long --input-dtype long "
     "--input-dtype long", "{dtypes} {dtype} for {inputs} {input}: give one for all, or one each.",
     {"dtypes": 3, "dtype": "--input-dtype", "inputs": 2, "input": "--input"}),
]  # fmt: skip


@pytest.mark.parametrize("lang", FOREIGN)
@pytest.mark.parametrize(("args", "message", "fields"), REFUSALS)
def test_a_refusal_is_said_in_the_language(
    lang: str, args: str, message: str, fields: dict[str, object]
) -> None:
    english = invoke(args)
    result = invoke(f"{args} --lang {lang}")
    assert result.exit_code == english.exit_code == 2
    assert result.stdout == ""
    assert unwrapped(english.stderr).splitlines()[0] == f"Error: {message.format(**fields)}"
    with speaking(lang):
        first = f"{tr('Error:')} {tr(message, **fields)}"
    assert unwrapped(result.stderr).splitlines()[0] == first
    assert _english_left(unwrapped(english.stderr), unwrapped(result.stderr)) == []


def test_a_refusal_in_japanese_as_written() -> None:
    result = invoke("--lang ja trace examples.models:nonexistent --input 8,5")
    assert result.exit_code == 2
    assert (
        unwrapped(result.stderr).splitlines()[0]
        == "エラー: examples.models には 'nonexistent' がありません。"
    )


@pytest.mark.parametrize("lang", FOREIGN)
def test_a_shape_that_differs_is_said_in_the_language(lang: str) -> None:
    english = invoke(TAGGER + " --expect lstm.h_n=1,8,128")
    result = invoke(f"{TAGGER} --expect lstm.h_n=1,8,128 --lang {lang}")
    assert result.exit_code == english.exit_code == 1
    with speaking(lang):
        said = tr(
            "{name} is {traced}, not the expected {expected}.",
            name="lstm.h_n",
            traced="(2, 8, 128)",
            expected="(1, 8, 128)",
        )
    assert said in unwrapped(result.stderr)
    # The fix is the command line's, in any language.
    assert "--expect lstm.h_n=2,8,128" in unwrapped(result.stderr)
    assert max(cell_len(line) for line in result.stdout.splitlines()) <= 80
