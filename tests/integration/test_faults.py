"""Faults and concurrency: disk full, corrupt working Parquet, killed builds, concurrent publications."""

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline.core.accounting import accounting
from pipeline.core.tables import CorruptTableError, read_parquet_checked, write_checksums, write_parquet
from tests.conftest import RAW, REPO

pytestmark = pytest.mark.integration


def test_disk_full_leaves_no_file_under_the_final_name(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    table = pa.table({"a": ["x"] * 10})
    target = tmp_path / "t.parquet"
    write_parquet(table, target)
    before = target.read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", full)
    with pytest.raises(OSError, match="No space left"):
        write_parquet(pa.table({"a": ["y"] * 10}), target)
    assert target.read_bytes() == before  # the previous good file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]  # no temp file left


def test_corrupt_working_parquet_is_detected(tmp_path):
    write_parquet(pa.table({"a": list(range(100))}), tmp_path / "t.parquet")
    write_checksums(tmp_path, ["t.parquet"])
    assert read_parquet_checked(tmp_path / "t.parquet").num_rows == 100
    data = (tmp_path / "t.parquet").read_bytes()
    (tmp_path / "t.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptTableError, match="make dataset"):
        read_parquet_checked(tmp_path / "t.parquet")
    (tmp_path / "SHA256SUMS").unlink()
    with pytest.raises(CorruptTableError, match="footer"):
        read_parquet_checked(tmp_path / "t.parquet")


def test_killed_build_then_rerun_equals_an_uninterrupted_build(tmp_path):
    cmd = [sys.executable, "-m", "pipeline", "build", "--raw", str(RAW)]
    reference = tmp_path / "reference"
    subprocess.run(cmd + ["--out", str(reference)], cwd=REPO, check=True, capture_output=True, timeout=600)
    out = tmp_path / "interrupted"
    proc = subprocess.Popen(cmd + ["--out", str(out)], cwd=REPO, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(4)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    subprocess.run(cmd + ["--out", str(out)], cwd=REPO, check=True, capture_output=True, timeout=600)
    for name in ("articles", "mentions", "entities", "events", "rejects"):
        assert (out / f"{name}.parquet").read_bytes() == (reference / f"{name}.parquet").read_bytes()


def test_concurrent_publications_serialize(tmp_path):
    script = tmp_path / "pub.py"
    root = tmp_path / "releases"
    script.write_text(
        "import sys, json\nsys.path.insert(0, %r)\n" % str(REPO)
        + "from tests.integration.test_release import _tables, _publish\nfrom pathlib import Path\n"
        + "print(_publish(_tables(), '0.1.0', Path(%r)).status)\n" % str(root), encoding="utf-8")
    procs = [subprocess.Popen([sys.executable, str(script)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True) for _ in range(2)]
    statuses = sorted(p.communicate(timeout=300)[0].strip() for p in procs)
    assert statuses == ["published", "unchanged"]
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == ["v0.1.0"]


def test_accounting_invariant_walks_raw_itself(tmp_path):
    raw = tmp_path / "raw"
    (raw / "_root").mkdir(parents=True)
    for name in ("a.txt", "b.warc.gz", "c.txt", "_root/d.txt", "e#1.txt"):
        (raw / name).write_text("x")
    ok = accounting(raw, ["a.txt", "e#1.txt"], ["b.warc.gz#r1", "b.warc.gz#r2", "c.txt", "_root/d.txt"])
    assert ok["ok"] and ok["inputs"] == 6 and ok["files"] == 5
    bad = accounting(raw, ["a.txt", "elsewhere.txt"], ["a.txt", "c.txt", "e#1.txt", "b.warc.gz"])
    assert not bad["ok"] and bad["missing"] == ["_root/d.txt"] and bad["doubled"] == ["a.txt"]
    assert bad["unexpected"] == ["elsewhere.txt"]
