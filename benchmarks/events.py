"""Score events: NEREL event arguments (trigger precision, actors, place, date) and factRuEval Meeting facts
against the bare keyword rule, in one run; each document is tagged once by ``tag_document``.

NEREL (``nerel_traindev.jsonl``, metric of ``../shared/eval/README.md``): a gold event is an EVENT entity
with an AGENT or PARTICIPANT_IN argument. A predicted event is *on target* when its sentence span contains
such a gold event (trigger_P = on target / predicted). Each on-target event is compared with the gold event
of its sentence whose participants its actors overlap most (ties: the gold trigger nearest the predicted
trigger): actor P = predicted actor mentions overlapping a gold participant / predicted actor mentions,
actor R = gold participants overlapped / gold participants (micro-averaged); place accuracy = share of the
compared events whose gold event has TAKES_PLACE_IN and whose predicted location overlaps one of those
places; date rate = share of the compared events whose gold event has POINT_IN_TIME that carry an
event_date, date right = the share whose event_date is a gold time's (the gold text read by the same date
reader, compared as written); role accuracy (who did it to whom) = over the actors of the compared events that are not
symmetric and whose gold event has an AGENT or whose act is not a consultation, cooperation or agreement
(CAMEO roots 04-06, where NEREL often marks no AGENT), and that overlap a gold participant: the share on the
right side (actor1 an AGENT, actor2 a participant that is no AGENT: "убийство Ким Чен Нама" has its victim as
actor2). The actor figures are of named actors (the mentions behind the table's actor ids); a side named by a
common noun (``actor1_unnamed``/``actor2_unnamed``: "полиция", "двух человек") is scored apart: ``unnamed`` =
those overlapping a participant of the compared gold event / all, and ``with_unnamed`` = actor P/R/F1 counting
them as actors too (NEREL marks a participant only where it annotated an entity: "двух человек" never is one).

Folds: documents are split into ``--folds`` deterministic folds by sha256(doc_id). Every document is tagged
with the trigger filter off (every candidate, with its features); the report gives
- ``candidates_rule_actors``: every candidate, actors by the parse rules alone (no actor check);
- ``candidates``: every candidate (the stage without its filter), with the shipped actor check;
- ``in_sample``: the candidates the shipped filter (``pipeline/data/models/events.json``) keeps; it and the actor
  check (``event_actors.json``) were trained on these very documents, so this figure is in-sample;
- ``cross_validated`` (the headline): for each fold, the actor check (``scripts/train_event_actors.fit``) and
  then the filter (``scripts/train_events.fit``) are fitted on the other folds and applied to this fold's
  candidates; ``pooled`` sums the counts over the held-out folds, ``candidates_pooled`` is the same without
  the filter, ``fold_mean`` gives the mean and range of the per-fold figures.

factRuEval Meeting (``benchmarks/meetings.py``): an event read as a meeting has CAMEO root 04, people or
organisations on both sides (or is symmetric) and two distinct actor entities; it matches a gold Meeting fact
when every gold participant has a mention overlapped by one of its actors. Keyword baseline: a sentence with
"встреч"/"переговор" and two PER mentions is one meeting of those two.

Runtime: tagging costs ~1-2 s per document on one busy core, so NEREL is capped by ``--limit`` (default
160 documents, taken evenly from the folds in hash order; ``--limit 0`` = all 840) and ``--workers``
processes (default 1). ``--cache`` keeps natasha's analysis and the mentions of each text under
``.bench_cache/events/`` (keyed by the text and the entities stage's code version), so that a second run
re-runs only the events stage. The cross-validation needs scikit-learn (the ``train`` group).

    .venv/bin/python benchmarks/events.py [--limit 160] [--workers 2] [--folds 5] [--cache] [--no-factru] [--details F]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.core.build import tag_document  # noqa: E402
from benchmarks.meetings import evaluate, keyword_meetings, pipeline_meetings  # noqa: E402

EVAL_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
DEFAULT_EVAL = EVAL_DIR / "factrueval2016_devset.jsonl"
DEFAULT_NEREL = EVAL_DIR / "nerel_traindev.jsonl"
PARTICIPANT_RELATIONS = ("AGENT", "PARTICIPANT_IN")
TIME_RELATIONS = ("POINT_IN_TIME",)


from benchmarks.meetings import _overlaps  # noqa: E402


# ---------------------------------------------------------------- NEREL
def fold_of(doc_id: str, folds: int) -> int:
    return int(hashlib.sha256(str(doc_id).encode()).hexdigest()[:8], 16) % folds


def gold_events(doc: dict) -> list[dict]:
    """EVENT entities with a participant: trigger span, participant spans, place spans, time spans."""
    entities = {e["id"]: e for e in doc["entities"]}
    out: dict[str, dict] = {}
    for r in doc["relations"]:
        if r["type"] in PARTICIPANT_RELATIONS:
            ev = entities.get(r["arg2"])
            if ev is None or ev["type"] != "EVENT" or r["arg1"] not in entities:
                continue
            g = out.setdefault(ev["id"], {"trigger": (ev["start"], ev["end"]), "participants": [],
                                          "agents": [], "places": [], "times": []})
            span = (entities[r["arg1"]]["start"], entities[r["arg1"]]["end"])
            if span not in g["participants"]:
                g["participants"].append(span)
            if r["type"] == "AGENT" and span not in g["agents"]:
                g["agents"].append(span)
    for r in doc["relations"]:
        if r["arg1"] in out and r["arg2"] in entities:
            span = (entities[r["arg2"]]["start"], entities[r["arg2"]]["end"])
            if r["type"] == "TAKES_PLACE_IN":
                out[r["arg1"]]["places"].append(span)
            elif r["type"] in TIME_RELATIONS:
                out[r["arg1"]]["times"].append(span)
    return sorted(out.values(), key=lambda g: g["trigger"])


def score_nerel_doc(doc: dict, tagged: dict, details: list | None = None) -> dict:
    """Counts of one document (summed over documents by :func:`nerel_figures`); with ``details``, one record per
    predicted event is appended for error analysis (``--details``)."""
    gold = gold_events(doc)
    mentions = tagged["mentions"]
    c = {"docs": 1, "gold_events": len(gold), "predicted": 0, "on_target": 0, "actor_pred": 0, "actor_pred_ok": 0,
         "actor_gold": 0, "actor_gold_ok": 0, "unnamed": 0, "unnamed_ok": 0, "actor_gold_ok_with_unnamed": 0,
         "role_scored": 0, "role_ok": 0, "place_gold": 0, "place_ok": 0, "time_gold": 0, "time_dated": 0,
         "time_right": 0, "by_code": {}}
    for ev in tagged["events"]:
        c["predicted"] += 1
        code = c["by_code"].setdefault(ev["cameo_code"], [0, 0])
        code[0] += 1
        inside = [g for g in gold if ev["start"] <= g["trigger"][0] and g["trigger"][1] <= ev["end"]]
        if details is not None:
            txt = doc["text"]
            details.append({"doc_id": doc["doc_id"], "code": ev["cameo_code"], "trigger": ev.get("trigger"),
                            "on_target": bool(inside), "sentence": txt[ev["start"]:ev["end"]],
                            "actor1": [mentions[i]["text"] for i in ev["actor1"]],
                            "actor2": [mentions[i]["text"] for i in ev["actor2"]],
                            "unnamed": [doc["text"][u["start"]:u["end"]] if u else None
                                        for u in (ev.get("actor1_unnamed"), ev.get("actor2_unnamed"))],
                            "location": mentions[ev["location"]]["text"] if ev.get("location") is not None else None,
                            "gold": [{"trigger": txt[g["trigger"][0]:g["trigger"][1]],
                                      "participants": [txt[a:b] for a, b in g["participants"]],
                                      "places": [txt[a:b] for a, b in g["places"]],
                                      "times": [txt[a:b] for a, b in g["times"]]} for g in inside],
                            "date": ev.get("event_date_text")})
        if not inside:
            continue
        c["on_target"] += 1
        code[1] += 1
        actors = [(mentions[i]["start"], mentions[i]["end"]) for i in ev["actor1"] + ev["actor2"]]
        # the sides a common noun names ("полиция", "двух человек"): scored apart, the table's actor ids are names
        unnamed = [(u["start"], u["end"]) for u in (ev.get("actor1_unnamed"), ev.get("actor2_unnamed")) if u]
        trig = ev.get("trigger_start", ev["start"])

        def fit(g):
            hits = sum(1 for a in actors if any(_overlaps(a, p) for p in g["participants"]))
            return (-hits, abs(g["trigger"][0] - trig))

        g = min(inside, key=fit)
        c["actor_pred"] += len(actors)
        c["actor_pred_ok"] += sum(1 for a in actors if any(_overlaps(a, p) for p in g["participants"]))
        c["actor_gold"] += len(g["participants"])
        c["actor_gold_ok"] += sum(1 for p in g["participants"] if any(_overlaps(a, p) for a in actors))
        c["unnamed"] += len(unnamed)
        c["unnamed_ok"] += sum(1 for a in unnamed if any(_overlaps(a, p) for p in g["participants"]))
        c["actor_gold_ok_with_unnamed"] += sum(1 for p in g["participants"]
                                               if any(_overlaps(a, p) for a in actors + unnamed))
        if not ev.get("symmetric") and (g["agents"] or ev["cameo_code"][:2] not in ("04", "05", "06")):
            # who did it to whom: an actor1 that is an AGENT, an actor2 that is a participant but no AGENT
            sides = [(1, (mentions[i]["start"], mentions[i]["end"])) for i in ev["actor1"]] + \
                [(2, (mentions[i]["start"], mentions[i]["end"])) for i in ev["actor2"]]
            for side, span in sides:
                if not any(_overlaps(span, p) for p in g["participants"]):
                    continue
                agent = any(_overlaps(span, p) for p in g["agents"])
                c["role_scored"] += 1
                c["role_ok"] += int(agent == (side == 1))
        if g["places"]:
            c["place_gold"] += 1
            loc = ev.get("location")
            if loc is not None and any(_overlaps((mentions[loc]["start"], mentions[loc]["end"]), p)
                                       for p in g["places"]):
                c["place_ok"] += 1
        if g["times"]:
            c["time_gold"] += 1
            # a day without a year ("22 сентября" in a text with no publication date) has only its text
            c["time_dated"] += 1 if ev.get("event_date") or ev.get("event_date_text") or ev.get("date_range") else 0
            c["time_right"] += int(_date_right(ev, [doc["text"][max(0, a - 12):b] for a, b in g["times"]]))
    return c


def _date_right(ev: dict, gold_times: list[str]) -> bool:
    """Whether the event's date is the one a gold POINT_IN_TIME names: the gold text (with the few words before it:
    NEREL's span of "в 2018 году" leaves out the "в" the reader needs for a bare year) read by the same date
    reader, compared as written (``--09-22`` for a day without a year)."""
    from pipeline.core.events.when import date_candidates

    stated = ev.get("event_date_text")
    if not stated:
        return False
    return any(c.text == stated for t in gold_times for c in date_candidates(t, None))


def _sum(counts: list[dict]) -> dict:
    total: dict = {"by_code": {}}
    for c in counts:
        for k, v in c.items():
            if k == "by_code":
                for code, (n, ok) in v.items():
                    t = total["by_code"].setdefault(code, [0, 0])
                    t[0] += n
                    t[1] += ok
            else:
                total[k] = total.get(k, 0) + v
    return total


def _ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 0.0


def nerel_figures(counts: list[dict]) -> dict:
    t = _sum(counts)
    p = _ratio(t.get("actor_pred_ok", 0), t.get("actor_pred", 0))
    r = _ratio(t.get("actor_gold_ok", 0), t.get("actor_gold", 0))
    up = _ratio(t.get("actor_pred_ok", 0) + t.get("unnamed_ok", 0), t.get("actor_pred", 0) + t.get("unnamed", 0))
    ur = _ratio(t.get("actor_gold_ok_with_unnamed", 0), t.get("actor_gold", 0))
    return {"documents": t.get("docs", 0), "gold_events": t.get("gold_events", 0), "predicted": t.get("predicted", 0),
            "trigger_p": _ratio(t.get("on_target", 0), t.get("predicted", 0)),
            "actor_p": p, "actor_r": r, "actor_f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "unnamed": f"{t.get('unnamed_ok', 0)}/{t.get('unnamed', 0)}",
            "with_unnamed": {"actor_p": up, "actor_r": ur, "actor_f1": round(2 * up * ur / (up + ur), 3) if up + ur else 0.0},
            "role_acc": _ratio(t.get("role_ok", 0), t.get("role_scored", 0)), "role_scored": t.get("role_scored", 0),
            "place": f"{t.get('place_ok', 0)}/{t.get('place_gold', 0)}",
            "place_acc": _ratio(t.get("place_ok", 0), t.get("place_gold", 0)),
            "date_rate": _ratio(t.get("time_dated", 0), t.get("time_gold", 0)),
            "date_right": _ratio(t.get("time_right", 0), t.get("time_gold", 0)),
            "by_code": {k: f"{ok}/{n}" for k, (n, ok) in sorted(t["by_code"].items())}}


def select_docs(docs: list[dict], limit: int, folds: int) -> list[dict]:
    """Up to ``limit`` documents taken round-robin from the folds, each fold in sha256 order (deterministic)."""
    if not limit or limit >= len(docs):
        return docs
    by_fold: list[list[dict]] = [[] for _ in range(folds)]
    for d in sorted(docs, key=lambda d: hashlib.sha256(str(d["doc_id"]).encode()).hexdigest()):
        by_fold[fold_of(d["doc_id"], folds)].append(d)
    out: list[dict] = []
    i = 0
    while len(out) < limit:
        for f in by_fold:
            if i < len(f) and len(out) < limit:
                out.append(f[i])
        i += 1
    return out


#: ``--cache``: natasha's analysis and the linked mentions of each text, keyed by the text and the entities
#: stage's code version, so that re-scoring a change of the events stage re-runs only the events stage
CACHE_DIR = Path(__file__).resolve().parents[1] / ".bench_cache" / "events"
_USE_CACHE = [False]


def _cache_path(doc_id: str, text: str) -> Path:
    from pipeline.core.versions import code_version

    key = hashlib.sha256(f"{code_version('entities')}|{doc_id}|{text}".encode()).hexdigest()[:24]
    return CACHE_DIR / f"{key}.pkl"


def analysed(doc_id: str, text: str, use_cache: bool | None = None):
    """(natasha Doc, linked mentions) of one text, from the cache when ``--cache`` is on (or ``use_cache``)."""
    from pipeline.core.entities.linking import link_article
    from pipeline.core.entities.ner import _ANALYSES, analyze, natasha

    path = _cache_path(doc_id, text) if (_USE_CACHE[0] if use_cache is None else use_cache) else None
    if path is not None and path.exists():
        natasha()  # the pymorphy compat goes in before unpickling imports natasha (see pipeline/core/entities/ner.py)
        doc, mentions = pickle.loads(path.read_bytes())
        _ANALYSES[text] = doc
        return doc, mentions
    mentions = link_article(str(doc_id), text)
    doc = analyze(text)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps((doc, mentions)))
        tmp.replace(path)
    return doc, mentions


def _tag(doc: dict, use_cache: bool = False, event_filter: bool = True, actor_model="shipped") -> tuple[str, dict]:
    _USE_CACHE[0] = use_cache
    mentions = analysed(doc["doc_id"], doc["text"])[1] if use_cache else None
    return str(doc["doc_id"]), tag_document(doc["doc_id"], doc["text"], mentions=mentions, event_filter=event_filter,
                                            actor_model=actor_model)


def tag_all(docs: list[dict], workers: int, use_cache: bool = False, event_filter: bool = True,
            actor_model="shipped") -> dict[str, dict]:
    """``tag_document`` of every document (``event_filter=False``: every trigger candidate with its features;
    ``actor_model``: the actor check's model, "shipped", a given one or None for the parse rules alone)."""
    if workers <= 1:
        return dict(_tag(d, use_cache, event_filter, actor_model) for d in docs)
    n = len(docs)
    with ProcessPoolExecutor(workers) as pool:
        return dict(pool.map(_tag, docs, [use_cache] * n, [event_filter] * n, [actor_model] * n, chunksize=4))


def on_target(doc: dict, ev: dict) -> bool:
    """The trigger-precision label: the event's sentence holds a gold NEREL event with participants."""
    return any(ev["start"] <= g["trigger"][0] and g["trigger"][1] <= ev["end"] for g in gold_events(doc))


def filtered(tagged: dict, model: dict | None) -> dict:
    """A document tagged with the filter off, as the stage would emit it under ``model``."""
    from pipeline.core.events.filter import keep

    return {**tagged, "events": [ev for ev in tagged["events"] if keep(model, ev["features"])]}


def _fold_summary(per_fold: list[dict]) -> dict:
    cv = {}
    for key in ("trigger_p", "actor_p", "actor_r", "actor_f1", "role_acc", "place_acc", "date_rate", "date_right"):
        vals = [f[key] for f in per_fold if f["predicted"]]
        cv[key] = {"mean": round(sum(vals) / len(vals), 3) if vals else 0.0,
                   "min": min(vals, default=0.0), "max": max(vals, default=0.0)}
    return cv


def nerel_report(docs: list[dict], folds: int, workers: int, details: list | None = None,
                 use_cache: bool = False, cv_filter: bool = True) -> dict:
    """Figures of the unfiltered candidates (with the parse rules' actors alone, and with the shipped actor
    check), of the shipped filter (in-sample: both models were trained on these documents) and cross-validated:
    for each fold, ``scripts/train_event_actors.fit`` and then ``scripts/train_events.fit`` on the other folds'
    candidates, applied to this fold's (the headline)."""
    from pipeline.core.events.filter import shipped_model
    from scripts.train_event_actors import fit as fit_actors, gold_trigger_rows, training_rows
    from scripts.train_events import candidate_rows, fit

    rules_only = tag_all(docs, workers, use_cache, event_filter=False, actor_model=None)
    tagged = tag_all(docs, workers, use_cache, event_filter=False)
    out: dict = {}
    out["candidates_rule_actors"] = nerel_figures([score_nerel_doc(d, rules_only[str(d["doc_id"])]) for d in docs])
    unfiltered = [score_nerel_doc(d, tagged[str(d["doc_id"])]) for d in docs]
    out["candidates"] = nerel_figures(unfiltered)
    model = shipped_model()
    shipped = {str(d["doc_id"]): score_nerel_doc(d, filtered(tagged[str(d["doc_id"])], model), details)
               for d in docs}
    out["in_sample"] = nerel_figures(list(shipped.values()))
    try:
        import sklearn  # noqa: F401
    except ImportError:
        cv_filter = False
        out["cross_validated"] = "skipped: needs scikit-learn (uv sync --group train)"
    if not cv_filter:
        return out
    fold_docs = [[d for d in docs if fold_of(d["doc_id"], folds) == f] for f in range(folds)]
    gold_rows = {str(d["doc_id"]): gold_trigger_rows(d, use_cache) for d in docs}
    per_fold, pooled, pooled_candidates = [], [], []
    for f in range(folds):
        train = [d for g, ds in enumerate(fold_docs) if g != f for d in ds]
        actors = fit_actors(*training_rows(train, rules_only, gold_rows))
        fold_tagged = tag_all(docs, workers, use_cache, event_filter=False, actor_model=actors)
        fold_model = fit(*candidate_rows(train, fold_tagged))
        pooled_candidates.extend(score_nerel_doc(d, fold_tagged[str(d["doc_id"])]) for d in fold_docs[f])
        counts = [score_nerel_doc(d, filtered(fold_tagged[str(d["doc_id"])], fold_model)) for d in fold_docs[f]]
        pooled.extend(counts)
        fig = nerel_figures(counts)
        fig.pop("by_code")
        per_fold.append(fig)
    out["cross_validated"] = {"pooled": nerel_figures(pooled), "fold_mean": _fold_summary(per_fold),
                              "candidates_pooled": nerel_figures(pooled_candidates), "per_fold": per_fold}
    return out


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="factRuEval dev set")
    parser.add_argument("--nerel", type=Path, default=DEFAULT_NEREL)
    parser.add_argument("--limit", type=int, default=160, help="NEREL documents (0 = all)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-factru", action="store_true")
    parser.add_argument("--no-nerel", action="store_true")
    parser.add_argument("--cache", action="store_true",
                        help="keep natasha's analysis and the mentions of each text under .bench_cache/events/")
    parser.add_argument("--details", type=Path, help="write one JSON line per predicted NEREL event here")
    args = parser.parse_args()
    out: dict = {}
    started = time.monotonic()
    if not args.no_nerel and args.nerel.exists():
        docs = select_docs(load(args.nerel), args.limit, args.folds)
        details: list | None = [] if args.details else None
        out["nerel"] = nerel_report(docs, args.folds, args.workers, details, args.cache)
        out["nerel"]["seconds"] = round(time.monotonic() - started)
        if args.details:
            args.details.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in details), encoding="utf-8")
    if not args.no_factru and args.eval.exists():
        from pipeline.core.events.filter import shipped_model

        docs = load(args.eval)
        candidates = tag_all(docs, args.workers, args.cache, event_filter=False)
        tagged = {k: filtered(v, shipped_model()) for k, v in candidates.items()}
        out["factrueval_meeting"] = {"documents": len(docs),
                                     "keyword_rule": evaluate(docs, keyword_meetings, tagged),
                                     "candidates": evaluate(docs, pipeline_meetings, candidates),
                                     "vostok": evaluate(docs, pipeline_meetings, tagged)}
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
