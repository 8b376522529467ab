"""The chain on files from anywhere and on single texts, for the CLI, the benchmarks and the tests.

A whole raw/ folder is built by :func:`pipeline.core.corpus.build_corpus`. There is one build path: these
helpers call the same core functions as it and as the Dagster assets (prepare and template index:
:mod:`.batches`; extract and metadata per page, NER and events per article: :mod:`.batch_rows`;
consolidation, quarantine: :mod:`.consolidate`), on raw/ or on files given from anywhere. Nothing here knows about Dagster.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .errors import Reject, RejectError
from .cleaning.document import CleanDocument
from .documents import RawDocument
from .ingest import ingest_entries
from .rawnames import escape_name

#: the batch name of files given on the command line (they are extracted together, like one raw/ batch)
FILES_BATCH = "_files"


def extract_files(paths: Sequence[str]) -> tuple[list[dict], list[Reject]]:
    """The extract and metadata stages over files from anywhere (each named by the path given), as one batch:
    templates are learned across the files, a WARC file yields one article or reject per record, pages
    stating one canonical URL are ``duplicate_url`` and near duplicates are marked, as in a build of raw/. Each
    is named by the path given, in its recorded form (:mod:`.rawnames`: a name that is not UTF-8 is escaped)."""
    documents, rejects = ingest_entries([(escape_name(p), Path(p)) for p in paths])  # names as raw/'s are recorded
    return extract_ingested(documents, rejects)


def extract_ingested(documents: Sequence[RawDocument], rejects: Sequence[Reject] = ()) -> tuple[list[dict], list[Reject]]:
    """:func:`extract_files` after ingest: article rows and rejects of documents taken as one batch."""
    from .duplicates import mark_duplicates
    from .batch_rows import article_rows
    from .batches import learn_templates, prepare_documents
    from .document_cache import DocumentCache

    cache = DocumentCache(None)
    prepared = prepare_documents(FILES_BATCH, documents, rejects, cache)
    templates = learn_templates([prepared.manifest()])
    articles, article_rejects = article_rows(prepared, templates, cache)
    mark_duplicates(articles)
    return articles, prepared.rejects + article_rejects


def extract_documents(documents: Sequence[RawDocument]) -> tuple[list[CleanDocument], list[Reject]]:
    """The extract stage alone over ingested documents taken as one batch (benchmarks and unit tests score
    title, lead, body and removed lines): the same prepare, template and cleaning functions as a build."""
    from .cleaning import STAGE
    from .batch_rows import clean_page
    from .batches import learn_templates, prepare_documents
    from .document_cache import DocumentCache

    cache = DocumentCache(None)
    prepared = prepare_documents(FILES_BATCH, documents, [], cache)
    templates = learn_templates([prepared.manifest()])
    cleaned, rejects = [], list(prepared.rejects)
    for page in prepared.pages:
        try:
            cleaned.append(clean_page(page, templates, cache))
        except RejectError as exc:
            rejects.append(Reject(page.source_path, page.raw_sha256, STAGE, exc.reason, exc.message))
        except Exception as exc:  # a heuristic's bug must cost one page, not the run
            rejects.append(Reject.internal_error(page.source_path, page.raw_sha256, STAGE, exc))
    return cleaned, rejects


def _unnamed(found) -> dict | None:
    return None if found is None else {"start": found[0], "end": found[1], "lemma": found[2]}


def tag_document(doc_id: str, text: str, published=None, mentions=None, event_filter: bool = True,
                 actor_model="shipped") -> dict:
    """What ``python -m pipeline tag`` prints for one text: mentions, and events pointing into them
    (``mentions``: the text's linked mentions when already known, as a benchmark's cache keeps them;
    ``event_filter=False``: the candidates unscored, each with its event-filter ``features``, for training
    and cross-validating that filter, and each candidate actor's :mod:`.events.actor_model` features;
    ``actor_model``: that check's model, "shipped" or a given one, or None for the parse rules alone)."""
    from .entities.linking import link_article
    from .events.cluster import assign_clusters
    from .events.extract import extract_events
    from .events.rows import event_rows

    if mentions is None:
        mentions = link_article(str(doc_id), text)
    drafts = extract_events(text, mentions, published, actor_model=actor_model) if event_filter else \
        extract_events(text, mentions, published, model=None, actor_model=actor_model)
    rows = event_rows(str(doc_id), text, mentions, published, drafts)
    assign_clusters(rows)
    events = []
    for draft, row in zip(drafts, rows):
        events.append({
            "cameo_code": row["cameo_code"], "plover": row["plover"], "actor1": draft.actor1, "actor2": draft.actor2,
            "actor1_unnamed": _unnamed(draft.actor1_unnamed), "actor2_unnamed": _unnamed(draft.actor2_unnamed),
            "symmetric": row["symmetric"], "location": draft.location,
            "event_date": row["event_date"].isoformat() if row["event_date"] else None,
            "date_precision": row["date_precision"], "event_date_text": row["event_date_text"],
            "event_date_end": row["event_date_end"].isoformat() if row["event_date_end"] else None,
            "fallback_date": row["fallback_date"].isoformat() if row["fallback_date"] else None,
            "fallback_date_precision": row["fallback_date_precision"],
            "modality": row["modality"], "amount": row["amount"],
            "currency": row["currency"], "trigger": row["trigger"], "trigger_start": row["trigger_start"],
            "trigger_end": row["trigger_end"], "start": row["start"], "end": row["end"],
            "event_cluster_id": row["event_cluster_id"], "cluster_representative": row["cluster_representative"],
            "event_probability": row["event_probability"],
            **({} if event_filter else {"features": draft.features,
                                        "actor_candidates": [[k, x] for k, x in sorted(draft.actor_rows.items())]}),
        })
    return {
        "id": doc_id,
        "mentions": [{"start": m.start, "end": m.end, "type": m.type, "text": m.text, "normal": m.normal,
                      "entity_id": m.entity_id, "link": m.link, "wikidata_id": m.wikidata_id,
                      "link_confidence": m.link_confidence} for m in mentions],
        "events": events,
    }
