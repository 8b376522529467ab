"""Profile of the whole chain: where each second (and each MiB of peak memory) goes, stage by stage.

Builds N documents (benchmarks/corpus.py: real texts with distinct perturbations, or ``--raw DIR``) the way
:func:`pipeline.core.corpus.build_corpus` does, in ONE process (``--workers 1`` by default, so that the NER
and events stages are timed here and not in worker processes), then runs the GX suites on the tables and writes
them as Parquet. Each stage function is wrapped with a timer (inclusive seconds and calls; nested stages are
printed indented under the stage that calls them), and a sampler thread records the process's peak RSS while
each top-level phase runs. Nothing in the pipeline is changed: the wrappers are set on the modules' attributes
in this process only.

    nice -n 10 .venv/bin/python benchmarks/profile.py -n 2000 [--workers 1] [--raw DIR] [--json out.json]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
# NER and events run in this process (--workers 1): single-threaded BLAS, as in the worker processes
# (pipeline.core.workers.SINGLE_THREADED), before numpy loads. Threaded BLAS spins on slovnet's small products: on
# 400 dev texts the morphology took 24.7 CPU s with two threads against 3.8 with one (issue 20, fifth round)
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

#: (module, attribute, label): the stage functions timed. Functions a caller imports at call time (``from .x
#: import f`` inside a function) are wrapped on their own module; module-level imports on the caller's.
STAGES = [
    ("pipeline.core.corpus", "prepare_batch", "ingest+segment (prepare_batch)"),
    ("pipeline.core.corpus", "learn_templates", "templates (learn_templates)"),
    ("pipeline.core.batch_rows", "clean_page", "extract (clean_page)"),
    ("pipeline.core.metadata", "build_article", "metadata (build_article)"),
    ("pipeline.core.batch_rows", "duplicate_signature", "duplicate signature (MinHash)"),
    ("pipeline.core.entities.ner", "analyze_many", "NER batch (natasha, analyze_many)"),
    ("pipeline.core.entities.linking", "link_article", "NER+linking per article (link_article)"),
    ("pipeline.core.events.rows", "event_rows", "events (event_rows)"),
    ("pipeline.core.document_cache.DocumentCache", "put_many", "document cache writes"),
    ("pipeline.core.corpus", "consolidate_checked", "consolidate+quarantine (consolidate_checked)"),
    ("pipeline.core.consolidate", "consolidate", "consolidate (one round)"),
    ("pipeline.core.consolidate", "score_relevance", "relevance"),
    ("pipeline.core.duplicates", "mark_duplicates", "near duplicates (mark_duplicates)"),
    ("pipeline.core.entities.linking", "build_entities", "entities table (build_entities)"),
    ("pipeline.core.events.cluster", "assign_clusters", "event clusters (assign_clusters)"),
    ("pipeline.core.quality", "failing_articles", "quarantine checks (GX row-level, whole frames)"),
    ("pipeline.core.quality_chunks", "failing_articles_chunked", "quarantine checks (GX row-level, by chunks)"),
]


class Profile:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.parent: dict[str, str | None] = {}
        self.order: list[str] = []
        self.stack: list[str] = []
        self.phase = "start"
        self.phase_peak: dict[str, float] = defaultdict(float)
        self.phase_seconds: dict[str, float] = {}
        self.phase_cpu: dict[str, float] = {}
        self._stop = threading.Event()

    def wrap(self, fn, label: str):
        def timed(*args, **kwargs):
            if label not in self.parent:
                self.parent[label] = self.stack[-1] if self.stack else None
                self.order.append(label)
            self.stack.append(label)
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                self.cpu[label] += time.process_time() - cpu
                self.calls[label] += 1
                self.stack.pop()
        timed.__wrapped__ = fn
        return timed

    def install(self) -> None:
        for module_name, attr, label in STAGES:  # a stage an older checkout lacks is skipped
            owner_name, _, cls = module_name.rpartition(".") if module_name.endswith("DocumentCache") else (module_name, "", "")
            try:
                owner = getattr(importlib.import_module(owner_name), cls) if cls else importlib.import_module(module_name)
            except ImportError:
                continue
            if hasattr(owner, attr):
                setattr(owner, attr, self.wrap(getattr(owner, attr), label))

    def sample(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(0.05):
            try:
                rss = sum(p.memory_info().rss for p in [me, *me.children(recursive=True)])
            except psutil.Error:
                continue
            self.phase_peak[self.phase] = max(self.phase_peak[self.phase], rss / 2**20)

    def run_phase(self, name: str, fn, *args, **kwargs):
        self.phase = name
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            self.phase_seconds[name] = time.perf_counter() - started
            self.phase_cpu[name] = time.process_time() - cpu

    def report(self, n: int, wall: float, cpu: float) -> str:
        lines = [f"Profile of the chain on {n:,} documents: {wall:.1f} s wall, {cpu:.1f} s CPU "
                 f"({n / cpu:.1f} docs per CPU second; CPU time is what a shared machine's load does not inflate)", "",
                 "| phase | wall s | CPU s | share of CPU | peak RSS while it ran (MiB, process and workers) |",
                 "|---|---:|---:|---:|---:|"]
        for name, seconds in self.phase_seconds.items():
            lines.append(f"| {name} | {seconds:.1f} | {self.phase_cpu[name]:.1f} | {100 * self.phase_cpu[name] / cpu:.0f} % | "
                         f"{self.phase_peak.get(name, 0):.0f} |")
        lines += ["", "| stage (inclusive; indented under its caller) | calls | wall s | CPU s | share of CPU |",
                  "|---|---:|---:|---:|---:|"]

        def depth(label: str) -> int:
            d, p = 0, self.parent.get(label)
            while p is not None:
                d, p = d + 1, self.parent.get(p)
            return d

        def emit(parent):
            for label in self.order:
                if self.parent[label] == parent:
                    pad = "&nbsp;&nbsp;" * depth(label) + ("↳ " if depth(label) else "")
                    lines.append(f"| {pad}{label} | {self.calls[label]:,} | {self.seconds[label]:.1f} | "
                                 f"{self.cpu[label]:.1f} | {100 * self.cpu[label] / cpu:.1f} % |")
                    emit(label)
        emit(None)
        return "\n".join(lines)


def build(raw: Path, out: Path, cache_path: Path | None, workers: int, prof: Profile) -> dict:
    from pipeline.core.corpus import build_corpus
    from pipeline.core.document_cache import DocumentCache
    from pipeline.core.quality_tables import validate_tables
    from pipeline.core.relevance import RelevanceConfig
    from pipeline.core.tables import write_working_tables

    cache = DocumentCache(cache_path)
    # threshold 0, as in benchmarks/scale.py: most synthetic documents are not about the region; all are kept
    built = prof.run_phase("build_corpus (ingest .. consolidate+quarantine)", build_corpus, raw, cache, workers,
                           relevance=RelevanceConfig(threshold=0.0))
    tables = built.tables
    prof.run_phase("validate (GX suites, chunks + queries)", validate_tables, tables, built.reference)
    prof.run_phase("write working tables", write_working_tables, tables, built.reference.to_json(), out)
    return {name: t.num_rows for name, t in tables.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="documents to generate (ignored with --raw)")
    parser.add_argument("--raw", type=Path, default=None, help="profile this raw folder instead")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    prof = Profile()
    prof.install()
    with tempfile.TemporaryDirectory(prefix="vostok-profile-") as tmp:
        from benchmarks.corpus import raw_folder

        raw, n = raw_folder(args.raw, tmp, args.n, args.batch_size)
        sampler = threading.Thread(target=prof.sample, daemon=True)
        sampler.start()
        started, cpu = time.perf_counter(), time.process_time()
        rows = build(raw, Path(tmp) / "out", Path(tmp) / "cache.sqlite", args.workers, prof)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        prof._stop.set()
        sampler.join()
    import resource

    text = prof.report(n, wall, cpu)
    text += f"\n\nRows: {rows}. Peak RSS of this process (ru_maxrss): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB."
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"n": n, "wall": wall, "cpu": cpu, "phases": prof.phase_seconds, "phase_cpu": prof.phase_cpu, "phase_peak_mib": prof.phase_peak,
                                         "stages": {k: [prof.calls[k], prof.seconds[k], prof.cpu[k]] for k in prof.order},
                                         "rows": rows}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
