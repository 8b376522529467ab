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
#: rows not judged before (:mod:`.known_rows`) gathered across chunks before GX runs on them
JUDGE_ROWS = 20_000


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


class _ArrowRows:
    def __init__(self, table: pa.Table):
        self.table = table

    def read(self, start: int, stop: int) -> pa.Table:
        return self.table.slice(start, stop - start)


class _Source:
    """The reads the checks make, from Arrow tables or from :class:`~.tables.TableFiles` (a column, a few
    columns, consecutive row ranges)."""

    def __init__(self, tables):
        self.tables = tables
        self.files = not isinstance(tables, dict)

    def column(self, name: str, column: str):
        return self.tables.column(name, column) if self.files else self.tables[name].column(column)

    def select(self, name: str, columns: list[str]) -> pa.Table:
        return self.tables.select(name, columns) if self.files else self.tables[name].select(columns)

    def num_rows(self, name: str) -> int:
        return self.tables.num_rows(name) if self.files else self.tables[name].num_rows

    def rows(self, name: str):
        return self.tables.rows(name) if self.files else _ArrowRows(self.tables[name])


def failing_articles_chunked(tables, reference, chunk: int = CHUNK_ARTICLES) -> dict[str, str]:
    """``{article_id: why}`` for every article with a row that breaks a row-level expectation, as
    :func:`pipeline.core.quality.failing_articles` on the whole frames, computed chunk by chunk from the
    consolidated tables (each sorted by article id, entities by entity id): Arrow tables by name, or
    consolidation's :class:`~.tables.TableFiles`, read a column and a chunk at a time."""
    import pandas as pd
    import pyarrow.compute as pc

    from .known_rows import judge, plan
    from .quality import (ARTICLE_CHECK_COLUMNS, EVENT_CHECK_COLUMNS, QUARANTINED_TABLES, _short, suite_configs,
                          validate_frame, with_article_check_columns, with_event_check_columns,
                          with_relational_columns)

    tables = _Source(tables)
    ids_and_dates = tables.select("articles", ["article_id", "published_at"])
    article_ids = ids_and_dates.column("article_id").to_pylist()
    starts = [article_ids[i] or "" for i in range(0, len(article_ids), chunk)] or [""]
    published = dict(zip(article_ids, ids_and_dates.column("published_at").to_pandas()))
    del ids_and_dates
    entities = pd.DataFrame({"entity_id": tables.column("entities", "entity_id").to_pandas()})
    found: dict[str, list] = {name: [] for name in QUARANTINED_TABLES}

    def failed(table_name: str, outcomes, frame, row_number, articles_of) -> None:
        for o in outcomes:
            if o.success:
                continue
            label = f"{table_name}.{o.column or '?'}: {o.expectation}" + (f" ({o.why})" if o.why else "")
            order = (o.expectation, o.column or "", json.dumps(o.kwargs, sort_keys=True))
            for position in o.rows:
                row = frame.iloc[position]
                value = row[o.column] if o.column and o.column in frame.columns else None
                found[table_name].append((order, row_number(position), f"{label}; value {_short(value)}",
                                          articles_of(position)(row)))

    queued: dict[str, list] = {}  # table -> rows GX must judge, gathered across chunks (known_rows)

    def record(table_name: str, frame, offset: int, articles_of) -> None:
        configs = suite_configs(table_name, reference, frame[1], row_level_only=True)
        todo = plan(table_name, frame[0], configs)
        if todo is None:  # nothing remembered: GX on the whole chunk
            report = validate_frame(table_name, frame[0], reference, extra_columns=frame[1], row_level_only=True)
            failed(table_name, report.outcomes, frame[0].reset_index(drop=True), lambda p: offset + p,
                   lambda p: articles_of)
            return
        if not len(todo.positions):
            return
        part = (frame[0].reset_index(drop=True).iloc[todo.positions], offset + todo.positions,
                todo.digests[todo.positions], articles_of, todo.shape, todo.configs)
        held = queued.setdefault(table_name, [])
        if held and (held[0][4], held[0][5]) != (part[4], part[5]):  # one GX run takes one dtype layout
            judge_queued(table_name)
            held = queued.setdefault(table_name, [])
        held.append(part)
        if sum(len(p[0]) for p in held) >= JUDGE_ROWS:
            judge_queued(table_name)

    def judge_queued(table_name: str) -> None:
        """GX once on the rows gathered from several chunks (its fixed cost per run was most of a rebuild's)."""
        import numpy as np

        held = queued.pop(table_name, [])
        if not held:
            return
        frame = pd.concat([p[0] for p in held], ignore_index=True)
        numbers = np.concatenate([p[1] for p in held])
        owners = [p[3] for p in held for _ in range(len(p[0]))]
        outcomes = judge(table_name, frame, held[0][5], np.concatenate([p[2] for p in held]), held[0][4])
        failed(table_name, outcomes, frame, lambda p: int(numbers[p]), lambda p: owners[p])

    ranges = {name: _ranges(SortedKeys(tables.column(name, "article_id")), starts) for name in ("mentions", "events")}
    readers = {name: tables.rows(name) for name in ("articles", "mentions", "events")}
    for number, offset in enumerate(range(0, max(len(article_ids), 1), chunk)):
        chunk_articles = readers["articles"].read(offset, min(offset + chunk, len(article_ids))).to_pandas()
        if len(chunk_articles):
            record("articles", (with_article_check_columns(chunk_articles, published), ARTICLE_CHECK_COLUMNS),
                   offset, lambda row: [row["article_id"]])
        for name, derive, extra in (("mentions", with_relational_columns, ("span_ok", "entity_known")),
                                    ("events", with_event_check_columns, EVENT_CHECK_COLUMNS)):
            start, stop = ranges[name][number]
            if stop > start:
                record(name, (derive(readers[name].read(start, stop).to_pandas(), chunk_articles, entities),
                              extra), start, lambda row: [row["article_id"]])
    del readers
    held = {}

    def mentioning(row) -> list[str]:  # only for a failing entity: the mentions' two columns read then
        if "mentions" not in held:
            held["mentions"] = tables.select("mentions", ["entity_id", "article_id"])
        mentions = held["mentions"]
        hit = mentions.filter(pc.equal(mentions.column("entity_id"), row["entity_id"]))
        return sorted(set(hit.column("article_id").to_pylist()))

    entity_rows = tables.rows("entities")
    total = tables.num_rows("entities")
    for start in range(0, total, chunk):
        record("entities", (entity_rows.read(start, min(start + chunk, total)).to_pandas(), ()), start, mentioning)
    for name in list(queued):
        judge_queued(name)
    out: dict[str, str] = {}
    for name in QUARANTINED_TABLES:
        for _, _, why, ids in sorted(found[name], key=lambda f: (f[0], f[1])):
            for article_id in ids:
                out.setdefault(article_id, why)
    return out
