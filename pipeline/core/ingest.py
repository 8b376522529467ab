"""Ingest: the files under ``raw/`` → decoded raw documents, or rejects.

Knows safe file walking (symlinks are never followed) and batches (top-level folders of raw/); reading and
decoding one file is :mod:`.documents` and :mod:`.encoding`, WARC archives :mod:`.warc`. Every file found
becomes exactly one :class:`~.documents.RawDocument` or one :class:`~pipeline.core.errors.Reject`.
"""

from __future__ import annotations

import os
from pathlib import Path

from .documents import MAX_BYTES, STAGE, RawDocument, document_from_bytes, kind_from_name, read_bytes, sha256_bytes
from .errors import Reject, RejectError
from .warc import read_warc

__all__ = ["STAGE", "ROOT_BATCH", "batch_of", "walk_raw", "ingest", "ingest_entries"]


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


#: the batch of the files that lie directly in raw/ (every top-level folder is a batch of its own)
ROOT_BATCH = "_root"


def batch_of(rel: str) -> str:
    """The ingest batch of a raw path: its top-level folder under raw/, or :data:`ROOT_BATCH`."""
    return rel.split("/", 1)[0] if "/" in rel else ROOT_BATCH


def ingest(root: Path, max_bytes: int = MAX_BYTES, batch: str | None = None) -> tuple[list[RawDocument], list[Reject]]:
    """Ingest every file under ``root`` (or only those of one ``batch``). Exact byte duplicates keep the first
    path in sort order (within the batch; :func:`pipeline.core.consolidate.consolidate` does it across batches)."""
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
