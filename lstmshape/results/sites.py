"""A line of the user's code, as a trace and a deployment name the call it made."""

from __future__ import annotations

import linecache
import os


def site_text(filename: str, lineno: int) -> str:
    """``model.py:31: out, _ = self.lstm(x)``, the path relative to the working folder if inside."""
    line = linecache.getline(filename, lineno).strip()
    try:
        shown = os.path.relpath(filename)
    except ValueError:  # another drive, on Windows
        shown = filename
    if shown.startswith(".."):
        shown = filename
    return f"{shown}:{lineno}: {line}" if line else f"{shown}:{lineno}"
