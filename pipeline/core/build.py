"""The whole chain as plain functions: raw directory or files → table rows.

The Dagster assets call the same stage functions one by one; the CLI and the
tests call these helpers. Nothing here knows about Dagster.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .errors import Reject
from .extract import CleanDocument, extract_batch
from .ingest import RawDocument, ingest
from .metadata import STAGE as METADATA_STAGE
from .metadata import build_article


@dataclass
class BuildResult:
    documents: list[RawDocument] = field(default_factory=list)
    cleaned: list[CleanDocument] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def articles_from(cleaned: Sequence[CleanDocument]) -> tuple[list[dict], list[Reject]]:
    """Metadata stage over a batch: one article row per clean document, or a reject."""
    rows, rejects = [], []
    for doc in cleaned:
        try:
            rows.append(build_article(doc))
        except Exception as exc:  # a parser bug must cost one document, not the run
            where = traceback.extract_tb(exc.__traceback__)[-1]
            rejects.append(Reject(doc.source_path, doc.raw_sha256, METADATA_STAGE, "internal_error",
                                  f"{type(exc).__name__} in {Path(where.filename).name}:{where.lineno}: {exc}"[:500]))
    from .duplicates import mark_duplicates

    mark_duplicates(rows)
    return rows, rejects


def build_from_documents(documents: list[RawDocument], ingest_rejects: list[Reject] | None = None) -> BuildResult:
    cleaned, extract_rejects = extract_batch(documents)
    rows, metadata_rejects = articles_from(cleaned)
    rejects = list(ingest_rejects or []) + extract_rejects + metadata_rejects
    return BuildResult(documents, cleaned, rows, rejects)


def build_from_directory(raw_dir: Path) -> BuildResult:
    documents, rejects = ingest(Path(raw_dir))
    return build_from_documents(documents, rejects)


def tag_document(doc_id: str, text: str, published=None) -> dict:
    """What ``python -m pipeline tag`` prints for one text: mentions, and events pointing into them."""
    from .entities.linking import link_article
    from .events.extract import extract_events
    from .events.rows import event_rows

    mentions = link_article(str(doc_id), text)
    drafts = extract_events(text, mentions, published)
    rows = event_rows(str(doc_id), text, mentions, published, drafts)
    events = []
    for draft, row in zip(drafts, rows):
        events.append({
            "cameo_code": row["cameo_code"], "actor1": draft.actor1, "actor2": draft.actor2,
            "location": draft.location,
            "event_date": row["event_date"].isoformat() if row["event_date"] else None,
            "date_precision": row["date_precision"], "modality": row["modality"], "amount": row["amount"],
            "currency": row["currency"], "start": row["start"], "end": row["end"],
        })
    return {
        "id": doc_id,
        "mentions": [{"start": m.start, "end": m.end, "type": m.type, "text": m.text, "normal": m.normal,
                      "entity_id": m.entity_id, "link": m.link} for m in mentions],
        "events": events,
    }


def build_tables(raw_dir: Path, cache=None, workers: int = 1) -> dict:
    """Every working table as an Arrow table, from a raw directory (the CLI's and ``verify``'s path).

    Batch by batch through :mod:`.incremental`, so it equals the partitioned Dagster build."""
    from .incremental import build_corpus

    return build_corpus(Path(raw_dir), cache, workers).tables


def accounting(ingested_paths: Sequence[str], ingest_reject_paths: Sequence[str], article_paths: Sequence[str],
               reject_paths: Sequence[str]) -> dict:
    """The accounting invariant: every raw input (file, or WARC record) is exactly one article or one reject."""
    inputs = set(ingested_paths) | set(ingest_reject_paths)
    from collections import Counter

    outputs = list(article_paths) + list(reject_paths)
    doubled = sorted(p for p, n in Counter(outputs).items() if n > 1)
    missing = sorted(inputs - set(outputs))
    return {"inputs": len(inputs), "articles": len(article_paths), "rejects": len(reject_paths),
            "missing": missing, "doubled": doubled,
            "ok": not missing and not doubled and len(inputs) == len(article_paths) + len(reject_paths)}
