"""A long Hypothesis run over raw/ trees with hostile names and paths, for ``make fuzz`` (issue 18).

    VOSTOK_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/fuzz/test_fuzz_names.py -p no:cacheprovider

Each example is a small tree: names of any bytes (not UTF-8, backslashes, '#', '_root', up to 255 bytes),
folders up to six deep, and entries that are files (empty or an article), symlinks, FIFOs or hard links. Every
batch is listed, keyed and ingested (no NER: this is the ingest path), and the accounting check's own walk must
find every entry exactly once among the documents and rejects. Skipped unless VOSTOK_FUZZ_EXAMPLES is set.
"""

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
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
