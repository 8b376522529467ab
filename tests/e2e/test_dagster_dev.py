"""End to end through the real webserver: `dagster dev` on a loopback port, in its own process group.

Launches "Materialize all" through GraphQL exactly as a click in the asset graph does (the implicit asset job,
every asset and check, no config, no tags), waits for success, reads the asset checks' results and the
release it published, and takes
screenshots of the asset graph and the run page with headless Chromium (skipped, with a message, without one).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import RAW, REPO
from tests.e2e.browser import dump_dom, find_chromium, screenshot

pytestmark = pytest.mark.e2e
DOCS = REPO / "docs"
CHECKS = ("articles_gx_suite", "rejects_gx_suite", "mentions_gx_suite", "entities_gx_suite", "events_gx_suite",
          "accounting_invariant")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        data = json.loads(resp.read())
    assert "errors" not in data, data
    return data["data"]


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster_home")
    work = tmp_path_factory.mktemp("work")
    (home / "dagster.yaml").write_text(
        f"storage:\n  sqlite:\n    base_dir: {home}/storage\n"
        f"local_artifact_storage:\n  module: dagster._core.storage.root\n  class: LocalArtifactStorage\n"
        f"  config:\n    base_dir: {home}/artifacts\n"
        "telemetry:\n  enabled: false\nnux:\n  enabled: false\n", encoding="utf-8")
    port = _free_port()
    env = dict(os.environ, DAGSTER_HOME=str(home), VOSTOK_RAW_DIR=str(RAW), VOSTOK_DATASET_DIR=str(work / "current"),
               VOSTOK_RELEASES_DIR=str(work / "releases"), VOSTOK_WORK_DIR=str(work / "work"), TQDM_DISABLE="1")
    dagster = str(Path(sys.executable).parent / "dagster")
    proc = subprocess.Popen([dagster, "dev", "-m", "pipeline.definitions", "-h", "127.0.0.1", "-p", str(port)],
                            cwd=REPO, env=env, start_new_session=True,  # its own process group, stopped below
                            stdout=open(home / "dev.log", "w"), stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                _graphql(port, "{ version }")
                break
            except Exception:
                time.sleep(1)
        else:
            raise AssertionError("dagster dev did not come up:\n" + (home / "dev.log").read_text()[-3000:])
        yield port, work
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # a backgrounded dagster dev can ignore SIGTERM
            proc.wait(timeout=30)


ASSETS = ("raw_batch", "raw_inventory", "template_index", "batch_tables", "articles", "rejects", "mentions",
          "entities", "events", "reference_time", "working_tables", "dataset_release")
CHECK_ASSETS = {"articles_gx_suite": "articles", "rejects_gx_suite": "rejects", "mentions_gx_suite": "mentions",
                "entities_gx_suite": "entities", "events_gx_suite": "events", "accounting_invariant": "rejects"}


def _materialize_all(port: int) -> str:
    """What the UI's "Materialize all" sends: the implicit asset job over every asset and check, no run config."""
    launched = _graphql(port, """mutation($p: ExecutionParams!) { launchPipelineExecution(executionParams: $p) {
        __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
        ... on RunConfigValidationInvalid { errors { message } } ... on InvalidSubsetError { message } } }""",
                        {"p": {"selector": {"repositoryLocationName": "pipeline.definitions",
                                            "repositoryName": "__repository__", "pipelineName": "__ASSET_JOB",
                                            "assetSelection": [{"path": [a]} for a in ASSETS],
                                            "assetCheckSelection": [{"assetKey": {"path": [asset]}, "name": check}
                                                                    for check, asset in CHECK_ASSETS.items()]},
                               "mode": "default", "runConfigData": "{}", "executionMetadata": {"tags": []}}})
    result = launched["launchPipelineExecution"]
    assert result["__typename"] == "LaunchRunSuccess", result
    return result["run"]["runId"]


def test_materialize_through_graphql_and_check_results(dagster_dev, tmp_path):
    port, work = dagster_dev
    run_id = _materialize_all(port)
    status = None
    deadline = time.time() + 900
    while time.time() < deadline:
        status = _graphql(port, "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }",
                          {"id": run_id})["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(3)
    assert status == "SUCCESS", status
    assert (work / "current" / "events.parquet").exists()
    assert (work / "releases" / "v0.1.0" / "datapackage.json").exists()  # the version worked out: first release
    for asset, check in (("articles", "articles_gx_suite"), ("rejects", "rejects_gx_suite"),
                         ("mentions", "mentions_gx_suite"), ("entities", "entities_gx_suite"),
                         ("events", "events_gx_suite"), ("rejects", "accounting_invariant")):
        data = _graphql(port, """query($key: AssetKeyInput!, $name: String!) {
            assetCheckExecutions(assetKey: $key, checkName: $name, limit: 1) { status evaluation { success } } }""",
                        {"key": {"path": [asset]}, "name": check})
        execution = data["assetCheckExecutions"][0]
        assert execution["status"] == "SUCCEEDED" and execution["evaluation"]["success"], (check, execution)
    if find_chromium() is None:
        pytest.skip("no Chromium: the browser part (screenshots) is skipped; apt-get install chromium")
    for name, url in (("ui_asset_graph.png", f"http://127.0.0.1:{port}/asset-groups"),
                      ("ui_run.png", f"http://127.0.0.1:{port}/runs/{run_id}")):
        dom = dump_dom(url, budget_ms=20000, offline=False)  # loopback only; this machine has no other network
        assert "ERR_PROXY" not in dom and "ERR_CONNECTION" not in dom and "bp5-" in dom, name  # the Dagster app rendered
        shot = screenshot(url, tmp_path / name, size="1600,1000", budget_ms=20000, offline=False)
        assert shot.stat().st_size > 20_000, f"{name} looks blank"
        if os.environ.get("VOSTOK_UPDATE_DOCS"):  # refresh docs/ on request only: tests leave the tree clean
            shutil.copy(shot, DOCS / name)
