"""Consolidation's working files (:class:`pipeline.core.tables.TableFiles`): a table read back equals the one
written, schema and metadata included; the quarantine checks on the files find what they find on the Arrow
tables, whatever the files' row groups and the chunks."""

import pyarrow as pa
import pytest

from pipeline.core import tables as tables_module
from pipeline.core.quality import failing_articles
from pipeline.core.quality_chunks import failing_articles_chunked
from pipeline.core.tables import TableFiles, to_arrow, write_work_table
from pipeline.schema import EVENTS
from tests.unit.test_quality_chunks import AS_OF, _tables
from tests.unit.test_quality_tables import _planted


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
