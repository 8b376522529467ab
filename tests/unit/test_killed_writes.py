"""A writer killed with SIGKILL mid-write skips its ``finally``; the next writer in that folder sweeps its temp."""
import os
import subprocess
import sys
import textwrap

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.core.tables import atomic_write_bytes, write_checksums, write_parquet
from tests.conftest import REPO

KILLER = textwrap.dedent("""
    import os, sys
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pipeline.core import tables

    real = pq.write_table
    def truncating(table, where, **kw):
        real(table, where, **kw)
        with open(where, "r+b") as fh:
            fh.truncate(100)          # half a file on disk, then die without cleanup
        os.kill(os.getpid(), 9)
    pq.write_table = truncating
    tables.pq.write_table = truncating
    tables.write_parquet(pa.table({"x": list(range(1000))}), sys.argv[1])
""")


def _temps(folder):
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp"))


def test_sigkilled_parquet_write_leaves_no_temp_after_next_write(tmp_path):
    target = tmp_path / "articles.parquet"
    proc = subprocess.run([sys.executable, "-c", KILLER, str(target)], cwd=REPO)
    assert proc.returncode == -9
    left = _temps(tmp_path)
    assert len(left) == 1 and left[0].startswith(".articles.parquet.")  # the killed writer's partial temp
    assert not target.exists()
    table = pa.table({"x": [1, 2, 3]})
    write_parquet(table, target)
    assert _temps(tmp_path) == []
    assert pq.read_table(target).equals(table)


def test_live_writers_temps_are_kept(tmp_path):
    mine = tmp_path / f".a.bin.{os.getppid()}.abcd1234.tmp"  # parent pid: alive
    mine.write_bytes(b"in progress")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".a.bin.{int(dead.stdout)}.abcd1234.tmp"
    stale.write_bytes(b"partial")
    other = tmp_path / ".b.bin.1.abcd1234.tmp"  # another file's temp: not ours to judge
    other.write_bytes(b"x")
    atomic_write_bytes(tmp_path / "a.bin", b"done")
    assert (tmp_path / "a.bin").read_bytes() == b"done"
    assert mine.exists() and other.exists() and not stale.exists()


def test_write_checksums_uses_swept_temps(tmp_path):
    (tmp_path / "t.parquet").write_bytes(b"abc")
    out = write_checksums(tmp_path, ["t.parquet"])
    assert out.read_text().endswith("  t.parquet\n")
    assert not (tmp_path / ".SHA256SUMS.tmp").exists() and _temps(tmp_path) == []
