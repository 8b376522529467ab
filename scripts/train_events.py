"""Train the events stage's trigger filter and write ``pipeline/data/models/events.json``.

Source: NEREL v1.1 train and dev documents in ``../shared/eval/nerel_traindev.jsonl`` (nerel-ds/NEREL;
Loukachevitch et al., RANLP 2021, LREC 2022, LRE 2023): 840 Russian Wikinews articles with event words and
their participants. Only the fitted weights are written, never text.

Candidates: every trigger candidate the events stage proposes with the filter off
(``tag_document(..., event_filter=False)``); features: :data:`pipeline.core.events.filter.FEATURE_NAMES`.
Label: 1 when the candidate's sentence holds a NEREL EVENT with an AGENT or PARTICIPANT_IN argument (the
benchmark's trigger precision, ``benchmarks/events.py``).

Model: scikit-learn ``LogisticRegression`` (L2, C=1, lbfgs, one thread, no randomness), weights rounded to
6 digits, so the file reproduces byte for byte. ``benchmarks/events.py`` cross-validates the same ``fit``
with folds grouped by document (sha256 of the doc id):

    .venv/bin/python scripts/train_events.py [--nerel ../shared/eval/nerel_traindev.jsonl] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.core.events.filter import FEATURE_NAMES, MODEL_FORMAT, THRESHOLD  # noqa: E402

DEFAULT_OUT = ROOT / "pipeline" / "data" / "models" / "events.json"
PARAMS = {"C": 1.0, "solver": "lbfgs", "max_iter": 2000}
DIGITS = 6


def fit(x: list[list[float]], y: list[int]) -> dict:
    """A logistic model of the candidates (``x`` in FEATURE_NAMES order, ``y`` 0/1) as the JSON the stage reads."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(**PARAMS)
    clf.fit(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.int64))
    return {"format": MODEL_FORMAT, "features": list(FEATURE_NAMES),
            "weights": [round(float(w), DIGITS) for w in clf.coef_[0]],
            "intercept": round(float(clf.intercept_[0]), DIGITS), "threshold": THRESHOLD}


def candidate_rows(docs: list[dict], tagged: dict[str, dict]) -> tuple[list[list[float]], list[int]]:
    """Feature vectors and labels of every candidate of ``docs`` (``tagged`` with the filter off)."""
    from benchmarks.events import on_target

    x, y = [], []
    for doc in docs:
        for ev in tagged[str(doc["doc_id"])]["events"]:
            x.append(ev["features"])
            y.append(int(on_target(doc, ev)))
    return x, y


def dumps(model: dict) -> str:
    return json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def main() -> None:
    from benchmarks.events import DEFAULT_NEREL, load, tag_all

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nerel", type=Path, default=DEFAULT_NEREL)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-cache", action="store_true", help="do not keep natasha's analyses under .bench_cache/")
    args = parser.parse_args()
    docs = load(args.nerel)
    tagged = tag_all(docs, args.workers, use_cache=not args.no_cache, event_filter=False)
    x, y = candidate_rows(docs, tagged)
    model = fit(x, y)
    model["trained_on"] = {"source": "NEREL v1.1 train+dev (nerel-ds/NEREL)", "documents": len(docs),
                           "candidates": len(y), "positives": sum(y)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps(model), encoding="utf-8")
    print(json.dumps({"out": str(args.out.relative_to(ROOT)) if args.out.is_relative_to(ROOT) else str(args.out),
                      **model["trained_on"]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
