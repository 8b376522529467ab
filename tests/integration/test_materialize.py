"""Materialize the real asset graph on a temporary Dagster instance."""

import json
import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from pipeline.core.tables import TableFile
from pipeline.definitions import ALL_ASSETS, ALL_CHECKS, BUILD_ASSETS, defs
from pipeline.defs.batches import BatchIOManager
from pipeline.defs.resources import VostokPaths
from tests.conftest import RAW

pytestmark = pytest.mark.integration
SNAPSHOT = Path(__file__).resolve().parents[1] / "snapshots" / "asset_graph.json"


@pytest.fixture
def workdir(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "empty.txt").write_bytes(b"")
    (raw / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (raw / "2026-11-22").mkdir()  # a second batch, holding a byte copy of a page of the first
    (raw / "2026-11-22" / "copy of 000.txt").write_bytes((RAW / "000_b61806aaad658de3.txt").read_bytes())
    (raw / "menu.md").write_text("\n".join(f"- [Раздел {i}](/s{i})" for i in range(20)), encoding="utf-8")
    return tmp_path


def _materialize(workdir, assets, instance, run_config=None):
    """One run over every batch of workdir/raw: no partitions, no tags, as "Materialize all" launches it."""
    return dg.materialize(
        [*assets, *ALL_CHECKS],
        resources={"paths": VostokPaths(raw_dir=str(workdir / "raw"), dataset_dir=str(workdir / "dataset"),
                                        releases_dir=str(workdir / "releases"), work_dir=str(workdir / "work")),
                   "batch_io_manager": BatchIOManager(base_dir=str(workdir / "work" / "io"))},
        instance=instance,
        raise_on_error=False,
        run_config=run_config,
    )


def _check_results(result) -> dict[str, bool]:
    return {e.check_name: e.passed for e in result.get_asset_check_evaluations()}


def test_full_graph_materializes_and_publishes(workdir):
    with dg.DagsterInstance.ephemeral() as instance:
        result = _materialize(workdir, ALL_ASSETS, instance,
                              {"ops": {"dataset_release": {"config": {"version": "0.1.0"}}}})
    assert result.success
    assert (workdir / "releases" / "v0.1.0" / "datapackage.json").exists()
    assert _check_results(result) == {"articles_gx_suite": True, "rejects_gx_suite": True,
                                      "mentions_gx_suite": True, "entities_gx_suite": True,
                                      "events_gx_suite": True, "accounting_invariant": True}
    articles = pd.read_parquet(workdir / "dataset" / "articles.parquet")
    rejects = pd.read_parquet(workdir / "dataset" / "rejects.parquet")
    assert sorted(articles.source_path) == sorted(p.name for p in RAW.iterdir())
    assert dict(zip(rejects.source_path, rejects.reason)) == {  # the copy lies in another batch
        "2026-11-22/copy of 000.txt": "duplicate_raw", "empty.txt": "empty", "menu.md": "no_article_text",
        "picture.txt": "binary"}
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {"raw_batch", "raw_inventory", "template_index", "batch_tables", "articles", "rejects",
                            "mentions", "entities", "events", "reference_time", "working_tables", "dataset_release"}
    assert (workdir / "work" / "batches" / "articles" / "batch=2026-11-22" / "part-0.parquet").exists()
    events = pd.read_parquet(workdir / "dataset" / "events.parquet")
    assert len(events) > 0 and set(events.article_id) <= set(articles.article_id)
    mentions = pd.read_parquet(workdir / "dataset" / "mentions.parquet")
    entities = pd.read_parquet(workdir / "dataset" / "entities.parquet")
    assert set(mentions.entity_id) <= set(entities.entity_id)
    assert "person:park-jin" in set(entities.entity_id)
    meta = result.asset_materializations_for_node("corpus_tables")[0].metadata
    assert meta["dagster/row_count"].value == 5 and "preview" in meta
    # the corpus tables are handles on consolidation's files (one folder, this run's), not frames
    handle = result.output_for_node("corpus_tables", "articles")
    assert isinstance(handle, TableFile) and handle.rows == 5
    assert [p.name for p in (workdir / "work" / "consolidated").iterdir()] == [result.run_id]
    assert pd.read_parquet(handle.path).equals(articles)


def test_rebuild_is_byte_identical(workdir, tmp_path_factory):
    digests = []
    for _ in range(2):
        with dg.DagsterInstance.ephemeral() as instance:
            assert _materialize(workdir, BUILD_ASSETS, instance).success
        digests.append({p.name: p.read_bytes() for p in sorted((workdir / "dataset").glob("*.parquet"))})
    assert digests[0] == digests[1]
    assert len(list((workdir / "work" / "consolidated").iterdir())) == 1  # the earlier run's files were removed


def test_failing_check_blocks_publishing(workdir):
    """Feed a broken `articles` table: the GX check fails and working_tables is not materialized."""
    real = next(a for a in ALL_ASSETS if "articles" in {k.to_user_string() for k in a.keys})

    @dg.multi_asset(outs={name: dg.AssetOut() for name in ("articles", "rejects", "mentions", "entities", "events",
                                                          "reference_time")},
                    name="corpus_tables", ins={"template_index": dg.AssetIn()},
                    can_subset=False)
    def broken_articles(template_index):
        # the corpus tables pass handles on Parquet files: here files of tables that break the schema
        folder = workdir / "broken"
        folder.mkdir(exist_ok=True)

        def handle(name, frame):
            frame.to_parquet(folder / f"{name}.parquet")
            return TableFile(str(folder / f"{name}.parquet"), len(frame))

        frame = pd.DataFrame([{"article_id": "not-an-id", "title": "", "body": "пишите: a@b.ru [ссылка](#)"}])
        yield dg.Output(handle("articles", frame), output_name="articles")
        yield dg.Output(handle("rejects", pd.DataFrame(columns=["source_path", "raw_sha256", "stage", "reason",
                                                                "message"], dtype=object)), output_name="rejects")
        for name in ("mentions", "entities", "events"):
            yield dg.Output(handle(name, pd.DataFrame()), output_name=name)
        yield dg.Output({"as_of": "2026-12-01", "source": "declared"}, output_name="reference_time")

    assets = [broken_articles if a is real else a for a in ALL_ASSETS]
    release_config = {"ops": {"dataset_release": {"config": {"version": "0.1.0"}}}}
    with dg.DagsterInstance.ephemeral() as instance:
        result = _materialize(workdir, assets, instance, release_config)
    assert not result.success
    assert _check_results(result)["articles_gx_suite"] is False
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "working_tables" not in materialized
    assert "dataset_release" not in materialized
    assert "dataset_release" not in materialized and not (workdir / "releases").exists()
    assert not (workdir / "dataset" / "articles.parquet").exists()


def _graph_snapshot() -> dict:
    graph = defs.resolve_asset_graph()
    snap = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        snap[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
            "checks": sorted(c.name for c in node.check_keys),
            "kinds": sorted(node.kinds),
        }
    return snap


def test_asset_graph_snapshot():
    """The asset graph's shape is reviewed in diffs: regenerate with VOSTOK_UPDATE_SNAPSHOT=1."""
    import os

    snap = _graph_snapshot()
    if os.environ.get("VOSTOK_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(snap, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert SNAPSHOT.exists(), f"{SNAPSHOT} is missing: write it with VOSTOK_UPDATE_SNAPSHOT=1 and review it"
    assert snap == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_definitions_load():
    assert defs.resolve_job_def("build_dataset") is not None
