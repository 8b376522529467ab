"""Relevance to Northeast Asia: P/R/F1 of "on topic" on a labelled sample of the dev sets, in-sample and
cross-validated.

The sample and how it was labelled: docs/measurements.md ("Relevance"); the labels (doc ids only, no text):
benchmarks/data/relevance_labels.tsv. Each document is scored as the pipeline scores an article
(pipeline/core/relevance.py): its body through the entities stage (``link_article``), its title (the first line,
when the text has more than one and it is at most 250 characters) through the profile's aliases; no lead.

Figures printed:

* at the configured threshold (the profile's, or ``--threshold``), on the whole sample (in-sample: the profile's
  threshold was chosen on it);
* cross-validated: 5 folds grouped by outlet (DAniEL: the page's host) or by document (factRuEval, NEREL); on each,
  the threshold that maximizes F1 on the other four folds is applied; predictions pooled;
* leave-one-set-out: the threshold chosen on two of the three sets, measured on the third;
* the "any mention" baseline (threshold 0: any entry of the profile anywhere is enough).

    .venv/bin/python benchmarks/relevance.py [--eval ../shared/eval] [--profile northeast_asia] [--threshold T] [--show]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.core.relevance import RelevanceConfig  # noqa: E402

DEFAULT_EVAL = REPO.parent / "shared" / "eval"
LABELS = REPO / "benchmarks" / "data" / "relevance_labels.tsv"
FOLDS = 5
MAX_TITLE = 250


def read_labels(path: Path = LABELS) -> list[tuple[str, str, int]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            dataset, doc_id, label = line.split("\t")
            rows.append((dataset, doc_id, int(label)))
    return rows


def read_texts(eval_dir: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(set, doc id) -> (group, text): the DAniEL page's expected article text (grouped by host), factRuEval
    and NEREL texts (each document its own group)."""
    out = {}
    for page in json.loads((eval_dir / "daniel_ru_dev" / "manifest.json").read_text(encoding="utf-8")):
        out[("daniel", page["id"])] = (f"daniel:{page['host']}", page["expected_text"])
    for name, dataset in (("factrueval2016_devset.jsonl", "factrueval"), ("nerel_traindev.jsonl", "nerel")):
        for line in (eval_dir / name).read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            out[(dataset, str(doc["doc_id"]))] = (f"{dataset}:{doc['doc_id']}", doc["text"])
    return out


def split_title(text: str) -> tuple[str | None, str]:
    """The first line as the title when the text has more than one non-empty line and it is short enough."""
    lines = [line for line in text.split("\n")]
    first = lines[0].strip()
    rest = "\n".join(lines[1:]).strip()
    if rest and first and len(first) <= MAX_TITLE:
        return first, rest
    return None, text


def score_sample(eval_dir: Path, config: RelevanceConfig, labels) -> list[dict]:
    from pipeline.core.analysis import analyzed_text
    from pipeline.core.entities.linking import link_article
    from pipeline.core.relevance import score_article

    profile = config.load()
    texts = read_texts(eval_dir)
    rows = []
    for dataset, doc_id, label in labels:
        group, text = texts[(dataset, doc_id)]
        title, body = split_title(text)
        body = analyzed_text(body)
        mentions = [m.as_row() for m in link_article(doc_id, body)]
        s = score_article(title, None, body, mentions, profile)
        rows.append({"set": dataset, "doc_id": doc_id, "group": group, "label": label, "score": s.relevance,
                     "countries": s.region_countries})
    return rows


def prf(rows, threshold: float) -> dict:
    tp = sum(1 for r in rows if r["label"] and r["score"] >= threshold)
    fp = sum(1 for r in rows if not r["label"] and r["score"] >= threshold)
    fn = sum(1 for r in rows if r["label"] and r["score"] < threshold)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": p, "R": r, "F1": f, "tp": tp, "fp": fp, "fn": fn, "n": len(rows)}


def best_threshold(rows) -> float:
    """The threshold that maximizes F1 on ``rows`` (midpoints between distinct scores; ties: the higher one)."""
    scores = sorted({r["score"] for r in rows})
    candidates = [(a + b) / 2 for a, b in zip(scores, scores[1:])] + [scores[-1] + 1e-6] if scores else [0.5]
    return max(candidates, key=lambda t: (round(prf(rows, t)["F1"], 9), t))


def fold_of(group: str) -> int:
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % FOLDS


def cross_validated(rows) -> tuple[dict, list[float]]:
    predicted, chosen = [], []
    for k in range(FOLDS):
        train = [r for r in rows if fold_of(r["group"]) != k]
        test = [r for r in rows if fold_of(r["group"]) == k]
        t = best_threshold(train)
        chosen.append(round(t, 4))
        predicted += [dict(r, score=1.0 if r["score"] >= t else 0.0) for r in test]
    return prf(predicted, 0.5), chosen


def leave_one_set_out(rows) -> dict[str, tuple[dict, float]]:
    out = {}
    for dataset in sorted({r["set"] for r in rows}):
        t = best_threshold([r for r in rows if r["set"] != dataset])
        out[dataset] = (prf([r for r in rows if r["set"] == dataset], t), t)
    return out


def _fmt(m: dict) -> str:
    return (f"P {m['P']:.3f}  R {m['R']:.3f}  F1 {m['F1']:.3f}  (tp {m['tp']}, fp {m['fp']}, fn {m['fn']}; "
            f"{m['n']} docs)")


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--profile", default=None, help="packaged profile name or path (default: northeast_asia)")
    ap.add_argument("--threshold", default=None, help="override the profile's threshold")
    ap.add_argument("--show", action="store_true", help="print each misclassified document's id and score")
    args = ap.parse_args(argv)
    config = RelevanceConfig.from_strings(args.profile, args.threshold)
    profile = config.load()
    threshold = config.effective_threshold(profile)
    labels = read_labels()
    rows = score_sample(args.eval, config, labels)
    positives = sum(r["label"] for r in rows)
    print(f"relevance: profile {profile.name} ({profile.digest}), {len(rows)} labelled documents, "
          f"{positives} on topic")
    configured = prf(rows, threshold)
    print(f"  configured threshold {threshold:.2f} (in-sample): {_fmt(configured)}")
    for dataset in sorted({r["set"] for r in rows}):
        print(f"    {dataset:<11} {_fmt(prf([r for r in rows if r['set'] == dataset], threshold))}")
    cv, chosen = cross_validated(rows)
    print(f"  cross-validated ({FOLDS} folds by outlet/document, threshold chosen on the other folds: "
          f"{', '.join(f'{t:.3f}' for t in chosen)}): {_fmt(cv)}")
    loso = leave_one_set_out(rows)
    for dataset, (m, t) in loso.items():
        print(f"  leave-one-set-out, tested on {dataset:<11} (threshold {t:.3f} from the others): {_fmt(m)}")
    baseline = prf(rows, 1e-9)
    print(f"  baseline 'any profile entry anywhere' (threshold 0+): {_fmt(baseline)}")
    if args.show:
        for r in sorted(rows, key=lambda r: (r["set"], r["doc_id"])):
            if bool(r["label"]) != (r["score"] >= threshold):
                print(f"    {'FN' if r['label'] else 'FP'} {r['set']}:{r['doc_id']} score {r['score']:.4f} "
                      f"{r['countries']}")
    return {"configured": configured, "cv": cv, "chosen": chosen, "loso": loso, "baseline": baseline,
            "threshold": threshold}


if __name__ == "__main__":
    main()
