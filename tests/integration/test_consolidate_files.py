"""File-backed consolidation: on a per-batch store of the seed pages, the tables consolidation writes to its
folder (and consolidate_checked's files) are the tables it returns in memory, row for row and byte for byte once
written as working tables."""

import pyarrow.parquet as pq
import pytest

from pipeline.core.batch_rows import batch_rows
from pipeline.core.batch_store import BatchStore, write_batch_rows
from pipeline.core.batches import learn_templates, list_batches, prepare_batch
from pipeline.core.consolidate import consolidate, consolidate_checked, scan_batches
from pipeline.core.document_cache import DocumentCache
from pipeline.core.errors import Reject
from pipeline.core.relevance import RelevanceConfig
from pipeline.core.tables import TableFiles, write_parquet, write_working_tables
from pipeline.core.workers import shutdown_pools
from tests.conftest import RAW

NAMES = ["articles", "mentions", "entities", "events", "rejects"]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> BatchStore:
    folder = tmp_path_factory.mktemp("batches")
    cache = DocumentCache(None)
    prepared = [prepare_batch(RAW, b, cache, fp) for b, fp in list_batches(RAW).items()]
    templates = learn_templates(p.manifest() for p in prepared)
    for p in prepared:
        write_batch_rows(batch_rows(p, templates, cache, 1), folder)
    shutdown_pools()
    return BatchStore.at(folder, [p.batch for p in prepared])


def test_consolidation_to_files_equals_consolidation_in_memory(store, tmp_path):
    scan = scan_batches(store, RelevanceConfig(threshold=0.0))
    some = next(r for rows in scan.articles.values() for r in rows)
    quarantined = {some["source_path"]: Reject(some["source_path"], some["raw_sha256"], "validate", "quarantined",
                                               "planted")}
    for leave_out in (None, quarantined):
        memory = consolidate(scan, leave_out)
        files = consolidate(scan, leave_out, folder=tmp_path / "work")
        assert isinstance(files, TableFiles) and list(files) == list(memory) == NAMES
        assert memory["articles"].num_rows > 3 and memory["mentions"].num_rows > 10  # real rows
        for name in NAMES:
            assert files[name].equals(memory[name]) and files[name].schema.equals(memory[name].schema, True), name
            assert write_parquet(files[name], tmp_path / "a.parquet").read_bytes() == \
                write_parquet(memory[name], tmp_path / "b.parquet").read_bytes(), name
    assert "planted" in files["rejects"].column("message").to_pylist()


def test_checked_tables_are_files_that_live_with_the_result(store, tmp_path):
    checked = consolidate_checked(store, "2026-12-01", relevance=RelevanceConfig(threshold=0.0))
    memory = consolidate(scan_batches(store, RelevanceConfig(threshold=0.0)), checked.quarantined)
    paths = dict(checked.tables.paths)
    assert all(p.exists() for p in paths.values())
    for name in NAMES:
        assert pq.read_table(paths[name]).equals(memory[name]), name
    a = write_working_tables(checked.tables, checked.reference.to_json(), tmp_path / "files")
    b = write_working_tables(memory, checked.reference.to_json(), tmp_path / "arrow")
    assert {n: p.read_bytes() for n, p in a.items()} == {n: p.read_bytes() for n, p in b.items()}
    folder = next(iter(paths.values())).parent
    del checked  # the temporary folder goes with the last reference to the tables
    assert not folder.exists()
    kept = consolidate_checked(store, "2026-12-01", relevance=RelevanceConfig(threshold=0.0), folder=tmp_path / "t")
    assert kept.tables.paths["articles"] == tmp_path / "t" / "articles.parquet"
    assert kept.tables["articles"].equals(memory["articles"])


def test_tiny_sort_ranges_give_the_same_tables(store, tmp_path, monkeypatch):
    """The external sort's ranges (of article ids, then entity ids) and spill groups change no byte: one article
    and three mentions a range, every batch its own spill group, against one range holding everything."""
    from pipeline.core import external_sort

    scan = scan_batches(store, RelevanceConfig(threshold=0.0))
    whole = consolidate(scan, folder=tmp_path / "whole")
    monkeypatch.setattr(external_sort, "BUCKET_ARTICLES", 1)
    monkeypatch.setattr(external_sort, "BUCKET_MENTIONS", 3)
    monkeypatch.setattr(external_sort, "SPILL_BYTES", 1)
    ranged = consolidate(scan, folder=tmp_path / "ranged")
    for name in NAMES:
        assert ranged.paths[name].read_bytes() == whole.paths[name].read_bytes(), name
    assert not list((tmp_path / "ranged").glob(".spill-*"))  # the spilled ranges are gone


def test_scan_records_read_back_equal_the_computed_ones(store, monkeypatch):
    import shutil

    from pipeline.core import consolidate as consolidate_module
    from pipeline.core.consolidate import ScanRecords

    root = next(iter(store.roots.values()))
    config = RelevanceConfig(threshold=0.0)
    shutil.rmtree(root / "_scan", ignore_errors=True)
    computed = scan_batches(store, config)
    assert len(list((root / "_scan").rglob("*.parquet"))) == len(store.batches)
    with monkeypatch.context() as patched:  # read back: nothing is scored again
        patched.setattr(consolidate_module, "score_relevance", lambda *a, **k: pytest.fail("scored again"))
        remembered = scan_batches(store, config)
    assert remembered.articles == computed.articles and remembered.rejects == computed.rejects
    assert remembered.crawl_times == computed.crawl_times
    # an off-topic reject and empty values survive the round trip too
    batch, records = next((b, rows) for b, rows in computed.articles.items() if rows)
    planted = [dict(records[0], _off_topic=Reject(records[0]["source_path"], None, "relevance", "off_topic", "x"),
                    region_countries=[], url=None), *records[1:]]
    ScanRecords(store, batch, config).write(planted)
    assert ScanRecords(store, batch, config).read() == planted
    # another threshold is another key: scored again, and only the newest records are kept per batch
    scan_batches(store, RelevanceConfig(threshold=0.5))
    assert len(list((root / "_scan").rglob("*.parquet"))) == len(store.batches)
