"""The French style sheet (lstmshape/locale/fr/STYLE.md), held over every entry of the French
catalogs: the register (vous), one term per concept (the sheet's refused synonyms never said), the
typography (a no-break space before the two-part marks, « » with their spaces, « p. ex. » whole),
numbers never written by the translator in a form of their own, and everything that is never
translated kept exactly as the English says it.

Each rule is a function that returns what breaks it in one entry; each test runs one rule over every
entry, and a companion test shows the rule catching the mistakes it exists for (a rule that matched
nothing would pass forever).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable

import pytest

from lstmshape.i18n.catalog import LOCALE
from tests import glossary

SHEET = LOCALE / "fr" / "STYLE.md"
ENTRIES = glossary.catalog("fr")  # English -> French, every catalog

NBSP = "\u00a0"  # before ':' and inside « »
NNBSP = "\u202f"  # before ';' '?' '!'
BEFORE = {":": NBSP, ";": NNBSP, "?": NNBSP, "!": NNBSP}

# Code inside a message that is not a placeholder: its marks are not French punctuation.
CODE = re.compile(
    r"`[^`]*`"  # a code span
    r"|https?://\S+"  # an address
    r"|\bdef \w+\(\): "  # a function written out (trace's hint: def build(): return ...)
    r"|\[/?\w*\]"  # Rich's markup ([blue] ... [/])
)


def _prose(text: str) -> str:
    """The text a French reader reads as prose: placeholders (filled with code, torch's sentences,
    numbers) and code spans replaced by a neutral word."""
    text = re.sub(r"\{[^{}]*\}", "X", text)
    return CODE.sub("X", text)


# -- typography -------------------------------------------------------------------------------

# A two-part mark is punctuation when it ends a clause: followed by a space, the end, or a closing
# bracket or quote. PACKAGE.MODULE:FACTORY, 12:30 or weights_only's ':' inside a word are not.
_MARK = re.compile(r"([:;?!])(?=[\s)»\]\"']|$)")


def spacing(text: str) -> list[str]:
    """The two-part marks of ``text`` without the French space before them: U+00A0 before ':',
    U+202F before ';' '?' '!', after a word (never a plain space, nor the other no-break space)."""
    prose = _prose(text)
    wrong = []
    for match in _MARK.finditer(prose):
        mark, at = match.group(1), match.start()
        before = prose[at - 1] if at else ""
        ahead = prose[at - 2] if at > 1 else ""
        if before != BEFORE[mark] or not ahead.strip():
            wrong.append(prose[max(0, at - 12) : at + 2])
    # A no-break space is typography only: before a mark, inside « », or in « p. ex. ».
    for match in re.finditer(f"[{NBSP}{NNBSP}]", prose):
        after = prose[match.end() : match.end() + 1]
        before = prose[max(0, match.start() - 3) : match.start()]
        allowed = (
            (after in BEFORE and BEFORE[after] == match.group())
            or (match.group() == NBSP and (before.endswith("«") or after == "»"))
            or (match.group() == NBSP and before.endswith("p."))
            or (match.group() == NBSP and before.endswith("par"))  # « par défaut » kept whole
        )
        if not allowed:
            wrong.append(prose[max(0, match.start() - 12) : match.end() + 2])
    return wrong


def guillemets(text: str) -> list[str]:
    """« » with U+00A0 inside them, never "..." or “...” around French words."""
    prose = _prose(text)
    wrong = re.findall(r"«(?!\u00a0)|(?<!\u00a0)»|“|”", prose)
    wrong += re.findall(r'"[^"\n]*[A-Za-zÀ-ÿ]{2,} [A-Za-zÀ-ÿ]{2,}[^"\n]*"', prose)
    return wrong


def abbreviations(text: str) -> list[str]:
    """« p. ex. » with a no-break space, so that a line never ends after « p. »."""
    return re.findall(r"p\. ex\.", text)


# -- phrasing ---------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """Text compared as words: placeholders and the sheet's stand-ins (X, Y, Z) as one word, the
    no-break spaces as spaces, case aside."""
    text = re.sub(r"\{[^{}]*\}|\b[XYZ]\b", "X", text)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).lower()


def _word_for_word() -> list[str]:
    """The sheet's refused phrasings: the middle column of its table of rewritten examples."""
    sheet = SHEET.read_text(encoding="utf-8")
    table = sheet.split("| English | word for word (refused) | French |", 1)[1].split("\n\n", 1)[0]
    rows = [line.split(" | ") for line in table.splitlines() if line.startswith("| ")]
    return [_plain(said.strip()) for row in rows[1:] for said in row[1].split(" / ")]


WORD_FOR_WORD = _word_for_word()


def word_for_word(text: str) -> list[str]:
    """The English's word order the sheet refuses, rewritten in its third column."""
    return [said for said in WORD_FOR_WORD if said in _plain(text)]


# -- register ---------------------------------------------------------------------------------

_TU = re.compile(r"\b(?:tu|toi|ton|ta|tes|te|t'|essaie|-toi)\b", re.I)
_VOUS_IMPERATIVE = re.compile(r"\b[\w'-]*ez\b(?:-(?:le|la|les|en|y|vous))?", re.I)


def register(english: str, french: str) -> list[str]:
    """vous, never tu; a hint (the English says "Try ...") is a request in the vous imperative
    (« Essayez », « Ajoutez », « Relancez »); where the English speaks to the reader (you, your),
    so does the French (vous, votre, vos)."""
    prose = _prose(french)
    wrong = [m.group() for m in _TU.finditer(prose)]
    if english.startswith("Try ") and not _VOUS_IMPERATIVE.search(prose):
        wrong.append("a hint not asked in the vous imperative")
    if re.search(r"\byou(?:r)?\b", _prose(english), re.I) and not re.search(
        r"\b(?:vous|votre|vos)\b|-vous\b", prose, re.I
    ):
        wrong.append("the English speaks to the reader, the French does not")
    return wrong


# -- terms ------------------------------------------------------------------------------------

# One term per concept: (concept, the term said, the synonyms refused). The sheet lists the same.
TERMS: list[tuple[str, str, str]] = [
    ("padding, padded", "remplissage", r"rembourr\w*|bourrage|complété(?:e?s?)? par des zéros"),
    ("batch", "lot", r"(?<![-\w])batchs?\b(?![_=(-])|mini-lot"),
    ("batched / unbatched input", "avec / sans axe de lot", r"\b(?:avec|sans|en) lot\b"),
    ("forward pass", "passe avant", r"propagation avant|passage avant|passe forward"),
    ("forward / backward direction", "sens avant / arrière", r"direction (?:avant|arrière)"),
    ("traceback", "trace d'appels", r"\btraceback\b|pile d'appels"),
    ("device", "périphérique", r"\bappareil\w*|\bdevice\b(?!=)"),
    ("fake, shape-only tensors", "tenseurs factices", r"\bfake\b|forme seule|\bshape-only\b"),
    ("log", "journal", r"\blogs?\b"),
    ("save", "enregistrer", r"sauvegard\w*"),
    ("shard, sharded", "fragment, fragmenté", r"\bmorceaux?\b|\bshards?\b"),
    ("directory, folder", "dossier", r"répertoire"),
    ("feature", "caractéristique", r"\bfeatures?\b|\battributs\b"),
    ("torch says", "message de torch", r"torch dit\b"),
    ("Note", "Remarque", r"^Note\b"),
    ("MACs, FLOPs (acronyms are invariable)", "MAC, FLOP", r"\bMACs\b|\bFLOPs\b"),
    ("LSTM, GRU, RNN (masculine)", "un LSTM, le GRU", r"\b(?:une|la|cette) (?:LSTM|GRU|RNN)\b"),
    ("pipe", "tube", r"\bpipe\b"),
    ("takes (a module, a function, an option)", "attend, accepte", r"\bprend\b|\bprennent\b"),
]


def refused_terms(text: str) -> list[str]:
    """The synonyms the sheet refuses, said in prose (code and placeholders aside)."""
    prose = _prose(text)
    return [
        f"{found.group()} ({concept}: {term})"
        for concept, term, refused in TERMS
        for found in re.finditer(refused, prose, re.I if not refused.startswith("^") else 0)
    ]


# Where the English names one of these concepts, the French says the sheet's term for it.
SAID: list[tuple[str, str]] = [
    (r"\bpadd(?:ing|ed)\b", "remplissage"),
    (r"\bforward pass\b", "passe avant"),
    (r"\btraceback\b", "trace d'appels"),
    (r"\b(?:un)?batched\b", "axe de lot"),
    (r"\bfake\b|\bshape-only\b", "factice"),
    (r"\bshard(?:s|ed)?\b", "fragment"),
    (r"\bdevice\b(?!=)", "périphérique"),
    (r"\blogs?\b", "journal"),
    (r"\bdirectory\b", "dossier"),
]


def terms_said(english: str, french: str) -> list[str]:
    """The sheet's term, said where the English names its concept in prose (torch.save, device=
    and other code aside)."""
    prose = re.sub(r"\w+\.\w+[\w.()]*", "X", _prose(english))
    return [
        term
        for pattern, term in SAID
        if re.search(pattern, prose, re.I) and term not in french.lower()
    ]


# -- what is never translated -----------------------------------------------------------------


def _fields(text: str) -> list[str]:
    """Each placeholder as written, name, conversion and format spec: {name!r}, {count}."""
    found = []
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            found.append(
                f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
            )
    return sorted(found)


def placeholders(english: str, french: str) -> list[str]:
    """Every placeholder of the English, untouched and as often; none added."""
    return (
        [] if _fields(english) == _fields(french) else [f"{_fields(english)} != {_fields(french)}"]
    )


# Code in the English text: names with an underscore, a dot or a call (h_0, batch_first=True,
# nn.LSTM, forward(), torch.save), options (--lengths), and shapes (4,3,10).
_CODE_TOKEN = re.compile(
    r"--[a-z][\w-]*"
    r"|[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+(?:\(\))?"
    r"|\b[A-Za-z]\w*_\w+(?:=\w+)?"
    r"|\b\w+\(\)"
    r"|\b\d+(?:,\d+)+\b"
)
_NOT_CODE = {"e.g", "i.e"}


def untranslated(english: str, french: str) -> list[str]:
    """The code the English says, said the same in the French (never translated)."""
    tokens = {t.rstrip(".") for t in _CODE_TOKEN.findall(_prose(english))} - _NOT_CODE
    return sorted(t for t in tokens if t not in _prose(french))


def numbers(english: str, french: str) -> list[str]:
    """Numbers a translator wrote in a form of their own: every number in the French is one the
    English says (the code formats the numbers it fills in, in the language's CLDR form), and no
    English unit (MB, GB) is left in prose."""
    said = set(re.findall(r"\d+(?:[.,]\d+)*", _prose(english)))
    wrong = [n for n in re.findall(r"\d+(?:[.,]\d+)*", _prose(french)) if n not in said]
    wrong += re.findall(r"\b\d+ ?[KMGT]B\b", _prose(french))
    return wrong


def sentence_shape(english: str, french: str) -> list[str]:
    """A sentence (an English message that ends with '.', ':' or '?') that starts with a capital
    letter in English does in French, and every message ends with the same mark (., :, ?) or none
    (a fragment such as an OS's reason, "Is a directory", is said inside a sentence)."""
    wrong = []
    sentence = english.rstrip().endswith((".", ":", "?"))
    capital = english[:1].isupper() and french[:1].isalpha()
    if sentence and capital and not french[:1].isupper():
        wrong.append("starts in lower case")
    for mark in ".:?":
        if english.rstrip().endswith(mark) != french.rstrip().endswith(mark):
            wrong.append(f"ends otherwise than with {mark!r}")
    return wrong


# -- the tests --------------------------------------------------------------------------------

ON_FRENCH: list[Callable[[str], list[str]]] = [
    spacing,
    guillemets,
    abbreviations,
    refused_terms,
    word_for_word,
]
ON_BOTH: list[Callable[[str, str], list[str]]] = [
    register,
    terms_said,
    placeholders,
    untranslated,
    numbers,
    sentence_shape,
]


def test_the_catalogs_are_read() -> None:
    assert len(ENTRIES) > 1000


@pytest.mark.parametrize("rule", ON_FRENCH, ids=lambda rule: rule.__name__)
def test_every_french_entry_follows(rule: Callable[[str], list[str]]) -> None:
    broken = {english: found for english, french in ENTRIES.items() if (found := rule(french))}
    assert broken == {}


@pytest.mark.parametrize("rule", ON_BOTH, ids=lambda rule: rule.__name__)
def test_every_entry_against_its_english(rule: Callable[[str, str], list[str]]) -> None:
    broken = {
        english: found for english, french in ENTRIES.items() if (found := rule(english, french))
    }
    assert broken == {}


def test_the_sheet_lists_every_term_and_its_refused_synonyms() -> None:
    """The sheet and the test hold the same terms: each term the test holds is written in the
    sheet's table, with the concept it says."""
    sheet = SHEET.read_text(encoding="utf-8")
    missing = [term for concept, term, _ in TERMS if term not in sheet or concept not in sheet]
    assert missing == []


# -- each rule catches what it exists for ------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (spacing, "Erreur : h_0"),  # a plain space
        (spacing, "Erreur: h_0"),  # none
        (spacing, "Erreur\u202f: h_0"),  # the narrow one before ':'
        (spacing, "un lot\u00a0; un autre"),  # the wide one before ';'
        (spacing, "vouliez-vous dire {name} ?"),  # a plain space before '?', after a placeholder
        (spacing, "{name}: {said}."),  # a mark right after a placeholder
        (spacing, "deux\u00a0mots"),  # a no-break space that is not typography
        (guillemets, "voir le tableau «Vérifié avec torch»"),
        (guillemets, 'voir le tableau "Vérifié avec torch"'),
        (abbreviations, "p. ex. 5,3,2"),
        (refused_terms, "le lot rembourré"),
        (refused_terms, "une entrée avec lot"),
        (refused_terms, "sa propagation avant"),
        (refused_terms, "la traceback entière"),
        (refused_terms, "des tenseurs fake"),
        (refused_terms, "une LSTM"),
        (refused_terms, "Note\u00a0: un mot"),
        (refused_terms, "why() ne prend pas d'argument {argument}."),
        (word_for_word, "si les données sont (L, N, H_in), batch_first est mis à tort\u202f;"),
        (word_for_word, "{got} lignes font deux par couche"),
        (word_for_word, "Toute différence sort avec le code 1."),
    ],
)
def test_a_french_rule_catches_its_mistake(rule: Callable[[str], list[str]], text: str) -> None:
    assert rule(text) != []


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (spacing, "Erreur\u00a0: h_0"),
        (spacing, "PACKAGE.MODULE:FACTORY, 12:30"),
        (spacing, "comme def build(): return {name}(...)"),
        (spacing, "vouliez-vous dire {name}\u202f?"),
        (spacing, "p.\u00a0ex. 5,3,2 [par\u00a0défaut\u00a0: 0]"),
        (guillemets, "voir le tableau «\u00a0Vérifié avec torch\u00a0»"),
        (refused_terms, "batch_first=True, batch_sizes et device= restent du code"),
        (word_for_word, "{got} lignes, soit deux par couche\u202f; batch_first est activé à tort"),
    ],
)
def test_a_french_rule_lets_correct_text_pass(rule: Callable[[str], list[str]], text: str) -> None:
    assert rule(text) == []


@pytest.mark.parametrize(
    ("rule", "english", "french"),
    [
        (register, "Try {a}.", "Essaie {a}."),
        (register, "Try {a}.", "Tu peux essayer {a}."),
        (register, "Try {a}.", "Il faut {a}."),
        (register, "The module you meant.", "Le module voulu."),
        (terms_said, "Pack the padded batch.", "Empaqueter le lot rembourré."),
        (terms_said, "Try the whole traceback.", "Essayez la pile entière."),
        (placeholders, "{name!r} is {shape}.", "{name} est {shape}."),
        (placeholders, "{name} is {shape}.", "{name} est {forme}."),
        (untranslated, "Pass batch_first=True.", "Passez lot_en_premier=True."),
        (untranslated, "Try --lengths 5,3,2.", "Essayez --longueurs 5,3,2."),
        (numbers, "a total of {count} parameters", "un total de 22,272 paramètres"),
        (numbers, "about 60 MB", "environ 60 MB"),
        (sentence_shape, "The input is empty.", "l'entrée est vide."),
        (sentence_shape, "Which module?", "Quel module."),
    ],
)
def test_a_rule_against_the_english_catches_its_mistake(
    rule: Callable[[str, str], list[str]], english: str, french: str
) -> None:
    assert rule(english, french) != []
