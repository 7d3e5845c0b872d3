"""Text from a file or a log, made safe to show: its control characters written out visibly.

A checkpoint's key names, the globals it names and a pasted log are a stranger's text. Printed raw,
an escape sequence clears the screen, sets the window title or moves the cursor up over the line
that warns about the file, and a newline in a key forges a line of the report. :func:`visible`
writes each such character as Python writes it in a string (``\\x1b``, ``\\n``, ``\\u202e``), so it
is seen and does nothing. Every view but JSON (whose encoder escapes them itself) shows text from
outside through it.
"""

from __future__ import annotations

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0 and C1 controls and DEL; line and paragraph separators, which some terminals break lines at;
# the marks that reorder text right to left (a name that reads otherwise than it is).
_CONTROLS = [
    *range(0x20),
    0x7F,
    *range(0x80, 0xA0),
    0x200E,
    0x200F,
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
]
_TABLE = {
    code: _NAMED.get(chr(code)) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    for code in _CONTROLS
}


def visible(text: str) -> str:
    """``text`` with every control character written out (``\\x1b[2J`` shows as those five
    characters): nothing in it can move the cursor, colour, clear or break a line."""
    if text.isprintable():
        return text
    return text.translate(_TABLE)
