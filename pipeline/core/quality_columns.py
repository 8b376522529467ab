"""The derived check columns the GX suites read across tables: ``span_ok`` and ``entity_known`` of mentions,
the ontology, entity, country, sentence and date checks of events, ``duplicate_ok`` and ``region_countries_ok``
of articles. Each is a pure function of the table and the rows of the other tables it points at, so a chunk of a
table gets the same values from the rows its own rows point at as from the whole corpus
(:mod:`pipeline.core.quality_chunks`, :mod:`pipeline.core.quality_tables`)."""

from __future__ import annotations

from functools import lru_cache

from ..knowledge import tsv_rows

MENTION_CHECK_COLUMNS = ("span_ok", "entity_known")


@lru_cache(maxsize=1)
def iso3_codes() -> tuple[str, ...]:
    return tuple(sorted(row[0] for row in tsv_rows("gazetteer/countries.tsv")))


def published_span_ok(body, policy, start, end, text, text_may_remain: bool) -> bool:
    """Offsets index the full body. Where the table holds the text the span covers (the whole body, or a
    snippet reaching past the span) it must read ``text``; past a snippet, or under policy none, the span can
    only be checked against the full text (``body_sha256``), and carries no text unless ``text_may_remain``
    (entity names are kept, sentences are not)."""
    start, end = int(start), int(end)
    if policy in (None, "full") or (body is not None and end <= len(body)):
        return body is not None and 0 <= start < end <= len(body) and body[start:end] == text
    return 0 <= start < end and (text_may_remain or text is None)


def with_relational_columns(mentions, articles, entities):
    """Mentions plus the derived columns its suite checks across tables: span_ok, entity_known.

    Derived columns are appended after the schema's columns; the column-list expectation is
    evaluated on the schema columns only (see :func:`validate_frame`'s ``extra_columns``).
    """
    frame = mentions.copy()
    if not {"article_id", "body"} <= set(articles.columns) or "entity_id" not in entities.columns or \
            not {"article_id", "start", "end", "text", "entity_id"} <= set(frame.columns):
        frame["span_ok"] = False
        frame["entity_known"] = False
        return frame
    policies = articles["text_policy"] if "text_policy" in articles else ["full"] * len(articles)
    bodies = {a: (b, p) for a, b, p in zip(articles["article_id"], articles["body"], policies)}
    known = set(entities["entity_id"])

    def span_ok(article_id, start, end, text) -> bool:
        if article_id not in bodies:
            return False
        body, policy = bodies[article_id]
        return published_span_ok(body, policy, start, end, text, text_may_remain=True)

    # the columns zipped, not frame.to_dict("records"): a dict per mention was most of the check's time
    frame["span_ok"] = [span_ok(*values) for values in zip(frame["article_id"], frame["start"], frame["end"],
                                                            frame["text"])] if len(frame) else []
    frame["entity_known"] = frame["entity_id"].isin(known) if len(frame) else []
    return frame


EVENT_CHECK_COLUMNS = ("code_ok", "ids_known", "countries_ok", "sentence_ok", "date_ok", "precision_ok")


def with_event_check_columns(events, articles, entities):
    """Events plus the derived columns its suite checks against the ontology, articles and entities."""
    import pandas as pd

    from .events.ontology import ontology

    frame = events.copy()
    needed = {"cameo_code", "cameo_root", "quad_class", "goldstein", "actor1_ids", "actor2_ids", "location_id",
              "actor1_countries", "actor2_countries", "article_id", "start", "end", "sentence", "event_date",
              "date_precision", "modality"}
    if not needed <= set(frame.columns) or not {"article_id", "body", "published_at"} <= set(articles.columns) \
            or "entity_id" not in entities.columns:
        for name in EVENT_CHECK_COLUMNS:
            frame[name] = False
        return frame
    codes = ontology()
    iso3 = set(iso3_codes())
    known = set(entities["entity_id"])
    columns = ["article_id", "body", "published_at"] + (["text_policy"] if "text_policy" in articles else [])
    by_article = {r["article_id"]: r for r in articles[columns].to_dict("records")}
    rows = frame.to_dict("records")

    def code_ok(r) -> bool:
        c = codes.get(r["cameo_code"])
        plover = r.get("plover")
        plover = None if plover is None or (isinstance(plover, float) and plover != plover) else plover
        return c is not None and c.root == r["cameo_root"] and c.quad_class == int(r["quad_class"]) \
            and abs(c.goldstein - float(r["goldstein"])) < 1e-9 and plover == c.plover

    def ids_known(r) -> bool:
        ids = list(r["actor1_ids"]) + list(r["actor2_ids"]) + ([r["location_id"]] if r["location_id"] else [])
        return all(i in known for i in ids)

    def countries_ok(r) -> bool:
        return all(c in iso3 for c in list(r["actor1_countries"]) + list(r["actor2_countries"]))

    def sentence_ok(r) -> bool:
        art = by_article.get(r["article_id"])
        if art is None:
            return False
        t_start, t_end = r.get("trigger_start", r["start"]), r.get("trigger_end", r["end"])
        return published_span_ok(art["body"], art.get("text_policy", "full"), r["start"], r["end"], r["sentence"],
                                 text_may_remain=False) and int(r["start"]) <= t_start < t_end <= int(r["end"])

    def date_ok(r) -> bool:
        art = by_article.get(r["article_id"])
        when, published = r["event_date"], art["published_at"] if art else None
        if when is None or (isinstance(when, float) and when != when) or r["modality"] != "asserted":
            return True
        if published is None or pd.isna(published):
            return True
        return pd.Timestamp(when).date() <= (pd.Timestamp(published) + pd.Timedelta(days=1)).date()

    def precision_ok(r) -> bool:
        has_date = r["event_date"] is not None and not (isinstance(r["event_date"], float) and r["event_date"] != r["event_date"])
        precision = r["date_precision"]
        has_precision = precision is not None and precision == precision
        # a day and month without a year and no publication date to take it from: precision, but no date
        return has_date == (has_precision and precision != "day_of_year_unknown")

    for name, fn in (("code_ok", code_ok), ("ids_known", ids_known), ("countries_ok", countries_ok),
                     ("sentence_ok", sentence_ok), ("date_ok", date_ok), ("precision_ok", precision_ok)):
        frame[name] = [fn(r) for r in rows]
    return frame


ARTICLE_CHECK_COLUMNS = ("duplicate_ok", "region_countries_ok")


def with_article_check_columns(articles, published: dict | None = None):
    """Articles plus ``duplicate_ok`` (duplicate_of is null, or an existing article published no later; ``published``:
    every article's time, when ``articles`` is a chunk) and ``region_countries_ok`` (distinct ISO3 codes, sorted)."""
    import pandas as pd

    frame = articles.copy()
    if not {"article_id", "published_at", "duplicate_of", "region_countries"} <= set(frame.columns):
        for name in ARTICLE_CHECK_COLUMNS:
            frame[name] = False  # a broken table: the column-list expectation reports what is missing
        return frame
    published = dict(zip(frame["article_id"], frame["published_at"])) if published is None else published
    iso3 = set(iso3_codes())

    def countries_ok(value) -> bool:
        codes = list(value) if value is not None and not isinstance(value, float) else None
        return codes is not None and codes == sorted(set(codes)) and all(c in iso3 for c in codes)

    def ok(row) -> bool:
        target = row["duplicate_of"]
        if target is None or (isinstance(target, float) and target != target):
            return True
        if target not in published or target == row["article_id"]:
            return False
        a, b = published[target], row["published_at"]
        return pd.isna(b) or pd.isna(a) or a <= b

    frame["duplicate_ok"] = [ok(r) for r in frame.to_dict("records")] if len(frame) else []
    frame["region_countries_ok"] = [countries_ok(v) for v in frame["region_countries"]] if len(frame) else []
    return frame
