"""gettext catalogs: the .po sources (one per area and language, in lstmshape/locale/LANG/), the .mo
each language compiles to, and the reading of both. Standard library only: setup.py loads this file
by its path to compile the catalogs into the wheel, before lstmshape can be imported.

The .mo format is GNU gettext's (what msgfmt writes and gettext.GNUTranslations reads); a msgid is
the English text itself, placeholders included (``h_0 was built for a batch of {got}``). A message
with a count has a plural (``msgid_plural``) and one ``msgstr[N]`` per plural form of its language,
as many as the header's ``Plural-Forms`` says; read, it is one entry whose id and translation are
the forms joined by NUL, as the .mo format stores them.
"""

from __future__ import annotations

import ast
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

LOCALE = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "lstmshape"


class CatalogError(ValueError):
    """A .po file that cannot be read: the file and line, and what is wrong."""


class _Entry(NamedTuple):
    line: int
    fuzzy: bool
    msgid: str
    msgstr: str
    forms: int = 1  # how many msgstr[N] a plural entry has (1 for a plain msgstr)


_SEPARATOR = "\x00"  # lstmshape.i18n.PLURAL_SEPARATOR (this file loads without the package)


def read_po(text: str, name: str = "<po>", *, unfinished_ok: bool = False) -> dict[str, str]:
    """msgid -> msgstr of one .po file. Entries marked fuzzy, or left untranslated (an empty
    msgstr), are refused: a catalog holds finished translations only; ``unfinished_ok`` leaves
    them out instead (a source tree mid-translation, where English stands in)."""
    entries: dict[str, str] = {}
    plurals = 0
    for entry in _entries(text, name):
        if not entry.msgid:
            plurals = _plural_count(entry.msgstr)  # the header
            continue
        plural = _SEPARATOR in entry.msgid
        unfinished = not all(entry.msgstr.split(_SEPARATOR)) if plural else not entry.msgstr
        if (entry.fuzzy or unfinished) and unfinished_ok:
            continue
        if entry.fuzzy or unfinished:
            state = "fuzzy" if entry.fuzzy else "untranslated"
            raise CatalogError(f"{name}:{entry.line}: {state}: {entry.msgid!r}")
        if plural and entry.forms != plurals:
            raise CatalogError(
                f"{name}:{entry.line}: {entry.forms} plural forms where the header's Plural-Forms "
                f"says {plurals}: {entry.msgid!r}"
            )
        if entry.msgid in entries:
            raise CatalogError(f"{name}:{entry.line}: translated twice: {entry.msgid!r}")
        entries[entry.msgid] = entry.msgstr
    return entries


def _plural_count(header: str) -> int:
    """``nplurals`` of a header's ``Plural-Forms`` line (0 when it has none)."""
    for line in header.splitlines():
        if line.startswith("Plural-Forms:") and "nplurals=" in line:
            return int(line.split("nplurals=")[1].split(";")[0])
    return 0


def _entry(start: int, fuzzy: bool, fields: dict[str, list[str]]) -> _Entry:
    msgid = "".join(fields["msgid"])
    if "msgid_plural" not in fields:
        return _Entry(start, fuzzy, msgid, "".join(fields.get("msgstr", [])))
    forms = sorted((k for k in fields if k.startswith("msgstr[")), key=lambda k: int(k[7:-1]))
    said = _SEPARATOR.join("".join(fields[k]) for k in forms)
    plural = "".join(fields["msgid_plural"])
    return _Entry(start, fuzzy, msgid + _SEPARATOR + plural, said, len(forms))


def _entries(text: str, name: str) -> Iterator[_Entry]:
    """The entries of a .po file, as written: ``#, fuzzy`` flags, msgid, msgid_plural and msgstr
    or msgstr[N] (strings that continue on the next lines joined)."""
    fields: dict[str, list[str]] = {}
    current, fuzzy, start = "", False, 0
    flagged = False  # a "#, fuzzy" comment: it flags the entry whose msgid follows it
    for number, raw in enumerate([*text.splitlines(), "msgid END"], 1):
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            flagged = True
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid" and "msgid" in fields:
            yield _entry(start, fuzzy, fields)
            fields.clear()
        if keyword == "msgid":
            fuzzy, flagged = flagged, False
        if keyword in ("msgid", "msgid_plural", "msgstr") or _is_form(keyword):
            current, start = keyword, (number if keyword == "msgid" else start)
            fields[current] = [] if rest == "END" else [_string(rest, name, number)]
        elif line.startswith('"') and current:
            fields[current].append(_string(line, name, number))
        else:
            raise CatalogError(f"{name}:{number}: not a .po line: {line[:60]!r}")


def _is_form(keyword: str) -> bool:
    """``msgstr[0]``, ``msgstr[1]``...: one plural form's translation."""
    return keyword.startswith("msgstr[") and keyword.endswith("]") and keyword[7:-1].isdigit()


def _string(literal: str, name: str, number: int) -> str:
    if not (len(literal) >= 2 and literal.startswith('"') and literal.endswith('"')):
        raise CatalogError(f"{name}:{number}: not a quoted string: {literal[:60]!r}")
    value = ast.literal_eval(literal)  # a .po string's escapes are C's, a subset of Python's
    if not isinstance(value, str):
        raise CatalogError(f"{name}:{number}: not a string: {literal[:60]!r}")
    return value


def write_mo(entries: dict[str, str], plural_forms: str = "") -> bytes:
    """The GNU .mo file of ``entries`` (sorted msgids, no hash table), as msgfmt writes it; a
    plural entry's id and translation are its forms joined by NUL, as in the .mo itself."""
    header = "Content-Type: text/plain; charset=UTF-8\n"
    if plural_forms:
        header += f"Plural-Forms: {plural_forms}\n"
    items = sorted({"": header, **entries}.items())
    ids = [key.encode() for key, _ in items]
    strs = [value.encode() for _, value in items]
    count = len(items)
    table = 7 * 4
    id_offsets, str_offsets = [], []
    data = table + 16 * count
    for encoded in ids:
        id_offsets.append((len(encoded), data))
        data += len(encoded) + 1
    for encoded in strs:
        str_offsets.append((len(encoded), data))
        data += len(encoded) + 1
    out = [struct.pack("<7I", 0x950412DE, 0, count, table, table + 8 * count, 0, 0)]
    out += [struct.pack("<2I", *pair) for pair in id_offsets + str_offsets]
    out += [encoded + b"\0" for encoded in ids + strs]
    return b"".join(out)


def read_mo(data: bytes) -> dict[str, str]:
    """msgid -> msgstr of a .mo file that :func:`write_mo` wrote (little-endian), the header left
    out; a plural entry keeps its forms joined by NUL (gettext.GNUTranslations would split them
    and drop the English plural, which is half of the entry's id here)."""
    magic, _, count, ids, strs = struct.unpack_from("<5I", data)
    if magic != 0x950412DE:
        raise CatalogError(f"not a little-endian .mo file: magic {magic:#x}")
    entries = {}
    for index in range(count):
        id_length, id_at = struct.unpack_from("<2I", data, ids + 8 * index)
        str_length, str_at = struct.unpack_from("<2I", data, strs + 8 * index)
        msgid = data[id_at : id_at + id_length].decode()
        if msgid:
            entries[msgid] = data[str_at : str_at + str_length].decode()
    return entries


def sources(language: str, locale: Path = LOCALE) -> list[Path]:
    """The .po files of ``language``: one per area of the tool."""
    return sorted((locale / language).glob("*.po"))


def read_sources(
    language: str, locale: Path = LOCALE, *, unfinished_ok: bool = False
) -> dict[str, str]:
    """Every .po of ``language``, merged; a msgid in two areas must be translated alike."""
    merged: dict[str, str] = {}
    for path in sources(language, locale):
        text = path.read_text(encoding="utf-8")
        for msgid, msgstr in read_po(text, str(path), unfinished_ok=unfinished_ok).items():
            if merged.get(msgid, msgstr) != msgstr:
                raise CatalogError(f"{path}: {msgid!r} is translated otherwise in another area")
            merged[msgid] = msgstr
    return merged


def _plural_forms(path: Path) -> str:
    """The ``Plural-Forms`` expression a .po file's header states."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith('"Plural-Forms: '):
            return str(ast.literal_eval(line)).removeprefix("Plural-Forms: ").strip()
    return ""


def compiled_path(language: str, locale: Path = LOCALE) -> Path:
    return locale / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def compile_all(locale: Path, into: Path) -> list[Path]:
    """Compile every language's .po files under ``locale`` to ``into``/LANG/LC_MESSAGES/lstmshape.mo."""
    written = []
    for directory in sorted(p for p in locale.iterdir() if p.is_dir()):
        if not sources(directory.name, locale):
            continue
        target = compiled_path(directory.name, into)
        target.parent.mkdir(parents=True, exist_ok=True)
        entries = read_sources(directory.name, locale)
        target.write_bytes(write_mo(entries, _plural_forms(sources(directory.name, locale)[0])))
        written.append(target)
    return written
