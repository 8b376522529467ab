"""Throughput of the extract stage's cleaning (``extract_prepared``: rules, block features and model) on the
DAniEL dev pages, rules alone beside the block model, and against another commit's code in the same run.

Pages are converted and segmented once (not timed); then each pass cleans every page, and passes of the
systems alternate so that load from other processes falls on all of them alike. Figures are pages per
second of this process's CPU time (``time.process_time``), the median of ``--repeats`` passes.

    .venv/bin/python benchmarks/extract_speed.py [--limit 40] [--repeats 5] [--against main]

``--against REV`` also times REV's code (``git archive REV``, imported from a temporary folder in a child
process) on the same pages, interleaved with this tree's passes, and prints each system's pages/s as a ratio
to REV's rules alone: the figure the block model must not fall below.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
SETS = ("daniel_ru_dev", "daniel_multi_dev")


def _prepared(limit: int):
    from pipeline.core.batches import learn_templates, prepare_documents
    from pipeline.core.build import FILES_BATCH
    from pipeline.core.document_cache import DocumentCache
    from pipeline.core.documents import document_from_bytes

    items = []
    for name in SETS:
        manifest = json.loads((EVAL / name / "manifest.json").read_text(encoding="utf-8"))[:limit]
        for kind in ("md", "html"):
            docs = [document_from_bytes(m[kind], (EVAL / name / m[kind]).read_bytes()) for m in manifest]
            cache = DocumentCache(None)
            batch = prepare_documents(FILES_BATCH, docs, [], cache)
            templates = learn_templates([batch.manifest()])
            for page in batch.pages:
                doc, meta, lines = page.load(cache)
                items.append((doc, meta, page.group, lines, templates))
    return items


def _worker(limit: int) -> None:
    """Child process: prepare the pages, then run one pass per line read on stdin ("rules" or "model"),
    answering each with its CPU seconds."""
    from pipeline.core.cleaning.blocks import load_block_model
    from pipeline.core.cleaning.document import RULES, extract_prepared
    from pipeline.core.errors import RejectError
    from pipeline.core.outlets import profile_for

    items = _prepared(limit)
    models = {"rules": RULES, "model": load_block_model()}
    print(json.dumps({"pages": len(items)}), flush=True)
    for line in sys.stdin:
        model = models[line.strip()]
        started = time.process_time()
        for doc, meta, group, lines, templates in items:
            try:
                extract_prepared(doc, meta, group, lines, templates, profile_for(group) or {}, model)
            except RejectError:
                pass
        print(json.dumps({"seconds": time.process_time() - started}), flush=True)


def _spawn(code: Path, limit: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(code), OMP_NUM_THREADS="1")
    return subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--worker", "--limit", str(limit)],
                            cwd=code, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=40, help="pages per set (each as md and as html)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--against", help="a git revision whose code is timed in the same run (e.g. main)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, os.getcwd())
        _worker(args.limit)
        return
    with tempfile.TemporaryDirectory() as tmp:
        codes = {"this tree": ROOT}
        if args.against:
            data = subprocess.run(["git", "archive", args.against], cwd=ROOT, check=True, capture_output=True).stdout
            with tarfile.open(fileobj=BytesIO(data)) as tar:
                tar.extractall(tmp, filter="data")
            codes = {args.against: Path(tmp), **codes}
        workers = {label: _spawn(code, args.limit) for label, code in codes.items()}
        pages = {label: json.loads(w.stdout.readline())["pages"] for label, w in workers.items()}
        seconds: dict[str, list[float]] = {}
        for _ in range(args.repeats):
            for label, w in workers.items():
                for system in ("rules", "model"):
                    w.stdin.write(system + "\n")
                    w.stdin.flush()
                    seconds.setdefault(f"{label}: {system}", []).append(json.loads(w.stdout.readline())["seconds"])
        for w in workers.values():
            w.stdin.close()
            w.wait()
    rates = {k: pages[k.split(": ")[0]] / statistics.median(v) for k, v in seconds.items()}
    base_key = f"{args.against}: rules" if args.against else "this tree: rules"
    print(f"extract_prepared on {pages} pages, median of {args.repeats} passes, pages per CPU second:")
    for key, rate in rates.items():
        print(f"  {key:24s} {rate:6.1f} pages/s  ({rate / rates[base_key]:.2f} x {base_key})")


if __name__ == "__main__":
    main()
