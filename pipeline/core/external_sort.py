"""External sort: a table gathered batch by batch, written to a working file in its final order without holding it.

The order is :func:`pipeline.core.tables.to_arrow`'s: a stable sort on each key column's text. Rows are spilled,
in gather order, to buckets that are ranges of the first key column (:class:`RangeSpill`, Arrow IPC files); each
bucket is then read back alone, sorted and streamed to the working file in row groups (:func:`write_buckets`).
Every key of bucket ``i`` sorts before every key of bucket ``i + 1``, and a bucket holds its rows in gather order,
so a stable sort within each bucket, bucket after bucket, is the stable sort of the whole table: the same rows in
the same order, whatever the bucket sizes (``tests/unit/test_external_sort.py``). Memory is one bucket and one
spill group, not the table, with one open file per range (docs/measurements.md, "External sort in consolidation").
"""

from __future__ import annotations

import os
import tempfile
from bisect import bisect_right
from pathlib import Path

import pyarrow as pa

#: bytes of rows gathered before they are dealt out to the buckets (one IPC message per bucket and group)
SPILL_BYTES = 16 << 20
#: articles per bucket of the article-keyed tables (their mentions and events go with them)
BUCKET_ARTICLES = 2_000
#: mentions per bucket of the entities' spill (an entity is never split, so a bucket may hold more)
BUCKET_MENTIONS = 100_000


def bounds_every(keys, size: int) -> list:
    """Bucket bounds cutting the sorted ``keys`` (str, no None) every ``size`` of them."""
    keys = sorted(keys)
    return keys[size::size]


def bounds_by_count(counts: dict, size: int) -> list:
    """Bucket bounds over the keys of ``counts`` (key -> rows, None left out), each bucket at least ``size`` rows."""
    bounds, held = [], 0
    for key in sorted(k for k in counts if k is not None):
        if held >= size:
            bounds.append(key)
            held = 0
        held += counts[key]
    return bounds


class RangeSpill:
    """Rows dealt out to buckets by ranges of ``key``'s text (``bounds``, sorted: bucket ``i`` holds the keys in
    ``[bounds[i-1], bounds[i])``), each bucket an Arrow IPC stream in ``folder``, its rows in the order added.
    A null key is the empty string, or, with ``nulls_last``, a bucket after every other (Arrow's sort puts nulls
    last)."""

    def __init__(self, folder, bounds: list, key: str, nulls_last: bool = False):
        self.folder, self.bounds, self.key, self.nulls_last = Path(folder), list(bounds), key, nulls_last
        self.pending: list = []
        self.rows = self.bytes = 0
        self.writers: dict[int, tuple] = {}
        self.schema = None

    def _bucket(self, value) -> int:
        if value is None:
            return len(self.bounds) + 1 if self.nulls_last else bisect_right(self.bounds, "")
        return bisect_right(self.bounds, value)

    def add(self, table: pa.Table) -> None:
        self.schema = self.schema or table.schema
        self.pending.append(table)
        self.rows += table.num_rows
        self.bytes += table.nbytes
        if self.bytes >= SPILL_BYTES:
            self.flush()

    def flush(self) -> None:
        import numpy as np
        import pyarrow.compute as pc

        if not self.rows:
            self.pending = []
            return
        table = pa.concat_tables(self.pending)
        self.pending, self.rows, self.bytes = [], 0, 0
        keys = table.column(self.key)
        distinct = pc.unique(keys)
        bucket = pa.array([self._bucket(v) for v in distinct.to_pylist()], pa.int32()).take(
            pc.index_in(keys, value_set=distinct))
        order = pc.sort_indices(bucket)  # stable: a bucket's rows keep the order they were added in
        table, bucket = table.take(order), bucket.take(order).to_numpy()
        starts = [0, *(np.flatnonzero(np.diff(bucket)) + 1).tolist(), len(bucket)]
        for start, stop in zip(starts, starts[1:]):
            self._writer(int(bucket[start])).write_table(table.slice(start, stop - start))

    def _writer(self, bucket: int):
        if bucket not in self.writers:
            path = self.folder / f"{id(self)}-{bucket}.arrow"
            sink = pa.OSFile(str(path), "wb")
            self.writers[bucket] = (path, sink, pa.ipc.new_stream(sink, self.schema))
        return self.writers[bucket][2]

    def buckets(self):
        """Each bucket's rows, in key order, as a list holding the only reference to its table (for
        :func:`sort_table` to take over); its file is removed once read."""
        self.flush()
        for _, sink, writer in self.writers.values():
            writer.close()
            sink.close()
        for bucket in sorted(self.writers):
            path = self.writers.pop(bucket)[0]
            with pa.OSFile(str(path), "rb") as source:
                table = pa.ipc.open_stream(source).read_all()
            os.unlink(path)
            held = [table]
            del table
            yield held


def spill_folder(folder) -> tempfile.TemporaryDirectory:
    """A temporary folder for the buckets, inside ``folder`` (the working files' disk)."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(dir=folder, prefix=".spill-")


def write_buckets(tables, schema: pa.Schema, path: Path) -> Path:
    """Sorted parts (tables of ``schema``, in order) → the working file ``path`` (row groups of
    :data:`~.tables.WORK_GROUP_ROWS`, the bytes :func:`~.tables.write_work_table` writes for the whole table);
    atomic."""
    import pyarrow.parquet as pq

    from .tables import (WORK_GROUP_ROWS, WORK_GROUP_ROWS_DEFAULT, WORK_OPTIONS, _temp_path, row_groups,
                         sweep_stale_temps)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale_temps(path.parent, path.name)
    tmp = _temp_path(path)
    size = WORK_GROUP_ROWS.get(path.stem, WORK_GROUP_ROWS_DEFAULT)
    written = False
    try:
        with pq.ParquetWriter(str(tmp), schema, **WORK_OPTIONS) as writer:
            for group in row_groups(tables, size):
                writer.write_table(group, row_group_size=size)
                written = True
        if not written:
            pq.write_table(schema.empty_table(), str(tmp), row_group_size=size, **WORK_OPTIONS)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _order_by(table, columns: tuple[str, ...]):
    """``table`` in the order of :func:`pipeline.core.tables.to_arrow`: a stable sort on each column as text
    (``str`` of the value, null as the empty string), one chunk per column.

    ``table``: an Arrow table, or a list holding the only reference to one, which is then taken over: its
    columns are reordered one at a time, each concatenated and its chunks dropped before it is reordered (Arrow's
    take concatenates a chunked column anyway, and keeps the chunks), so a whole unsorted and a whole sorted copy
    are never alive together: at most the table and one column more (the same rows, one chunk per column, as
    ``table.take(order).combine_chunks()``)."""
    import pyarrow.compute as pc

    if isinstance(table, list):
        table = table.pop()  # the caller handed it over: ours is now the only reference
    keys = {}
    for i, c in enumerate(columns):
        column = table.column(c)
        if not (pa.types.is_string(column.type) or pa.types.is_integer(column.type)):
            raise TypeError(f"sort column {c} is {column.type}: only text and integers sort as their text")
        keys[f"k{i}"] = pc.fill_null(column if pa.types.is_string(column.type) else pc.cast(column, pa.string()), "")
    if not len(table):
        return table.combine_chunks()
    order = pc.sort_indices(pa.table(keys), sort_keys=[(k, "ascending") for k in keys])
    del keys
    schema, arrays = table.schema, []
    while table.num_columns:
        column = table.column(0).combine_chunks()  # Arrow's take would concatenate the chunks itself, keeping them
        table = table.remove_column(0)  # the unsorted chunks go now: one unsorted copy of one column remains
        _release()  # the sorted column cannot reuse the gathered one's small chunks: give their memory back
        arrays.append(column.take(order))
        del column
    return pa.Table.from_arrays(arrays, schema=schema)


def _release() -> None:
    """Give the memory Arrow's pool holds but no longer uses back to the system (its default pool, mimalloc,
    keeps freed pages for reuse; a whole column or a table's copy, freed, is then counted in the peak of every
    later step). Only where a large copy was just dropped: it changes no value."""
    pa.default_memory_pool().release_unused()


def sort_table(table, schema_table):
    """The final table: sorted by the schema's key, one chunk per column, the schema's metadata. ``table``: an
    Arrow table, or a list holding the only reference to one (taken over, see :func:`_order_by`)."""
    from ..schema import arrow_schema

    return _order_by(table, schema_table.sort_by).cast(arrow_schema(schema_table))
