"""Issue 18, ingest: names that are not UTF-8, long and colliding batch keys, paths over PATH_MAX, symlink and FIFO
races, WARC record paths, and the accounting walk that must see every file whatever the batching code does."""

import os
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.core.accounting import accounting, raw_entries
from pipeline.core.batch_store import batch_dir_name
from pipeline.core.batches import list_batches
from pipeline.core.documents import open_regular, read_bytes
from pipeline.core.errors import RejectError
from pipeline.core.ingest import ROOT_BATCH, batch_of, ingest, walk_raw
from pipeline.core.rawnames import escape_name, fs_name, unescape_name
from tests.hostile import cases_paths

TEXT = cases_paths.article("Переговоры в Улан-Баторе")


def _reasons(raw: Path, batch=None) -> dict[str, str]:
    docs, rejects = ingest(raw, batch=batch)
    return {**{d.source_path: "document" for d in docs}, **{r.source_path: r.reason for r in rejects}}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=12).filter(lambda b: b"/" not in b and b"\0" not in b),
                min_size=2, max_size=2, unique=True))
def test_escaped_names_are_valid_unique_and_reversible(names):
    recorded = [escape_name(os.fsdecode(n)) for n in names]
    assert recorded[0] != recorded[1]
    for name, rec in zip(names, recorded):
        rec.encode("utf-8")  # never a lone surrogate
        assert fs_name(rec) == name and unescape_name(rec) == os.fsdecode(name)
        if b"\\" not in name:
            try:
                assert rec == name.decode("utf-8")  # valid names are kept as they are
            except UnicodeDecodeError:
                pass


def test_cp1251_names_are_listed_batched_and_ingested(tmp_path):
    cases_paths.cp1251_file_name(tmp_path)
    cases_paths.cp1251_empty_file(tmp_path)
    cases_paths.cp1251_folder_name(tmp_path)
    batches = list_batches(tmp_path)  # raised UnicodeEncodeError
    assert set(batches) == {ROOT_BATCH, escape_name(os.fsdecode("Архив сентябрь".encode("cp1251")))}
    reasons = {}
    for batch in batches:
        reasons.update(_reasons(tmp_path, batch))
    assert sorted(reasons.values()) == ["document", "document", "document", "empty"]
    assert all(p.encode("utf-8") for p in reasons)


def test_a_folder_named_like_the_loose_files_batch_is_its_own_batch(tmp_path):
    cases_paths.root_named_folder(tmp_path)
    cases_paths.loose_file(tmp_path)
    assert set(list_batches(tmp_path)) == {ROOT_BATCH, "__root", "___root"}
    assert batch_of("_root/inside.txt") == "__root" and batch_of("loose.txt") == ROOT_BATCH
    found = {}
    for batch in list_batches(tmp_path):
        found.update(_reasons(tmp_path, batch))
    assert sorted(found) == ["__root/inside.txt", "__root/sub/deeper.txt", "_root/inside.txt", "_root/sub/deeper.txt",
                             "loose.txt"]


def test_batch_folder_names_are_bounded_and_distinct():
    names = ["2026-11-22", "Международные_новости_Монголии_и_Японии_сентябрь", "Ж" * 127, "Ж" * 126 + "Щ",
             escape_name(os.fsdecode(b"\xcd" * 250)), ROOT_BATCH, "__root", "a+b", "h+" + "0" * 32]
    dirs = [batch_dir_name(n) for n in names]
    assert len(set(dirs)) == len(dirs)
    assert all(len(d.encode()) <= 255 for d in dirs)
    assert dirs[0] == "batch=2026-11-22" and dirs[5] == "batch=_root"  # short keys stay readable


def test_paths_over_path_max_and_deep_trees_are_rejected_or_read_never_a_crash(tmp_path):
    cases_paths.path_over_path_max(tmp_path)
    fd = os.open(tmp_path, os.O_RDONLY)
    for _ in range(1500):  # deeper than Python's recursion limit: os.walk raised RecursionError
        os.mkdir("a", dir_fd=fd)
        nxt = os.open("a", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nxt
    os.close(os.open("f.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
    os.close(fd)
    reasons = _reasons(tmp_path)
    deep = [p for p in reasons if p.endswith("deep.txt")]
    assert len(deep) == 1 and reasons[deep[0]] == "unreadable"
    assert reasons["a/" * 1500 + "f.txt"] == "empty"  # 3005 bytes: under PATH_MAX, opened by descriptors
    assert raw_entries(tmp_path) == set(reasons)
    _flatten(tmp_path / "a")  # pytest's own clean-up recurses, and would fail on this tree
    _flatten(tmp_path / next(p for p in os.listdir(tmp_path) if p.startswith("00-")))


def _flatten(top: Path) -> None:
    """Remove a deep chain of single folders one level at a time (short paths, no recursion)."""
    import shutil

    while True:
        inner = [p for p in os.listdir(top) if (top / p).is_dir()]
        if not inner:
            shutil.rmtree(top)
            return
        os.rename(top / inner[0], top.parent / "_moving")
        shutil.rmtree(top)
        os.rename(top.parent / "_moving", top)


def test_symlinks_fifos_sockets_are_rejected_without_blocking(tmp_path):
    cases_paths.fifo(tmp_path)
    cases_paths.unix_socket(tmp_path)
    cases_paths.symlinks(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.txt").write_bytes(TEXT)
    done = {}
    worker = threading.Thread(target=lambda: done.update(_reasons(tmp_path)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "ingest blocked on a FIFO"
    for name in ("pipe.txt", "sock.html", "link-out.txt", "link-dangling.txt", "link-loop.txt", "link-dir-out",
                 "links/up.txt"):
        assert done[name] == "unreadable", name
    assert done["sub/page.txt"] == "document" and done["loose-target.txt"] == "document"
    # a folder on the way that is a symlink is not followed either (it was, when only the last component was checked)
    with pytest.raises(RejectError, match="symbolic link"):
        open_regular(tmp_path / "link-dir-out" / "secret.txt", tmp_path)


def test_a_file_swapped_for_a_symlink_is_never_read_through_it(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"TOP-SECRET " * 10)
    raw = tmp_path / "raw"
    raw.mkdir()
    target = raw / "page.txt"
    stop = time.monotonic() + 1.5

    def swap():
        while time.monotonic() < stop:
            try:
                target.write_bytes(TEXT)
                target.unlink()
                target.symlink_to(secret)
                target.unlink()
            except OSError:
                pass

    thread = threading.Thread(target=swap, daemon=True)
    thread.start()
    leaked = reads = 0
    while time.monotonic() < stop:
        try:
            reads += 1
            leaked += b"TOP-SECRET" in read_bytes(target, root=raw)
        except (RejectError, OSError):
            pass
    thread.join()
    assert reads > 100 and leaked == 0


def test_warc_record_paths_are_unique(tmp_path):
    cases_paths.warc_duplicate_record_ids(tmp_path)
    cases_paths.warc_member_name_collision(tmp_path)
    docs, rejects = ingest(tmp_path)
    paths = [d.source_path for d in docs] + [r.source_path for r in rejects]
    assert len(paths) == len(set(paths)) == 4, paths
    rid = "urn:uuid:00000000-0000-0000-0000-000000000002"
    assert {f"x.warc.gz#{rid}", f"x.warc.gz#{rid}~2"} <= set(paths)
    report = accounting(tmp_path, paths, [])
    assert report["ok"], report


def test_accounting_walk_sees_what_the_batching_misses(tmp_path):
    cases_paths.root_named_folder(tmp_path)
    cases_paths.cp1251_folder_name(tmp_path)
    entries = raw_entries(tmp_path)
    assert "_root/sub/deeper.txt" in entries and len(entries) == 6
    seen = [rel for rel, _ in walk_raw(tmp_path)]
    assert accounting(tmp_path, seen, [])["ok"]
    report = accounting(tmp_path, seen[1:], [])
    assert not report["ok"] and report["missing"] == [seen[0]]


def test_a_page_claiming_another_sites_url_does_not_take_its_id(tmp_path):
    from pipeline.core.build import extract_files

    def page(site: str, title: str) -> bytes:
        return (cases_paths.article(title).decode() + f"\n\nURL: https://real.ru/news/1\n\n© 2024 {site} Все права "
                "защищены.").encode()

    (tmp_path / "a-spoof.txt").write_bytes(page("spoof.ru", "Поддельная страница"))
    (tmp_path / "b-real.txt").write_bytes(page("real.ru", "Настоящая статья"))
    articles, rejects = extract_files([str(tmp_path / "a-spoof.txt"), str(tmp_path / "b-real.txt")])
    assert not [r for r in rejects if r.reason == "duplicate_url"], rejects
    by_path = {Path(a["source_path"]).name: a for a in articles}
    assert by_path["b-real.txt"]["url"] == "https://real.ru/news/1"
    assert by_path["a-spoof.txt"]["url"] is None
    assert by_path["a-spoof.txt"]["article_id"] != by_path["b-real.txt"]["article_id"]


def test_the_extract_command_prints_escaped_names(tmp_path):
    import json
    import subprocess
    import sys

    cases_paths.cp1251_file_name(tmp_path)
    cases_paths.cp1251_empty_file(tmp_path)
    files = sorted(os.listdir(os.fsencode(tmp_path)))
    done = subprocess.run([sys.executable, "-m", "pipeline", "extract", *[os.path.join(os.fsencode(tmp_path), f)
                                                                          for f in files]],
                          capture_output=True, timeout=300)
    lines = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]  # printed: it raised before
    assert len(lines) == 2 and all("\\x" in line["source_path"] for line in lines), done.stderr[-500:]
    assert sorted(line.get("error", "article") for line in lines) == ["article", "empty"]
