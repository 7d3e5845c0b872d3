"""Long code is listed with its reason: every module over 400 lines and function over 60 that
tools/long_code.py finds is named in docs/development.md's "Long modules and functions", and
every name there is still long (a split one leaves the list)."""

from __future__ import annotations

import re

from tools.long_code import ROOT, _long_functions, long_code

PAGE = ROOT / "docs" / "development.md"


def explained() -> set[str]:
    """The modules and functions the page gives a reason for."""
    section = PAGE.read_text(encoding="utf-8").split("\n## Long modules and functions\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    names = set()
    for item in re.split(r"\n- ", section)[1:]:
        reason_at = item.index("`: ") if "`: " in item else item.index("`")
        listed = item[: item.rindex("`:") + 1] if "`:" in item else item[: reason_at + 1]
        module = None
        for name in re.findall(r"`([^`]+)`", listed):
            if name.startswith("lstmshape/"):
                module = name.split(":")[0]
                names.add(name)
            elif module is not None:  # a function of the module named before it
                names.add(f"{module}:{name}")
    return names


def test_every_long_module_and_function_has_its_reason() -> None:
    found = {name for name, _ in long_code()}
    reasons = explained()
    assert sorted(found - reasons) == [], "split it, or say in docs/development.md why it is long"
    assert sorted(reasons - found) == [], "no longer long: take it off docs/development.md's list"


def test_the_list_can_fail() -> None:
    import ast

    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    assert _long_functions(ast.parse(f"def f():\n{body}\n")) == [("f", 62)]
    assert _long_functions(ast.parse("class C:\n    def g(self):\n        pass\n")) == []
