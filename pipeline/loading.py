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
