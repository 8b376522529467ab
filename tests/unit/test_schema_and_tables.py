import importlib.util
import os
from datetime import datetime, timezone

import pyarrow as pa
import pytest

from pipeline.core.tables import to_arrow, write_parquet
from pipeline.schema import ARTICLES, REJECTS, TABLES, arrow_schema, basic_expectations, markdown_contract
from tests.conftest import REPO


def _article(i: int) -> dict:
    return {"article_id": f"{i:016x}", "source_path": f"{i}.txt", "raw_sha256": "0" * 64, "url": None,
            "outlet": None, "title": "Заголовок", "lead": None, "body": "Текст статьи.", "authors": [],
            "published_at": datetime(2024, 1, i + 1, tzinfo=timezone.utc), "published_local": None,
            "timezone": None, "timezone_source": None, "rubrics": [], "views": None, "cited_agencies": [],
            "language": "ru", "word_count": 2, "boilerplate_share": 0.5, "body_sha256": "0" * 64,
            "text_policy": "full", "relevance": 0.95, "region_countries": ["JPN", "MNG"], "notes": []}


def test_contract_columns_present():
    required = ["article_id", "source_path", "raw_sha256", "url", "outlet", "title", "lead", "body", "authors",
                "published_at", "rubrics", "views", "cited_agencies", "language", "word_count"]
    assert ARTICLES.column_names[: len(required)] == required
    assert REJECTS.column_names == ["source_path", "raw_sha256", "stage", "reason", "message"]
    assert arrow_schema(ARTICLES).field("published_at").type == pa.timestamp("us", tz="UTC")
    assert arrow_schema(ARTICLES).field("authors").type == pa.list_(pa.string())


def test_basic_expectations_follow_schema():
    exps = basic_expectations(ARTICLES)
    not_null = {e["kwargs"]["column"] for e in exps if e["type"] == "expect_column_values_to_not_be_null"}
    assert not_null == {c.name for c in ARTICLES.columns if not c.nullable}
    assert any(e["type"] == "expect_column_values_to_be_unique" and e["kwargs"]["column"] == "article_id" for e in exps)


def _contract_generator():
    """scripts/update_data_contract.py, loaded by path (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("update_data_contract", REPO / "scripts" / "update_data_contract.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_data_contract_doc_matches_schema():
    gen = _contract_generator()
    doc = gen.CONTRACT_DOC
    assert doc == REPO / "docs" / "data-contract.md"
    current = doc.read_text(encoding="utf-8")
    expected = gen.render(current)
    if current != expected and os.environ.get("VOSTOK_UPDATE_DOCS") == "1":  # rewrite docs/ on request only
        doc.write_text(expected, encoding="utf-8")
        current = expected
    assert current == expected, ("docs/data-contract.md is out of date with pipeline/schema.py: run "
                                 ".venv/bin/python scripts/update_data_contract.py")
    for table in TABLES.values():
        assert markdown_contract(table) in current


def test_data_contract_check_catches_a_stale_table():
    gen = _contract_generator()
    fresh = gen.render(gen.CONTRACT_DOC.read_text(encoding="utf-8"))
    stale = fresh.replace("| `article_id` | string | no |", "| `article_id` | int64 | no |", 1)
    assert stale != fresh
    assert gen.render(stale) == fresh
    with pytest.raises(ValueError, match="contract:rejects"):
        gen.render(fresh.replace("<!-- contract:rejects -->", ""))


def test_parquet_is_sorted_and_byte_identical(tmp_path):
    rows = [_article(i) for i in (3, 1, 2)]
    t1 = to_arrow(ARTICLES, rows)
    assert t1.column("article_id").to_pylist() == [f"{i:016x}" for i in (1, 2, 3)]
    a = write_parquet(t1, tmp_path / "a.parquet").read_bytes()
    b = write_parquet(to_arrow(ARTICLES, list(reversed(rows))), tmp_path / "b.parquet").read_bytes()
    assert a == b


def test_internal_error_rejects_keep_their_message_formats():
    from pipeline.core.errors import Reject

    def buggy():
        return {}["title"]

    try:
        buggy()
    except KeyError as exc:
        plain = Reject.internal_error("a.txt", "ff", "extract", exc)
        located = Reject.internal_error("a.txt", "ff", "metadata", exc, where=True)
        line = exc.__traceback__.tb_next.tb_lineno
    assert plain == Reject("a.txt", "ff", "extract", "internal_error", "KeyError: 'title'")
    assert located.message == f"KeyError in test_schema_and_tables.py:{line}: 'title'"
    assert len(Reject.internal_error("a", None, "extract", ValueError("x" * 900)).message) == 500
