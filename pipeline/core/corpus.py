"""The whole build without Dagster (CLI, verify, benchmarks), and the batches' current rows for consolidation (read back, or rebuilt when the template index moved).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .analysis import shutdown_pools
from .batch_rows import BatchRows, batch_rows, batches_rows
from .batch_store import read_batch_rows
from .batches import BatchManifest, PreparedBatch, learn_templates, list_batches, prepare_batch, template_digest
from .consolidate import consolidate_checked
from .document_cache import DocumentCache
from .extract import TemplateIndex


def current_batch_rows(raw_dir: Path, manifests: dict[str, BatchManifest], summaries: dict[str, dict | None],
                       templates: TemplateIndex, cache: DocumentCache, batch_tables_root: Path,
                       workers: int = 1) -> tuple[list[BatchRows], list[str]]:
    """Every batch's rows for consolidation: read back from the partitioned working dataset when the batch was
    built under the current template index, else rebuilt through the cache (a later batch turned one of its
    lines into a template). Returns the rows in batch order and the batches that were rebuilt ("stale")."""
    fingerprints = list_batches(raw_dir)
    rows, stale = [], []
    try:
        for batch in sorted(manifests):
            manifest, summary = manifests[batch], summaries.get(batch)
            if summary is not None and summary["template_digest"] == template_digest(manifest, templates):
                try:
                    rows.append(read_batch_rows(batch_tables_root, batch))
                    continue
                except FileNotFoundError:
                    pass
            stale.append(batch)
            prepared = prepare_batch(raw_dir, batch, cache, fingerprints.get(batch, ""))
            rows.append(batch_rows(prepared, templates, cache, workers))
    finally:
        shutdown_pools()
    return rows, stale


@dataclass
class CorpusBuild:
    tables: dict
    batches: list[BatchRows]
    templates: TemplateIndex
    cache: DocumentCache
    reference: object = None
    quarantined: dict = field(default_factory=dict)


def build_corpus(raw_dir: Path, cache: DocumentCache | None = None, workers: int = 1,
                 progress: Callable[[str, int, int], None] | None = None, declared_as_of=None,
                 reference=None) -> CorpusBuild:
    """The whole build without Dagster, batch by batch through the cache (the CLI's, verify's and bench's path),
    consolidated and quarantined by :func:`consolidate_checked`."""
    cache = cache or DocumentCache(None)
    raw_dir = Path(raw_dir)
    fingerprints = list_batches(raw_dir)
    kept: dict[str, PreparedBatch] = {}
    manifests = []
    for batch, fp in fingerprints.items():
        prepared = prepare_batch(raw_dir, batch, cache, fp)
        manifests.append(prepared.manifest())
        if cache.path is None:
            kept[batch] = prepared  # nowhere to reload page content from
        else:
            for page in prepared.pages:
                page.content = None  # streamed: reloaded from the cache when the batch's turn comes
    templates = learn_templates(manifests)
    del manifests
    again = (kept.pop(batch, None) or prepare_batch(raw_dir, batch, cache, fp) for batch, fp in fingerprints.items())
    rows = list(batches_rows(again, templates, cache, workers, progress))
    shutdown_pools()  # the workers' models are not needed for consolidation: free their memory first
    checked = consolidate_checked(rows, declared_as_of, reference)
    return CorpusBuild(checked.tables, rows, templates, cache, checked.reference, checked.quarantined)
