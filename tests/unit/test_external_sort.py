"""The external sort: ranges of the first key, each sorted alone, one after the other, are the stable sort of the
whole table, and the working file written range by range has the bytes of the whole table's."""

import random

import pyarrow as pa

from pipeline.core import external_sort
from pipeline.core.external_sort import RangeSpill, bounds_by_count, bounds_every, sort_table, write_buckets
from pipeline.core.tables import to_arrow, write_work_table
from pipeline.schema import MENTIONS


def _rows(n: int) -> list[dict]:
    rng = random.Random(3)
    articles = ["", "a", "ab", "b", "Ж", "z9", "é"] + [f"{rng.getrandbits(32):08x}" for _ in range(20)]
    return [{"mention_id": f"m{i}", "article_id": rng.choice(articles), "entity_id": rng.choice(("x", "y")),
             "type": "LOC", "start": rng.choice((1, 2, 10, 100, 9)), "end": rng.choice((3, 30)), "text": "t",
             "normal": str(i), "link": "unlinked", "wikidata_id": None, "link_confidence": 0.0} for i in range(n)]


def test_ranges_sorted_one_by_one_are_the_whole_stable_sort(tmp_path, monkeypatch):
    rows = _rows(400)  # repeated keys, empty and non-ASCII keys: ties keep their input order
    working = pa.schema([f.with_nullable(True) for f in to_arrow(MENTIONS, []).schema])
    table = pa.Table.from_pylist(rows, schema=working)
    expected = to_arrow(MENTIONS, rows)
    monkeypatch.setattr(external_sort, "SPILL_BYTES", 2_000)  # several spill groups
    for bounds in ([], bounds_every([r["article_id"] for r in rows], 50), ["0", "a", "b", "z"], ["", "é"]):
        spill = RangeSpill(tmp_path, bounds, "article_id")
        for start in range(0, len(rows), 37):
            spill.add(table.slice(start, 37))
        parts = [sort_table(held, MENTIONS) for held in spill.buckets()]
        assert pa.concat_tables(parts).equals(expected)
        whole = write_work_table(expected, tmp_path / "a" / "mentions.parquet").read_bytes()
        assert write_buckets(iter(parts), expected.schema, tmp_path / "b" / "mentions.parquet").read_bytes() == whole
    assert not list(tmp_path.glob("*.arrow"))


def test_entity_ranges_put_nulls_last_and_never_split_a_key(tmp_path):
    counts = {"a": 5, "b": 1, "c": 1, "d": 7, None: 3}
    assert bounds_by_count(counts, 2) == ["b", "d"]
    spill = RangeSpill(tmp_path, ["b", "d"], "entity_id", nulls_last=True)
    spill.add(pa.table({"entity_id": ["d", None, "a", "c", "b", None, "a"], "n": list(range(7))}))
    got = [held.pop().to_pydict() for held in spill.buckets()]
    assert got == [{"entity_id": ["a", "a"], "n": [2, 6]}, {"entity_id": ["c", "b"], "n": [3, 4]},
                   {"entity_id": ["d"], "n": [0]}, {"entity_id": [None, None], "n": [1, 5]}]


def test_no_rows_write_the_empty_table(tmp_path):
    empty = to_arrow(MENTIONS, [])
    whole = write_work_table(empty, tmp_path / "a" / "mentions.parquet").read_bytes()
    assert write_buckets(iter([]), empty.schema, tmp_path / "b" / "mentions.parquet").read_bytes() == whole
