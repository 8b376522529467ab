"""factRuEval Meeting facts against the events table: the gold facts, the events read as meetings, the bare
keyword rule, and their P/R/F1 (metric of ``../shared/eval/README.md``; run by ``benchmarks/events.py``).

A predicted meeting is an event with CAMEO root 04 with people or organisations on both sides (or a symmetric
event) and at least two distinct actor entities; it matches a gold Meeting fact when, for every gold
participant, one of the predicted actors' mentions overlaps one of that participant's mentions. Keyword rule:
a sentence with "встреч"/"переговор" and two PER mentions is one meeting of those two.
"""

from __future__ import annotations

import re

from pipeline.core.build import tag_document


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


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


def matches(pred_spans: list[tuple[int, int]], fact) -> bool:
    return all(any(_overlaps(p, g) for p in pred_spans for g in participant) for participant in fact)


#: the mention types of a Meeting fact's participants: people and organisations (a visit to a country, or a
#: person and the country named in their title, is no meeting of two participants)
MEETING_TYPES = ("PER", "ORG")


def pipeline_meetings(doc: dict, tagged: dict | None = None) -> list[list[tuple[int, int]]]:
    """The events read as Meeting facts: CAMEO root 04 with people or organisations on both sides (or a
    symmetric event, "Миллер и Озерец встречаются"), at least two distinct entities."""
    tagged = tagged or tag_document(doc["doc_id"], doc["text"])
    mentions = tagged["mentions"]
    out = []
    for ev in tagged["events"]:
        if not ev["cameo_code"].startswith("04"):
            continue
        a1 = [i for i in ev["actor1"] if mentions[i]["type"] in MEETING_TYPES]
        a2 = [i for i in ev["actor2"] if mentions[i]["type"] in MEETING_TYPES]
        if (a1 and a2 or ev["symmetric"]) and len({mentions[i]["entity_id"] for i in a1 + a2}) >= 2:
            out.append([(mentions[i]["start"], mentions[i]["end"]) for i in a1 + a2])
    return out


def keyword_meetings(doc: dict, tagged: dict | None = None) -> list[list[tuple[int, int]]]:
    tagged = tagged or tag_document(doc["doc_id"], doc["text"])
    out = []
    for m in re.finditer(r"[^.!?]+[.!?]?", doc["text"]):
        if not re.search(r"встреч|переговор", m.group(0), re.I):
            continue
        people = [(x["start"], x["end"]) for x in tagged["mentions"]
                  if x["type"] == "PER" and m.start() <= x["start"] and x["end"] <= m.end()]
        if len(people) >= 2:
            out.append(people[:2])
    return out


def evaluate(docs: list[dict], system, tagged: dict[str, dict] | None = None) -> dict:
    predicted = matched_pred = facts_total = facts_matched = 0
    for doc in docs:
        facts = gold_meetings(doc)
        preds = system(doc, tagged.get(doc["doc_id"]) if tagged else None)
        predicted += len(preds)
        facts_total += len(facts)
        matched_pred += sum(1 for p in preds if any(matches(p, f) for f in facts))
        facts_matched += sum(1 for f in facts if any(matches(p, f) for p in preds))
    p = matched_pred / predicted if predicted else 0.0
    r = facts_matched / facts_total if facts_total else 0.0
    return {"predicted": predicted, "facts": facts_total, "p": round(p, 3), "r": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}
