"""Issue 15, round 9: does a second-stage ("stacked") block model that sees the first-stage probabilities of each
line's neighbours raise the leave-outlet-out CV F1? A measurement, not a product change.

Stage 1 is the shipped block model as ``scripts/train_blocks.py``'s ``fit`` trains it. Stage 2 is a
``HistGradientBoostingClassifier`` (same ``PARAMS``) over context features computed from stage 1's log-odds on
the lines of the same page, in order (:func:`context`): the line's own log-odds; the mean of the previous and of
the next 1, 2 and 5 lines' probabilities and the max over 2 and 5; the probability of the nearest heading above
and of the title line; the length (lines, characters) of the run of consecutive lines on the same side of .5
and the line's place in it; stage 1's maximum-evidence region (``model_region``) as in-region, signed distance
and share of the page; the line's rank and its margin over the page's mean; the share of the page's
over-.5 text above and below. Two stage-2 inputs: ``full`` (the 70 block features + the context) and ``ctx``
(the context + 11 structural columns: length, heading, title, list, link density, prose, has-DOM,
position); ``ctx+avg`` is ``ctx``'s fit with the mean of the two stages' log-odds as the line's score.

No leakage: in each outer fold (the ``--cv`` folds, ``host_folds``), stage 2 is trained on stage-1 log-odds that
are out-of-fold for its training pages (an inner leave-outlet-out over the training outlets, ``--inner`` folds
by host, each inner model's class/id vocabulary learned without the held-out outlets), then applied to the
outer fold's pages on top of a stage 1 fitted on all the training outlets, through the extraction core
(``_extract_text``: region, thresholds and the rules' steps unchanged, only the line probabilities differ).
"In-sample" trains stage 2 on the outer folds' out-of-fold log-odds over every page and applies it on top of
stage 1 fitted on every page, scored on the same pages.

The "main" rows must reproduce ``benchmarks/extraction.py --cv`` (ru md .892, ru html .894, multi md .901,
multi html .928) before the others mean anything. Stage-1 fits are cached (``--cache``) by fold and the
training data's fingerprint, so a rerun only refits stage 2.

    nice -n 10 .venv/bin/python benchmarks/extraction_stacking.py [--variants full,ctx,ctx+avg] [--pages] \
        [--inner 4] [--cache /tmp/vostok-stack-cache]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks.extraction import EVAL_ROOT, _extract_text, _summary, host_folds  # noqa: E402
from pipeline.core.cleaning.blocks import FEATURE_NAMES, MIN_LINE_WEIGHT, BlockModel, model_region  # noqa: E402
from scripts.train_blocks import PARAMS, dumps, fit, load_pages, training_fingerprint, with_vocab  # noqa: E402

COL = {n: k for k, n in enumerate(FEATURE_NAMES)}
CTX_STRUCT = ("log_chars", "log_words", "heading", "heading_level", "is_title", "after_title", "list_item",
              "link_density", "is_prose", "has_dom", "position")
ROWS = (("daniel_ru_dev", "ru"), ("daniel_multi_dev", "all"))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def context(x: np.ndarray, z1: np.ndarray) -> np.ndarray:
    """Context features of one page's lines (in page order) from stage 1's log-odds ``z1``; NaN where a window
    is empty (the trees route missing values)."""
    n = len(z1)
    p = _sigmoid(z1)
    chars = np.maximum(np.expm1(x[:, COL["log_chars"]].astype(np.float64)), 0.0)
    weight = np.maximum(chars, MIN_LINE_WEIGHT)
    cs = np.concatenate([[0.0], np.cumsum(p)])
    idx = np.arange(n)
    cols = [z1, p]
    for k in (1, 2, 5):
        lo = np.maximum(idx - k, 0)
        cnt = idx - lo
        cols.append(np.where(cnt > 0, (cs[idx] - cs[lo]) / np.maximum(cnt, 1), np.nan))
        hi = np.minimum(idx + 1 + k, n)
        cnt = hi - idx - 1
        cols.append(np.where(cnt > 0, (cs[hi] - cs[idx + 1]) / np.maximum(cnt, 1), np.nan))
    for k in (2, 5):
        prev_max = np.full(n, np.nan)
        next_max = np.full(n, np.nan)
        for i in range(n):
            if i > 0:
                prev_max[i] = p[max(0, i - k):i].max()
            if i + 1 < n:
                next_max[i] = p[i + 1:i + 1 + k].max()
        cols += [prev_max, next_max]
    # nearest heading above (not the line itself), and the title line
    heading = x[:, COL["heading"]] > 0
    head_p = np.full(n, np.nan)
    head_d = np.full(n, np.nan)
    last = -1
    for i in range(n):
        if last >= 0:
            head_p[i] = p[last]
            head_d[i] = math.log1p(i - last)
        if heading[i]:
            last = i
    title = np.flatnonzero(x[:, COL["is_title"]] > 0)
    cols.append(np.full(n, p[title[0]] if len(title) else np.nan))
    cols += [head_p, head_d]
    # runs of consecutive lines on the same side of .5: signed length (+ over, - under), chars, place in run
    above = p >= 0.5
    run_len = np.zeros(n)
    run_chars = np.zeros(n)
    run_pos = np.zeros(n)
    i = 0
    while i < n:
        j = i
        while j < n and above[j] == above[i]:
            j += 1
        sign = 1.0 if above[i] else -1.0
        run_len[i:j] = sign * math.log1p(j - i)
        run_chars[i:j] = sign * math.log1p(chars[i:j].sum())
        run_pos[i:j] = (np.arange(i, j) - i + 0.5) / (j - i)
        i = j
    cols += [run_len, run_chars, run_pos]
    # stage 1's region, as the extraction core would pick it at .5
    start, end = model_region(p, [_Len(c) for c in chars], 0.5)
    in_region = (idx >= start) & (idx < end)
    dist = np.where(in_region, 0.0, np.where(idx < start, -np.log1p(np.maximum(start - idx, 0)),
                                            np.log1p(np.maximum(idx - end + 1, 0))))
    total = max(chars.sum(), 1.0)
    cols += [in_region.astype(float), dist, np.full(n, chars[start:end].sum() / total),
             np.full(n, (end - start) / max(n, 1))]
    # rank within the page, margin over the page's char-weighted mean, the page's max
    order = np.argsort(np.argsort(-p, kind="stable"), kind="stable")
    mean_p = float((p * weight).sum() / weight.sum()) if n else 0.0
    cols += [order / max(n - 1, 1), p - mean_p, np.full(n, p.max() if n else 0.0), np.full(n, mean_p)]
    # share of the page's over-.5 text above and below the line
    good = np.where(above, chars, 0.0)
    gcs = np.concatenate([[0.0], np.cumsum(good)])
    gtot = max(gcs[-1], 1.0)
    cols += [gcs[idx] / gtot, (gtot - gcs[idx + 1]) / gtot]
    return np.column_stack(cols)


class _Len:
    """Stands in for a logical line where ``model_region`` only reads ``len(line.text)``."""

    __slots__ = ("text",)

    def __init__(self, chars: float):
        self.text = " " * int(round(chars))


def stage2_rows(x: np.ndarray, z1: np.ndarray, variant: str) -> np.ndarray:
    ctx = context(x, z1)
    if variant == "full":
        return np.hstack([x.astype(np.float64), ctx])
    return np.hstack([x[:, [COL[c] for c in CTX_STRUCT]].astype(np.float64), ctx])


class Stacked:
    """Duck-types ``BlockModel`` for the extraction core: ``probability``, ``threshold``, ``vocab``."""

    def __init__(self, base: BlockModel, clf, variant: str):
        self.base, self.clf = base, clf
        self.variant, _, self.blend = variant.partition("+")
        self.vocab, self.threshold = base.vocab, base.threshold

    def probability(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros(0)
        z1 = self.base.decision(x)
        z2 = self.clf.decision_function(stage2_rows(np.asarray(x, dtype=np.float32), z1, self.variant))
        if self.blend == "avg":  # the mean of the two stages' log-odds
            z2 = 0.5 * (z1 + z2)
        return _sigmoid(z2)


class Stage1:
    """Stage-1 fits, cached on disk by name and the training data's fingerprint."""

    def __init__(self, cache: Path | None, fingerprint: str):
        self.cache, self.fp = cache, fingerprint[:16]
        self.fits = 0
        self.seconds = 0.0

    def model(self, name: str, pages) -> dict:
        path = self.cache / f"{self.fp}-{name}.json" if self.cache else None
        if path and path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
        started = time.perf_counter()
        m = json.loads(dumps(fit(pages)[0]))
        self.seconds += time.perf_counter() - started
        self.fits += 1
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(m), encoding="utf-8")
        print(f"  stage 1 {name}: {len(pages)} pages, {time.perf_counter() - started:.0f}s", file=sys.stderr,
              flush=True)
        return m


def oof_decisions(stage1: Stage1, name: str, pages, folds: int) -> dict:
    """Stage-1 log-odds out of fold by outlet for every page of ``pages`` ({key: (x, z1)}), x with the vocabulary
    of the model that scored it (as the extraction core computes it)."""
    counts = Counter(p.host for p in pages if p.kind == "md")
    for p in pages:
        counts.setdefault(p.host, 0)
    fold_of = host_folds(sorted(counts), counts, folds)
    out = {}
    for j in range(folds):
        train = [p for p in pages if fold_of[p.host] != j]
        m = stage1.model(f"{name}-{j}of{folds}", train)
        bm = BlockModel.from_dict(m)
        for p in pages:
            if fold_of[p.host] == j:
                x = with_vocab(p, m["dom_vocab"])
                out[key(p)] = (x, bm.decision(x))
    return out


def key(p) -> tuple:
    return (p.set, p.kind, p.id)


def fit_stage2(pages, oof: dict, variant: str):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    x = np.concatenate([stage2_rows(*oof[key(p)], variant) for p in pages])
    y = np.concatenate([p.y for p in pages])
    w = np.concatenate([p.w for p in pages])
    with threadpool_limits(1):
        return HistGradientBoostingClassifier(**PARAMS).fit(x, y, sample_weight=w)


def table(pages, predictions: dict) -> dict:
    out = {}
    for set_name, group in ROWS:
        for kind in ("md", "html"):
            sel = [p for p in pages if p.set == set_name and p.kind == kind and group in ("all", p.group)]
            out[f"{group if group == 'ru' else 'multi'} {kind}"] = _summary(sel, predictions)
            # four-digit F1 for differences under .001
            rows = [_page_pr(p, predictions) for p in sel]
            pr, rc = sum(r[0] for r in rows) / len(rows), sum(r[1] for r in rows) / len(rows)
            out[f"{group if group == 'ru' else 'multi'} {kind}"]["f1_4"] = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
    return out


def _f1(pr: tuple[float, float]) -> float:
    return 2 * pr[0] * pr[1] / (pr[0] + pr[1]) if pr[0] + pr[1] else 0.0


def _page_pr(p, predictions):
    from benchmarks.extraction import page_scores

    return page_scores(predictions.get(key(p), ""), p.expected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--inner", type=int, default=4, help="inner leave-outlet-out folds for stage 2's training")
    parser.add_argument("--variants", default="full,ctx,ctx+avg")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/vostok-stack-cache"))
    parser.add_argument("--no-in-sample", action="store_true")
    parser.add_argument("--json", type=Path, help="write the table here too")
    parser.add_argument("--pages", action="store_true",
                        help="also list the pages whose CV F1 moved by more than .05, and the multi set by language")
    args = parser.parse_args()
    variants = [v for v in args.variants.split(",") if v]
    t0 = time.perf_counter()
    pages = load_pages(EVAL_ROOT)
    fingerprint = training_fingerprint(pages)
    print(f"loaded {len(pages)} pages in {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)
    stage1 = Stage1(args.cache, fingerprint)
    counts = Counter(p.host for p in pages if p.kind == "md")
    fold_of = host_folds(sorted(counts), counts, args.folds)
    cv = {"main": {}, **{v: {} for v in variants}}
    outer_oof = {}  # stage-1 log-odds of every page from the outer fold that held it out (for in-sample stage 2)
    for k in range(args.folds):
        train = [p for p in pages if fold_of[p.host] != k]
        test = [p for p in pages if fold_of[p.host] == k]
        m = stage1.model(f"outer{k}of{args.folds}", train)
        base = BlockModel.from_dict(m)
        for p in test:
            cv["main"][key(p)] = _extract_text(p, base)
            x = with_vocab(p, m["dom_vocab"])
            outer_oof[key(p)] = (x, base.decision(x))
        if variants:
            inner = oof_decisions(stage1, f"outer{k}of{args.folds}-inner", train, args.inner)
            clfs = {}
            for v in variants:
                started = time.perf_counter()
                stem = v.partition("+")[0]
                if stem not in clfs:
                    clfs[stem] = fit_stage2(train, inner, stem)
                model = Stacked(base, clfs[stem], v)
                for p in test:
                    cv[v][key(p)] = _extract_text(p, model)
                print(f"  fold {k} stage 2 {v}: {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
        print(f"fold {k} done at {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)
    ins = {}
    if not args.no_in_sample:
        m = stage1.model("all", pages)
        base = BlockModel.from_dict(m)
        ins["main"] = {key(p): _extract_text(p, base) for p in pages}
        clfs = {}
        for v in variants:
            stem = v.partition("+")[0]
            if stem not in clfs:
                clfs[stem] = fit_stage2(pages, outer_oof, stem)
            model = Stacked(base, clfs[stem], v)
            ins[v] = {key(p): _extract_text(p, model) for p in pages}
    moved = {}
    for s, pred in cv.items():
        if s == "main":
            continue
        for set_name, group in ROWS:
            for kind in ("md", "html"):
                sel = [p for p in pages if p.set == set_name and p.kind == kind]
                d = [_f1(_page_pr(p, pred)) - _f1(_page_pr(p, cv["main"])) for p in sel]
                moved[f"{s}|{group if group == 'ru' else 'multi'} {kind}"] = (sum(v > 0.05 for v in d),
                                                                             sum(v < -0.05 for v in d))
    result = {"cv": {s: table(pages, pred) for s, pred in cv.items()}, "moved": moved,
              "in_sample": {s: table(pages, pred) for s, pred in ins.items()},
              "stage1_fits": stage1.fits, "seconds": round(time.perf_counter() - t0)}
    print_table(result)
    if args.pages:
        print_pages(pages, cv)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


def print_pages(pages, cv: dict) -> None:
    for s, pred in cv.items():
        if s == "main":
            continue
        for lang in ("English", "Chinese", "Greek", "Polish"):
            for kind in ("md", "html"):
                sel = [p for p in pages if p.group == lang and p.kind == kind]
                a, b = _summary(sel, cv["main"]), _summary(sel, pred)
                print(f"{s} multi {lang} {kind}: {a['f1']:.3f} -> {b['f1']:.3f}, "
                      f"{a['under_03']} -> {b['under_03']} <.3")
        for p in pages:
            before, after = _page_pr(p, cv["main"]), _page_pr(p, pred)
            if p.set == "daniel_ru_dev" and abs(_f1(after) - _f1(before)) > 0.05:
                print(f"{s} ru {p.kind} {p.host} {p.id}: F1 {_f1(before):.2f} (P {before[0]:.2f} R {before[1]:.2f}) -> "
                      f"{_f1(after):.2f} (P {after[0]:.2f} R {after[1]:.2f})")


def print_table(result: dict) -> None:
    cols = ("ru md", "ru html", "multi md", "multi html")
    print("Leave-outlet-out CV: F1 (four digits), pages under .3, worst outlet / in-sample F1")
    print("| variant | " + " | ".join(cols) + " |")
    print("|---|" + "---|" * len(cols))
    for s, row in result["cv"].items():
        cells = []
        for c in cols:
            r = row[c]
            ins = result["in_sample"].get(s, {}).get(c)
            cells.append(f"{r['f1']:.3f} ({r['f1_4']:.4f}), {r['under_03']}<.3, {r['worst']}"
                         + (f" / {ins['f1']:.3f}" if ins else ""))
        print(f"| {s} | " + " | ".join(cells) + " |")
    main_row = result["cv"]["main"]
    for s, row in result["cv"].items():
        if s == "main":
            continue
        d = {c: row[c]["f1_4"] - main_row[c]["f1_4"] for c in cols}
        keep = d["ru html"] > 0 and all(v >= -0.002 for v in d.values())
        print(f"{s}: CV change " + ", ".join(f"{c} {v:+.4f}" for c, v in d.items())
              + f" -> {'meets' if keep else 'fails'} the keep rule (ru html up, no row down by more than .002); "
              + "pages whose CV F1 moved by more than .05 (up/down): "
              + ", ".join(f"{c} {'/'.join(map(str, result['moved'][f'{s}|{c}']))}" for c in cols))
    print(f"stage-1 fits this run: {result['stage1_fits']}; {result['seconds']}s")


if __name__ == "__main__":
    main()
