"""The same assets on a real engine: a Dask scheduler and two workers on loopback (dagster-dask executor).

Starts its own services (each in its own process group, stopped at the end), materializes every asset of
`build_dataset_distributed` over two raw batches, and checks that the tables equal the
single-process build byte for byte."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import RAW, REPO

pytestmark = pytest.mark.integration
BIN = Path(sys.executable).parent
TABLES = ("articles", "mentions", "entities", "events", "rejects")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_workers(address: str, n: int, timeout: float = 120) -> set[int]:
    """Wait until ``n`` workers joined; their process ids."""
    from distributed import Client

    with Client(address, timeout=timeout) as client:
        client.wait_for_workers(n, timeout=timeout)
        return set(client.run(os.getpid).values())


def _step_pids(home: str) -> set[int]:
    """Process ids of every step start of the last run in DAGSTER_HOME."""
    import dagster as dg

    with dg.DagsterInstance.from_config(home) as instance:
        [run] = instance.get_runs(limit=1)
        records = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.STEP_START).records
        pids = {r.event_log_entry.dagster_event.pid for r in records}
    assert len(records) >= 6, records
    return pids


@pytest.fixture
def workspace(tmp_path):
    raw = tmp_path / "raw"
    (raw / "2026-11-02").mkdir(parents=True)
    for i, page in enumerate(sorted(RAW.iterdir())):
        shutil.copy(page, raw / page.name if i < 3 else raw / "2026-11-02" / page.name)
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    env = dict(os.environ, DAGSTER_HOME=str(home), VOSTOK_RAW_DIR=str(raw),
               VOSTOK_DATASET_DIR=str(tmp_path / "current"), VOSTOK_RELEASES_DIR=str(tmp_path / "releases"),
               VOSTOK_WORK_DIR=str(tmp_path / "work"), PYTHONPATH=str(REPO), TQDM_DISABLE="1",
               DASK_DISTRIBUTED__WORKER__DAEMON="False")  # a worker may start NER processes of its own
    return tmp_path, env


@pytest.fixture
def dask_cluster(workspace):
    tmp_path, env = workspace
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path / "logs"
    logs.mkdir()
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--dashboard-address", f"127.0.0.1:{_free_port()}"],
                              cwd=REPO, env=env, start_new_session=True,
                              stdout=open(logs / "scheduler.log", "w"), stderr=subprocess.STDOUT)]
    try:
        time.sleep(1)
        for i in range(2):
            procs.append(subprocess.Popen(
                [str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1", "--host", "127.0.0.1",
                 "--name", f"vostok-{i}", "--dashboard-address", f"127.0.0.1:{_free_port()}"],
                cwd=REPO, env=env, start_new_session=True,
                stdout=open(logs / f"worker{i}.log", "w"), stderr=subprocess.STDOUT))
        yield address, _wait_for_workers(address, 2)
    finally:
        for proc in reversed(procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)


def test_build_on_dask_equals_single_process_build(workspace, dask_cluster):
    tmp_path, env = workspace
    config = tmp_path / "dask.yaml"
    address, worker_pids = dask_cluster
    config.write_text(f"execution:\n  config:\n    cluster:\n      existing:\n        address: {address}\n",
                      encoding="utf-8")
    run = subprocess.run([str(BIN / "dagster"), "job", "execute", "-m", "pipeline.definitions",
                          "-j", "build_dataset_distributed", "-c", str(config)],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert _step_pids(env["DAGSTER_HOME"]) <= worker_pids and len(worker_pids) == 2  # every step ran on a worker
    reference = tmp_path / "reference"
    subprocess.run([sys.executable, "-m", "pipeline", "build", "--raw", env["VOSTOK_RAW_DIR"], "--out", str(reference)],
                   cwd=REPO, env=env, check=True, capture_output=True, timeout=900)
    for name in TABLES:
        assert (tmp_path / "current" / f"{name}.parquet").read_bytes() == (reference / f"{name}.parquet").read_bytes(), name
    batch_folders = sorted(p.name for p in (tmp_path / "work" / "batches" / "articles").iterdir())
    assert batch_folders == ["batch=2026-11-02", "batch=_root"]
