"""The compatibility run: ``lstmshape inspect`` and ``lstmshape.trace`` on real libraries' recurrent
models, held against torch. Run outside CI (never by the test suite):

    python benchmarks/realworld.py [--venv DIR] [--only LIBRARY] [--keep]

It makes its own virtual environment (``~/.cache/lstmshape-realworld/venv``, reused when present),
installs pytorch-forecasting, darts and flair there with torch pinned to the CPU build of 2.13.0
(pip is checked to have kept it), and this repository's lstmshape; then, for each library's
documented recurrent models, saves each model in every form the library and its users use, runs
``lstmshape inspect --format json`` on each file and ``lstmshape.trace`` on each model, and judges
both against torch (``benchmarks/realworld_checks.py``). It writes docs/compatibility.md: the
table, the date, every version, and the overall figures.

Nothing is downloaded at run time but PyPI packages: embeddings are built from a tiny local corpus.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "lstmshape-realworld"
TORCH = "2.13.0+cpu"
# The releases the run was written against; pinned so that a rerun is the same run.
PINS = {
    "torch": TORCH,
    "pytorch-forecasting": "1.8.0",
    "darts": "0.48.1",
    "flair": "0.15.1",
}
LIBRARIES = ("pytorch/examples", "pytorch-forecasting", "darts", "flair")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=CACHE / "venv")
    parser.add_argument("--only", choices=LIBRARIES, action="append")
    parser.add_argument("--keep", action="store_true", help="keep the saved checkpoints")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "compatibility.md")
    args = parser.parse_args()
    python = prepare(args.venv)
    results = run_cases(python, args.only or list(LIBRARIES), keep=args.keep)
    args.out.write_text(render(results))
    rows = results["rows"]
    print(summary(rows))
    print(f"written: {args.out}")
    return 0 if all(r["right"] for r in rows) else 1


def prepare(venv: Path) -> Path:
    """The run's environment: made once, the pinned libraries installed, lstmshape reinstalled
    from this tree each run (so a rerun after a merge runs the new code)."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as constraints:
        # A constraint, not a requirement: no library may replace the CPU build with CUDA's.
        constraints.write(f"torch=={TORCH}\n")
    pip = [str(python), "-m", "pip", "install", "-q", "-c", constraints.name]
    pinned = [f"{name}=={version}" for name, version in PINS.items()]
    if not _installed(python, PINS):
        subprocess.run([*pip, *pinned], check=True)
    subprocess.run([*pip, "-e", str(ROOT)], check=True)
    Path(constraints.name).unlink()
    versions = _versions(python, ["torch"])
    if versions.get("torch") != TORCH:
        raise SystemExit(
            f"pip installed torch {versions.get('torch')}, not {TORCH}: install torch=={TORCH} "
            "from PyTorch's CPU wheels into the run's environment first."
        )
    return python


def _installed(python: Path, pins: dict[str, str]) -> bool:
    return _versions(python, list(pins)) == pins


def _versions(python: Path, names: list[str]) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, sys\n"
        "out = {}\n"
        "for n in sys.argv[1:]:\n"
        "    try: out[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [str(python), "-c", code, *names], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


def run_cases(python: Path, libraries: list[str], *, keep: bool) -> dict[str, object]:
    """Each library's cases in the run's environment, one process per model (a crash or a leak
    stays in its case); their rows, and every version."""
    work = Path(tempfile.mkdtemp(prefix="lstmshape-realworld-"))
    cases = ROOT / "benchmarks" / "realworld_cases.py"
    listed = subprocess.run(
        [str(python), str(cases), "--list", *libraries], capture_output=True, text=True, check=True
    )
    rows: list[dict[str, object]] = []
    for name in listed.stdout.splitlines():
        out = work / f"{len(rows):04d}.json"
        print(f"-- {name}", flush=True)
        done = subprocess.run(
            [str(python), str(cases), "--case", name, "--work", str(work), "--out", str(out)],
            cwd=work,
            check=False,
        )
        if out.exists():
            rows += [_portable(row, work, python) for row in json.loads(out.read_text())]
        else:
            library, model = name.split(":", 1)
            rows.append(_crashed(library, model, done.returncode))
    versions = json.loads(
        subprocess.run(
            [str(python), str(cases), "--versions"], capture_output=True, text=True, check=True
        ).stdout
    )
    if not keep:
        subprocess.run(["rm", "-rf", str(work)], check=False)
    return {"rows": rows, "versions": versions}


def _portable(row: dict[str, object], work: Path, python: Path) -> dict[str, object]:
    """The row without this machine's paths: the run's folder and the environment's packages."""
    detail = str(row["detail"]).replace(f"{work}/", "")
    site = python.parent.parent / "lib"
    for folder in sorted(site.glob("python*/site-packages"), reverse=True):
        detail = detail.replace(f"{folder}/", "")
    return {**row, "detail": detail}


def _crashed(library: str, model: str, code: int) -> dict[str, object]:
    return {
        "library": library,
        "model": model,
        "form": "(the case)",
        "right": False,
        "detail": f"the case's process exited with {code} before writing its rows",
        "seconds": 0.0,
        "peak_mib": 0.0,
        "calls": 0,
        "calls_right": 0,
    }


def _figures(rows: list[dict[str, object]]) -> tuple[int, int, int, int]:
    traces = [r for r in rows if _is_trace(r)]
    files = [r for r in rows if not _is_trace(r)]
    calls = sum(int(str(r["calls"])) for r in traces)
    calls_right = sum(int(str(r["calls_right"])) for r in traces)
    return sum(bool(r["right"]) for r in files), len(files), calls_right, calls


def _is_trace(row: dict[str, object]) -> bool:
    return str(row["form"]).startswith(("trace", "lstmshape trace"))


def summary(rows: list[dict[str, object]]) -> str:
    read, files, traced, calls = _figures(rows)
    return f"checkpoints read right: {read} / {files}; calls traced right: {traced} / {calls}"


def render(results: dict[str, object]) -> str:
    """docs/compatibility.md: how it was made, the versions, the figures, the table."""
    rows: list[dict[str, object]] = results["rows"]  # type: ignore[assignment]
    versions: dict[str, str] = results["versions"]  # type: ignore[assignment]
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    read, files, traced, calls = _figures(rows)
    lines = [
        "# Compatibility with real libraries",
        "",
        "`lstmshape inspect` and `lstmshape.trace` on the recurrent models that real libraries",
        "build, saved in every form those libraries and their users save them, each held against",
        "torch. Made by `python benchmarks/realworld.py` (outside CI: it installs the libraries in",
        "its own virtual environment); this page is its output.",
        "",
        f"Run on {today}, with " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "",
        f"- **Checkpoints read right: {read} / {files}.** Right means: every recurrent layer of",
        "  the model is found, and the constructor call printed for it builds a module that loads",
        "  the layer's tensors with `load_state_dict(strict=True)`; from a whole-model pickle, the",
        "  call also has the `batch_first`, `dropout` and `nonlinearity` the file holds; the dtype",
        "  is the file's; what is said of `torch.load(weights_only=True)` is what torch does.",
        f"- **Recurrent calls traced right: {traced} / {calls}.** Right means: the shapes each",
        "  call got and returned equal those forward hooks saw in a real forward pass, call by",
        "  call, lstmshape agrees with torch, and the model and its inputs are deep-equal",
        "  afterwards to copies taken before (tensors by type, dtype, shape and value).",
        "",
        "Each model is traced twice: `lstmshape.trace(model, *inputs)` on the model the library",
        "built, and `lstmshape trace FIXTURE:model --inputs FIXTURE:inputs` on the model as the",
        "library loads it from its own save (`load_from_checkpoint`, darts' and flair's `load`),",
        "with the inputs the library gives its model (a dict of tensors, darts' input record, a",
        "state tuple).",
        "",
        "Time is wall time (`inspect` and the command line: the whole command, start-up and the",
        "library's import included; `trace`: the `lstmshape.trace` call). Memory is the peak",
        "resident set (the command: the process; `trace`: its growth during the call).",
        "",
        *_by_form(rows),
        "",
        "## Every checkpoint and every trace",
        "",
        "| library | model | form | result | time | memory |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        result = "right" if r["right"] else f"**wrong**: {_cell(str(r['detail']))}"
        if _is_trace(r):
            result = f"{r['calls_right']}/{r['calls']} calls " + result
        lines.append(
            f"| {r['library']} | {r['model']} | {r['form']} | {result} "
            f"| {float(str(r['seconds'])):.2f} s | {float(str(r['peak_mib'])):.0f} MiB |"
        )
    return "\n".join(lines) + "\n"


def _by_form(rows: list[dict[str, object]]) -> list[str]:
    """Right / total for each form, in the order the run met them."""
    counts: dict[str, list[int]] = {}
    for r in rows:
        right, total = counts.setdefault(str(r["form"]), [0, 0])
        counts[str(r["form"])] = [right + bool(r["right"]), total + 1]
    lines = ["| form | right / total |", "|---|---|"]
    lines += [f"| {form} | {right} / {total} |" for form, (right, total) in counts.items()]
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:400]


if __name__ == "__main__":
    sys.exit(main())
