"""The JSON contract every result's ``to_dict()`` follows: its version and its type.

Keys are only ever added; ``SCHEMA_VERSION`` is bumped on any incompatible change.
"""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 2
JSONDict = dict[str, Any]
