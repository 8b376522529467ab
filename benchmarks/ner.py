"""Score NER (the name spans behind ``python -m pipeline tag``; place adjectives reported apart) on factRuEval-2016 dev against stock natasha.

Convention (the one natasha's published figures use, see ../shared/eval/README.md): Person = the whole
mention; Org and Location = their name spans; LocOrg counts as LOC; Project and Facility are left out.
Exact spans, per type and micro-averaged.

    .venv/bin/python benchmarks/ner.py [--eval ../shared/eval/factrueval2016_devset.jsonl] [--errors 20]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.core.entities.ner import models, natasha  # noqa: E402
from pipeline.core.entities.spans import name_spans, tag_spans  # noqa: E402

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "factrueval2016_devset.jsonl"
TYPE_MAP = {"Person": "PER", "Org": "ORG", "Location": "LOC", "LocOrg": "LOC"}


def gold_spans(doc: dict) -> set[tuple[int, int, str]]:
    spans = set()
    for e in doc["entities"]:
        t = TYPE_MAP.get(e["type"])
        if t is None:
            continue
        if t == "PER":
            spans.add((e["start"], e["end"], t))
        else:
            for ns in e.get("name_spans") or []:
                spans.add((ns["start"], ns["end"], t))
    return spans


def stock_spans(text: str) -> list[tuple[int, int, str]]:
    """Stock natasha exactly as its README runs it: segment, then NER (no morphology or syntax); the spans in
    natasha's order (the reference of this benchmark and of tests/realdata/test_fast_ner.py)."""
    m = models()
    doc = natasha().Doc(text)
    doc.segment(m.segmenter)
    doc.tag_ner(m.ner)
    return [(s.start, s.stop, s.type) for s in doc.spans]


def score(pred: list[set], gold: list[set]) -> dict:
    out = {}
    for t in ("PER", "LOC", "ORG", "micro"):
        tp = fp = fn = 0
        for p, g in zip(pred, gold):
            p2 = p if t == "micro" else {s for s in p if s[2] == t}
            g2 = g if t == "micro" else {s for s in g if s[2] == t}
            tp += len(p2 & g2)
            fp += len(p2 - g2)
            fn += len(g2 - p2)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        out[t] = {"p": round(prec, 3), "r": round(rec, 3), "f1": round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--errors", type=int, default=0, help="print N sample errors of the pipeline")
    args = parser.parse_args()
    docs = [json.loads(line) for line in args.eval.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = [gold_spans(d) for d in docs]
    t0 = time.perf_counter()
    stock = [set(stock_spans(d["text"])) for d in docs]
    t1 = time.perf_counter()
    ours = [{(s.start, s.end, s.type) for s in name_spans(d["text"])} for d in docs]
    t2 = time.perf_counter()
    # the mentions table also holds place adjectives ("японской"), which factRuEval does not annotate as names:
    # scored separately so a reader sees what they cost against NER gold
    with_adjectives = [{(s.start, s.end, s.type) for s in tag_spans(d["text"])} for d in docs]
    result = {"documents": len(docs), "stock_natasha": score(stock, gold), "vostok": score(ours, gold),
              "vostok_with_place_adjectives": score(with_adjectives, gold),
              "seconds": {"stock": round(t1 - t0, 2), "vostok": round(t2 - t1, 2)}}
    print(json.dumps(result, indent=1))
    if args.errors:
        errs = Counter()
        for d, p, g in zip(docs, ours, gold):
            for s in sorted(p - g):
                errs[("FP", s[2], d["text"][s[0]:s[1]])] += 1
            for s in sorted(g - p):
                errs[("FN", s[2], d["text"][s[0]:s[1]])] += 1
        for (kind, t, text), n in errs.most_common(args.errors):
            print(kind, t, repr(text), n)


if __name__ == "__main__":
    main()
