"""Raw documents: what one file (or WARC record) is once read: its bytes' digest, kind, encoding and text.
Byte limits, gzip inflation with a cap, kind from the name, and :func:`document_from_bytes`."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .encoding import decode, decode_html, sniff_binary
from .errors import RejectError

#: the stage name of rejects raised while reading files (ingest)
STAGE = "ingest"

#: files above this size are rejected unread (a news page is < 1 MB of text)
MAX_BYTES = 8 * 1024 * 1024

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".html.gz", ".htm.gz"}

WARC_SUFFIXES = {".warc", ".warc.gz", ".arc", ".arc.gz"}


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


def kind_from_name(name: str) -> str:
    lower = name.lower()
    for suffix in sorted(WARC_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix):
            return "warc"
    for suffix in sorted(HTML_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix):
            return "html"
    return "text"


_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_KINDS = ((stat.S_ISDIR, "a directory (one that could not be listed)"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def open_regular(path: Path, root: Path | None = None) -> int:
    """A descriptor of the regular file at ``path``, checked on the open file itself (no check-then-open race).

    ``root`` given (raw/): the path is opened from it one component at a time, so a symlink anywhere below raw/
    (the file, or a folder on the way, even one swapped in while the build runs) is never followed. The file is
    opened ``O_NOFOLLOW | O_NONBLOCK`` (a FIFO swapped in does not block) and must then be a regular file by
    ``fstat``. A hard link is a regular file and is read (docs/ingest-security.md says why)."""
    try:
        if root is None:
            fd = os.open(path, _FILE_FLAGS)
        else:
            parts = Path(os.path.relpath(path, root)).parts
            base = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
            try:
                for part in parts[:-1]:
                    nxt = os.open(part, _DIR_FLAGS, dir_fd=base)
                    os.close(base)
                    base = nxt
                fd = os.open(parts[-1], _FILE_FLAGS, dir_fd=base)
            finally:
                os.close(base)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise RejectError("unreadable", "symbolic link: not followed (raw/ files must be regular files)") from None
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        what = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise RejectError("unreadable", f"not a regular file: {what}")
    return fd


def read_fd(fd: int, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of an open regular file (closed after), never reading past the size limit."""
    with os.fdopen(fd, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > max_bytes:
            raise RejectError("too_large", f"{size} bytes exceeds the {max_bytes}-byte limit")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RejectError("too_large", f"more than {max_bytes} bytes")
    return data


def read_bytes(path: Path, max_bytes: int = MAX_BYTES, root: Path | None = None) -> bytes:
    """A regular file's bytes (:func:`open_regular`, :func:`read_fd`)."""
    return read_fd(open_regular(path, root), max_bytes)


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
        text, encoding = decode_html(data)
    else:
        text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise RejectError("empty", "file decodes to whitespace only")
    if kind == "text" and looks_like_html(text.encode("utf-8", "ignore")[:2048]):
        kind = "html"  # an HTML page saved under a text name
    return RawDocument(rel, digest, len(data), kind, encoding, text, url, fetched_at)
