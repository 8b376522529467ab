"""Score ``extract`` on the DAniEL Russian dev pages (markdown dumps and HTML) against their gold main text,
beside trafilatura (standard and favor_precision, on HTML) and jusText (Russian stoplist, on markdown
blocks), measured in one run on the same pages.

Metric (scrapinghub article-extraction-benchmark): tokens are ``\\w+``,
4-gram shingles, per-page precision and recall over shingle multisets,
averaged over pages; F1 of the two averages. Title + lead + body are scored.

    .venv/bin/python benchmarks/extraction.py [--eval-dir ../shared/eval/daniel_ru_dev] [--worst 10] [--table]

Pages are extracted as one batch, as ``python -m pipeline extract`` does, so
templates learned across pages of the same outlet count.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.core.errors import RejectError  # noqa: E402
from pipeline.core.build import extract_documents as extract_batch  # noqa: E402
from pipeline.core.documents import document_from_bytes  # noqa: E402

DEFAULT_EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "daniel_ru_dev"


def shingles(text: str, n: int = 4) -> Counter:
    tokens = re.findall(r"\w+", text.lower())
    return Counter(tuple(tokens[i:i + n]) for i in range(max(len(tokens) - n + 1, 0)))


def page_scores(predicted: str, expected: str) -> tuple[float, float]:
    pred, gold = shingles(predicted), shingles(expected)
    tp = sum((pred & gold).values())
    precision = tp / sum(pred.values()) if pred else (1.0 if not gold else 0.0)
    recall = tp / sum(gold.values()) if gold else 1.0
    return precision, recall


def _score(ids: list[str], predicted: dict[str, str], gold: dict[str, str]) -> tuple[dict, list]:
    rows = []
    for page_id in ids:
        p, r = page_scores(predicted.get(page_id, ""), gold[page_id])
        rows.append((page_id, p, r))
    precision = sum(r[1] for r in rows) / len(rows)
    recall = sum(r[2] for r in rows) / len(rows)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}, rows


def evaluate(eval_dir: Path, worst: int = 0, keep_everything: bool = False, input_kind: str = "md") -> dict:
    manifest = json.loads((eval_dir / "manifest.json").read_text(encoding="utf-8"))
    docs, gold, ids = [], {}, []
    for item in manifest:
        data = (eval_dir / item[input_kind]).read_bytes()
        gold[item[input_kind]] = item["expected_text"]
        ids.append(item[input_kind])
        try:
            docs.append(document_from_bytes(item[input_kind], data))
        except RejectError:
            pass
    started = time.perf_counter()
    cleaned, _rejects = extract_batch(docs)
    elapsed = time.perf_counter() - started
    predicted = {c.source_path: "\n".join([c.title, c.lead or "", c.body]) for c in cleaned}
    if keep_everything:
        predicted = {d.source_path: d.text for d in docs}
    scores, rows = _score(ids, predicted, gold)
    result = {"input": input_kind, "pages": len(rows), **scores, "extracted": len(cleaned),
              "seconds": round(elapsed, 2), "docs_per_s": round(len(docs) / elapsed, 1) if elapsed else None}
    if worst:
        result["worst"] = [(pid, round(p, 2), round(r, 2)) for pid, p, r in
                           sorted(rows, key=lambda x: 2 * x[1] * x[2] / (x[1] + x[2] + 1e-9))[:worst]]
    return result


def evaluate_by_outlet(eval_dir: Path, input_kind: str = "md", folds: int = 5) -> dict:
    """Outlet-grouped cross-validation: each fold's pages are extracted as a batch of their own, so templates
    can only be learned from the fold's pages (the rules have no trained parameters; nothing is fit on the
    held-out fold)."""
    manifest = json.loads((eval_dir / "manifest.json").read_text(encoding="utf-8"))
    hosts = sorted({m["host"] for m in manifest})
    fold_of = {h: i % folds for i, h in enumerate(hosts)}
    predicted, gold, ids = {}, {}, []
    for k in range(folds):
        part = [m for m in manifest if fold_of[m["host"]] == k]
        docs = []
        for item in part:
            gold[item[input_kind]] = item["expected_text"]
            ids.append(item[input_kind])
            try:
                docs.append(document_from_bytes(item[input_kind], (eval_dir / item[input_kind]).read_bytes()))
            except RejectError:
                pass
        cleaned, _ = extract_batch(docs)
        predicted.update({c.source_path: "\n".join([c.title, c.lead or "", c.body]) for c in cleaned})
    scores, _ = _score(ids, predicted, gold)
    return {"input": input_kind, "cv": f"{folds} folds by outlet", **scores}


def evaluate_baselines(eval_dir: Path) -> list[dict]:
    """trafilatura (standard, favor_precision) on HTML and jusText on markdown blocks, same pages, same metric."""
    import justext
    import trafilatura

    manifest = json.loads((eval_dir / "manifest.json").read_text(encoding="utf-8"))
    gold = {m["id"]: m["expected_text"] for m in manifest}
    ids = [m["id"] for m in manifest]
    out = []
    for label, kwargs in (("trafilatura 2.0 standard (html)", {}),
                          ("trafilatura 2.0 favor_precision (html)", {"favor_precision": True})):
        started = time.perf_counter()
        pred = {}
        for m in manifest:
            text = trafilatura.extract((eval_dir / m["html"]).read_bytes(), include_comments=False, **kwargs)
            pred[m["id"]] = text or ""
        elapsed = time.perf_counter() - started
        scores, _ = _score(ids, pred, gold)
        out.append({"system": label, **scores, "docs_per_s": round(len(ids) / elapsed, 1)})
    stoplist = justext.get_stoplist("Russian")
    started = time.perf_counter()
    pred = {}
    for m in manifest:
        md = (eval_dir / m["md"]).read_text(encoding="utf-8", errors="replace")
        html = "<html><body>" + "".join(f"<p>{b}</p>" for b in md.split("\n\n")) + "</body></html>"
        pred[m["id"]] = "\n".join(p.text for p in justext.justext(html.encode("utf-8"), stoplist) if not p.is_boilerplate)
    elapsed = time.perf_counter() - started
    scores, _ = _score(ids, pred, gold)
    out.append({"system": "jusText (Russian stoplist, md blocks)", **scores, "docs_per_s": round(len(ids) / elapsed, 1)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    parser.add_argument("--keep-everything", action="store_true", help="score the whole dump (baseline)")
    parser.add_argument("--input", choices=["md", "html"], default="md")
    parser.add_argument("--table", action="store_true",
                        help="the full comparison: Vostok on md and html (dev and outlet-CV) beside the baselines")
    args = parser.parse_args()
    if not args.table:
        print(json.dumps(evaluate(args.eval_dir, args.worst, args.keep_everything, args.input), ensure_ascii=False, indent=1))
        return
    rows = []
    for kind in ("md", "html"):
        r = evaluate(args.eval_dir, input_kind=kind)
        cv = evaluate_by_outlet(args.eval_dir, kind)
        rows.append({"system": f"Vostok ({kind})", "precision": r["precision"], "recall": r["recall"], "f1": r["f1"],
                     "cv_f1": cv["f1"], "docs_per_s": r["docs_per_s"]})
    rows += evaluate_baselines(args.eval_dir)
    print("| system | P | R | F1 (dev) | F1 (5-fold CV by outlet) | docs/s |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['system']} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
              f"{r.get('cv_f1', '—') if isinstance(r.get('cv_f1'), str) else format(r['cv_f1'], '.3f') if 'cv_f1' in r else '—'} | {r['docs_per_s']} |")


if __name__ == "__main__":
    main()
