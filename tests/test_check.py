"""lstmshape check SPEC.toml: many named modules in one process, a pass/fail table, exit codes, and
every problem of a bad file reported with the file, the entry and the key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lstmshape import explain
from lstmshape.cli.voice import COMMAND_LINE
from lstmshape.commands.check import KEYS, SpecVoice
from lstmshape.i18n.words import Arg, Fix, Words, drop, fix, words
from tests.conftest import invoke, unwrapped
from tests.golden import check_golden, golden

ROOT = Path(__file__).resolve().parent.parent
SPECS = Path(__file__).parent / "specs"


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Spec paths are shown as given: relative to the repository, as in the README.
    monkeypatch.chdir(ROOT)


@golden
def test_the_tutorials_spec_passes() -> None:
    result = invoke("check examples/tutorials.toml")
    assert (result.exit_code, unwrapped(result.stderr)) == (0, "")
    check_golden("check_tutorials", "check examples/tutorials.toml", result.stdout)


@golden
def test_failures_are_in_the_table_and_explained_on_stderr() -> None:
    result = invoke("check tests/specs/mixed.toml")
    # A failed expectation is 1, a module torch refuses is 2: the worst wins.
    assert result.exit_code == 2
    check_golden("check_mixed", "check tests/specs/mixed.toml", result.stdout)
    assert unwrapped(result.stderr) == (
        "Error: [decoder] h_n is (1, 3, 20), not the expected (2, 3, 20).\n"
        "  h_n is (D*num_layers, N, H_out) with D*num_layers=1 (D=1 × num_layers=1), N=3, H_out=20 "
        "(hidden_size).\n"
        "  Try expect.h_n = [1, 3, 20], or change the module's arguments.\n"
        "Error: [broken] hidden_size=0: the hidden state needs at least 1 feature.\n"
        "  torch says: hidden_size must be greater than zero\n"
        "  Try hidden_size = 20.\n"
    )


def test_a_failed_expectation_alone_exits_1(tmp_path: Path) -> None:
    spec = tmp_path / "one.toml"
    spec.write_text('[gru]\nmodule = "GRU"\ninput = [4, 3, 10]\nhidden_size = 20\n'
                    "expect = { h_n = [2, 3, 20] }\n")  # fmt: skip
    result = invoke(["check", str(spec), "--format", "plain"])
    assert result.exit_code == 1
    assert "FAIL" in result.stdout
    assert result.stdout.rstrip().endswith("0 pass, 1 FAIL")


def test_json_holds_each_entrys_report_as_the_single_run_gives_it() -> None:
    result = invoke("check tests/specs/mixed.toml --format json")
    data = json.loads(result.stdout)
    assert (data["schema"], data["ok"], data["tally"]) == (
        2,
        False,
        {"pass": 2, "fail": 1, "invalid": 1, "unverified": 0},
    )
    entries = {e["name"]: e for e in data["entries"]}
    expected = explain((4, 3, 10), 20, num_layers=2, bidirectional=True,
                       expect={"output": (4, 3, 40), "h_n": (4, 3, 20)}).to_dict()  # fmt: skip
    assert entries["encoder"]["report"] == expected
    assert entries["decoder"]["result"] == "fail"
    assert entries["decoder"]["errors"][0].startswith("[decoder] h_n is (1, 3, 20)")
    assert entries["broken"] == {
        "name": "broken",
        "result": "invalid",
        "errors": [
            "[broken] hidden_size=0: the hidden state needs at least 1 feature.\n"
            "  torch says: hidden_size must be greater than zero\n"
            "  Try hidden_size = 20."
        ],
        "report": None,
    }


def test_markdown_table() -> None:
    result = invoke("check examples/tutorials.toml --format markdown")
    assert result.stdout.splitlines()[:4] == [
        "**examples/tutorials.toml: 4 entries**",
        "",
        "| entry | module | input | result | detail |",
        "|---|---|---|---|---|",
    ]


def test_verify_proves_every_entry() -> None:
    result = invoke("check examples/tutorials.toml --verify --format json")
    assert result.exit_code == 0
    entries = json.loads(result.stdout)["entries"]
    assert all(e["report"]["verified"]["ok"] for e in entries)
    plain = invoke("check examples/tutorials.toml --verify --format plain").stdout
    assert plain.count("; torch agrees") == 4


def test_an_entry_too_large_to_verify_is_unverified_not_invalid(tmp_path: Path) -> None:
    """torch accepts the module; --verify cannot run it within its limits. That is not a module
    torch refuses (INVALID), nor a shape that differs (FAIL): torch was never asked."""
    spec = tmp_path / "spec.toml"
    spec.write_text(
        "[small]\ninput = [4, 3, 10]\nhidden_size = 20\n"
        "[long_packed]\ninput = [30000, 4, 10]\nhidden_size = 20\n"
        "lengths = [30000, 30000, 30000, 30000]\n"
    )
    result = invoke(["check", str(spec), "--verify", "--format", "plain"])
    assert result.exit_code == 2
    # Each entry stacked (its detail is too long for a row): its result, its name, then indented.
    lines = result.stdout.splitlines()[1:-1]
    results = dict(reversed(line.split()) for line in lines if not line.startswith(" "))
    assert results == {"small": "pass", "long_packed": "UNVERIFIED"}
    assert "INVALID" not in result.stdout
    assert result.stdout.rstrip().endswith("1 pass, 1 UNVERIFIED")
    assert unwrapped(result.stderr).startswith(
        "Error: [long_packed] --verify cannot run this packed input on real tensors"
    )
    data = json.loads(invoke(["check", str(spec), "--verify", "--format", "json"]).stdout)
    assert data["tally"] == {"pass": 1, "fail": 0, "invalid": 0, "unverified": 1}
    assert [e["result"] for e in data["entries"]] == ["pass", "unverified"]
    # Without --verify, the same entry passes: nothing is wrong with it.
    assert invoke(["check", str(spec)]).exit_code == 0


def test_a_bad_file_reports_every_problem_with_file_entry_and_key() -> None:
    result = invoke("check tests/specs/bad.toml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert unwrapped(result.stderr) == (
        "Error: tests/specs/bad.toml: 7 problems in the spec file.\n"
        "  tests/specs/bad.toml: [a] hidden: unknown key (did you mean hidden_size?).\n"
        "  tests/specs/bad.toml: [a] layers: unknown key (did you mean num_layers?).\n"
        "  tests/specs/bad.toml: [a]: missing hidden_size (a whole number).\n"
        "  tests/specs/bad.toml: [b] hidden_size: 'twenty' is not a whole number; it takes a whole "
        "number.\n"
        '  tests/specs/bad.toml: [b]: missing input (a shape such as [4, 3, 10] or "4,3,10").\n'
        "  tests/specs/bad.toml: [b] module: 'LSTMM' is not one of LSTM, GRU, RNN, LSTMCell, GRUCell "
        "or RNNCell.\n"
        "  tests/specs/bad.toml: [c] expect.c_n: no such tensor; this module has input, h_0, output, "
        "h_n, and parameters such as weight_ih_l0.\n"
        "  Try the keys explain() takes: input, hidden_size, module, nonlinearity, num_layers, "
        "bidirectional, batch_first, proj_size, dropout, bias, input_size, h_0, c_0, lengths, "
        "enforce_sorted, deploy, expect (required: input, hidden_size).\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[a\ninput = 1", "not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 3)."),
        ("", "1 problem in the spec file.\n  {path}: no entries; each entry is a table such as [encoder]."),
        ("x = 1", "1 problem in the spec file.\n  {path}: x = 1 is not an entry: each entry is a table, [x]."),
        ("[a]\ninput = [4, -3, 10]\nhidden_size = 2", "[a] input: [4, -3, 10] is not a shape; it takes a shape such as"),
        ("[a]\ninput = \"4,,10\"\nhidden_size = 2", "[a] input: '4,,10': axis 1 is empty; it takes a shape such as"),
        ("[a]\ninput = [4, 3, 10]\nhidden_size = 2\nbidirectional = 1", "[a] bidirectional: 1 is not true or false; it takes true or false."),
        ("[a]\ninput = [4, 3, 10]\nhidden_size = 2\nexpect = [1]", "[a] expect: [1] is not a table such as { h_n = [2, 3, 20] }."),
    ],
)  # fmt: skip
def test_bad_files_exit_2(tmp_path: Path, text: str, message: str) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(text)
    result = invoke(["check", str(spec)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert unwrapped(result.stderr).startswith(f"Error: {spec}: ")
    assert message.replace("{path}", str(spec)) in unwrapped(result.stderr)


def test_a_missing_file_exits_2() -> None:
    result = invoke("check no/such.toml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert unwrapped(result.stderr) == (
        "Error: Cannot read the spec file no/such.toml: No such file or directory.\n"
        "  Try the path of a TOML file, e.g. lstmshape check shapes.toml.\n"
    )


def test_verify_budget_needs_verify() -> None:
    result = invoke("check examples/tutorials.toml --verify-budget 1GiB")
    assert result.exit_code == 2
    assert "it needs --verify" in unwrapped(result.stderr)


def test_a_thousand_entries_in_one_process(tmp_path: Path) -> None:
    spec = tmp_path / "many.toml"
    spec.write_text("".join(
        f"[m{i}]\ninput = [{i % 7 + 1}, 3, 10]\nhidden_size = 20\nexpect = {{ h_n = [1, 3, 20] }}\n"
        for i in range(1000)
    ))  # fmt: skip
    result = invoke(["check", str(spec), "--format", "json"])
    data = json.loads(result.stdout)
    assert (result.exit_code, data["tally"]) == (
        0,
        {"pass": 1000, "fail": 0, "invalid": 0, "unverified": 0},
    )


@pytest.mark.parametrize(
    ("sentence", "spec_file", "command_line"),
    [
        (words("Try {a}, or change it.", a=Fix.of({"expect.h_n": (1, 3, 20)})),
         "Try expect.h_n = [1, 3, 20], or change it.", "Try --expect h_n=1,3,20, or change it."),
        (words("Try {a}, or {b}.", a=fix(h_0=(2, 3, 20)), b=drop("bidirectional")),
         "Try h_0 = [2, 3, 20], or without bidirectional.", "Try --h0 2,3,20, or without --bidirectional."),
        (words("Try {a}, or {b}.", a=fix(module="GRU"), b=fix(nonlinearity="relu")),
         'Try module = "GRU", or nonlinearity = "relu".', "Try --module GRU, or --nonlinearity relu."),
        (words("Try {a} (or 0 for no dropout).", a=fix(dropout=0.2)),
         "Try dropout = 0.2 (or 0 for no dropout).", "Try --dropout 0.2 (or 0 for no dropout)."),
        (words("Try {a}, or {b}.", a=drop("proj_size"), b=fix(hidden_size=20)),
         "Try without proj_size, or hidden_size = 20.", "Try without --proj-size, or --hidden 20."),
        (words("Try {a}.", a=fix(input=(5, 1, 10), lengths=(5,))),
         "Try input = [5, 1, 10], lengths = [5].", "Try --input 5,1,10 --lengths 5."),
        (words("Try {a}.", a=Fix.of({"expect.output.data": (10, 20)})),
         'Try expect."output.data" = [10, 20].', "Try --expect output.data=10,20."),
        (words("Try {a}.", a=fix(enforce_sorted=False)),
         "Try enforce_sorted = false.", "Try --unsorted (enforce_sorted=False)."),
        (words("{a} 2,4,3 is not in decreasing order", a=Arg("lengths")),
         "lengths 2,4,3 is not in decreasing order", "--lengths 2,4,3 is not in decreasing order"),
        (words("Try again without {a}.", a=Arg("verify")),
         "Try again without --verify.", "Try again without --verify."),
    ],
)  # fmt: skip
def test_sentences_speak_the_files_keys(sentence: Words, spec_file: str, command_line: str) -> None:
    """The library's sentences name torch's arguments; the spec file says them as its keys, and
    what is not a key (--verify) as the check command's option."""
    assert sentence.render(SpecVoice(COMMAND_LINE, (*KEYS, "expect"))) == spec_file
    assert sentence.render(COMMAND_LINE) == command_line


def test_the_console_script_dispatches_check_and_keeps_explain() -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "lstmshape", *args], capture_output=True,
                              text=True, cwd=ROOT, check=False)  # fmt: skip

    checked = run("check", "examples/tutorials.toml", "--format", "plain")
    assert (checked.returncode, unwrapped(checked.stderr)) == (0, "")
    assert checked.stdout.rstrip().endswith("4 pass")
    explained = run("--input", "4,3,10", "--hidden", "20", "--layers", "2")
    assert explained.returncode == 0
    assert "total 5,920" in explained.stdout
    helped = run("--help")
    assert "lstmshape check SPEC.toml" in " ".join(helped.stdout.replace("│", " ").split())


@pytest.mark.parametrize(
    ("entry", "first_line"),
    [
        ('module = "LSTMCell"\ninput = [3, 10]\nhidden_size = 20\nnum_layers = 1',
         "Error: [a] An LSTMCell has no num_layers: a cell runs one time step of one layer, in one direction, each call."),
        ('module = "GRUCell"\ninput = [3, 10]\nhidden_size = 20\nbatch_first = false',
         "Error: [a] A GRUCell has no batch_first"),
        ('module = "GRU"\ninput = [4, 3, 10]\nhidden_size = 20\nproj_size = 0',
         "Error: [a] proj_size = 0: only an LSTM projects its hidden state."),
        ('module = "GRU"\ninput = [4, 3, 10]\nhidden_size = 20\nnonlinearity = "tanh"',
         'Error: [a] nonlinearity = "tanh" is nn.RNN\'s argument; a GRU has none.'),
    ],
)  # fmt: skip
def test_keys_the_class_refuses_even_at_defaults_are_invalid(
    tmp_path: Path, entry: str, first_line: str
) -> None:
    """torch raises for these at any value (TypeError or ValueError), as the command line says."""
    spec = tmp_path / "spec.toml"
    spec.write_text(f"[a]\n{entry}\n")
    result = invoke(["check", str(spec), "--verify"])
    assert result.exit_code == 2
    assert unwrapped(result.stderr).startswith(first_line)
    assert "INVALID" in result.stdout


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'[a]\ninput = [4, 3, 10]\nhidden_size = 20\nx = "\xff"\n', "not UTF-8 text: byte 45 is 0xff."),
        (b"[a]\ninput = [1, 5]\nhidden_size = 5\nh_0 = []\n", "[a] h_0: [] is an empty shape"),
        (b"[a]\ninput = [4, 3, 10]\nhidden_size = 5\nlengths = [4, 2, 1]\nexpect = { output.data = [7, 5] }\n",
         '[a] expect.output: a table, not a shape; quote a name with a dot: "output.data" = [...].'),
    ],
)  # fmt: skip
def test_more_bad_files(tmp_path: Path, data: bytes, message: str) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_bytes(data)
    result = invoke(["check", str(spec)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert message in unwrapped(result.stderr)


def test_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_bytes(b"\xef\xbb\xbf[a]\ninput = [4, 3, 10]\nhidden_size = 20\n")
    assert invoke(["check", str(spec)]).exit_code == 0


def test_without_torch_verify_is_refused_once_for_the_whole_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # any 'import torch' now fails
    result = invoke("check examples/tutorials.toml --verify")
    assert (result.exit_code, result.stdout) == (2, "")
    assert unwrapped(result.stderr).count("torch is not installed") == 1
