"""Fuzz ``lstmshape inspect`` with hostile files and report, per area, what went wrong.

    python tools/fuzz_inspect.py --cases 2000 [--seed 21] [--big]

Each case is a file made from a sound checkpoint or a hostile one (tests/hostile.py), edited at
random: bytes flipped, cut or inserted, opcodes swapped in, a zip's records and a safetensors
header changed, payloads that would run code if unpickled. Each is inspected in its own forked
process (torch is never imported there), timed and measured (peak RSS); a verdict of "ok" is then
held against torch.load(weights_only=True) or safetensors, in a separate process. The report gives,
per area: cases, tracebacks, runs past 10 s, runs over 300 MiB, wrong "ok", code run.

``--big`` also writes a 1 GB hostile file (a 64 MiB pickle of the costliest opcodes beside 1 GB
of storage) and measures one inspect of it in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import hostile  # noqa: E402 (the repository's root first)

LIMIT_SECONDS = 10
LIMIT_MIB = 300
SENTINEL = Path(tempfile.gettempdir()) / "lstmshape-fuzz-ran-code"


class Payload:
    """A pickle that would create SENTINEL if it ran (os.system, eval, exec)."""

    def __init__(self, how: int) -> None:
        self.how = how

    def __reduce__(self) -> tuple[object, ...]:
        command = f"touch {SENTINEL}"
        if self.how == 0:
            return os.system, (command,)
        if self.how == 1:
            return eval, (f"__import__('os').system({command!r})",)
        return exec, (f"open({str(SENTINEL)!r}, 'w').close()",)


def _edited(data: bytes, rng: random.Random) -> bytes:
    """``data`` with a few random edits: bytes changed, cut, inserted or repeated."""
    out = bytearray(data)
    for _ in range(rng.randrange(1, 4)):
        if not out:
            break
        at = rng.randrange(len(out))
        kind = rng.randrange(5)
        if kind == 0:
            out[at] = rng.randrange(256)
        elif kind == 1:
            del out[at : at + rng.randrange(1, 16)]
        elif kind == 2:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
        elif kind == 3:
            out[at:at] = out[at : at + rng.randrange(1, 64)] * rng.randrange(2, 50)
        else:
            out[at] = rng.choice(b"\x8b\x8c\x93\x94\x95]}()tRb\x81\x92cQhjqr.0")
    return bytes(out)


def _rezipped(data: bytes, rng: random.Random) -> bytes:
    """A torch zip whose data.pkl is edited, rewritten as a valid zip around it."""
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    name = next(n for n in members if n.endswith("data.pkl"))
    members[name] = _edited(members[name], rng)
    return hostile.torch_zip_members(members)


def _sound(rng: random.Random) -> bytes:
    return (
        hostile.lstm_zip()
        if rng.random() < 0.7
        else hostile.torch_zip(
            hostile.state_dict([("w", hostile.tensor("0", 4, (2, 2)))]), {"0": b"\0" * 16}
        )
    )


def _payload(rng: random.Random) -> bytes:
    pickled = pickle.dumps({"weight": Payload(rng.randrange(3))}, protocol=rng.choice([2, 4]))
    return hostile.torch_zip(_edited(pickled, rng) if rng.random() < 0.5 else pickled)


def _budget(rng: random.Random) -> bytes:
    makers = [
        hostile.memo_index,
        lambda: hostile.nested_lists(rng.randrange(10, 300_000)),
        lambda: hostile.nested_modules(rng.randrange(10, 5_000)),
        lambda: hostile.empty_dicts(rng.randrange(1000, 3_000_000)),
        lambda: hostile.tuple_key(rng.randrange(5, 70)),
        lambda: hostile.list_dag(rng.randrange(5, 60)),
        lambda: hostile.long4(rng.randrange(1, 10_000)),
        lambda: hostile.many_globals(rng.randrange(10, 20_000)),
    ]
    return rng.choice(makers)()


def _safetensors(rng: random.Random) -> bytes:
    header: dict[str, object] = {}
    offset = 0
    for i in range(rng.randrange(0, 4)):
        shape = [rng.choice([0, 1, 2, 3, -1, 2**64, 10**30]) for _ in range(rng.randrange(4))]
        end = offset + rng.choice([0, 4, 8, 12])
        dtype = rng.choice(["F32", "F16", "I8", "BOOL", "X", 3, None, []])
        header[rng.choice([f"t{i}", "\x1b[2J", "a\nb", "__metadata__"])] = {
            "dtype": dtype,
            "shape": shape,
            "data_offsets": [offset, end],
        }
        offset = end
    raw = json.dumps(header).encode()
    return (
        _edited(hostile.safetensors(raw, b"\0" * offset), rng)
        if rng.random() < 0.3
        else (hostile.safetensors(raw, b"\0" * offset))
    )


def _zip(rng: random.Random) -> bytes:
    base = rng.choice([hostile.zip64_huge_offset, hostile.directory_past_end, hostile.lstm_zip])()
    return _edited(base, rng)


AREAS = {
    "pickle": lambda rng: _rezipped(_sound(rng), rng),
    "budget": _budget,
    "zip": _zip,
    "safetensors": _safetensors,
    "payload": _payload,
    "hostile-set": lambda rng: rng.choice(list(hostile.HOSTILE.values()))[1](),
}


def cases(rng: random.Random, count: int) -> Iterator[tuple[str, bytes]]:
    """``count`` hostile files, as (area, bytes), the areas in turn."""
    names = list(AREAS)
    for i in range(count):
        area = names[i % len(names)]
        yield area, AREAS[area](rng)


def _inspect_forked(path: Path) -> dict[str, object]:
    """inspect ``path`` in a forked child: its verdict, time and peak RSS."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: inspect, report, leave
        os.close(read)
        start = time.perf_counter()
        from lstmshape import inspect_checkpoint
        from lstmshape.errors import LstmShapeError

        try:
            verdict = "ok" if inspect_checkpoint(path).ok else "not ok"
        except LstmShapeError:
            verdict = "refused"
        except BaseException as error:  # a traceback of lstmshape: reported
            verdict = f"traceback: {type(error).__name__}: {str(error)[:200]}"
        report = {
            "verdict": verdict,
            "seconds": time.perf_counter() - start,
            "mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
        os.write(write, json.dumps(report).encode())
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + LIMIT_SECONDS * 3
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.005)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(read)
        return {"verdict": "killed", "seconds": LIMIT_SECONDS * 3, "mib": 0}
    data = os.read(read, 1 << 16)
    os.close(read)
    return json.loads(data) if data else {"verdict": "died", "seconds": 0, "mib": 0}


_ORACLE = """
import sys, warnings
warnings.simplefilter("ignore")
import torch
from safetensors.torch import load_file
for line in sys.stdin:
    path = line.strip()
    try:
        (load_file if path.endswith(".safetensors") else lambda p: torch.load(p, weights_only=True))(path)
        print("loads", flush=True)
    except Exception:
        print("refuses", flush=True)
"""


def run(count: int, seed: int) -> dict[str, Counter[str]]:
    """Every case inspected; per area, the counts of the report."""
    oracle = subprocess.Popen(
        [sys.executable, "-c", _ORACLE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    counts: dict[str, Counter[str]] = {}
    folder = Path(tempfile.mkdtemp(prefix="lstmshape-fuzz-"))
    SENTINEL.unlink(missing_ok=True)
    for i, (area, data) in enumerate(cases(random.Random(seed), count)):
        suffix = ".safetensors" if data[8:9] == b"{" else ".pt"
        path = folder / f"case{i}{suffix}"
        path.write_bytes(data)
        outcome = _inspect_forked(path)
        tally = counts.setdefault(area, Counter())
        tally["cases"] += 1
        verdict = str(outcome["verdict"])
        tally["tracebacks"] += verdict.startswith(("traceback", "died"))
        if verdict.startswith("traceback"):
            print(f"{area} case {i}: {verdict}", file=sys.stderr)
            (folder / f"traceback{i}{suffix}").write_bytes(data)
        tally["past 10 s"] += float(outcome["seconds"]) > LIMIT_SECONDS or verdict == "killed"
        tally["over 300 MiB"] += float(outcome["mib"]) > LIMIT_MIB
        if verdict == "ok":
            assert oracle.stdin is not None
            assert oracle.stdout is not None
            oracle.stdin.write(f"{path}\n")
            oracle.stdin.flush()
            tally["wrong ok"] += oracle.stdout.readline().strip() != "loads"
        tally["code run"] += SENTINEL.exists()
        SENTINEL.unlink(missing_ok=True)
        path.unlink()
        if (i + 1) % 100 == 0:
            print(f"{i + 1} cases", file=sys.stderr, flush=True)
            report(counts, sys.stderr)
    oracle.kill()
    return counts


def big_file(path: Path) -> None:
    """A 1 GB torch zip: a 64 MiB data.pkl of the costliest opcodes, then 1 GB of storage."""
    unit = b"cm\nM\n0"
    pickled = hostile.PROTO + unit * ((64 * 2**20 - 16) // len(unit)) + b"N."
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", pickled)
        archive.writestr("archive/version", b"3\n")
        with archive.open("archive/data/0", "w", force_zip64=True) as member:
            block = b"\0" * 2**24
            for _ in range(64):
                member.write(block)


def measure_big() -> str:
    folder = Path(tempfile.mkdtemp(prefix="lstmshape-big-"))
    path = folder / "hostile-1gb.pt"
    big_file(path)
    code = (
        "import resource, sys, time\n"
        "start = time.perf_counter()\n"
        "from lstmshape import inspect_checkpoint, LstmShapeError\n"
        "try: inspect_checkpoint(sys.argv[1]); said = 'read'\n"
        "except LstmShapeError as e: said = str(e).splitlines()[0][-80:]\n"
        "print(f'{time.perf_counter() - start:.2f} s, peak RSS '\n"
        "      f'{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB: {said}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=False
    )
    size = path.stat().st_size
    path.unlink()
    return f"{size / 2**30:.2f} GiB hostile file: {done.stdout.strip() or done.stderr[-500:]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--big", action="store_true")
    options = parser.parse_args()
    if options.big:
        print(measure_big(), flush=True)
    report(run(options.cases, options.seed), sys.stdout)


def report(counts: dict[str, Counter[str]], out: TextIO) -> None:
    """The counts as a Markdown table, an area a row, and the sum."""
    columns = ["cases", "tracebacks", "past 10 s", "over 300 MiB", "wrong ok", "code run"]
    print("| area | " + " | ".join(columns) + " |", file=out)
    print("|---|" + "---|" * len(columns), file=out)
    for area, tally in counts.items():
        print(f"| {area} | " + " | ".join(str(tally[c]) for c in columns) + " |", file=out)
    total = sum(counts.values(), Counter())
    print("| all | " + " | ".join(str(total[c]) for c in columns) + " |", file=out, flush=True)


if __name__ == "__main__":
    main()
