"""The events stage's two small logistic models (the trigger filter, the actor check): reading a shipped model
file and scoring a feature row. Training lives in scripts/train_events.py and scripts/train_event_actors.py."""

from __future__ import annotations

import json
import math
from typing import Sequence

from ...knowledge import read_text


def probability(model: dict, x: list[float]) -> float:
    """The logistic model's probability for one feature row (the linear score clipped, so exp never overflows)."""
    z = model["intercept"] + sum(w * v for w, v in zip(model["weights"], x))
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def read_model(model_file: str, model_format: int | str, features: Sequence[str]) -> dict | None:
    """The model in ``pipeline/data/<model_file>``, or None when the file is absent. A file of another format or
    feature list is an error: its weights would be read against the wrong features."""
    try:
        model = json.loads(read_text(model_file))
    except FileNotFoundError:
        return None
    if model.get("format") != model_format or list(model.get("features", [])) != list(features):
        raise ValueError(f"{model_file}: expected format {model_format} with features {list(features)}")
    return model
