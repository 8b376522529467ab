"""The entities and events stages on articles: what the worker processes compute for a batch's new articles.

:func:`analyze_articles` runs in a worker process of :func:`pipeline.core.workers.worker_pool` (or in this
one); its results are the ``analysis`` level of the :mod:`document cache <pipeline.core.document_cache>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

__all__ = ["MAX_ANALYZED_CHARS", "AnalysisFailure", "analysis_notes", "analyze_articles", "analyzed_text"]

#: a chunk of at least this many articles that all fail with one and the same exception stops the run
SYSTEMIC_FAILURE_MIN = 8
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


@dataclass(frozen=True)
class AnalysisFailure:
    """An article whose NER or events could not be computed (out of memory on a pathological text, or a bug met
    on it): the article becomes a reject with this reason, instead of the run dying."""

    reason: str
    message: str


def analysis_notes(doc, truncated: bool, normalized: bool = False) -> list[str]:
    """``articles.notes`` of the caps the analysis applied (``doc``: natasha's analysis of the text it read, None
    for an empty one): ``analysis_truncated`` (only a prefix of the body was read), ``long_sentence`` (a sentence
    too long for events, not read for them; a parse it needs for ORG names runs in windows),
    ``names_normalized`` (NER and linking read the text normalized: :func:`.entities.invisible.for_ner` changed
    it)."""
    from .entities.ner import MAX_SYNTAX_TOKENS
    from .events.extract import MAX_SENTENCE_TOKENS

    notes = ["analysis_truncated"] if truncated else []
    if doc is not None and any(len(s.tokens) > min(MAX_SENTENCE_TOKENS, MAX_SYNTAX_TOKENS) for s in doc.sents):
        notes.append("long_sentence")
    if normalized:
        notes.append("names_normalized")
    return notes


def analyze_articles(items: Sequence[tuple[str, str, object]]) -> list:
    """Entities and events of (article id, body, published_at) items: (mention rows, event rows, notes) each, or
    an :class:`AnalysisFailure` for an article that exhausted memory.

    Runs in worker processes; natasha's models load once per process. A batch that runs out of memory is
    analysed again one article at a time, so only the article at fault fails."""
    from .entities.ner import analyze_many
    from .events.extract import needs_syntax, trigger_candidate

    items = [(article_id, analyzed_text(body), published, len(body) > MAX_ANALYZED_CHARS)
             for article_id, body, published in items]
    try:
        analyze_many([body for _, body, _, _ in items if body.strip()], syntax=needs_syntax,
                     morph=trigger_candidate)
    except Exception:  # noqa: BLE001  out of memory, or a text natasha fails on: each article is analysed alone
        pass  # below, where only the article at fault fails
    results = [_analyze_one(*item) for item in items]
    failures = {r.message for r in results if isinstance(r, AnalysisFailure) and r.reason == "internal_error"}
    if len(results) >= SYSTEMIC_FAILURE_MIN and len(failures) == 1 and \
            all(isinstance(r, AnalysisFailure) and r.reason == "internal_error" for r in results):
        # every article failing alike is the code's or the environment's fault (a model or data file missing), not
        # the articles': stop the run rather than reject them all
        raise RuntimeError(f"entities and events failed on all {len(results)} articles of a chunk: {failures.pop()}")
    return results


def _analyze_one(article_id: str, body: str, published, truncated: bool = False):
    from .entities.invisible import for_ner
    from .entities.linking import Mention, link_article
    from .entities.ner import analyze
    from .events.rows import event_rows

    try:
        mention_rows = [m.as_row() for m in link_article(article_id, body)]
        mentions = sorted((Mention(r["article_id"], int(r["start"]), int(r["end"]), r["type"], r["text"], r["normal"],
                                   r["entity_id"], r["link"], r["wikidata_id"], r["link_confidence"]) for r in mention_rows),
                          key=lambda m: (m.start, m.end))
        published_date = published.date() if published is not None and hasattr(published, "date") else None
        events = event_rows(article_id, body, mentions, published_date)
        doc = analyze(body, syntax=False, morph=False) if body.strip() else None  # cached: no more work
        notes = analysis_notes(doc, truncated, for_ner(body) is not None)
        return mention_rows, events, notes
    except (MemoryError, RecursionError) as exc:
        return AnalysisFailure("too_large", f"entities and events ran out of {'memory' if isinstance(exc, MemoryError) else 'stack'} "
                                            f"on a {len(body)}-character body")
    except Exception as exc:  # a heuristic's bug must cost one article, not the run
        from .errors import exception_message

        return AnalysisFailure("internal_error", exception_message(exc, where=True))
