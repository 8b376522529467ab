"""Event drafts → rows of the ``events`` table (see :data:`pipeline.schema.EVENTS`)."""

from __future__ import annotations

from datetime import date

from .extract import EventDraft, confidence, event_id, extract_events
from .ontology import entity_country, ontology


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
    """Where a meeting (040) is held decides who travelled: in the counterpart's country actor1 makes a visit
    (042), in actor1's own country it hosts one (043), in a country that is neither side's it is a meeting at a
    "third" location (044). Without a place or the sides' countries it stays 040."""
    if ev.code == "040" and ev.location is not None:
        place = entity_country(mentions[ev.location].entity_id)
        if not place or not a1c or not a2c:
            return ev.code
        own, other = place in set(a1c), place in set(a2c)
        if not own and not other:
            return "044"
        if other and not own:
            return "042"
        if own and not other:
            return "043"
    return ev.code


def fallback_date(ev: EventDraft, published: date | None) -> tuple[date | None, str | None]:
    """The event's date when the text gives one, else the publication date marked ``publication``."""
    if ev.event_date is not None:
        return ev.event_date, ev.date_precision
    if published is not None:
        return published, "publication"
    return None, None


def event_rows(article_id: str, body: str, mentions, published: date | None,
               drafts: list[EventDraft] | None = None) -> list[dict]:
    drafts = extract_events(body, mentions, published) if drafts is None else drafts
    rows = []
    for ev in drafts:
        a1c = _countries(ev.actor1, mentions, ev.actor1_countries)
        a2c = _countries(ev.actor2, mentions, ev.actor2_countries)
        code = ontology()[refine_code(ev, mentions, a1c, a2c)]
        fb_date, fb_precision = fallback_date(ev, published)
        rows.append({
            "event_id": event_id(article_id, ev),
            "article_id": article_id,
            "event_cluster_id": None,
            "cluster_representative": False,
            "cameo_code": code.code,
            "cameo_root": code.root,
            "quad_class": code.quad_class,
            "goldstein": code.goldstein,
            "plover": code.plover,
            "actor1_ids": _unique_ids(ev.actor1, mentions),
            "actor2_ids": _unique_ids(ev.actor2, mentions),
            "actor1_countries": a1c,
            "actor2_countries": a2c,
            "actor1_unnamed": ev.actor1_unnamed[2] if ev.actor1_unnamed else None,
            "actor2_unnamed": ev.actor2_unnamed[2] if ev.actor2_unnamed else None,
            "symmetric": ev.symmetric,
            "location_id": mentions[ev.location].entity_id if ev.location is not None else None,
            "event_date": ev.event_date,
            "date_precision": ev.date_precision,
            "event_date_text": ev.date_text,
            "event_date_end": ev.date_end,
            "fallback_date": fb_date,
            "fallback_date_precision": fb_precision,
            "modality": ev.modality,
            "amount": ev.amount,
            "currency": ev.currency,
            "trigger": ev.trigger,
            "trigger_start": ev.trigger_start,
            "trigger_end": ev.trigger_end,
            "sentence": body[ev.sentence_start:ev.sentence_end],
            "start": ev.sentence_start,
            "end": ev.sentence_end,
            "confidence": confidence(ev),
            "event_probability": ev.probability,
        })
    return rows
