"""--export FILE.svg/.html and --diagram: well-formed pictures that carry the shapes, and a stack
that is readable for 1 to 4 layers in one or two directions, and says so when it is too tall."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from lstmshape import explain
from lstmshape.views.export import export
from tests.conftest import invoke, unwrapped
from tests.golden import UPDATE, check_golden, golden

ROOT = Path(__file__).resolve().parent.parent
MISSION = "--input 4,3,10 --hidden 20 --layers 2"


def svg_text(path: Path) -> str:
    """Every character of text in an SVG, as one string (Rich draws spaces as no-break spaces)."""
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return "".join(root.itertext()).replace("\xa0", " ")


class _Balanced(HTMLParser):
    VOID: ClassVar[set[str]] = {"meta", "link", "br", "hr", "img", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_text(path: Path) -> str:
    parser = _Balanced()
    parser.feed(path.read_text())
    parser.close()
    assert parser.open == [], f"unclosed tags: {parser.open}"
    return "".join(parser.text).replace("\xa0", " ")


@pytest.mark.parametrize("suffix", [".svg", ".html"])
def test_export_writes_a_well_formed_picture_with_the_shapes(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"mission{suffix}"
    result = invoke(f"{MISSION} --export {path}")
    assert result.exit_code == 0
    kind = "SVG" if suffix == ".svg" else "HTML"
    assert result.stderr == f"Saved the tables as {kind}: {path}\n"
    text = svg_text(path) if suffix == ".svg" else html_text(path)
    for shape in ("(4, 3, 10)", "(2, 3, 20)", "(4, 3, 20)", "(80, 10)", "total 5,920"):
        assert shape in text
    # The picture is the table view whatever stdout gets.
    assert invoke(f"{MISSION} --format json --export {path}").stdout.startswith("{")


def test_export_of_the_diagram(tmp_path: Path) -> None:
    path = tmp_path / "stack.svg"
    assert invoke(f"{MISSION} --bidirectional --diagram --export {path}").exit_code == 0
    text = svg_text(path)
    assert "layer 1 backward" in text
    assert "h_n[3]  c_n[3]" in text


@golden
def test_the_readme_picture_is_the_mission_example_today() -> None:
    path = ROOT / "docs" / "mission.svg"
    if UPDATE:
        export(explain((4, 3, 10), 20, num_layers=2), str(path))
    fresh = ROOT / "docs" / ".mission-fresh.svg"
    try:
        export(explain((4, 3, 10), 20, num_layers=2), str(fresh))
        assert fresh.read_text() == path.read_text()
    finally:
        fresh.unlink(missing_ok=True)
    assert "](docs/mission.svg)" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (f"{MISSION} --export mission.png", "Error: --export 'mission.png': lstmshape saves pictures as .svg or .html.\n  Try --export mission.svg.\n"),
        (f"{MISSION} --export /no/such/folder/m.svg", "Error: --export '/no/such/folder/m.svg': cannot write it: No such file or directory.\n  Try a path in a folder that exists and that you can write to.\n"),
        (f"{MISSION} --diagram --format json", "Error: --diagram draws a picture in place of the tables; --format json has none.\n  Try --diagram without --format, or --export FILE.svg to save it.\n"),
    ],
)  # fmt: skip
def test_picture_errors_exit_2(args: str, message: str) -> None:
    result = invoke(args)
    assert (result.exit_code, unwrapped(result.stderr)) == (2, message)


DIAGRAMS = {
    "diagram_mission": MISSION,
    "diagram_bidirectional_dropout": f"{MISSION} --bidirectional --dropout 0.2",
    "diagram_too_tall_proj": "--input 4,3,10 --hidden 20 --layers 6 --proj-size 5 --bidirectional",
    "diagram_packed_gru": "--module GRU --input 5,3,10 --hidden 20 --bidirectional --lengths 5,3,2",
    "diagram_lstmcell_unbatched": "--module LSTMCell --input 10 --hidden 20",
}


@golden
@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_diagram_golden(name: str) -> None:
    args = f"{DIAGRAMS[name]} --diagram"
    result = invoke(args)
    assert (result.exit_code, unwrapped(result.stderr)) == (0, "")
    check_golden(name, args, result.stdout)


@pytest.mark.parametrize("layers", [1, 2, 3, 4, 5, 9])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("module", ["LSTM", "GRU", "RNN"])
def test_every_row_of_h_n_is_drawn_once_and_fits(
    layers: int, bidirectional: bool, module: str
) -> None:
    flags = "--bidirectional" if bidirectional else ""
    out = invoke(
        f"--module {module} --input 4,3,10 --hidden 20 --layers {layers} {flags} --diagram"
    ).stdout
    d = 2 if bidirectional else 1
    drawn = range(layers) if layers <= 4 else [0, 1, layers - 1]
    rows = sorted(int(r) for r in re.findall(r"h_n\[(\d+)\]", out))
    assert rows == sorted(k * d + j for k in drawn for j in range(d))
    for k in drawn:
        width = "H_in = 10" if k == 0 else f"D*H_out = {20 * d}"
        assert out.count(f"in: {width}") >= d
    assert ("too tall to draw whole" in out) == (layers > 4)
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "…" not in out


def test_a_picture_that_cannot_be_written_prints_nothing(tmp_path: Path) -> None:
    """The picture is saved before the report is printed: a failure leaves no half-result."""
    result = invoke(f"{MISSION} --expect h_n=1,3,20 --export {tmp_path}/no/such/m.svg")
    assert (result.exit_code, result.stdout) == (2, "")
    assert "cannot write it" in unwrapped(result.stderr)
    empty = invoke(f"{MISSION} --export ''")
    assert (empty.exit_code, empty.stdout) == (2, "")
    assert empty.stderr.endswith("Try --export tables.svg.\n")
    assert "Try --export docs/m.svg." in unwrapped(invoke(f"{MISSION} --export docs/m.png").stderr)


@pytest.mark.parametrize("path", ["/dev/stdout.svg", "/dev/fd/1.html", "/dev/tables.svg"])
def test_a_picture_is_never_made_a_file_among_the_devices(
    path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--export /dev/stdout.svg`` names no device: it is refused before anything runs, and no
    regular file is made in /dev; the Try line, applied, saves the picture in this folder."""
    monkeypatch.chdir(tmp_path)
    existed = Path(path).exists()
    refused = invoke(f"{MISSION} --export {path}")
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert Path(path).exists() == existed
    hint = re.fullmatch(
        r"  Try --export (\S+): a file in this folder\.", unwrapped(refused.stderr).splitlines()[-1]
    )
    assert hint is not None, refused.stderr
    saved = invoke(f"{MISSION} --export {hint[1]}")
    assert saved.exit_code == 0
    assert (
        (tmp_path / hint[1]).read_text(encoding="utf-8").lstrip().startswith(("<svg", "<!DOCTYPE"))
    )


@pytest.mark.parametrize("path", ["/dev/stdout.svg", "/dev/fd/1.html"])
def test_the_library_never_saves_a_picture_among_the_devices(path: str) -> None:
    """``export()`` itself refuses a path in /dev, as the command line does: no front end can
    make a regular file there."""
    from lstmshape.errors import UnreadableValueError

    existed = Path(path).exists()
    report = explain(input=(4, 3, 10), hidden_size=20)
    with pytest.raises(UnreadableValueError, match="devices"):
        export(report, path)
    assert Path(path).exists() == existed
