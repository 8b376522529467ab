"""The partitioned working dataset: each batch's rows as Parquet files, written and read back.

Layout (hive-partitioned): ``<root>/<table>/batch=<name>/part-0.parquet`` for each table of :data:`BATCH_TABLES`,
``<name>`` by :func:`batch_dir_name` (bounded, collision-free); the articles file carries the batch's key and
template digest in its schema metadata (the key read back from a hashed folder name).
Corpus-level columns (duplicates, clusters, relevance) are still empty here: :mod:`pipeline.core.consolidate` fills them,
reading the files back one batch at a time (:class:`BatchStore`). The articles file also carries each article's
near-duplicate signature (:data:`SIGNATURE_COLUMNS`, never in a final table), so consolidation does not hash every
body again.

Every path of the dataset is made by :func:`batch_file` (the one place that turns a batch name into a folder name).
"""

from __future__ import annotations

from pathlib import Path

from .batch_rows import BatchRows
from .errors import Reject

__all__ = ["BATCH_TABLES", "SIGNATURE_COLUMNS", "BatchStore", "batch_dir_name", "batch_file", "read_batch_rows",
           "write_batch_rows"]

#: per-batch tables, hive-partitioned: <root>/<table>/batch=<name>/part-0.parquet
BATCH_TABLES = ("articles", "mentions", "events", "rejects", "inventory")
#: a quoted batch key longer than this is replaced by a hash (a folder name has at most 255 bytes)
MAX_QUOTED = 120
#: extra columns of the articles file: the sha256 of the normalized body and the MinHash values (their bytes)
SIGNATURE_COLUMNS = ("_signature_digest", "_signature_minhash")


def batch_dir_name(batch: str) -> str:
    """``batch=<the key, URL-quoted>`` while that is at most :data:`MAX_QUOTED` bytes, else ``batch=h+<32 hex digits
    of the key's sha256>``; quoting escapes every ``+``, so no quoted key looks like a hashed one. The key itself
    is kept in the articles file's metadata."""
    import hashlib
    from urllib.parse import quote

    quoted = quote(batch, safe="")
    if len(quoted) <= MAX_QUOTED:
        return "batch=" + quoted
    return "batch=h+" + hashlib.sha256(batch.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def batch_file(root: Path, table: str, batch: str) -> Path:
    """Where one batch's rows of one table live in the partitioned working dataset under ``root``."""
    return Path(root) / table / batch_dir_name(batch) / "part-0.parquet"


class BatchStore:
    """The batches a consolidation reads, each from its own dataset root (batches rebuilt under a newer template
    index are written to another root than the ones the batch asset wrote)."""

    def __init__(self, roots: dict[str, Path]):
        self.roots = {batch: Path(roots[batch]) for batch in sorted(roots)}

    @classmethod
    def at(cls, root: Path, batches) -> "BatchStore":
        return cls({batch: Path(root) for batch in batches})

    @property
    def batches(self) -> list[str]:
        return list(self.roots)

    def read(self, table: str, batch: str, columns: list[str] | None = None):
        """One batch's rows of one table as Arrow (``columns``: only those; missing ones are left out)."""
        import pyarrow.parquet as pq

        path = batch_file(self.roots[batch], table, batch)
        if columns is not None:
            present = set(pq.read_schema(path).names)
            columns = [c for c in columns if c in present]
        return pq.read_table(path, columns=columns)


def write_batch_rows(rows: BatchRows, root: Path) -> dict[str, Path]:
    """Write one batch's rows (in their own order) as Parquet files of the partitioned working dataset."""
    import pyarrow as pa

    from ..schema import ARTICLES, EVENTS, MENTIONS, REJECTS, arrow_schema
    from .tables import write_parquet

    inventory_schema = pa.schema([("source_path", pa.string()), ("raw_sha256", pa.string()), ("size", pa.int64()),
                                  ("kind", pa.string()), ("encoding", pa.string()), ("fetched_at", pa.string())])
    mentions = [m for aid in sorted(rows.mentions) for m in rows.mentions[aid]]
    events = [e for aid in sorted(rows.events) for e in rows.events[aid]]

    def working(table, extra=()):  # corpus-level columns (duplicates, clusters, relevance) are filled by consolidate()
        schema = arrow_schema(table)
        return pa.schema([f.with_nullable(True) for f in schema] + list(extra), metadata=schema.metadata)

    signatures = (pa.field(SIGNATURE_COLUMNS[0], pa.string()), pa.field(SIGNATURE_COLUMNS[1], pa.binary()))
    frames = {
        "articles": pa.Table.from_pylist([_with_signature(row) for row in rows.articles],
                                         schema=working(ARTICLES, signatures)),
        "mentions": pa.Table.from_pylist(mentions, schema=working(MENTIONS)),
        "events": pa.Table.from_pylist(events, schema=working(EVENTS)),
        "rejects": pa.Table.from_pylist([r.as_row() for r in rows.rejects], schema=working(REJECTS)),
        "inventory": pa.Table.from_pylist(rows.inventory, schema=inventory_schema),
    }
    frames["articles"] = frames["articles"].replace_schema_metadata({"template_digest": rows.template_digest,
                                                                        "batch": rows.batch})
    return {name: write_parquet(table, batch_file(root, name, rows.batch)) for name, table in frames.items()}


def _with_signature(row: dict) -> dict:
    from .duplicates import SIGNATURE_KEY, signature

    digest, hashvalues = row.get(SIGNATURE_KEY) or signature(row["body"] or "")
    return {**row, SIGNATURE_COLUMNS[0]: digest, SIGNATURE_COLUMNS[1]: hashvalues.tobytes()}


def read_signature(row: dict):
    """Pop the signature columns off an articles-file row: the :func:`~pipeline.core.duplicates.signature`
    value, or None (a file written before they existed)."""
    import numpy as np

    from .duplicates import _template

    digest, raw = row.pop(SIGNATURE_COLUMNS[0], None), row.pop(SIGNATURE_COLUMNS[1], None)
    if digest is None or raw is None:
        return None
    return digest, np.frombuffer(raw, dtype=_template().hashvalues.dtype).copy()  # datasketch's own dtype


def read_batch_rows(root: Path, batch: str) -> BatchRows:
    """One batch's rows back from the partitioned working dataset (raises FileNotFoundError when absent)."""
    import pyarrow.parquet as pq

    from .duplicates import SIGNATURE_KEY

    tables = {name: pq.read_table(batch_file(root, name, batch)) for name in BATCH_TABLES}
    meta = tables["articles"].schema.metadata or {}
    if meta.get(b"batch", batch.encode("utf-8", "surrogatepass")) != batch.encode("utf-8", "surrogatepass"):
        raise FileNotFoundError(f"the working tables of batch {batch!r} hold another batch")  # rebuilt, not mixed up
    out = BatchRows(batch, template_digest=meta.get(b"template_digest", b"").decode())
    out.articles = tables["articles"].to_pylist()
    for row in out.articles:
        known = read_signature(row)
        if known is not None:
            row[SIGNATURE_KEY] = known
        out.mentions[row["article_id"]] = []
        out.events[row["article_id"]] = []
    for m in tables["mentions"].to_pylist():
        out.mentions[m["article_id"]].append(m)
    for e in tables["events"].to_pylist():
        out.events[e["article_id"]].append(e)
    out.rejects = [Reject(**r) for r in tables["rejects"].to_pylist()]
    out.inventory = tables["inventory"].to_pylist()
    return out
