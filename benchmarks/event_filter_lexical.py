"""Would words help the event filter? The trigger filter with lexical features added, under the benchmark's folds.

The shipped filter (``pipeline/core/events/filter.py``) scores a trigger candidate from a few structural features.
This refits it per fold (5 folds grouped by document, as ``benchmarks/events.py`` does) on the NEREL candidates
with TF-IDF features of the trigger's stems, of its sentence's stems, or both, at three weights, and prints the
precision of the kept candidates (probability ≥ .5) and of the 600, 700 and 800 most probable, with the kept
events' actor F1. An experiment to decide a design (issue 16), not part of the stage; needs scikit-learn (the
``train`` dependency group).

    .venv/bin/python benchmarks/event_filter_lexical.py          # add --no-cache to analyse the texts afresh
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def stems(text: str, prefix: str = "") -> list[str]:
    return [prefix + w[:5] for w in re.findall(r"\w+", text.lower())]


def main() -> None:
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from benchmarks.events import DEFAULT_NEREL, fold_of, load, nerel_figures, on_target, score_nerel_doc, tag_all

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    docs = load(DEFAULT_NEREL)
    tagged = tag_all(docs, args.workers, use_cache=not args.no_cache, event_filter=False)
    rows = [dict(doc=str(d["doc_id"]), i=i, fold=fold_of(d["doc_id"], 5), x=ev["features"], y=int(on_target(d, ev)),
                 trigger=ev["trigger"], sentence=d["text"][ev["start"]:ev["end"]])
            for d in docs for i, ev in enumerate(tagged[str(d["doc_id"])]["events"])]
    X = np.array([r["x"] for r in rows])
    Y = np.array([r["y"] for r in rows])
    F = np.array([r["fold"] for r in rows])
    print(f"{len(rows)} candidates, {Y.mean():.3f} on target")

    def lexical(fields, weight):
        def build(train, test):
            parts_train, parts_test = [sparse.csr_matrix(X[train])], [sparse.csr_matrix(X[test])]
            for field, prefix in fields:
                vec = TfidfVectorizer(analyzer=lambda s, p=prefix: stems(s, p), min_df=2, sublinear_tf=True)
                parts_train.append(vec.fit_transform([rows[j][field] for j in train]) * weight)
                parts_test.append(vec.transform([rows[j][field] for j in test]) * weight)
            return sparse.hstack(parts_train).tocsr(), sparse.hstack(parts_test).tocsr()
        return build

    variants = [("structural features (shipped)", lexical([], 1.0))]
    for weight in (0.5, 1.0, 2.0):
        variants += [(f"+ trigger stems x{weight}", lexical([("trigger", "T_")], weight)),
                     (f"+ sentence stems x{weight}", lexical([("sentence", "")], weight)),
                     (f"+ both x{weight}", lexical([("sentence", ""), ("trigger", "T_")], weight))]
    for name, build in variants:
        prob = np.zeros(len(rows))
        for fold in range(5):
            train, test = np.where(F != fold)[0], np.where(F == fold)[0]
            x_train, x_test = build(train, test)
            model = LogisticRegression(max_iter=5000).fit(x_train, Y[train])
            prob[test] = model.predict_proba(x_test)[:, 1]
        keep = prob >= 0.5
        order = np.argsort(-prob)
        kept: dict[str, set[int]] = {}
        for r, k in zip(rows, keep):
            if k:
                kept.setdefault(r["doc"], set()).add(r["i"])
        counts = [score_nerel_doc(d, {**tagged[str(d["doc_id"])], "events": [
            ev for i, ev in enumerate(tagged[str(d["doc_id"])]["events"]) if i in kept.get(str(d["doc_id"]), ())]})
            for d in docs]
        at = {k: Y[order[:k]].mean() for k in (600, 700, 800)}
        print(f"{name:32s} kept {keep.sum():4d} P {Y[keep].mean():.3f}  P@600 {at[600]:.3f} P@700 {at[700]:.3f} "
              f"P@800 {at[800]:.3f}  actor F1 {nerel_figures(counts)['actor_f1']:.3f}", flush=True)


if __name__ == "__main__":
    main()
