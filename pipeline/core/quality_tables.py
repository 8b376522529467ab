"""The release-gating GX suites over whole tables without loading them: row-level expectations chunk by chunk,
table-level checks as DuckDB queries.

:func:`validate_tables` gives exactly :func:`pipeline.core.quality.validate_all`'s reports (same outcomes, counts,
samples and order; tests/unit/test_quality_tables.py and tests/realdata/test_quality_tables_real.py compare them)
from Arrow tables or Parquet files (:class:`ArrowSource`, :class:`ParquetSource`), holding one chunk at a time:

- **Row-level** expectations (:func:`~pipeline.core.quality.is_row_level`) run on contiguous row ranges of
  :data:`CHUNK_ROWS` rows. A chunk's derived check columns get, from the other tables, only the rows its own rows
  point at: the articles its mentions and events belong to (``span_ok``, ``sentence_ok``, ``date_ok``), the
  entity ids they name that exist (``entity_known``, ``ids_known``: referential integrity, looked up by key),
  the ``duplicate_of`` targets' publication times (``duplicate_ok``). Counts add up over chunks; the sample is
  the first :data:`~pipeline.core.quality.SAMPLE_SIZE` failing values in row order, as GX takes them. A chunk is
  converted to pandas with the dtypes of the whole table (an integer column with a null anywhere is float).
- **Table-level**: the column list is judged on the first chunk (it only reads the columns); the row count,
  uniqueness (one column, or compound: GX counts every row of a repeated value, skips nulls, and for compound keys
  only rows whose every column is null) and the share of quarantined articles are DuckDB queries.

A suite this does not know how to split (an expectation type outside these, ``mostly``) or a table without the
key columns the lookups need runs on the whole frames, as before.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["CHUNK_ROWS", "ArrowSource", "ParquetSource", "validate_frames", "validate_tables"]

#: rows per chunk for the row-level expectations
CHUNK_ROWS = 20_000
#: rows per chunk of articles (bodies are long)
CHUNK_ARTICLES = 2_000
#: DuckDB's memory for the table-level queries (it spills to a temporary folder past it; the results are the same)
DUCKDB_MEMORY = "64MB"
ROW = "file_row_number"
UNIQUE_TYPES = {"expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"}
SCHEMA_TYPES = {"expect_table_columns_to_match_ordered_list"}
COUNT_TYPES = {"expect_table_row_count_to_be_between"}
#: the columns a table needs for its chunks' lookups (without them the suite runs on whole frames)
KEYS = {"mentions": ("article_id", "entity_id"), "events": ("article_id", "actor1_ids", "actor2_ids", "location_id"),
        "articles": ("article_id", "duplicate_of", "published_at"), "rejects": ("reason",)}
ARTICLE_LOOKUP = ("article_id", "body", "text_policy", "published_at")


class ArrowSource:
    """Tables held as Arrow (e.g. the build's, or a release's with its text policy applied)."""

    def __init__(self, tables: dict[str, pa.Table]):
        self.tables = tables

    def names(self) -> list[str]:
        return list(self.tables)

    def schema(self, name: str) -> pa.Schema:
        return self.tables[name].schema

    def num_rows(self, name: str) -> int:
        return self.tables[name].num_rows

    def chunks(self, name: str, size: int):
        table = self.tables[name]
        for start in range(0, table.num_rows, size):
            yield table.slice(start, size)

    def lookup(self, name: str, key: str, values: list, columns: list[str]) -> pa.Table:
        table = self.tables[name]
        values = pa.array(values, table.schema.field(key).type)
        return table.select(columns).filter(pc.is_in(table.column(key), value_set=values))

    def take(self, name: str, rows: list[int], columns: list[str]) -> pa.Table:
        return self.tables[name].select(columns).take(pa.array(rows, pa.int64()))

    def register(self, con, name: str) -> None:
        table = self.tables[name]
        con.register(name, table.append_column(ROW, pa.array(range(table.num_rows), pa.int64())))


class ParquetSource:
    """Tables as Parquet files ``folder/<name>.parquet``, read a row group at a time."""

    def __init__(self, paths: dict[str, Path]):
        self.paths = {name: Path(p) for name, p in paths.items()}

    @classmethod
    def folder(cls, folder: Path, names) -> "ParquetSource":
        return cls({name: Path(folder) / f"{name}.parquet" for name in names})

    def _file(self, name: str):
        import pyarrow.parquet as pq

        return pq.ParquetFile(self.paths[name])

    def names(self) -> list[str]:
        return list(self.paths)

    def schema(self, name: str) -> pa.Schema:
        return self._file(name).schema_arrow

    def num_rows(self, name: str) -> int:
        return self._file(name).metadata.num_rows

    def chunks(self, name: str, size: int):
        for batch in self._file(name).iter_batches(batch_size=size, use_threads=False):
            yield pa.Table.from_batches([batch])

    def lookup(self, name: str, key: str, values: list, columns: list[str]) -> pa.Table:
        """The rows whose ``key`` is one of ``values``, in file order, reading only the row groups whose min/max
        statistics of ``key`` can hold one (a file sorted by ``key``, as consolidation writes it, gives one or two
        groups; a dataset filter read every group of the file, the articles' bodies included, for each chunk)."""
        if not values:
            return self.schema(name).empty_table().select(columns)
        file = self._file(name)
        meta = file.metadata
        leaf = next((i for i in range(meta.num_columns) if meta.schema.column(i).path == key), None)
        low, high = min(values), max(values)
        groups = []
        for g in range(meta.num_row_groups):
            stats = meta.row_group(g).column(leaf).statistics if leaf is not None else None
            if stats is not None and stats.has_min_max and (stats.max < low or stats.min > high):
                continue
            groups.append(g)
        wanted = pa.array(values, file.schema_arrow.field(key).type)
        parts = []
        for g in groups:
            table = file.read_row_group(g, columns=list(dict.fromkeys([*columns, key])), use_threads=False)
            parts.append(table.filter(pc.is_in(table.column(key), value_set=wanted)).select(columns))
        return pa.concat_tables(parts) if parts else self.schema(name).empty_table().select(columns)

    def take(self, name: str, rows: list[int], columns: list[str]) -> pa.Table:
        file, parts, start = self._file(name), [], 0
        wanted = sorted(set(rows))
        for group in range(file.metadata.num_row_groups):
            stop = start + file.metadata.row_group(group).num_rows
            inside = [r - start for r in wanted if start <= r < stop]
            if inside:
                parts.append(file.read_row_group(group, columns=columns).take(pa.array(inside, pa.int64())))
            start = stop
        found = pa.concat_tables(parts) if parts else self.schema(name).empty_table().select(columns)
        return found.take(pa.array([wanted.index(r) for r in rows], pa.int64()))

    def register(self, con, name: str) -> None:
        con.read_parquet(str(self.paths[name]), file_row_number=True).create_view(name)


def validate_tables(source, reference, published: bool = False, names=None) -> dict:
    """Every table's suite (or those of ``names``), as :func:`pipeline.core.quality.validate_all` on whole frames,
    from ``source`` (an :class:`ArrowSource`, a :class:`ParquetSource`, a dict of Arrow tables, or consolidation's
    :class:`~pipeline.core.tables.TableFiles`, read as a :class:`ParquetSource`). The one
    gating validation of the build, the CLI, the Dagster checks and publishing."""
    import duckdb

    import tempfile

    from .tables import TableFiles

    if isinstance(source, TableFiles):  # consolidation's files: read a chunk at a time, never whole
        source = ParquetSource(source.paths)
    source = ArrowSource(source) if isinstance(source, dict) else source
    spill = tempfile.TemporaryDirectory(prefix="vostok-duckdb-")
    con = duckdb.connect()
    con.execute("SET threads TO 1")
    # the uniqueness queries' windows over every row (2.3M mentions at 100k documents) spill past this
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
    con.execute(f"SET temp_directory = '{spill.name}'")
    registered: set[str] = set()

    def sql(name: str):
        if name not in registered:
            source.register(con, name)
            registered.add(name)
        return con

    try:
        return {name: _validate(name, source, sql, reference, published) for name in source.names()
                if names is None or name in names}
    finally:
        con.close()
        spill.cleanup()
        from .known_rows import forget

        forget()


def validate_frames(frames: dict, reference, published: bool = False, names=None) -> dict:
    """:func:`validate_tables` on pandas frames (the Dagster checks' inputs), converted to Arrow with the
    schema's types; frames that do not fit the schema (a column missing, a wrong type) are validated whole, so
    that the suite reports what is wrong instead of the conversion raising."""
    from ..schema import TABLES
    from .quality import validate_table
    from .tables import from_pandas

    try:
        tables = {name: from_pandas(TABLES[name], frame) for name, frame in frames.items()}
    except (KeyError, TypeError, ValueError, pa.ArrowException):
        return {name: validate_table(name, frames, reference, published) for name in frames
                if names is None or name in names}
    return validate_tables(tables, reference, published, names)


def _validate(name: str, source, sql, reference, published: bool):
    from .quality import SuiteReport, quarantine_share_of, suite_configs, validate_table

    extra = _extra_columns(name)
    configs = suite_configs(name, reference, extra, published=published)
    if not _splittable(name, source, configs):
        frames = {n: t.to_pandas() for n, t in _whole(source).items()}
        return validate_table(name, frames, reference, published)
    outcomes = _row_level(name, source, reference, configs, extra) + _table_level(name, source, sql, configs)
    from .quality import outcome_order

    outcomes.sort(key=outcome_order)
    report = SuiteReport(name, all(o.success for o in outcomes), outcomes)
    if name == "rejects" and "articles" in source.names():
        quarantined = sql("rejects").execute("SELECT count(*) FROM rejects WHERE reason = 'quarantined'").fetchone()[0]
        share = quarantine_share_of(int(quarantined), source.num_rows("articles"))
        report.outcomes.append(share)
        report.success = all(o.success for o in report.outcomes)
    return report


def _extra_columns(name: str) -> tuple[str, ...]:
    from .quality import ARTICLE_CHECK_COLUMNS, EVENT_CHECK_COLUMNS

    return {"mentions": ("span_ok", "entity_known"), "events": EVENT_CHECK_COLUMNS,
            "articles": ARTICLE_CHECK_COLUMNS}.get(name, ())


def _whole(source) -> dict[str, pa.Table]:
    if isinstance(source, ArrowSource):
        return source.tables
    import pyarrow.parquet as pq

    return {n: pq.read_table(p) for n, p in source.paths.items()}


def _splittable(name: str, source, configs: list[dict]) -> bool:
    from .quality import is_row_level

    columns = set(source.schema(name).names)
    needs = {"mentions": ("articles", "entities"), "events": ("articles", "entities")}.get(name, ())
    if not set(KEYS.get(name, ())) <= columns or not set(needs) <= set(source.names()):
        return False
    if needs and not {"article_id", "body", "published_at"} <= set(source.schema("articles").names):
        return False
    if needs and "entity_id" not in source.schema("entities").names:
        return False
    for cfg in configs:
        if "mostly" in cfg["kwargs"]:
            return False
        if not is_row_level(cfg["type"]) and cfg["type"] not in UNIQUE_TYPES | SCHEMA_TYPES | COUNT_TYPES:
            return False
        if cfg["type"] in UNIQUE_TYPES and not set(cfg["kwargs"].get("column_list") or [cfg["kwargs"]["column"]]) <= columns:
            return False
    return True


def _whole_dtypes(frame, chunk: pa.Table, nulls: dict[str, int]):
    """``frame`` (``chunk`` as pandas) with the dtypes the whole table converts to: Arrow makes an integer
    column with a null float, and a boolean one object."""
    for field in chunk.schema:
        if nulls.get(field.name) and not chunk.column(field.name).null_count:
            if pa.types.is_integer(field.type):
                frame[field.name] = frame[field.name].astype("float64")
            elif pa.types.is_boolean(field.type):
                frame[field.name] = frame[field.name].astype(object)
    return frame


def _null_counts(name: str, source) -> dict[str, int]:
    counts: dict[str, int] = {}
    for chunk in source.chunks(name, CHUNK_ROWS):
        for field in chunk.schema:
            counts[field.name] = counts.get(field.name, 0) + chunk.column(field.name).null_count
    return counts


def _check_chunk(name: str, frame, source):
    """``frame`` (a chunk) with its derived check columns, from the rows of the other tables it points at."""
    import pandas as pd

    from .quality import with_article_check_columns, with_event_check_columns, with_relational_columns

    if name == "articles":
        targets = sorted({t for t in frame["duplicate_of"] if isinstance(t, str)})
        found = source.lookup("articles", "article_id", targets, ["article_id", "published_at"]).to_pandas()
        return with_article_check_columns(frame, dict(zip(found["article_id"], found["published_at"])))
    if name not in ("mentions", "events"):
        return frame
    ids = sorted({a for a in frame["article_id"] if isinstance(a, str)})
    columns = [c for c in ARTICLE_LOOKUP if c in source.schema("articles").names]
    articles = source.lookup("articles", "article_id", ids, columns).to_pandas()
    if name == "mentions":
        named = frame["entity_id"]
    else:
        named = [i for r in zip(frame["actor1_ids"], frame["actor2_ids"], frame["location_id"])
                 for i in [*(r[0] if r[0] is not None else []), *(r[1] if r[1] is not None else []), r[2]]]
    named = sorted({i for i in named if isinstance(i, str)})
    entities = pd.DataFrame({"entity_id": source.lookup("entities", "entity_id", named, ["entity_id"])
                             .column("entity_id").to_pylist()}, dtype=object)
    derive = with_relational_columns if name == "mentions" else with_event_check_columns
    return derive(frame, articles, entities)


def _row_level(name: str, source, reference, configs: list[dict], extra: tuple[str, ...]) -> list:
    from .quality import SAMPLE_SIZE, is_row_level

    chunked = [c for c in configs if is_row_level(c["type"]) or c["type"] in SCHEMA_TYPES]
    nulls = _null_counts(name, source)
    size = CHUNK_ARTICLES if name == "articles" else CHUNK_ROWS
    chunks = source.chunks(name, size) if source.num_rows(name) else iter([source.schema(name).empty_table()])
    merged: list | None = None
    for number, chunk in enumerate(chunks):
        frame = _check_chunk(name, _whole_dtypes(chunk.to_pandas(), chunk, nulls), source).reset_index(drop=True)
        outcomes = _run_cached(name, frame, chunked if number == 0 else
                               [c for c in chunked if c["type"] not in SCHEMA_TYPES])
        if merged is None:
            merged = outcomes
            continue
        by_key = {_key(o): o for o in outcomes}
        for o in merged:
            if o.expectation in SCHEMA_TYPES or o.unexpected_count is None:
                continue  # judged on the first chunk, or an exception (which every chunk raises)
            later = by_key[_key(o)]
            if later.unexpected_count is None:
                o.unexpected_count, o.sample, o.success = None, later.sample, False
                continue
            o.unexpected_count += later.unexpected_count
            o.sample = (o.sample + later.sample)[:SAMPLE_SIZE]
            o.success = o.success and later.success
    return merged or []


def _run_cached(name: str, frame, configs: list[dict]) -> list:
    """GX on one chunk, through the validation cache (a rebuild with nothing new runs no GX) and on the rows
    not judged before (:mod:`.known_rows`: a rebuild with a few new documents runs GX on about those)."""
    from dataclasses import asdict

    from . import validation_cache
    from .known_rows import run_expectations_known
    from .quality import ExpectationOutcome

    entry = validation_cache.key(f"{name}:chunk", frame, configs, (), False)
    if (cached := validation_cache.get(entry)) is not None:
        return [ExpectationOutcome(**o) for o in cached["outcomes"]]
    outcomes = run_expectations_known(name, frame, configs)
    validation_cache.put(entry, {"outcomes": [asdict(o) for o in outcomes]})
    return outcomes


def _key(o) -> tuple:
    import json

    return (o.expectation, o.column or "", json.dumps(o.kwargs, sort_keys=True))


def _table_level(name: str, source, sql, configs: list[dict]) -> list:
    from .quality import SAMPLE_SIZE, ExpectationOutcome, _jsonable

    out = []
    for cfg in configs:
        kwargs = {k: _jsonable(v) for k, v in sorted(cfg["kwargs"].items())}
        why = (cfg.get("meta") or {}).get("why")
        if cfg["type"] in COUNT_TYPES:
            rows = source.num_rows(name)
            low, high = cfg["kwargs"].get("min_value"), cfg["kwargs"].get("max_value")
            ok = (low is None or rows >= low) and (high is None or rows <= high)
            out.append(ExpectationOutcome(cfg["type"], cfg["kwargs"].get("column"), ok, None, [], kwargs, why))
        elif cfg["type"] in UNIQUE_TYPES:
            columns = cfg["kwargs"].get("column_list") or [cfg["kwargs"]["column"]]
            count, rows = _repeated(sql(name), name, columns)
            frame = source.take(name, rows[:SAMPLE_SIZE], columns).to_pandas()
            sample = (list(frame[columns[0]]) if "column" in cfg["kwargs"] else frame.to_dict("records"))
            out.append(ExpectationOutcome(cfg["type"], cfg["kwargs"].get("column"), count == 0, count,
                                          [_jsonable(v) for v in sample], kwargs, why))
    return out


def _repeated(con, name: str, columns: list[str]) -> tuple[int, list[int]]:
    """How many rows carry a value (a tuple of values) that another row carries too, and the first rows of them
    in table order. Nulls are skipped (a compound key: only when every part is null)."""
    quoted = ", ".join(f'"{c}"' for c in columns)
    present = " OR ".join(f'"{c}" IS NOT NULL' for c in columns)
    query = (f"WITH k AS (SELECT {ROW} AS r, count(*) OVER (PARTITION BY {quoted}) AS n FROM {name} WHERE {present}) "
             "SELECT r FROM k WHERE n > 1 ORDER BY r")
    count = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
    rows = [r for (r,) in con.execute(f"{query} LIMIT 5").fetchall()]
    return int(count), [int(r) for r in rows]
