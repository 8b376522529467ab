"""Score ``extract`` on the DAniEL Russian dev pages (markdown dumps and HTML) against their gold main text,
beside trafilatura (standard and favor_precision, on HTML) and jusText (Russian stoplist, on markdown
blocks), measured in one run on the same pages.

Metric (scrapinghub article-extraction-benchmark): tokens are ``\\w+``,
4-gram shingles, per-page precision and recall over shingle multisets,
averaged over pages; F1 of the two averages. Title + lead + body are scored.

    .venv/bin/python benchmarks/extraction.py [--eval-dir ../shared/eval/daniel_ru_dev] [--worst 10] [--table]
    .venv/bin/python benchmarks/extraction.py --cv [--folds 5] [--record] [--pages PAGES.json]

``--cv`` is the headline: leave-outlet-out cross-validation over ``daniel_ru_dev`` and ``daniel_multi_dev``
together (folds grouped by host, assigned deterministically), calling the extraction core directly (no
language filter). For each fold the block model is trained on the other folds' outlets only
(``scripts/train_blocks.py``'s ``fit``) and scores the fold's pages. Printed per set and language group, for md
and html: the rules alone (the baseline), the shipped model in-sample, the model cross-validated, jusText and
trafilatura (favor_precision); mean F1, the worst outlet and the pages under .3; and extraction pages/s of
the rules and of the model over the same pages. Figures recorded in ``benchmarks/extraction_cv.json`` (written
by ``--record``) are compared: a row whose in-sample F1 rose while its CV F1 fell is flagged as a regression.

Pages are extracted as one batch, as ``python -m pipeline extract`` does, so
templates learned across pages of the same outlet count.
"""

from __future__ import annotations

import argparse
import hashlib
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
    """Each outlet-grouped fold's pages extracted as a batch of their own, so templates can only be learned from
    the fold's pages. The shipped block model is used as is, so this is not cross-validation of the model:
    :func:`cross_validate` (``--cv``) is."""
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


RECORDED = Path(__file__).resolve().parent / "extraction_cv.json"
EVAL_ROOT = DEFAULT_EVAL.parent
GROUPS = (("daniel_ru_dev", "ru"), ("daniel_multi_dev", "all"), ("daniel_multi_dev", "English"),
          ("daniel_multi_dev", "Chinese"), ("daniel_multi_dev", "Greek"), ("daniel_multi_dev", "Polish"))


def host_folds(hosts: list[str], pages_per_host: Counter, folds: int) -> dict[str, int]:
    """Hosts to folds, deterministically: largest outlets first, each to the fold with fewest pages so far
    (ties: lowest fold), hosts of equal size in name order (as GroupKFold, without its randomness)."""
    load = [0] * folds
    out = {}
    for host in sorted(hosts, key=lambda h: (-pages_per_host[h], h)):
        k = min(range(folds), key=lambda j: (load[j], j))
        out[host] = k
        load[k] += pages_per_host[host]
    return out


def _extract_text(page, model) -> str:
    from pipeline.core.cleaning.document import extract_prepared
    from pipeline.core.outlets import profile_for

    doc, meta, group, lines, templates = page.prepared
    try:
        c = extract_prepared(doc, meta, group, lines, templates, profile_for(group) or {}, model)
    except RejectError:
        return ""
    return "\n".join([c.title, c.lead or "", c.body])


def _summary(pages, predicted: dict) -> dict:
    rows = []
    for p in pages:
        pr, rc = page_scores(predicted.get((p.set, p.kind, p.id), ""), p.expected)
        rows.append((p.host, pr, rc, 2 * pr * rc / (pr + rc) if pr + rc else 0.0))
    if not rows:
        return {}
    precision = sum(r[1] for r in rows) / len(rows)
    recall = sum(r[2] for r in rows) / len(rows)
    by_host: dict[str, list[float]] = {}
    for host, _, _, f in rows:
        by_host.setdefault(host, []).append(f)
    worst_host = min(sorted(by_host), key=lambda h: sum(by_host[h]) / len(by_host[h]))
    return {"pages": len(rows), "p": round(precision, 3), "r": round(recall, 3),
            "f1": round(2 * precision * recall / (precision + recall) if precision + recall else 0.0, 3),
            "worst": f"{worst_host} {sum(by_host[worst_host]) / len(by_host[worst_host]):.2f}",
            "outlets_under_05": sum(1 for h in by_host if sum(by_host[h]) / len(by_host[h]) < 0.5),
            "under_03": sum(1 for r in rows if r[3] < 0.3)}


def baseline_predictions(pages) -> dict:
    """jusText on markdown blocks (the language's stoplist; none for Chinese, which jusText lacks) and
    trafilatura favor_precision on HTML, for the same pages."""
    import justext
    import trafilatura

    out = {}
    stoplists = {}
    for p in pages:
        if p.kind == "md":
            lang = {"ru": "Russian"}.get(p.group, p.group)
            if lang not in stoplists:
                stoplists[lang] = justext.get_stoplist(lang) if lang in justext.get_stoplists() else frozenset()
            md = p.prepared[0].text  # the dump as the core decoded it (declared charset)
            html = "<html><body>" + "".join(f"<p>{b}</p>" for b in md.split("\n\n")) + "</body></html>"
            out[(p.set, "md", p.id)] = "\n".join(
                x.text for x in justext.justext(html.encode("utf-8"), stoplists[lang]) if not x.is_boilerplate)
        else:
            raw = (EVAL_ROOT / p.set / p.path).read_bytes()
            out[(p.set, "html", p.id)] = trafilatura.extract(raw, include_comments=False, favor_precision=True) or ""
    return out


def cross_validate(folds: int = 5, baselines: bool = True) -> dict:
    """The leave-outlet-out table (see the module docstring): {(set, group, kind): {system: summary}}, and under
    "pages" each page's F1 per system (``--pages``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from pipeline.core.cleaning.blocks import BlockModel, load_block_model
    from pipeline.core.cleaning.document import RULES
    from scripts.train_blocks import dumps, fit, load_pages

    pages = load_pages(EVAL_ROOT)
    from pipeline.knowledge import read_text
    from pipeline.core.cleaning.blocks import MODEL_FILE
    from scripts.train_blocks import training_fingerprint

    shipped_text = read_text(MODEL_FILE)
    shipped = json.loads(shipped_text)
    fingerprint = training_fingerprint(pages)
    hosts = Counter()
    for p in pages:
        if p.kind == "md":
            hosts[p.host] += 1
    fold_of = host_folds(sorted(hosts), hosts, folds)
    predictions: dict[str, dict] = {"rules": {}, "model in-sample": {}, "model CV": {}}
    timing = {}
    for system, model in (("rules", RULES), ("model in-sample", load_block_model())):
        started = time.perf_counter()
        for p in pages:
            predictions[system][(p.set, p.kind, p.id)] = _extract_text(p, model)
        timing[system] = round(len(pages) / (time.perf_counter() - started), 1)
    for k in range(folds):
        train = [p for p in pages if fold_of[p.host] != k]
        model = BlockModel.from_dict(json.loads(dumps(fit(train)[0])))
        for p in pages:
            if fold_of[p.host] == k:
                predictions["model CV"][(p.set, p.kind, p.id)] = _extract_text(p, model)
    if baselines:
        predictions["jusText / trafilatura fp"] = baseline_predictions(pages)
    pages_out = {f"{p.set}|{p.kind}|{p.id}": {system: round(_f1(*page_scores(pred.get((p.set, p.kind, p.id), ""),
                                                                           p.expected)), 4)
                                              for system, pred in predictions.items()} for p in pages}
    table = {}
    for set_name, group in GROUPS:
        for kind in ("md", "html"):
            sel = [p for p in pages if p.set == set_name and p.kind == kind and group in ("all", p.group)]
            table[f"{set_name}|{group}|{kind}"] = {system: _summary(sel, pred) for system, pred in predictions.items()}
    return {"folds": folds, "pages_per_s": timing, "table": table,
            "model_sha256": hashlib.sha256(shipped_text.encode("utf-8")).hexdigest(),
            "data_sha256": fingerprint,
            "model_current": shipped.get("trained_on", {}).get("data_sha256") == fingerprint, "pages": pages_out}


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def print_cv(result: dict, recorded: dict | None) -> None:
    print(f"Leave-outlet-out CV ({result['folds']} folds by host) over daniel_ru_dev + daniel_multi_dev; "
          "F1 (P/R), worst outlet, pages under .3")
    systems = ["rules", "model in-sample", "model CV", "jusText / trafilatura fp"]
    print("| set | group | input | " + " | ".join(systems) + " |")
    print("|---|---|---|" + "---|" * len(systems))
    for key, row in result["table"].items():
        set_name, group, kind = key.split("|")
        cells = []
        for s in systems:
            r = row.get(s)
            cells.append(f"{r['f1']:.3f} ({r['p']:.2f}/{r['r']:.2f}) {r['worst']}, {r['under_03']}<.3" if r else "—")
        print(f"| {set_name.replace('daniel_', '').replace('_dev', '')} | {group} | {kind} | " + " | ".join(cells) + " |")
    print(f"extraction pages/s over the same pages: {result['pages_per_s']}")
    if not result.get("model_current", True):
        print("WARNING STALE MODEL: the shipped pipeline/data/models/blocks.json was trained on other features or "
              "labels than this code computes (its trained_on.data_sha256 differs): the in-sample column is not "
              "what make train-blocks would ship; retrain with make train-blocks")
    if recorded and recorded.get("model_sha256") != result.get("model_sha256"):
        print("NOTE benchmarks/extraction_cv.json was recorded with another model file: comparisons below are "
              "across models (record the new table with --cv --record)")
    elif recorded and recorded.get("data_sha256") != result.get("data_sha256"):
        print("NOTE benchmarks/extraction_cv.json was recorded when the code computed other features or labels "
              "for the eval pages: its CV column is stale (record again with --cv --record)")
    for key, row in result["table"].items():
        cv, ins, rules = row["model CV"]["f1"], row["model in-sample"]["f1"], row["rules"]["f1"]
        if cv < rules:
            print(f"NOTE {key}: model CV {cv:.3f} below the rules {rules:.3f}")
        if ins - cv > 0.05:
            print(f"NOTE {key}: in-sample {ins:.3f} overstates CV {cv:.3f}")
        old = (recorded or {}).get("table", {}).get(key)
        if old:
            d_in = ins - old["model in-sample"]["f1"]
            d_cv = cv - old["model CV"]["f1"]
            if d_in > 0 and d_cv < 0:
                print(f"WARNING REGRESSION {key}: in-sample rose {d_in:+.3f} but CV fell {d_cv:+.3f} "
                      "against benchmarks/extraction_cv.json")
            elif d_cv < -0.005:
                print(f"WARNING {key}: CV fell {d_cv:+.3f} against benchmarks/extraction_cv.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    parser.add_argument("--keep-everything", action="store_true", help="score the whole dump (baseline)")
    parser.add_argument("--input", choices=["md", "html"], default="md")
    parser.add_argument("--table", action="store_true",
                        help="the full comparison: Vostok on md and html (dev and outlet-CV) beside the baselines")
    parser.add_argument("--cv", action="store_true", help="leave-outlet-out CV table over both dev sets (headline)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-baselines", action="store_true", help="with --cv: skip jusText and trafilatura")
    parser.add_argument("--record", action="store_true", help="with --cv: write the figures to extraction_cv.json")
    parser.add_argument("--pages", type=Path, help="with --cv: write each page's F1 per system here (JSON), to "
                                                   "compare two checkouts page by page")
    args = parser.parse_args()
    if args.cv:
        recorded = json.loads(RECORDED.read_text(encoding="utf-8")) if RECORDED.exists() else None
        result = cross_validate(args.folds, not args.no_baselines)
        pages = result.pop("pages")
        if args.pages:
            args.pages.write_text(json.dumps(pages, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print_cv(result, recorded)
        if args.record:
            RECORDED.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return
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
    print("in-sample table: the shipped block model was trained on these pages; the cross-validated figures are --cv's")
    print("| system | P | R | F1 (dev) | F1 (dev, folds by outlet extracted as separate batches) | docs/s |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['system']} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
              f"{r.get('cv_f1', '—') if isinstance(r.get('cv_f1'), str) else format(r['cv_f1'], '.3f') if 'cv_f1' in r else '—'} | {r['docs_per_s']} |")


if __name__ == "__main__":
    main()
