"""A run whose process is killed with SIGKILL is marked FAILURE by the daemon's run monitoring, under the
repository's own dagster.yaml, so it cannot hold the one-run queue shut; a live run is left alone; and the queue
then launches the run that waited. The daemon's iterations (queue, monitoring) are run one at a time, as
``dagster dev``'s daemon runs them every few seconds, against a temporary instance: a full ``dagster dev`` (webserver,
daemon, 30 s monitoring polls) would take minutes and time the assertions by the clock."""

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
    from dagster import DagsterInstance

    with DagsterInstance.get():  # the storages are created here, not raced by the worker and this process
        pass
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


JOBS = textwrap.dedent('''
    import dagster as dg

    @dg.op
    def one():
        return 1

    @dg.job
    def quick():
        one()
''')


def _wait_for_status(instance, run_id: str, statuses, timeout: float = 180.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = instance.get_run_by_id(run_id).status
        if status in statuses:
            return status
        time.sleep(0.5)
    raise AssertionError(f"run {run_id} still {instance.get_run_by_id(run_id).status} after {timeout:.0f} s")


def test_after_a_killed_run_is_marked_failed_the_queue_launches_the_next_one(tmp_path, monkeypatch):
    """What ``dagster dev``'s daemon does, one iteration at a time, under the repository's dagster.yaml: a run left
    STARTED by a SIGKILLed process holds the one-run queue (a submitted run stays QUEUED), run monitoring marks it
    FAILURE, and the queue then launches the waiting run through the run launcher, which runs it to SUCCESS."""
    import logging

    from dagster import DagsterInstance, DagsterRunStatus
    from dagster._core.test_utils import create_run_for_test
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import PythonFileTarget
    from dagster._daemon.monitoring.run_monitoring import execute_run_monitoring_iteration
    from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import QueuedRunCoordinatorDaemon

    _instance_home(tmp_path, monkeypatch)
    (tmp_path / "jobs.py").write_text(JOBS, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    worker = subprocess.Popen([sys.executable, "-c", WORKER], cwd=tmp_path, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    logger = logging.getLogger("run_monitoring_test")
    try:
        with DagsterInstance.get() as instance:
            dead = _wait_for_started_run(instance)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
            target = PythonFileTarget(python_file=str(tmp_path / "jobs.py"), attribute=None,
                                      working_directory=str(tmp_path), location_name="jobs")
            with WorkspaceProcessContext(instance, target) as context:
                request = context.create_request_context()
                (repository,) = request.get_code_location("jobs").get_repositories().values()
                job = repository.get_full_job("quick")
                run = create_run_for_test(instance, job_name="quick", remote_job_origin=job.get_remote_origin(),
                                          job_code_origin=job.get_python_origin(), job_snapshot=job.job_snapshot)
                instance.submit_run(run.run_id, request)
                queue = QueuedRunCoordinatorDaemon(interval_seconds=1)
                list(queue.run_iteration(context))
                assert instance.get_run_by_id(run.run_id).status == DagsterRunStatus.QUEUED  # the dead run holds it
                assert instance.get_run_by_id(dead.run_id).status == DagsterRunStatus.STARTED
                list(execute_run_monitoring_iteration(context, logger))
                assert instance.get_run_by_id(dead.run_id).status == DagsterRunStatus.FAILURE
                list(queue.run_iteration(context))
                assert instance.get_run_by_id(run.run_id).status != DagsterRunStatus.QUEUED  # launched
                assert _wait_for_status(instance, run.run_id, {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE}) \
                    == DagsterRunStatus.SUCCESS
    finally:
        try:
            os.killpg(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
