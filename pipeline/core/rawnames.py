"""How a raw file's name is recorded: any name the file system holds becomes a valid, unique string.

Linux file names are bytes. Python decodes those that are not UTF-8 (cp1251 or koi8-r names, as wget saves some
URLs) with lone surrogates, which no UTF-8 encoder, JSON document, Parquet column or Dagster tag accepts. So every
name is recorded in an *escaped form*: valid UTF-8 is kept as it is, except that a backslash is doubled, and each
byte that is not part of valid UTF-8 is written ``\\xNN`` (two lowercase hex digits). The mapping is injective (a
literal ``\\xcd`` in a valid name is recorded ``\\\\xcd``), deterministic, the identity on every name without a
backslash or a non-UTF-8 byte, and reversed by :func:`unescape_name`. Ingest (:mod:`.ingest`) and the accounting
check (:mod:`.accounting`), which walk raw/ each on its own, record names with it.
"""

from __future__ import annotations

import os
import re

__all__ = ["escape_name", "unescape_name", "fs_name"]


def escape_name(name: str | bytes) -> str:
    """The recorded form of a name (or a relative path) as ``os.walk`` gives it: str (surrogate-escaped) or bytes."""
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if "\\" not in name and not _SURROGATE.search(name):
        return name
    out = []
    for ch in name:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif 0xDC80 <= code <= 0xDCFF:  # one byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF:  # no file system name decodes to these; kept visible, never raw
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})")


def unescape_name(recorded: str) -> str:
    """The name as os.walk gives it (surrogate-escaped str) back from its recorded form."""

    def one(m: re.Match) -> str:
        code = m.group(1)
        if code == "\\":
            return "\\"
        if code[0] == "x":
            return chr(0xDC00 + int(code[1:], 16))
        return chr(int(code[1:], 16))

    return _ESCAPE.sub(one, recorded)


def fs_name(recorded: str) -> bytes:
    """The name's bytes on the file system."""
    return os.fsencode(unescape_name(recorded))
