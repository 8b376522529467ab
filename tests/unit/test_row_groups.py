"""Tables are written in row groups of ROW_GROUP_ROWS rows whose bytes depend on the rows alone: not on how the
table is chunked in memory, nor on whether it is handed over whole or streamed as record batches."""
import random

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.core.tables import row_groups, write_parquet
from pipeline.schema import PARQUET_OPTIONS, ROW_GROUP_ROWS, format_note


def _table(n: int) -> pa.Table:
    rng = random.Random(n)
    words = [f"слово{i}" * (1 + i % 4) for i in range(5000)]
    return pa.table({"id": [f"{i:024x}" for i in range(n)], "start": list(range(n)),
                     "text": [rng.choice(words) for _ in range(n)],
                     "ids": [[rng.choice(words)] * (i % 3) for i in range(n)],
                     "score": [None if i % 7 == 0 else rng.random() for i in range(n)]})


def _rechunked(table: pa.Table, seed: int) -> pa.Table:
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, table.num_rows), 100))
    return pa.concat_tables([table.slice(a, b - a).combine_chunks() for a, b in zip([0] + cuts, cuts + [table.num_rows])])


def test_a_large_table_is_written_in_fixed_groups_whatever_its_chunks_or_streaming(tmp_path):
    table = _table(2 * ROW_GROUP_ROWS + 1234)
    want = write_parquet(table, tmp_path / "whole.parquet").read_bytes()
    meta = pq.read_metadata(tmp_path / "whole.parquet")
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [ROW_GROUP_ROWS, ROW_GROUP_ROWS, 1234]
    chunked = _rechunked(table, 1)
    assert chunked.column("text").num_chunks == 101
    got = {
        "chunked": write_parquet(chunked, tmp_path / "chunked.parquet"),
        "batches": write_parquet(iter(chunked.to_batches(max_chunksize=5000)), tmp_path / "batches.parquet", table.schema),
        "tables": write_parquet((chunked.slice(i, 30000) for i in range(0, chunked.num_rows, 30000)),
                                tmp_path / "tables.parquet", table.schema),
    }
    assert {name: path.read_bytes() == want for name, path in got.items()} == dict.fromkeys(got, True)
    assert pq.read_table(got["batches"]).equals(table)
    # without one chunk per group, Parquet's pages follow the chunks: the bytes would depend on memory layout
    pq.write_table(chunked, tmp_path / "raw.parquet", **PARQUET_OPTIONS)
    assert (tmp_path / "raw.parquet").read_bytes() != want


def test_a_table_of_one_group_keeps_the_bytes_of_a_plain_write(tmp_path):
    table = _table(3000)
    pq.write_table(table, tmp_path / "plain.parquet", **PARQUET_OPTIONS)  # how every table was written before
    want = (tmp_path / "plain.parquet").read_bytes()
    assert write_parquet(table, tmp_path / "a.parquet").read_bytes() == want
    assert write_parquet(_rechunked(table, 2), tmp_path / "b.parquet").read_bytes() == want
    assert write_parquet(iter(table.to_batches(max_chunksize=100)), tmp_path / "c.parquet", table.schema).read_bytes() == want
    empty = write_parquet(table.schema.empty_table(), tmp_path / "empty.parquet").read_bytes()
    assert write_parquet(iter([]), tmp_path / "empty2.parquet", table.schema).read_bytes() == empty


def test_row_groups_regroups_exactly_and_the_card_states_the_size():
    parts = [_table(7).to_batches()[0], _table(10).slice(0, 0), _table(10)]
    groups = list(row_groups(parts, size=5))
    assert [g.num_rows for g in groups] == [5, 5, 5, 2]
    assert all(c.num_chunks == 1 for g in groups for c in g.columns)
    assert pa.concat_tables(groups).equals(pa.concat_tables([pa.Table.from_batches([parts[0]]), *parts[1:]]))
    assert f"{ROW_GROUP_ROWS:,} rows" in format_note()
