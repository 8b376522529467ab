"""A run launcher whose run workers the daemon's run monitoring can check: a run whose process died (``kill -9``,
the kernel's OOM killer) is marked FAILURE instead of staying STARTED for ever, which with
``max_concurrent_runs: 1`` would hold the queue shut.

Dagster's ``DefaultRunLauncher`` launches each run in a local process but cannot say whether that process is still
alive (``supports_check_run_worker_health`` is False), so run monitoring (``run_monitoring`` in dagster.yaml) only
times out runs stuck while starting. :class:`LocalRunLauncher` launches the same way, and answers the health check
from the run worker's process id: the ``vostok/pid`` tag of a run executed in process (``make dataset``,
:mod:`.launch`), else the pid of the run's "Started process for run" engine event. A process that is gone, a
zombie, or a later process that reused the pid (started after the run did) is a failed worker; a run with no
recorded pid is reported running, since nothing shows it is not.
"""

from __future__ import annotations

import os

from dagster._core.events import DagsterEventType
from dagster._core.launcher import CheckRunHealthResult, WorkerStatus
from dagster._core.launcher.default_run_launcher import DefaultRunLauncher

__all__ = ["PID_TAG", "LocalRunLauncher", "process_alive", "run_worker_pid"]

#: tag of a run executed in process: the process id of the command that executes it
PID_TAG = "vostok/pid"


def run_worker_pid(instance, run) -> int | None:
    """The process id of ``run``'s worker, from its tag or from its engine events (None when none is recorded)."""
    if run.tags.get(PID_TAG, "").isdigit():
        return int(run.tags[PID_TAG])
    for record in reversed(instance.all_logs(run.run_id, of_type=DagsterEventType.ENGINE_EVENT)):
        event = record.dagster_event
        data = getattr(event, "engine_event_data", None) if event else None
        pid = (data.metadata or {}).get("pid") if data is not None else None
        value = getattr(pid, "value", pid)
        if value is not None and str(value).isdigit():
            return int(value)
    return None


def process_alive(pid: int, started_by: float | None = None) -> bool:
    """True when process ``pid`` exists, is not a zombie and (given ``started_by``, a Unix time) had started by then
    (else the pid was reused by a later process)."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with dagster; without it only existence is checked
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        return started_by is None or proc.create_time() <= started_by + 1.0
    except psutil.NoSuchProcess:
        return False


class LocalRunLauncher(DefaultRunLauncher):
    """``DefaultRunLauncher`` plus a run worker health check (see the module docstring)."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run) -> CheckRunHealthResult:
        pid = run_worker_pid(self._instance, run)
        if pid is None:
            return CheckRunHealthResult(WorkerStatus.RUNNING, "no run worker pid recorded")
        record = self._instance.get_run_record_by_id(run.run_id)
        started = record.start_time if record is not None else None
        if process_alive(pid, started):
            return CheckRunHealthResult(WorkerStatus.RUNNING, f"run worker pid {pid} is alive")
        return CheckRunHealthResult(WorkerStatus.FAILED, f"run worker process {pid} is gone (killed or crashed)")
