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
    return rows, rejects


def build_from_documents(documents: list[RawDocument], ingest_rejects: list[Reject] | None = None) -> BuildResult:
    cleaned, extract_rejects = extract_batch(documents)
    rows, metadata_rejects = articles_from(cleaned)
    rejects = list(ingest_rejects or []) + extract_rejects + metadata_rejects
    return BuildResult(documents, cleaned, rows, rejects)


def build_from_directory(raw_dir: Path) -> BuildResult:
    documents, rejects = ingest(Path(raw_dir))
    return build_from_documents(documents, rejects)


def tag_articles(articles: Sequence[dict]) -> tuple[list[dict], list[dict]]:
    """Entities stage over a batch of article rows: (mention rows, entity rows)."""
    from .entities.linking import build_entities, link_article

    mentions = []
    for article in sorted(articles, key=lambda a: a["article_id"]):
        mentions.extend(link_article(article["article_id"], article["body"]))
    return [m.as_row() for m in mentions], build_entities(mentions)
