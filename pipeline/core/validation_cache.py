"""Remembered suite results: the same table validated by the same suite gives the same report, so a rebuild
with nothing new does not run Great Expectations again (GX's import and validation were most of a no-op
rebuild's time).

The key is the table's content (its Arrow IPC bytes), the suite as configured (expectations, kwargs, the
reference time they embed), the check columns, the mode, GX's version and the source of
:mod:`pipeline.core.quality`, its check columns and chunks and this module, so any change that could change a report is a miss. The cache
is local state under the work folder (never released); a damaged or unreadable entry is a miss.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pyarrow as pa

#: where entries go; None (the default) turns the cache off. Set by :func:`enable`.
_folder: Path | None = None


def enable(folder: Path | None) -> None:
    """Remember suite results under ``folder`` (None: stop remembering)."""
    global _folder
    _folder = Path(folder) if folder is not None else None


def folder() -> Path | None:
    """Where entries go, or None when the cache is off."""
    return _folder


def key(table_name: str, frame, expectations: list[dict], extra_columns: tuple[str, ...],
        row_level_only: bool) -> str | None:
    """The entry's key, or None when caching is off or the frame has no stable byte form."""
    if _folder is None:
        return None
    try:
        arrow = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, arrow.schema) as writer:
            writer.write_table(arrow)
        content = sink.getvalue().to_pybytes()
    except (pa.ArrowException, TypeError, ValueError):
        return None
    digest = hashlib.sha256()
    for part in (table_name, json.dumps(expectations, sort_keys=True, default=str), json.dumps(list(extra_columns)),
                 str(row_level_only), metadata.version("great_expectations"), code_digest()):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(content)
    return digest.hexdigest()


def get(entry_key: str | None) -> dict | None:
    """The stored report (as :meth:`SuiteReport.to_cache` wrote it), or None."""
    if entry_key is None or _folder is None:
        return None
    try:
        return json.loads((_folder / f"{entry_key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def put(entry_key: str | None, report: dict) -> None:
    """Store a report; a cache that cannot be written is no cache, never an error."""
    if entry_key is None or _folder is None:
        return
    from .tables import atomic_write_bytes

    try:
        atomic_write_bytes(_folder / f"{entry_key}.json",
                           json.dumps(report, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8"))
    except OSError:
        pass


_CODE = ("quality.py", "quality_columns.py", "quality_tables.py", "validation_cache.py", "known_rows.py")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The digest of the validation code's source: a change to it is a miss for every remembered result."""
    here = Path(__file__).resolve().parent
    return hashlib.sha256(b"".join((here / name).read_bytes() for name in _CODE)).hexdigest()
