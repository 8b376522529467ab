"""``pipeline.load(table, version="latest")``: a release table as a pandas DataFrame with the right dtypes."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_ROOT = Path(__file__).resolve().parents[1] / "dataset" / "releases"


def releases_root(root: str | Path | None = None) -> Path:
    return Path(root or os.environ.get("VOSTOK_RELEASES") or DEFAULT_ROOT)


def load(table: str, version: str = "latest", root: str | Path | None = None):
    """Load one table of a release: list columns as Python lists, timestamps in UTC, dates as ``datetime.date``."""
    import pyarrow.parquet as pq

    from .core.release.publish import latest_release
    from .schema import TABLES

    if table not in TABLES:
        raise KeyError(f"unknown table {table!r}; tables: {', '.join(TABLES)}")
    base = releases_root(root)
    folder = latest_release(base) if version == "latest" else base / f"v{version.lstrip('v')}"
    if folder is None or not folder.is_dir():
        raise FileNotFoundError(f"no release {version!r} under {base}")
    arrow = pq.read_table(folder / f"{table}.parquet")
    frame = arrow.to_pandas(date_as_object=True)
    for field in arrow.schema:
        if str(field.type).startswith("list"):
            frame[field.name] = frame[field.name].map(lambda v: [] if v is None else list(v))
    return frame


def rehydrate(articles, pages):
    """Full bodies back into a published ``articles`` frame, from one's own copy of the pages.

    ``pages``: paths of raw pages (text, HTML, WARC) as one saved them. They are cleaned by the same extract
    stage as a build; a page whose cleaned body has an article's ``body_sha256`` restores that article's
    ``body`` (and ``lead``, ``text_policy`` "full"), so offsets in ``mentions`` and ``events`` index it again.
    Articles with no matching page keep their published text. Returns a new frame."""
    import hashlib

    from .core.build import extract_files

    found = {}
    extracted, _ = extract_files([str(p) for p in pages])
    for row in extracted:
        digest = hashlib.sha256(row["body"].encode("utf-8")).hexdigest()
        found.setdefault(digest, row)
    out = articles.copy()
    for i, digest in zip(out.index, out["body_sha256"]):
        if digest in found:
            out.at[i, "body"] = found[digest]["body"]
            out.at[i, "lead"] = found[digest]["lead"]
            out.at[i, "text_policy"] = "full"
    return out
