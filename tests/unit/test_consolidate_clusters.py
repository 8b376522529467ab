"""Event clusters are computed one (CAMEO root, location) part at a time: the same ``event_cluster_id`` and
``cluster_representative`` as clustering every event's row at once."""

from __future__ import annotations

import datetime as dt
import random

import pyarrow as pa
import pytest

from pipeline.core.events.cluster import assign_clusters, cluster_parts, cluster_table


COLUMNS = ["event_id", "event_date", "actor1_countries", "actor2_countries", "cameo_root", "location_id",
           "confidence", "article_id", "start", "event_cluster_id", "cluster_representative"]
TYPES = [pa.string(), pa.date32(), pa.list_(pa.string()), pa.list_(pa.string()), pa.string(), pa.string(),
         pa.float64(), pa.string(), pa.int64(), pa.string(), pa.bool_()]


def _events(seed: int, n: int, repeat_ids: bool = False) -> pa.Table:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        rows.append({
            "event_id": f"e{rng.randrange(n // 2 + 1) if repeat_ids else i:04d}",
            "event_date": None if rng.random() < 0.2 else dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(40)),
            "actor1_countries": rng.sample(["RUS", "CHN", "JPN", "KOR"], rng.randrange(3)),
            "actor2_countries": rng.sample(["RUS", "USA", "PRK"], rng.randrange(2)),
            "cameo_root": rng.choice([None, "01", "04", "19"]),
            "location_id": rng.choice([None, "LOC:a", "LOC:b"]),
            "confidence": rng.choice([0.5, 0.7, 0.9]),
            "article_id": f"a{rng.randrange(10)}",
            "start": rng.randrange(100),
            "event_cluster_id": "",
            "cluster_representative": False,
        })
    return pa.table({c: pa.array([r[c] for r in rows], t) for c, t in zip(COLUMNS, TYPES)})


def _whole(events: pa.Table) -> pa.Table:
    """Every event's row clustered at once (consolidation before issue 20's fifth round)."""
    needed = COLUMNS[:9]
    rows = events.select(needed).to_pylist()
    assign_clusters(rows)
    for name in ("event_cluster_id", "cluster_representative"):
        column = pa.array([r[name] for r in rows], type=events.schema.field(name).type)
        events = events.set_column(events.schema.get_field_index(name), name, column)
    return events


@pytest.mark.parametrize("seed", range(15))
@pytest.mark.parametrize("n", [0, 1, 7, 60, 300])
def test_clusters_by_part_equal_whole(seed, n):
    events = _events(seed, n)
    assert cluster_table(events).equals(_whole(events))


@pytest.mark.parametrize("seed", range(5))
def test_repeated_event_ids_cluster_as_one_part(seed):
    events = _events(seed, 80, repeat_ids=True)
    assert [p.to_pylist() for p in cluster_parts(events)] == [list(range(80))]
    assert cluster_table(events).equals(_whole(events))


def test_parts_cover_every_row_once_in_order():
    events = _events(3, 200)
    parts = [p.to_pylist() for p in cluster_parts(events)]
    assert sorted(i for p in parts for i in p) == list(range(200))
    assert all(p == sorted(p) for p in parts)
    assert [p[0] for p in parts] == sorted(p[0] for p in parts)
    keys = {(events["cameo_root"][i].as_py(), events["location_id"][i].as_py()) for p in parts for i in p[:1]}
    assert len(keys) == len(parts)
