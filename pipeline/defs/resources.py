"""Where the pipeline reads raw files and writes working tables, and how much it may run at once.

:func:`paths_from_environment` is the one place that reads the ``VOSTOK_*`` environment variables."""


import os
from pathlib import Path

import dagster as dg


class VostokPaths(dg.ConfigurableResource):
    """Folders the pipeline works in (relative paths resolve from the working directory), worker processes,
    and the declared reference time (empty: derived from the data, see pipeline/core/reference_time.py)."""

    raw_dir: str = "raw"
    dataset_dir: str = "dataset/current"
    releases_dir: str = "dataset/releases"
    #: the partitioned working dataset and the document cache (local state, never released)
    work_dir: str = "dataset/work"
    workers: int = 1
    as_of: str = ""
    #: the topic profile (a packaged name or a path; empty: northeast_asia) and the relevance threshold (empty:
    #: the profile's own), see pipeline/core/relevance.py
    topic_profile: str = ""
    relevance_threshold: str = ""

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

    @property
    def consolidated(self) -> Path:
        """Consolidation's working files, one folder per run (the corpus tables' outputs are handles on them)."""
        return self.work / "consolidated"

    @property
    def io_dir(self) -> Path:
        return self.work / "io"

    def remember_validation(self) -> None:
        """Suite results of unchanged tables are reused from the work folder (core/validation_cache.py)."""
        from ..core import validation_cache

        validation_cache.enable(self.work / "validation")

    def relevance(self):
        from ..core.relevance import RelevanceConfig

        return RelevanceConfig.from_strings(self.topic_profile, self.relevance_threshold)

    def cache(self):
        from ..core.document_cache import DocumentCache

        return DocumentCache(self.work / "cache.sqlite")


def paths_from_environment(environ=None) -> VostokPaths:
    """The resource as the environment configures it: VOSTOK_RAW_DIR, VOSTOK_DATASET_DIR, VOSTOK_RELEASES_DIR,
    VOSTOK_WORK_DIR, VOSTOK_WORKERS (default: every core up to 2; each worker holds ~0.4 GB of models) and
    VOSTOK_AS_OF (the declared reference date), VOSTOK_TOPIC_PROFILE and VOSTOK_RELEVANCE_THRESHOLD (the
    relevance stage's profile and threshold)."""
    env = os.environ if environ is None else environ
    return VostokPaths(raw_dir=env.get("VOSTOK_RAW_DIR", "raw"),
                       dataset_dir=env.get("VOSTOK_DATASET_DIR", "dataset/current"),
                       releases_dir=env.get("VOSTOK_RELEASES_DIR", "dataset/releases"),
                       work_dir=env.get("VOSTOK_WORK_DIR", "dataset/work"),
                       workers=int(env.get("VOSTOK_WORKERS") or min(2, os.cpu_count() or 1)),
                       as_of=env.get("VOSTOK_AS_OF", ""),
                       topic_profile=env.get("VOSTOK_TOPIC_PROFILE", ""),
                       relevance_threshold=env.get("VOSTOK_RELEVANCE_THRESHOLD", ""))
