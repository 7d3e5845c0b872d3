"""The Spanish style sheet (lstmshape/locale/es/STYLE.md), held over every entry of the Spanish
catalogs: one register (usted), one gender for the recurrent layers (feminine: la LSTM, as the
Spanish tutorial says «Una LSTM», «las LSTM»), one term per concept with its synonyms refused,
Spanish typography, numbers never written by a translator, and what is never translated left as
it is.

Each rule is a table or a pattern here, and STYLE.md names every refused word: a rule added here
and not written there (or the reverse) fails test_the_style_sheet_lists_every_refused_word.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from lstmshape.i18n.catalog import LOCALE
from tests import glossary

STYLE = LOCALE / "es" / "STYLE.md"
ENTRIES = glossary.catalog("es")


def _prose(text: str) -> str:
    """The words a translator wrote: placeholders (filled with names, code and torch's own
    sentences) taken out."""
    return re.sub(r"\{[^{}]*\}", "§", text)


def _offending(pattern: re.Pattern[str], *, keep: str = "") -> list[tuple[str, str]]:
    return [
        (english, said)
        for english, said in ENTRIES.items()
        if pattern.search(_prose(said)) and not (keep and re.search(keep, english))
    ]


# -- register: usted, never tú -------------------------------------------------------------------

# Pronouns and possessives of tú, and the tú imperatives (with their clitics) a translation slips
# into. A tú imperative of a regular verb is also a third-person indicative ("usa", "pasa"), so
# those are refused where an instruction stands: at the start of a message, of a sentence, of a
# clause after ";" or ":", or of a code comment ("# ...").
TU_WORDS = re.compile(
    r"\b(?:[Tt]ú|[Tt]us?|ti|contigo|te|inspecciona\s+ese|quieres|puedes|tienes|confías|querías|construiste|"
    r"[Cc]onstrúyelo|[Qq]uítalo|[Pp]ásalo|[Pp]ásale|[Gg]uárdalo|[Cc]árgalo|[Cc]alcúlalas|"
    r"[Aa]segúrate|[Aa]ñádelo|[Uu]salo|[Ii]nténtalo|[Ee]jecútalo|[Oo]rdénalo|[Dd]ale|[Hh]az|[Pp]on|"
    # tú's present subjunctive, which only a negative tú order says: «no pases», «no lo uses»
    r"pases|uses|hagas|pongas|olvides|quites)\b"
)
TU_IMPERATIVES = (
    "prueba", "usa", "pasa", "quita", "añade", "construye", "omite", "salta", "ordena", "guarda",
    "carga", "revisa", "comprueba", "elimina", "mira", "cambia", "reinstala", "define", "ejecuta",
    "descarga", "copia", "vuelve", "inspecciona", "escribe", "indica", "deja", "calcula", "haz",
    "pon", "sal", "ten", "ve", "di", "sé", "intenta", "asegúrate", "llama", "envía", "crea",
)  # fmt: skip
CLAUSE_START = re.compile(
    r"(?:^|[.;:!?]\s+|#\s*|\(\s*|,\s*[ou]\s+)(" + "|".join(TU_IMPERATIVES) + r")\b", re.I
)
# English instructions, and the usted imperatives their translations open with.
INSTRUCTION = re.compile(
    r"^(?:Try|Please)\b|^(?:build|skip|leave|drop|pass|compute|make|sort|move|keep|use|add|remove) \w"
)
USTED = re.compile(
    r"^(?:Pruebe|Vuelva|Cárguelo|Por favor, notifique|construya|omita|quite|no pase|calcule|"
    r"haga|ejecute|ordene|mueva|conserve|use|llame|añada|elimine|guarde|cargue|constrúyalo|"
    r"quítelo|pase|descarte|\{)",
    re.I,
)


def test_no_tu_pronoun_or_imperative() -> None:
    assert _offending(TU_WORDS) == []


# tú as the catalogs once said it (issue 23's review, and the forms tests/test_promises.py once
# refused line by line): each is caught by a rule of this sheet, in any message of any catalog.
TU_SAID = (
    "Prueba --layers 2.", "Usa batch_first=True.", "Haz la prueba con {fix}.", "Quita --proj-size.",
    "No pases c_0 a una GRU.", "Luego inspecciona ese archivo.", "Constrúyelo así: {call}.",
    "Quítalo del estado.", "Pásalo como tupla.", "Pásale la longitud.", "Guárdalo de nuevo.",
    "Cárgalo con {code}.", "Calcúlalas antes.", "Si confías en el archivo, {unsafe}.",
    "Lo que querías es {shape}.", "Si quieres la salida, {fix}.", "Si puedes, {fix}.",
    "Si tienes el modelo, {fix}.", "Lo construiste con {call}.", "Asegúrate de que {x}.",
    "Tu modelo tiene {count} capas.", "Revisa tus datos.", "No lo uses aquí.",
)  # fmt: skip


@pytest.mark.parametrize("said", TU_SAID)
def test_the_register_rules_catch_tu(said: str) -> None:
    caught = TU_WORDS.search(_prose(said)) or CLAUSE_START.search(_prose(said))
    assert caught, said


def test_the_register_rules_read_every_message_kind() -> None:
    """The rules read every entry of every catalog (errors, hints, notes, why, inspect, trace,
    help) and each form of a message with a count, whole (a .po string continued over lines)."""
    areas = {path.stem for path in (LOCALE / "es").glob("*.po")}
    assert areas >= {"errors", "explain", "why", "inspect", "check", "help", "deploy"}
    read = glossary.catalog("es")
    assert read == ENTRIES
    assert "{count} check" in ENTRIES
    assert "{count} checks" in ENTRIES


def test_no_tu_imperative_where_an_instruction_starts() -> None:
    assert _offending(CLAUSE_START) == []


def test_every_instruction_is_an_usted_imperative() -> None:
    """A hint ("Try ...", "Please report ...") and a fix said as an order ("build the layer as
    ...", "skip empty batches") open with an usted imperative: «Pruebe», «construya», «omita»."""
    wrong = [
        (english, said)
        for english, said in ENTRIES.items()
        if INSTRUCTION.match(english) and not USTED.match(said)
    ]
    assert wrong == []


def test_the_user_is_su_never_tu() -> None:
    """An English "you"/"your" is usted's: «su», «usted», or a verb in the third person."""
    wrong = [
        (english, said)
        for english, said in ENTRIES.items()
        if re.search(r"\byours?\b", english, re.I) and TU_WORDS.search(said)
    ]
    assert wrong == []


# -- one gender: la LSTM, la GRU, la RNN, la LSTMCell --------------------------------------------

KINDS = r"(?:nn\.)?(?:LSTM|GRU|RNN)(?:Cell)?\b"
MASCULINE = re.compile(
    rf"\b(?:el|un|del|al|este|ese|aquel|ningún|otro|mismo|los|unos|estos|esos)\s+"
    rf"(?:{KINDS}|\{{kind\}}|\{{module\}}\s+(?:bidireccional|cuantizado))"
)


def test_the_recurrent_layers_are_feminine() -> None:
    assert _offending(MASCULINE) == []


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"])
def test_the_article_of_each_class_is_feminine(kind: str) -> None:
    article = "an" if kind[0] in "LR" else "a"
    assert ENTRIES[f"{article} {kind}"] == f"una {kind}"
    assert ENTRIES[f"{article.capitalize()} {kind}"] == f"Una {kind}"
    assert ENTRIES["a {module}"] == ENTRIES["an {module}"] == "una {module}"


# -- one term per concept --------------------------------------------------------------------------

# (the English that names the concept, the Spanish every translation of it says, the synonyms no
# entry may use). The English is matched as words, not names (batch, not batch_first); a refused
# word is refused with its plural too.
CONCEPTS: list[tuple[str, str, tuple[str, ...]]] = [
    (r"batch(?:es|ed)?", r"batch(?:es)?", ("lote", "por lotes")),
    (r"(?:time )?steps?(?! through)", r"instantes?", ("paso",)),
    (
        r"forward pass",
        r"pasada hacia delante",
        ("propagación hacia delante", "paso hacia delante", "hacia adelante"),
    ),
    (r"kernels?", r"kernels?", ("núcleo",)),
    (r"gates?", r"puertas?", ("compuerta",)),
    (r"padding|padded|zero-padded", r"relleno", ("rellenado", "rellenada", "acolchado")),
    (
        r"shards?|sharded",
        r"fragment(?:o|os|ado)",
        ("shard", "dividido en fragmentos", "repartido en varios archivos"),
    ),
    (r"traceback", r"traceback", ("traza de pila", "seguimiento de pila")),
    (r"log", r"log", ("registro de ejecución",)),
    (r"fake", r"fals[oa]s|FakeTensorMode", ("fake",)),
    (r"shape-only", r"solo (?:de )?forma", ("shape-only",)),
    (r"fix", r"solución", ("corrección", "arreglo")),
    (r"cost", r"coste", ("costo",)),
    (r"(?:un)?proven", r"demostrad[oa]s?", ("probado", "probada")),
    (
        r"report (?:this|it|the file)",
        r"notif[ií]\w+",
        ("reportar", "repórtelo", "reporte", "informe de esto"),
    ),
    (r"default|defaults", r"predeterminad[oa]s?", ("por defecto",)),
    (r"checkpoints?", r"checkpoints?", ("punto de control", "puntos de control")),
    (r"bias(?:es)?(?![_=])", r"sesgos?|bias", ()),
    (r"features?", r"características?", ("rasgo",)),
    (r"files?", r"archivos?|FILE|fragmentos", ("fichero",)),
    (r"did you mean", r"¿quiso decir", ("¿quería decir",)),
    (r"for real", r"reales", ("de verdad",)),
    # Acronyms take no plural mark in Spanish (los MAC, 134.400 FLOP), as the cost table says them.
    (r"MACs?", r"MAC", ("MACs",)),
    (r"FLOPs?", r"FLOP", ("FLOPs",)),
]


def _word(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.\-])(?:{pattern})(?![\w(=])", re.I)


@pytest.mark.parametrize(("english", "spanish", "refused"), CONCEPTS, ids=lambda v: str(v)[:24])
def test_one_term_per_concept(english: str, spanish: str, refused: tuple[str, ...]) -> None:
    names, says = _word(english), _word(spanish)
    missing = [
        (en, said)
        for en, said in ENTRIES.items()
        if names.search(_prose(en)) and not says.search(said)
    ]
    assert missing == []
    for synonym in refused:
        assert _offending(_word(re.escape(synonym) + "(?:s|es)?")) == [], synonym


def test_the_style_sheet_lists_every_refused_word() -> None:
    sheet = STYLE.read_text(encoding="utf-8")
    listed = set(re.findall(r"~~([^~]+)~~", sheet))
    refused = {synonym for _, _, synonyms in CONCEPTS for synonym in synonyms}
    assert refused - listed == set(), "refused in the test, not in STYLE.md"
    assert listed - refused == set(), "refused in STYLE.md, not in the test"


# -- typography ------------------------------------------------------------------------------------


def test_questions_and_exclamations_open_with_their_inverted_mark() -> None:
    """Every ? and ! a translator wrote closes a ¿ or ¡ opened in the same sentence (placeholders,
    which hold code and torch's sentences, are left out)."""
    wrong = []
    for english, said in ENTRIES.items():
        prose = _prose(said)
        for opening, closing in (("¿", "?"), ("¡", "!")):
            depth = 0
            for char in prose:
                depth += (char == opening) - (char == closing)
                if depth < 0:
                    break
            if depth != 0:
                wrong.append((english, said))
    assert wrong == []


def test_no_space_before_a_colon_or_a_closing_mark() -> None:
    """Spanish sets : ; ? ! close to the word before (the French no-break space never leaks in)."""
    assert _offending(re.compile(r"[ \u00a0\u202f][:;?!]")) == []


def test_p_ej_is_never_broken() -> None:
    """«p. ej.» holds a no-break space, so that a line never ends after «p.» (the help wraps)."""
    assert _offending(re.compile(r"p\.[ \t]ej\.")) == []


def test_quotations_are_in_angle_quotes() -> None:
    """Prose quotes with « »; straight quotes are code (\"tanh\"), never curly ones."""
    assert _offending(re.compile(r"[“”‘’]")) == []


def test_a_translator_never_writes_a_number() -> None:
    """Numbers are placeholders, formatted in code from the locale's data (CLDR): a number written
    in an entry is an example copied from the English as it stands (4,3,10 is a shape, torch 1.6 a
    release), never a count grouped or a decimal written the Spanish way."""
    number = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
    wrong = [
        (english, said, found)
        for english, said in ENTRIES.items()
        for found in number.findall(_prose(said))
        if found not in english
    ]
    assert wrong == []


# -- what is never translated ----------------------------------------------------------------------

# Names and code: an identifier with an underscore or a dot, a call, an argument set to a value,
# an option; torch's symbols (L, N, H_in, H_out, H_cell, D). An entry says each of its English's
# exactly as written.
CODE = re.compile(
    r"(?<![\w.\-])(?:--[a-z][\w-]*|[A-Za-z_]\w*(?:[._]\w+)+(?:\(\))?|\w+=\w+|"
    r"[A-Za-z_]\w*\(\)|H_in|H_out|H_cell|D\*num_layers)(?![\w])"
)


def test_names_and_code_are_never_translated() -> None:
    wrong = [
        (english, said, name)
        for english, said in ENTRIES.items()
        for name in CODE.findall(_prose(english))
        if name not in said and name not in ("e.g", "i.e")
    ]
    assert wrong == []


def _fields(text: str) -> list[tuple[str, str | None, str | None]]:
    return sorted(
        (name, spec, conversion)
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    )


def test_placeholders_are_untouched() -> None:
    """Every placeholder kept with its conversion (!r) and format, none added, none dropped."""
    wrong = [
        (english, said)
        for english, said in ENTRIES.items()
        if sorted(set(_fields(said))) != sorted(set(_fields(english)))
    ]
    assert wrong == []


def test_every_entry_is_read() -> None:
    assert len(ENTRIES) > 1000
    assert Path(STYLE).exists()
