"""Synthetic raw corpora of N documents built from real text, for the scale benchmark.

Sources: the raw/ seed pages, the factRuEval-2016 dev texts and the DAniEL dev pages (markdown dumps with their
menus and footers) when ../shared/eval is present. Document i is source ``i % len(sources)`` with its own
perturbation (seeded by i): in every prose line (eight words or more, no links or tables), sentences are shuffled and about one word in
eight is swapped for a word from elsewhere in the corpus. Short lines (menus, footers) stay as they are, so
outlets keep their templates; the 5-word shingles of two copies of one source overlap far below the near-
duplicate threshold, so duplicate detection does not collapse them. Files go to batch folders of
``--batch-size`` documents (one folder per simulated day).

    .venv/bin/python benchmarks/corpus.py OUT_DIR -n 2000 [--batch-size 200] [--start 0]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
_WORD = re.compile(r"[А-Яа-яЁё]{4,}")
_SENTENCE = re.compile(r"(?<=[.!?»])\s+(?=[А-ЯЁA-Z«])")


@lru_cache(maxsize=1)
def sources() -> tuple[str, ...]:
    """Real texts, in a fixed order: seeds, then factRuEval, then DAniEL pages."""
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((REPO / "raw").glob("*")) if p.is_file()]
    factru = EVAL / "factrueval2016_devset.jsonl"
    if factru.exists():
        texts += [json.loads(line)["text"] for line in factru.read_text(encoding="utf-8").splitlines() if line.strip()]
    daniel = EVAL / "daniel_ru_dev"
    if (daniel / "manifest.json").exists():
        for page in json.loads((daniel / "manifest.json").read_text(encoding="utf-8")):
            texts.append((daniel / page["md"]).read_text(encoding="utf-8", errors="replace"))
    return tuple(texts)


@lru_cache(maxsize=1)
def vocabulary() -> tuple[str, ...]:
    return tuple(sorted({w.lower() for text in sources() for w in _WORD.findall(text)}))


def perturb(text: str, seed: int) -> str:
    rng = random.Random(seed)
    vocab = vocabulary()
    out = []
    for line in text.split("\n"):
        if len(line.split()) < 8 or any(mark in line for mark in ("](", "http", "|", "@")):  # keep markup intact
            out.append(line)
            continue
        sentences = _SENTENCE.split(line)
        rng.shuffle(sentences)
        words = " ".join(sentences).split(" ")
        for k, word in enumerate(words):
            if word.islower() and word.isalpha() and rng.random() < 0.12:
                words[k] = rng.choice(vocab)
        out.append(" ".join(words))
    return "\n".join(out)


def document(i: int) -> str:
    texts = sources()
    return perturb(texts[i % len(texts)], seed=i)


def generate(out_dir: Path, n: int, batch_size: int = 200, start: int = 0) -> list[Path]:
    """Write documents start..start+n-1 as OUT/day-XXXXX/doc-XXXXXXX.md; returns their paths."""
    paths = []
    for i in range(start, start + n):
        path = Path(out_dir) / f"day-{i // batch_size:05d}" / f"doc-{i:07d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document(i), encoding="utf-8")
        paths.append(path)
    return paths


def raw_folder(given: Path | None, tmp: str, n: int, batch_size: int) -> tuple[Path, int]:
    """The raw folder a benchmark builds: ``given``, or ``n`` generated documents under ``tmp``; and its file count."""
    raw = given
    if raw is None:
        raw = Path(tmp) / "raw"
        generate(raw, n, batch_size=batch_size)
    return raw, sum(1 for p in raw.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--start", type=int, default=0)
    args = parser.parse_args()
    paths = generate(args.out, args.n, args.batch_size, args.start)
    print(f"{len(paths)} documents from {len(sources())} sources in {args.out}")


if __name__ == "__main__":
    main()
