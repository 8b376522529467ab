"""Assets, one group per stage: ingest → extract → metadata → publish."""


import hashlib
from collections import Counter

import dagster as dg
import pandas as pd

from ..core import extract as extract_core
from ..core import ingest as ingest_core

from ..core.build import articles_from, events_from, tag_articles
from ..core.tables import markdown_preview, to_arrow, write_parquet
from ..core.versions import code_version
from ..schema import ARTICLES, ENTITIES, EVENTS, MENTIONS, REJECTS, TABLES as TABLES_BY_NAME
from .metadata import counts_md, table_metadata
from .resources import VostokPaths

# Code versions live in pipeline/core/versions.py (stage number + hash of the data files the stage reads).
INGEST_VERSION = code_version("ingest")
EXTRACT_VERSION = code_version("extract")
METADATA_VERSION = code_version("metadata")
ENTITIES_VERSION = code_version("entities")
EVENTS_VERSION = code_version("events")
PUBLISH_VERSION = code_version("publish")


@dg.asset(group_name="ingest", code_version=INGEST_VERSION, kinds={"python"},
          owners=["team:vostok"])
def raw_documents(context: dg.AssetExecutionContext, paths: VostokPaths) -> ingest_core.IngestResult:
    """Inventory of raw/: every file decoded into a raw document (path, sha256, size, kind, encoding) or rejected."""
    result = ingest_core.ingest_result(paths.raw)
    inventory = pd.DataFrame([d.inventory_row() for d in result.documents],
                             columns=["source_path", "raw_sha256", "size", "kind", "encoding"])
    context.add_output_metadata({
        "dagster/row_count": len(result.documents),
        "rejected": len(result.rejects),
        "inventory": dg.MetadataValue.md(inventory.head(20).to_markdown(index=False) if len(inventory) else "(empty)"),
        "encodings": counts_md(Counter(d.encoding for d in result.documents), ("encoding", "files")),
    })
    return result


@dg.asset(group_name="extract", code_version=EXTRACT_VERSION, kinds={"python"}, owners=["team:vostok"])
def clean_documents(context: dg.AssetExecutionContext, raw_documents: ingest_core.IngestResult) -> extract_core.ExtractResult:
    """Boilerplate removed: title, lead and body paragraphs per page, plus every removed line with its reason."""
    cleaned, rejects = extract_core.extract_batch(raw_documents.documents)
    removed = sum(len(c.removed) for c in cleaned)
    total = sum(c.line_count for c in cleaned)
    context.add_output_metadata({
        "dagster/row_count": len(cleaned),
        "rejected": len(rejects),
        "boilerplate_line_share": round(removed / total, 4) if total else 0.0,
        "removed_by_rule": counts_md(Counter(r.reason for c in cleaned for r in c.removed), ("rule", "lines")),
    })
    return extract_core.ExtractResult(cleaned, rejects)


@dg.multi_asset(
    group_name="metadata",
    code_version=METADATA_VERSION,
    outs={
        "articles": dg.AssetOut(kinds={"pandas"}, owners=["team:vostok"],
                                description="The articles table: one row per usable article (see pipeline/schema.py)."),
        "rejects": dg.AssetOut(kinds={"pandas"}, owners=["team:vostok"],
                               description="Every raw file that did not become an article, with stage and reason."),
    },
)
def articles_and_rejects(raw_documents: ingest_core.IngestResult, clean_documents: extract_core.ExtractResult):
    """Parse metadata into `articles`; gather every stage's rejects into `rejects`."""
    rows, metadata_rejects = articles_from(clean_documents.cleaned)
    reject_rows = [r.as_row() for r in raw_documents.rejects + clean_documents.rejects + metadata_rejects]
    articles = to_arrow(ARTICLES, rows)
    rejects = to_arrow(REJECTS, reject_rows)
    yield dg.Output(articles.to_pandas(), output_name="articles",
                    metadata=table_metadata(ARTICLES, articles, ["article_id", "outlet", "title", "published_at", "language"]))
    reject_meta = table_metadata(REJECTS, rejects, ["source_path", "stage", "reason", "message"])
    reject_meta["by_reason"] = counts_md(Counter(r["reason"] for r in reject_rows), ("reason", "files"))
    yield dg.Output(rejects.to_pandas(), output_name="rejects", metadata=reject_meta)


@dg.multi_asset(
    group_name="entities",
    code_version=ENTITIES_VERSION,
    outs={
        "mentions": dg.AssetOut(kinds={"pandas"}, owners=["team:vostok"],
                                description="Named-entity mentions in article bodies, each linked to an entity."),
        "entities": dg.AssetOut(kinds={"pandas"}, owners=["team:vostok"],
                                description="Canonical entities (gazetteer or derived), with mention counts."),
    },
)
def mentions_and_entities(context: dg.AssetExecutionContext, articles: pd.DataFrame):
    """NER (natasha) on every article body, normalized and linked to the gazetteer."""
    import time

    rows = articles[["article_id", "body"]].to_dict("records")
    started = time.perf_counter()
    step = max(1, len(rows) // 20)

    def progress(done: int, total: int) -> None:
        if done % step == 0 or done == total:
            rate = done / max(time.perf_counter() - started, 1e-9)
            context.log.info(f"NER and linking: {done}/{total} articles ({rate:.1f} docs/s)")

    mention_rows, entity_rows = tag_articles(rows, progress)
    mentions = to_arrow(MENTIONS, mention_rows)
    entities = to_arrow(ENTITIES, entity_rows)
    m_meta = table_metadata(MENTIONS, mentions, ["article_id", "type", "text", "normal", "entity_id", "link"])
    m_meta["by_link"] = counts_md(Counter(r["link"] for r in mention_rows), ("link", "mentions"))
    m_meta["by_type"] = counts_md(Counter(r["type"] for r in mention_rows), ("type", "mentions"))
    yield dg.Output(mentions.to_pandas(), output_name="mentions", metadata=m_meta)
    e_meta = table_metadata(ENTITIES, entities, ["entity_id", "name", "type", "country", "mention_count"])
    e_meta["linked_vs_unlinked"] = counts_md(Counter("linked" if r["linked"] else "unlinked" for r in entity_rows),
                                             ("entities", "count"))
    yield dg.Output(entities.to_pandas(), output_name="entities", metadata=e_meta)


@dg.asset(group_name="events", code_version=EVENTS_VERSION, kinds={"pandas"}, owners=["team:vostok"])
def events(context: dg.AssetExecutionContext, articles: pd.DataFrame, mentions: pd.DataFrame,
           entities: pd.DataFrame) -> pd.DataFrame:
    """CAMEO-coded events: trigger lexicon, actors from natasha's dependency parse, place, date, money, modality."""
    article_rows = articles[["article_id", "body", "published_at"]].to_dict("records")
    for row in article_rows:
        row["published_at"] = None if pd.isna(row["published_at"]) else row["published_at"].to_pydatetime()
    rows = events_from(article_rows, mentions.to_dict("records"))
    arrow = to_arrow(EVENTS, rows)
    meta = table_metadata(EVENTS, arrow, ["article_id", "cameo_code", "actor1_countries", "actor2_countries", "event_date"])
    meta["by_root"] = counts_md(Counter(r["cameo_root"] for r in rows), ("CAMEO root", "events"))
    meta["by_modality"] = counts_md(Counter(r["modality"] for r in rows), ("modality", "events"))
    context.add_output_metadata(meta)
    return arrow.to_pandas()


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
