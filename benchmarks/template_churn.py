"""How much of an old corpus a +1 % rebuild must re-extract because new pages turn old lines into templates.

A line is a template when it is on ``min_group_pages`` pages of its outlet group or ``min_corpus_pages`` pages
of the corpus (``pipeline/core/cleaning/templates.py``); a page's template signature (which of its lines are
templates) decides whether its cached extraction still holds, and a batch whose pages' signatures changed is
rebuilt (``batches.template_digest``). New pages that repeat a line found on exactly one or two old pages flip
it, so the old pages holding it, and their whole batches, are re-extracted: the same result as a full build,
paid for in the rebuild's "clean+metadata+NER+events" phase (the analyses mostly come from the cache).

For each N: generate N documents (``benchmarks/corpus.py``, folders of 200), prepare every batch (ingest and
segmentation, cached under ``--work``), learn the template index, add 1 % new documents in a new folder, learn
it again, and print the batches and pages whose signature changed and the line keys that flipped, by the count
of pages they were on before. No NER: a few minutes at 20k on one core.

    .venv/bin/python benchmarks/template_churn.py [--sizes 2000 20000] [--work DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def churn(n: int, work: Path) -> dict:
    from benchmarks.corpus import generate
    from pipeline.core.batches import learn_templates, list_batches, prepare_batch, template_digest
    from pipeline.core.document_cache import DocumentCache

    raw = work / f"raw{n}"
    generate(raw, n, batch_size=200)
    cache = DocumentCache(work / f"cache{n}.sqlite")

    def manifests():
        return [prepare_batch(raw, b, cache, fp).manifest() for b, fp in list_batches(raw).items()]

    before = manifests()
    old = learn_templates(before)
    generate(raw, max(1, n // 100), batch_size=10**9, start=n)  # one new folder, as the scale benchmark adds
    new = learn_templates(manifests())
    batches = [m.batch for m in before if template_digest(m, old) != template_digest(m, new)]
    pages, flipped = 0, {}
    for m in before:
        for _, group, keys, _ in m.pages:
            if old.signature(group, keys) == new.signature(group, keys):
                continue
            pages += 1
            for key in map(int, keys):
                if old.is_template_hash(group, key) != new.is_template_hash(group, key):
                    flipped[(group, key)] = old.overall.get(key, 1)
    return {"n": n, "new_documents": max(1, n // 100), "batches": len(before), "batches_changed": len(batches),
            "pages": sum(len(m.pages) for m in before), "pages_changed": pages, "keys_flipped": len(flipped),
            "flipped_by_pages_before": dict(sorted(Counter(flipped.values()).items()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--work", type=Path, default=None, help="keep the corpora and caches here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vostok-churn-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        print("| N docs | +1 % docs | batches changed | pages changed | line keys flipped (pages before: count) |")
        print("|---:|---:|---:|---:|---|")
        for n in args.sizes:
            r = churn(n, work)
            print(f"| {n:,} | {r['new_documents']:,} | {r['batches_changed']} of {r['batches']} | "
                  f"{r['pages_changed']:,} of {r['pages']:,} | {r['keys_flipped']} "
                  f"({', '.join(f'{k}: {v}' for k, v in r['flipped_by_pages_before'].items())}) |", flush=True)


if __name__ == "__main__":
    main()
