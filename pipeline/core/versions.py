"""Code versions of each stage: a hand-bumped number plus the hash of the data files the stage reads.

The Dagster assets use these as ``code_version``; releases record them in provenance.json.
Bump a stage's number when its code changes what it outputs.
"""

from __future__ import annotations

from functools import lru_cache

from ..knowledge import data_version

STAGE_CODE = {"ingest": "4", "extract": "18", "metadata": "8", "entities": "11", "events": "42", "consolidate": "7",
              "relevance": "1", "publish": "2", "release": "4"}
STAGE_DATA = {"extract": ("phrases", "inline_teasers.txt", "outlets", "models/blocks.json"),
              "metadata": ("phrases", "outlets"),
              "entities": ("gazetteer", "phrases"), "events": ("cameo", "gazetteer", "models/events.json",
                                                                  "models/event_actors.json"),
              "release": ("outlets", "release"),
              "quality": ("gx",), "relevance": ("topics",),
              "consolidate": ("gx", "gazetteer", "cameo", "phrases", "outlets", "topics", "models")}


@lru_cache(maxsize=None)
def code_version(stage: str) -> str:
    base = STAGE_CODE.get(stage, "1")
    data = STAGE_DATA.get(stage)
    return f"{base}-{data_version(*data)}" if data else base


def all_code_versions() -> dict[str, str]:
    return {stage: code_version(stage) for stage in sorted(set(STAGE_CODE) | set(STAGE_DATA))}
