"""Numbers, sizes and lists in the form of the language spoken, from CLDR's locale data.

``22,272`` in English is ``22 272`` in French (a narrow no-break space groups the digits),
``22.272`` in Spanish; ``87.0 KiB`` is ``87,0 Kio`` in French. The symbols come from CLDR through
the table tools/cldr_table.py writes from Babel (lstmshape/i18n/cldr.py), not from Babel at run
time: start-up is measured, and tests/test_numbers.py holds every form here to Babel itself.

Only numbers said in prose go through here: a count, a size, a total. Numbers that are code or a
value to type back (a shape ``(4, 3, 10)``, ``N=3``, ``--h0 1,8,256``, a JSON number) are written
as Python writes them, in every language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from lstmshape.i18n.chosen import language
from lstmshape.i18n.cldr import LOCALE_DATA, MINIMUM_GROUPING

if TYPE_CHECKING:
    from decimal import Decimal

# Binary prefixes (IEC) before the language's byte symbol: KiB, Kio.
_PREFIXES = ("Ki", "Mi", "Gi", "Ti", "Pi")


def _data() -> dict[str, str]:
    return LOCALE_DATA.get(language(), LOCALE_DATA["en"])


def number(n: int) -> str:
    """An integer with the language's grouping: ``22,272``, ``22 272`` (U+202F), ``22.272``;
    ``5920`` in Spanish, which groups from five digits on."""
    data = _data()
    digits = str(abs(n))
    return (data["minus"] if n < 0 else "") + _grouped(digits, data["group"])


def _grouped(digits: str, group: str) -> str:
    if len(digits) < 3 + MINIMUM_GROUPING.get(language(), 1):
        return digits
    head = len(digits) % 3 or 3
    parts = [digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))]
    return group.join(parts)


def decimal(value: float, places: int = 1) -> str:
    """``value`` with ``places`` decimals, grouped, rounded half to even on its shortest decimal
    form as CLDR formatting (Babel) rounds it: ``1,234.5``, ``1 234,5``, ``1.234,5``."""
    exact = _rounded(value, places)
    data = _data()
    sign = data["minus"] if exact < 0 else ""
    whole, _, fraction = f"{abs(exact):f}".partition(".")
    text = _grouped(whole, data["group"])
    return sign + (text + data["decimal"] + fraction if places else text)


def _rounded(value: float, places: int) -> Decimal:
    """``value`` to ``places`` decimals, half to even on its shortest decimal form (CLDR's)."""
    from decimal import ROUND_HALF_EVEN, Decimal  # only when a decimal is said

    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)


def digits(text: str) -> str:
    """A decimal Python wrote (``3.45``) with the language's decimal sign: for a figure whose
    digits are chosen elsewhere (three significant digits), said in prose."""
    return text.replace(".", _data()["decimal"])


def size(nbytes: int) -> str:
    """Bytes as people read them, in binary units: ``640 B``, ``23.1 KiB``, ``23,1 Kio``."""
    data = _data()
    if nbytes < 1024:
        return number(nbytes) + data["unit_space"] + data["byte"]
    value = float(nbytes)
    for prefix in _PREFIXES[:-1]:
        value /= 1024
        if _rounded(value, 1) < 1024:  # 1,048,575 B is 1.0 MiB, not 1,024.0 KiB
            return decimal(value) + data["unit_space"] + prefix + data["byte"]
    return decimal(value / 1024) + data["unit_space"] + _PREFIXES[-1] + data["byte"]


def listed(items: Sequence[str], *, conjunction: str = "and") -> str:
    """Items said as the language lists them: ``a, b, and c``, ``a、b、c``, ``a, b et c``;
    ``conjunction="or"``: ``a, b, or c``, ``a、b、またはc``."""
    data = _data()
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    two, end = ("or_two", "or_end") if conjunction == "or" else ("list_two", "list_end")
    if len(items) == 2:
        return data[two].format(*items)
    text = data["list_start"].format(items[0], items[1])
    for item in items[2:-1]:
        text = data["list_middle"].format(text, item)
    return data[end].format(text, items[-1])


def enumerated(items: Iterable[str]) -> str:
    """Items one after the other with no conjunction (names, values): ``a, b, c``, ``a、b、c``; the
    separator is the middle of the language's CLDR list."""
    middle = _data()["list_middle"]
    text: str | None = None
    for item in items:
        text = item if text is None else middle.format(text, item)
    return text or ""
