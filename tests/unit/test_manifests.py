"""Batch manifests as rows of one cache table: read back exactly, replaced whole, never left half written."""
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from pipeline.core.batches import prepare_batch
from pipeline.core.document_cache import DocumentCache
from pipeline.core.errors import Reject
from pipeline.core.manifests import get_manifest, put_manifest
from tests.conftest import RAW, REPO

INVENTORY = [{"source_path": "a/one.md", "raw_sha256": "1" * 64, "size": 10, "kind": "text", "encoding": "utf-8",
              "fetched_at": None},
             {"source_path": "a/два\u200b.warc.gz#<urn:uuid:x>", "raw_sha256": "2" * 64, "size": 2**40, "kind": "warc",
              "encoding": "cp1251", "fetched_at": "2026-11-01T10:00:00Z"}]
REJECTS = [Reject("a/bad.bin", None, "ingest", "binary", "not text: \udcff byte kept as a lone surrogate"),
           Reject("a/empty.md", "3" * 64, "extract", "no_text", "")]
PAGES = [("a/one.md", "1" * 64, "example.ru", np.array([3, 2**64 - 1, 0], dtype=np.uint64), "k1"),
         ("a/два\u200b.warc.gz#<urn:uuid:x>", "2" * 64, None, np.zeros(0, dtype=np.uint64), "k2")]


def _same(got, want):
    inventory, rejects, pages = got
    assert inventory == want[0] and rejects == want[1]
    assert [p[:3] + p[4:] for p in pages] == [p[:3] + p[4:] for p in want[2]]
    for (*_, keys, _), (*_, want_keys, _) in zip(pages, want[2]):
        assert keys.dtype == np.uint64 and keys.tolist() == want_keys.tolist()


def test_a_manifest_reads_back_exactly_and_is_replaced_whole(tmp_path):
    cache = DocumentCache(tmp_path / "cache.sqlite")
    assert get_manifest(cache, "key") is None and cache.misses["batch"] == 1
    put_manifest(cache, "key", "a", INVENTORY, REJECTS, PAGES)
    _same(get_manifest(DocumentCache(tmp_path / "cache.sqlite"), "key"), (INVENTORY, REJECTS, PAGES))
    put_manifest(cache, "key", "a", INVENTORY[:1], [], PAGES[:1])  # fewer rows: nothing of the old one stays
    _same(get_manifest(cache, "key"), (INVENTORY[:1], [], PAGES[:1]))
    put_manifest(cache, "empty", "b", [], [], [])
    assert get_manifest(cache, "empty") == ([], [], [])  # an empty batch is a hit, not a miss
    assert DocumentCache(None) and get_manifest(DocumentCache(None), "key") is None


def test_a_write_that_fails_midway_keeps_the_previous_manifest(tmp_path):
    cache = DocumentCache(tmp_path / "cache.sqlite")
    put_manifest(cache, "key", "a", INVENTORY, REJECTS, PAGES)
    broken = INVENTORY + [{"source_path": "a/three.md"}]  # a row without its fields: the insert fails late
    with pytest.raises(KeyError):
        put_manifest(cache, "key", "a", broken, [], [])
    _same(get_manifest(cache, "key"), (INVENTORY, REJECTS, PAGES))
    assert not cache._db().in_transaction  # the reused connection is left clean: the next write goes through
    put_manifest(cache, "key", "a", INVENTORY[:1], [], [])
    _same(get_manifest(cache, "key"), (INVENTORY[:1], [], []))


def test_a_cache_whose_manifest_table_has_another_row_format_is_left_aside(tmp_path):
    import sqlite3

    path = tmp_path / "cache.sqlite"
    with sqlite3.connect(path) as db:  # an older format's table of the same name
        db.execute("CREATE TABLE manifests (batch_key TEXT, something_else TEXT)")
        db.execute("INSERT INTO manifests VALUES ('key', 'x')")
    cache = DocumentCache(path)
    assert get_manifest(cache, "key") is None  # a miss, not an error
    put_manifest(cache, "key", "a", INVENTORY, REJECTS, PAGES)
    _same(get_manifest(cache, "key"), (INVENTORY, REJECTS, PAGES))


KILLED = textwrap.dedent("""
    import os, sys
    import numpy as np
    from pipeline.core.document_cache import DocumentCache
    from pipeline.core.manifests import put_manifest

    cache = DocumentCache(sys.argv[1])
    page = lambda i: (f"b/{i}.md", "0" * 64, "example.ru", np.arange(50, dtype=np.uint64), f"k{i}")
    put_manifest(cache, "old", "b", [], [], [page(i) for i in range(10)])
    cache._db().set_progress_handler(lambda: os.kill(os.getpid(), 9), 20000)  # SIGKILL inside the next write
    put_manifest(cache, "old", "b", [], [], [page(i) for i in range(5000)])
""")


def test_a_write_killed_mid_transaction_leaves_the_manifest_whole(tmp_path):
    proc = subprocess.run([sys.executable, "-c", KILLED, str(tmp_path / "cache.sqlite")], cwd=REPO)
    assert proc.returncode == -9
    _, _, pages = get_manifest(DocumentCache(tmp_path / "cache.sqlite"), "old")
    assert len(pages) == 10  # the first write, whole; nothing of the killed one


def test_an_unchanged_batch_is_served_from_the_table_as_it_was_read(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw / "2026-11-01")
    (raw / "2026-11-01" / "binary.bin").write_bytes(bytes(range(256)) * 4)  # an ingest reject
    cache = DocumentCache(tmp_path / "cache.sqlite")
    first = prepare_batch(raw, "2026-11-01", cache)
    again = prepare_batch(raw, "2026-11-01", DocumentCache(tmp_path / "cache.sqlite"))
    assert first.rejects and len(first.pages) == len(list(RAW.iterdir()))
    _same((again.inventory, again.rejects, [(p.source_path, p.raw_sha256, p.group, p.keys, p.prepare_key)
                                            for p in again.pages]),
          (first.inventory, first.rejects, [(p.source_path, p.raw_sha256, p.group, p.keys, p.prepare_key)
                                            for p in first.pages]))
    assert all(p.content is None for p in again.pages)  # not read: content comes from the cache when needed
