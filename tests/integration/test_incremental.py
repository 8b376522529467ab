"""Incremental builds: only what changed is re-processed, and the result equals a full build."""

import json
import shutil

import dagster as dg
import pytest

from pipeline.core import versions
from pipeline.core.batches import list_batches
from pipeline.core.corpus import build_corpus
from pipeline.core.document_cache import DocumentCache
from pipeline.defs.batches import raw_batches_sensor
from pipeline.defs.resources import VostokPaths
from tests.conftest import RAW

SEEDS = sorted(RAW.iterdir())
PROSE = ("Министр иностранных дел Японии провёл переговоры с коллегой из Монголии в Улан-Баторе. Стороны обсудили "
         "поставки угля, строительство новой электростанции и совместные учения. По итогам встречи подписан "
         "меморандум о сотрудничестве в области образования и культуры на ближайшие пять лет. ")
FOOTER = "Подписывайтесь на наш канал в Телеграме: новости Северо-Восточной Азии круглосуточно"


def _tables_equal(a: dict, b: dict) -> bool:
    return all(a[name].equals(b[name]) for name in a)


def _fresh(raw) -> dict:
    return build_corpus(raw).tables


def test_adding_a_batch_processes_only_its_documents(tmp_path):
    raw = tmp_path / "raw"
    (raw / "2026-11-01").mkdir(parents=True)
    for p in SEEDS[:3]:
        shutil.copy(p, raw / "2026-11-01" / p.name)
    cache = DocumentCache(tmp_path / "cache.sqlite")
    first = build_corpus(raw, cache)
    assert first.cache.misses["analysis"] == 3 and first.cache.hits["analysis"] == 0
    (raw / "2026-11-02").mkdir()
    for p in SEEDS[3:]:
        shutil.copy(p, raw / "2026-11-02" / p.name)
    cache = DocumentCache(tmp_path / "cache.sqlite")
    second = build_corpus(raw, cache)
    # the old folder is not even read (batch hit); the new one is read once, then streamed back from the cache
    assert (cache.hits["batch"], cache.misses["batch"]) == (1 + 2, 1)
    assert (cache.hits["rows"], cache.misses["rows"]) == (1, 1)
    assert cache.misses["prepare"] == 2 and cache.hits["prepare"] == 2
    assert cache.misses["analysis"] == 2 and cache.hits["analysis"] == 0
    assert _tables_equal(second.tables, _fresh(raw))
    assert second.tables["articles"].num_rows == 5


def test_a_new_batch_that_makes_a_line_a_template_reextracts_exactly_the_pages_that_have_it(tmp_path):
    raw = tmp_path / "raw"
    (raw / "a").mkdir(parents=True)
    pages = [f"# Новость {i}\n\n{PROSE * 2}Событие номер {i} произошло в понедельник.\n\n{FOOTER}\n" for i in range(3)]
    (raw / "a" / "one.md").write_text(pages[0], encoding="utf-8")
    (raw / "a" / "two.md").write_text(pages[1], encoding="utf-8")
    (raw / "a" / "other.md").write_text(f"# Другая\n\n{PROSE}Без подвала.\n", encoding="utf-8")
    build_corpus(raw, DocumentCache(tmp_path / "cache.sqlite"))
    (raw / "b").mkdir()
    (raw / "b" / "three.md").write_text(pages[2], encoding="utf-8")  # the footer is now on 3 pages: a template
    cache = DocumentCache(tmp_path / "cache.sqlite")
    build = build_corpus(raw, cache)
    assert cache.misses["article"] == 3 and cache.hits["article"] == 1  # one.md, two.md refreshed; other.md not
    assert cache.hits["prepare"] == 2 + 1  # refreshed pages (and the new one, streamed) come from the cache
    assert _tables_equal(build.tables, _fresh(raw))
    assert all(FOOTER not in body for body in build.tables["articles"].column("body").to_pylist())


def test_bumping_a_stage_code_version_reprocesses_exactly_that_stage(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    build_corpus(raw, DocumentCache(tmp_path / "cache.sqlite"))
    monkeypatch.setitem(versions.STAGE_CODE, "events", versions.STAGE_CODE["events"] + "-next")
    versions.code_version.cache_clear()
    try:
        cache = DocumentCache(tmp_path / "cache.sqlite")
        build_corpus(raw, cache)
        assert (cache.hits["batch"], cache.misses["batch"]) == (2, 0)  # two passes, neither reads the folder
        assert (cache.hits["rows"], cache.misses["rows"]) == (0, 1)
        assert (cache.hits["prepare"], cache.misses["prepare"]) == (0, 0)
        assert (cache.hits["article"], cache.misses["article"]) == (5, 0)
        assert (cache.hits["analysis"], cache.misses["analysis"]) == (0, 5)
    finally:
        versions.code_version.cache_clear()


def test_a_changed_file_rereads_its_batch_and_a_lost_cache_entry_is_recovered(tmp_path):
    import sqlite3

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    build_corpus(raw, DocumentCache(tmp_path / "cache.sqlite"))
    with sqlite3.connect(tmp_path / "cache.sqlite") as db:  # lose every prepared page, keep the batch manifests
        db.execute("DELETE FROM entries WHERE stage IN ('prepare', 'rows')")
    versions.STAGE_CODE["metadata"] += "-next"
    versions.code_version.cache_clear()
    try:
        cache = DocumentCache(tmp_path / "cache.sqlite")
        assert _tables_equal(build_corpus(raw, cache).tables, _fresh(raw))
        assert cache.hits["batch"] == 2 and cache.misses["prepare"] == 1 + 5  # one lookup missed: the batch is re-read
    finally:
        versions.STAGE_CODE["metadata"] = versions.STAGE_CODE["metadata"].removesuffix("-next")
        versions.code_version.cache_clear()
    page = next(raw.iterdir())
    page.write_text(page.read_text(encoding="utf-8") + "\nДобавлен абзац.\n", encoding="utf-8")
    cache = DocumentCache(tmp_path / "cache.sqlite")
    build_corpus(raw, cache)
    assert cache.misses["batch"] == 1 and cache.misses["prepare"] == 1
    assert cache.misses["article"] == 1 and cache.hits["article"] == 4  # only the changed page is cleaned again


def test_an_entry_pickled_with_a_class_that_has_moved_is_a_miss(tmp_path):
    import sqlite3

    cache = DocumentCache(tmp_path / "cache.sqlite")
    cache.put_many("rows", [("moved", None), ("kept", [1, 2])])
    with sqlite3.connect(tmp_path / "cache.sqlite") as db:  # a BatchRows cached before incremental.py was split
        db.execute("UPDATE entries SET value=? WHERE key='moved'", (b"cpipeline.core.incremental\nBatchRows\n.",))
    assert cache.get("rows", "moved") is None and cache.get("rows", "kept") == [1, 2]
    assert (cache.hits["rows"], cache.misses["rows"]) == (1, 1)


def test_worker_processes_give_the_same_tables(tmp_path, monkeypatch):
    from pipeline.core import batch_rows

    monkeypatch.setattr(batch_rows, "ANALYSIS_CHUNK", 2)  # 5 articles → 3 chunks over 2 processes
    assert _tables_equal(build_corpus(RAW, workers=2).tables, _fresh(RAW))


def _sensor(instance, raw, cursor=None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor,
                                      resources={"paths": VostokPaths(raw_dir=str(raw))})
    return raw_batches_sensor(context)


def test_sensor_requests_a_run_when_a_batch_appears_changes_or_goes(tmp_path):
    raw = tmp_path / "raw"
    (raw / "2026-11-01").mkdir(parents=True)
    shutil.copy(SEEDS[0], raw / SEEDS[0].name)
    shutil.copy(SEEDS[1], raw / "2026-11-01" / SEEDS[1].name)
    with dg.DagsterInstance.ephemeral() as instance:
        first = _sensor(instance, raw)
        [request] = first.run_requests
        assert request.tags == {}  # a run covers every batch: no partitions, no tags
        assert json.loads(first.cursor) == list_batches(raw)

        assert isinstance(_sensor(instance, raw, first.cursor), dg.SkipReason)  # nothing new

        (raw / "2026-11-02").mkdir()
        shutil.copy(SEEDS[2], raw / "2026-11-02" / SEEDS[2].name)
        third = _sensor(instance, raw, first.cursor)
        [request] = third.run_requests
        assert request.run_key != first.run_requests[0].run_key

        shutil.rmtree(raw / "2026-11-01")  # a batch that disappears triggers a rebuild too
        fourth = _sensor(instance, raw, third.cursor)
        assert len(fourth.run_requests) == 1 and sorted(json.loads(fourth.cursor)) == ["2026-11-02", "_root"]


@pytest.mark.parametrize("layout", ["flat", "nested"])
def test_batch_layout_does_not_change_article_content(tmp_path, layout):
    """Batches only group files: cleaning, entities and events of a page do not depend on its batch."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for i, p in enumerate(SEEDS):
        target = raw / (p.name if layout == "flat" else f"batch{i % 2}/{p.name}")
        target.parent.mkdir(exist_ok=True)
        shutil.copy(p, target)
    tables = build_corpus(raw).tables
    reference = _fresh(RAW)
    for column in ("title", "body", "published_at", "outlet"):
        assert sorted(map(str, tables["articles"].column(column).to_pylist())) == \
            sorted(map(str, reference["articles"].column(column).to_pylist()))
    assert tables["mentions"].num_rows == reference["mentions"].num_rows
    assert tables["events"].num_rows == reference["events"].num_rows


def test_two_crawls_of_one_url_keep_the_first_and_reject_the_other(tmp_path):
    raw = tmp_path / "raw"
    (raw / "b").mkdir(parents=True)
    page = "# {t}\n\nИсточник: https://example.ru/news/1\n\n" + PROSE
    (raw / "a.md").write_text(page.format(t="Первая версия"), encoding="utf-8")
    (raw / "b" / "a.md").write_text(page.format(t="Вторая версия"), encoding="utf-8")
    (raw / "c.md").write_text(page.format(t="Третья версия"), encoding="utf-8")  # same batch as a.md
    tables = build_corpus(raw).tables
    articles = tables["articles"].to_pylist()
    assert [a["source_path"] for a in articles] == ["a.md"] and articles[0]["url"] == "https://example.ru/news/1"
    rejects = {r["source_path"]: r for r in tables["rejects"].to_pylist()}
    assert {p: r["reason"] for p, r in rejects.items()} == {"b/a.md": "duplicate_url", "c.md": "duplicate_url"}
    assert "a.md" in rejects["c.md"]["message"]
    assert set(tables["mentions"].column("article_id").to_pylist()) <= {articles[0]["article_id"]}
