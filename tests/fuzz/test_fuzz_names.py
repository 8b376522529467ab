"""A long Hypothesis run over raw/ trees with hostile names and paths, for ``make fuzz`` (issue 18).

    VOSTOK_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/fuzz/test_fuzz_names.py -p no:cacheprovider

Two strategies. Each example of the first is a small tree: names of any bytes (not UTF-8, backslashes, '#',
'_root', up to 255 bytes), folders up to six deep, and entries that are files (empty or an article), symlinks, FIFOs or hard links. Every
batch is listed, keyed and ingested (no NER: this is the ingest path), and the accounting check's own walk must
find every entry exactly once among the documents and rejects. The second draws deep chains of long folder names
(up to 40 folders of up to 255 bytes: paths far past PATH_MAX), made through directory descriptors
(``VOSTOK_FUZZ_EXAMPLES / 10`` examples). Skipped unless VOSTOK_FUZZ_EXAMPLES is set.
"""

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline.core.accounting import accounting
from pipeline.core.batch_store import batch_dir_name
from pipeline.core.batches import list_batches
from pipeline.core.ingest import ingest

EXAMPLES = int(os.environ.get("VOSTOK_FUZZ_EXAMPLES", "0"))
pytestmark = pytest.mark.skipif(EXAMPLES == 0, reason="set VOSTOK_FUZZ_EXAMPLES (make fuzz)")

ARTICLE = ("Заголовок\n\n" + "Министр иностранных дел Японии провёл переговоры в Улан-Баторе. " * 6).encode()

special = st.sampled_from([b"_root", b"__root", b"_files", b"x.warc.gz", b"x.warc.gz#urn:1", b"a#b", b"\\xcd",
                           b"\\", b"batch=x", b"h+" + b"0" * 32, "Новости".encode("cp1251"), "Ж".encode() * 127,
                           b"\xed\xb3\x8d", b" ", b"-", b"..x", b"\n", b"%2F"])
anybytes = st.binary(min_size=1, max_size=255).filter(lambda b: b"/" not in b and b"\0" not in b
                                                      and b not in (b".", b".."))
names = st.one_of(special, anybytes)
kinds = st.sampled_from(["empty", "article", "symlink", "fifo", "hardlink", "dir_symlink"])
trees = st.lists(st.tuples(st.lists(names, min_size=0, max_size=6), names, kinds), min_size=1, max_size=12)


def _make(root: bytes, parts: list[bytes], leaf: bytes, kind: str, n: int) -> None:
    folder = os.path.join(root, *parts) if parts else root
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return  # a file already holds that name: the tree simply has no such branch
    path = os.path.join(folder, leaf)
    if os.path.lexists(path):
        return
    try:
        if kind == "empty":
            open(path, "wb").close()
        elif kind == "article":
            with open(path, "wb") as fh:
                fh.write(ARTICLE + str(n).encode())
        elif kind == "symlink":
            os.symlink(b"/etc/hostname", path)
        elif kind == "dir_symlink":
            os.symlink(b"/etc", path)
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            outside = os.path.join(os.path.dirname(root), b"outside-%d" % n)
            with open(outside, "wb") as fh:
                fh.write(ARTICLE + b"hard" + str(n).encode())
            os.link(outside, path)
    except OSError:
        return  # the name is too long once joined (ENAMETOOLONG): nothing written, nothing counted


@settings(max_examples=max(EXAMPLES, 1), deadline=None, suppress_health_check=list(HealthCheck))
@given(trees)
def test_every_entry_of_any_tree_is_accounted_for(tree):
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        for n, (parts, leaf, kind) in enumerate(tree):
            _make(os.fsencode(raw), parts, leaf, kind, n)
        batches = list_batches(raw)
        paths = []
        for batch in batches:
            assert len(batch_dir_name(batch).encode()) <= 255
            docs, rejects = ingest(raw, batch=batch)
            paths += [d.source_path for d in docs] + [r.source_path for r in rejects]
        for p in paths:
            p.encode("utf-8")
        report = accounting(raw, paths, [])
        assert report["ok"], report


#: folder names for deep trees: Cyrillic (two bytes a letter), ASCII, '#', '_', spaces, up to NAME_MAX bytes
long_names = st.one_of(st.text("абвгдеёжзийклмнопрстуфхцчшщъыьэюяЖ", min_size=1, max_size=127),
                       st.text("abcxyz0123456789_#. -", min_size=1, max_size=255)).filter(
    lambda s: s not in (".", "..") and len(s.encode()) <= 255)
#: shallow chains of any of these names, and deep ones of long Cyrillic names (20 x 220+ bytes: past PATH_MAX)
folder_chains = st.one_of(st.lists(long_names, min_size=1, max_size=40),
                          st.lists(st.text("абвгдеёжзийклмнопрстуфхцчшщъыьэюяЖ", min_size=110, max_size=127),
                                   min_size=20, max_size=40))
chains = st.lists(st.tuples(folder_chains, long_names, st.booleans()),
                  min_size=1, max_size=4)


def _make_chain(raw_fd: int, folders: list[str], leaf: str, article: bool, n: int) -> bytes | None:
    """Folders one inside the other, made through directory descriptors (so past PATH_MAX), and a file at the
    bottom: its path relative to raw/, or None when a name on the way is already a file."""
    fd = os.dup(raw_fd)
    try:
        for name in folders:
            try:
                os.mkdir(name, dir_fd=fd)
            except FileExistsError:
                pass
            try:
                nxt = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except OSError:
                return None
            os.close(fd)
            fd = nxt
        try:
            out = os.open(leaf, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=fd)
        except OSError:
            return None
        os.write(out, ARTICLE + str(n).encode() if article else b"")
        os.close(out)
        return "/".join(folders + [leaf]).encode()
    finally:
        os.close(fd)


@settings(max_examples=max(EXAMPLES // 10, 1), deadline=None, suppress_health_check=list(HealthCheck))
@given(chains)
def test_deep_and_long_paths_are_accounted_for(chains):
    """Paths of up to 40 folders of up to 255 bytes each (often past PATH_MAX, 4,096 bytes): every file is an
    article, empty, or, past PATH_MAX, an ``unreadable`` reject that says so; the accounting walk finds each once."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        raw_fd = os.open(raw, os.O_RDONLY | os.O_DIRECTORY)
        try:
            made = [p for n, (folders, leaf, article) in enumerate(chains)
                    if (p := _make_chain(raw_fd, folders, leaf, article, n)) is not None]
        finally:
            os.close(raw_fd)
        paths, reasons = [], {}
        for batch in list_batches(raw):
            assert len(batch_dir_name(batch).encode()) <= 255
            docs, rejects = ingest(raw, batch=batch)
            paths += [d.source_path for d in docs] + [r.source_path for r in rejects]
            reasons.update({r.source_path: (r.reason, r.message) for r in rejects})
        report = accounting(raw, paths, [])
        assert report["ok"], {k: report[k][:3] for k in ("missing", "doubled", "unexpected")}
        event("a path past PATH_MAX" if any(len(p) > 4096 for p in made) else "all paths within PATH_MAX")
        for path in made:
            if len(path) > 4096:
                reason, message = reasons[path.decode()]
                assert reason == "unreadable" and "PATH_MAX" in message, (reason, message)
