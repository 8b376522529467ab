"""The quarantine checks on chunks: the row-level expectations of :mod:`pipeline.core.quality` run on a few
thousand articles at a time (with their mentions and events) instead of on whole-corpus pandas frames.

Row-level expectations judge one row at a time, so a chunk's failing rows are the whole table's failing rows
that fall in it, provided each chunk's derived check columns see the whole corpus where they look across
tables: the set of entity ids (``entity_known``, ``ids_known``) and every article's publication time
(``duplicate_ok``, whose target may sit in another chunk). An article's mentions and events are sorted with
it by article id, so they land in its chunk (``span_ok``, ``sentence_ok``, ``date_ok`` read its body and
date); the chunks' ranges of mentions and events meet end to end, so a row whose article is missing is checked
too (it fails ``span_ok`` or ``sentence_ok``, as on whole frames). Failures are then ordered as :func:`pipeline.core.quality.failing_articles` orders them over whole
tables (table, expectation, row), so the first failure still names an article's reason: the result equals
``failing_articles`` on the whole frames (tests/unit/test_quality_chunks.py checks it).
"""

from __future__ import annotations

import json

import pyarrow as pa

__all__ = ["CHUNK_ARTICLES", "failing_articles_chunked"]

#: articles per chunk (with their mentions and events); entities go by CHUNK_ARTICLES rows too
CHUNK_ARTICLES = 2000


class SortedKeys:
    """A text column sorted as consolidation sorts (null as the empty string), read as a sequence for
    :mod:`bisect` one value at a time, so that a whole table's keys are never a list of Python strings (the
    mentions' article ids were ~170 MiB of them at 100k documents)."""

    def __init__(self, column):
        self.column = column

    def __len__(self) -> int:
        return len(self.column)

    def __getitem__(self, i: int) -> str:
        return self.column[i].as_py() or ""


def _ranges(ids, starts: list[str]) -> list[tuple[int, int]]:
    """The row ranges of a table sorted by article id (``ids``: a sequence, e.g. :class:`SortedKeys`) that go
    with each chunk of articles: chunk ``k`` takes the rows from its first article id up to the next chunk's, the
    first chunk everything before it and the last everything after, so a row whose article is missing (it sorts
    between two chunks' articles) is still checked, as on whole frames. No articles: one chunk of every row."""
    import bisect

    cuts = [0] + [bisect.bisect_left(ids, start) for start in starts[1:]] + [len(ids)]
    return list(zip(cuts, cuts[1:]))


def failing_articles_chunked(tables: dict[str, pa.Table], reference, chunk: int = CHUNK_ARTICLES) -> dict[str, str]:
    """``{article_id: why}`` for every article with a row that breaks a row-level expectation, as
    :func:`pipeline.core.quality.failing_articles` on the whole frames, computed chunk by chunk from the
    consolidated Arrow tables (each sorted by article id, entities by entity id)."""
    import pandas as pd
    import pyarrow.compute as pc

    from .quality import (ARTICLE_CHECK_COLUMNS, EVENT_CHECK_COLUMNS, QUARANTINED_TABLES, _short,
                          validate_frame, with_article_check_columns, with_event_check_columns,
                          with_relational_columns)

    articles = tables["articles"]
    article_ids = articles.column("article_id").to_pylist()
    starts = [article_ids[i] or "" for i in range(0, len(article_ids), chunk)] or [""]
    published = dict(zip(article_ids, articles.column("published_at").to_pandas()))
    entities = pd.DataFrame({"entity_id": tables["entities"].column("entity_id").to_pandas()})
    found: dict[str, list] = {name: [] for name in QUARANTINED_TABLES}

    def record(table_name: str, frame, offset: int, articles_of) -> None:
        report = validate_frame(table_name, frame[0], reference, extra_columns=frame[1], row_level_only=True)
        for o in report.failures:
            label = f"{table_name}.{o.column or '?'}: {o.expectation}" + (f" ({o.why})" if o.why else "")
            order = (o.expectation, o.column or "", json.dumps(o.kwargs, sort_keys=True))
            for position in o.rows:
                row = frame[0].iloc[position]
                value = row[o.column] if o.column and o.column in frame[0].columns else None
                found[table_name].append((order, offset + position, f"{label}; value {_short(value)}",
                                          articles_of(row)))

    ranges = {name: _ranges(SortedKeys(tables[name].column("article_id")), starts) for name in ("mentions", "events")}
    for number, offset in enumerate(range(0, max(len(article_ids), 1), chunk)):
        chunk_articles = articles.slice(offset, chunk).to_pandas()
        if len(chunk_articles):
            record("articles", (with_article_check_columns(chunk_articles, published), ARTICLE_CHECK_COLUMNS),
                   offset, lambda row: [row["article_id"]])
        for name, derive, extra in (("mentions", with_relational_columns, ("span_ok", "entity_known")),
                                    ("events", with_event_check_columns, EVENT_CHECK_COLUMNS)):
            start, stop = ranges[name][number]
            if stop > start:
                record(name, (derive(tables[name].slice(start, stop - start).to_pandas(), chunk_articles, entities),
                              extra), start, lambda row: [row["article_id"]])
    mentions = tables["mentions"].select(["entity_id", "article_id"])

    def mentioning(row) -> list[str]:
        hit = mentions.filter(pc.equal(mentions.column("entity_id"), row["entity_id"]))
        return sorted(set(hit.column("article_id").to_pylist()))

    for start in range(0, tables["entities"].num_rows, chunk):
        record("entities", (tables["entities"].slice(start, chunk).to_pandas(), ()), start, mentioning)
    out: dict[str, str] = {}
    for name in QUARANTINED_TABLES:
        for _, _, why, ids in sorted(found[name], key=lambda f: (f[0], f[1])):
            for article_id in ids:
                out.setdefault(article_id, why)
    return out
