"""Where the pipeline reads raw files and writes working tables, and how much it may run at once."""


import os
from pathlib import Path

import dagster as dg


def default_workers() -> int:
    """Worker processes for NER and events: VOSTOK_WORKERS, else every core up to 2 (each holds ~0.4 GB of models)."""
    return int(os.environ.get("VOSTOK_WORKERS", min(2, os.cpu_count() or 1)))


class VostokPaths(dg.ConfigurableResource):
    """Folders the pipeline works in (relative paths resolve from the working directory)."""

    raw_dir: str = "raw"
    dataset_dir: str = "dataset/current"
    releases_dir: str = "dataset/releases"
    #: the partitioned working dataset and the document cache (local state, never released)
    work_dir: str = "dataset/work"
    workers: int = 1

    @property
    def raw(self) -> Path:
        return Path(self.raw_dir)

    @property
    def dataset(self) -> Path:
        return Path(self.dataset_dir)

    @property
    def releases(self) -> Path:
        return Path(self.releases_dir)

    @property
    def work(self) -> Path:
        return Path(self.work_dir)

    @property
    def batch_tables(self) -> Path:
        return self.work / "batches"

    def cache(self):
        from ..core.incremental import DocumentCache

        return DocumentCache(self.work / "cache.sqlite")
