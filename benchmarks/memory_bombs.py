"""Memory bombs: peak RSS of a build of one hostile page each, in its own process.

Each case (tests/hostile/cases_content.py's bombs, at full size) is written alone into a fresh raw/ folder and
built by :func:`pipeline.core.corpus.build_corpus` in a child process (one worker, as a worker sees it), whose
address space is limited to ``--limit-gb`` so that a bomb fails with MemoryError instead of taking the machine
down. Prints, per case, the child's peak RSS (``ru_maxrss``), its wall time and what the page became.

    nice -n 10 .venv/bin/python benchmarks/memory_bombs.py [--limit-gb 8] [--cases long-sentence ...]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PROSE = ("Министр иностранных дел Японии провёл переговоры со своим монгольским коллегой в Улан-Баторе, и стороны "
         "обсудили вопросы безопасности в регионе. ")
NAMES = "Япония Монголия Китай Корея Сеул Токио Пекин Улан-Батор Кисида Путин "


def full_size_cases() -> dict[str, dict[str, str]]:
    """The bombs as the adversarial review sized them (tests/hostile/cases_content.py writes small ones): case ->
    {file name: text}."""
    head = "Заголовок о переговорах\n\n" + PROSE * 4 + "\n\n"
    return {
        # one sentence of ~60k tokens: no full stop, names and commas only
        "long-sentence-60k": {"long-sentence.txt": head + (NAMES.replace(" ", ", ") * 6000) + "\n"},
        # a 1 MB paragraph of short sentences without blank lines
        "paragraph-1mb": {"paragraph.txt": head + (PROSE * (1_000_000 // len(PROSE))) + "\n"},
        # 200,000 nested blockquote markers on one line
        "nested-quotes-200k": {"quotes.md": head + "> " * 200_000 + PROSE * 4 + "\n"},
        # 400,000 one-letter tokens in one sentence after a few ordinary ones (padded together for morphology)
        "one-letter-tokens-400k": {"letters.txt": head + "а " * 400_000 + "\n"},
        # sixteen bodies of 8,000 one-letter tokens each: one NER batch of 16 x 8,000 padded positions on main
        "sixteen-long-bodies": {f"letters-{i:02d}.txt": f"Заголовок {i}\n\n" + PROSE * 2 + "\n\n" + f"{i} " + "а " * 8_000
                                for i in range(16)},
    }


def child(path: str) -> None:
    from pipeline.core.corpus import build_corpus
    from pipeline.core.entities.ner import models

    models()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        tables = build_corpus(Path(path)).tables
        outcome = [("article", ",".join(a.get("notes") or [])) for a in tables["articles"].to_pylist()]
        outcome += [(r["reason"], r["message"][:120]) for r in tables["rejects"].to_pylist()]
    except BaseException as exc:  # what main does: the run dies
        outcome = [("RUN FAILED", f"{type(exc).__name__}: {str(exc)[:120]}")]
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(json.dumps({"seconds": round(time.perf_counter() - started, 1), "models_mb": base // 1024,
                      "peak_rss_mb": peak // 1024, "outcome": outcome}))


def run_case(name: str, files: dict[str, str], limit_gb: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        for file_name, text in files.items():
            (raw / file_name).write_text(text, encoding="utf-8")
        limit = int(limit_gb * 1024 ** 3)

        def cap():
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        started = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, "--child", str(raw)], capture_output=True, text=True,
                              preexec_fn=cap, cwd=REPO)
        out = {"case": name, "rc": proc.returncode, "peak_rss_mb": "?", "wall_s": round(time.perf_counter() - started, 1)}
        if proc.returncode == 0:
            out.update(json.loads(proc.stdout.strip().splitlines()[-1]))
        else:
            out["error"] = (proc.stderr.strip().splitlines() or ["?"])[-1][:200]
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child")
    ap.add_argument("--limit-gb", type=float, default=8.0)
    ap.add_argument("--cases", nargs="*")
    args = ap.parse_args()
    if args.child:
        return child(args.child)
    cases = full_size_cases()
    print("| case | peak RSS (MB) | wall (s) | outcome |\n|---|---|---|---|")
    for name in args.cases or sorted(cases):
        r = run_case(name, cases[name], args.limit_gb)
        outcome = r.get("outcome") or r.get("error")
        if isinstance(outcome, list):
            from collections import Counter
            outcome = "; ".join(f"{n} x {k}{' (' + v + ')' if v else ''}" for (k, v), n in sorted(Counter(map(tuple, outcome)).items()))
        print(f"| {name} | {r['peak_rss_mb']} (models {r.get('models_mb', '?')}) | {r['wall_s']} | {outcome} |", flush=True)


if __name__ == "__main__":
    main()
