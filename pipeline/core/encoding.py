"""Decoding raw bytes: binary sniffing, BOMs, UTF-8 and UTF-16, the legacy Cyrillic code pages ranked by a
mojibake score, then charset-normalizer; for HTML, the charset a page declares first. Nothing here knows about
files or documents."""

from __future__ import annotations

import codecs
import re

from .errors import RejectError


_MAGIC = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip data",
    b"\x7fELF": "ELF binary",
    b"RIFF": "RIFF media",
    b"BZh": "bzip2 data",
    b"\xfd7zXZ": "xz data",
}

# Encodings Russian-language pages actually come in, tried in this order after UTF-8.
_LEGACY_CYRILLIC = ("cp1251", "koi8-r", "koi8-u", "iso8859-5", "mac-cyrillic", "cp866")


def sniff_binary(data: bytes) -> str | None:
    """Name of the binary format if ``data`` is not text, else None."""
    for magic, label in _MAGIC.items():
        if data.startswith(magic):
            return label
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)):
        return None
    if b"\x00" in head:
        # UTF-16 without BOM: every other byte is NUL in Latin text; Cyrillic UTF-16 has 0x04 high bytes.
        if _looks_utf16(head):
            return None
        return "binary data (NUL bytes)"
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if head and controls / len(head) > 0.05:
        return "binary data (control bytes)"
    return None


def _looks_utf16(head: bytes) -> bool:
    if len(head) < 4:
        return False
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = head[: len(head) // 2 * 2].decode(enc)
        except UnicodeDecodeError:
            continue
        if plausible_text(text):
            return True
    return False


def plausible_text(text: str) -> bool:
    """True when ``text`` is mostly letters, digits, punctuation and spaces of common scripts."""
    if not text:
        return False
    sample = text[:20000]
    good = 0
    for ch in sample:
        o = ord(ch)
        if ch.isspace() or 32 <= o < 127 or 0x0400 <= o <= 0x04FF or 0x2000 <= o <= 0x206F \
                or ch in "«»№€₽–—…©®°±×÷·" or (0xA0 <= o <= 0xFF) or 0x1F300 <= o <= 0x1FAFF:
            good += 1
    return good / len(sample) >= 0.97


def mojibake_score(text: str) -> float:
    """Share of characters typical of a wrong single-byte decode (box drawing, rare Latin-1)."""
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if 0x2500 <= ord(ch) <= 0x257F or ch in "ЂЃѓЉЊЌЋЏђљњќћџЎўЈҐ¤¦§¬­¶")
    return bad / len(sample)


def _cyrillic_case_score(text: str) -> float:
    """Fraction of Cyrillic letters that are lowercase: ~0.9 for real Russian, low for a koi8/cp1251 mix-up."""
    cyr = [ch for ch in text[:20000] if 0x0410 <= ord(ch) <= 0x044F or ch in "Ёё"]
    if not cyr:
        return 1.0
    return sum(1 for ch in cyr if ch.islower()) / len(cyr)


def decode(data: bytes) -> tuple[str, str]:
    """Decode raw bytes to text; returns (text, encoding). Raises RejectError('undecodable')."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise RejectError("undecodable", f"UTF-16 BOM but invalid UTF-16: {exc.reason}") from None
    if b"\x00" in data[:8192]:
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if plausible_text(text):
                return text, enc
        raise RejectError("undecodable", "contains NUL bytes and is not valid UTF-16")
    try:
        text = data.decode("utf-8")
        return text, "utf-8"
    except UnicodeDecodeError as exc:
        # A file cut inside its last character (scrapers truncate at byte limits) is still UTF-8.
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            try:
                return data[: exc.start].decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
    candidates = []
    for enc in _LEGACY_CYRILLIC:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if not plausible_text(text):
            continue
        candidates.append((mojibake_score(text), -_cyrillic_case_score(text), _LEGACY_CYRILLIC.index(enc), enc, text))
    if candidates:
        candidates.sort()
        score, _, _, enc, text = candidates[0]
        if score < 0.01:
            return text, enc
    try:  # last resort: charset-normalizer's statistical guess, accepted only if it reads as text
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            text = data.decode(best.encoding)
            if plausible_text(text) and mojibake_score(text) < 0.01:
                return text, best.encoding
    except (UnicodeDecodeError, LookupError):
        pass
    raise RejectError("undecodable", "not valid UTF-8 and no Cyrillic legacy encoding decodes it cleanly")


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]{2,40})""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The codec an HTML page's ``<meta charset>`` names (in its first 8 KiB), if Python knows it."""
    m = _META_CHARSET.search(data[:8192])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode an HTML page: BOM, then the declared charset (if it decodes cleanly), then detection."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        declared = declared_charset(data)
        if declared:
            try:
                text = data.decode(declared)
                if mojibake_score(text) < 0.01:
                    return text, declared
            except (UnicodeDecodeError, LookupError):
                pass  # mislabelled: fall back to detection
    return decode(data)
