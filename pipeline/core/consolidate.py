"""Consolidation: every batch's rows into the five working tables, with the corpus-level work, then quarantine.

Corpus-level work is what needs every batch: byte-identical raw files across batches (within a batch, ingest
rejects them), two pages stating one canonical URL, near-duplicate articles, the entities table and event
clusters; :func:`consolidate` also fixes a deterministic row order. Before the corpus-level work, each article is
scored against the configured topic profile (:mod:`pipeline.core.relevance`): its ``relevance`` and
``region_countries`` columns, and an ``off_topic`` reject, with its mentions and events left out, when it scores
under the threshold. :func:`consolidate_checked` then quarantines articles with a row that breaks a row-level
expectation.

**Out of core.** The batches are read from the partitioned working dataset (:class:`~.batch_store.BatchStore`),
never held together as Python rows: :func:`scan_batches` reads one batch at a time and keeps a small record per
article (its near-duplicate digest, not its MinHash values); the corpus-level work runs on those records
(near-duplicate detection reads the bodies and MinHash values it needs from the files), on the mentions' columns
an entity range at a time and on the events' clustering columns. Each table is then gathered a batch at a time,
spilled to ranges of article ids and written to a working Parquet file range by range, each range sorted exactly
as :func:`pipeline.core.tables.to_arrow` sorts rows (a stable sort on each key column's text;
:mod:`.consolidate_tables`, :mod:`.external_sort`), so the output is byte-identical to consolidating Python rows
and no table is ever whole in memory. :func:`consolidate_checked` returns the files
(:class:`~.tables.TableFiles`): the quarantine checks, validation and writing read them (docs/measurements.md,
"Issue 20, flat memory round" and "External sort in consolidation").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Sequence

import pyarrow as pa

from .batch_rows import first_per_article_id
from .consolidate_tables import (_by_article, _corpus_columns, _entities, _entity_chunks,  # noqa: F401
                                 _events_sorted, _gather, _mentions_file)
from .external_sort import _release, sort_table
from .batch_store import BatchStore
from .errors import Reject
from .relevance import RelevanceConfig

__all__ = ["MAX_QUARANTINE_ROUNDS", "CheckedTables", "Scan", "consolidate", "consolidate_checked", "scan_batches",
           "sort_table"]

#: quarantine rounds: removing an article can change corpus-level rows (duplicates, entity counts) of others
MAX_QUARANTINE_ROUNDS = 3


def _cross_batch_raw_duplicates(batches: Sequence) -> dict[str, str]:
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


@dataclass
class Scan:
    """What consolidation keeps of every batch between its passes over the files: one small record per article
    (ids, paths, hashes, publication time, relevance, near-duplicate digest), the rejects and crawl times.
    Bodies, mentions and events stay in the files; they are read one batch at a time."""

    store: BatchStore
    articles: dict[str, list[dict]]  # batch -> article records, in file order
    rejects: dict[str, list[Reject]]  # batch -> its rejects
    crawl_times: list


#: the article columns a record keeps (plus ``_batch``, ``_off_topic`` and the signature)
_RECORD = ("article_id", "source_path", "raw_sha256", "url", "published_at", "relevance", "region_countries")


def scan_batches(store: BatchStore, relevance: RelevanceConfig | None = None) -> Scan:
    """One pass over the batches: every article scored against the topic profile (relevance does not depend on
    other articles, so each is scored once, whatever the quarantine rounds remove) and reduced to a record (its
    signature's digest only: the MinHash values are read back where needed, :func:`_with_minhashes`)."""
    from .batch_store import read_signature
    from .duplicates import SIGNATURE_KEY, signature

    config = relevance or RelevanceConfig()
    out = Scan(store, {}, {}, [])
    for batch in store.batches:
        remembered = ScanRecords(store, batch, config)
        records = remembered.read()
        if records is None:
            rows = store.read("articles", batch).to_pylist()
            mentions: dict[str, list[dict]] = {}
            for m in store.read("mentions", batch).to_pylist():
                mentions.setdefault(m["article_id"], []).append(m)
            _, off_topic = score_relevance(rows, lambda row: mentions.get(row["article_id"], []), config)
            off = {r.source_path: r for r in off_topic}
            records = []
            for row in rows:
                record = {c: row[c] for c in _RECORD}
                record.update(_batch=batch, _off_topic=off.get(row["source_path"]))
                record[SIGNATURE_KEY] = ((read_signature(row) or signature(row["body"] or ""))[0], None)  # _minhashes
                records.append(record)
            remembered.write(records)
        out.articles[batch] = records
        out.rejects[batch] = [Reject(**r) for r in store.read("rejects", batch).to_pylist()]
        out.crawl_times += store.read("inventory", batch, ["fetched_at"]).column("fetched_at").to_pylist()
    return out


class ScanRecords:
    """A batch's scan records remembered beside its files (``<root>/_scan/batch=<name>/<key>.parquet``), so that a
    rebuild that adds batches does not read every old batch's bodies and mentions and score them again (issue 20:
    the scan was 17 s of a +1 % rebuild at 20k). The key is the digest of the batch's articles and mentions files,
    the topic profile (its file's digest) and threshold, and the relevance and consolidation code versions; a
    record read back equals the one computed (Arrow round trip; tests/unit/test_consolidate_scan.py)."""

    FORMAT = "1"

    def __init__(self, store: BatchStore, batch: str, config: RelevanceConfig):
        import hashlib

        from .batch_store import batch_file
        from .versions import code_version

        profile = config.load()
        digest = hashlib.sha256()
        for part in (self.FORMAT, profile.name, profile.digest, repr(config.effective_threshold(profile)),
                     code_version("relevance"), code_version("consolidate")):
            digest.update(part.encode("utf-8") + b"\0")
        for table in ("articles", "mentions"):
            try:
                digest.update(batch_file(store.roots[batch], table, batch).read_bytes())
            except OSError:
                digest.update(b"missing")
        self.batch = batch
        self.folder = batch_file(store.roots[batch], "_scan", batch).parent
        self.path = self.folder / f"{digest.hexdigest()[:32]}.parquet"

    def read(self) -> list[dict] | None:
        import pyarrow.parquet as pq

        from .duplicates import SIGNATURE_KEY

        try:
            rows = pq.read_table(self.path).to_pylist()
        except (OSError, pa.ArrowException):
            return None
        records = []
        for row in rows:
            record = {c: row[c] for c in _RECORD}
            off = row["_off_topic"]
            record.update(_batch=self.batch, _off_topic=Reject(**off) if off is not None else None)
            record[SIGNATURE_KEY] = (row["_signature_digest"], None)
            records.append(record)
        return records

    def write(self, records: list[dict]) -> None:
        """Remember the records (and forget this batch's older ones); a scan that cannot be written is no cache."""
        from dataclasses import asdict

        from .duplicates import SIGNATURE_KEY
        from .tables import write_parquet

        rows = [{**{c: r[c] for c in _RECORD}, "_off_topic": asdict(r["_off_topic"]) if r["_off_topic"] else None,
                 "_signature_digest": r[SIGNATURE_KEY][0]} for r in records]
        try:
            write_parquet(pa.Table.from_pylist(rows), self.path)
            for old in self.folder.glob("*.parquet"):
                if old != self.path:
                    old.unlink(missing_ok=True)
        except (OSError, pa.ArrowException):
            pass


class _BodyOnDemand(dict):
    """An article record whose ``body`` is read from its batch file when first asked for (near-duplicate
    detection reads the bodies of LSH candidates only)."""

    __slots__ = ("_load",)

    def __missing__(self, key):
        if key != "body":
            raise KeyError(key)
        body = self["body"] = self._load(self["_batch"])[self["source_path"]]
        return body


def consolidate(scan: Scan, quarantined: dict[str, Reject] | None = None, folder=None):
    """Every working table, from the scanned batches: cross-batch raw duplicates become rejects,
    articles under the relevance threshold become ``off_topic`` rejects, then near duplicates, the entities
    table and event clusters are computed over the whole corpus; rows are sorted by each table's key.

    ``quarantined`` maps source paths of articles to leave out to their ``quarantined`` reject: they leave with
    their mentions and events, before the corpus-level work, so nothing points at them; so do off-topic articles.

    ``folder``: each table is written there (``<name>.parquet``, :func:`~.tables.write_work_table`) as soon as
    it is final and dropped, and a :class:`~.tables.TableFiles` of them is returned; without it, a dict of the
    Arrow tables (the same rows)."""
    import tempfile
    from functools import lru_cache

    from ..schema import ARTICLES, ENTITIES, EVENTS, REJECTS, arrow_schema
    from .duplicates import mark_duplicates
    from .external_sort import BUCKET_ARTICLES, RangeSpill, bounds_every, spill_folder, write_buckets
    from .ingest import STAGE as INGEST_STAGE
    from .tables import TableFiles, to_arrow, write_work_table

    if folder is None:  # the same files, in a temporary folder, read back whole
        with tempfile.TemporaryDirectory(prefix="vostok-tables-") as tmp:
            files = consolidate(scan, quarantined, tmp)
            return {name: files[name].combine_chunks() for name in files}
    folder, out = Path(folder), {}

    def final(name: str, table, schema_table=None):  # written and dropped; sorted ranges are streamed
        path = folder / f"{name}.parquet"
        out[name] = write_work_table(table, path) if schema_table is None else \
            write_buckets(table, arrow_schema(schema_table), path)
        _release()

    store = scan.store
    batches = [SimpleNamespace(batch=b, articles=scan.articles[b], rejects=scan.rejects[b]) for b in store.batches]
    dupes = _cross_batch_raw_duplicates(batches)
    articles, rejects = [], []
    for b in batches:
        for row in b.articles:
            if row["source_path"] in dupes:
                rejects.append(Reject(row["source_path"], row["raw_sha256"], INGEST_STAGE, "duplicate_raw",
                                      f"byte-identical to {dupes[row['source_path']]}"))
                continue
            articles.append(row)
        for r in b.rejects:
            if r.source_path in dupes:
                r = Reject(r.source_path, r.raw_sha256, INGEST_STAGE, "duplicate_raw", f"byte-identical to {dupes[r.source_path]}")
            rejects.append(r)
    articles, same_url = first_per_article_id(articles)
    rejects += same_url
    if quarantined:
        rejects += [quarantined[row["source_path"]] for row in articles if row["source_path"] in quarantined]
        articles = [row for row in articles if row["source_path"] not in quarantined]
    rejects += [row["_off_topic"] for row in articles if row["_off_topic"] is not None]

    @lru_cache(maxsize=4)
    def bodies(batch: str) -> dict[str, str]:
        table = store.read("articles", batch, ["source_path", "body"])
        return dict(zip(table.column("source_path").to_pylist(), table.column("body").to_pylist()))

    kept = []
    for row in articles:
        if row["_off_topic"] is None:
            kept.append(_BodyOnDemand(row))
            kept[-1]._load = bodies
    _with_minhashes(store, kept)
    mark_duplicates(kept)
    bodies.cache_clear()
    by_batch: dict[str, dict[str, dict]] = {}
    for row in kept:
        by_batch.setdefault(row["_batch"], {})[row["source_path"]] = row
    ids = {b: {row["article_id"] for row in rows.values()} for b, rows in by_batch.items()}
    # every table is spilled to ranges of article ids as it is gathered, then sorted and written range by range
    # (external_sort): the same rows in the same order as sorting each whole table, one range held at a time
    bounds = bounds_every([i for kept_ids in ids.values() for i in kept_ids], BUCKET_ARTICLES)
    spill = spill_folder(folder)
    spilled = RangeSpill(spill.name, bounds, "article_id")
    for part in _gather(store, "articles", ARTICLES, by_batch, "source_path", _corpus_columns(
            ("relevance", "region_countries", "duplicate_of", "duplicate_similarity"))):
        spilled.add(part)
    del kept, by_batch
    final("articles", (sort_table(held, ARTICLES) for held in spilled.buckets()), ARTICLES)
    final("entities", to_arrow(ENTITIES, _mentions_file(store, ids, bounds, spill.name, final)))
    final("events", _events_sorted(store, ids, bounds, spill.name), EVENTS)
    final("rejects", to_arrow(REJECTS, [r.as_row() for r in rejects]))
    spill.cleanup()
    _release()
    out = {name: out[name] for name in ("articles", "mentions", "entities", "events", "rejects")}
    return TableFiles(out)


def _with_minhashes(store: BatchStore, rows: list[dict]) -> None:
    """Set the MinHash values on the rows :func:`~.duplicates.mark_duplicates` reads them from: the first of each
    body digest in its order (a later row with the digest is an exact copy of it and never reaches the LSH), read
    back from the batch files a batch at a time. The scan keeps the digests alone (1.1 KiB an article less)."""
    import pyarrow.compute as pc

    from .batch_store import SIGNATURE_COLUMNS, read_signature
    from .duplicates import SIGNATURE_KEY, _order, signature

    first: dict[str, dict] = {}
    for row in rows:
        digest = row[SIGNATURE_KEY][0]
        if digest not in first or _order(row) < _order(first[digest]):
            first[digest] = row
    wanted: dict[str, dict[str, dict]] = {}
    for row in first.values():
        wanted.setdefault(row["_batch"], {})[row["source_path"]] = row
    for batch, by_path in wanted.items():
        table = store.read("articles", batch, ["source_path", "body", *SIGNATURE_COLUMNS])
        table = table.filter(pc.is_in(table.column("source_path"), value_set=pa.array(sorted(by_path), pa.string())))
        for found in table.to_pylist():
            row = by_path[found["source_path"]]
            row[SIGNATURE_KEY] = (row[SIGNATURE_KEY][0], (read_signature(found) or signature(found["body"] or ""))[1])


@dataclass
class CheckedTables:
    """The consolidated working tables after quarantine, as files (a :class:`~.tables.TableFiles`: paths, read a
    column or a row group at a time; ``tables[name]`` reads a whole one), the reference time they were checked
    against, and the quarantined articles (``{source_path: reject}``)."""

    tables: object
    reference: object
    quarantined: dict[str, Reject]


def consolidate_checked(store: BatchStore, declared_as_of=None, reference=None,
                        relevance: RelevanceConfig | None = None, folder=None) -> CheckedTables:
    """:func:`consolidate`, then quarantine: articles with a row that breaks a row-level expectation become
    ``quarantined`` rejects and the corpus is consolidated again without them, until no row fails (or
    :data:`MAX_QUARANTINE_ROUNDS`; what still fails is left for the blocking table checks).

    Each table is written to ``folder`` (``<name>.parquet``) as soon as it is final, and only read back a column
    or a chunk at a time (the quarantine checks, the reference time), so the five tables are never in memory
    together. Without ``folder``, a temporary one that lives as long as the result's ``tables``.

    ``reference`` (a :class:`~pipeline.core.reference_time.ReferenceTime`) replays a recorded one; else it is
    resolved from ``declared_as_of`` and the data, once, before anything is quarantined. ``relevance`` names the
    topic profile and threshold (default: the packaged Northeast Asia profile)."""
    import tempfile

    from .quality_chunks import failing_articles_chunked
    from .reference_time import resolve

    owner = tempfile.TemporaryDirectory(prefix="vostok-tables-") if folder is None else None
    folder = Path(owner.name if owner is not None else folder)
    scan = scan_batches(store, relevance)
    tables = consolidate(scan, folder=folder)
    if reference is None:
        reference = resolve(declared_as_of, scan.crawl_times, tables.column("articles", "published_at").to_pylist())
    quarantined: dict[str, Reject] = {}
    for _ in range(MAX_QUARANTINE_ROUNDS):
        failing = failing_articles_chunked(tables, reference)  # row-level expectations, a chunk at a time
        if not failing:
            break
        hit = tables.select("articles", ["article_id", "source_path", "raw_sha256"],
                            filters=[("article_id", "in", sorted(failing))])
        for row in sorted(hit.to_pylist(), key=lambda r: r["article_id"]):
            quarantined[row["source_path"]] = Reject(row["source_path"], row["raw_sha256"], "validate", "quarantined",
                                                     failing[row["article_id"]][:500])
        tables = consolidate(scan, quarantined, folder=folder)  # the files are replaced, table by table
    tables._owner = owner
    return CheckedTables(tables, reference, quarantined)
