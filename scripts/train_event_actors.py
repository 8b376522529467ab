"""Train the events stage's actor check and write ``pipeline/data/models/event_actors.json``.

Source: NEREL v1.1 train and dev documents in ``../shared/eval/nerel_traindev.jsonl`` (nerel-ds/NEREL;
Loukachevitch et al., RANLP 2021, LREC 2022, LRE 2023): 840 Russian Wikinews articles with event words and
their AGENT and PARTICIPANT_IN arguments. Only the fitted weights are written, never text.

Rows: every candidate actor mention (:mod:`pipeline.core.events.actor_model`) of every event the stage proposes
whose sentence holds a NEREL event with participants (``tag_document(..., event_filter=False)``: the rows do
not depend on the actor model). The NEREL event it is compared with is the one whose trigger overlaps the
proposed trigger, else the nearest one of the sentence; label 1 when the mention overlaps one of its
participants. Besides them, the same rows for every NEREL event word with participants taken as a trigger
(:func:`gold_trigger_rows`: its head word is the anchor, the parse rules give the sides under the lexicon's code
for that word, or 010 where the lexicon has none): ten times as many rows, of the same structure.
Features: :data:`pipeline.core.events.actor_model.FEATURE_NAMES`.

Model: scikit-learn ``LogisticRegression`` (L2, C=1, lbfgs, one thread, no randomness), weights rounded to
6 digits, so the file reproduces byte for byte. Threshold: the one of :data:`THRESHOLDS` that maximises the
actor F1 on the training rows of the proposed events (precision over the kept candidates, recall over all the compared events'
participants, those no candidate covers included); the F1-optimal cut lies well below .5 when recall is
bounded by the candidates. ``benchmarks/events.py`` cross-validates the same ``fit``
with folds grouped by document (sha256 of the doc id). Run it before ``scripts/train_events.py`` (the event
filter reads the actors this model chooses):

    .venv/bin/python scripts/train_event_actors.py [--nerel ../shared/eval/nerel_traindev.jsonl] [--workers 2]
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

from pipeline.core.events.actor_model import FEATURE_NAMES, MODEL_FORMAT  # noqa: E402

DEFAULT_OUT = ROOT / "pipeline" / "data" / "models" / "event_actors.json"
PARAMS = {"C": 1.0, "solver": "lbfgs", "max_iter": 5000}
DIGITS = 6
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(9))  # .20 … .60


def _f1(kept: list[bool], y: list[int], uncovered: int) -> float:
    tp = sum(1 for k, v in zip(kept, y) if k and v)
    p = tp / sum(kept) if any(kept) else 0.0
    r = tp / (sum(y) + uncovered) if sum(y) + uncovered else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def fit(x: list[list[float]], y: list[int], uncovered: int = 0,
        extra: tuple[list[list[float]], list[int]] = ([], [])) -> dict:
    """A logistic model of the candidate actors (``x`` in FEATURE_NAMES order, ``y`` 0/1; ``uncovered``: gold
    participants no candidate covers; ``extra``: the rows of NEREL's own event words) as the stage's JSON,
    with the threshold that maximises the F1 of ``x``."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(**PARAMS)
    clf.fit(np.asarray(list(x) + list(extra[0]), dtype=np.float64), np.asarray(list(y) + list(extra[1]), dtype=np.int64))
    model = {"format": MODEL_FORMAT, "features": list(FEATURE_NAMES),
             "weights": [round(float(w), DIGITS) for w in clf.coef_[0]],
             "intercept": round(float(clf.intercept_[0]), DIGITS)}
    from pipeline.core.events.actor_model import probability

    p = [probability(model, row) for row in x]
    model["threshold"] = max(THRESHOLDS, key=lambda t: (_f1([v >= t for v in p], y, uncovered), -t))
    return model


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def gold_for(gold: list[dict], ev: dict) -> dict | None:
    """The NEREL event a proposed event is compared with: the one of its sentence whose trigger overlaps the
    proposed trigger, else the nearest one of the sentence (None off target)."""
    inside = [g for g in gold if ev["start"] <= g["trigger"][0] and g["trigger"][1] <= ev["end"]]
    if not inside:
        return None
    trig = (ev["trigger_start"], ev["trigger_end"])
    return min(inside, key=lambda g: (not _overlaps(g["trigger"], trig), abs(g["trigger"][0] - trig[0])))


def actor_rows(docs: list[dict], tagged: dict[str, dict]) -> tuple[list[list[float]], list[int], int]:
    """Feature vectors and labels of the candidate actors of the on-target events of ``docs``, and the number
    of those events' participants that no candidate covers."""
    from benchmarks.events import gold_events

    x, y, uncovered = [], [], 0
    for doc in docs:
        result = tagged[str(doc["doc_id"])]
        gold = gold_events(doc)
        mentions = result["mentions"]
        for ev in result["events"]:
            g = gold_for(gold, ev)
            if g is None:
                continue
            spans = [(mentions[k]["start"], mentions[k]["end"]) for k, _ in ev["actor_candidates"]]
            for span, (_, feats) in zip(spans, ev["actor_candidates"]):
                x.append(feats)
                y.append(int(any(_overlaps(span, p) for p in g["participants"])))
            uncovered += sum(1 for p in g["participants"] if not any(_overlaps(p, s) for s in spans))
    return x, y, uncovered


def gold_trigger_rows(doc: dict, use_cache: bool = True) -> tuple[list[list[float]], list[int]]:
    """Rows of every NEREL event word with participants of ``doc``, taken as a trigger (natasha's analysis and
    the mentions from ``benchmarks.events.analysed``, cached with ``--cache``)."""
    from benchmarks.events import analysed, gold_events
    from pipeline.core.events.actor_model import candidate_features
    from pipeline.core.events.extract import MAX_SENTENCE_TOKENS, _syntactic_head, find_triggers
    from pipeline.core.events.sentence import rule_sides, sentence_view
    from pipeline.core.events.syntax import _sentence_tokens, line_segments

    analysis, mentions = analysed(doc["doc_id"], doc["text"], use_cache)
    gold = gold_events(doc)
    x, y = [], []
    for sent in (segment for natasha_sentence in analysis.sents
                 for segment in line_segments(natasha_sentence, doc["text"])):
        inside = [g for g in gold if sent.start <= g["trigger"][0] and g["trigger"][1] <= sent.stop]
        tokens = _sentence_tokens(sent) if inside else []
        if not inside or len(tokens) > MAX_SENTENCE_TOKENS:
            continue
        in_sentence = [k for k, m in enumerate(mentions) if m.start >= sent.start and m.end <= sent.stop]
        view = sentence_view(doc["text"], sent, tokens, mentions, in_sentence)
        found = find_triggers(tokens)
        for g in inside:
            covered = [t.index for t in tokens if _overlaps((t.start, t.end), g["trigger"])]
            if not covered:
                continue
            anchor = _syntactic_head(tokens, covered)
            code = next((c for _, c, words in found if anchor in words), "010")
            actor1, actor2, *_ = rule_sides(view, anchor, code, covered, mentions)
            rows = candidate_features(tokens, anchor, view.mention_tokens, mentions, set(actor1), set(actor2))
            for k, feats in sorted(rows.items()):
                x.append(feats)
                y.append(int(any(_overlaps((mentions[k].start, mentions[k].end), p) for p in g["participants"])))
    return x, y


def training_rows(docs: list[dict], tagged: dict[str, dict], gold_rows: dict[str, tuple]) -> tuple:
    """``fit``'s arguments for ``docs``: the proposed events' rows, their uncovered participants and the rows of
    NEREL's own event words (``gold_rows``: :func:`gold_trigger_rows` by document id)."""
    x, y, uncovered = actor_rows(docs, tagged)
    gx = [row for d in docs for row in gold_rows[str(d["doc_id"])][0]]
    gy = [v for d in docs for v in gold_rows[str(d["doc_id"])][1]]
    return x, y, uncovered, (gx, gy)


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
    tagged = tag_all(docs, args.workers, use_cache=not args.no_cache, event_filter=False, actor_model=None)
    gold_rows = {str(d["doc_id"]): gold_trigger_rows(d, not args.no_cache) for d in docs}
    x, y, uncovered, extra = training_rows(docs, tagged, gold_rows)
    model = fit(x, y, uncovered, extra)
    model["trained_on"] = {"source": "NEREL v1.1 train+dev (nerel-ds/NEREL)", "documents": len(docs),
                           "candidates": len(y), "positives": sum(y), "uncovered_participants": uncovered,
                           "event_word_rows": len(extra[1]), "event_word_positives": sum(extra[1])}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps(model), encoding="utf-8")
    print(json.dumps({"out": str(args.out.relative_to(ROOT)) if args.out.is_relative_to(ROOT) else str(args.out),
                      **model["trained_on"]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
