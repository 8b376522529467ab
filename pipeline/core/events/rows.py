"""Event drafts → rows of the ``events`` table (see :data:`pipeline.schema.EVENTS`)."""

from __future__ import annotations

from datetime import date

from ..entities.gazetteer import load
from .extract import EventDraft, confidence, event_id, extract_events
from .ontology import ontology


def entity_country(entity_id: str) -> str | None:
    entry = load().entries.get(entity_id)
    return entry.country if entry else None


def _countries(mention_indexes: list[int], mentions, extra: list[str]) -> list[str]:
    out = []
    for k in mention_indexes:
        c = entity_country(mentions[k].entity_id)
        if c and c not in out:
            out.append(c)
    for c in extra:
        if c not in out:
            out.append(c)
    return sorted(out)


def _unique_ids(mention_indexes: list[int], mentions) -> list[str]:
    out = []
    for k in mention_indexes:
        if mentions[k].entity_id not in out:
            out.append(mentions[k].entity_id)
    return out


def refine_code(ev: EventDraft, mentions, a1c: list[str], a2c: list[str]) -> str:
    """A meeting held in a country that is neither side's is CAMEO 044 (meet at a third location)."""
    if ev.code == "040" and ev.location is not None:
        place = entity_country(mentions[ev.location].entity_id)
        if place and a1c and a2c and place not in set(a1c) | set(a2c):
            return "044"
    return ev.code


def event_rows(article_id: str, body: str, mentions, published: date | None,
               drafts: list[EventDraft] | None = None) -> list[dict]:
    drafts = extract_events(body, mentions, published) if drafts is None else drafts
    rows = []
    for ev in drafts:
        a1c = _countries(ev.actor1, mentions, ev.actor1_countries)
        a2c = _countries(ev.actor2, mentions, ev.actor2_countries)
        code = ontology()[refine_code(ev, mentions, a1c, a2c)]
        rows.append({
            "event_id": event_id(article_id, ev),
            "article_id": article_id,
            "event_cluster_id": None,
            "cameo_code": code.code,
            "cameo_root": code.root,
            "quad_class": code.quad_class,
            "goldstein": code.goldstein,
            "actor1_ids": _unique_ids(ev.actor1, mentions),
            "actor2_ids": _unique_ids(ev.actor2, mentions),
            "actor1_countries": a1c,
            "actor2_countries": a2c,
            "location_id": mentions[ev.location].entity_id if ev.location is not None else None,
            "event_date": ev.event_date,
            "date_precision": ev.date_precision,
            "modality": ev.modality,
            "amount": ev.amount,
            "currency": ev.currency,
            "trigger": ev.trigger,
            "sentence": body[ev.sentence_start:ev.sentence_end],
            "start": ev.sentence_start,
            "end": ev.sentence_end,
            "confidence": confidence(ev),
        })
    return rows
