"""The per-batch IO manager: values round-trip by batch, and a file from an older pipeline is a clear failure."""

import json

import dagster as dg
import pytest

from pipeline.defs.batches import BatchIOManager


def test_values_round_trip_by_batch_under_bounded_names(tmp_path):
    manager = BatchIOManager(base_dir=str(tmp_path))
    key = dg.AssetKey("raw_batch")
    manager.handle_output(dg.build_output_context(asset_key=key), {"b" * 300: [1, 2], "_root": {"x": 1}})
    names = sorted(p.name for p in (tmp_path / "raw_batch").iterdir())
    assert "index.json" in names and all(len(n) <= 28 for n in names if n != "index.json")
    assert manager.load_input(dg.build_input_context(asset_key=key)) == {"_root": {"x": 1}, "b" * 300: [1, 2]}


def test_a_value_pickled_under_a_class_that_moved_is_a_failure_saying_what_to_do(tmp_path):
    manager = BatchIOManager(base_dir=str(tmp_path))
    folder = tmp_path / "batch_tables"
    folder.mkdir()
    (folder / "old.pkl").write_bytes(b"cpipeline.core.incremental\nBatchRows\n)\x81.")  # a class path of v0.2
    (folder / "index.json").write_text(json.dumps({"old.pkl": "_root"}))
    with pytest.raises(dg.Failure, match="older version of the pipeline.*materialize it again"):
        manager.load_input(dg.build_input_context(asset_key=dg.AssetKey("batch_tables")))


def test_batch_manifests_are_stored_as_one_table_not_a_pickle_per_batch(tmp_path):
    import numpy as np

    from pipeline.core.batches import BatchManifest
    from pipeline.core.errors import Reject

    manager = BatchIOManager(base_dir=str(tmp_path))
    key = dg.AssetKey("raw_batch")
    manifests = {
        "b" * 300: BatchManifest("b" * 300, [{"source_path": "x/1.md", "raw_sha256": "1" * 64, "size": 3, "kind": "text",
                                              "encoding": "utf-8", "fetched_at": None}], [],
                                 [("x/1.md", "example.ru", np.array([5, 1], dtype=np.uint64), "k1")], "fp1"),
        "_root": BatchManifest("_root", [], [Reject("bad.bin", None, "ingest", "binary", "not text \udcff")], [], "fp2"),
    }
    manager.handle_output(dg.build_output_context(asset_key=key), manifests)
    assert sorted(p.name for p in (tmp_path / "raw_batch").iterdir()) == ["index.json", "manifests.parquet"]
    back = manager.load_input(dg.build_input_context(asset_key=key))
    assert list(back) == sorted(manifests)
    for batch, want in manifests.items():
        got = back[batch]
        assert (got.batch, got.inventory, got.rejects, got.fingerprint) == \
            (want.batch, want.inventory, want.rejects, want.fingerprint)
        assert [(p, g, k.tolist(), pk) for p, g, k, pk in got.pages] == \
            [(p, g, k.tolist(), pk) for p, g, k, pk in want.pages]
