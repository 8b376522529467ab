"""Peak memory and time of consolidation + quarantine + GX validation alone, at corpus sizes NER cannot reach here.

The per-batch Parquet dataset of a small real build is replicated to N documents (each copy gets its own
article, mention and event ids, source paths and raw hashes; bodies, entities and events are the same, so
every copy after the first is an exact duplicate and event clusters grow with N). Then, in a child process,
with the code of ``--repo`` (this checkout by default, or an older one to compare against):
``consolidate_checked`` over the dataset, then the checkout's gating validation (``validate_tables``: chunks and
DuckDB queries; ``validate_all`` on whole frames in a checkout without it), then the working tables written as
``make dataset`` writes them (``write_working_tables``; from consolidation's files in a checkout whose
``consolidate_checked`` returns files). Prints wall and CPU seconds, the peak RSS of each phase (VmHWM, reset at
its start), and digests of the working tables' bytes and of the validation reports.

    nice -n 10 .venv/bin/python benchmarks/consolidation.py prepare RAW_DIR CACHE STORE -n 20000
    nice -n 10 .venv/bin/python benchmarks/consolidation.py replicate KEPT_STORE STORE --copies 4
    nice -n 10 .venv/bin/python benchmarks/consolidation.py run STORE [--repo OTHER_CHECKOUT] [--remember DIR]

``--remember DIR`` keeps suite results and judged rows in DIR as ``make dataset`` does; run it on a store, then
on the same store prepared with 1 % more documents (``prepare ... -n`` 1 % larger: the first copies are the
same), to measure what a rebuild's consolidation and validation cost.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _new_id(copy: int, old: str, width: int) -> str:
    return hashlib.sha256(f"{copy}|{old}".encode()).hexdigest()[:width]


def prepare(raw: Path, cache_path: Path, store: Path, n: int) -> None:
    """Build ``raw`` once (through the cache) into a per-batch dataset, then replicate it to ``n`` documents."""
    import pyarrow.parquet as pq

    sys.path.insert(0, str(REPO))
    from pipeline.core.batch_rows import batch_rows
    from pipeline.core.batch_store import batch_file, write_batch_rows
    from pipeline.core.batches import learn_templates, list_batches, prepare_batch
    from pipeline.core.document_cache import DocumentCache
    from pipeline.core.workers import shutdown_pools

    cache = DocumentCache(cache_path)
    seed = store.parent / (store.name + "-seed")
    prepared = [prepare_batch(raw, b, cache, fp) for b, fp in list_batches(raw).items()]  # as build_corpus
    templates = learn_templates(p.manifest() for p in prepared)
    for p in prepared:
        write_batch_rows(batch_rows(p, templates, cache, 1), seed)
    shutdown_pools()
    batches = [p.batch for p in prepared]
    docs = sum(pq.read_metadata(batch_file(seed, "inventory", b)).num_rows for b in batches)
    replicate(seed, batches, store, max(1, round(n / docs)))


def replicate(seed: Path, batches: list[str], store: Path, copies: int) -> None:
    """Copy every batch of the per-batch dataset ``seed`` ``copies`` times into ``store``, with new ids."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sys.path.insert(0, str(REPO))
    from pipeline.core.batch_store import batch_file

    docs = sum(pq.read_metadata(batch_file(seed, "inventory", b)).num_rows for b in batches)

    def rewrite(table: pa.Table, copy: int, columns: dict[str, int]) -> pa.Table:
        for name, width in columns.items():
            if name not in table.column_names:
                continue
            values = table.column(name).to_pylist()
            new = [None if v is None else (f"copy-{copy:05d}/{v}" if width == 0 else _new_id(copy, v, width or 64))
                   for v in values]
            table = table.set_column(table.column_names.index(name), name, pa.array(new, table.schema.field(name).type))
        return table

    ids = {"article_id": 16, "source_path": 0, "raw_sha256": 64}
    per_table = {"articles": ids, "mentions": {"article_id": 16, "mention_id": 16},
                 "events": {"article_id": 16, "event_id": 16}, "rejects": {"source_path": 0, "raw_sha256": 64},
                 "inventory": {"source_path": 0, "raw_sha256": 64}}
    for copy in range(copies):
        for b in batches:
            name = f"copy-{copy:05d}-{b}"
            for table_name, columns in per_table.items():
                table = pq.read_table(batch_file(seed, table_name, b))
                out = batch_file(store, table_name, name)
                out.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(rewrite(table, copy, columns), out, compression="zstd")
    print(json.dumps({"documents": docs * copies, "batches": copies * len(batches), "copies": copies}))


def reset_peak() -> None:
    """Start a phase's own peak RSS: Linux resets VmHWM when 5 is written to clear_refs."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def phase_peak() -> float:
    """The peak RSS in MiB since :func:`reset_peak` (VmHWM), or ru_maxrss (the peak so far) without /proc."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(store: Path, repo: Path, remember: Path | None = None) -> dict:
    sys.path.insert(0, str(repo))
    if remember is not None:  # as make dataset runs: suite results and judged rows kept under the work folder
        from pipeline.core import validation_cache

        validation_cache.enable(remember)
    from pipeline.core import consolidate as module
    from pipeline.core.quality import validate_all
    from pipeline.core.relevance import RelevanceConfig
    from pipeline.core.tables import write_parquet

    batches = sorted(p.name for p in (store / "articles").iterdir())
    from urllib.parse import unquote

    names = [unquote(b.split("=", 1)[1]) for b in batches]
    peaks, phases = {}, {}
    relevance = RelevanceConfig(threshold=0.0)  # synthetic documents are mostly off the region: keep them all
    reset_peak()
    t, cpu = time.perf_counter(), time.process_time()
    if hasattr(module, "scan_batches"):  # out-of-core: the batches stay on disk
        from pipeline.core.batch_store import BatchStore

        checked = module.consolidate_checked(BatchStore.at(store, names), relevance=relevance)
    else:  # before: every batch's rows in memory, as the Dagster asset and build_corpus held them
        from pipeline.core.batch_store import read_batch_rows

        checked = module.consolidate_checked([read_batch_rows(store, b) for b in names], relevance=relevance)
    phases["consolidate+quarantine"] = (time.perf_counter() - t, time.process_time() - cpu)
    peaks["consolidate+quarantine"] = phase_peak()
    reset_peak()
    t, cpu = time.perf_counter(), time.process_time()
    try:  # the checkout's own gating validation: chunks and queries where it has them
        from pipeline.core.quality_tables import validate_tables

        label = "validate (GX, chunks + queries)"
        reports = validate_tables(checked.tables, checked.reference)
    except ImportError:
        label = "validate (GX, whole frames)"
        reports = validate_all({k: v.to_pandas() for k, v in checked.tables.items()}, checked.reference)
    phases[label] = (time.perf_counter() - t, time.process_time() - cpu)
    peaks[label] = phase_peak()
    digests = {}
    with tempfile.TemporaryDirectory() as tmp:  # the working tables' Parquet bytes, to compare two checkouts' outputs
        try:
            from pipeline.core.tables import write_working_tables
        except ImportError:
            write_working_tables = None
        reset_peak()
        t, cpu = time.perf_counter(), time.process_time()
        if write_working_tables is not None:  # as make dataset writes dataset/current/
            written = write_working_tables(checked.tables, checked.reference.to_json(), Path(tmp))
        else:
            written = {k: write_parquet(v, Path(tmp) / f"{k}.parquet") for k, v in checked.tables.items()}
        phases["write working tables"] = (time.perf_counter() - t, time.process_time() - cpu)
        peaks["write working tables"] = phase_peak()
        for k, path in written.items():
            digests[k] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    rows = {k: (checked.tables.num_rows(k) if hasattr(checked.tables, "num_rows") else checked.tables[k].num_rows)
            for k in checked.tables}  # a checkout whose tables are files, or one whose tables are Arrow
    return {"rows": rows, "phases": phases, "peak_mib": peaks,
            "sha256": digests, "reports_sha256": reports_digest(reports),
            "suites": {k: r.success for k, r in reports.items()}, "quarantined": len(checked.quarantined)}


def reports_digest(reports: dict) -> str:
    """A digest of the validation reports as published (plus each outcome's why), to compare two checkouts."""
    text = json.dumps({n: {**r.to_json(), "why": [o.why for o in r.outcomes]} for n, r in sorted(reports.items())},
                      sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("raw", type=Path)
    p.add_argument("cache", type=Path)
    p.add_argument("store", type=Path)
    p.add_argument("-n", type=int, default=20000)
    c = sub.add_parser("replicate", help="replicate a kept per-batch dataset (benchmarks/memory.py --keep-store)")
    c.add_argument("seed", type=Path)
    c.add_argument("store", type=Path)
    c.add_argument("--copies", type=int, required=True)
    r = sub.add_parser("run")
    r.add_argument("store", type=Path)
    r.add_argument("--repo", type=Path, default=REPO)
    r.add_argument("--child", action="store_true")
    r.add_argument("--remember", type=Path, default=None,
                   help="a validation folder, as make dataset keeps one (dataset/work/validation): a second run "
                        "on a grown store measures a rebuild's validation")
    args = parser.parse_args()
    if args.cmd == "prepare":
        prepare(args.raw, args.cache, args.store, args.n)
    elif args.cmd == "replicate":
        from urllib.parse import unquote

        names = [unquote(p.name.split("=", 1)[1]) for p in sorted((args.seed / "inventory").iterdir())]
        replicate(args.seed, names, args.store, args.copies)
    elif args.child:
        print(json.dumps(run(args.store, args.repo, args.remember)))
    else:
        remember = ["--remember", str(args.remember)] if args.remember else []
        out = subprocess.run([sys.executable, __file__, "run", str(args.store), "--repo", str(args.repo), "--child",
                              *remember], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        result = json.loads(out)
        print(f"repo {args.repo}: rows {result['rows']}, quarantined {result['quarantined']}, "
              f"suites {result['suites']}, table sha256 {result['sha256']}, reports {result['reports_sha256']}")
        for phase, (wall, cpu) in result["phases"].items():
            print(f"  {phase}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS in the phase {result['peak_mib'][phase]:.0f} MiB")


if __name__ == "__main__":
    main()
