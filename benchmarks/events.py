"""Score meeting events on factRuEval-2016 dev Meeting facts, against the bare keyword rule, in one run.

A predicted meeting = an event with CAMEO root 04 and at least two distinct actor entities. It matches a
gold Meeting fact when, for every gold participant, one of the predicted actors' mentions overlaps one of
that participant's mentions. P = matched predictions / predictions, R = matched facts / facts.
Keyword baseline: a sentence with "встреч"/"переговор" and two PER mentions is one meeting of those two.

    .venv/bin/python benchmarks/events.py [--eval ../shared/eval/factrueval2016_devset.jsonl] [--show]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.core.build import tag_document  # noqa: E402

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "factrueval2016_devset.jsonl"


def gold_meetings(doc: dict) -> list[list[list[tuple[int, int]]]]:
    """Per Meeting fact: per participant, the (start, end) spans of all its mentions."""
    entities = {e["id"]: e for e in doc["entities"]}
    corefs = {c["id"]: c for c in doc["corefs"]}
    facts = []
    for f in doc["facts"]:
        if f["type"] != "Meeting":
            continue
        participants = []
        for arg in f["args"]:
            if arg["role"] != "Participant":
                continue
            spans = []
            for alt in arg["alternatives"]:
                if alt.get("kind") == "obj" and alt.get("id") in corefs:
                    for mid in corefs[alt["id"]]["mentions"]:
                        if mid in entities:
                            spans.append((entities[mid]["start"], entities[mid]["end"]))
                elif alt.get("start") is not None:
                    spans.append((alt["start"], alt["end"]))
            if spans:
                participants.append(spans)
        if len(participants) >= 2:
            facts.append(participants)
    return facts


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def matches(pred_spans: list[tuple[int, int]], fact) -> bool:
    return all(any(_overlaps(p, g) for p in pred_spans for g in participant) for participant in fact)


def pipeline_meetings(doc: dict) -> list[list[tuple[int, int]]]:
    tagged = tag_document(doc["doc_id"], doc["text"])
    mentions = tagged["mentions"]
    out = []
    for ev in tagged["events"]:
        if not ev["cameo_code"].startswith("04"):
            continue
        idx = ev["actor1"] + ev["actor2"]
        if len({mentions[i]["entity_id"] for i in idx}) >= 2:
            out.append([(mentions[i]["start"], mentions[i]["end"]) for i in idx])
    return out


def keyword_meetings(doc: dict) -> list[list[tuple[int, int]]]:
    tagged = tag_document(doc["doc_id"], doc["text"])
    out = []
    for m in re.finditer(r"[^.!?]+[.!?]?", doc["text"]):
        if not re.search(r"встреч|переговор", m.group(0), re.I):
            continue
        people = [(x["start"], x["end"]) for x in tagged["mentions"]
                  if x["type"] == "PER" and m.start() <= x["start"] and x["end"] <= m.end()]
        if len(people) >= 2:
            out.append(people[:2])
    return out


def evaluate(docs: list[dict], system) -> dict:
    predicted = matched_pred = facts_total = facts_matched = 0
    for doc in docs:
        facts = gold_meetings(doc)
        preds = system(doc)
        predicted += len(preds)
        facts_total += len(facts)
        matched_pred += sum(1 for p in preds if any(matches(p, f) for f in facts))
        facts_matched += sum(1 for f in facts if any(matches(p, f) for p in preds))
    p = matched_pred / predicted if predicted else 0.0
    r = facts_matched / facts_total if facts_total else 0.0
    return {"predicted": predicted, "facts": facts_total, "p": round(p, 3), "r": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    args = parser.parse_args()
    docs = [json.loads(line) for line in args.eval.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(json.dumps({"documents": len(docs), "keyword_rule": evaluate(docs, keyword_meetings),
                      "vostok": evaluate(docs, pipeline_meetings)}, indent=1))


if __name__ == "__main__":
    main()
