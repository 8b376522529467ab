"""Throughput of the extract stage on the DAniEL dev pages: preparation (``prepare_page``: HTML to markdown,
metadata, logical lines and, on HTML pages, the DOM parse the block model reads) and cleaning
(``extract_prepared``: rules, block features and model), rules alone beside the block model, and against
another commit's code in the same run.

Each pass prepares or cleans every page; passes of the systems alternate so that load from other processes
falls on all of them alike. Figures are pages per second of this process's CPU time (``time.process_time``),
the median of ``--repeats`` passes; "prepare + model" is the whole stage per page (preparation and cleaning
seconds added), split by input kind, since only HTML pages are converted and parsed.

    .venv/bin/python benchmarks/extract_speed.py [--limit 40] [--repeats 5] [--against main]

``--against REV`` also times REV's code (``git archive REV``, imported from a temporary folder in a child
process) on the same pages, interleaved with this tree's passes, and prints each cleaning system's pages/s as
a ratio to REV's rules alone, and the whole stage's (prepare + model) as a ratio to REV's: the figures the
block model must not fall below.
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
from collections import Counter
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

    items, raw = [], []
    for name in SETS:
        manifest = json.loads((EVAL / name / "manifest.json").read_text(encoding="utf-8"))[:limit]
        for kind in ("md", "html"):
            docs = [document_from_bytes(m[kind], (EVAL / name / m[kind]).read_bytes()) for m in manifest]
            raw += docs
            cache = DocumentCache(None)
            batch = prepare_documents(FILES_BATCH, docs, [], cache)
            templates = learn_templates([batch.manifest()])
            for page in batch.pages:
                doc, meta, lines = page.load(cache)
                items.append((doc, meta, page.group, lines, templates))
    return items, raw


def _kind(doc) -> str:
    return "html" if doc.kind == "html" else "md"


def _worker(limit: int) -> None:
    """Child process: prepare the pages, then run one pass per line read on stdin ("rules", "model" or
    "prepare"), answering each with its CPU seconds per input kind."""
    from pipeline.core.cleaning.blocks import load_block_model
    from pipeline.core.cleaning.document import RULES, extract_prepared, prepare_page
    from pipeline.core.errors import RejectError
    from pipeline.core.outlets import profile_for

    items, raw = _prepared(limit)
    models = {"rules": RULES, "model": load_block_model()}
    print(json.dumps({"pages": dict(Counter(_kind(doc) for doc in raw))}), flush=True)
    for line in sys.stdin:
        seconds = {"md": 0.0, "html": 0.0}
        if line.strip() == "prepare":
            for doc in raw:
                started = time.process_time()
                prepare_page(doc)
                seconds[_kind(doc)] += time.process_time() - started
        else:
            model = models[line.strip()]
            for doc, meta, group, lines, templates in items:
                started = time.process_time()
                try:
                    extract_prepared(doc, meta, group, lines, templates, profile_for(group) or {}, model)
                except RejectError:
                    pass
                seconds[_kind(doc)] += time.process_time() - started
        print(json.dumps({"seconds": seconds}), flush=True)


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
        seconds: dict[tuple[str, str], list[dict]] = {}
        for _ in range(args.repeats):
            for label, w in workers.items():
                for system in ("prepare", "rules", "model"):
                    w.stdin.write(system + "\n")
                    w.stdin.flush()
                    seconds.setdefault((label, system), []).append(json.loads(w.stdout.readline())["seconds"])
        for w in workers.values():
            w.stdin.close()
            w.wait()

    def median(label: str, system: str, kinds: tuple[str, ...]) -> float:
        return statistics.median(sum(s[k] for k in kinds) for s in seconds[(label, system)])

    base = args.against or "this tree"
    print(f"extract stage on {pages['this tree']} pages, median of {args.repeats} passes, pages per CPU second:")
    for kinds, name in ((("md", "html"), "all"), (("md",), "md"), (("html",), "html")):
        n = {label: sum(pages[label][k] for k in kinds) for label in pages}
        ref_clean = n[base] / median(base, "rules", kinds)
        ref_stage = n[base] / (median(base, "prepare", kinds) + median(base, "model", kinds))
        print(f"{name} pages:")
        for label in pages:
            prep = median(label, "prepare", kinds)
            for system in ("rules", "model"):
                rate = n[label] / median(label, system, kinds)
                print(f"  {label + ': ' + system:24s} {rate:6.1f} pages/s  ({rate / ref_clean:.2f} x {base}: rules)")
            stage = n[label] / (prep + median(label, "model", kinds))
            print(f"  {label + ': prepare':24s} {n[label] / prep:6.1f} pages/s")
            print(f"  {label + ': prepare + model':24s} {stage:6.1f} pages/s  ({stage / ref_stage:.2f} x {base}: "
                  "prepare + model)")


if __name__ == "__main__":
    main()
