"""Train the extract stage's block classifier and write ``pipeline/data/models/blocks.json``.

Source: the DAniEL corpus pages in ``../shared/eval/`` (rundimeco/waddle, ``corpora/Corpus_daniel_v2.1``,
GPL-3.0; Lejeune & Barbaresi 2020): ``daniel_ru_dev`` (111 Russian pages, 61 outlets) and
``daniel_multi_dev`` (387 English, Chinese, Greek and Polish pages, 170 outlets), markdown dumps and HTML.
Only the fitted trees are written, never page text.

Labels: a logical line is article text when at least half of its 4-gram shingles (``\\w+`` tokens, the
benchmark's metric) occur in the page's ``expected_text``; a line of one to three tokens when its tokens occur
contiguously in it (and it is not mostly link text). Lines are weighted by the square root of their token
count, as the metric counts shingles.

Model: scikit-learn ``HistGradientBoostingClassifier`` (fixed seed, no early stopping, no subsampling, one
thread), exported as plain JSON trees with floats rounded, so the file reproduces byte for byte:

    .venv/bin/python scripts/train_blocks.py [--eval ../shared/eval] [--out pipeline/data/models/blocks.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from pipeline.core.batches import learn_templates, prepare_documents  # noqa: E402
from pipeline.core.build import FILES_BATCH  # noqa: E402
from pipeline.core.cleaning.blocks import FEATURE_NAMES, MODEL_FORMAT, VOCAB_FEATURES, block_features, vocab_features  # noqa: E402
from pipeline.core.cleaning.document import analyse_lines  # noqa: E402
from pipeline.core.document_cache import DocumentCache  # noqa: E402
from pipeline.core.documents import document_from_bytes  # noqa: E402
from pipeline.core.errors import RejectError  # noqa: E402

DEFAULT_EVAL = ROOT.parent / "shared" / "eval"
DEFAULT_OUT = ROOT / "pipeline" / "data" / "models" / "blocks.json"
SETS = ("daniel_ru_dev", "daniel_multi_dev")
KINDS = ("md", "html")
PARAMS = {"max_iter": 120, "learning_rate": 0.1, "max_leaf_nodes": 15, "max_depth": 5, "min_samples_leaf": 40,
          "l2_regularization": 1.0, "early_stopping": False, "random_state": 0}
DIGITS = 6
#: a class/id token enters the vocabulary when it occurs on the HTML pages of at least this many outlets
VOCAB_MIN_HOSTS = 5
#: its score is smoothed towards the prior with this many (weighted) pseudo-lines
VOCAB_SMOOTH = 20.0


@dataclass
class Page:
    """One eval page as the extract core sees it, with its block features and labels."""

    id: str
    set: str
    group: str  # language group: "ru", or the multi set's language
    kind: str
    path: str  # relative to the set's folder
    host: str
    expected: str
    prepared: tuple  # (doc, meta, outlet group, lines)
    x: np.ndarray
    y: np.ndarray
    w: np.ndarray


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def line_labels(lines, expected: str) -> tuple[np.ndarray, np.ndarray]:
    gold = _tokens(expected)
    shingles = {tuple(gold[i:i + 4]) for i in range(max(len(gold) - 3, 0))}
    joined = " " + " ".join(gold) + " "
    y = np.zeros(len(lines), dtype=np.int8)
    w = np.zeros(len(lines), dtype=np.float64)
    for i, ln in enumerate(lines):
        toks = _tokens(ln.text)
        w[i] = max(len(toks), 1) ** 0.5
        if len(toks) >= 4:
            own = [tuple(toks[k:k + 4]) for k in range(len(toks) - 3)]
            y[i] = sum(1 for s in own if s in shingles) >= 0.5 * len(own)
        elif toks:
            y[i] = (" " + " ".join(toks) + " ") in joined and ln.link_chars < 0.5 * max(len(ln.text), 1)
    return y, w


def load_pages(eval_dir: Path = DEFAULT_EVAL, sets=SETS, kinds=KINDS) -> list[Page]:
    """Every page of the sets, each set and kind prepared as one batch (templates learned across it, as a crawl
    batch would), with features from the extract core and labels from ``expected_text``."""
    pages: list[Page] = []
    for name in sets:
        manifest = json.loads((eval_dir / name / "manifest.json").read_text(encoding="utf-8"))
        by_path = {}
        for kind in kinds:
            docs = []
            for item in manifest:
                by_path[item[kind]] = item
                try:
                    docs.append(document_from_bytes(item[kind], (eval_dir / name / item[kind]).read_bytes()))
                except RejectError:
                    pass
            cache = DocumentCache(None)
            prepared = prepare_documents(FILES_BATCH, docs, [], cache)
            templates = learn_templates([prepared.manifest()])
            for page in prepared.pages:
                item = by_path[page.source_path]
                doc, meta, lines = page.load(cache)
                a = analyse_lines(lines, templates, page.group)
                x = block_features(lines, a.feats, a.reasons, a.scores, a.region, (meta or {}).get("title"))  # no vocab yet
                y, w = line_labels(lines, item["expected_text"])
                pages.append(Page(item["id"], name, "ru" if name == "daniel_ru_dev" else item["language"], kind,
                                  item[kind], item["host"], item["expected_text"], (doc, meta, page.group, lines, templates),
                                  x, y, w))
    return pages


def training_fingerprint(pages: list[Page]) -> str:
    """sha256 of what training reads from the pages (feature rows, labels, weights, class/id tokens), in page
    order. Stored in the model file: a later code change that alters any page's lines or features changes it,
    and ``benchmarks/extraction.py --cv`` then says the shipped model is stale (retrain with make train-blocks)."""
    h = hashlib.sha256()
    for p in pages:
        h.update(f"{p.set}/{p.kind}/{p.id}\n".encode())
        for arr in (np.ascontiguousarray(p.x, dtype=np.float32), p.y.astype(np.int8), p.w.astype(np.float64)):
            h.update(arr.tobytes())
        h.update("\x1e".join("\x1f".join(t) for t in _token_sets(p)).encode())
    return h.hexdigest()


def _token_sets(page: Page) -> list[tuple[str, ...]]:
    return [tuple(dict.fromkeys(ln.dom.tokens)) if ln.dom is not None else () for ln in page.prepared[3]]


def learn_vocab(pages: list[Page]) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """The class/id vocabulary: each token seen on the HTML pages of at least :data:`VOCAB_MIN_HOSTS` outlets,
    scored by the smoothed log-odds of article text among the lines under it, against the prior. Also, for
    each outlet, the vocabulary learned without that outlet's pages: the training rows get those scores, so the
    trees never see a score that was learned from the row's own outlet."""
    counts: dict[str, dict[str, list[float]]] = {}
    pos_all = neg_all = 0.0
    for p in pages:
        for toks, y, w in zip(_token_sets(p), p.y, p.w):
            if p.kind != "html":
                continue
            if y:
                pos_all += w
            else:
                neg_all += w
            for t in toks:
                c = counts.setdefault(t, {}).setdefault(p.host, [0.0, 0.0])
                c[0 if y else 1] += w
    prior = pos_all / max(pos_all + neg_all, 1e-9)
    if not 0 < prior < 1:
        return {}, {}
    base = np.log(prior / (1 - prior))

    def score(pos: float, neg: float) -> float:
        return round(float(np.log((pos + VOCAB_SMOOTH * prior) / (neg + VOCAB_SMOOTH * (1 - prior))) - base), 4)

    totals = {t: (sum(c[0] for c in by.values()), sum(c[1] for c in by.values()), len(by)) for t, by in counts.items()}
    vocab = {t: score(pos, neg) for t, (pos, neg, hosts) in sorted(totals.items()) if hosts >= VOCAB_MIN_HOSTS}
    without: dict[str, dict[str, float]] = {}
    for host in sorted({p.host for p in pages}):
        out = {}
        for t, (pos, neg, hosts) in totals.items():
            own = counts[t].get(host)
            if own is None:
                if hosts >= VOCAB_MIN_HOSTS:
                    out[t] = vocab[t]
            elif hosts - 1 >= VOCAB_MIN_HOSTS:
                out[t] = score(pos - own[0], neg - own[1])
        without[host] = out
    return vocab, without


def with_vocab(page: Page, vocab: dict[str, float]) -> np.ndarray:
    """The page's feature rows with the vocabulary columns filled from ``vocab``."""
    x = page.x.copy()
    cols = [FEATURE_NAMES.index(n) for n in VOCAB_FEATURES]
    for i, ln in enumerate(page.prepared[3]):
        if ln.dom is not None:
            x[i, cols] = vocab_features(ln.dom.tokens, vocab)
    return x


def fit(pages: list[Page]) -> dict:
    """Fit the classifier on the pages' lines; the model as a JSON-ready dict."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    vocab, without = learn_vocab(pages)
    x = np.concatenate([with_vocab(p, without[p.host]) for p in pages]).astype(np.float64)
    y = np.concatenate([p.y for p in pages])
    w = np.concatenate([p.w for p in pages])
    with threadpool_limits(1):
        clf = HistGradientBoostingClassifier(**PARAMS).fit(x, y, sample_weight=w)
    trees = []
    for (predictor,) in clf._predictors:
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append({
            "feature": [int(f) if not lf else -1 for f, lf in zip(nodes["feature_idx"], leaf)],
            "threshold": [_float32_below(t) if not lf else 0.0 for t, lf in zip(nodes["num_threshold"], leaf)],
            "left": [int(v) if not lf else -1 for v, lf in zip(nodes["left"], leaf)],
            "right": [int(v) if not lf else -1 for v, lf in zip(nodes["right"], leaf)],
            "value": [round(float(v), DIGITS) if lf else 0.0 for v, lf in zip(nodes["value"], leaf)],
            "depth": int(predictor.get_max_depth()),
        })
    model = {"format": MODEL_FORMAT, "features": list(FEATURE_NAMES),
             "init": round(float(np.ravel(clf._baseline_prediction)[0]), DIGITS), "learning_rate": 1.0,
             "threshold": 0.5, "trees": trees, "dom_vocab": vocab,
             "trained_on": {"pages": len(pages), "lines": int(len(y)), "positive": int(y.sum()),
                            "data_sha256": training_fingerprint(pages),
                            "sets": sorted(Counter(p.set for p in pages).items()), "params": PARAMS,
                            "sklearn": __import__("sklearn").__version__}}
    return model, clf


def _float32_below(threshold: float) -> float:
    """The largest float32 at or below a split threshold, written by its shortest float32 repr: inference
    compares float32 features with float32 thresholds, which then splits exactly as the float64 model does."""
    t32 = np.float32(threshold)
    if float(t32) > threshold:
        t32 = np.nextafter(t32, np.float32(-np.inf))
    return float(str(t32))


def dumps(model: dict) -> str:
    return json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    from pipeline.core.cleaning.blocks import BlockModel

    pages = load_pages(args.eval)
    model, clf = fit(pages)
    x = np.concatenate([with_vocab(p, model["dom_vocab"]) for p in pages])
    ours = BlockModel.from_dict(json.loads(dumps(model))).decision(x)
    theirs = clf.decision_function(x.astype(np.float64))
    agree = float(np.mean((ours > 0) == (theirs > 0)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps(model), encoding="utf-8")
    print(f"{args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: {len(model['trees'])} trees, "
          f"{model['trained_on']['lines']} lines of {len(pages)} pages; numpy inference agrees with sklearn on "
          f"{agree:.4%} of lines (max |diff| {float(np.max(np.abs(ours - theirs))):.2e})")


if __name__ == "__main__":
    main()
