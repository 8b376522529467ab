"""Partitioned, incremental builds: raw/ as batches, a document cache, corpus-level state, consolidation.

A **batch** is a top-level folder of raw/ (files directly in raw/ form the batch ``_root``); Dagster models
batches as dynamic partitions. Each stage's per-document work is cached in a :class:`DocumentCache` under a key
made of what the work reads and the stage's code version, so a rebuild re-processes exactly what changed:

=============  ==========================================================================  ===================
level          key                                                                         value
=============  ==========================================================================  ===================
``prepare``    raw sha256, source path, WARC URI/date, ingest + extract code versions      converted, segmented page
``article``    prepare key, the page's *template signature*, extract + metadata versions   article row or reject
``analysis``   article id, body, publication time, entities + events code versions         mention and event rows
=============  ==========================================================================  ===================

**Corpus-level state** is computed over every batch, and is cheap next to the per-document work:

* the cross-page *template index* (which lines recur across an outlet's pages) is learned from the hashed line
  keys of all batches, old and new. A page's extraction depends on it only through its *template signature*
  (which of its own lines are templates). So a new batch is cleaned with everything learned so far, and an
  earlier page is re-extracted exactly when the new pages turn one of its own lines into a template (or stop
  doing so). A partitioned build therefore equals a full build, whatever the batches;
* byte-identical raw files across batches, near-duplicate articles, the entities table and event clusters are
  computed by :func:`consolidate`, which also fixes a deterministic row order.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
import threading
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .duplicates import SIGNATURE_KEY
from .duplicates import signature as duplicate_signature
from .errors import Reject, RejectError
from .extract import STAGE as EXTRACT_STAGE
from .extract import TemplateIndex, extract_prepared, page_template_keys, prepare_page
from .documents import RawDocument
from .ingest import ROOT_BATCH, batch_of, ingest, walk_raw
from .versions import code_version

#: bump when the layout of cached values changes (every cached value then misses once)
CACHE_FORMAT = "2"
#: articles handed to one worker at a time (natasha's NER batches across them)
ANALYSIS_CHUNK = 16
#: NER, syntax and events read at most this much of a body (a long read is ~40k characters; a 5 MB one-line
#: dump would need gigabytes): the first paragraphs up to the limit, cut at a paragraph or word boundary
MAX_ANALYZED_CHARS = 50_000


def analyzed_text(body: str, limit: int = MAX_ANALYZED_CHARS) -> str:
    """The prefix of ``body`` the analysis reads (all of it, unless it is longer than ``limit``)."""
    if len(body) <= limit:
        return body
    for boundary in ("\n\n", " "):
        cut = body.rfind(boundary, 0, limit)
        if cut > limit // 2:
            return body[:cut]
    return body[:limit]


def cache_key(*parts) -> str:
    return hashlib.sha256(json.dumps([CACHE_FORMAT, *parts], default=str, ensure_ascii=False).encode()).hexdigest()


class DocumentCache:
    """A content-addressed store of per-document stage results (SQLite, one file, safe across processes).

    ``DocumentCache(None)`` caches nothing. The cache is local working state: it never enters a release, and
    deleting it only costs time."""

    def __init__(self, path: Path | str | None):
        self.path = Path(path) if path else None
        self.hits: Counter = Counter()
        self.misses: Counter = Counter()
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        db = getattr(self._local, "db", None)
        if db is None or getattr(self._local, "pid", None) != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS entries (stage TEXT, key TEXT, value BLOB, PRIMARY KEY (stage, key))")
            self._local.db, self._local.pid = db, os.getpid()
        return db

    def get(self, stage: str, key: str):
        db = self._db()
        row = db.execute("SELECT value FROM entries WHERE stage=? AND key=?", (stage, key)).fetchone() if db else None
        if row is None:
            self.misses[stage] += 1
            return None
        self.hits[stage] += 1
        return pickle.loads(row[0])

    def put_many(self, stage: str, items: Iterable[tuple[str, object]]) -> None:
        db = self._db()
        if db is None:
            return
        rows = [(stage, key, pickle.dumps(value, protocol=5)) for key, value in items]
        with db:
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)

    def __getstate__(self):  # a cache handed to another process reopens its own connection
        return {"path": self.path, "hits": Counter(), "misses": Counter()}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._local = threading.local()


# ---------------------------------------------------------------- batches
def list_batches(raw_dir: Path) -> dict[str, str]:
    """Every batch of raw/ with a fingerprint of its files (paths, sizes, modification times; read nothing)."""
    files: dict[str, list[str]] = {}
    for rel, path in walk_raw(Path(raw_dir)):
        try:
            st = path.lstat()
            stamp = f"{rel}\t{st.st_size}\t{st.st_mtime_ns}"
        except OSError:
            stamp = f"{rel}\tgone"
        files.setdefault(batch_of(rel), []).append(stamp)
    return {batch: hashlib.sha256("\n".join(stamps).encode()).hexdigest()[:16] for batch, stamps in sorted(files.items())}


@dataclass
class PreparedPage:
    source_path: str
    raw_sha256: str
    group: str | None
    keys: object  # numpy uint64 array of the page's hashed template keys
    prepare_key: str
    content: tuple | None = None  # (converted document, HTML metadata, logical lines), loaded when needed

    def load(self, cache: DocumentCache) -> tuple:
        """The page's converted document, metadata and lines (from the cache when the batch was not re-read)."""
        if self.content is None:
            value = cache.get("prepare", self.prepare_key)
            if value is None or isinstance(value, Reject):
                raise LookupError(f"{self.source_path}: prepared page missing from the cache")
            converted, meta, _, lines, _ = value
            self.content = (converted, meta, lines)
        return self.content


@dataclass
class BatchManifest:
    """What corpus-level state needs from a batch: its inventory, ingest rejects and each page's template keys."""

    batch: str
    inventory: list[dict]
    rejects: list[Reject]
    pages: list[tuple[str, str | None, object, str]]  # (source_path, group, keys, prepare_key)
    fingerprint: str = ""

    def keysets(self):
        return [(group, keys) for _, group, keys, _ in self.pages]


@dataclass
class PreparedBatch:
    batch: str
    inventory: list[dict]
    pages: list[PreparedPage]
    rejects: list[Reject]
    fingerprint: str = ""  # of the batch's files (paths, sizes, modification times) when it was read
    raw_dir: Path | None = None

    def manifest(self) -> BatchManifest:
        return BatchManifest(self.batch, self.inventory, self.rejects,
                             [(p.source_path, p.group, p.keys, p.prepare_key) for p in self.pages], self.fingerprint)


def prepare_batch(raw_dir: Path, batch: str, cache: DocumentCache, fingerprint: str | None = None,
                  reuse: bool = True) -> PreparedBatch:
    """Ingest one batch and convert/segment its pages (cached by raw sha256 and code versions).

    A batch whose files kept their paths, sizes and modification times (its ``fingerprint``) is not read at
    all: its inventory and page keys come from the cache, and a page's content is loaded only if it must be
    re-extracted."""
    versions = (code_version("ingest"), code_version("extract"))
    fingerprint = fingerprint if fingerprint is not None else list_batches(Path(raw_dir)).get(batch, "")
    batch_key = cache_key("batch", versions, batch, fingerprint)
    if reuse:
        known = cache.get("batch", batch_key)
        if known is not None:
            inventory, rejects, page_rows = known
            pages = [PreparedPage(*row) for row in page_rows]
            return PreparedBatch(batch, inventory, pages, list(rejects), fingerprint, Path(raw_dir))
    documents, rejects = ingest(Path(raw_dir), batch=batch)
    prepared = prepare_documents(batch, documents, rejects, cache, fingerprint, Path(raw_dir))
    cache.put_many("batch", [(batch_key, (prepared.inventory, prepared.rejects,
                                          [(p.source_path, p.raw_sha256, p.group, p.keys, p.prepare_key)
                                           for p in prepared.pages]))])
    return prepared


def prepare_documents(batch: str, documents: Sequence[RawDocument], rejects: Sequence[Reject],
                      cache: DocumentCache, fingerprint: str = "", raw_dir: Path | None = None) -> PreparedBatch:
    """Ingested documents → a prepared batch: each page converted and segmented (cached by raw sha256 and
    code versions), with its hashed template keys. Used for raw/'s batches and for files given to the CLI."""
    versions = (code_version("ingest"), code_version("extract"))
    rejects = list(rejects)
    pages: list[PreparedPage] = []
    fresh = []
    for doc in documents:
        key = cache_key("prepare", versions, doc.source_path, doc.raw_sha256, doc.url, doc.fetched_at)
        value = cache.get("prepare", key)
        if value is None:
            value = _prepare(doc)
            fresh.append((key, value))
        if isinstance(value, Reject):
            rejects.append(value)
        else:
            converted, meta, group, lines, keys = value
            pages.append(PreparedPage(doc.source_path, doc.raw_sha256, group, keys, key, (converted, meta, lines)))
    cache.put_many("prepare", fresh)
    inventory = [d.inventory_row() for d in documents]
    return PreparedBatch(batch, inventory, pages, rejects, fingerprint, raw_dir)


def _prepare(doc: RawDocument):
    try:
        converted, meta, group, lines = prepare_page(doc)
        return converted, meta, group, lines, page_template_keys(lines)
    except RejectError as exc:
        return Reject(doc.source_path, doc.raw_sha256, EXTRACT_STAGE, exc.reason, exc.message)
    except Exception as exc:  # a converter bug must cost one page, not the run
        return Reject(doc.source_path, doc.raw_sha256, EXTRACT_STAGE, "internal_error", f"{type(exc).__name__}: {exc}"[:500])


def learn_templates(manifests: Iterable[BatchManifest]) -> TemplateIndex:
    """The corpus template index from every batch's page keys (order-independent)."""
    return TemplateIndex.from_keysets(ks for m in sorted(manifests, key=lambda m: m.batch) for ks in m.keysets())


def template_digest(manifest: BatchManifest, templates: TemplateIndex) -> str:
    """One digest of every page signature of a batch: the batch's tables are current while it is unchanged."""
    sigs = [templates.signature(group, keys) for _, group, keys, _ in manifest.pages]
    return hashlib.sha256("\n".join(sigs).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- per-batch tables
@dataclass
class BatchRows:
    """A batch's rows before corpus-level work (duplicates, entities, clusters)."""

    batch: str
    articles: list[dict] = field(default_factory=list)
    mentions: dict[str, list[dict]] = field(default_factory=dict)  # article id -> mention rows, in text order
    events: dict[str, list[dict]] = field(default_factory=dict)  # article id -> event rows (no cluster yet)
    rejects: list[Reject] = field(default_factory=list)
    inventory: list[dict] = field(default_factory=list)
    template_digest: str = ""


def clean_page(page: PreparedPage, templates: TemplateIndex, cache: DocumentCache):
    """The extract stage on one prepared page: a :class:`~pipeline.core.extract.CleanDocument` (raises
    RejectError for a page without article text)."""
    from .outlets import profile_for

    doc, meta, lines = page.load(cache)
    return extract_prepared(doc, meta, page.group, lines, templates, profile_for(page.group) or {})


def _article_for(page: PreparedPage, templates: TemplateIndex, cache: DocumentCache):
    from .metadata import STAGE as METADATA_STAGE
    from .metadata import build_article

    try:
        clean = clean_page(page, templates, cache)
    except LookupError:
        raise
    except RejectError as exc:
        return Reject(page.source_path, page.raw_sha256, EXTRACT_STAGE, exc.reason, exc.message)
    except Exception as exc:  # a heuristic's bug must cost one page, not the run
        return Reject(page.source_path, page.raw_sha256, EXTRACT_STAGE, "internal_error",
                      f"{type(exc).__name__}: {exc}"[:500])
    try:
        return build_article(clean)
    except Exception as exc:  # a parser bug must cost one document, not the run
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Reject(page.source_path, page.raw_sha256, METADATA_STAGE, "internal_error",
                      f"{type(exc).__name__} in {Path(where.filename).name}:{where.lineno}: {exc}"[:500])


@dataclass(frozen=True)
class AnalysisFailure:
    """An article whose NER or events could not be computed (out of memory on a pathological text): the
    article becomes a reject with this reason, instead of the run dying."""

    reason: str
    message: str


def analyze_articles(items: Sequence[tuple[str, str, object]]) -> list:
    """Entities and events of (article id, body, published_at) items: (mention rows, event rows) each, or an
    :class:`AnalysisFailure` for an article that exhausted memory.

    Runs in worker processes; natasha's models load once per process. A batch that runs out of memory is
    analysed again one article at a time, so only the article at fault fails."""
    from .entities.ner import analyze_many

    items = [(article_id, analyzed_text(body), published) for article_id, body, published in items]
    try:
        analyze_many([body for _, body, _ in items if body.strip()])
    except MemoryError:
        pass  # each article is analysed alone below
    return [_analyze_one(*item) for item in items]


def _analyze_one(article_id: str, body: str, published):
    from .entities.linking import Mention, link_article
    from .events.rows import event_rows

    try:
        mention_rows = [m.as_row() for m in link_article(article_id, body)]
        mentions = sorted((Mention(r["article_id"], int(r["start"]), int(r["end"]), r["type"], r["text"], r["normal"],
                                   r["entity_id"], r["link"]) for r in mention_rows), key=lambda m: (m.start, m.end))
        published_date = published.date() if published is not None and hasattr(published, "date") else None
        return mention_rows, event_rows(article_id, body, mentions, published_date)
    except (MemoryError, RecursionError) as exc:
        return AnalysisFailure("too_large", f"entities and events ran out of {'memory' if isinstance(exc, MemoryError) else 'stack'} "
                                            f"on a {len(body)}-character body")


_POOLS: dict[int, object] = {}


def worker_pool(workers: int):
    """A process pool kept for the life of the process: natasha's models load once per worker, not per batch.
    Workers run single-threaded BLAS (:mod:`.workers`)."""
    pool = _POOLS.get(workers)
    if pool is None:
        import atexit
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from .workers import SINGLE_THREADED, init_worker, warm_up

        saved = {k: os.environ.get(k) for k in SINGLE_THREADED}
        os.environ.update(SINGLE_THREADED)  # inherited by the spawned workers, in case their __main__ loads numpy
        try:
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=init_worker)
            for f in [pool.submit(warm_up) for _ in range(workers)]:  # start every worker now
                f.result()
        finally:
            for k, v in saved.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
        _POOLS[workers] = pool
        atexit.register(pool.shutdown, wait=True, cancel_futures=True)
    return pool


def shutdown_pools() -> None:
    """Stop the worker pools (they start again on demand)."""
    while _POOLS:
        _, pool = _POOLS.popitem()
        pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class PendingBatch:
    """A batch whose articles are parsed and whose NER and events are running in the worker pool."""

    rows: BatchRows
    todo: list[tuple[str, str, object]]
    keys: dict[str, str]
    futures: list
    cache: DocumentCache
    progress: Callable[[int, int], None] | None = None
    rows_key: str | None = None


def start_batch(prepared: PreparedBatch, templates: TemplateIndex, cache: DocumentCache, workers: int = 1,
                progress: Callable[[int, int], None] | None = None) -> PendingBatch:
    """Extract and parse one batch (cached), and hand its uncached articles to the worker pool."""
    digest = template_digest(prepared.manifest(), templates)
    stage_versions = tuple(code_version(s) for s in ("extract", "metadata", "entities", "events"))
    rows_key = cache_key("rows", stage_versions, prepared.batch, prepared.fingerprint, digest) if prepared.fingerprint else None
    known = cache.get("rows", rows_key) if rows_key else None
    if known is not None:  # an unchanged batch under an unchanged template index: nothing to redo
        return PendingBatch(known, [], {}, [], cache, progress)
    out = BatchRows(prepared.batch, rejects=list(prepared.rejects), inventory=prepared.inventory, template_digest=digest)
    try:
        out.articles, rejects = article_rows(prepared, templates, cache)
    except LookupError:  # the cache lost a prepared page: read the batch again
        fresh_batch = prepare_batch(prepared.raw_dir, prepared.batch, cache, prepared.fingerprint, reuse=False)
        return start_batch(fresh_batch, templates, cache, workers, progress)
    out.rejects += rejects

    versions = (code_version("entities"), code_version("events"))
    todo, keys = [], {}
    for row in out.articles:
        key = cache_key("analysis", versions, row["article_id"], row["body"], row["published_at"])
        value = cache.get("analysis", key)
        if value is None:
            todo.append((row["article_id"], row["body"], row["published_at"]))
            keys[row["article_id"]] = key
        else:
            out.mentions[row["article_id"]], out.events[row["article_id"]] = value
    chunks = [todo[i:i + ANALYSIS_CHUNK] for i in range(0, len(todo), ANALYSIS_CHUNK)]
    futures = [worker_pool(workers).submit(analyze_articles, c) for c in chunks] if workers > 1 and len(todo) > 1 else []
    return PendingBatch(out, todo, keys, futures, cache, progress, rows_key)


def article_rows(prepared: PreparedBatch, templates: TemplateIndex, cache: DocumentCache) -> tuple[list[dict], list[Reject]]:
    """The extract and metadata stages over a prepared batch (cached per page and template signature): article
    rows, and rejects (no article text, a page stating another page's canonical URL). Raises LookupError when
    the cache lost a page's content."""
    versions = (code_version("extract"), code_version("metadata"))
    articles, rejects, fresh = [], [], []
    for page in prepared.pages:
        key = cache_key("article", versions, page.prepare_key, templates.signature(page.group, page.keys))
        value = cache.get("article", key)
        if value is None:
            value = _article_for(page, templates, cache)
            if not isinstance(value, Reject):
                value[SIGNATURE_KEY] = duplicate_signature(value["body"])
            fresh.append((key, value))
        (rejects if isinstance(value, Reject) else articles).append(value)
    cache.put_many("article", fresh)
    for page in prepared.pages:
        page.content = None  # cleaned: the page's lines are no longer needed
    articles, same_url = _first_per_article_id(articles)
    return articles, rejects + same_url


def finish_batch(pending: PendingBatch) -> BatchRows:
    """Collect a started batch's NER and events (computing them here when there is no pool) and cache them."""
    results: list = []
    todo = pending.todo
    if pending.futures:
        for future in pending.futures:
            results.extend(future.result())
            if pending.progress:
                pending.progress(len(results), len(todo))
    else:
        for i in range(0, len(todo), ANALYSIS_CHUNK):
            results.extend(analyze_articles(todo[i:i + ANALYSIS_CHUNK]))
            if pending.progress:
                pending.progress(len(results), len(todo))
    out = pending.rows
    failed = {}
    for (article_id, _, _), value in zip(todo, results):
        if isinstance(value, AnalysisFailure):
            failed[article_id] = value
        else:
            out.mentions[article_id], out.events[article_id] = value
    if failed:
        from .entities import STAGE as ENTITIES_STAGE

        for row in out.articles:
            if row["article_id"] in failed:
                f = failed[row["article_id"]]
                out.rejects.append(Reject(row["source_path"], row["raw_sha256"], ENTITIES_STAGE, f.reason, f.message))
        out.articles = [row for row in out.articles if row["article_id"] not in failed]
    pending.cache.put_many("analysis", ((pending.keys[a], r) for (a, _, _), r in zip(todo, results)
                                        if not isinstance(r, AnalysisFailure)))
    if pending.rows_key:
        pending.cache.put_many("rows", [(pending.rows_key, out)])
    return out


def batch_rows(prepared: PreparedBatch, templates: TemplateIndex, cache: DocumentCache, workers: int = 1,
               progress: Callable[[int, int], None] | None = None) -> BatchRows:
    """Extract, parse, tag and code one batch, reusing every cached document result."""
    return finish_batch(start_batch(prepared, templates, cache, workers, progress))


def batches_rows(prepared: Iterable[PreparedBatch], templates: TemplateIndex, cache: DocumentCache,
                 workers: int = 1, progress: Callable[[str, int, int], None] | None = None):
    """:func:`batch_rows` over many batches, yielded in order; while the workers tag one batch, this process
    cleans and parses the next."""
    pending = None
    for p in prepared:
        started = start_batch(p, templates, cache, workers,
                              (lambda done, total, b=p.batch: progress(b, done, total)) if progress else None)
        if pending is not None:
            yield finish_batch(pending)
        pending = started
    if pending is not None:
        yield finish_batch(pending)


def _first_per_article_id(rows: list[dict]) -> tuple[list[dict], list[Reject]]:
    """Two pages stating one canonical URL (a page crawled twice) share an article id: keep the first by raw
    path, reject the others as ``duplicate_url``."""
    from .metadata import STAGE as METADATA_STAGE

    kept: dict[str, dict] = {}
    rejects = []
    for row in sorted(rows, key=lambda r: r["source_path"]):
        first = kept.setdefault(row["article_id"], row)
        if first is not row:
            rejects.append(Reject(row["source_path"], row["raw_sha256"], METADATA_STAGE, "duplicate_url",
                                  f"states the same canonical URL as {first['source_path']}: {row['url']}"[:500]))
    return [r for r in rows if kept[r["article_id"]] is r], rejects


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


# ---------------------------------------------------------------- the corpus
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


def consolidate(batches: Sequence[BatchRows], quarantined: dict[str, Reject] | None = None) -> dict:
    """Every working table as Arrow, from all batches: cross-batch raw duplicates become rejects, then near
    duplicates, the entities table and event clusters are computed over the whole corpus.

    ``quarantined`` maps source paths of articles to leave out to their ``quarantined`` reject: they leave with
    their mentions and events, before the corpus-level work, so nothing points at them."""
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
    articles, same_url = _first_per_article_id(articles)
    rejects += same_url
    if quarantined:
        rejects += [quarantined[row["source_path"]] for row in articles if row["source_path"] in quarantined]
        articles = [row for row in articles if row["source_path"] not in quarantined]
    for row in articles:
        b = row.pop("_batch")
        mentions_by_article[row["article_id"]] = b.mentions.get(row["article_id"], [])
        events_by_article[row["article_id"]] = b.events.get(row["article_id"], [])
    mark_duplicates(articles)
    mention_rows = [m for aid in sorted(mentions_by_article) for m in mentions_by_article[aid]]
    entity_rows = build_entities([Mention(r["article_id"], int(r["start"]), int(r["end"]), r["type"], r["text"],
                                          r["normal"], r["entity_id"], r["link"]) for r in mention_rows])
    event_rows = [dict(e) for aid in sorted(events_by_article) for e in events_by_article[aid]]
    assign_clusters(event_rows)
    return {
        "articles": to_arrow(ARTICLES, articles),
        "mentions": to_arrow(MENTIONS, mention_rows),
        "entities": to_arrow(ENTITIES, entity_rows),
        "events": to_arrow(EVENTS, event_rows),
        "rejects": to_arrow(REJECTS, [r.as_row() for r in rejects]),
    }


#: quarantine rounds: removing an article can change corpus-level rows (duplicates, entity counts) of others
MAX_QUARANTINE_ROUNDS = 3


@dataclass
class CheckedTables:
    """The consolidated working tables after quarantine, the reference time they were checked against, and
    the quarantined articles (``{source_path: reject}``)."""

    tables: dict
    reference: object
    quarantined: dict[str, Reject]


def consolidate_checked(batches: Sequence[BatchRows], declared_as_of=None, reference=None) -> CheckedTables:
    """:func:`consolidate`, then quarantine: articles with a row that breaks a row-level expectation become
    ``quarantined`` rejects and the corpus is consolidated again without them, until no row fails (or
    :data:`MAX_QUARANTINE_ROUNDS`; what still fails is left for the blocking table checks).

    ``reference`` (a :class:`~pipeline.core.reference_time.ReferenceTime`) replays a recorded one; else it is
    resolved from ``declared_as_of`` and the data, once, before anything is quarantined."""
    from .quality import failing_articles
    from .reference_time import resolve

    tables = consolidate(batches)
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
        tables = consolidate(batches, quarantined)
    return CheckedTables(tables, reference, quarantined)


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


__all__ = ["ROOT_BATCH", "DocumentCache", "BatchManifest", "BatchRows", "PreparedBatch", "list_batches",
           "prepare_batch", "learn_templates", "template_digest", "batch_rows", "consolidate", "build_corpus",
           "write_batch_rows", "read_batch_rows"]


# ---------------------------------------------------------------- the partitioned Parquet dataset
#: per-batch tables, hive-partitioned: <root>/<table>/batch=<quoted batch>/part-0.parquet
BATCH_TABLES = ("articles", "mentions", "events", "rejects", "inventory")


def batch_dir_name(batch: str) -> str:
    from urllib.parse import quote

    return "batch=" + quote(batch, safe="")


def write_batch_rows(rows: BatchRows, root: Path) -> dict[str, Path]:
    """Write one batch's rows (in their own order) as Parquet files of the partitioned working dataset."""
    import pyarrow as pa

    from ..schema import ARTICLES, EVENTS, MENTIONS, REJECTS, arrow_schema
    from .tables import write_parquet

    inventory_schema = pa.schema([("source_path", pa.string()), ("raw_sha256", pa.string()), ("size", pa.int64()),
                                  ("kind", pa.string()), ("encoding", pa.string()), ("fetched_at", pa.string())])
    mentions = [m for aid in sorted(rows.mentions) for m in rows.mentions[aid]]
    events = [e for aid in sorted(rows.events) for e in rows.events[aid]]

    def working(table):  # corpus-level columns (duplicates, clusters) are filled by consolidate()
        schema = arrow_schema(table)
        return pa.schema([f.with_nullable(True) for f in schema], metadata=schema.metadata)

    frames = {
        "articles": pa.Table.from_pylist(rows.articles, schema=working(ARTICLES)),
        "mentions": pa.Table.from_pylist(mentions, schema=working(MENTIONS)),
        "events": pa.Table.from_pylist(events, schema=working(EVENTS)),
        "rejects": pa.Table.from_pylist([r.as_row() for r in rows.rejects], schema=working(REJECTS)),
        "inventory": pa.Table.from_pylist(rows.inventory, schema=inventory_schema),
    }
    frames["articles"] = frames["articles"].replace_schema_metadata({"template_digest": rows.template_digest})
    return {name: write_parquet(table, Path(root) / name / batch_dir_name(rows.batch) / "part-0.parquet")
            for name, table in frames.items()}


def read_batch_rows(root: Path, batch: str) -> BatchRows:
    """One batch's rows back from the partitioned working dataset (raises FileNotFoundError when absent)."""
    import pyarrow.parquet as pq

    tables = {name: pq.read_table(Path(root) / name / batch_dir_name(batch) / "part-0.parquet") for name in BATCH_TABLES}
    out = BatchRows(batch, template_digest=(tables["articles"].schema.metadata or {}).get(b"template_digest", b"").decode())
    out.articles = tables["articles"].to_pylist()
    for row in out.articles:
        out.mentions[row["article_id"]] = []
        out.events[row["article_id"]] = []
    for m in tables["mentions"].to_pylist():
        out.mentions[m["article_id"]].append(m)
    for e in tables["events"].to_pylist():
        out.events[e["article_id"]].append(e)
    out.rejects = [Reject(**r) for r in tables["rejects"].to_pylist()]
    out.inventory = tables["inventory"].to_pylist()
    return out
