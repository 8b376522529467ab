"""Where a full build's memory goes: peak RSS of the build process and of each NER worker, phase by phase.

Generates N documents (benchmarks/corpus.py, folders of ``--batch-size``) or takes ``--raw DIR``, and builds
them in a child process exactly as the CLI does (:func:`pipeline.core.corpus.build_corpus` with a document
cache in a temporary folder, or none with ``--no-cache`` as ``verify`` builds, and ``--workers`` NER processes;
relevance threshold 0, as benchmarks/scale.py),
then runs the gating GX suites (:func:`pipeline.core.quality_tables.validate_tables`) and writes the working
tables (:func:`pipeline.core.tables.write_working_tables`). Nothing in the pipeline is changed: phases are
told apart by wrapping ``learn_templates``, ``shutdown_pools`` and ``consolidate_checked`` on
:mod:`pipeline.core.corpus` in the child only.

Per phase (ingest+segment, templates, clean+NER+events, consolidate+quarantine, validate, write):

* the build process's own peak: its VmHWM, reset at the phase's start (Linux: ``5`` to ``clear_refs``);
* each worker's peak (VmHWM; workers exist only while NER runs) and the peak of the sum over the process tree,
  sampled every 0.1 s from /proc;
* the workers' memo sizes just before the pool is shut down (lemmas, word ids, pymorphy parses).

Prints a JSON line with the figures and the sha256 of every table written (to compare outputs before/after).

    nice -n 10 .venv/bin/python benchmarks/memory.py -n 1000 [--workers 2] [--raw DIR] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

MIB = 1024


def _status(pid: int | str) -> dict[str, int]:
    """VmRSS and VmHWM of a process in KiB (empty when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()
            if line.startswith(("VmRSS:", "VmHWM:"))}


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = (task / "children").read_text().split()
                out += [int(k) for k in kids]
                todo += [int(k) for k in kids]
        except OSError:
            continue
    return out


def _label(pid: int) -> str:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    return "resource_tracker" if "resource_tracker" in cmd else "worker"


def worker_memos() -> dict:
    """Sizes of a worker's speed memos (runs in a worker)."""
    import time as _time

    from pipeline.core.entities import fast_ner, names, ner

    _time.sleep(0.5)  # keep this worker busy so the other one takes the other call
    return {"pid": os.getpid(), "lemmas": len(ner._LEMMAS), "encoded_words": len(fast_ner._ENCODED_WORDS),
            "parse_word": names.parse_word.cache_info().currsize, "stem_key": names.stem_key.cache_info().currsize,
            "analyses": len(ner._ANALYSES), "rss_mib": _status("self").get("VmRSS", 0) / MIB,
            "hwm_mib": _status("self").get("VmHWM", 0) / MIB}


class Sampler:
    def __init__(self) -> None:
        self.phase = "start"
        self.me = os.getpid()
        self.tree_peak: dict[str, float] = {}
        self.self_peak: dict[str, float] = {}
        self.workers: dict[int, dict] = {}  # pid -> label, first phase, peak (VmHWM)
        self.memos: list[dict] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def reset(self) -> None:
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            pass

    def enter(self, phase: str) -> None:
        with self._lock:
            self._close()
            self.phase = phase
            self.reset()

    def _close(self) -> None:
        hwm = _status("self").get("VmHWM", 0) / MIB
        self.self_peak[self.phase] = max(self.self_peak.get(self.phase, 0), hwm)

    def sample_once(self) -> None:
        with self._lock:
            total = _status("self").get("VmRSS", 0)
            for pid in _descendants(self.me):
                st = _status(pid)
                if not st:
                    continue
                total += st.get("VmRSS", 0)
                w = self.workers.setdefault(pid, {"label": "worker", "phases": {}})
                w["label"] = _label(pid)  # a process just forked shows its parent's command line until it execs
                w["phases"][self.phase] = max(w["phases"].get(self.phase, 0), st.get("VmHWM", 0) / MIB)
            self.tree_peak[self.phase] = max(self.tree_peak.get(self.phase, 0), total / MIB)

    def run(self) -> None:
        while not self._stop.wait(0.1):
            self.sample_once()

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            self._close()


def child(raw: Path, workers: int, cached: bool = True, keep: str = "") -> dict:
    import pipeline.core.corpus as corpus
    from pipeline.core.document_cache import DocumentCache
    from pipeline.core.quality_tables import validate_tables
    from pipeline.core.relevance import RelevanceConfig
    from pipeline.core.tables import write_working_tables

    s = Sampler()
    seconds: dict[str, float] = {}
    clock = [time.perf_counter()]

    def enter(phase: str) -> None:
        now = time.perf_counter()
        seconds[s.phase] = seconds.get(s.phase, 0) + now - clock[0]
        clock[0] = now
        s.sample_once()
        s.enter(phase)

    learn, shutdown, consolidate = corpus.learn_templates, corpus.shutdown_pools, corpus.consolidate_checked

    def learn_templates(*a, **k):
        enter("templates")
        try:
            return learn(*a, **k)
        finally:
            enter("clean+NER+events")

    def shutdown_pools():
        from pipeline.core.workers import _POOLS

        for pool in list(_POOLS.values()):
            futures = [pool.submit(worker_memos) for _ in range(workers)]
            s.memos += [f.result() for f in futures]
        s.sample_once()
        return shutdown()

    def consolidate_checked(store, *a, **k):
        enter("consolidate+quarantine")
        if keep:  # a copy of the per-batch dataset, to study consolidation alone
            import shutil

            for root in set(store.roots.values()):
                shutil.copytree(root, keep, dirs_exist_ok=True)
            s.reset()
        return consolidate(store, *a, **k)

    corpus.learn_templates, corpus.shutdown_pools = learn_templates, shutdown_pools
    corpus.consolidate_checked = consolidate_checked
    thread = threading.Thread(target=s.run, daemon=True)
    with tempfile.TemporaryDirectory(prefix="vostok-memory-") as tmp:
        enter("ingest+segment")
        thread.start()
        cache = DocumentCache(Path(tmp) / "cache.sqlite" if cached else None)
        built = corpus.build_corpus(raw, cache, workers, relevance=RelevanceConfig(threshold=0.0))
        enter("validate")
        reports = validate_tables(built.tables, built.reference)
        enter("write")
        out = Path(tmp) / "out"
        write_working_tables(built.tables, built.reference.to_json(), out)
        enter("end")
        s.stop()
        sums = dict(line.split()[::-1] for line in (out / "SHA256SUMS").read_text().splitlines())
    seconds.pop("start", None)
    seconds.pop("end", None)
    phases = [p for p in seconds]
    return {"phases": phases, "seconds": seconds,
            "self_peak_mib": {p: s.self_peak.get(p, 0) for p in phases},
            "tree_peak_mib": {p: s.tree_peak.get(p, 0) for p in phases},
            "children": [{"pid": pid, **w} for pid, w in s.workers.items()],
            "memos": s.memos,
            "rows": {n: built.tables.num_rows(n) if hasattr(built.tables, "num_rows") else built.tables[n].num_rows
                     for n in built.tables},  # tables as files (this checkout) or as Arrow (older ones)
            "suites": {n: r.success for n, r in reports.items()}, "sha256": sums}


def report(n: int, r: dict) -> str:
    workers = [c for c in r["children"] if c["label"] == "worker"]
    head = "| phase | s | build process (VmHWM) | " + " | ".join(f"worker {k + 1}" for k in range(len(workers))) + \
        " | sum, sampled 10 Hz |"
    lines = [f"N={n:,}", head, "|---|" + "---:|" * (3 + len(workers))]
    for p in r["phases"]:
        cells = [f"{w['phases'][p]:.0f}" if p in w["phases"] else "-" for w in workers]
        lines.append(f"| {p} | {r['seconds'][p]:.1f} | {r['self_peak_mib'][p]:.0f} | " + " | ".join(cells) +
                     f" | {r['tree_peak_mib'][p]:.0f} |")
    lines.append(f"memos: {r['memos']}")
    lines.append(f"rows: {r['rows']}")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(child(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "cache",
                               sys.argv[5] if len(sys.argv) > 5 else "")))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--raw", type=Path, default=None, help="build this raw folder instead")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-cache", action="store_true",
                        help="no document cache, as `python -m pipeline verify` and `build` without --cache")
    parser.add_argument("--keep-store", type=Path, default=None, help="copy the per-batch dataset here")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vostok-memory-raw-") as tmp:
        from benchmarks.corpus import raw_folder

        raw, n = raw_folder(args.raw, tmp, args.n, args.batch_size)
        done = subprocess.run([sys.executable, __file__, "--child", str(raw), str(args.workers),
                               "none" if args.no_cache else "cache",
                               str(args.keep_store or "")], cwd=REPO,
                              stdout=subprocess.PIPE, text=True, check=True)
    result = {"n": n, **json.loads(done.stdout.strip().splitlines()[-1])}
    print(report(n, result))
    print(json.dumps(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
