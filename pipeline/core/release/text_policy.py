"""How much article text a release publishes: each outlet's policy (full, snippet, none) from its profile
(``pipeline/data/outlets/``), applied to every column that carries prose. Working tables are always full."""

from __future__ import annotations

import pyarrow as pa

from ...knowledge import outlet_profiles

DEFAULT_TEXT_POLICY = "snippet"
DEFAULT_SNIPPET_CHARS = 500
TABLE_ORDER = ("articles", "mentions", "entities", "events", "rejects")


def text_policies(outlets: set[str]) -> dict[str, tuple[str, int]]:
    profiles = outlet_profiles()
    out = {}
    for outlet in sorted(outlets):
        p = profiles.get(outlet, {})
        out[outlet] = (p.get("text_policy", DEFAULT_TEXT_POLICY), int(p.get("snippet_chars", DEFAULT_SNIPPET_CHARS)))
    return out


def apply_text_policy(articles: pa.Table, events: pa.Table | None) -> tuple[pa.Table, pa.Table | None, dict]:
    """The tables as a release publishes them, under each outlet's text policy (idempotent).

    Every published column that carries article prose obeys it: ``body`` is cut to the snippet (null under
    none), ``lead`` is kept only where it lies inside the published body, and an event's ``sentence`` is kept only where it lies inside the published
    body. Offsets still index the full body, which ``body_sha256`` identifies (:func:`pipeline.rehydrate`
    restores it from one's own copy of the pages). Titles and entity names are kept."""
    rows = articles.to_pylist()
    policies = text_policies({r["outlet"] for r in rows if r["outlet"]})
    published_length: dict[str, int] = {}
    for r in rows:
        policy, chars = policies.get(r["outlet"], (DEFAULT_TEXT_POLICY, DEFAULT_SNIPPET_CHARS))
        r["text_policy"] = policy
        if policy == "none":
            r["body"], r["lead"] = None, None
            published_length[r["article_id"]] = 0
        elif policy == "snippet":
            r["body"] = r["body"][:chars] if r["body"] is not None else None
            # the snippet is the first characters of the body: a lead is published only inside it
            r["lead"] = r["lead"] if r["lead"] is not None and r["lead"] in (r["body"] or "") else None
            published_length[r["article_id"]] = len(r["body"] or "")
    new_articles = pa.Table.from_pylist(rows, schema=articles.schema)
    new_events = events
    if events is not None and published_length:
        ev_rows = events.to_pylist()
        for e in ev_rows:
            if e["article_id"] in published_length and int(e["end"]) > published_length[e["article_id"]]:
                e["sentence"] = None
        new_events = pa.Table.from_pylist(ev_rows, schema=events.schema)
    return new_articles, new_events, {o: p for o, (p, _) in policies.items()}


def published_tables(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """``tables`` with the text policy applied, in release order: what a release writes and validates."""
    articles, events, _ = apply_text_policy(tables["articles"], tables.get("events"))
    out = {**tables, "articles": articles}
    if events is not None:
        out["events"] = events
    return {name: out[name] for name in TABLE_ORDER if name in out}
