"""The Dagster layer: wiring only. Stage logic lives in :mod:`pipeline.core`."""
