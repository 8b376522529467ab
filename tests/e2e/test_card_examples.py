"""The loading examples in the latest release's dataset card run as written (pandas via pipeline.load, DuckDB)."""

import os
import re

from tests.conftest import REPO


def test_card_code_blocks_execute(capsys):
    latest = sorted(p for p in (REPO / "dataset" / "releases").iterdir() if p.name.startswith("v"))[-1]
    card = (latest / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", card, re.S)
    assert len(blocks) >= 2
    cwd = os.getcwd()
    os.chdir(latest)  # the DuckDB example reads the release's files by relative path
    try:
        namespaces = []
        for block in blocks:
            namespace: dict = {}
            exec(compile(block, str(latest / "README.md"), "exec"), namespace)  # noqa: S102 - our own card
            namespaces.append(namespace)
        events = next(ns["events"] for ns in namespaces if "events" in ns)
        assert len(events) > 0 and isinstance(events["actor1_countries"].iloc[0], list)
        import duckdb

        assert any("duckdb" in ns for ns in namespaces)
        count = duckdb.sql("SELECT count(*) FROM 'events.parquet'").fetchall()[0][0]
        assert count == len(events)
    finally:
        os.chdir(cwd)
