"""The document cache: per-document stage results, stored under a key made of what the work reads.

Each stage's per-document work is cached in a :class:`DocumentCache` under a key made of what the work reads
and the stage's code version (:func:`cache_key`), so a rebuild re-processes exactly what changed:

=============  ==========================================================================  ===================
level          key                                                                         value
=============  ==========================================================================  ===================
``prepare``    raw sha256, source path, WARC URI/date, ingest + extract code versions      converted, segmented page
``article``    prepare key, the page's *template signature*, extract + metadata versions   article row or reject
``analysis``   article id, body, publication time, entities + events code versions         mention and event rows
=============  ==========================================================================  ===================

Two levels sit above these: ``batch`` (a batch's inventory, rejects and page keys, by the fingerprint of its
files: :func:`pipeline.core.batches.prepare_batch`; kept as rows of the ``manifests_v1`` table, not pickled:
:mod:`pipeline.core.manifests`) and ``rows`` (a batch's rows, by that fingerprint and the
batch's template digest: :func:`pipeline.core.batch_rows.start_batch`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import sqlite3
import threading
from collections import Counter
from pathlib import Path
from typing import Iterable

from .manifests import MANIFEST_DDL

__all__ = ["CACHE_FORMAT", "DocumentCache", "PageSpill", "cache_key"]

log = logging.getLogger(__name__)

#: bump when the layout of cached values changes (every cached value then misses once)
CACHE_FORMAT = "2"


def cache_key(*parts) -> str:
    return hashlib.sha256(json.dumps([CACHE_FORMAT, *parts], default=str, ensure_ascii=False).encode()).hexdigest()


class DocumentCache:
    """A content-addressed store of per-document stage results (SQLite, one file, safe across processes).

    ``DocumentCache(None)`` caches nothing. The cache is local working state: it never enters a release, and
    deleting it only costs time."""

    def __init__(self, path: Path | str | None):
        self.path = Path(path) if path else None
        self.hits: Counter = Counter()
        self.misses: Counter = Counter()
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        db = getattr(self._local, "db", None)
        if db is None or getattr(self._local, "pid", None) != os.getpid():
            try:
                db = self._open()
            except sqlite3.DatabaseError as exc:  # not a database, or its header is damaged
                self._set_aside(exc)
                db = self._open()
            self._local.db, self._local.pid = db, os.getpid()
        return db

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS entries (stage TEXT, key TEXT, value BLOB, PRIMARY KEY (stage, key))")
            db.execute(MANIFEST_DDL)
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _set_aside(self, exc: Exception) -> None:
        """A corrupt or truncated cache file is moved aside (``<name>.corrupt``, replacing an older one) and a new
        one is started: the cache only saves time, so a damaged one must not fail every run until someone
        deletes it."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
        aside = self.path.with_name(self.path.name + ".corrupt")
        for suffix in ("", "-wal", "-shm"):
            part = self.path.with_name(self.path.name + suffix)
            if part.exists():
                os.replace(part, aside.with_name(aside.name + suffix))
        log.warning("document cache %s is corrupt (%s): moved aside to %s, starting an empty cache",
                    self.path, exc, aside)

    def _run(self, work):
        """``work(db)``, once more on a fresh cache file if the current one turns out to be corrupt."""
        db = self._db()
        if db is None:
            return None
        try:
            return work(db)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "malformed" not in str(exc) \
                    and "not a database" not in str(exc):
                raise  # locked, read-only, disk full: not the file's content
            self._set_aside(exc)
            return work(self._db())

    def get(self, stage: str, key: str):
        row = self._run(lambda db: db.execute("SELECT value FROM entries WHERE stage=? AND key=?", (stage, key)).fetchone())
        if row is not None:
            try:
                value = pickle.loads(row[0])
            except (AttributeError, ModuleNotFoundError):  # pickled with a class that has since moved: redo it
                row = None
        if row is None:
            self.misses[stage] += 1
            return None
        self.hits[stage] += 1
        return value

    def put_many(self, stage: str, items: Iterable[tuple[str, object]]) -> None:
        if self.path is None:
            return
        rows = [(stage, key, pickle.dumps(value, protocol=5)) for key, value in items]

        def write(db):
            with db:
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)

        self._run(write)

    def __getstate__(self):  # a cache handed to another process reopens its own connection
        return {"path": self.path, "hits": Counter(), "misses": Counter()}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._local = threading.local()


class PageSpill(DocumentCache):
    """A temporary cache of prepared pages and batch manifests only, for a build run without a document cache
    (``verify``, ``build`` without ``--cache``): a batch's converted, segmented pages wait on disk for their
    turn instead of in memory (~56 KiB per page of the scale corpus, so 100k pages would hold ~5 GB). The
    other levels are neither read nor written, so the build computes what it computes without a cache."""

    STAGES = frozenset({"prepare"})

    def get(self, stage: str, key: str):
        if stage not in self.STAGES:
            self.misses[stage] += 1
            return None
        return super().get(stage, key)

    def put_many(self, stage: str, items: Iterable[tuple[str, object]]) -> None:
        if stage in self.STAGES:
            super().put_many(stage, items)
