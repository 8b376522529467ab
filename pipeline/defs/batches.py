"""Per-batch assets and the raw/ sensor.

A batch is a top-level folder of raw/ (loose files form ``_root``). Every run covers every batch of raw/ as it
is when the run starts, so "Materialize all" needs no partitions, config or tags; the document cache
(pipeline/core/document_cache.py) makes an unchanged batch cost a lookup. Values are ``{batch: value}`` dicts,
stored one file per batch by :class:`BatchIOManager`.
"""

import hashlib
import json
import pickle
from collections import Counter
from pathlib import Path

import dagster as dg
import pandas as pd

from ..core.batch_rows import batches_rows
from ..core.batch_store import write_batch_rows
from ..core.batches import BatchManifest, learn_templates, list_batches, prepare_batch
from ..core.document_cache import cache_key
from ..core.manifests import read_manifest_file, write_manifest_file
from ..core.cleaning.templates import TemplateIndex
from ..core.versions import code_version
from ..core.workers import shutdown_pools
from .materialization import counts_md
from .progress import StepProgress
from .resources import VostokPaths

#: the one file ``raw_batch``'s manifests are stored in (``<io>/raw_batch/manifests.parquet``)
MANIFEST_FILE = "manifests.parquet"


class BatchIOManager(dg.ConfigurableIOManager):
    """``{batch: value}`` outputs stored one pickle per batch, under a bounded name (a hash of the batch), with
    an index of the batches the output holds; inputs come back whole. Batch manifests (``raw_batch``) are stored
    as one table instead, every batch's rows in one Parquet file (:mod:`pipeline.core.manifests`)."""

    base_dir: str = "dataset/work/io"

    def _folder(self, asset_key: dg.AssetKey) -> Path:
        return Path(self.base_dir, *asset_key.path)

    @staticmethod
    def _name(batch: str) -> str:
        return hashlib.sha256(batch.encode("utf-8", "surrogateescape")).hexdigest()[:24] + ".pkl"

    def handle_output(self, context: dg.OutputContext, obj: dict) -> None:
        from ..core.tables import atomic_write_bytes

        folder = self._folder(context.asset_key)
        if obj and all(isinstance(value, BatchManifest) for value in obj.values()):
            write_manifest_file(folder / MANIFEST_FILE, obj)  # atomic, before the index: an index's files are whole
            index = {MANIFEST_FILE: None}
        else:
            for batch, value in obj.items():
                atomic_write_bytes(folder / self._name(batch), pickle.dumps(value, protocol=5))
            index = {self._name(b): b for b in sorted(obj)}
        atomic_write_bytes(folder / "index.json", json.dumps(index, ensure_ascii=True, sort_keys=True).encode())

    def load_input(self, context: dg.InputContext) -> dict:
        folder = self._folder(context.asset_key)
        index = json.loads((folder / "index.json").read_bytes())
        if index == {MANIFEST_FILE: None}:
            return {batch: BatchManifest(batch, inventory, rejects, pages, fingerprint) for batch, (
                fingerprint, inventory, rejects, pages) in read_manifest_file(folder / MANIFEST_FILE).items()}
        try:
            return {batch: pickle.loads((folder / name).read_bytes()) for name, batch in sorted(index.items())}
        except (ModuleNotFoundError, AttributeError, pickle.UnpicklingError) as error:
            # written by an older Vostok whose classes have since moved: say what to do, not a bare traceback
            raise dg.Failure(
                description=f"{'/'.join(context.asset_key.path)} was stored by an older version of the pipeline "
                            f"({type(error).__name__}: {error}); materialize it again (\"Materialize all\" or "
                            f"`make dataset`) before running the assets below it on their own") from error


@dg.asset(group_name="ingest", io_manager_key="batch_io_manager",
          code_version=f"{code_version('ingest')}+{code_version('extract')}", kinds={"python"}, owners=["team:vostok"])
def raw_batch(context: dg.AssetExecutionContext, paths: VostokPaths) -> dict:
    """Every batch of raw/: files decoded, pages converted and segmented (cached by raw sha256), rejects with
    reasons, each page's hashed template keys. A batch whose files kept their names, sizes and times is not read."""
    cache = paths.cache()
    out, docs, rejects = {}, 0, Counter()
    batches = list_batches(paths.raw)
    progress = StepProgress(context, "batches read and converted", unit="batch", units="batches")
    for done, (batch, fingerprint) in enumerate(batches.items(), start=1):
        manifest = prepare_batch(paths.raw, batch, cache, fingerprint).manifest()
        out[batch] = manifest
        docs += len(manifest.inventory)
        rejects.update(r.reason for r in manifest.rejects)
        if len(batches) > 1:
            progress.update("raw/", done, len(batches))
    progress.close()
    context.add_output_metadata({"batches": len(out), "documents": docs, "rejected": sum(rejects.values()),
                                 "unchanged_batches": cache.hits["batch"],
                                 "pages_read": cache.hits["prepare"] + cache.misses["prepare"],
                                 "pages_converted": cache.misses["prepare"],
                                 "rejects_by_reason": counts_md(rejects, ("reason", "files"))})
    return out


@dg.asset(group_name="extract", code_version=code_version("extract"), kinds={"python"}, owners=["team:vostok"])
def template_index(context: dg.AssetExecutionContext, raw_batch: dict) -> TemplateIndex:
    """Corpus-level state of the extract stage: which lines recur across an outlet's pages, learned from every
    batch. A page's extraction depends on it only through its template signature."""
    index = learn_templates(raw_batch.values())
    context.add_output_metadata({"batches": len(raw_batch), "pages": sum(len(m.pages) for m in raw_batch.values()),
                                 "recurring_lines_per_outlet": len(index.per_group),
                                 "recurring_lines_overall": len(index.overall)})
    return index


@dg.asset(group_name="analyze", io_manager_key="batch_io_manager",
          code_version="+".join(code_version(s) for s in ("extract", "metadata", "entities", "events")),
          kinds={"python", "parquet"}, owners=["team:vostok"])
def batch_tables(context: dg.AssetExecutionContext, paths: VostokPaths, raw_batch: dict,
                 template_index: TemplateIndex) -> dict:
    """Per batch: boilerplate removed, metadata parsed, entities tagged and linked, events coded, written to
    the partitioned Parquet dataset dataset/work/batches/<table>/batch=<batch>/. Unchanged documents come from
    the cache; natasha runs in worker processes on the rest."""
    cache = paths.cache()
    out, counts = {}, Counter()
    progress = StepProgress(context, "NER and events on new articles")
    fingerprints = list_batches(paths.raw)
    prepared = (prepare_batch(paths.raw, batch, cache, fingerprints.get(batch, ""))
                for batch in sorted(raw_batch))
    try:
        for rows in batches_rows(prepared, template_index, cache, paths.workers, progress.update):
            write_batch_rows(rows, paths.batch_tables)
            out[rows.batch] = {"template_digest": rows.template_digest, "articles": len(rows.articles)}
            counts.update(articles=len(rows.articles), rejects=len(rows.rejects),
                          mentions=sum(map(len, rows.mentions.values())), events=sum(map(len, rows.events.values())))
    finally:
        progress.close()
        shutdown_pools()  # a step process with live workers would not exit
    context.add_output_metadata({
        **{k: counts[k] for k in ("articles", "rejects", "mentions", "events")},
        "dataset": dg.MetadataValue.path(str(paths.batch_tables)),
        "cache": counts_md(Counter({f"{s} hit": cache.hits[s] for s in ("article", "analysis")}
                                   | {f"{s} miss": cache.misses[s] for s in ("article", "analysis")}),
                           ("lookup", "documents")),
    })
    return out


@dg.asset(group_name="ingest", code_version=code_version("ingest"), kinds={"pandas"}, owners=["team:vostok"])
def raw_inventory(raw_batch: dict) -> pd.DataFrame:
    """Every raw input of every batch (a WARC record counts as one), and whether ingest rejected it."""
    rows = []
    for batch in sorted(raw_batch):
        manifest = raw_batch[batch]
        rows += [{**r, "batch": batch, "ingest_reject": None} for r in manifest.inventory]
        rows += [{"source_path": r.source_path, "raw_sha256": r.raw_sha256, "size": None, "kind": None,
                  "encoding": None, "fetched_at": None, "batch": batch, "ingest_reject": r.reason}
                 for r in manifest.rejects if r.stage == "ingest"]
    columns = ["source_path", "batch", "raw_sha256", "size", "kind", "encoding", "fetched_at", "ingest_reject"]
    return pd.DataFrame(rows, columns=columns).sort_values("source_path", kind="stable").reset_index(drop=True)


@dg.sensor(job_name="build_dataset", minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.STOPPED,
           description="Watches raw/: when a batch folder appears, changes or goes, launches one build run "
                       "(unchanged documents come from the cache).")
def raw_batches_sensor(context: dg.SensorEvaluationContext, paths: VostokPaths):
    batches = list_batches(paths.raw)
    if context.cursor and json.loads(context.cursor) == batches:
        return dg.SkipReason(f"{len(batches)} batches, none new, changed or gone")
    run_key = cache_key("run", sorted(batches.items()))[:24]
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=run_key)] if batches else [],
                           cursor=json.dumps(batches, sort_keys=True))
