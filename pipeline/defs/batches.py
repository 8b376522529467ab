"""Raw batches as Dagster dynamic partitions: per-batch assets, corpus-level state, and the sensor that feeds them.

The partitioned assets run as single-run backfills (one step takes a whole range of batches) and return
``{batch: value}``; :class:`BatchIOManager` keeps one file per batch. See pipeline/core/incremental.py for the
cache and the template decision.
"""

import json
import os
import pickle
import warnings
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import dagster as dg
import pandas as pd

warnings.filterwarnings("ignore", message=".*backfill_policy.*", category=dg.BetaWarning)

from ..core import incremental
from ..core.versions import code_version
from .metadata import counts_md
from .resources import VostokPaths

RAW_BATCHES = dg.DynamicPartitionsDefinition(name="raw_batches")
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


class BatchIOManager(dg.ConfigurableIOManager):
    """Pickles per batch: ``{batch: value}`` outputs are stored one file per batch, and inputs come back as
    ``{batch: value}`` for whatever batches the downstream step asks for (``None`` for one never built)."""

    base_dir: str = os.environ.get("VOSTOK_IO_DIR", "dataset/work/io")

    def _path(self, asset_key: dg.AssetKey, batch: str) -> Path:
        return Path(self.base_dir, *asset_key.path, quote(batch, safe="") + ".pkl")

    def handle_output(self, context: dg.OutputContext, obj: dict) -> None:
        from ..core.tables import atomic_write_bytes

        for batch, value in obj.items():
            atomic_write_bytes(self._path(context.asset_key, batch), pickle.dumps(value, protocol=5))

    def load_input(self, context: dg.InputContext) -> dict:
        out = {}
        for batch in context.asset_partition_keys:
            path = self._path(context.asset_key, batch)
            out[batch] = pickle.loads(path.read_bytes()) if path.exists() else None
        return out


@dg.asset(group_name="ingest", partitions_def=RAW_BATCHES, backfill_policy=dg.BackfillPolicy.single_run(),
          io_manager_key="batch_io_manager", code_version=f"{code_version('ingest')}+{code_version('extract')}",
          kinds={"python"}, owners=["team:vostok"])
def raw_batch(context: dg.AssetExecutionContext, paths: VostokPaths) -> dict:
    """One batch of raw/ (a top-level folder; loose files form `_root`): files decoded, pages converted and
    segmented (cached by raw sha256), rejects with reasons, each page's hashed template keys."""
    cache = paths.cache()
    out, docs, rejects = {}, 0, Counter()
    fingerprints = incremental.list_batches(paths.raw)
    for batch in context.partition_keys:
        manifest = incremental.prepare_batch(paths.raw, batch, cache, fingerprints.get(batch, "")).manifest()
        out[batch] = manifest
        docs += len(manifest.inventory)
        rejects.update(r.reason for r in manifest.rejects)
    context.add_output_metadata({"batches": len(out), "documents": docs, "rejected": sum(rejects.values()),
                                 "unchanged_batches": cache.hits["batch"], "pages_read": cache.hits["prepare"] + cache.misses["prepare"],
                                 "pages_converted": cache.misses["prepare"],
                                 "rejects_by_reason": counts_md(rejects, ("reason", "files"))})
    return out


@dg.asset(group_name="extract", code_version=code_version("extract"), kinds={"python"}, owners=["team:vostok"],
          ins={"raw_batch": dg.AssetIn(partition_mapping=dg.AllPartitionMapping())})
def template_index(context: dg.AssetExecutionContext, raw_batch: dict) -> incremental.TemplateIndex:
    """Corpus-level state of the extract stage: which lines recur across an outlet's pages, learned from every
    batch. A page's extraction depends on it only through its template signature."""
    missing = sorted(b for b, m in raw_batch.items() if m is None)
    if missing:
        raise dg.Failure(description=f"raw_batch not materialized for {len(missing)} batches: {missing[:10]}")
    index = incremental.learn_templates(raw_batch.values())
    context.add_output_metadata({"batches": len(raw_batch), "pages": sum(len(m.pages) for m in raw_batch.values()),
                                 "recurring_lines_per_outlet": len(index.per_group),
                                 "recurring_lines_overall": len(index.overall)})
    return index


@dg.asset(group_name="entities", partitions_def=RAW_BATCHES, backfill_policy=dg.BackfillPolicy.single_run(),
          io_manager_key="batch_io_manager",
          code_version="+".join(code_version(s) for s in ("metadata", "entities", "events")),
          kinds={"python", "parquet"}, owners=["team:vostok"])
def batch_tables(context: dg.AssetExecutionContext, paths: VostokPaths, raw_batch: dict,
                 template_index: incremental.TemplateIndex) -> dict:
    """Per batch: boilerplate removed, metadata parsed, entities tagged and linked, events coded — written to
    the partitioned Parquet dataset dataset/work/batches/<table>/batch=<batch>/. Unchanged documents come from
    the cache; natasha runs in worker processes on the rest."""
    import time

    cache = paths.cache()
    out, counts = {}, Counter()
    started = time.perf_counter()

    def progress(batch: str, done: int, total: int) -> None:
        rate = done / max(time.perf_counter() - started, 1e-9)
        context.log.info(f"{batch}: NER and events {done}/{total} new articles ({rate:.1f} docs/s since start)")

    fingerprints = incremental.list_batches(paths.raw)
    prepared = (incremental.prepare_batch(paths.raw, batch, cache, fingerprints.get(batch, ""))
                for batch in context.partition_keys)
    try:
        for rows in incremental.batches_rows(prepared, template_index, cache, paths.workers, progress):
            incremental.write_batch_rows(rows, paths.batch_tables)
            out[rows.batch] = {"template_digest": rows.template_digest, "articles": len(rows.articles)}
            counts.update(articles=len(rows.articles), rejects=len(rows.rejects),
                          mentions=sum(map(len, rows.mentions.values())), events=sum(map(len, rows.events.values())))
    finally:
        incremental.shutdown_pools()  # a step process with live workers would not exit
    context.add_output_metadata({
        **{k: counts[k] for k in ("articles", "rejects", "mentions", "events")},
        "dataset": dg.MetadataValue.path(str(paths.batch_tables)),
        "cache": counts_md(Counter({f"{s} hit": cache.hits[s] for s in ("article", "analysis")}
                                   | {f"{s} miss": cache.misses[s] for s in ("article", "analysis")}),
                           ("lookup", "documents")),
    })
    return out


@dg.asset(group_name="ingest", code_version=code_version("ingest"), kinds={"pandas"}, owners=["team:vostok"],
          ins={"raw_batch": dg.AssetIn(partition_mapping=dg.AllPartitionMapping())})
def raw_inventory(raw_batch: dict) -> pd.DataFrame:
    """Every raw input of every batch (a WARC record counts as one), and whether ingest rejected it."""
    rows = []
    for batch in sorted(raw_batch):
        manifest = raw_batch[batch]
        if manifest is None:
            raise dg.Failure(description=f"raw_batch not materialized for {batch}")
        rows += [{**r, "batch": batch, "ingest_reject": None} for r in manifest.inventory]
        rows += [{"source_path": r.source_path, "raw_sha256": r.raw_sha256, "size": None, "kind": None,
                  "encoding": None, "batch": batch, "ingest_reject": r.reason}
                 for r in manifest.rejects if r.stage == "ingest"]
    columns = ["source_path", "batch", "raw_sha256", "size", "kind", "encoding", "ingest_reject"]
    return pd.DataFrame(rows, columns=columns).sort_values("source_path", kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- keeping partitions in step with raw/
def sync_partitions(instance: dg.DagsterInstance, raw_dir: Path) -> dict:
    """Add a dynamic partition for every new batch folder, drop those whose folder is gone.

    Returns ``{"batches": {batch: fingerprint}, "added": [...], "removed": [...]}``."""
    batches = incremental.list_batches(Path(raw_dir))
    known = instance.get_dynamic_partitions(RAW_BATCHES.name)
    added = [b for b in batches if b not in known]
    removed = [b for b in known if b not in batches]
    for b in removed:
        instance.delete_dynamic_partition(RAW_BATCHES.name, b)
    if added:
        instance.add_dynamic_partitions(RAW_BATCHES.name, added)
    return {"batches": batches, "added": added, "removed": removed}


def range_tags(instance: dg.DagsterInstance, batches: list[str] | None = None) -> dict:
    """Run tags for a single run over ``batches`` (contiguous in partition order), or over every batch."""
    keys = instance.get_dynamic_partitions(RAW_BATCHES.name)
    if batches:
        positions = sorted(keys.index(b) for b in batches)
        if positions[-1] - positions[0] + 1 == len(positions):
            return {RANGE_START: keys[positions[0]], RANGE_END: keys[positions[-1]]}
    return {RANGE_START: keys[0], RANGE_END: keys[-1]} if keys else {}


@dg.sensor(job_name="build_dataset", minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.STOPPED,
           description="Watches raw/: a new batch folder becomes a partition, and a new or changed batch triggers "
                       "one build run over those batches (unchanged documents come from the cache).")
def raw_batches_sensor(context: dg.SensorEvaluationContext, paths: VostokPaths):
    state = sync_partitions(context.instance, paths.raw)
    seen = json.loads(context.cursor) if context.cursor else {}
    changed = [b for b, fp in state["batches"].items() if seen.get(b) != fp]
    if not changed and not state["removed"]:
        return dg.SkipReason(f"{len(state['batches'])} batches, none new or changed")
    tags = range_tags(context.instance, changed or None)
    run_key = incremental.cache_key("run", sorted(state["batches"].items()))[:24]
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, tags=tags)] if tags else [],
        cursor=json.dumps(state["batches"], sort_keys=True),
    )
