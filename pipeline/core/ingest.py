"""Ingest: files under ``raw/`` → decoded raw documents, or rejects.

Knows safe file walking (symlinks are never followed), type sniffing,
decoding and size limits. Every file found becomes exactly one
:class:`RawDocument` or one :class:`~pipeline.core.errors.Reject`.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import Reject, RejectError

STAGE = "ingest"
#: files above this size are rejected unread (a news page is < 1 MB of text)
MAX_BYTES = 8 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".html.gz", ".htm.gz"}
WARC_SUFFIXES = {".warc", ".warc.gz", ".arc", ".arc.gz"}

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


@dataclass(frozen=True)
class RawFile:
    """One file's inventory entry: what it is before anything reads its content."""

    source_path: str
    raw_sha256: str | None
    size: int


@dataclass(frozen=True)
class RawDocument:
    source_path: str  # relative to raw/; "file.warc.gz#<record id>" for a WARC member
    raw_sha256: str
    size: int
    kind: str  # text | html
    encoding: str
    text: str  # decoded text (for HTML: the decoded page, converted by the extract stage)
    url: str | None = None  # target URI of a WARC record
    fetched_at: str | None = None  # WARC-Date of the record

    def inventory_row(self) -> dict:
        return {"source_path": self.source_path, "raw_sha256": self.raw_sha256, "size": self.size,
                "kind": self.kind, "encoding": self.encoding, "fetched_at": self.fetched_at}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def walk_raw(root: Path, batch: str | None = None) -> list[tuple[str, Path]]:
    """All entries under ``root`` (or of one batch) as (relative posix path, absolute path), sorted.

    Directories that are symlinks are not descended into; file symlinks are
    listed so that ingest can reject them with a reason instead of dropping them.
    """
    root = Path(root)
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        if batch is not None and base == root:  # one batch: its folder, or the loose files of raw/
            if batch == ROOT_BATCH:
                filenames += [d for d in dirnames if (base / d).is_symlink()]
                dirnames.clear()
            else:
                dirnames[:] = [d for d in dirnames if d == batch]
                filenames[:] = [f for f in filenames if f == batch]  # a file named like the batch is not in it
        for d in list(dirnames):
            if (base / d).is_symlink():
                dirnames.remove(d)
                filenames.append(d)  # report it as a rejected entry
        for name in filenames:
            full = base / name
            rel = full.relative_to(root).as_posix()
            found.append((rel, full))
    found.sort(key=lambda item: item[0])
    return found


def kind_from_name(name: str) -> str:
    lower = name.lower()
    for suffix in sorted(WARC_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix):
            return "warc"
    for suffix in sorted(HTML_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix):
            return "html"
    return "text"


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
        if _plausible_text(text):
            return True
    return False


def _plausible_text(text: str) -> bool:
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


def _mojibake_score(text: str) -> float:
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
            if _plausible_text(text):
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
        if not _plausible_text(text):
            continue
        candidates.append((_mojibake_score(text), -_cyrillic_case_score(text), _LEGACY_CYRILLIC.index(enc), enc, text))
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
            if _plausible_text(text) and _mojibake_score(text) < 0.01:
                return text, best.encoding
    except (UnicodeDecodeError, LookupError):
        pass
    raise RejectError("undecodable", "not valid UTF-8 and no Cyrillic legacy encoding decodes it cleanly")


def read_document(rel: str, path: Path, max_bytes: int = MAX_BYTES) -> RawDocument:
    """Read and decode one file. Raises RejectError for anything unusable."""
    return document_from_bytes(rel, read_bytes(path, max_bytes))


def read_bytes(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """A regular file's bytes, never following a symlink and never reading past the size limit."""
    if path.is_symlink():
        raise RejectError("unreadable", "symbolic link: not followed (raw/ files must be regular files)")
    if not path.is_file():
        raise RejectError("unreadable", "not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise RejectError("too_large", f"{size} bytes exceeds the {max_bytes}-byte limit")
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RejectError("too_large", f"more than {max_bytes} bytes")
    return data


MAX_INFLATED_BYTES = 32 * 1024 * 1024


def gunzip_capped(data: bytes, limit: int = MAX_INFLATED_BYTES) -> bytes:
    """Inflate gzip data, refusing to produce more than ``limit`` bytes (gzip bombs)."""
    import zlib

    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    try:
        for i in range(0, len(data), 65536):
            out += inflater.decompress(data[i:i + 65536], limit + 1 - len(out))
            if len(out) > limit or inflater.unconsumed_tail:
                raise RejectError("too_large", f"gzip inflates to more than {limit} bytes")
        out += inflater.flush()
    except zlib.error as exc:
        raise RejectError("undecodable", f"corrupt gzip data: {exc}") from None
    if len(out) > limit:
        raise RejectError("too_large", f"gzip inflates to more than {limit} bytes")
    return bytes(out)


def looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head or b"<body" in head


def document_from_bytes(rel: str, data: bytes, url: str | None = None, fetched_at: str | None = None,
                        kind: str | None = None) -> RawDocument:
    digest = sha256_bytes(data)
    kind = kind or kind_from_name(rel)
    if not data.strip():
        raise RejectError("empty", "file is empty or whitespace only")
    if kind == "warc":
        raise RejectError("unsupported_format", "WARC files are expanded by ingest(), not read as one document")
    if kind == "html" and rel.lower().endswith(".gz"):
        data = gunzip_capped(data)
        if not data.strip():
            raise RejectError("empty", "gzip member is empty")
    binary = sniff_binary(data)
    if binary:
        raise RejectError("binary", f"content is {binary}, not text")
    if kind == "html":
        from .html import decode_html

        text, encoding = decode_html(data)
    else:
        text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise RejectError("empty", "file decodes to whitespace only")
    if kind == "text" and looks_like_html(text.encode("utf-8", "ignore")[:2048]):
        kind = "html"  # an HTML page saved under a text name
    return RawDocument(rel, digest, len(data), kind, encoding, text, url, fetched_at)


#: the batch of the files that lie directly in raw/ (every top-level folder is a batch of its own)
ROOT_BATCH = "_root"


def batch_of(rel: str) -> str:
    """The ingest batch of a raw path: its top-level folder under raw/, or :data:`ROOT_BATCH`."""
    return rel.split("/", 1)[0] if "/" in rel else ROOT_BATCH


def ingest(root: Path, max_bytes: int = MAX_BYTES, batch: str | None = None) -> tuple[list[RawDocument], list[Reject]]:
    """Ingest every file under ``root`` (or only those of one ``batch``). Exact byte duplicates keep the first
    path in sort order (within the batch; :func:`pipeline.core.incremental.consolidate` does it across batches)."""
    entries = walk_raw(root, batch)
    if batch is not None:
        entries = [(rel, path) for rel, path in entries if batch_of(rel) == batch]
    return ingest_entries(entries, max_bytes)


def ingest_entries(entries: list[tuple[str, Path]], max_bytes: int = MAX_BYTES) -> tuple[list[RawDocument], list[Reject]]:
    """Ingest (relative name, path) entries: raw/'s walk, or files given on the command line. Every entry is
    one document or one reject (a WARC file: one per record); exact byte duplicates keep the first entry."""
    documents: list[RawDocument] = []
    rejects: list[Reject] = []
    seen: dict[str, str] = {}
    for rel, path in entries:
        digest = None
        if kind_from_name(rel) == "warc" and not path.is_symlink() and path.is_file():
            from .warc import read_warc

            docs, warc_rejects = read_warc(rel, path, max_bytes)
            for doc in docs:
                if doc.raw_sha256 in seen:
                    rejects.append(Reject(doc.source_path, doc.raw_sha256, STAGE, "duplicate_raw",
                                          f"byte-identical to {seen[doc.raw_sha256]}"))
                else:
                    seen[doc.raw_sha256] = doc.source_path
                    documents.append(doc)
            rejects.extend(warc_rejects)
            continue
        try:
            data = read_bytes(path, max_bytes)  # each file is read once
            digest = sha256_bytes(data)
            if digest in seen:
                raise RejectError("duplicate_raw", f"byte-identical to {seen[digest]}")
            doc = document_from_bytes(rel, data)
            seen[digest] = rel
            documents.append(doc)
        except RejectError as exc:
            if digest is not None:
                seen.setdefault(digest, rel)
            rejects.append(Reject(rel, digest, STAGE, exc.reason, exc.message))
        except OSError as exc:
            rejects.append(Reject(rel, digest, STAGE, "unreadable", f"could not read file: {exc.strerror or exc}"))
    return documents, rejects
