"""No English word of lstmshape's own is left in its Japanese, French or Spanish output.

Scanned: every argument list the CLI snapshot records in those languages (tests/snapshots/
cli.jsonl.gz: every command, format, error path and help screen, at 60, 80 and 120 columns; its own
test holds that the tool prints exactly that), every output but JSON (its keys are English by
contract). A word is lstmshape's English when lstmshape's code writes it (a string in lstmshape/,
docstrings aside) and the language's catalogs never keep it: names of code, torch's terms and
symbols that a translation keeps (``batch_first``, ``forward``, ``dtype``) are in its catalogs;
English glue put around translated pieces, a code comment or a table cell in English is not.

Not lstmshape's, so never counted: the code part of a line of code (its comment is prose);
torch's own sentences (quoted as torch says them: users search for them); what the user gave
(arguments, the pasted text, the files read: a parameter named ``head.weight``); and the few
third-party texts below, each with its source.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from collections import Counter
from pathlib import Path

from lstmshape.i18n.catalog import read_po
from tools.cli_snapshot import read

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lstmshape"
# A word of prose: letters only, not part of an identifier, a path, a key or an option.
WORD = re.compile(r"(?<![\w.\-`'/{=<\[\\])([A-Za-z][a-z]{2,})(?![\w(\-`'/}=\]>])")
# A line of code (a snippet, a fix): only its comment is prose.
CODE = re.compile(r"^(?:[\w.\[\]\"', ]+ = |from |import |assert |class |def |return |[\w.]+\()")
# Where torch's and other libraries' own words are kept: lstmshape quotes them, never says them.
QUOTED = ("torchfacts/sentences.py", "torchfacts/releases.json", "deploy/measured.py")

# Third-party text the tool quotes as it was said (users search for it), by source.
THIRD_PARTY = {
    # os.strerror, in "Cannot read no/such/file.log: No such file or directory."
    "such": "os.strerror",
    "directory": "os.strerror; zipfile's 'Bad magic number for central directory'",
    # tomllib's errors: "Unclosed array (at line 3, column 1)", "... key/value pair ..."
    "unclosed": "tomllib",
    "column": "tomllib",
    "pair": "tomllib",
    "line": "tomllib",
    # zipfile's "Bad magic number for central directory"
    "magic": "zipfile",
    "central": "zipfile",
    # Python's int("…") limit: "Exceeds the limit (4300 digits) for integer string conversion"
    "digits": "Python's int() limit",
    "conversion": "Python's int() limit",
    "string": "Python's int() limit",
    "increase": "Python's int() limit",
    "use": "Python's int() limit",
    # onnxruntime's and the ONNX exporters' errors, quoted in --deploy's table
    "following": "onnxruntime",
    "indices": "onnxruntime",
    "dimensions": "onnxruntime",
    "invalid": "onnxruntime",
    "status": "onnxruntime",
    "running": "onnxruntime",
    "node": "onnxruntime",
    "operator": "the TorchScript ONNX exporter",
    "please": "the TorchScript ONNX exporter",
    "feel": "the TorchScript ONNX exporter",
    "free": "the TorchScript ONNX exporter",
    "request": "the TorchScript ONNX exporter",
    "support": "the TorchScript ONNX exporter",
    "submit": "the TorchScript ONNX exporter",
    "pull": "the TorchScript ONNX exporter",
    "constraints": "torch.export's 'Constraints violated (L)!'",
    "violated": "torch.export's 'Constraints violated (L)!'",
    # The title of the section of torch's documentation a fact cites: "(cuDNN notes)"
    "notes": "torch's documentation",
    "https": "an address",
    # The gates' names are torch's (weight_ih's rows), kept in every language's style sheet.
    "forget": "a gate's name",
    "reset": "a gate's name",
    "update": "a gate's name",
}
# lstmshape's own English still to translate, said where it is left: none now.
LEFT: dict[str, str] = {}


def _literals(path: Path) -> list[str]:
    """The strings a module writes: every string constant but its docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
    ]  # fmt: skip


@functools.cache
def english() -> frozenset[str]:
    """The words lstmshape's code writes, less those of the text it quotes from torch."""
    said: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if not str(path.relative_to(PACKAGE)).endswith(QUOTED):
            said |= {w.lower() for text in _literals(path) for w in WORD.findall(text)}
    quoted: set[str] = set()
    for name in QUOTED:
        quoted |= {w.lower() for w in re.findall(r"[A-Za-z]+", (PACKAGE / name).read_text())}
    return frozenset(said - quoted)


@functools.cache
def kept(lang: str) -> frozenset[str]:
    """The Latin words the language's catalogs keep: code, symbols, torch's terms."""
    words: set[str] = set()
    for po in (PACKAGE / "locale" / lang).glob("*.po"):
        for said in read_po(po.read_text(encoding="utf-8"), str(po)).values():
            words |= {w.lower() for w in re.findall(r"[A-Za-z]+", said)}
    return frozenset(words)


def given(entry: dict[str, object]) -> set[str]:
    """The words of what the user gave: arguments, pasted text, and the files read."""
    args = [str(a) for a in entry["args"]]  # type: ignore[attr-defined]
    text = " ".join([*args, str(entry.get("stdin", ""))])
    for arg in args:
        if len(arg) > 200 or "\n" in arg:
            continue
        # A file, or a factory's module (examples.models:tagger): the model's own names.
        module = arg.partition(":")[0].replace(".", "/") + ".py"
        for path in (ROOT / arg, ROOT / module):
            # A folder inspect reads: the checkpoints in it (never the repository's root).
            files = sorted(path.iterdir()) if path.is_dir() and path != ROOT else [path]
            for file in files:
                if file.is_file():
                    text += file.read_bytes()[:2_000_000].decode("latin-1")
    return {w.lower() for w in re.findall(r"[A-Za-z]+", text)}


def english_left(text: str, lang: str, users: set[str]) -> Counter[str]:
    """The English words of lstmshape's own in ``text``, an output in ``lang``."""
    found: Counter[str] = Counter()
    ours = english() - kept(lang) - users - set(THIRD_PARTY) - set(LEFT)
    for line in text.splitlines():
        prose = line.strip(" │|┃")
        if CODE.match(prose):
            prose = prose.partition("  # ")[2]
        found.update(w.lower() for w in WORD.findall(prose) if w.lower() in ours)
    return found


def _scanned() -> dict[str, list[tuple[str, str]]]:
    """Each language's outputs, with the argument list that printed each line found."""
    found: dict[str, list[tuple[str, str]]] = {}
    for entry in read().entries:
        lang = entry["env"]["LSTMSHAPE_LANG"]
        if lang == "en" or any("json" in str(a).lower() for a in entry["args"]):
            continue
        users = given(entry)
        for stream in ("stdout", "stderr"):
            for line in entry[stream].splitlines():
                for word in english_left(line, lang, users):
                    found.setdefault(lang, []).append((word, line.strip()))
    return found


def test_no_english_of_lstmshapes_own_in_japanese_french_or_spanish_output() -> None:
    found = _scanned()
    shown = {
        lang: sorted({f"{word}: {line[:100]}" for word, line in lines})[:20]
        for lang, lines in found.items()
    }
    assert not found, json.dumps(shown, ensure_ascii=False, indent=1)


def test_the_scan_finds_english_glue_around_translated_words() -> None:
    """The scan can fail: the English the code used to put around numbers and in comments."""
    nothing: set[str] = set()
    assert english_left("FLOP  57 600  2 × MACs", "fr", nothing) == Counter()  # symbols
    assert english_left(
        "# In a model: quantize_dynamic(model, ...) swaps its layers.", "es", nothing
    )["swaps"]
    assert (
        english_left(
            "    dynamic_axes={  # the states' batch is axis 1, whatever batch_first", "ja", nothing
        )["whatever"]
        == 1
    )
    assert english_left("lstm.train()  # 学習モードでのみ実行されます", "ja", nothing) == Counter()
