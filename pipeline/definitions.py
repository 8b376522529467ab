"""The single Dagster entry point: ``dagster dev -m pipeline.definitions``."""

from __future__ import annotations

import os

import dagster as dg
from dagster_dask import dask_executor

from .defs.assets import corpus_tables, dataset_release, working_tables
from .defs.batches import BatchIOManager, batch_tables, raw_batch, raw_batches_sensor, raw_inventory, template_index
from .defs.checks import (accounting_invariant, articles_gx_suite, entities_gx_suite, events_gx_suite,
                          mentions_gx_suite, rejects_gx_suite)
from .defs.resources import VostokPaths, default_workers

BUILD_ASSETS = [raw_batch, raw_inventory, template_index, batch_tables, corpus_tables, working_tables]
ALL_ASSETS = [*BUILD_ASSETS, dataset_release]
ALL_CHECKS = [articles_gx_suite, rejects_gx_suite, mentions_gx_suite, entities_gx_suite, events_gx_suite,
              accounting_invariant]

build_dataset_job = dg.define_asset_job(
    "build_dataset",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets("dataset_release"),
    description="Ingest raw/ batch by batch (a run covers a range of batches), clean, parse, tag, extract events, "
                "consolidate, validate and write dataset/current/.")
publish_release_job = dg.define_asset_job(
    "publish_release",
    selection=dg.AssetSelection.all(),
    description="Everything build_dataset does, then publish dataset/releases/vX.Y.Z (config: version). "
                "A failed blocking check stops the release.")

build_dataset_distributed_job = dg.define_asset_job(
    "build_dataset_distributed",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets("dataset_release"),
    executor_def=dask_executor,
    description="build_dataset's assets, unchanged, with each step run on a Dask cluster (dagster-dask). Config: "
                "execution.config.cluster.existing.address = the scheduler, e.g. tcp://127.0.0.1:8786. Workers "
                "need this repository, the VOSTOK_* and DAGSTER_HOME environment, and shared storage for "
                "dataset/ and DAGSTER_HOME (README: Scaling out).")

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[build_dataset_job, publish_release_job, build_dataset_distributed_job],
    sensors=[raw_batches_sensor],
    # Folders can be moved with VOSTOK_RAW_DIR, VOSTOK_DATASET_DIR and VOSTOK_RELEASES_DIR (the e2e test does).
    resources={"paths": VostokPaths(raw_dir=os.environ.get("VOSTOK_RAW_DIR", "raw"),
                                    dataset_dir=os.environ.get("VOSTOK_DATASET_DIR", "dataset/current"),
                                    releases_dir=os.environ.get("VOSTOK_RELEASES_DIR", "dataset/releases"),
                                    work_dir=os.environ.get("VOSTOK_WORK_DIR", "dataset/work"),
                                    workers=default_workers()),
               "batch_io_manager": BatchIOManager(base_dir=os.path.join(os.environ.get("VOSTOK_WORK_DIR", "dataset/work"), "io"))},
)
