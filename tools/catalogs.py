"""The translation catalogs' upkeep: which messages the code says, and each language's .po files.

    python tools/catalogs.py            # add new messages (untranslated) and drop stale ones
    python tools/catalogs.py --check    # exit 1 if a catalog lacks a message or keeps a stale one

A message is the first argument of ``tr(...)``, ``N_(...)``, ``words(...)`` or ``Words(...)`` in
lstmshape/, a literal string (an f-string cannot be looked up: its text changes with its values),
and on the command line the ``help=`` of every option and each command's docstring. Each message
belongs to the area of the first file that says it (AREAS); each area has one .po per language.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lstmshape"
sys.path.insert(0, str(ROOT))

from lstmshape.i18n import LANGUAGES  # noqa: E402
from lstmshape.i18n.catalog import LOCALE, read_po  # noqa: E402

CALLS = ("tr", "N_", "words", "Words")
# The translation machinery itself: its docstrings show calls, it says no message.
MACHINERY = ("i18n/__init__.py", "i18n/catalog.py")
# On a line that translates a variable: its messages are extracted where they are made.
EXTRACTED = "# i18n: extracted where made"
# Area -> the package paths whose messages it holds; the first that matches a file wins.
AREAS: dict[str, tuple[str, ...]] = {
    "deploy": ("deploy/", "results/deploy.py", "views/deploy_sections.py"),
    "why": ("commands/why/", "results/why.py", "views/why.py", "cli/why.py"),
    "inspect": ("commands/inspect/", "results/inspection.py", "results/checkpoint_words.py",
                "results/comparison.py", "results/weights.py", "views/inspection.py", "cli/inspect.py"),
    "check": ("commands/check/", "proof/", "commands/trace/", "results/check.py", "results/trace.py",
              "results/trace_names.py", "results/trace_errors.py", "results/verification.py", "views/check_table.py", "views/verify_sections.py",
              "views/trace.py", "cli/check.py", "cli/trace.py", "options/trace.py",
              "results/layer_voice.py"),
    "help": ("cli/options.py", "cli/language.py", "cli/app.py", "cli/reference.py",
             "cli/arguments.py", "torchfacts/arguments.py"),
    "errors": ("errors.py", "reading/values.py", "reading/names.py", "reading/python_values.py",
               "torchfacts/rules.py", "torchfacts/spec.py",
               "torchfacts/kinds.py", "i18n/words.py", "torchfacts/parameters.py",
               "torchfacts/dtypes.py", "torchfacts/sentences.py",
               "reading/modules.py", "api/", "cli/", "options/", "notebook.py"),
    "explain": ("",),  # everything else: the explanation, its notes, tables and pictures
}  # fmt: skip


class Message(NamedTuple):
    text: str
    path: str
    line: int


class Problem(NamedTuple):
    path: str
    line: int
    what: str


def area_of(path: str) -> str:
    return next(
        area for area, prefixes in AREAS.items() if any(path.startswith(p) for p in prefixes)
    )


def scan(package: Path = PACKAGE) -> tuple[list[Message], list[Problem]]:
    """Every message the code says, and every call that says a message that cannot be looked up."""
    messages: list[Message] = []
    problems: list[Problem] = []
    for file in sorted(package.rglob("*.py")):
        name = file.relative_to(package).as_posix()
        if name in MACHINERY:
            continue
        source = file.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        for node in ast.walk(tree):
            for text, line, problem in _said(node, name):
                if problem and EXTRACTED in lines[line - 1]:
                    continue  # a message extracted where it is made (words("..."))
                if problem:
                    problems.append(Problem(name, line, problem))
                elif text.strip():
                    messages.append(Message(text, name, line))
    return messages, problems


def _said(node: ast.AST, name: str) -> Iterator[tuple[str, int, str]]:
    if isinstance(node, ast.Call):
        yield from _called(node, name)
    command = isinstance(node, ast.FunctionDef) and any(map(_is_command, node.decorator_list))
    if name.startswith("cli/") and command:
        doc = ast.get_docstring(node)  # type: ignore[arg-type]
        if doc:
            yield doc, node.lineno, ""  # type: ignore[attr-defined]


def _called(node: ast.Call, name: str) -> Iterator[tuple[str, int, str]]:
    func = node.func
    callee = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    if callee in CALLS and node.args:
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield first.value, node.lineno, ""
        elif callee in ("tr", "N_"):
            yield "", node.lineno, f"{callee}() of a value that is not a literal string"
    if name.startswith("cli/"):
        for keyword in node.keywords:
            if keyword.arg == "help" and isinstance(keyword.value, ast.Constant):
                yield str(keyword.value.value), node.lineno, ""


def _is_command(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr in ("command", "callback")


def by_area(messages: list[Message]) -> dict[str, dict[str, list[Message]]]:
    """area -> message -> where it is said; a message said in two areas belongs to the first."""
    owner: dict[str, str] = {}
    areas: dict[str, dict[str, list[Message]]] = {area: {} for area in AREAS}
    for message in messages:
        area = owner.setdefault(message.text, area_of(message.path))
        areas[area].setdefault(message.text, []).append(message)
    return areas


def po_text(language: str, entries: dict[str, list[Message]], known: dict[str, str]) -> str:
    """A .po file: a header, then each message with where it is said and its translation."""
    out = ['msgid ""', 'msgstr ""', f'"Language: {language}\\n"',
           '"Content-Type: text/plain; charset=UTF-8\\n"', ""]  # fmt: skip
    for text, said in entries.items():
        places = " ".join(f"{m.path}:{m.line}" for m in said[:4])
        out += [
            f"#: {places}",
            f"msgid {_quoted(text)}",
            f"msgstr {_quoted(known.get(text, ''))}",
            "",
        ]
    return "\n".join(out)


def _quoted(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _known(path: Path) -> dict[str, str]:
    """The translations a .po holds so far (untranslated ones left out)."""
    if not path.exists():
        return {}
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        try:
            entries.update(read_po(block))
        except ValueError:
            continue  # an untranslated or fuzzy entry: a translator's to do
    return entries


def update(locale: Path = LOCALE, areas: tuple[str, ...] = tuple(AREAS)) -> list[Path]:
    """Rewrite every language's .po files of ``areas`` from the code: new messages untranslated,
    stale ones dropped, translations kept."""
    messages, problems = scan()
    if problems:
        raise SystemExit("\n".join(f"{p.path}:{p.line}: {p.what}" for p in problems))
    written = []
    for language in LANGUAGES[1:]:
        known: dict[str, str] = {}
        for path in sorted((locale / language).glob("*.po")):
            known.update(_known(path))
        for area, entries in by_area(messages).items():
            if area not in areas:
                continue
            path = locale / language / f"{area}.po"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(po_text(language, entries, known), encoding="utf-8")
            written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--area", action="append", choices=list(AREAS), help="only these areas")
    args = parser.parse_args()
    if not args.check:
        for path in update(areas=tuple(args.area or AREAS)):
            print(path.relative_to(ROOT))
        return 0
    messages, problems = scan()
    for problem in problems:
        print(f"lstmshape/{problem.path}:{problem.line}: {problem.what}")
    missing = 0
    for language in LANGUAGES[1:]:
        known: dict[str, str] = {}
        for path in sorted((LOCALE / language).glob("*.po")):
            known.update(_known(path))
        lacking = sorted({m.text for m in messages} - set(known))
        missing += len(lacking)
        print(f"{language}: {len(lacking)} messages untranslated")
    return 1 if problems or missing else 0


if __name__ == "__main__":
    sys.exit(main())
