"""Consolidation: every batch's rows into the five working tables, with the corpus-level work, then quarantine.

Corpus-level work is what needs every batch: byte-identical raw files across batches (within a batch, ingest
rejects them), two pages stating one canonical URL, near-duplicate articles, the entities table and event
clusters; :func:`consolidate` also fixes a deterministic row order. Before the corpus-level work, each article is
scored against the configured topic profile (:mod:`pipeline.core.relevance`): its ``relevance`` and
``region_countries`` columns, and an ``off_topic`` reject, with its mentions and events left out, when it scores
under the threshold. :func:`consolidate_checked` then quarantines articles with a row that breaks a row-level
expectation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .batch_rows import BatchRows, first_per_article_id
from .errors import Reject
from .relevance import RelevanceConfig

__all__ = ["MAX_QUARANTINE_ROUNDS", "CheckedTables", "consolidate", "consolidate_checked"]

#: quarantine rounds: removing an article can change corpus-level rows (duplicates, entity counts) of others
MAX_QUARANTINE_ROUNDS = 3


def _cross_batch_raw_duplicates(batches: Sequence[BatchRows]) -> dict[str, str]:
    """source_path → the earlier path it is byte-identical to, across batches (within a batch, ingest did it)."""
    first: dict[str, tuple[str, str]] = {}  # sha -> (source_path, batch)
    for b in batches:
        for row in b.articles:
            _keep_first(first, row["raw_sha256"], row["source_path"], b.batch)
        for r in b.rejects:
            if r.raw_sha256 and r.reason != "duplicate_raw":
                _keep_first(first, r.raw_sha256, r.source_path, b.batch)
    dupes = {}
    for b in batches:
        rows = [(row["raw_sha256"], row["source_path"]) for row in b.articles]
        rows += [(r.raw_sha256, r.source_path) for r in b.rejects if r.raw_sha256 and r.reason != "duplicate_raw"]
        for sha, path in rows:
            keeper, keeper_batch = first[sha]
            if keeper_batch != b.batch:
                dupes[path] = keeper
    return dupes


def _keep_first(first: dict, sha: str | None, path: str, batch: str) -> None:
    if sha and (sha not in first or path < first[sha][0]):
        first[sha] = (path, batch)


def score_relevance(articles: list[dict], mentions_of, config: RelevanceConfig | None = None) -> tuple[list[dict], list[Reject]]:
    """Set ``relevance`` and ``region_countries`` on each article row (from its title, lead and the mentions
    ``mentions_of(row)`` returns); split off the ones under the threshold as ``off_topic`` rejects."""
    from .analysis import analyzed_text
    from .relevance import STAGE, score_article

    config = config or RelevanceConfig()
    profile = config.load()
    threshold = config.effective_threshold(profile)
    kept, rejects = [], []
    for row in articles:
        score = score_article(row["title"], row.get("lead"), analyzed_text(row["body"] or ""), mentions_of(row), profile)
        row["relevance"], row["region_countries"] = score.relevance, score.region_countries
        if score.relevance < threshold:
            rejects.append(Reject(row["source_path"], row["raw_sha256"], STAGE, "off_topic",
                                  score.message(threshold, profile)))
        else:
            kept.append(row)
    return kept, rejects


def consolidate(batches: Sequence[BatchRows], quarantined: dict[str, Reject] | None = None,
                relevance: RelevanceConfig | None = None) -> dict:
    """Every working table as Arrow, from all batches: cross-batch raw duplicates become rejects, articles under
    the relevance threshold become ``off_topic`` rejects, then near duplicates, the entities table and event
    clusters are computed over the whole corpus.

    ``quarantined`` maps source paths of articles to leave out to their ``quarantined`` reject: they leave with
    their mentions and events, before the corpus-level work, so nothing points at them; so do off-topic articles.
    ``relevance`` names the topic profile and threshold (default: the packaged Northeast Asia profile)."""
    from ..schema import ARTICLES, ENTITIES, EVENTS, MENTIONS, REJECTS
    from .duplicates import mark_duplicates
    from .entities.linking import Mention, build_entities
    from .events.cluster import assign_clusters
    from .ingest import STAGE as INGEST_STAGE
    from .tables import to_arrow

    batches = sorted(batches, key=lambda b: b.batch)
    dupes = _cross_batch_raw_duplicates(batches)
    articles, rejects, mentions_by_article, events_by_article = [], [], {}, {}
    for b in batches:
        for row in b.articles:
            if row["source_path"] in dupes:
                rejects.append(Reject(row["source_path"], row["raw_sha256"], INGEST_STAGE, "duplicate_raw",
                                      f"byte-identical to {dupes[row['source_path']]}"))
                continue
            articles.append(dict(row, _batch=b))
        for r in b.rejects:
            if r.source_path in dupes:
                r = Reject(r.source_path, r.raw_sha256, INGEST_STAGE, "duplicate_raw", f"byte-identical to {dupes[r.source_path]}")
            rejects.append(r)
    articles, same_url = first_per_article_id(articles)
    rejects += same_url
    if quarantined:
        rejects += [quarantined[row["source_path"]] for row in articles if row["source_path"] in quarantined]
        articles = [row for row in articles if row["source_path"] not in quarantined]
    articles, off_topic = score_relevance(articles, lambda row: row["_batch"].mentions.get(row["article_id"], []),
                                          relevance)
    rejects += off_topic
    for row in articles:
        b = row.pop("_batch")
        mentions_by_article[row["article_id"]] = b.mentions.get(row["article_id"], [])
        events_by_article[row["article_id"]] = b.events.get(row["article_id"], [])
    mark_duplicates(articles)
    mention_rows = [m for aid in sorted(mentions_by_article) for m in mentions_by_article[aid]]
    entity_rows = build_entities([Mention(r["article_id"], int(r["start"]), int(r["end"]), r["type"], r["text"],
                                          r["normal"], r["entity_id"], r["link"], r.get("wikidata_id"),
                                          float(r.get("link_confidence") or 0.0)) for r in mention_rows])
    event_rows = [dict(e) for aid in sorted(events_by_article) for e in events_by_article[aid]]
    assign_clusters(event_rows)
    return {
        "articles": to_arrow(ARTICLES, articles),
        "mentions": to_arrow(MENTIONS, mention_rows),
        "entities": to_arrow(ENTITIES, entity_rows),
        "events": to_arrow(EVENTS, event_rows),
        "rejects": to_arrow(REJECTS, [r.as_row() for r in rejects]),
    }


@dataclass
class CheckedTables:
    """The consolidated working tables after quarantine, the reference time they were checked against, and
    the quarantined articles (``{source_path: reject}``)."""

    tables: dict
    reference: object
    quarantined: dict[str, Reject]


def consolidate_checked(batches: Sequence[BatchRows], declared_as_of=None, reference=None,
                        relevance: RelevanceConfig | None = None) -> CheckedTables:
    """:func:`consolidate`, then quarantine: articles with a row that breaks a row-level expectation become
    ``quarantined`` rejects and the corpus is consolidated again without them, until no row fails (or
    :data:`MAX_QUARANTINE_ROUNDS`; what still fails is left for the blocking table checks).

    ``reference`` (a :class:`~pipeline.core.reference_time.ReferenceTime`) replays a recorded one; else it is
    resolved from ``declared_as_of`` and the data, once, before anything is quarantined. ``relevance``: see
    :func:`consolidate`."""
    from .quality import failing_articles
    from .reference_time import resolve

    tables = consolidate(batches, relevance=relevance)
    if reference is None:
        crawl_times = [row.get("fetched_at") for b in batches for row in b.inventory]
        reference = resolve(declared_as_of, crawl_times, tables["articles"].column("published_at").to_pylist())
    quarantined: dict[str, Reject] = {}
    for _ in range(MAX_QUARANTINE_ROUNDS):
        frames = {name: t.to_pandas() for name, t in tables.items() if name != "rejects"}
        failing = failing_articles(frames, reference)
        if not failing:
            break
        articles = frames["articles"].set_index("article_id")
        for article_id, why in sorted(failing.items()):
            row = articles.loc[article_id]
            quarantined[row["source_path"]] = Reject(row["source_path"], row["raw_sha256"], "validate", "quarantined",
                                                     why[:500])
        tables = consolidate(batches, quarantined, relevance)
    return CheckedTables(tables, reference, quarantined)
