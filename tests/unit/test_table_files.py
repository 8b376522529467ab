"""Consolidation's working files (:class:`pipeline.core.tables.TableFiles`): a table read back equals the one
written, schema and metadata included; the working tables written from the files are the bytes written from the
Arrow tables (one group, or streamed and regrouped); the quarantine checks on the files find what they find on the Arrow
tables, and so do the gating suites (read as a ParquetSource, never whole), whatever the files' row groups and the
chunks."""

import pyarrow as pa
import pytest

from pipeline.core import quality_tables, tables as tables_module
from pipeline.core.quality import failing_articles, validate_all
from pipeline.core.quality_chunks import failing_articles_chunked
from pipeline.core.quality_tables import ParquetSource, validate_tables
from pipeline.core.tables import TableFiles, to_arrow, write_work_table, write_working_tables
from pipeline.schema import ENTITIES, EVENTS, REJECTS, ROW_GROUP_ROWS
from tests.unit.test_quality_chunks import AS_OF, _tables
from tests.unit.test_quality_tables import _planted, _reports


def _files(tables: dict, folder, monkeypatch, rows: int) -> TableFiles:
    monkeypatch.setattr(tables_module, "WORK_GROUP_ROWS", {})
    monkeypatch.setattr(tables_module, "WORK_GROUP_ROWS_DEFAULT", rows)
    return TableFiles({name: write_work_table(t, folder / f"{name}.parquet") for name, t in tables.items()})


def test_a_table_read_back_is_the_table_written(tmp_path, monkeypatch):
    tables = {**_planted(), "events": to_arrow(EVENTS, [])}
    files = _files(tables, tmp_path, monkeypatch, 2)
    assert list(files) == list(tables) and len(files) == 5 and "entities" in files
    for name, table in tables.items():
        back = files[name]
        assert back.schema.equals(table.schema, check_metadata=True), name  # lists keep their "item" field
        assert back.equals(table), name
        assert files.num_rows(name) == table.num_rows
        assert files.column(name, table.column_names[0]).to_pylist() == table.column(0).to_pylist()
        batches = list(files.batches(name))
        assert pa.Table.from_batches(batches, schema=table.schema).equals(table) if batches else table.num_rows == 0
    assert files.get("nothing") is None and files.get("rejects").num_rows == tables["rejects"].num_rows


def test_row_ranges_read_across_groups_equal_slices(tmp_path, monkeypatch):
    table = _planted()["mentions"]
    assert table.num_rows >= 5
    files = _files({"mentions": table}, tmp_path, monkeypatch, 2)
    for cuts in ([0, 1, 4, table.num_rows], [0, 0, 3, 3, table.num_rows], [2, 5]):
        reader = files.rows("mentions")
        for start, stop in zip(cuts, cuts[1:]):
            assert reader.read(start, stop).equals(table.slice(start, stop - start)), (cuts, start, stop)
    with pytest.raises(ValueError):
        reader = files.rows("mentions")
        reader.read(3, 4)
        reader.read(0, 1)


@pytest.mark.parametrize("rows", [1, 2, 3, 1000])
def test_quarantine_checks_on_files_find_what_they_find_on_arrow(tmp_path, monkeypatch, rows):
    tables = _tables()
    whole = failing_articles({name: t.to_pandas() for name, t in tables.items()}, AS_OF)
    assert whole  # the fixture plants failures
    files = _files(tables, tmp_path, monkeypatch, rows)
    for chunk in (1, 2, 3, 100):
        assert failing_articles_chunked(files, AS_OF, chunk=chunk) == whole, (rows, chunk)
        assert failing_articles_chunked(tables, AS_OF, chunk=chunk) == whole, (rows, chunk)


@pytest.mark.parametrize("published", [False, True])
def test_suites_on_files_equal_suites_on_arrow(tmp_path, monkeypatch, published):
    tables = _planted()
    whole = _reports(validate_all({n: t.to_pandas() for n, t in tables.items()}, AS_OF, published=published))
    assert not all(r["success"] for r in whole.values())  # the fixture plants failures
    files = _files(tables, tmp_path, monkeypatch, 2)
    read_whole = []
    monkeypatch.setattr(TableFiles, "__getitem__", lambda self, name: read_whole.append(name))
    monkeypatch.setattr(quality_tables, "ParquetSource", _Recorded)
    for chunk_rows, chunk_articles in ((1, 1), (3, 2), (1000, 1000)):
        monkeypatch.setattr(quality_tables, "CHUNK_ROWS", chunk_rows)
        monkeypatch.setattr(quality_tables, "CHUNK_ARTICLES", chunk_articles)
        _Recorded.made.clear()
        assert _reports(validate_tables(files, AS_OF, published=published)) == whole, (chunk_rows, chunk_articles)
        assert [s.paths for s in _Recorded.made] == [files.paths]  # read through one ParquetSource of the files
        assert _reports(validate_tables(tables, AS_OF, published=published)) == whole
    assert read_whole == []  # no table was read whole


class _Recorded(ParquetSource):
    made: list = []

    def __init__(self, paths):
        super().__init__(paths)
        _Recorded.made.append(self)


def _big_entities(n: int) -> pa.Table:
    rows = [{"entity_id": f"loc:{i:06d}", "type": "LOC", "name": f"Место {i % 977}", "name_en": None,
             "wikidata_id": f"Q{i}" if i % 3 else None, "link_confidence": 0.5, "country": "KOR",
             "aliases": [f"м{i % 13}"] * (i % 3), "mention_count": i % 7 + 1, "article_count": 1, "linked": bool(i % 2)}
            for i in range(n)]
    return to_arrow(ENTITIES, rows)


def test_working_tables_from_files_are_the_bytes_from_arrow(tmp_path, monkeypatch):
    """Small tables (one published group, read whole) and a table of more than ROW_GROUP_ROWS rows (streamed a
    working group at a time, regrouped): the same bytes as write_working_tables on the Arrow tables."""
    tables = {**_planted(), "entities": _big_entities(ROW_GROUP_ROWS + 2_345), "rejects": to_arrow(REJECTS, [])}
    want = write_working_tables(tables, {"as_of": "2026-12-01"}, tmp_path / "arrow")
    files = _files(tables, tmp_path / "work", monkeypatch, 10_000)  # groups that do not divide ROW_GROUP_ROWS
    streamed = []
    whole = TableFiles.__getitem__
    monkeypatch.setattr(TableFiles, "__getitem__", lambda self, name: streamed.append(name) or whole(self, name))
    got = write_working_tables(files, {"as_of": "2026-12-01"}, tmp_path / "files")
    assert "entities" not in streamed and "articles" in streamed  # the large one streamed, the small read whole
    assert list(got) == list(want)
    for name in want:
        assert got[name].read_bytes() == want[name].read_bytes(), name
    assert (tmp_path / "files" / "SHA256SUMS").read_bytes() == (tmp_path / "arrow" / "SHA256SUMS").read_bytes()
