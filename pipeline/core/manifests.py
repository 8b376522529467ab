"""Batch manifests as one table, not one pickled value per batch.

A batch's manifest (its inventory, its rejects and each page's hashed template keys: what corpus-level work needs
of a batch once it is read, :class:`~pipeline.core.batches.BatchManifest`) is kept as rows of one table: one row
per inventory entry, reject and page, a page's keys as the bytes of its uint64 array, after a header row. Reading
manifests back is one query and no unpickling, and the table is one inspectable store where a pickle per batch
was not (measured in docs/scale.md: loading pickles was not the cost it was thought to be). Two stores hold the table:

* the ``manifests_v1`` table of the document cache (``cache.sqlite``), under each batch's cache key (batch, the
  fingerprint of its files, ingest and extract code versions): :func:`put_manifest`, :func:`get_manifest`. A
  batch's rows are written in one transaction, so a killed run leaves its manifest whole or absent;
* one Parquet file for the Dagster ``raw_batch`` asset, every batch at once (its ``batch_key`` is the batch's
  rank; :func:`write_manifest_file`, written to a temp file and renamed; :func:`read_manifest_file`).
"""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

__all__ = ["MANIFEST_DDL", "get_manifest", "put_manifest", "read_manifest_file", "write_manifest_file"]

#: the columns of a manifest row; the header row holds the batch in ``source_path``, its fingerprint in ``prepare_key``
COLUMNS = ("batch_key", "part", "ord", "source_path", "raw_sha256", "size", "kind", "encoding", "fetched_at",
           "stage", "reason", "message", "grp", "prepare_key", "keys")
#: the table's name carries its row format: a cache written with other columns is left aside (every batch misses
#: once), never read or written with the wrong number of values
TABLE = "manifests_v1"
MANIFEST_DDL = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    batch_key TEXT NOT NULL, part INTEGER NOT NULL, ord INTEGER NOT NULL,  -- part: 0 header, 1 inventory, 2 reject, 3 page
    source_path BLOB, raw_sha256 TEXT,
    size INTEGER, kind TEXT, encoding TEXT, fetched_at TEXT,  -- inventory entries
    stage TEXT, reason TEXT, message BLOB,                    -- rejects
    grp BLOB, prepare_key TEXT, keys BLOB,                    -- pages
    PRIMARY KEY (batch_key, part, ord)) WITHOUT ROWID"""

HEADER, INVENTORY, REJECT, PAGE = 0, 1, 2, 3


def _b(text: str | None) -> bytes | None:
    """Free text as UTF-8 bytes, lone surrogates included (a pickle kept them; SQLite's TEXT cannot)."""
    return None if text is None else text.encode("utf-8", "surrogatepass")


def _s(data: bytes | None) -> str | None:
    return None if data is None else bytes(data).decode("utf-8", "surrogatepass")


def _rows(key: str, batch: str, fingerprint: str, inventory: list[dict], rejects: list, pages: list[tuple]):
    """A manifest's rows (``pages``: (source_path, raw_sha256, group, keys, prepare_key)), made lazily: a bad row
    fails the write that consumes them, not half of it."""
    import numpy as np

    return itertools.chain(
        [(key, HEADER, 0, _b(batch), None, None, None, None, None, None, None, None, None, fingerprint, None)],
        ((key, INVENTORY, i, _b(r["source_path"]), r["raw_sha256"], r["size"], r["kind"], r["encoding"],
          r["fetched_at"], None, None, None, None, None, None) for i, r in enumerate(inventory)),
        ((key, REJECT, i, _b(r.source_path), r.raw_sha256, None, None, None, None, r.stage, r.reason,
          _b(r.message), None, None, None) for i, r in enumerate(rejects)),
        ((key, PAGE, i, _b(path), sha, None, None, None, None, None, None, None, _b(group), prepare_key,
          np.ascontiguousarray(keys, dtype=np.uint64).tobytes())
         for i, (path, sha, group, keys, prepare_key) in enumerate(pages)))


def _assemble(rows) -> tuple[str, str, list[dict], list, list[tuple]]:
    """One manifest's rows (header first, in part and ord order) → (batch, fingerprint, inventory, rejects, pages)."""
    import numpy as np

    from .errors import Reject

    (_, _, _, batch, *_, fingerprint, _), *rest = rows
    inventory, rejects, pages = [], [], []
    for _, part, _, path, sha, size, kind, encoding, fetched_at, stage, reason, message, group, prepare_key, keys in rest:
        if part == INVENTORY:
            inventory.append({"source_path": _s(path), "raw_sha256": sha, "size": size, "kind": kind,
                              "encoding": encoding, "fetched_at": fetched_at})
        elif part == REJECT:
            rejects.append(Reject(_s(path), sha, stage, reason, _s(message)))
        else:
            pages.append((_s(path), sha, _s(group), np.frombuffer(keys, dtype=np.uint64).copy(), prepare_key))
    return _s(batch), fingerprint or "", inventory, rejects, pages


def put_manifest(cache, key: str, batch: str, inventory: list[dict], rejects: list, pages: list[tuple]) -> None:
    """Store one batch's manifest in the document cache, replacing whatever was under ``key``, in one transaction."""
    def write(db: sqlite3.Connection):
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(f"DELETE FROM {TABLE} WHERE batch_key=?", (key,))
            db.executemany(f"INSERT INTO {TABLE} VALUES ({', '.join('?' * len(COLUMNS))})",
                           _rows(key, batch, "", inventory, rejects, pages))
            db.execute("COMMIT")
        except BaseException:
            # a failed COMMIT (disk full) must not leave the reused connection inside an open transaction; SQLite
            # may have rolled back by itself already, and a second ROLLBACK would hide the real error
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    if cache.path is not None:
        cache._run(write)


def get_manifest(cache, key: str) -> tuple[list[dict], list, list[tuple]] | None:
    """One batch's (inventory, rejects, pages) from the document cache, or None (counted as a hit or a miss of
    the ``batch`` level)."""
    rows = cache._run(lambda db: db.execute(
        f"SELECT {', '.join(COLUMNS)} FROM {TABLE} WHERE batch_key=? ORDER BY part, ord", (key,)).fetchall())
    if not rows or rows[0][1] != HEADER:
        cache.misses["batch"] += 1
        return None
    cache.hits["batch"] += 1
    return _assemble(rows)[2:]


def _arrow_schema():
    import pyarrow as pa

    text, blob, integer = pa.string(), pa.binary(), pa.int64()
    types = (text, pa.int8(), integer, blob, text, integer, text, text, text, text, text, blob, blob, text, blob)
    return pa.schema(list(zip(COLUMNS, types)))


def write_manifest_file(path: Path, manifests: dict) -> Path:
    """Every batch's :class:`~pipeline.core.batches.BatchManifest` as one Parquet file (atomic: temp + rename)."""
    import pyarrow as pa

    from .tables import write_parquet

    rows = [row for i, batch in enumerate(sorted(manifests)) for row in _rows(
        f"{i:09d}", batch, manifests[batch].fingerprint, manifests[batch].inventory, manifests[batch].rejects,
        [(path_, None, group, keys, prepare_key) for path_, group, keys, prepare_key in manifests[batch].pages])]
    columns = list(zip(*rows)) if rows else [[] for _ in COLUMNS]
    schema = _arrow_schema()
    return write_parquet(pa.table([pa.array(c, f.type) for c, f in zip(columns, schema)], schema=schema), path)


def read_manifest_file(path: Path) -> dict:
    """:func:`write_manifest_file`'s manifests back: ``{batch: (fingerprint, inventory, rejects, pages)}``, pages
    as a :class:`~pipeline.core.batches.BatchManifest` holds them (source_path, group, keys, prepare_key)."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    rows = zip(*(table.column(c).to_pylist() for c in COLUMNS))
    out = {}
    for _, group in itertools.groupby(rows, key=lambda row: row[0]):
        batch, fingerprint, inventory, rejects, pages = _assemble(list(group))
        out[batch] = (fingerprint, inventory, rejects, [(p, g, k, pk) for p, _, g, k, pk in pages])
    return out
