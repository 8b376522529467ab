"""The single Dagster entry point: ``dagster dev -m pipeline.definitions``."""

from __future__ import annotations

import dagster as dg
from dagster_dask import dask_executor

from .defs.assets import corpus_tables, dataset_release, working_tables
from .defs.batches import BatchIOManager, batch_tables, raw_batch, raw_batches_sensor, raw_inventory, template_index
from .defs.checks import accounting_invariant, table_suites
from .defs.resources import paths_from_environment

BUILD_ASSETS = [raw_batch, raw_inventory, template_index, batch_tables, corpus_tables, working_tables]
ALL_ASSETS = [*BUILD_ASSETS, dataset_release]
ALL_CHECKS = [table_suites, accounting_invariant]

build_dataset_job = dg.define_asset_job(
    "build_dataset",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets("dataset_release"),
    description="Ingest every batch of raw/, clean, parse, tag, extract events, consolidate, quarantine, validate "
                "and write dataset/current/.")
publish_release_job = dg.define_asset_job(
    "publish_release",
    selection=dg.AssetSelection.all(),
    description="Everything build_dataset does, then publish dataset/releases/vX.Y.Z (config: version; empty: the "
                "bump the changes need). A failed blocking check stops the release.")

build_dataset_distributed_job = dg.define_asset_job(
    "build_dataset_distributed",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets("dataset_release"),
    executor_def=dask_executor,
    description="build_dataset's assets, unchanged, with each step run on a Dask cluster (dagster-dask). Config: "
                "execution.config.cluster.existing.address = the scheduler, e.g. tcp://127.0.0.1:8786. Workers "
                "need this repository, the VOSTOK_* and DAGSTER_HOME environment, and shared storage for "
                "dataset/ and DAGSTER_HOME (docs/scale.md: On a cluster).")

_paths = paths_from_environment()
defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[build_dataset_job, publish_release_job, build_dataset_distributed_job],
    sensors=[raw_batches_sensor],
    # Steps run in the run's own process: a step process per asset cost 10-20 s of imports each, and the
    # graph is a chain; the analysis step has its own worker pool (core/workers.py).
    executor=dg.in_process_executor,
    resources={"paths": _paths, "batch_io_manager": BatchIOManager(base_dir=str(_paths.io_dir))},
)
