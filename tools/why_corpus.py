"""The figures of ``lstmshape why`` over the real pastes of tests/corpus/why_pastes.toml.

    python tools/why_corpus.py            # the figures
    python tools/why_corpus.py --misses   # and every paste whose reading differs from the thread's

Recognised: of the recurrent-layer pastes, those ``why`` explains. Cause ranked first: of the
recurrent pastes whose thread settled a cause, those where ``why``'s first cause is it. Other
layers explained: of the pastes about other layers, those ``why`` explains (must be 0).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "why_pastes.toml"


@dataclass(frozen=True)
class Reading:
    """What ``why`` says of one paste, in the corpus's terms."""

    recognised: bool
    tensor: str
    axis: str
    cause: str
    left_alone: tuple[str, ...] = ()


def pastes(path: Path = CORPUS) -> list[dict[str, Any]]:
    """The corpus, each paste with its defaults filled in."""
    with path.open("rb") as stream:
        items: list[dict[str, Any]] = tomllib.load(stream)["paste"]
    for item in items:
        item.setdefault("recognised", item["recurrent"])
    return items


def read(paste: dict[str, Any]) -> Reading:
    """``why`` on the paste's text, as it reads it."""
    from lstmshape.commands.why import why

    result = why(paste["text"])
    alone = tuple(item.parameter for item in result.left_alone)
    if not result.explained:
        return Reading(False, "", "", "", alone)
    first = result.explained[0]
    differs = [axis.symbol for axis in first.axes if axis.differs]
    return Reading(
        True,
        first.parameter or first.subject or "",
        differs[0] if differs else "",
        first.causes[0].id if first.causes else "",
        alone,
    )


def figures(items: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """(hits, total) for each figure."""
    recurrent = [p for p in items if p["recurrent"]]
    settled = [p for p in recurrent if p["settled"] != "open"]
    others = [p for p in items if not p["recurrent"]]
    readings = {p["id"]: read(p) for p in items}
    return {
        "recognised": (sum(readings[p["id"]].recognised for p in recurrent), len(recurrent)),
        "cause ranked first": (
            sum(readings[p["id"]].cause == p["cause"] for p in settled),
            len(settled),
        ),
        "other layers explained": (sum(readings[p["id"]].recognised for p in others), len(others)),
    }


def misses(items: list[dict[str, Any]]) -> list[str]:
    """Each paste whose reading differs from what its thread settled."""
    lines = []
    for p in items:
        got = read(p)
        if not p["recurrent"]:
            wrong = got.recognised
        else:
            wrong = not got.recognised or (p["settled"] != "open" and got.cause != p["cause"])
        if wrong:
            lines.append(
                f"{p['id']}: thread {p['cause'] or '-'} ({p['tensor']}, {p['axis'] or '-'}); "
                f"why {'recognised' if got.recognised else 'nothing'} {got.cause or '-'} "
                f"({got.tensor}, {got.axis or '-'})"
            )
    return lines


def main(argv: list[str]) -> int:
    items = pastes()
    for name, (hits, total) in figures(items).items():
        print(f"{name:24} {hits:4}/{total:<4} {100 * hits / total:5.1f}%")
    if "--misses" in argv:
        print(*misses(items), sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
