"""Ingest: the files under ``raw/`` → decoded raw documents, or rejects.

Knows safe file walking (symlinks are never followed) and batches (top-level folders of raw/); reading and
decoding one file is :mod:`.documents` and :mod:`.encoding`, WARC archives :mod:`.warc`. Every file found
becomes exactly one :class:`~.documents.RawDocument` or one :class:`~pipeline.core.errors.Reject`.
"""

from __future__ import annotations

import os
from pathlib import Path

from .documents import (MAX_BYTES, STAGE, RawDocument, document_from_bytes, kind_from_name, open_regular, read_fd,
                        sha256_bytes)
from .errors import Reject, RejectError
from .rawnames import escape_name
from .warc import read_warc

__all__ = ["STAGE", "ROOT_BATCH", "PATH_MAX", "batch_key", "batch_of", "walk_raw", "ingest", "ingest_entries"]

#: the batch of the files that lie directly in raw/ (every top-level folder is a batch of its own)
ROOT_BATCH = "_root"
#: a path relative to raw/ longer than this (in bytes) is rejected unread: no tool can open it by its name
PATH_MAX = 4096


def batch_key(folder: str) -> str:
    """The batch key of a top-level folder (its recorded name): the name itself, with one more leading ``_`` when
    it starts with ``_``, so that no folder's key is :data:`ROOT_BATCH` (a folder named ``_root`` is ``__root``)."""
    return "_" + folder if folder.startswith("_") else folder


def batch_of(rel: str) -> str:
    """The ingest batch of a recorded raw path: its top-level folder's :func:`batch_key`, or :data:`ROOT_BATCH`."""
    return batch_key(rel.split("/", 1)[0]) if "/" in rel else ROOT_BATCH


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _open_dir(root: str, parts: tuple[str, ...]) -> int:
    """A directory under ``root`` opened one component at a time, none of them followed if it is a symlink (so a
    folder swapped for a link while the walk runs is not entered, and no path is ever longer than a name)."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        for part in parts:
            nxt = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = nxt
    except BaseException:
        os.close(fd)
        raise
    return fd


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:  # gone since it was listed: an entry, rejected as unreadable when read
        return False


def walk_raw(root: Path, batch: str | None = None) -> list[tuple[str, Path]]:
    """All entries under ``root`` (or of one batch) as (recorded relative path, absolute path), sorted.

    Iterative (no depth limit) and by directory descriptors (no PATH_MAX limit). Directories that are symlinks
    are not descended into; symlinks, FIFOs, sockets, devices and directories that cannot be listed are listed
    as entries, so that ingest rejects them with a reason instead of dropping them. Names are recorded by
    :func:`~pipeline.core.rawnames.escape_name` (valid strings whatever bytes the file system holds)."""
    root = Path(root)
    found: list[tuple[str, Path]] = []
    stack: list[tuple[str, ...]] = [()]
    while stack:
        parts = stack.pop()
        try:
            fd = _open_dir(os.fspath(root), parts)
            try:
                with os.scandir(fd) as it:
                    listing = [(e.name, _is_dir(e)) for e in it]
            finally:
                os.close(fd)
        except OSError:
            if parts:  # a folder that cannot be opened or listed is one entry, rejected with a reason
                found.append((escape_name("/".join(parts)), root.joinpath(*parts)))
            continue
        for name, is_dir in listing:
            if not parts and batch is not None and batch != (batch_key(escape_name(name)) if is_dir else ROOT_BATCH):
                continue
            if is_dir:
                stack.append(parts + (name,))
            else:
                found.append((escape_name("/".join(parts + (name,))), root.joinpath(*parts, name)))
    found.sort(key=lambda item: item[0])
    return found


def ingest(root: Path, max_bytes: int = MAX_BYTES, batch: str | None = None) -> tuple[list[RawDocument], list[Reject]]:
    """Ingest every file under ``root`` (or only those of one ``batch``). Exact byte duplicates keep the first
    path in sort order (within the batch; :func:`pipeline.core.consolidate.consolidate` does it across batches)."""
    entries = walk_raw(root, batch)
    if batch is not None:
        entries = [(rel, path) for rel, path in entries if batch_of(rel) == batch]
    return ingest_entries(entries, max_bytes, root)


def ingest_entries(entries: list[tuple[str, Path]], max_bytes: int = MAX_BYTES,
                   root: Path | None = None) -> tuple[list[RawDocument], list[Reject]]:
    """Ingest (recorded name, path) entries: raw/'s walk (``root`` given: each file opened from raw/ one component
    at a time, no symlink followed anywhere on the way), or files given on the command line. Every entry is one
    document or one reject (a WARC file: one per record, each record's path unique among the entries); exact
    byte duplicates keep the first entry."""
    documents: list[RawDocument] = []
    rejects: list[Reject] = []
    seen: dict[str, str] = {}
    taken = {rel for rel, _ in entries}  # source paths already in use: a WARC record never takes one of them
    for rel, path in entries:
        digest = None
        try:
            if len(os.fsencode(os.path.relpath(path, root) if root is not None else path)) > PATH_MAX:
                raise RejectError("unreadable", f"path is over PATH_MAX ({PATH_MAX} bytes): no tool can open it by name")
            fd = open_regular(path, root)
            if kind_from_name(rel) == "warc":
                with os.fdopen(fd, "rb") as fh:
                    docs, warc_rejects = read_warc(rel, fh, max_bytes, taken)
                for doc in docs:
                    if doc.raw_sha256 in seen:
                        rejects.append(Reject(doc.source_path, doc.raw_sha256, STAGE, "duplicate_raw",
                                              f"byte-identical to {seen[doc.raw_sha256]}"))
                    else:
                        seen[doc.raw_sha256] = doc.source_path
                        documents.append(doc)
                rejects.extend(warc_rejects)
                continue
            data = read_fd(fd, max_bytes)  # each file is read once
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
