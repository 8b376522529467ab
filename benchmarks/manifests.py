"""What a rebuild spends on its unchanged batches before any document work, at sizes NER cannot reach here.

Over a generated raw folder (benchmarks/corpus.py), in a child process with the code of ``--repo`` (this checkout
by default, or an older one to compare against): one untimed pass fills the document cache (every batch
ingested, converted and segmented, its manifest stored), then the timed passes a +1 % rebuild makes before
cleaning: list raw/ (fingerprints), load every batch's manifest from the cache, learn the template index, take
each batch's template digest; and, apart, the same loads with a fingerprint taken per batch
(``prepare_batch`` without one, as benchmarks/scale.py called it until issue 20: a walk of all of raw/ per batch).
Prints wall and CPU seconds per phase.

    .venv/bin/python benchmarks/corpus.py /tmp/raw20k -n 20000 --batch-size 200
    nice -n 10 .venv/bin/python benchmarks/manifests.py /tmp/raw20k /tmp/cache20k.sqlite [--repo OTHER_CHECKOUT]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(raw: Path, cache_path: Path, repo: Path, per_batch: bool) -> dict:
    sys.path.insert(0, str(repo))
    from pipeline.core.batches import learn_templates, list_batches, prepare_batch, template_digest
    from pipeline.core.document_cache import DocumentCache

    for batch, fp in list_batches(raw).items():  # fill: a miss reads the batch once, a hit costs a lookup
        prepare_batch(raw, batch, DocumentCache(cache_path), fp)
    cache = DocumentCache(cache_path)
    phases = {}

    def timed(name, work):
        t, cpu = time.perf_counter(), time.process_time()
        out = work()
        phases[name] = (time.perf_counter() - t, time.process_time() - cpu)
        return out

    fingerprints = timed("list raw/", lambda: list_batches(raw))
    prepared = timed("load manifests", lambda: [prepare_batch(raw, b, cache, fp) for b, fp in fingerprints.items()])
    templates = timed("learn templates", lambda: learn_templates(p.manifest() for p in prepared))
    timed("template digests", lambda: [template_digest(p.manifest(), templates) for p in prepared])
    if per_batch:
        timed("load manifests, a walk of raw/ per batch", lambda: [prepare_batch(raw, b, cache) for b in fingerprints])
    return {"batches": len(prepared), "pages": sum(len(p.pages) for p in prepared), "phases": phases,
            "batch_lookups": {"hits": cache.hits["batch"], "misses": cache.misses["batch"]}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path)
    parser.add_argument("cache", type=Path)
    parser.add_argument("--repo", type=Path, default=REPO)
    parser.add_argument("--per-batch-walk", action="store_true", help="also time fingerprints taken per batch")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.raw, args.cache, args.repo, args.per_batch_walk)))
        return
    command = [sys.executable, __file__, str(args.raw), str(args.cache), "--repo", str(args.repo), "--child"]
    out = subprocess.run(command + (["--per-batch-walk"] if args.per_batch_walk else []), check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    result = json.loads(out)
    print(f"repo {args.repo}: {result['batches']} batches, {result['pages']} pages, batch lookups {result['batch_lookups']}")
    for phase, (wall, cpu) in result["phases"].items():
        print(f"  {phase}: {wall:.2f} s wall, {cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
