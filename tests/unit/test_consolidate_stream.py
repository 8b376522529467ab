"""Out-of-core consolidation: the Arrow sort equals to_arrow's row sort byte for byte, the batch files keep the
near-duplicate signature, and the entities table built an entity chunk at a time equals the one-pass table."""

import random

import pyarrow as pa

from pipeline.core import consolidate as consolidate_module
from pipeline.core import consolidate_tables
from pipeline.core.batch_rows import BatchRows
from pipeline.core.batch_store import BatchStore, batch_file, read_batch_rows, write_batch_rows
from pipeline.core.duplicates import SIGNATURE_KEY, signature
from pipeline.core.entities.linking import Mention, build_entities
from pipeline.core.tables import to_arrow, write_parquet
from pipeline.schema import MENTIONS


def _mention(article: str, start: int, end: int, entity: str, normal: str, qid=None) -> dict:
    return {"mention_id": f"{article}-{start}-{end}", "article_id": article, "entity_id": entity, "type": "LOC",
            "start": start, "end": end, "text": normal, "normal": normal, "link": "unlinked", "wikidata_id": qid,
            "link_confidence": 0.5 if qid else 0.0}


def _mentions() -> list[dict]:
    rng = random.Random(7)
    rows = []
    for a in ("b", "a", "c"):
        for start in (100, 9, 10, 10, 2, 1000):  # text order of offsets differs from their order as text
            rows.append(_mention(a, start, start + rng.choice((3, 30)), rng.choice(("loc:x", "loc:y", "loc:z")),
                                 rng.choice(("Сеул", "Пусан")), rng.choice((None, "Q8684"))))
    return rows


def test_the_arrow_sort_writes_the_same_bytes_as_the_row_sort(tmp_path):
    shuffled = _mentions()
    random.Random(1).shuffle(shuffled)
    # equal (article, start, end) keys keep their input order in both sorts (stable)
    expected = write_parquet(to_arrow(MENTIONS, shuffled), tmp_path / "rows.parquet").read_bytes()
    # two chunks, nullable fields (as read back from batch files): the sort also fixes chunks and schema
    working = pa.schema([f.with_nullable(True) for f in to_arrow(MENTIONS, []).schema])
    parts = [pa.Table.from_pylist(shuffled[:7], schema=working), pa.Table.from_pylist(shuffled[7:], schema=working)]
    arrow = consolidate_module.sort_table(pa.concat_tables(parts), MENTIONS)
    assert arrow.to_pylist() == to_arrow(MENTIONS, shuffled).to_pylist()
    assert write_parquet(arrow, tmp_path / "arrow.parquet").read_bytes() == expected
    # handed over in a list (consolidation's way: the unsorted columns are dropped one by one), same table
    handed = [pa.concat_tables(parts)]
    taken = consolidate_module.sort_table(handed, MENTIONS)
    assert handed == [] and taken.equals(arrow) and all(c.num_chunks == 1 for c in taken.columns)
    assert write_parquet(taken, tmp_path / "taken.parquet").read_bytes() == expected


def test_entities_built_by_chunks_equal_entities_built_at_once(monkeypatch):
    rows = _mentions()
    ordered = sorted(rows, key=lambda r: r["article_id"])  # the order consolidation feeds build_entities
    expected = build_entities([Mention(r["article_id"], r["start"], r["end"], r["type"], r["text"], r["normal"],
                                       r["entity_id"], r["link"], r["wikidata_id"], r["link_confidence"])
                               for r in ordered])
    table = consolidate_module._by_article(pa.Table.from_pylist(rows, schema=to_arrow(MENTIONS, []).schema))
    monkeypatch.setattr(consolidate_tables, "ENTITY_CHUNK", 2)  # chunks end on entity boundaries, never inside
    assert consolidate_module._entities(table) == expected
    assert len(expected) == 3


def test_batch_files_keep_the_duplicate_signature(tmp_path):
    body = "Президент Южной Кореи прибыл в Пусан на встречу с министрами экономики и финансов страны."
    article = {"article_id": "a1", "source_path": "day/a.md", "raw_sha256": "0" * 64, "body": body,
               SIGNATURE_KEY: signature(body)}
    rows = BatchRows("day", articles=[article], mentions={"a1": []}, events={"a1": []}, template_digest="t")
    write_batch_rows(rows, tmp_path)
    assert batch_file(tmp_path, "articles", "day").exists()
    back = read_batch_rows(tmp_path, "day")
    digest, values = back.articles[0][SIGNATURE_KEY]
    assert digest == signature(body)[0] and list(values) == list(signature(body)[1])
    store = BatchStore.at(tmp_path, ["day"])
    assert store.read("articles", "day", ["article_id", "no_such_column"]).column_names == ["article_id"]
