"""``python -m pipeline materialize`` (what ``make dataset`` runs): quiet, a summary of what the run did, and a
rebuild with nothing new that reads nothing again and runs no suite again."""

import os
import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from tests.conftest import RAW, REPO

pytestmark = pytest.mark.integration


def _run(env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "materialize", "build_dataset"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900)


def test_materialize_is_quiet_summarizes_and_a_rebuild_reuses_everything(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "empty.txt").write_bytes(b"")
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, DAGSTER_HOME=str(home), VOSTOK_RAW_DIR=str(raw), VOSTOK_WORKERS="1",
               VOSTOK_DATASET_DIR=str(tmp_path / "current"), VOSTOK_RELEASES_DIR=str(tmp_path / "releases"),
               VOSTOK_WORK_DIR=str(tmp_path / "work"), PYTHONPATH=str(REPO), TQDM_DISABLE="1")
    first = _run(env)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    output = first.stdout + first.stderr
    assert " - DEBUG - " not in output and "Warning" not in output, output[-3000:]
    files = len(list(RAW.iterdir())) + 1
    assert f"files seen: {files} in 1 batches" in first.stdout
    assert "rejected: empty 1 (quarantined: 0)" in first.stdout
    articles = pq.read_metadata(tmp_path / "current" / "articles.parquet").num_rows
    assert f"rows: articles {articles}," in first.stdout and "checks: 6 of 6 passed" in first.stdout
    remembered = sorted(p.name for p in (tmp_path / "work" / "validation").iterdir())
    assert remembered  # the suites' results are kept for the next run

    second = _run(env)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert "every batch unchanged since the last run: nothing read again" in second.stdout
    assert sorted(p.name for p in (tmp_path / "work" / "validation").iterdir()) == remembered  # all hits
    assert "great_expectations" not in second.stderr
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:  # both runs are in the instance's history
        assert [r.job_name for r in instance.get_runs()] == ["build_dataset", "build_dataset"]
