"""Scale benchmark: end-to-end throughput, the ratio to stock natasha, incremental cost and peak memory.

For each N it generates a corpus (benchmarks/corpus.py) and, in one run on this machine:

1. builds it from scratch with an empty document cache (every stage: ingest, cleaning, metadata, NER, linking,
   events, consolidation, GX validation, Parquet writing), ``--workers`` processes for NER and events;
2. adds 1 % new documents in a new batch folder and rebuilds with the cache and the validation folder, as
   `make dataset` keeps them (the incremental cost);
3. runs stock natasha, single process, segment + NER (models loaded beforehand), on the same documents: on
   their raw texts, and on their cleaned bodies (what the pipeline's NER reads; stock natasha would spend
   part of its time on menus and footers otherwise).

Each build runs in a child process; peak RSS is sampled every 0.1 s over the child and its workers together.
Prints a Markdown table and writes a PNG of time and memory against N.

    .venv/bin/python benchmarks/scale.py [--sizes 2000 20000] [--workers 2] [--plot docs/figures/scale.png]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


# ---------------------------------------------------------------- children (run in their own process)
def child_build(raw: Path, out: Path, cache_path: Path, workers: int) -> dict:
    from pipeline.core.batch_rows import batches_rows
    from pipeline.core.batch_store import BatchStore, write_batch_rows
    from pipeline.core.batches import learn_templates, list_batches, prepare_batch
    from pipeline.core.consolidate import consolidate_checked
    from pipeline.core.document_cache import DocumentCache
    from pipeline.core.quality_tables import validate_tables
    from pipeline.core.relevance import RelevanceConfig
    from pipeline.core.workers import shutdown_pools

    from benchmarks.consolidation import phase_peak, reports_digest, reset_peak
    from pipeline.core.tables import write_checksums, write_parquet

    from pipeline.core import validation_cache

    validation_cache.enable(out / "validation")  # as make dataset keeps dataset/work/validation (known_rows)
    phases = {}
    cache = DocumentCache(cache_path)
    t = time.perf_counter()
    fingerprints = list_batches(raw)
    # as build_corpus: a batch's pages wait in the cache for their turn (only its manifest stays in memory), the
    # workers tag one batch while this process cleans the next, and the pool stops before consolidation
    manifests = [prepare_batch(raw, b, cache, fp).manifest() for b, fp in fingerprints.items()]
    phases["ingest+segment"] = time.perf_counter() - t
    t = time.perf_counter()
    templates = learn_templates(manifests)
    del manifests
    phases["templates"] = time.perf_counter() - t
    t = time.perf_counter()
    store = out / "batches"
    names = []
    for rows in batches_rows((prepare_batch(raw, b, cache, fp) for b, fp in fingerprints.items()), templates, cache,
                             workers):
        write_batch_rows(rows, store)
        names.append(rows.batch)
    shutdown_pools()
    phases["clean+metadata+NER+events"] = time.perf_counter() - t
    t = time.perf_counter()
    # threshold 0: every article is scored and kept, so the tables (and GX's work) are what they were before the
    # relevance stage; most synthetic documents (factRuEval, DAniEL) are not about the region
    checked = consolidate_checked(BatchStore.at(store, names),
                                  relevance=RelevanceConfig(threshold=0.0))
    tables = checked.tables
    phases["consolidate+quarantine"] = time.perf_counter() - t
    t = time.perf_counter()
    reset_peak()
    reports = validate_tables(tables, checked.reference)  # as the CLI, the Dagster checks and publish validate
    phases["validate (GX)"] = time.perf_counter() - t
    validate_peak = phase_peak()
    t = time.perf_counter()
    for name, table in tables.items():
        write_parquet(table, out / f"{name}.parquet")
    write_checksums(out, [f"{name}.parquet" for name in tables])
    phases["write"] = time.perf_counter() - t
    from collections import Counter

    rejected = Counter(f"{s}/{r}" for s, r in zip(tables.column("rejects", "stage").to_pylist(),
                                                 tables.column("rejects", "reason").to_pylist()))
    return {"phases": phases, "rows": {n: t.num_rows for n, t in tables.items()},
            "rejects_by_reason": dict(sorted(rejected.items())),
            "suites": {n: r.success for n, r in reports.items()}, "reports_sha256": reports_digest(reports),
            "validate_peak_rss_mib": validate_peak,
            "cache": {"hits": dict(cache.hits), "misses": dict(cache.misses)}}


def child_stock(raw: Path, limit: int, articles: Path | None = None) -> dict:
    """Stock natasha, one process, segment + NER: on the raw texts, and on the cleaned bodies of the same
    documents (what the pipeline's NER reads) when the built articles table is given."""
    from pipeline.core.entities.ner import models, natasha

    paths = sorted(raw.rglob("*.md"))[:limit]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    m = models()
    nt = natasha()

    def timed(items: list[str]) -> float:
        warm = nt.Doc(items[0])
        warm.segment(m.segmenter)
        warm.tag_ner(m.ner)
        t = time.perf_counter()
        for text in items:
            doc = nt.Doc(text)
            doc.segment(m.segmenter)
            doc.tag_ner(m.ner)
        return time.perf_counter() - t

    out = {"docs": len(texts), "seconds": timed(texts)}
    if articles is not None:
        import pyarrow.parquet as pq

        wanted = {p.relative_to(raw).as_posix() for p in paths}
        table = pq.read_table(articles, columns=["source_path", "body"]).to_pylist()
        bodies = [r["body"] for r in table if r["source_path"] in wanted]
        out.update(body_docs=len(bodies), body_seconds=timed(bodies))
    return out


# ---------------------------------------------------------------- the parent
def run_child(args: list[str]) -> tuple[dict, float, float]:
    """Run this script as a child; (its JSON, wall seconds, peak RSS of it and its workers in MiB)."""
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", *args], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    parent = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.1)
    wall = time.perf_counter() - started
    out = proc.stdout.read()
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed ({proc.returncode})")
    return json.loads(out.strip().splitlines()[-1]), wall, peak / 2**20


def measure(n: int, workers: int, stock_sample: int, work: Path) -> dict:
    from benchmarks.corpus import EVAL, generate, sources

    if not EVAL.exists():  # a checkout without ../shared/eval beside it: the corpus is copies of the seeds alone
        print(f"warning: {EVAL} is absent: {len(sources())} source texts (the seeds) instead of the eval sets'",
              file=sys.stderr)
    raw, cache = work / f"raw{n}", work / f"cache{n}.sqlite"
    generate(raw, n, batch_size=200)
    full, full_wall, full_rss = run_child(["build", str(raw), str(work / f"out{n}"), str(cache), str(workers)])
    extra = max(1, n // 100)
    generate(raw, extra, batch_size=10**9, start=n)  # one new batch folder with 1 % more documents
    inc, inc_wall, inc_rss = run_child(["build", str(raw), str(work / f"out{n}"), str(cache), str(workers)])
    stock, _, _ = run_child(["stock", str(raw), str(min(stock_sample, n)), str(work / f"out{n}" / "articles.parquet")])
    stock_rate = stock["docs"] / stock["seconds"]
    body_rate = stock["body_docs"] / stock["body_seconds"]
    return {"n": n, "sources": len(sources()), "workers": workers, "full_seconds": full_wall, "docs_per_s": n / full_wall,
            "stock_docs_per_s": stock_rate, "ratio_to_stock": (n / full_wall) / stock_rate,
            "stock_body_docs_per_s": body_rate, "ratio_to_stock_on_bodies": (n / full_wall) / body_rate,
            "incremental_docs": extra, "incremental_seconds": inc_wall, "incremental_share": inc_wall / full_wall,
            "peak_rss_mib": full_rss, "incremental_peak_rss_mib": inc_rss, "phases": full["phases"],
            "validate_peak_rss_mib": full["validate_peak_rss_mib"], "reports_sha256": full["reports_sha256"],
            "incremental_phases": inc["phases"],
            "rows": full["rows"], "rejects_by_reason": full["rejects_by_reason"], "suites": full["suites"],
            "incremental_cache": inc["cache"]}


def table(results: list[dict]) -> str:
    lines = ["| N docs | end-to-end docs/s (2 cores) | stock natasha docs/s, raw texts | ratio | "
             "stock natasha docs/s, cleaned bodies | ratio | +1 % rebuild / full build | peak RSS full build | "
             "peak RSS +1 % |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['n']:,} | {r['docs_per_s']:.1f} | {r['stock_docs_per_s']:.1f} | {r['ratio_to_stock']:.2f}× | "
                     f"{r['stock_body_docs_per_s']:.1f} | {r['ratio_to_stock_on_bodies']:.2f}× | "
                     f"{r['incremental_seconds']:.0f} s / {r['full_seconds']:.0f} s = {100 * r['incremental_share']:.1f} % | "
                     f"{r['peak_rss_mib']:.0f} MiB | {r['incremental_peak_rss_mib']:.0f} MiB |")
    lines.append("")
    lines.append("Peak RSS of the build process while the GX suites run (VmHWM, reset before them): " + "; ".join(
        f"N={r['n']:,}: {r['validate_peak_rss_mib']:.0f} MiB" for r in results) + ".  ")
    for label, key in (("full build", "phases"), ("+1 % rebuild", "incremental_phases")):
        lines.append(f"Phases of the {label} (seconds): " + "; ".join(
            f"N={r['n']:,}: " + ", ".join(f"{k} {v:.1f}" for k, v in r[key].items()) for r in results) + ".  ")
    return "\n".join(lines)


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns = [r["n"] for r in results]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4), dpi=110)
    left.plot(ns, [r["full_seconds"] for r in results], "o-", label="full build")
    left.plot(ns, [r["incremental_seconds"] for r in results], "s--", label="+1 % documents, cached")
    left.set_xlabel("documents")
    left.set_ylabel("seconds")
    left.set_xscale("log")
    left.set_yscale("log")
    left.legend()
    left.set_title("Build time")
    right.plot(ns, [r["peak_rss_mib"] for r in results], "o-", label="full build")
    right.plot(ns, [r["incremental_peak_rss_mib"] for r in results], "s--", label="+1 %")
    right.axhline(2048, color="grey", lw=0.8, ls=":")
    right.set_xlabel("documents")
    right.set_ylabel("peak RSS, MiB (process + workers)")
    right.set_xscale("log")
    right.set_ylim(0, max(2300, max(r["peak_rss_mib"] for r in results) * 1.1))
    right.legend()
    right.set_title("Memory")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, *rest = sys.argv[2:]
        if kind == "build":
            out = Path(rest[1])
            out.mkdir(parents=True, exist_ok=True)
            result = child_build(Path(rest[0]), out, Path(rest[2]), int(rest[3]))
        else:
            result = child_stock(Path(rest[0]), int(rest[1]), Path(rest[2]) if len(rest) > 2 else None)
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stock-sample", type=int, default=1000, help="documents stock natasha is timed on")
    parser.add_argument("--plot", type=Path, default=REPO / "docs" / "figures" / "scale.png")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="vostok-scale-") as tmp:
        for n in args.sizes:
            results.append(measure(n, args.workers, args.stock_sample, Path(tmp)))
            print(f"N={n}: {json.dumps(results[-1], default=str)}", file=sys.stderr, flush=True)
    print(table(results))
    plot(results, args.plot)
    print(f"\nplot: {args.plot}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
