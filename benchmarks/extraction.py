"""Score ``extract`` on the DAniEL Russian dev pages (markdown dumps) against their gold main text.

Metric (scrapinghub article-extraction-benchmark): tokens are ``\\w+``,
4-gram shingles, per-page precision and recall over shingle multisets,
averaged over pages; F1 of the two averages. Title + lead + body are scored.

    .venv/bin/python benchmarks/extraction.py [--eval-dir ../shared/eval/daniel_ru_dev] [--worst 10]

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
from pipeline.core.extract import extract_batch  # noqa: E402
from pipeline.core.ingest import document_from_bytes  # noqa: E402

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


def evaluate(eval_dir: Path, worst: int = 0, keep_everything: bool = False) -> dict:
    manifest = json.loads((eval_dir / "manifest.json").read_text(encoding="utf-8"))
    docs, gold, ids = [], {}, []
    for item in manifest:
        data = (eval_dir / item["md"]).read_bytes()
        gold[item["md"]] = item["expected_text"]
        ids.append(item["md"])
        try:
            docs.append(document_from_bytes(item["md"], data))
        except RejectError:
            pass
    started = time.perf_counter()
    cleaned, _rejects = extract_batch(docs)
    elapsed = time.perf_counter() - started
    predicted = {c.source_path: "\n".join([c.title, c.lead or "", c.body]) for c in cleaned}
    if keep_everything:
        predicted = {d.source_path: d.text for d in docs}
    rows = []
    for page_id in ids:
        p, r = page_scores(predicted.get(page_id, ""), gold[page_id])
        rows.append((page_id, p, r))
    precision = sum(r[1] for r in rows) / len(rows)
    recall = sum(r[2] for r in rows) / len(rows)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result = {"pages": len(rows), "precision": round(precision, 3), "recall": round(recall, 3),
              "f1": round(f1, 3), "extracted": len(cleaned), "seconds": round(elapsed, 2)}
    if worst:
        result["worst"] = [(pid, round(p, 2), round(r, 2)) for pid, p, r in
                           sorted(rows, key=lambda x: 2 * x[1] * x[2] / (x[1] + x[2] + 1e-9))[:worst]]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    parser.add_argument("--keep-everything", action="store_true", help="score the whole dump (baseline)")
    args = parser.parse_args()
    result = evaluate(args.eval_dir, args.worst, args.keep_everything)
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
