"""The Japanese style sheet (lstmshape/locale/ja/STYLE.md), held over every entry of the Japanese
catalogs: one register (です/ます, hints as requests), one term per concept (the sheet's tables,
read from the sheet itself), its typography and its one spacing rule, and everything that is never
translated kept as the English says it.

Each rule is a function that returns what breaks it; each test runs one rule over every entry, and
a companion test shows the rule catching the mistakes it names (so no rule passes by matching
nothing).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from functools import cache

import pytest

from lstmshape.i18n.catalog import LOCALE
from tests import glossary

SHEET = LOCALE / "ja" / "STYLE.md"
ENTRIES = glossary.catalog("ja")  # English -> Japanese, every catalog

JAPANESE = "\u3040-\u30fa\u30fc-\u30ff\u3400-\u9fff\uff66-\uff9f"  # kana, kanji, ー (not ・)
J = f"[{JAPANESE}]"
# Full-width punctuation and brackets: no space on either side of them.
FULL = "、。・（）「」『』：！？"

# -- register ---------------------------------------------------------------------------------

POLITE = re.compile(r"(?:です|ます|ません|でした|ました|ませんでした|ください|ましょう)(?:か)?$")
# The plain forms a polite sentence never ends in: だ/である, a verb's dictionary or past form, an
# adjective's, an order made with こと. Nouns that end in these kana are named as exceptions.
PLAIN = re.compile(
    r"(?:だ|である|であった|だった|ない|なかった|[うくぐすつぬぶむる]|た|[^でま]すこと|こと"
    r"|きい|さい|多い|少ない|よい|良い|長い|短い|深い|近い|遠い|正しい|新しい|古い|等しい)$"
)
NOUN_ENDINGS = re.compile(r"(?:ほう|よう|ずつ|[0-9一] ?つ|いくつ|こと(?=[はがを]))$")


def _clauses(text: str) -> list[tuple[str, str]]:
    """The clauses of a message, each with the mark that ends it, and each without the
    parenthesised asides and quotes that may close it (a clause that ends in a placeholder ends in
    what the placeholder holds)."""
    found = []
    for match in re.finditer(r"(.*?)([。！？]|: |:$|\n|$)", text, re.S):
        clause = match.group(1).strip()
        while True:
            shorter = re.sub(r"(?:（[^（）]*）|\([^()]*\)|「[^「」]*」|\s+)$", "", clause)
            if shorter == clause:
                break
            clause = shorter
        if clause:
            found.append((clause, match.group(2)))
    # An aside (in full-width parentheses) is a clause of its own, held to the same rule.
    for aside in re.findall(r"（([^（）]*)）", text):
        found += _clauses(aside)
    return found


def plain_endings(text: str) -> list[str]:
    """The clauses of ``text`` that end in a plain predicate instead of a polite one or a noun,
    and the questions not asked politely."""
    found = []
    for clause, mark in _clauses(text):
        if not re.search(f"{J}$", clause):
            continue
        if mark == "？":
            if not re.search(r"(?:です|ます|ません|でしょう)か$", clause):
                found.append(clause)
            continue
        bare = clause.removesuffix("か")
        if not POLITE.search(bare) and PLAIN.search(bare) and not NOUN_ENDINGS.search(clause):
            found.append(clause)
    return found


def hint_not_requested(english: str, japanese: str) -> list[str]:
    """A hint (English "Try ...", "Please ...") asks the reader: 「…してください」."""
    if re.match(r"(?:Try|Please)\b", english) and "ください" not in japanese:
        return [japanese]
    return []


def statements_of_hints(text: str) -> list[str]:
    """A hint said as a statement or an order: 「…を試す。」, 「…してみる」, 「…すること」."""
    return re.findall(r"試す(?:[。:]|$)|てみる|[うくぐすつぬぶむる]こと(?:[。:]|$)|あなた", text)


# -- terms ------------------------------------------------------------------------------------


@cache
def refused_terms() -> list[tuple[str, str]]:
    """(concept, refused word as a regular expression) from the style sheet's tables."""
    refused = []
    for line in SHEET.read_text(encoding="utf-8").splitlines():
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) != 3 or cells[0] in ("concept", "---") or cells[2] in ("(none)", "---"):
            continue
        refused += [(cells[0], word) for word in cells[2].split(", ")]
    return refused


def refused_words(text: str) -> list[str]:
    return [word for _, word in refused_terms() if re.search(word, text)]


# -- typography and spacing -------------------------------------------------------------------

# The kind of value each placeholder holds, for the spacing rule: code, a number or a shape (spaced
# like ASCII, the default), Japanese prose (a translated fragment: no space beside it), or either
# (nothing can be said of the spacing beside it). A name that holds prose in one message only is
# named with that message.
PROSE = frozenset({
    "problem", "doing", "because", "how", "memory", "slow", "noun", "nouns", "step",
    "real", "then", "after", "before", "too_big",
})  # fmt: skip
EITHER = frozenset({
    "what", "reason", "names", "ranks", "other", "first", "order", "more", "said", "text",
    "detail", "why", "method", "label", "verdict", "heading", "place", "where", "groups", "side",
    "unsorted", "budget", "c0", "verify", "a", "fix", "same", "substitutions", "sizes", "checks",
    "duration", "meaning", "part", "which", "expression", "elementwise", "runs", "compared",
    "failure", "error", "exception", "cause", "listed", "states", "missing", "passed",
})  # fmt: skip
PROSE_IN = {
    "{typed} is {kind}.": {"kind"},
    "{lengths} gives {count} {length} for a batch of N = {n} {noun}.": {"length"},
    "{real}: {because} So {built} and ran on inputs of ones (integers) or random numbers "
    "(floats, seed {seed}).": {"built"},
    "{real}: {because} So {built} and ran on the inputs your function made.": {"built"},
    "batch_first=False: torch reads {shape} as L={length} {steps} of N={n} {nouns}. If your "
    "tensor is (batch, seq, feature), pass batch_first=True: without it torch silently swaps N "
    "and L.": {"steps"},
    "{module} runs one time step per call: input {shape} is one step of {count}, not a "
    "sequence. There is no num_layers, bidirectional, batch_first, proj_size or dropout: stack "
    "cells yourself to get layers.": {"count"},
}
CODE_STAND_IN, PROSE_STAND_IN, EITHER_STAND_IN = "X9", "あ", "\x00"


def _filled(english: str, text: str) -> str:
    """``text`` with each placeholder replaced by a stand-in of the kind of value it holds."""
    prose = PROSE | PROSE_IN.get(english, set())

    def stand_in(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in prose:
            return PROSE_STAND_IN
        return EITHER_STAND_IN if name in EITHER else CODE_STAND_IN

    return re.sub(r"\{(\w*)(?:![rsa])?(?::[^{}]*)?\}", stand_in, text)


ASCII_WORD = r"[A-Za-z0-9_)\]'\"`=*+/%<>~-]"
ASCII_START = r"[A-Za-z0-9_(\['\"`=*+/%<>~-]"


def spacing_faults(english: str, text: str) -> list[str]:
    """Where ``text`` breaks the one spacing rule, or the typography around it."""
    filled = _filled(english, text)
    faults = re.findall(f"{ASCII_WORD}{J}|{J}{ASCII_START}", filled)
    faults += re.findall(f"{J} {J}", filled)
    for line in filled.splitlines():
        faults += re.findall(r"[^ ]  +(?!#)", line.lstrip(" "))
    faults += re.findall(f"(?<!:) [{FULL}]|[{FULL.replace('？', '').replace('！', '')}] ", text)
    faults += re.findall(f"{J}[,.?!;]|{J} :|：|[Ａ-Ｚａ-ｚ０-９]|[\uff66-\uff9f]", text)
    faults += re.findall(r"[？！][^\s」）。]", text.replace("？）", ""))
    return faults


# -- never translated -------------------------------------------------------------------------

CODE = re.compile(r"`[^`]+`|(?<![\w.])[A-Za-z_][\w]*(?:[._=][\w.=*'\[\]-]*\w)+(?:\(\))?")
NOT_CODE = re.compile(r"^(?:e\.g|i\.e|etc)\b")


def _fields(text: str) -> set[str]:
    return {
        "{" + name + ("!" + conv if conv else "") + (":" + spec if spec else "") + "}"
        for _, name, spec, conv in string.Formatter().parse(text)
        if name is not None
    }


def untranslated_lost(english: str, japanese: str) -> list[str]:
    """Placeholders (with their conversions) and code of the English missing from the Japanese."""
    lost = sorted(set(_fields(english)) ^ set(_fields(japanese)))
    bare = re.sub(r"\{[^{}]*\}", " ", english)
    for found in CODE.findall(bare):
        code = found.strip("`").removesuffix("'s")
        if not NOT_CODE.match(code) and code not in japanese:
            lost.append(code)
    return lost


# -- the tests --------------------------------------------------------------------------------

RULES: dict[str, Callable[[str, str], list[str]]] = {
    "plain ending": lambda en, ja: plain_endings(ja),
    "hint not a request": hint_not_requested,
    "hint as a statement": lambda en, ja: statements_of_hints(ja),
    "refused synonym": lambda en, ja: refused_words(ja),
    "spacing or typography": spacing_faults,
    "placeholder or code changed": untranslated_lost,
}


@pytest.mark.parametrize("rule", list(RULES))
def test_every_catalog_entry_follows_the_style_sheet(rule: str) -> None:
    broken = {}
    for english, japanese in ENTRIES.items():
        faults = RULES[rule](english, japanese)
        if faults:
            broken[english] = (japanese, faults)
    assert broken == {}


def test_the_sheet_refuses_the_synonyms_the_issue_names() -> None:
    refused = {word for _, word in refused_terms()}
    assert {"射影", "順伝播", "レイヤー", "デフォルト", "訓練", "あなた"} <= refused
    assert len(refused_terms()) >= 40


@pytest.mark.parametrize(
    ("rule", "english", "japanese"),
    [
        ("plain ending", "x", "h_0 が LSTM に合わない: N の軸が違う。"),
        ("plain ending", "x", "形状は {shape} である（{why}）。"),
        ("plain ending", "x", "モデルを構築している"),
        ("plain ending", "x", "{path} には再帰モジュールがない。"),
        ("plain ending", "x", "どれか？"),
        ("hint not a request", "Try {a}.", "{a} を試す。"),
        ("hint as a statement", "x", "{fix} を試す。"),
        ("hint as a statement", "x", "batch_first=True を渡すこと。"),
        ("refused synonym", "x", "{weight} が各 h_t を射影します。"),
        ("refused synonym", "x", "コスト: 順伝播 1 回の計算量"),
        ("refused synonym", "x", "入力の特徴の数"),
        ("refused synonym", "x", "ヘッダーは JSON です。"),
        ("refused synonym", "x", "一つの層"),
        ("spacing or typography", "x", "少なくとも1つの層が必要です。"),
        ("spacing or typography", "x", "{count}個の形状"),
        ("spacing or typography", "x", "最後の軸 (H_in)が 1 以上"),
        ("spacing or typography", "x", "例：{example}"),
        ("spacing or typography", "x", "層 、方向"),
        ("spacing or typography", "x", "どれですか?"),
        ("spacing or typography", "{typed} is {kind}.", "{typed} は {kind}。"),
        ("spacing or typography", "x", "{typed} は {problem}。"),
        ("placeholder or code changed", "{name!r} is bad", "{name} は不正です。"),
        ("placeholder or code changed", "batch_first=True reorders", "バッチ優先で並べ替えます。"),
    ],
)
def test_each_rule_catches_what_it_names(rule: str, english: str, japanese: str) -> None:
    assert RULES[rule](english, japanese) != []


@pytest.mark.parametrize(
    "japanese",
    [
        "h_0 の形状は (1, 32, 256) ですが、この LSTM が期待するのは (1, 8, 256) です。",
        "{typed} は{problem}。",
        "入力は (L, N, H_in) ではありませんか？ batch_first=True では、torch は {shape} を読みます。",
        "期待値と異なる形状 {count} 個",
        "修正: 入力が (N, L, H_in) なら {call}。(L, N, H_in) なら batch_first を外してください",
        "{code}  # または 'relu'",
        "作ったクラスのほう",
        "層ごとに 1 つずつ",
    ],
)
def test_the_rules_accept_what_the_sheet_allows(japanese: str) -> None:
    for rule in ("plain ending", "hint as a statement", "refused synonym", "spacing or typography"):
        assert RULES[rule]("x", japanese) == [], rule


def test_the_placeholders_named_for_one_message_are_in_the_catalogs() -> None:
    """A message named in PROSE_IN that the code no longer says would leave its rule unchecked."""
    assert sorted(set(PROSE_IN) - set(ENTRIES)) == []
