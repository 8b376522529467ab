"""natasha's raw spans (``ner.recognize``) per text, cached on disk so the linking benchmark can score several
knowledge bases without re-running the model. The cache key is the text's sha256 plus the entities stage code
version, so a changed model or gazetteer never serves stale spans.

    .venv/bin/python -m benchmarks.nercache FILE.jsonl...   # prime the cache (resumable)
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.core.entities.ner import Span, analyze_many, recognize  # noqa: E402

CACHE = Path(__file__).resolve().parents[1] / ".bench_cache" / "ner_spans.jsonl"
#: bump when recognize() changes what it returns
NER_CACHE_VERSION = "1"


def _key(text: str) -> str:
    return hashlib.sha256(f"{NER_CACHE_VERSION}|{text}".encode()).hexdigest()


def _load() -> dict[str, list[Span]]:
    out: dict[str, list[Span]] = {}
    if CACHE.exists():
        for line in CACHE.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue  # a line cut by an interrupted run
            out[rec["k"]] = [Span(s[0], s[1], s[2], s[3], s[4], tuple(s[5]), tuple(tuple(t) for t in s[6]))
                             for s in rec["s"]]
    return out


def spans_for(texts: list[str], batch: int = 16, progress: bool = False) -> list[list[Span]]:
    """recognize(text) for every text, from the cache where it has them."""
    cache = _load()
    missing = [t for t in dict.fromkeys(texts) if _key(t) not in cache]
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with CACHE.open("a", encoding="utf-8") as fh:
        for i in range(0, len(missing), batch):
            chunk = missing[i:i + batch]
            analyze_many(chunk, syntax=False, morph=False)  # recognize reads the span sentences only
            for t in chunk:
                spans = recognize(t)
                cache[_key(t)] = spans
                fh.write(json.dumps({"k": _key(t), "s": [[s.start, s.end, s.type, s.text, s.normal, list(s.cases),
                                                          [list(x) for x in s.tokens]] for s in spans]},
                                    ensure_ascii=False) + "\n")
            fh.flush()
            if progress:
                print(f"ner {min(i + batch, len(missing))}/{len(missing)}", file=sys.stderr, flush=True)
    return [cache[_key(t)] for t in texts]


def sample_order(docs: list[dict]) -> list[dict]:
    """Documents in a deterministic pseudo-random order (sha256 of doc_id): ``--limit N`` takes the first N."""
    return sorted(docs, key=lambda d: hashlib.sha256(str(d["doc_id"]).encode()).hexdigest())


if __name__ == "__main__":
    texts = []
    for name in sys.argv[1:]:
        docs = [json.loads(line) for line in Path(name).read_text(encoding="utf-8").splitlines() if line.strip()]
        texts.extend(d["text"] for d in sample_order(docs))
    spans_for(texts, progress=True)
