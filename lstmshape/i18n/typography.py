"""Typography of the language spoken, where text is put together.

French puts a no-break space before the two-part marks: U+00A0 (no-break space) before ``:``, and
U+202F (narrow no-break space) before ``;``, ``?`` and ``!`` (the Imprimerie nationale's rule, as
CLDR and most French software write it). A line can then never start with one of them. The rule is
applied twice, to the same effect: by the translators in the catalogs, and here, to every French
template when it is said (:func:`spaced`, before its placeholders are filled, so that code and
torch's sentences inside a message are never touched) and where code joins a label and a value
(:func:`labelled`) or clauses (:func:`clauses`).

Other languages write these marks as English does; Japanese uses its own full-width marks in the
catalogs, and one rule applies once a Japanese message is filled in (:func:`requested`): a fix that
leaves an argument out (``--x なし``) is said as a request 「--x なしで試してください」, never
「--x なし を試してください」.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lstmshape.i18n.chosen import language

NBSP = "\u00a0"
NNBSP = "\u202f"
# The space each two-part mark takes before it, in French.
FRENCH_BEFORE = {":": NBSP, ";": NNBSP, "?": NNBSP, "!": NNBSP}
# A mark after a word and a space (any kind), at the end of a clause: "valeur : 3", "prêt ?".
_MARK = re.compile(r"(?<=\S)[ \u00a0\u202f]?([:;?!])(?=[\s)»\"']|$)")


def spaced(template: str, lang: str) -> str:
    """A translated template with the language's space before ``: ; ? !`` (French), the marks
    that open a placeholder's place (``{x}:``) included; unchanged in other languages."""
    if lang != "fr" or not any(mark in template for mark in FRENCH_BEFORE):
        return template
    return _MARK.sub(lambda m: FRENCH_BEFORE[m.group(1)] + m.group(1), template)


# A request after a fix: 「{fix} を試してください」 (ja/*.po); a fix that ends by leaving an argument
# out ends in 「なし」 (ja's "without {name}"), an adverb, which takes で and no space before it.
_LEFT_OUT_THEN_TRY = re.compile(r"(?<=\S) なし を試してください")


def requested(text: str) -> str:
    """A filled Japanese message with each fix that leaves an argument out said as a request:
    「--x なしで試してください」 (the style sheet's form), not 「--x なし を試してください」."""
    if "なし を" not in text:
        return text
    return _LEFT_OUT_THEN_TRY.sub(" なしで試してください", text)


def colon() -> str:
    """``:`` as the language writes it after a label: ``\u00a0:`` in French."""
    return FRENCH_BEFORE[":"] + ":" if language() == "fr" else ":"


def labelled(label: str, value: str) -> str:
    """A label and its value: ``encoder: nn.LSTM(...)``, ``encoder\u00a0: nn.LSTM(...)``."""
    return f"{label}{colon()} {value}"


# Between clauses: a semicolon (French: a narrow no-break space before it); Japanese has no
# semicolon in prose and separates clauses with its comma, 、, followed by no space.
_CLAUSES = {"fr": FRENCH_BEFORE[";"] + "; ", "ja": "\u3001"}


def sentences(*parts: str) -> str:
    """Whole sentences one after the other: a space after each, but none after Japanese 。 (its
    sentences follow each other with no space); an empty part is left out."""
    return ("" if language() == "ja" else " ").join(part for part in parts if part)


def clauses(parts: Iterable[str]) -> str:
    """Clauses one after the other: ``a; b``, ``a\u202f; b``, ``a、b``."""
    return _CLAUSES.get(language(), "; ").join(parts)
