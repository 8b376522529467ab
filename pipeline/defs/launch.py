"""Run a job of the definitions from the command line, quietly, and say what it did.

``make dataset`` and ``make release`` go through here rather than ``dagster job execute`` (superseded, and it
prints every DEBUG event): the run is recorded in the Dagster instance like any other (it shows in
``dagster dev``), the console logger prints INFO and above, and the end summary says what the run did: files
seen, pages converted or cached, documents analysed or cached, rejects by reason, quarantined articles, rows
per table.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq

from ..schema import TABLES
from .run_monitoring import PID_TAG

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def run_config(job_name: str, version: str = "", log_level: str = "INFO") -> dict:
    """The run config of a command-line run: the console log level, and the release version for publish."""
    config: dict = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    if job_name == "publish_release":
        config["ops"] = {"dataset_release": {"config": {"version": version}}}
    return config


def launch(job_name: str, version: str = "", log_level: str = "INFO") -> int:
    """Execute ``job_name`` in this process against the instance in DAGSTER_HOME; print the summary."""
    from ..definitions import defs
    from .progress import keep_terminal
    from .resources import paths_from_environment

    keep_terminal()

    job = defs.resolve_job_def(job_name)
    with dg.DagsterInstance.get() as instance:
        # the pid lets the daemon's run monitoring fail this run if the process is killed (run_monitoring.py)
        result = job.execute_in_process(instance=instance, raise_on_error=False, tags={PID_TAG: str(os.getpid())},
                                        run_config=run_config(job_name, version, log_level))
    metadata = {}
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        metadata[materialization.asset_key.to_user_string()] = {k: v.value for k, v in materialization.metadata.items()}
    checks = [(c.asset_key.to_user_string(), c.check_name, c.passed) for c in result.get_asset_check_evaluations()]
    print(summary(metadata, checks, paths_from_environment().dataset, result.success))
    return 0 if result.success else 1


def summary(metadata: dict[str, dict], checks: list[tuple[str, str, bool]], current: Path, success: bool) -> str:
    """What the run did, from its materialization metadata and the tables it wrote."""
    lines = [f"run {'succeeded' if success else 'FAILED'}"]
    raw = metadata.get("raw_batch")
    if raw:
        converted, read = raw.get("pages_converted", 0), raw.get("pages_read", 0)
        unchanged = raw.get("unchanged_batches", 0)
        lines.append(f"files seen: {raw.get('documents', 0) + raw.get('rejected', 0)} in {raw.get('batches', 0)} batches, "
                     + ("every batch unchanged since the last run: nothing read again"
                        if unchanged == raw.get("batches", 0) else
                        f"{unchanged} unchanged; pages converted {converted}, from the cache {read - converted}"))
    analysed = metadata.get("batch_tables")
    if analysed:
        cache = _md_counts(analysed.get("cache", ""))
        if sum(cache.values()):
            lines.append(f"documents analysed: {cache.get('analysis miss', 0)}, "
                         f"from cache: {cache.get('analysis hit', 0)}")
    current = Path(current)
    if (current / "rejects.parquet").exists():
        rejects = pq.read_table(current / "rejects.parquet", columns=["reason"]).column("reason").to_pylist()
        by_reason = Counter(rejects)
        lines.append("rejected: " + (", ".join(f"{reason} {n}" for reason, n in sorted(by_reason.items()))
                                     if by_reason else "none")
                     + f" (quarantined: {by_reason.get('quarantined', 0)})")
        lines.append("rows: " + ", ".join(f"{name} {pq.read_metadata(current / f'{name}.parquet').num_rows}"
                                          for name in TABLES if (current / f"{name}.parquet").exists()))
    failed = [f"{asset}:{name}" for asset, name, passed in checks if not passed]
    if checks:
        lines.append(f"checks: {len(checks) - len(failed)} of {len(checks)} passed"
                     + (f"; failed: {', '.join(failed)}" if failed else ""))
    release = metadata.get("dataset_release")
    if release:
        lines.append(f"release: {release.get('version', '?')} {release.get('status', '')} "
                     f"({release.get('bump', '')})".rstrip())
    return "\n".join(lines)


def _md_counts(table: str) -> dict[str, int]:
    """``| key | n |`` rows of a counts table (materialization.counts_md) back into a dict."""
    out = {}
    for line in str(table).splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 2 and cells[1].isdigit():
            out[cells[0]] = int(cells[1])
    return out
