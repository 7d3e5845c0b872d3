"""The docs' small promises, kept: a figure said in one place, a reference to something that is
there, and the JSON written as the text formats write it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import lstmshape
from tests.conftest import invoke

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PERFORMANCE = ROOT / "docs" / "performance.md"
# A measured figure: a time, a memory size or a ratio.
FIGURE = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s|MiB|GiB|x)\b")


def _prose(path: Path) -> str:
    return re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_every_measured_figure_has_one_source() -> None:
    """A run's figures are given on one page: a sentence that points to the performance page
    quotes its figures, and a benchmark's figures that are not performance.md's are given by one
    page only, so two pages never give two timings of the same run."""
    measured = _prose(PERFORMANCE)
    pages_of: dict[str, set[str]] = {}
    for path in PAGES:
        for sentence in re.split(r"(?<=[.:;])\s", " ".join(_prose(path).split())):
            figures = [f for f in FIGURE.findall(sentence) if f not in measured]
            if path != PERFORMANCE and "erformance" in sentence:
                assert not figures, (path.name, figures, sentence)
            for benchmark in re.findall(r"benchmarks/(\w+)\.py", sentence):
                pages_of.setdefault(benchmark, set())
                if figures or path == PERFORMANCE:
                    pages_of[benchmark].add(path.name)
    for benchmark, pages in pages_of.items():
        assert len(pages) <= 1, (benchmark, pages)


def test_python_api_page_points_at_json_that_is_there() -> None:
    """docs/python.md says what report.to_dict() is: the object --format json prints."""
    page = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    assert "the JSON above" not in page
    (said,) = re.findall(r"report\.to_dict\(\)  # (.*)", page)
    assert "--format json" in said
    printed = invoke("--input 4,3,10 --hidden 20 --layers 2 --format json").stdout
    assert json.loads(printed) == lstmshape.explain((4, 3, 10), 20, num_layers=2).to_dict()


# Every command's JSON, in Japanese: written as UTF-8, as the text formats are, and still the
# same document to any JSON reader (invoke validates it against its schema).
JSON_RUNS = [
    "--input 4,3,10 --hidden 20 --layers 2",
    "--input 4,3,10 --hidden 20 --h0 1,8,20",
    "check examples/tutorials.toml",
    "inspect examples/seq2seq.pt",
    "why 'Expected hidden[0] size (1, 32, 256), got [1, 8, 256]'",
]


@pytest.mark.usefixtures("at_the_root")
@pytest.mark.parametrize("args", JSON_RUNS)
def test_json_writes_japanese_as_the_text_formats_do(args: str) -> None:
    invoke(f"{args} --format json")  # English first in the process: nothing of it is kept
    result = invoke(f"{args} --format json --lang ja")
    assert "\\u" not in result.stdout
    data = json.loads(result.stdout)
    assert data["lang"] == "ja"
    if not args.startswith("inspect"):  # inspect's JSON holds names and numbers only
        assert re.search("[\u3040-\u30ff\u4e00-\u9fff]", result.stdout)
