"""Corpus-level assets: the five tables consolidated (and quarantined) from every batch, the working tables,
the release. Per-batch assets live in batches.py; all logic lives in pipeline/core."""


import hashlib
from collections import Counter

import dagster as dg

from ..core.events.extract import limits as event_limits
from ..core.tables import TableFile, markdown_preview
from ..core.versions import code_version
from ..schema import ARTICLES, ENTITIES, EVENTS, MENTIONS, REJECTS, TABLES as TABLES_BY_NAME
from .materialization import counts_md, table_metadata
from .resources import VostokPaths

CONSOLIDATE_VERSION = code_version("consolidate")
PUBLISH_VERSION = code_version("publish")
TABLE_DESCRIPTIONS = {
    "articles": "The articles table: one row per usable article (see pipeline/schema.py).",
    "rejects": "Every raw file that did not become an article, with stage and reason (quarantined rows included).",
    "mentions": "Named-entity mentions in article bodies, each linked to an entity.",
    "entities": "Canonical entities (gazetteer or derived), with mention counts.",
    "events": "CAMEO-coded events with actors, place, date, money, modality, clusters.",
}
PREVIEW_COLUMNS = {"articles": ["article_id", "outlet", "title", "published_at", "language"],
                   "rejects": ["source_path", "stage", "reason", "message"],
                   "mentions": ["article_id", "type", "text", "normal", "entity_id", "link"],
                   "entities": ["entity_id", "name", "type", "country", "mention_count"],
                   "events": ["article_id", "cameo_code", "actor1_countries", "actor2_countries", "event_date"]}


@dg.multi_asset(
    group_name="consolidate",
    code_version=CONSOLIDATE_VERSION,
    outs={
        **{name: dg.AssetOut(kinds={"parquet"}, owners=["team:vostok"], description=description)
           for name, description in TABLE_DESCRIPTIONS.items()},
        "reference_time": dg.AssetOut(kinds={"python"}, owners=["team:vostok"],
                                      description="The time every time-relative check is measured against "
                                                  "(declared as_of, else derived from the data; never the clock)."),
    },
)
def corpus_tables(context: dg.AssetExecutionContext, paths: VostokPaths, raw_batch: dict, batch_tables: dict,
                  template_index):
    """Every batch's rows consolidated into the five tables (byte-identical raw files across batches, relevance to
    the configured topic profile with its off_topic rejects, near duplicates, the entities table and event
    clusters are corpus-level; rows sorted by each table's key), then
    quarantined: articles with a row that breaks a row-level expectation move to rejects with their mentions
    and events. Batches built under an older template index are refreshed first, so the result always equals a
    full build.

    Each table is a Parquet file under the work folder (one folder per run, the older runs' removed); the
    outputs are handles on them (:class:`~pipeline.core.tables.TableFile`), never the tables themselves."""
    import tempfile
    from pathlib import Path

    from ..core.consolidate import consolidate_checked
    from ..core.corpus import current_batch_rows
    from ..core.tables import prune_siblings

    paths.remember_validation()
    folder = paths.consolidated / context.run_id
    with tempfile.TemporaryDirectory(prefix="vostok-refreshed-") as overlay:
        batches, stale = current_batch_rows(paths.raw, raw_batch, batch_tables, template_index, paths.cache(),
                                            paths.batch_tables, Path(overlay), paths.workers)
        if stale:
            context.log.info(f"refreshed {len(stale)} batches built with an older template index: {stale[:20]}")
        checked = consolidate_checked(batches, paths.as_of or None, relevance=paths.relevance(), folder=folder)
    prune_siblings(folder)
    files = checked.tables
    quarantined = Counter(r.message.split(";")[0] for r in checked.quarantined.values())
    if quarantined:
        context.log.warning(f"quarantined {len(checked.quarantined)} articles: "
                            + "; ".join(f"{n} × {why}" for why, n in quarantined.most_common(10)))
    context.log.info(f"reference time {checked.reference.as_of} ({checked.reference.source})")
    outlets, reasons = Counter(), files.counts("rejects", "reason")
    for outlet, n in files.counts("articles", "outlet").items():
        outlets[outlet or "(unknown)"] += n
    linked = files.counts("entities", "linked")
    extra = {
        "articles": {"batches": len(batches.batches), "refreshed_batches": len(stale),
                     "by_outlet": counts_md(outlets, ("outlet", "articles"))},
        "rejects": {"by_reason": counts_md(reasons, ("reason", "files")),
                    "off_topic": reasons.get("off_topic", 0),
                    "quarantined": len(checked.quarantined),
                    "quarantined_by_expectation": counts_md(quarantined, ("expectation", "articles"))},
        "mentions": {"by_link": counts_md(files.counts("mentions", "link"), ("link", "mentions")),
                     "by_type": counts_md(files.counts("mentions", "type"), ("type", "mentions"))},
        "entities": {"linked_vs_unlinked": counts_md(Counter({k: n for k, n in (
            ("linked", linked.get(True, 0)), ("unlinked", sum(n for v, n in linked.items() if not v))) if n}),
            ("entities", "count"))},
        "events": {"by_root": counts_md(files.counts("events", "cameo_root"), ("CAMEO root", "events")),
                   "by_modality": counts_md(files.counts("events", "modality"), ("modality", "events")),
                   "cluster_representatives": files.counts("events", "cluster_representative").get(True, 0),
                   **{f"limit_{k}": v for k, v in event_limits().items()}},
    }
    for name, handle in files.handles().items():
        yield dg.Output(handle, output_name=name, metadata={
            **table_metadata(TABLES_BY_NAME[name], files.head(name), PREVIEW_COLUMNS[name], handle.rows),
            "path": dg.MetadataValue.path(handle.path), **extra[name]})
    yield dg.Output(checked.reference.to_json(), output_name="reference_time", metadata=checked.reference.to_json())


def _sha256_file(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_files(**handles: TableFile):
    """The corpus tables' handles as :class:`~pipeline.core.tables.TableFiles` (a clear failure when a later
    consolidation has replaced their files)."""
    from ..core.tables import TableFiles

    try:
        return TableFiles.from_handles(handles)
    except FileNotFoundError as exc:
        raise dg.Failure(description=str(exc)) from exc


@dg.asset(group_name="publish", code_version=PUBLISH_VERSION, kinds={"parquet"}, owners=["team:vostok"])
def working_tables(context: dg.AssetExecutionContext, paths: VostokPaths, articles: TableFile,
                   mentions: TableFile, entities: TableFile, events: TableFile,
                   rejects: TableFile, reference_time: dict) -> dg.MaterializeResult:
    """Validated tables written to dataset/current/ as deterministic Parquet, with the reference time they were
    checked against (streamed from consolidation's files). Runs only after the GX checks pass."""
    from ..core.tables import write_working_tables

    paths.remember_validation()
    files = table_files(articles=articles, mentions=mentions, entities=entities, events=events, rejects=rejects)
    written = write_working_tables(files, reference_time, paths.dataset)
    return dg.MaterializeResult(metadata={
        **{f"{name}_path": dg.MetadataValue.path(str(p)) for name, p in written.items()},
        **{f"{name}_sha256": _sha256_file(p) for name, p in written.items()},
        **{f"{name}_rows": files.num_rows(name) for name in files},
        "preview": dg.MetadataValue.md(markdown_preview(files.head("articles"), ["article_id", "title", "word_count"])),
    })


class ReleaseConfig(dg.Config):
    """Which version to publish. Empty: the smallest bump the changes since the latest release need (nothing
    is published when the tables equal it). Given: it must follow from the changes (semantic versioning)."""

    version: str = ""


@dg.asset(group_name="release", code_version=code_version("release"), kinds={"parquet"}, owners=["team:vostok"],
          deps=[working_tables])
def dataset_release(context: dg.AssetExecutionContext, config: ReleaseConfig, paths: VostokPaths,
                    articles: TableFile, mentions: TableFile, entities: TableFile, events: TableFile,
                    rejects: TableFile, reference_time: dict) -> dg.MaterializeResult:
    """An immutable release dataset/releases/vX.Y.Z/: Parquet tables, datapackage.json, croissant.json, dataset card,
    CHANGELOG, provenance, validation results and SHA256SUMS. Runs only when every blocking check passed."""
    from pathlib import Path

    from ..core.reference_time import ReferenceTime
    from ..core.release.publish import ReleaseError, validate_and_publish
    from ..core.release.semver import VersionError

    files = table_files(articles=articles, mentions=mentions, entities=entities, events=events, rejects=rejects)
    tables = dict(files.items())  # publishing holds the tables (the release's text policy, diff, card, figures)
    try:
        result = validate_and_publish(tables, ReferenceTime.from_json(reference_time), config.version or None,
                                      paths.releases, paths.raw, Path.cwd())
    except (ReleaseError, VersionError) as exc:
        raise dg.Failure(description=f"release {config.version or '(next version)'} refused: {exc}") from exc
    name = result.path.name if result.path else "(none)"
    context.log.info(f"{name}: {result.status} ({result.level}); " + "; ".join(result.reasons[:5]))
    metadata = {"version": name, "status": result.status, "bump": result.level,
                "reasons": dg.MetadataValue.md("\n".join(f"- {r}" for r in result.reasons) or "first release")}
    if result.path is not None:
        metadata["path"] = dg.MetadataValue.path(str(result.path))
        metadata["card"] = dg.MetadataValue.md(
            (result.path / "README.md").read_text(encoding="utf-8").split("---", 2)[-1][:4000])
    return dg.MaterializeResult(metadata=metadata)
