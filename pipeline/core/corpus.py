"""The corpus: every batch of raw/ built through the document cache, then consolidated and quarantined.

A build is partitioned into batches (:mod:`pipeline.core.batches`) and incremental: each stage's per-document
work is cached (:mod:`pipeline.core.document_cache`), so a rebuild re-processes exactly what changed.

**Corpus-level state** is computed over every batch, and is cheap next to the per-document work:

* the cross-page *template index* (which lines recur across an outlet's pages) is learned from the hashed line
  keys of all batches, old and new. A page's extraction depends on it only through its *template signature*
  (which of its own lines are templates). So a new batch is cleaned with everything learned so far, and an
  earlier page is re-extracted exactly when the new pages turn one of its own lines into a template (or stop
  doing so). A partitioned build therefore equals a full build, whatever the batches;
* byte-identical raw files across batches, near-duplicate articles, the entities table and event clusters are
  computed by :func:`~pipeline.core.consolidate.consolidate`, which also fixes a deterministic row order. It reads
  the batches back from Parquet files (one batch's rows in memory at a time): :func:`build_corpus` writes each
  batch there as soon as it is built, the Dagster batch asset writes them to dataset/work/batches/.

:func:`build_corpus` is the whole build without Dagster (the CLI's, verify's and the benchmarks' path); the
Dagster assets run the same steps one asset each, and :func:`current_batch_rows` brings their per-batch
tables up to date with the template index before consolidation.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .batch_rows import batch_rows, batches_rows
from .batch_store import BatchStore, batch_file, write_batch_rows
from .batches import BatchManifest, learn_templates, list_batches, prepare_batch, template_digest
from .cleaning.templates import TemplateIndex
from .consolidate import consolidate_checked
from .document_cache import DocumentCache, PageSpill
from .relevance import RelevanceConfig
from .workers import shutdown_pools

__all__ = ["CorpusBuild", "build_corpus", "current_batch_rows"]


def current_batch_rows(raw_dir: Path, manifests: dict[str, BatchManifest], summaries: dict[str, dict | None],
                       templates: TemplateIndex, cache: DocumentCache, batch_tables_root: Path, overlay: Path,
                       workers: int = 1) -> tuple[BatchStore, list[str]]:
    """Every batch's rows for consolidation, as a :class:`~.batch_store.BatchStore`: the partitioned working
    dataset's files where the batch was built under the current template index, else the batch rebuilt through
    the cache (a later batch turned one of its lines into a template) and written under ``overlay``. Returns
    the store and the batches that were rebuilt ("stale")."""
    fingerprints = list_batches(raw_dir)
    roots, stale = {}, []
    try:
        for batch in sorted(manifests):
            manifest, summary = manifests[batch], summaries.get(batch)
            if summary is not None and summary["template_digest"] == template_digest(manifest, templates) and \
                    batch_file(batch_tables_root, "articles", batch).exists():
                roots[batch] = Path(batch_tables_root)
                continue
            stale.append(batch)
            prepared = prepare_batch(raw_dir, batch, cache, fingerprints.get(batch, ""))
            write_batch_rows(batch_rows(prepared, templates, cache, workers), overlay)
            roots[batch] = Path(overlay)
    finally:
        shutdown_pools()
    return BatchStore(roots), stale


@dataclass
class CorpusBuild:
    tables: object  # consolidation's TableFiles (core/tables.py): the five tables as files, read on demand
    batches: list[str]
    templates: TemplateIndex
    cache: DocumentCache
    reference: object = None
    quarantined: dict = field(default_factory=dict)


def build_corpus(raw_dir: Path, cache: DocumentCache | None = None, workers: int = 1,
                 progress: Callable[[str, int, int], None] | None = None, declared_as_of=None,
                 reference=None, relevance: RelevanceConfig | None = None, tables_dir: Path | None = None) -> CorpusBuild:
    """The whole build without Dagster, batch by batch through the cache (the CLI's, verify's and bench's path),
    consolidated and quarantined by :func:`~pipeline.core.consolidate.consolidate_checked`; ``relevance``: the
    topic profile and threshold (default: the packaged Northeast Asia profile and its threshold).

    The tables come back as files (:class:`~pipeline.core.tables.TableFiles`) in ``tables_dir``, or in a
    temporary folder that lives as long as the result's ``tables``."""
    cache = cache or DocumentCache(None)
    raw_dir = Path(raw_dir)
    fingerprints = list_batches(raw_dir)
    with tempfile.TemporaryDirectory(prefix="vostok-batches-") as tmp:
        # without a document cache, pages wait for their batch's turn in a temporary one, not in memory
        pages = cache if cache.path is not None else PageSpill(Path(tmp) / "pages.sqlite")
        manifests = []
        for batch, fp in fingerprints.items():
            prepared = prepare_batch(raw_dir, batch, pages, fp)
            manifests.append(prepared.manifest())
            for page in prepared.pages:
                page.content = None  # streamed: reloaded from the cache when the batch's turn comes
            del prepared
        templates = learn_templates(manifests)
        del manifests
        again = (prepare_batch(raw_dir, batch, pages, fp) for batch, fp in fingerprints.items())
        names = []
        for rows in batches_rows(again, templates, pages, workers, progress):
            write_batch_rows(rows, Path(tmp))  # each batch leaves memory once it is on disk
            names.append(rows.batch)
        shutdown_pools()  # the workers' models are not needed for consolidation: free their memory first
        checked = consolidate_checked(BatchStore.at(Path(tmp), names), declared_as_of, reference, relevance,
                                      folder=tables_dir)
    return CorpusBuild(checked.tables, names, templates, cache, checked.reference, checked.quarantined)
