"""One batch's rows: its pages cleaned and parsed into articles, their entities and events, before corpus work.

Per page, the extract and metadata stages run in this process (the ``article`` level of the document cache,
keyed by the page's template signature); per article, entities and events run in the worker pool (the
``analysis`` level). :func:`batches_rows` overlaps the two: while the workers tag one batch, this process
cleans and parses the next. Corpus-level columns (near duplicates, entities, clusters) are left to
:func:`pipeline.core.consolidate.consolidate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from .analysis import AnalysisFailure, analyze_articles
from .batches import PreparedBatch, PreparedPage, prepare_batch, template_digest
from .cleaning import STAGE as EXTRACT_STAGE
from .cleaning.document import extract_prepared
from .cleaning.templates import TemplateIndex
from .document_cache import DocumentCache, cache_key
from .duplicates import SIGNATURE_KEY
from .duplicates import signature as duplicate_signature
from .errors import Reject, RejectError
from .versions import code_version
from .workers import worker_pool

__all__ = ["ANALYSIS_CHUNK", "ANALYSIS_CHUNK_CHARS", "BatchRows", "analysis_chunks", "PendingBatch", "article_rows", "batch_rows", "batches_rows",
           "clean_page", "finish_batch", "first_per_article_id", "start_batch"]

#: articles handed to one worker at a time (natasha's NER batches across them)
ANALYSIS_CHUNK = 16
#: characters handed to one worker at a time: a worker holds its chunk's analyses (tokens, tags, parse) at once,
#: so sixteen 50,000-character bodies would hold ~1 GB; ordinary articles (16 x 12,500 characters) keep full chunks
ANALYSIS_CHUNK_CHARS = 200_000


def analysis_chunks(todo: list) -> list[list]:
    """``todo`` (article id, body, published) in consecutive chunks of at most :data:`ANALYSIS_CHUNK` articles and
    :data:`ANALYSIS_CHUNK_CHARS` analysed characters (an article over the budget is a chunk alone)."""
    from .analysis import MAX_ANALYZED_CHARS

    chunks: list[list] = []
    current: list = []
    size = 0
    for item in todo:
        chars = min(len(item[1] or ""), MAX_ANALYZED_CHARS)
        if current and (len(current) >= ANALYSIS_CHUNK or size + chars > ANALYSIS_CHUNK_CHARS):
            chunks.append(current)
            current, size = [], 0
        current.append(item)
        size += chars
    if current:
        chunks.append(current)
    return chunks


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
    """The extract stage on one prepared page: a :class:`~pipeline.core.cleaning.document.CleanDocument` (raises
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
    except (MemoryError, RecursionError) as exc:  # a pathological page costs itself, not the run
        return _exhausted(page, EXTRACT_STAGE, exc)
    except Exception as exc:  # a heuristic's bug must cost one page, not the run
        return Reject.internal_error(page.source_path, page.raw_sha256, EXTRACT_STAGE, exc)
    try:
        return build_article(clean)
    except RejectError as exc:  # an article in a language the NLP stages do not read
        return Reject(page.source_path, page.raw_sha256, METADATA_STAGE, exc.reason, exc.message)
    except (MemoryError, RecursionError) as exc:
        return _exhausted(page, METADATA_STAGE, exc)
    except Exception as exc:  # a parser bug must cost one document, not the run
        return Reject.internal_error(page.source_path, page.raw_sha256, METADATA_STAGE, exc, where=True)


def _exhausted(page: PreparedPage, stage: str, exc: BaseException) -> Reject:
    what = "memory" if isinstance(exc, MemoryError) else "stack"
    return Reject(page.source_path, page.raw_sha256, stage, "too_large", f"the {stage} stage ran out of {what} on this page")


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
            _take_analysis(out, row, value)
    futures = [worker_pool(workers).submit(analyze_articles, c) for c in analysis_chunks(todo)] \
        if workers > 1 and len(todo) > 1 else []
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
    articles, same_url = first_per_article_id(articles)
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
        for chunk in analysis_chunks(todo):
            results.extend(analyze_articles(chunk))
            if pending.progress:
                pending.progress(len(results), len(todo))
    out = pending.rows
    failed = {}
    by_id = {row["article_id"]: row for row in out.articles}
    for (article_id, _, _), value in zip(todo, results):
        if isinstance(value, AnalysisFailure):
            failed[article_id] = value
        else:
            _take_analysis(out, by_id[article_id], value)
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


def _take_analysis(out: BatchRows, row: dict, value) -> None:
    """An article's analysis into the batch: its mentions and events, and the caps it applied into the row's
    ``notes`` (kept sorted, each once)."""
    mentions, events, notes = value
    out.mentions[row["article_id"]], out.events[row["article_id"]] = mentions, events
    if notes:
        row["notes"] = sorted(set(row.get("notes") or []) | set(notes))


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


def first_per_article_id(rows: list[dict]) -> tuple[list[dict], list[Reject]]:
    """Two pages stating one canonical URL (a page crawled twice) share an article id: keep the first by raw
    path, reject the others as ``duplicate_url`` (:func:`article_rows` within a batch,
    :func:`pipeline.core.consolidate.consolidate` across batches)."""
    from .metadata import STAGE as METADATA_STAGE

    kept: dict[str, dict] = {}
    rejects = []
    for row in sorted(rows, key=lambda r: r["source_path"]):
        first = kept.setdefault(row["article_id"], row)
        if first is not row:
            rejects.append(Reject(row["source_path"], row["raw_sha256"], METADATA_STAGE, "duplicate_url",
                                  f"states the same canonical URL as {first['source_path']}: {row['url']}"[:500]))
    return [r for r in rows if kept[r["article_id"]] is r], rejects
