"""A run whose process is killed with SIGKILL is marked FAILURE by the daemon's run monitoring, under the
repository's own dagster.yaml, so it cannot hold the one-run queue shut; a live run is left alone."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]

WORKER = textwrap.dedent('''
    import os, time
    import dagster as dg
    from pipeline.defs.run_monitoring import PID_TAG

    @dg.op
    def wait():
        time.sleep(120)

    @dg.job
    def slow():
        wait()

    with dg.DagsterInstance.get() as instance:
        slow.execute_in_process(instance=instance, tags={PID_TAG: str(os.getpid())})
''')


def _instance_home(tmp_path: Path, monkeypatch) -> Path:
    """A Dagster home in ``tmp_path`` configured by the repository's dagster.yaml (its paths are relative)."""
    home = tmp_path / ".dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def _wait_for_started_run(instance, timeout: float = 120.0):
    from dagster import DagsterRunStatus

    deadline = time.time() + timeout
    while time.time() < deadline:
        runs = instance.get_runs()
        if runs and runs[0].status == DagsterRunStatus.STARTED:
            return runs[0]
        time.sleep(0.5)
    raise AssertionError("the run never started")


def test_killed_run_is_marked_failed_and_live_one_is_not(tmp_path, monkeypatch):
    import logging

    from dagster import DagsterInstance, DagsterRunStatus
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import EmptyWorkspaceTarget
    from dagster._daemon.monitoring.run_monitoring import execute_run_monitoring_iteration

    from pipeline.defs.run_monitoring import LocalRunLauncher

    _instance_home(tmp_path, monkeypatch)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    worker = subprocess.Popen([sys.executable, "-c", WORKER], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with DagsterInstance.get() as instance:
            assert isinstance(instance.run_launcher, LocalRunLauncher)
            assert instance.run_monitoring_enabled
            run = _wait_for_started_run(instance)
            logger = logging.getLogger("run_monitoring_test")
            with WorkspaceProcessContext(instance, EmptyWorkspaceTarget()) as context:
                list(execute_run_monitoring_iteration(context, logger))  # alive: left alone
                assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.STARTED
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=30)
                assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.STARTED  # what kill -9 leaves
                list(execute_run_monitoring_iteration(context, logger))
            assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.FAILURE
    finally:
        if worker.poll() is None:
            worker.kill()
