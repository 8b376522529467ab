"""``kill -9`` at seeded moments, then the same build again: the tables are byte-identical to an uninterrupted
build's. A moment is the build's N-th write event (tests/integration/killpoint_build.py: an audit hook counts
every file the build process opens for writing, renames, removes, and its SQLite connections, and kills the
process group just before the N-th), so each point is the same point on every run, on any machine load.

The build is the product's (``python -m pipeline build``, the core of ``make dataset``) with its document
cache and two analysis workers, over the seed pages and two hostile folders, so a kill can land mid-cache,
mid-table or between a temp file and its rename. ``make test`` kills at 3 points drawn with seed 18;
``VOSTOK_KILL_POINTS=N`` draws N (``VOSTOK_KILL_SEED`` another seed), e.g. every point:
``VOSTOK_KILL_POINTS=1000 .venv/bin/python -m pytest tests/integration/test_kill_points.py``.
"""

import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RAW, REPO

pytestmark = pytest.mark.integration
HELPER = Path(__file__).with_name("killpoint_build.py")
POINTS = int(os.environ.get("VOSTOK_KILL_POINTS", "3"))
SEED = int(os.environ.get("VOSTOK_KILL_SEED", "18"))


def _build(raw: Path, work: Path, kill_at: int = 0) -> subprocess.CompletedProcess:
    args = ["--raw", str(raw), "--out", str(work / "current"), "--cache", str(work / "cache.sqlite"), "--workers", "2"]
    return subprocess.run([sys.executable, str(HELPER), str(kill_at), str(work / "events"), "--", *args], cwd=REPO,
                          start_new_session=True, capture_output=True, text=True, timeout=900,
                          # no .pyc written by one run and not the next: the same events every run
                          env=dict(os.environ, PYTHONPATH=str(REPO), PYTHONDONTWRITEBYTECODE="1"))


def _tables(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The raw folder and an uninterrupted build of it (the counting run): its files and its number of events."""
    from tests.hostile.cases_content import bad_urls, invisible_in_names

    base = tmp_path_factory.mktemp("killpoints")
    raw = base / "raw"
    shutil.copytree(RAW, raw)
    bad_urls(raw / "urls")
    invisible_in_names(raw / "names")
    work = base / "reference"
    work.mkdir()
    done = _build(raw, work)
    assert done.returncode == 0, done.stderr[-3000:]
    events = int((work / "events").read_text())
    return raw, _tables(work / "current"), events


def kill_points(events: int) -> list[int]:
    points = range(1, events)  # the last event is the counting run's own write
    return sorted(random.Random(SEED).sample(points, min(POINTS, len(points))))


def test_a_build_killed_at_seeded_write_events_then_rebuilt_gives_byte_identical_tables(reference, tmp_path):
    raw, want, events = reference
    assert events > 20, events  # cache, batch rows, five tables, checksums, temp files
    assert set(want) >= {f"{t}.parquet" for t in ("articles", "mentions", "entities", "events", "rejects")}
    for point in kill_points(events):
        work = tmp_path / f"killed-at-{point}"
        work.mkdir()
        killed = _build(raw, work, point)
        assert killed.returncode == -signal.SIGKILL, (point, killed.returncode, killed.stderr[-2000:])
        again = _build(raw, work)
        assert again.returncode == 0, (point, again.stderr[-3000:])
        got = _tables(work / "current")
        assert sorted(got) == sorted(want), (point, sorted(got))
        assert [n for n in want if got[n] != want[n]] == [], f"killed at write event {point} of {events}"
