"""Morphology only where it is read: same tags, same mentions and events, less CPU (issue 20).

The morphology tags (``pos``, ``feats``) and the lemmas have two readers: natasha's normalizer of span names and
the spans' cases (the tokens of NER spans), and the events stage (the sentences where a trigger can match).
``ner.analyze_many`` tags the sentences that overlap an NER span and those ``events.extract.trigger_candidate``
selects; before, it tagged every sentence. This runs the stages' own path (``analysis.analyze_articles`` on chunks
of 32 texts, as a worker does) on the NEREL and factRuEval dev texts in this checkout and in another one
(``--repo``, e.g. a checkout of main), each in a child process, interleaved chunk by chunk, and compares text by
text:

* the mention rows and event rows the stages return: they must be equal;
* the tags of every token this checkout tagged (and the lemma where it set one), and the parse of every sentence
  it parsed, against the other checkout's (which tagged every sentence): they must be equal;

and prints the share of sentences tagged and the CPU seconds of each side (process time of the analysis, models
loaded before; lower is better).

    .venv/bin/python benchmarks/morph_subset.py --repo ../main            # every NEREL and factRuEval dev text
    .venv/bin/python benchmarks/morph_subset.py --repo ../main --limit 100
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
CHUNK = 32


def eval_texts(limit: int = 0) -> list[str]:
    texts = [json.loads(line)["text"] for line in (EVAL / "nerel_traindev.jsonl").open(encoding="utf-8")]
    texts += [json.loads(line)["text"] for line in (EVAL / "factrueval2016_devset.jsonl").open(encoding="utf-8")]
    return texts[:limit] if limit else texts


def child() -> None:
    """Reads chunks of texts (one JSON list a line) on stdin, answers one JSON object a line: per text, its mention
    and event rows, its tagged tokens and parses; and the CPU seconds the chunk took."""
    import time

    sys.path.insert(0, os.getcwd())
    from pipeline.core.analysis import analyze_articles
    from pipeline.core.entities import ner

    ner.models()
    ner.analyze("Премьер-министр Японии Фумио Кисида провёл переговоры в Сеуле.")  # load everything, lazy parts too
    for line in sys.stdin:
        texts = json.loads(line)
        ner._ANALYSES.clear()
        cpu = time.process_time()
        results = analyze_articles([(f"t{k}", text, None) for k, text in enumerate(texts)])
        cpu = time.process_time() - cpu
        out = []
        for text, result in zip(texts, results):
            mentions, events, notes = result
            doc = ner._ANALYSES.get(text)
            tags, parses, sentences = {}, {}, 0
            if doc is not None:
                sentences = len(doc.sents)
                for i, sent in enumerate(doc.sents):
                    if sent.tokens and all(t.pos is not None for t in sent.tokens):  # lemmas only where set
                        lemmatized = all(t.lemma is not None for t in sent.tokens)
                        tags[i] = [(t.pos, sorted((t.feats or {}).items()), t.lemma if lemmatized else None)
                                   for t in sent.tokens]
                    if sent.tokens and ner.is_parsed(sent):
                        parses[i] = [(t.id, t.head_id, t.rel) for t in sent.tokens]
            out.append({"rows": [mentions, events, notes], "tags": tags, "parses": parses, "sentences": sentences})
        print(json.dumps({"cpu": cpu, "texts": out}, ensure_ascii=False, default=str), flush=True)


def _start(repo: Path) -> subprocess.Popen:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=str(repo))  # single-threaded BLAS, as in the workers
    return subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child"], cwd=repo, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=False, help="the other checkout (which tags every sentence)")
    parser.add_argument("--limit", type=int, default=0, help="texts to compare (0: all 962)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child()
        return 0
    texts = [t for t in eval_texts(args.limit) if t.strip()]
    this, other = _start(REPO), _start(args.repo.resolve())
    cpu = {"this": 0.0, "other": 0.0}
    counts = dict(texts=0, sentences=0, tagged=0, tokens_compared=0, differing_tags=0, parsed=0, differing_parses=0,
                  mentions=0, events=0, differing_row_texts=0)
    for k in range(0, len(texts), CHUNK):
        chunk = json.dumps(texts[k:k + CHUNK], ensure_ascii=False) + "\n"
        answers = {}
        for name, proc in (("other", other), ("this", this)) if k // CHUNK % 2 else (("this", this), ("other", other)):
            proc.stdin.write(chunk)
            proc.stdin.flush()
            answers[name] = json.loads(proc.stdout.readline())
            cpu[name] += answers[name]["cpu"]
        for mine, theirs in zip(answers["this"]["texts"], answers["other"]["texts"]):
            counts["texts"] += 1
            counts["sentences"] += theirs["sentences"]
            counts["tagged"] += len(mine["tags"])
            for i, tags in mine["tags"].items():
                counts["tokens_compared"] += len(tags)
                counts["differing_tags"] += sum(a != (b if a[2] is not None else [*b[:2], None])
                                                for a, b in zip(tags, theirs["tags"].get(i, [])))
                counts["differing_tags"] += abs(len(tags) - len(theirs["tags"].get(i, [])))
            counts["parsed"] += len(mine["parses"])
            counts["differing_parses"] += sum(theirs["parses"].get(i) != p for i, p in mine["parses"].items())
            counts["differing_parses"] += len(set(theirs["parses"]) ^ set(mine["parses"]))
            counts["mentions"] += len(theirs["rows"][0])
            counts["events"] += len(theirs["rows"][1])
            counts["differing_row_texts"] += mine["rows"] != theirs["rows"]
    for proc in (this, other):
        proc.stdin.close()
        proc.wait()
    c = counts
    print(f"texts {c['texts']}, sentences {c['sentences']}, tagged here {c['tagged']} "
          f"({c['tagged'] / max(c['sentences'], 1):.1%}); tokens compared {c['tokens_compared']}, tags or lemmas "
          f"differing {c['differing_tags']}; sentences parsed {c['parsed']}, parses differing (or parsed on one side "
          f"only) {c['differing_parses']}")
    print(f"mentions {c['mentions']}, events {c['events']}, texts whose mention, event or note rows differ "
          f"{c['differing_row_texts']}")
    print(f"analysis CPU (analyze_articles on chunks of {CHUNK}, both sides interleaved): {args.repo} "
          f"{cpu['other']:.1f} s, this checkout {cpu['this']:.1f} s ({cpu['this'] / max(cpu['other'], 1e-9):.2f} x)")
    same = c["differing_tags"] == c["differing_parses"] == c["differing_row_texts"] == 0
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
