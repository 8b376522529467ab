"""Wikidata linking on NEREL and normal forms / cross-document identity on BSNLP (metrics of ../shared/eval/README.md).

* **NEREL linking**: gold mentions of PERSON/ORGANIZATION/COUNTRY/CITY/STATE_OR_PROVINCE/LOCATION/DISTRICT with a
  QID; a gold mention is found by the predicted mention that overlaps it (closest span); R = right QID / gold
  linked mentions; P = right QID / predicted mentions with a QID that overlap a gold linked mention (right when
  the QID is that of an overlapping gold linked mention). By type: PER, ORG, LOC (the five place types).
  - *cross-validated* (the headline): documents in ``--folds`` folds grouped by document (sha256 of doc_id); the
    alias index is built from the other folds' links only (the same builder as scripts/build_linking_index.py)
    and the held-out fold's documents are scored;
  - *in-sample*: the shipped index (built from all 840 documents) on the same documents;
  - *gazetteer only*: an empty alias index (the linking before the index existed);
  - *train_to_dev_split*: NEREL's own split, the index from its train documents scored on its dev documents.
  - ``misses``: why the gold mentions a configuration misses are missed, as shares of the gold: no overlapping
    span, a QID the knowledge base does not hold at all, the mention's keys lead to other items (no candidate),
    the right item was a candidate but another was chosen or none (below the confidence floor);
    ``misses_by_cause`` splits two of them: a missed span by how the gold is written (Latin letters, lower case,
    capitalized), no candidate by how the predicted span relates to the gold's (the same, the gold nested inside
    it, it inside the gold);
  - ``--gold-spans``: the gold spans instead of natasha's, to measure candidates and choice alone.
* **BSNLP**: a gold surface form is found when a predicted mention's text equals it (quotes, spaces and ё folded);
  norm_acc = share of found forms whose predicted ``normal`` equals the base form; B-cubed P/R/F1 of the found
  forms clustered by predicted ``entity_id`` against the gold ids, over all documents together (PER/LOC/ORG).

natasha runs once per text and its spans are cached under .bench_cache/ (benchmarks/nercache.py); ``--limit N``
scores the first N documents of a deterministic order (sha256 of doc_id), so figures on a subsample are
reproducible.

    .venv/bin/python benchmarks/linking.py [--limit 300] [--folds 5] [--bsnlp-limit 0] [--errors 20]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.nercache import sample_order, spans_for  # noqa: E402
from pipeline.core.entities import kb as kbm  # noqa: E402
from pipeline.core.entities.gazetteer import load as load_gazetteer  # noqa: E402
from pipeline.core.entities.linking import _parse, link_article  # noqa: E402
from pipeline.core.entities.spans import (dictionary_spans, linked_spans, merge_dictionary,  # noqa: E402
                                          postprocess)

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
ORACLE = False  # --gold-spans: link the gold spans instead of natasha's
LINK_TYPES = {"PERSON": "PER", "ORGANIZATION": "ORG", "COUNTRY": "LOC", "CITY": "LOC", "STATE_OR_PROVINCE": "LOC",
              "LOCATION": "LOC", "DISTRICT": "LOC"}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fold_of(doc_id, folds: int) -> int:
    return int(hashlib.sha256(f"fold|{doc_id}".encode()).hexdigest(), 16) % folds


def tag(doc_id: str, text: str, raw_spans, kb) -> list:
    """What ``tag`` gives for the text, from cached natasha spans, linked with knowledge base ``kb``."""
    g = kb.gazetteer
    if ORACLE:
        return link_article(str(doc_id), text, raw_spans, kb=kb)
    spans = merge_dictionary(postprocess(raw_spans, text, g), dictionary_spans(text, g))
    return link_article(str(doc_id), text, linked_spans(text, spans, kb.index, _parse), kb=kb)


# ---------------------------------------------------------------- NEREL linking
def gold_links(doc: dict) -> list[tuple[int, int, str, str]]:
    links = doc.get("links") or {}
    out = []
    for e in doc["entities"]:
        qid = links.get(e["id"])
        if qid and e["type"] in LINK_TYPES:
            out.append((e["start"], e["end"], LINK_TYPES[e["type"]], qid))
    return out


def _overlap(a0, a1, b0, b1) -> int:
    return min(a1, b1) - max(a0, b0)


def known_qids(kb) -> set[str]:
    return set(kb.index.labels) | {q for q, _, _ in kb.entry_qids.values()}


def _fn_class(m, gqid: str, kb, known: set[str]) -> str:
    """Why a found gold mention did not get its QID: the QID is in no part of the knowledge base
    (``unknown_qid``), the mention's keys do not lead to it (``no_candidate``), it was a candidate but another
    or none was chosen (``wrong_choice`` / ``abstained``)."""
    if gqid not in known:
        return "fn_unknown_qid"
    from pipeline.core.entities.names import stem_key

    cands = {c.qid for k in (stem_key(m.text), stem_key(m.normal)) for c in kb.index.candidates(k, m.type)}
    if m.entity_id in kb.entry_qids:
        cands.add(kb.entry_qids[m.entity_id][0])
    if gqid not in cands:
        return "fn_no_candidate"
    return "fn_wrong_choice" if m.wikidata_id else "fn_abstained"


def _span_relation(p0: int, p1: int, g0: int, g1: int) -> str:
    """How the predicted span that stands for a gold mention relates to it."""
    if (p0, p1) == (g0, g1):
        return "same_span"
    if p0 <= g0 and g1 <= p1:
        return "gold_inside_prediction"
    return "prediction_inside_gold" if g0 <= p0 and p1 <= g1 else "crossing"


def score_links(gold: list[tuple[int, int, str, str]], mentions: list, tally: dict, errors: list | None = None,
                text: str = "", kb=None, known: set[str] | None = None) -> None:
    for g0, g1, gtype, gqid in gold:
        t = tally[gtype]
        t["gold"] += 1
        over = [m for m in mentions if _overlap(m.start, m.end, g0, g1) > 0]
        if not over:
            t["missed_span"] += 1
            if kb is not None:
                written = text[g0:g1]
                t["why_missed_span_" + ("latin" if re.search("[A-Za-z]", written) else "lower_case"
                                        if written[:1].islower() else "capitalized")] += 1
            continue
        best = min(over, key=lambda m: (abs(m.start - g0) + abs(m.end - g1), m.start))
        if best.wikidata_id == gqid:
            t["right_r"] += 1
            continue
        if kb is not None:
            cls = _fn_class(best, gqid, kb, known)
            t[cls] += 1
            if cls == "fn_no_candidate":
                t["why_no_candidate_" + _span_relation(best.start, best.end, g0, g1)] += 1
        if errors is not None:
            errors.append(("FN", gtype, text[g0:g1], gqid, best.text, best.wikidata_id))
    for m in mentions:
        if not m.wikidata_id:
            continue
        over = [g for g in gold if _overlap(m.start, m.end, g[0], g[1]) > 0]
        if not over:
            continue
        gtype = min(over, key=lambda g: (abs(m.start - g[0]) + abs(m.end - g[1]), g[0]))[2]
        t = tally[gtype]
        t["pred"] += 1
        if any(g[3] == m.wikidata_id for g in over):
            t["right_p"] += 1
        elif errors is not None:
            errors.append(("FP", gtype, m.text, m.wikidata_id, "|".join(g[3] for g in over), ""))


def summarize(tally: dict) -> dict:
    out = {}
    total = Counter()
    for t in ("PER", "ORG", "LOC"):
        c = tally.get(t, Counter())
        total.update(c)
        out[t] = _pr(c)
    out["all"] = _pr(total)
    return out


def _pr(c: Counter) -> dict:
    p = c["right_p"] / c["pred"] if c["pred"] else 0.0
    r = c["right_r"] / c["gold"] if c["gold"] else 0.0
    out = {"P": round(p, 3), "R": round(r, 3), "gold": c["gold"], "pred": c["pred"],
           "span_found": round(1 - c["missed_span"] / c["gold"], 3) if c["gold"] else 0.0}
    fn = {k[3:]: round(v / c["gold"], 3) for k, v in sorted(c.items()) if k.startswith("fn_")}
    if fn:
        out["misses"] = {"missed_span": round(c["missed_span"] / c["gold"], 3), **fn}
        out["misses_by_cause"] = {k[4:]: round(v / c["gold"], 3) for k, v in sorted(c.items()) if k.startswith("why_")}
    return out


def gold_spans(doc: dict) -> list:
    """The document's gold entities of linkable types as spans (a diagnostic that leaves NER out: it measures
    candidates and disambiguation alone)."""
    from pipeline.core.entities.ner import Span

    out = []
    for e in doc["entities"]:
        if e["type"] in LINK_TYPES and e["text"].strip():
            out.append(Span(e["start"], e["end"], LINK_TYPES[e["type"]], e["text"], e["text"], (), ()))
    return out


def nerel(limit: int, folds: int, n_errors: int, oracle_spans: bool = False) -> dict:
    docs = read_jsonl(EVAL / "nerel_traindev.jsonl")
    scored = sample_order(docs)[:limit] if limit else sample_order(docs)
    t0 = time.perf_counter()
    spans = [gold_spans(d) for d in scored] if oracle_spans else spans_for([d["text"] for d in scored],
                                                                           progress=True)
    t_ner = time.perf_counter() - t0
    gaz = load_gazetteer()
    from scripts.build_linking_index import records

    fold_kbs = {}
    for f in range(folds):
        train = [d for d in docs if fold_of(d["doc_id"], folds) != f]
        fold_kbs[f] = kbm.build_kb(gaz, kbm.AliasIndex.from_links(records(train)))
    shipped = kbm.load()
    fold_known = {f: known_qids(k) for f, k in fold_kbs.items()}
    shipped_known = known_qids(shipped)
    empty = kbm.build_kb(gaz, kbm.AliasIndex())
    tallies = {name: defaultdict(Counter) for name in ("cross_validated", "in_sample", "gazetteer_only")}
    errors: list = []
    t1 = time.perf_counter()
    for d, sp in zip(scored, spans):
        gold = gold_links(d)
        f = fold_of(d["doc_id"], folds)
        score_links(gold, tag(d["doc_id"], d["text"], sp, fold_kbs[f]), tallies["cross_validated"], errors, d["text"],
                    fold_kbs[f], fold_known[f])
        score_links(gold, tag(d["doc_id"], d["text"], sp, shipped), tallies["in_sample"], None, d["text"], shipped,
                    shipped_known)
        score_links(gold, tag(d["doc_id"], d["text"], sp, empty), tallies["gazetteer_only"])
    # NEREL's own split: the index from the train documents, scored on the dev documents
    split_kb = kbm.build_kb(gaz, kbm.AliasIndex.from_links(records([d for d in docs if d["split"] == "train"])))
    tallies["train_to_dev_split"] = defaultdict(Counter)
    for d, sp in zip(scored, spans):
        if d["split"] == "dev":
            score_links(gold_links(d), tag(d["doc_id"], d["text"], sp, split_kb), tallies["train_to_dev_split"])
    t_link = time.perf_counter() - t1
    out = {"documents": len(scored), "of": len(docs), "folds": folds,
           **{name: summarize(t) for name, t in tallies.items()},
           "seconds": {"ner": round(t_ner, 1), "link_3_configs": round(t_link, 1)}}
    if n_errors:
        out["cv_errors"] = [" | ".join(map(str, e)) for e, _ in Counter(errors).most_common(n_errors)]
    return out


# ---------------------------------------------------------------- BSNLP normal forms and B-cubed
_QUOTES = re.compile(r"[«»\"“”„'’`]")


def fold_form(s: str) -> str:
    return " ".join(_QUOTES.sub("", s).replace("ё", "е").replace("Ё", "Е").split())


def bcubed(items: list[tuple[str, str]]) -> tuple[float, float, float]:
    """items: (predicted cluster, gold cluster) per element."""
    by_pred, by_gold = defaultdict(list), defaultdict(list)
    for i, (p, g) in enumerate(items):
        by_pred[p].append(i)
        by_gold[g].append(i)
    pair = Counter(items)
    prec = sum(pair[(p, g)] / len(by_pred[p]) for p, g in items) / len(items)
    rec = sum(pair[(p, g)] / len(by_gold[g]) for p, g in items) / len(items)
    return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def bsnlp(limit: int, n_errors: int) -> dict:
    docs = sample_order(read_jsonl(EVAL / "bsnlp_dev.jsonl"))
    docs = docs[:limit] if limit else docs
    spans = spans_for([d["text"] for d in docs], progress=True)
    out = {"documents": len(docs)}
    for name, kb in (("shipped_index", kbm.load()), ("gazetteer_only", kbm.build_kb(load_gazetteer(), kbm.AliasIndex()))):
        out[name] = _bsnlp_score(docs, spans, kb, n_errors if name == "shipped_index" else 0)
    return out


def _bsnlp_score(docs, spans, kb, n_errors: int) -> dict:
    gold_n = found = right = 0
    clusters: list[tuple[str, str]] = []
    by_type = defaultdict(Counter)
    errors: Counter = Counter()
    for d, sp in zip(docs, spans):
        ms = tag(d["doc_id"], d["text"], sp, kb)
        pred = {}
        for m in ms:
            pred.setdefault(fold_form(m.text), m)
        for g in d["mentions"]:
            if g["type"] not in ("PER", "LOC", "ORG"):
                continue
            gold_n += 1
            by_type[g["type"]]["gold"] += 1
            m = pred.get(fold_form(g["surface"]))
            if m is None:
                continue
            found += 1
            by_type[g["type"]]["found"] += 1
            ok = fold_form(m.normal) == fold_form(g["base"])
            right += ok
            by_type[g["type"]]["right"] += ok
            if not ok:
                errors[(g["type"], g["surface"], g["base"], m.normal)] += 1
            clusters.append((m.entity_id, g["entity"]))
    p, r, f = bcubed(clusters)
    out = {"gold_forms": gold_n, "found": round(found / gold_n, 3),
           "norm_acc": round(right / found, 3),
           "norm_acc_by_type": {t: round(c["right"] / c["found"], 3) for t, c in sorted(by_type.items()) if c["found"]},
           "bcubed": {"P": round(p, 3), "R": round(r, 3), "F1": round(f, 3)}}
    if n_errors:
        out["norm_errors"] = [" | ".join(map(str, e)) for e, _ in errors.most_common(n_errors)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="NEREL documents to score (0: all 840)")
    parser.add_argument("--bsnlp-limit", type=int, default=0, help="BSNLP documents to score (0: all 303)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--errors", type=int, default=0)
    parser.add_argument("--only", choices=("nerel", "bsnlp"), default=None)
    parser.add_argument("--gold-spans", action="store_true",
                        help="NEREL only: link the gold spans (no NER), to measure candidates and choice alone")
    args = parser.parse_args()
    result = {}
    if args.gold_spans:
        global ORACLE
        ORACLE = True
        args.only = "nerel"
    if args.only != "bsnlp":
        result["nerel_linking"] = nerel(args.limit, args.folds, args.errors, args.gold_spans)
    if args.only != "nerel":
        result["bsnlp"] = bsnlp(args.bsnlp_limit, args.errors)
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
