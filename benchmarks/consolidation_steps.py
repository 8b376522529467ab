"""Peak RSS inside ``consolidate_checked``, step by step, on a per-batch dataset (``benchmarks/memory.py
--keep-store DIR`` keeps one; ``benchmarks/consolidation.py prepare`` makes a replicated one).

Each step function (scan, near duplicates, gathering, sorting, entities, clusters, quarantine checks) is wrapped in
this process only: RSS before it, its own VmHWM (reset at its start) and RSS after it, in call order. Then the
sha256 of each table's Parquet bytes (to compare two checkouts) and each table's Arrow size. ``--validate``: then
the gating GX suites (``validate_tables``) on the tables, each suite's row-level and table-level parts as steps
(on consolidation's files, through ``ParquetSource``, in a checkout whose ``consolidate_checked`` returns files).

    nice -n 10 .venv/bin/python benchmarks/consolidation_steps.py STORE [FIRST_N_BATCHES] [--repo CHECKOUT] [--validate]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote

REPO = Path(__file__).resolve().parents[1]


def _status() -> tuple[float, float]:
    d = {line.split(":")[0]: int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
         if line.startswith(("VmRSS", "VmHWM"))}
    return d["VmRSS"] / 1024, d["VmHWM"] / 1024


def _reset() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("batches", type=int, nargs="?", default=None, help="only the first N batches")
    parser.add_argument("--repo", type=Path, default=REPO)
    parser.add_argument("--validate", action="store_true", help="then the gating GX suites, table by table")
    args = parser.parse_args()
    sys.path.insert(0, str(args.repo))
    import pipeline.core.consolidate as C
    import pipeline.core.duplicates as D
    import pipeline.core.quality_chunks as Q
    from pipeline.core.batch_store import BatchStore
    from pipeline.core.relevance import RelevanceConfig
    from pipeline.core.tables import write_parquet

    log = []

    def wrap(module, name):
        fn = getattr(module, name)

        def timed(*a, **k):
            before, _ = _status()
            _reset()
            try:
                return fn(*a, **k)
            finally:
                after, peak = _status()
                label = next((f"{name}({Path(x).stem if isinstance(x, Path) else x})" for x in a
                              if isinstance(x, (str, Path))), name)
                log.append((label, before, peak, after))
        setattr(module, name, timed)

    steps = [(C, "scan_batches"), (D, "mark_duplicates"), (C, "_gather"), (C, "sort_table"),
             (C, "_by_article"), (C, "_entities"), (C, "_clustered"), (Q, "failing_articles_chunked")]
    if (Path(args.repo) / "pipeline/core/external_sort.py").exists():  # the external sort: a table's whole write
        import pipeline.core.consolidate_tables as T
        import pipeline.core.external_sort as E

        steps = [(C, "scan_batches"), (C, "_with_minhashes"), (D, "mark_duplicates"), (E, "write_buckets"),
                 (T, "_entities"), (T, "_clustered"), (Q, "failing_articles_chunked")]
    for module, name in steps:
        wrap(module, name)
    names = [unquote(p.name.split("=", 1)[1]) for p in sorted((args.store / "articles").iterdir())][:args.batches]
    start, _ = _status()
    checked = C.consolidate_checked(BatchStore.at(args.store, names), relevance=RelevanceConfig(threshold=0.0))
    if args.validate:
        import pipeline.core.quality_tables as V

        for name in ("_row_level", "_table_level"):
            wrap(V, name)
        V.validate_tables(checked.tables, checked.reference)
    print(f"{len(names)} batches; RSS at start {start:.0f} MiB, peak {max(p for _, _, p, _ in log):.0f} MiB")
    print("| step | RSS before | peak in it | RSS after |\n|---|---:|---:|---:|")
    for name, before, peak, after in log:
        print(f"| {name} | {before:.0f} | {peak:.0f} | {after:.0f} |")
    with tempfile.TemporaryDirectory() as tmp:
        print({k: hashlib.sha256(write_parquet(v, Path(tmp) / f"{k}.parquet").read_bytes()).hexdigest()[:16]
               for k, v in checked.tables.items()})  # a checkout whose tables are files reads each whole here
    print({k: f"{v.nbytes / 2**20:.1f} MiB" for k, v in checked.tables.items()})
    if hasattr(checked.tables, "paths"):
        print({k: f"{p.stat().st_size / 2**20:.1f} MiB on disk" for k, p in checked.tables.paths.items()})


if __name__ == "__main__":
    main()
