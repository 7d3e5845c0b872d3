"""The glossaries of the translations (``lstmshape/locale/LANG/glossary.toml``), read for the tests.

A glossary holds terms, not sentences. Each term is a table named by its English::

    [terms."cell state"]
    say = "estado de la celda"                 # the tutorial's word: the form a message uses
    forms = ["estados de la celda"]            # inflections that may stand in its place
    refused = ["estado de celda"]              # synonyms no message may use (one term per concept)
    english = ["cell-state"]                   # more English spellings of the term (optional)

A message whose English says the term (the term or its plural in -s, at word boundaries, or one of
``english``) says ``say`` or one of ``forms`` in its translation; no translation says a ``refused``
word. Forms are matched case-insensitively; in a language written with spaces (French, Spanish), at
word boundaries (``capa`` is not found in ``capacidad``, so a plural is a form of its own); in
Japanese, anywhere in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from lstmshape.i18n import PLURAL_SEPARATOR
from lstmshape.i18n.catalog import LOCALE, read_sources
from lstmshape.i18n.cldr import PLURAL_CATEGORIES

# Languages whose words are not separated by spaces: a form is found anywhere in the text.
UNSPACED = frozenset({"ja"})
KEYS = frozenset({"say", "forms", "refused", "english"})


@dataclass(frozen=True)
class Term:
    """One concept of the glossary: its English and the words a translation may and may not use."""

    english: str
    say: str
    forms: tuple[str, ...]
    refused: tuple[str, ...]
    english_forms: tuple[str, ...]

    def said_in_english(self, text: str) -> bool:
        """Whether an English message says the term: words of its prose, not names (``layer`` in
        "a layer", not in ``num_layers``, ``--layers``, ``LAYER.TENSOR``, ``{layer}`` nor in
        ``layer(``): code, flags, metavars and identifiers are taken out first (english_prose)."""
        prose = english_prose(text)
        return any(
            re.search(rf"(?<![\w.]){re.escape(spelling)}s?(?![\w(])", prose, re.I)
            for spelling in (self.english, *self.english_forms)
        )

    def allowed(self) -> tuple[str, ...]:
        return (self.say, *self.forms)


# What an English message holds that is not its prose: code in backticks, placeholders, flags
# (--layers, -l), metavars (LAYER, SPEC.TOML, LAYER.TENSOR=SHAPE: capitals), and identifiers and code
# (num_layers, nn.LSTM, h.view(2, ...), model.layers[0], PACKAGE.MODULE:FUNCTION: a word with an
# underscore, =, [, /, a call's parenthesis, or a dot or colon inside it).
CODE = re.compile(
    r"`[^`]*`|\{[^{}]*\}|(?<![\w-])--?[A-Za-z][\w-]*|\b[A-Z]{2,}[A-Z0-9_]*\b"
    r"|[^\s()]*(?:\w\(|[_=\[/]|\.\w|:\w)[^\s,;]*"
)


def english_prose(text: str) -> str:
    """An English message's prose: its code, flags, metavars and identifiers taken out."""
    return CODE.sub(" ", text)


def read_glossary(lang: str) -> dict[str, Term]:
    """The terms of ``lang``'s glossary by their English; a malformed glossary raises ValueError."""
    data = tomllib.loads((LOCALE / lang / "glossary.toml").read_text(encoding="utf-8"))
    if data.get("language") != lang:
        raise ValueError(f"{lang}/glossary.toml: language = {data.get('language')!r}")
    terms = {}
    for english, entry in data["terms"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("say"), str) or not entry["say"]:
            raise ValueError(f'{lang}/glossary.toml: [terms."{english}"] needs say = "..."')
        unknown = set(entry) - KEYS
        if unknown:
            raise ValueError(
                f'{lang}/glossary.toml: [terms."{english}"]: unknown {sorted(unknown)}'
            )
        terms[english] = Term(
            english=english,
            say=entry["say"],
            forms=tuple(entry.get("forms", ())),
            refused=tuple(entry.get("refused", ())),
            english_forms=tuple(entry.get("english", ())),
        )
    return terms


def says(text: str, word: str, lang: str) -> bool:
    """Whether ``text`` says ``word`` in ``lang``: anywhere in Japanese, as a whole word otherwise."""
    if lang in UNSPACED:
        return word.lower() in text.lower()
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I) is not None


def catalog(lang: str) -> dict[str, str]:
    """Every message of ``lang``'s catalogs, English -> translation, as the style tests read them:
    a message with a count once per English form, its singular paired with CLDR's ``one`` form
    and its plural with ``other`` (Japanese's one form with both). French and Spanish ``many``
    (``1 000 000 de ...``) is held to ``other`` by tests/test_i18n_plurals.py."""
    paired: dict[str, str] = {}
    categories = PLURAL_CATEGORIES[lang]
    for english, said in read_sources(lang).items():
        if PLURAL_SEPARATOR not in english:
            paired[english] = said
            continue
        one, many = english.split(PLURAL_SEPARATOR)
        forms = dict(zip(categories, said.split(PLURAL_SEPARATOR), strict=True))
        paired[one] = forms.get("one", forms["other"])
        paired[many] = forms["other"]
    return paired
