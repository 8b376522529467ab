"""Corpus-level assets: the five tables consolidated from every batch, the working tables, the release.

Per-batch assets live in batches.py."""


import hashlib
from collections import Counter

import dagster as dg
import pandas as pd

from ..core.tables import markdown_preview, write_parquet
from ..core.versions import code_version
from ..schema import ARTICLES, ENTITIES, EVENTS, MENTIONS, REJECTS, TABLES as TABLES_BY_NAME
from .metadata import counts_md, table_metadata
from .resources import VostokPaths

# Code versions live in pipeline/core/versions.py (stage number + hash of the data files the stage reads).
CONSOLIDATE_VERSION = "+".join(code_version(s) for s in ("metadata", "entities", "events"))
PUBLISH_VERSION = code_version("publish")


@dg.multi_asset(
    group_name="consolidate",
    code_version=CONSOLIDATE_VERSION,
    ins={"raw_batch": dg.AssetIn(partition_mapping=dg.AllPartitionMapping()),
         "batch_tables": dg.AssetIn(partition_mapping=dg.AllPartitionMapping()),
         "template_index": dg.AssetIn()},
    outs={
        "articles": dg.AssetOut(kinds={"pandas"}, owners=["team:vostok"],
                                description="The articles table: one row per usable article (see pipeline/schema.py)."),
        "rejects": dg.AssetOut(kinds={"pandas"}, owners=["team:vostok"],
                               description="Every raw file that did not become an article, with stage and reason."),
        "mentions": dg.AssetOut(kinds={"pandas"}, owners=["team:vostok"],
                                description="Named-entity mentions in article bodies, each linked to an entity."),
        "entities": dg.AssetOut(kinds={"pandas"}, owners=["team:vostok"],
                                description="Canonical entities (gazetteer or derived), with mention counts."),
        "events": dg.AssetOut(kinds={"pandas"}, owners=["team:vostok"],
                              description="CAMEO-coded events with actors, place, date, money, modality, clusters."),
    },
)
def corpus_tables(context: dg.AssetExecutionContext, paths: VostokPaths, raw_batch: dict, batch_tables: dict,
                  template_index):
    """Every batch's rows consolidated into the five tables: byte-identical raw files across batches, near
    duplicates, the entities table and event clusters are corpus-level; rows sorted by each table's key.

    A batch whose tables were built with an older template index (a later batch turned one of its lines into a
    template) is refreshed here through the cache, so the result always equals a full build."""
    from ..core import incremental

    cache = paths.cache()
    fingerprints = incremental.list_batches(paths.raw)
    batches, stale = [], []
    for batch in sorted(raw_batch):
        manifest, summary = raw_batch[batch], batch_tables.get(batch)
        if manifest is None:
            raise dg.Failure(description=f"raw_batch not materialized for {batch}")
        current = summary is not None and summary["template_digest"] == incremental.template_digest(manifest, template_index)
        if current:
            try:
                batches.append(incremental.read_batch_rows(paths.batch_tables, batch))
                continue
            except FileNotFoundError:
                pass
        stale.append(batch)
        prepared = incremental.prepare_batch(paths.raw, batch, cache, fingerprints.get(batch, ""))
        batches.append(incremental.batch_rows(prepared, template_index, cache, paths.workers))
    incremental.shutdown_pools()
    if stale:
        context.log.info(f"refreshed {len(stale)} batches built with an older template index: {stale[:20]}")
    tables = incremental.consolidate(batches)
    preview = {"articles": ["article_id", "outlet", "title", "published_at", "language"],
               "rejects": ["source_path", "stage", "reason", "message"],
               "mentions": ["article_id", "type", "text", "normal", "entity_id", "link"],
               "entities": ["entity_id", "name", "type", "country", "mention_count"],
               "events": ["article_id", "cameo_code", "actor1_countries", "actor2_countries", "event_date"]}
    extra = {
        "articles": {"batches": len(batches), "refreshed_batches": len(stale),
                     "by_outlet": counts_md(Counter(o or "(unknown)" for o in tables["articles"].column("outlet").to_pylist()), ("outlet", "articles"))},
        "rejects": {"by_reason": counts_md(Counter(tables["rejects"].column("reason").to_pylist()), ("reason", "files"))},
        "mentions": {"by_link": counts_md(Counter(tables["mentions"].column("link").to_pylist()), ("link", "mentions")),
                     "by_type": counts_md(Counter(tables["mentions"].column("type").to_pylist()), ("type", "mentions"))},
        "entities": {"linked_vs_unlinked": counts_md(Counter("linked" if x else "unlinked" for x in
                                                             tables["entities"].column("linked").to_pylist()),
                                                     ("entities", "count"))},
        "events": {"by_root": counts_md(Counter(tables["events"].column("cameo_root").to_pylist()), ("CAMEO root", "events")),
                   "by_modality": counts_md(Counter(tables["events"].column("modality").to_pylist()), ("modality", "events"))},
    }
    for name in ("articles", "rejects", "mentions", "entities", "events"):
        arrow = tables[name]
        yield dg.Output(arrow.to_pandas(), output_name=name,
                        metadata={**table_metadata(TABLES_BY_NAME[name], arrow, preview[name]), **extra[name]})


def _sha256_file(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dg.asset(group_name="publish", code_version=PUBLISH_VERSION, kinds={"parquet"}, owners=["team:vostok"],
          deps=[])
def working_tables(context: dg.AssetExecutionContext, paths: VostokPaths, articles: pd.DataFrame,
                   mentions: pd.DataFrame, entities: pd.DataFrame, events: pd.DataFrame,
                   rejects: pd.DataFrame) -> dg.MaterializeResult:
    """Validated tables written to dataset/current/ as deterministic Parquet. Runs only after the GX checks pass."""
    from ..core.locking import exclusive_lock
    from ..core.tables import from_pandas, write_checksums

    written = {}
    with exclusive_lock(paths.dataset):  # two builds at once never interleave their files
        for table, frame in ((ARTICLES, articles), (MENTIONS, mentions), (ENTITIES, entities), (EVENTS, events),
                             (REJECTS, rejects)):
            arrow = from_pandas(table, frame)
            path = write_parquet(arrow, paths.dataset / f"{table.name}.parquet")
            written[table.name] = (path, arrow)
        write_checksums(paths.dataset, [f"{name}.parquet" for name in written])
    return dg.MaterializeResult(metadata={
        **{f"{name}_path": dg.MetadataValue.path(str(p)) for name, (p, _) in written.items()},
        **{f"{name}_sha256": _sha256_file(p) for name, (p, _) in written.items()},
        **{f"{name}_rows": a.num_rows for name, (_, a) in written.items()},
        "preview": dg.MetadataValue.md(markdown_preview(written["articles"][1], ["article_id", "title", "word_count"])),
    })





class ReleaseConfig(dg.Config):
    """Which version to publish (semantic version X.Y.Z; the bump must follow from the changes)."""

    version: str


@dg.asset(group_name="release", code_version=code_version("release"), kinds={"parquet"}, owners=["team:vostok"],
          deps=[working_tables])
def dataset_release(context: dg.AssetExecutionContext, config: ReleaseConfig, paths: VostokPaths,
                    articles: pd.DataFrame, mentions: pd.DataFrame, entities: pd.DataFrame, events: pd.DataFrame,
                    rejects: pd.DataFrame) -> dg.MaterializeResult:
    """An immutable release dataset/releases/vX.Y.Z/: Parquet tables, datapackage.json, croissant.json, dataset card,
    CHANGELOG, provenance, validation results and SHA256SUMS. Runs only when every blocking check passed."""
    from pathlib import Path

    from ..core.quality import validate_all
    from ..core.release.publish import ReleaseError, publish
    from ..core.release.semver import VersionError
    from ..core.tables import from_pandas

    frames = {"articles": articles, "mentions": mentions, "entities": entities, "events": events, "rejects": rejects}
    tables = {name: from_pandas(TABLES_BY_NAME[name], frame) for name, frame in frames.items()}
    reports = validate_all(frames)
    try:
        result = publish(tables, {n: r.to_json() for n, r in reports.items()}, config.version, paths.releases,
                         paths.raw, Path.cwd())
    except (ReleaseError, VersionError) as exc:
        raise dg.Failure(description=f"release v{config.version} refused: {exc}") from exc
    context.log.info(f"v{config.version}: {result.status} ({result.level})")
    return dg.MaterializeResult(metadata={
        "version": config.version,
        "status": result.status,
        "bump": result.level,
        "reasons": dg.MetadataValue.md("\n".join(f"- {r}" for r in result.reasons) or "first release"),
        "path": dg.MetadataValue.path(str(result.path)),
        "card": dg.MetadataValue.md((result.path / "README.md").read_text(encoding="utf-8").split("---", 2)[-1][:4000]),
    })
