"""Entities are built from the mentions a chunk at a time, cut where the entity id changes: the cuts equal the
row-by-row loop they replace (tests/unit/test_consolidate_stream.py checks whole tables)."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from pipeline.core.consolidate import _entity_chunks


def _loop(ids: list, size: int) -> list[tuple[int, int]]:
    """The cut points as consolidation computed them from a Python list of every id (before issue 20's fifth
    round)."""
    out, start = [], 0
    while start < len(ids):
        stop = min(start + size, len(ids))
        while stop < len(ids) and ids[stop] == ids[stop - 1]:
            stop += 1
        out.append((start, stop))
        start = stop
    return out


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("size", [1, 2, 3, 7, 50])
def test_entity_chunks_equal_the_row_loop(seed, size):
    rng = random.Random(seed)
    n = rng.randrange(0, 60)
    ids = sorted((rng.choice([None, "a", "b", "c", "d", "e"]) for _ in range(n)), key=lambda v: (v is not None, v or ""))
    for column in (pa.chunked_array([pa.array(ids, pa.string())]),
                   pa.chunked_array([pa.array(ids[:n // 2], pa.string()), pa.array(ids[n // 2:], pa.string())],
                                    pa.string())):
        assert _entity_chunks(column, size) == _loop(ids, size)


def test_entity_chunks_edges():
    one = pa.chunked_array([pa.array(["x"])])
    assert _entity_chunks(one, 5) == [(0, 1)]
    assert _entity_chunks(pa.chunked_array([], pa.string()), 5) == []
    same = pa.chunked_array([pa.array(["x"] * 10)])
    assert _entity_chunks(same, 3) == [(0, 10)]
    nulls = pa.chunked_array([pa.array([None, None, "a", "a", "b"], pa.string())])
    assert _entity_chunks(nulls, 1) == _loop([None, None, "a", "a", "b"], 1) == [(0, 2), (2, 4), (4, 5)]
