"""The release-gating suites chunk by chunk (row level) and as DuckDB queries (table level) give exactly the
reports of the suites on whole pandas frames, on tables with planted bad rows of every kind."""

from datetime import date, datetime, timezone

import pytest

from pipeline.core import quality_tables
from pipeline.core.quality import validate_all
from pipeline.core.quality_tables import ArrowSource, ParquetSource, validate_tables
from pipeline.core.tables import to_arrow, write_parquet
from pipeline.schema import EVENTS, REJECTS
from tests.unit.test_quality_chunks import AS_OF, _tables

BODY = "Япония выделит Монголии грант."


def _event(article_id: str, **changes) -> dict:
    row = {"event_id": "e" * 16, "article_id": article_id, "event_cluster_id": "c" * 16, "cameo_code": "071",
           "cameo_root": "07", "quad_class": 2, "goldstein": 7.4, "actor1_ids": ["person:park-jin"],
           "actor2_ids": [], "actor1_countries": ["JPN"], "actor2_countries": [], "location_id": None,
           "event_date": date(2024, 1, 1), "date_precision": "day", "modality": "asserted", "amount": None,
           "currency": None, "trigger": "прибыл", "sentence": "Пак Чжин прибыл в Токио.", "start": 0, "end": 24,
           "confidence": 0.8, "cluster_representative": True, "plover": "AID", "symmetric": False,
           "event_date_text": "2024-01-01", "event_date_end": None, "fallback_date": None,
           "fallback_date_precision": None, "trigger_start": 9, "trigger_end": 15, "event_probability": 0.7}
    row.update(changes)
    return row


def _planted() -> dict:
    """Every kind of failure, spread over rows that fall in different chunks at the chunk sizes below."""
    tables = _tables()
    articles = tables["articles"].to_pylist()
    ids = [a["article_id"] for a in articles]
    articles[0]["views"] = 12
    articles[4]["views"] = -5  # a negative count in an integer column that has nulls elsewhere (float in pandas)
    articles[6]["source_path"] = articles[5]["source_path"]  # not unique
    mentions = tables["mentions"].to_pylist()
    mentions.append(dict(mentions[0], mention_id="4" * 16))  # the same (article, start, end) twice
    mentions.append(dict(mentions[2], mention_id="0" * 16, start=30, end=38))  # mention_id repeated
    events = [_event(ids[0]), _event(ids[2], event_id="1" * 16, goldstein=-3.0),
              _event(ids[4], event_id="2" * 16, actor2_ids=["country:XXX"], actor2_countries=["XX"]),
              _event(ids[5], event_id="3" * 16, event_date=date(2030, 1, 1)),
              _event(ids[5], event_id="1" * 16, start=3), _event("f" * 16, event_id="5" * 16)]
    rejects = [{"source_path": f"r{i}.txt", "raw_sha256": "0" * 64, "stage": "validate", "reason": "quarantined",
                "message": "quarantined: planted"} for i in range(3)]
    rejects.append({"source_path": "r0.txt", "raw_sha256": "x", "stage": "ingest", "reason": "empty", "message": "?"})
    from pipeline.schema import ARTICLES, MENTIONS

    return {"articles": to_arrow(ARTICLES, articles), "mentions": to_arrow(MENTIONS, mentions),
            "entities": tables["entities"], "events": to_arrow(EVENTS, events), "rejects": to_arrow(REJECTS, rejects)}


def _reports(reports: dict) -> dict:
    return {name: {**r.to_json(), "why": [o.why for o in r.outcomes]} for name, r in reports.items()}


@pytest.mark.parametrize("published", [False, True])
def test_chunked_suites_equal_whole_frame_suites(monkeypatch, tmp_path, published):
    tables = _planted()
    whole = _reports(validate_all({n: t.to_pandas() for n, t in tables.items()}, AS_OF, published=published))
    failed = {(name, o["column"] or o["expectation"]) for name, r in whole.items() for o in r["results"]
              if not o["success"]}
    # the planted failures are all there, row-level and table-level
    assert {("articles", "views"), ("articles", "source_path"), ("articles", "duplicate_ok"),
            ("articles", "body"), ("articles", "published_at"), ("mentions", "span_ok"),
            ("mentions", "entity_known"), ("mentions", "mention_id"),
            ("mentions", "expect_compound_columns_to_be_unique"), ("entities", "country"), ("events", "code_ok"),
            ("events", "ids_known"), ("events", "date_ok"), ("events", "sentence_ok"), ("events", "event_id"),
            ("rejects", "source_path"), ("rejects", "raw_sha256"),
            ("rejects", "vostok_quarantined_share_to_be_at_most")} <= failed
    paths = {n: write_parquet(t, tmp_path / "t" / f"{n}.parquet") for n, t in tables.items()}
    for rows, articles in ((1, 1), (2, 3), (3, 2), (1000, 1000)):
        monkeypatch.setattr(quality_tables, "CHUNK_ROWS", rows)
        monkeypatch.setattr(quality_tables, "CHUNK_ARTICLES", articles)
        for source in (ArrowSource(tables), ParquetSource(paths)):
            assert _reports(validate_tables(source, AS_OF, published=published)) == whole, (rows, type(source))


def test_clean_and_empty_tables_and_partial_sets(monkeypatch):
    tables = _planted()
    empty = {n: t.slice(0, 0) for n, t in tables.items()}
    assert _reports(validate_tables(empty, AS_OF)) == _reports(validate_all({n: t.to_pandas() for n, t in
                                                                            empty.items()}, AS_OF))
    only = {"articles": tables["articles"], "entities": tables["entities"]}
    assert _reports(validate_tables(only, AS_OF)) == _reports(validate_all({n: t.to_pandas() for n, t in
                                                                           only.items()}, AS_OF))


def test_a_table_missing_its_key_columns_runs_on_whole_frames():
    tables = _planted()
    broken = {**tables, "mentions": tables["mentions"].drop_columns(["entity_id"])}
    reports = validate_tables(broken, AS_OF)
    assert not reports["mentions"].success
    assert _reports(reports) == _reports(validate_all({n: t.to_pandas() for n, t in broken.items()}, AS_OF))


def test_chunks_are_remembered_by_the_validation_cache(monkeypatch, tmp_path):
    from pipeline.core import quality, validation_cache

    tables = _planted()
    whole = _reports(validate_all({n: t.to_pandas() for n, t in tables.items()}, AS_OF))
    monkeypatch.setattr(quality_tables, "CHUNK_ROWS", 2)
    validation_cache.enable(tmp_path)
    try:
        assert _reports(validate_tables(tables, AS_OF)) == whole
        assert list(tmp_path.iterdir())

        def no_gx(*args, **kwargs):
            raise AssertionError("GX ran on a remembered chunk")

        monkeypatch.setattr(quality, "run_expectations", no_gx)
        assert _reports(validate_tables(tables, AS_OF)) == whole
    finally:
        validation_cache.enable(None)
