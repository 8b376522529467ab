"""raw/ as batches: each batch ingested and its pages converted and segmented, and the template index over all.

A **batch** is a top-level folder of raw/ (files directly in raw/ form the batch ``_root``). A batch is read
once: its inventory, ingest rejects and each page's hashed template keys (a :class:`BatchManifest`) are
cached by a fingerprint of its files (as rows of one table: :mod:`pipeline.core.manifests`), and each page's converted, segmented content by its raw sha256 (the
``batch`` and ``prepare`` levels of the :mod:`document cache <pipeline.core.document_cache>`). The template
index is learned from the manifests of every batch (:func:`learn_templates`); a page depends on it only
through its template signature, summed up per batch by :func:`template_digest`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .document_cache import DocumentCache, cache_key
from .documents import RawDocument
from .errors import Reject, RejectError
from .cleaning import STAGE as EXTRACT_STAGE
from .cleaning.document import prepare_page
from .cleaning.templates import TemplateIndex, page_template_keys
from .ingest import batch_of, ingest, walk_raw
from .manifests import get_manifest, put_manifest
from .versions import code_version

__all__ = ["BatchManifest", "PreparedBatch", "PreparedPage", "learn_templates", "list_batches", "prepare_batch",
           "prepare_documents", "template_digest"]


def list_batches(raw_dir: Path) -> dict[str, str]:
    """Every batch of raw/ with a fingerprint of its files (paths, sizes, modification times; read nothing)."""
    files: dict[str, list[str]] = {}
    for rel, path in walk_raw(Path(raw_dir)):
        try:
            st = path.lstat()
            stamp = f"{rel}\t{st.st_size}\t{st.st_mtime_ns}"
        except OSError:
            stamp = f"{rel}\tgone"
        files.setdefault(batch_of(rel), []).append(stamp)
    return {batch: hashlib.sha256("\n".join(stamps).encode()).hexdigest()[:16] for batch, stamps in sorted(files.items())}


@dataclass
class PreparedPage:
    source_path: str
    raw_sha256: str
    group: str | None
    keys: object  # numpy uint64 array of the page's hashed template keys
    prepare_key: str
    content: tuple | None = None  # (converted document, HTML metadata, logical lines), loaded when needed

    def load(self, cache: DocumentCache) -> tuple:
        """The page's converted document, metadata and lines (from the cache when the batch was not re-read)."""
        if self.content is None:
            value = cache.get("prepare", self.prepare_key)
            if value is None or isinstance(value, Reject):
                raise LookupError(f"{self.source_path}: prepared page missing from the cache")
            converted, meta, _, lines, _ = value
            self.content = (converted, meta, lines)
        return self.content


@dataclass
class BatchManifest:
    """What corpus-level state needs from a batch: its inventory, ingest rejects and each page's template keys."""

    batch: str
    inventory: list[dict]
    rejects: list[Reject]
    pages: list[tuple[str, str | None, object, str]]  # (source_path, group, keys, prepare_key)
    fingerprint: str = ""

    def keysets(self):
        return [(group, keys) for _, group, keys, _ in self.pages]


@dataclass
class PreparedBatch:
    batch: str
    inventory: list[dict]
    pages: list[PreparedPage]
    rejects: list[Reject]
    fingerprint: str = ""  # of the batch's files (paths, sizes, modification times) when it was read
    raw_dir: Path | None = None

    def manifest(self) -> BatchManifest:
        return BatchManifest(self.batch, self.inventory, self.rejects,
                             [(p.source_path, p.group, p.keys, p.prepare_key) for p in self.pages], self.fingerprint)


def prepare_batch(raw_dir: Path, batch: str, cache: DocumentCache, fingerprint: str | None = None,
                  reuse: bool = True) -> PreparedBatch:
    """Ingest one batch and convert/segment its pages (cached by raw sha256 and code versions).

    A batch whose files kept their paths, sizes and modification times (its ``fingerprint``) is not read at
    all: its inventory and page keys come from the cache, and a page's content is loaded only if it must be
    re-extracted."""
    versions = (code_version("ingest"), code_version("extract"))
    fingerprint = fingerprint if fingerprint is not None else list_batches(Path(raw_dir)).get(batch, "")
    if os.environ.get("VOSTOK_FULL"):  # make dataset FULL=1: an edit that kept size and mtime is seen too
        fingerprint, reuse = "", False  # every file read and hashed; per-document results still come from the cache
    batch_key = cache_key("batch", versions, batch, fingerprint)
    if reuse:
        known = get_manifest(cache, batch_key)
        if known is not None:
            inventory, rejects, page_rows = known
            pages = [PreparedPage(*row) for row in page_rows]
            return PreparedBatch(batch, inventory, pages, list(rejects), fingerprint, Path(raw_dir))
    documents, rejects = ingest(Path(raw_dir), batch=batch)
    prepared = prepare_documents(batch, documents, rejects, cache, fingerprint, Path(raw_dir))
    put_manifest(cache, batch_key, batch, prepared.inventory, prepared.rejects,
                 [(p.source_path, p.raw_sha256, p.group, p.keys, p.prepare_key) for p in prepared.pages])
    return prepared


def prepare_documents(batch: str, documents: Sequence[RawDocument], rejects: Sequence[Reject],
                      cache: DocumentCache, fingerprint: str = "", raw_dir: Path | None = None) -> PreparedBatch:
    """Ingested documents → a prepared batch: each page converted and segmented (cached by raw sha256 and
    code versions), with its hashed template keys. Used for raw/'s batches and for files given to the CLI."""
    versions = (code_version("ingest"), code_version("extract"))
    rejects = list(rejects)
    pages: list[PreparedPage] = []
    fresh = []
    for doc in documents:
        key = cache_key("prepare", versions, doc.source_path, doc.raw_sha256, doc.url, doc.fetched_at)
        value = cache.get("prepare", key)
        if value is None:
            value = _prepare(doc)
            fresh.append((key, value))
        if isinstance(value, Reject):
            rejects.append(value)
        else:
            converted, meta, group, lines, keys = value
            pages.append(PreparedPage(doc.source_path, doc.raw_sha256, group, keys, key, (converted, meta, lines)))
    cache.put_many("prepare", fresh)
    inventory = [d.inventory_row() for d in documents]
    return PreparedBatch(batch, inventory, pages, rejects, fingerprint, raw_dir)


def _prepare(doc: RawDocument):
    try:
        converted, meta, group, lines = prepare_page(doc)
        return converted, meta, group, lines, page_template_keys(lines)
    except RejectError as exc:
        return Reject(doc.source_path, doc.raw_sha256, EXTRACT_STAGE, exc.reason, exc.message)
    except Exception as exc:  # a converter bug must cost one page, not the run
        return Reject.internal_error(doc.source_path, doc.raw_sha256, EXTRACT_STAGE, exc)


def learn_templates(manifests: Iterable[BatchManifest]) -> TemplateIndex:
    """The corpus template index from every batch's page keys (order-independent)."""
    return TemplateIndex.from_keysets(ks for m in sorted(manifests, key=lambda m: m.batch) for ks in m.keysets())


def template_digest(manifest: BatchManifest, templates: TemplateIndex) -> str:
    """One digest of every page signature of a batch: the batch's tables are current while it is unchanged."""
    sigs = [templates.signature(group, keys) for _, group, keys, _ in manifest.pages]
    return hashlib.sha256("\n".join(sigs).encode()).hexdigest()[:16]
