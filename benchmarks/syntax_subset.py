"""The dependency parse only where the events stage reads it: same parses, same events, less CPU.

The parse has two readers: natasha's normalizer of ORG names, which reads the sentences holding an ORG span
(``entities.ner.org_sentences``), and the events stage, which reads only sentences where a trigger pattern's
first lemma occurs (``events.extract.needs_syntax``). For each text this compares

* the parse of every sentence the stage selects, parsed alone with the other selected ones, against natasha's
  parse of the whole document (``doc.parse_syntax``): they must be equal token for token;
* the linked mentions (spans, normal forms, links) and the events of the stages' path
  (``analyze_many(..., syntax=needs_syntax)``) against those of an analysis with every sentence parsed: they
  must be equal field for field;

and prints the share of sentences parsed and the CPU seconds of the parse both ways (process time, so a loaded
machine changes little). ``tests/realdata/test_syntax_subset.py`` runs the comparisons on a sample.

    .venv/bin/python benchmarks/syntax_subset.py                 # every NEREL and factRuEval dev text
    .venv/bin/python benchmarks/syntax_subset.py --limit 100
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


@dataclass
class Comparison:
    texts: int = 0
    sentences: int = 0
    parsed: int = 0
    differing_parses: int = 0
    mentions: int = 0
    differing_mention_texts: int = 0
    events: int = 0
    differing_event_texts: int = 0
    cpu_full_parse: float = 0.0
    cpu_subset_parse: float = 0.0


def _parses(doc) -> dict[int, list[tuple]]:
    from pipeline.core.entities.ner import is_parsed

    return {i: [(t.id, t.head_id, t.rel) for t in s.tokens] for i, s in enumerate(doc.sents) if is_parsed(s)}


def _analysis(text: str, syntax) -> tuple[list, list[dict]]:
    """The linked mentions and the events stage's drafts of ``text`` from a fresh analysis parsed as ``syntax``
    says."""
    from pipeline.core.entities import ner
    from pipeline.core.entities.linking import link_article
    from pipeline.core.events.extract import extract_events

    ner._ANALYSES.clear()
    ner.analyze_many([text], syntax=syntax)  # as analysis.analyze_articles primes the batch
    mentions = link_article("compare", text)
    return [m.as_row() for m in mentions], [asdict(ev) for ev in extract_events(text, mentions, None)]


def compare(texts: list[str], events: bool = True) -> Comparison:
    """Parses and events of ``texts`` both ways (see the module docstring)."""
    from pipeline.core.entities import ner
    from pipeline.core.events.extract import needs_syntax

    m = ner.models()
    out = Comparison()
    clock = time.process_time
    for text in texts:
        if not text.strip():
            continue
        out.texts += 1
        ner._ANALYSES.clear()
        doc = ner.natasha().Doc(text)
        doc.segment(m.segmenter)
        doc.tag_morph(m.morph)
        doc.tag_ner(m.ner)
        for token in doc.tokens:
            token.lemma = ner.lemma(token.text, token.pos, token.feats)
        orgs = ner.org_sentences(doc)
        start = clock()
        ner.parse_syntax_capped(doc, m.syntax, wanted=lambda sent: orgs(sent) or needs_syntax(sent))
        out.cpu_subset_parse += clock() - start
        subset = _parses(doc)
        full_doc = ner.natasha().Doc(text)
        full_doc.segment(m.segmenter)
        start = clock()
        ner.parse_syntax_capped(full_doc, m.syntax)
        out.cpu_full_parse += clock() - start
        full = _parses(full_doc)
        out.sentences += len(full_doc.sents)
        out.parsed += len(subset)
        out.differing_parses += sum(1 for i, parse in subset.items() if full.get(i) != parse)
        if events:
            mine = _analysis(text, needs_syntax)
            stock = _analysis(text, True)
            out.mentions += len(stock[0])
            out.events += len(stock[1])
            out.differing_mention_texts += mine[0] != stock[0]
            out.differing_event_texts += mine[1] != stock[1]
    ner._ANALYSES.clear()
    return out


def eval_texts(limit: int = 0) -> list[str]:
    texts = [json.loads(line)["text"] for line in (EVAL / "nerel_traindev.jsonl").open(encoding="utf-8")]
    texts += [json.loads(line)["text"] for line in (EVAL / "factrueval2016_devset.jsonl").open(encoding="utf-8")]
    return texts[:limit] if limit else texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="texts to compare (0: all 962)")
    parser.add_argument("--no-events", action="store_true", help="compare parses only (faster)")
    args = parser.parse_args(argv)
    result = compare(eval_texts(args.limit), events=not args.no_events)
    print(f"texts {result.texts}, sentences {result.sentences}, parsed for ORG names and events {result.parsed} "
          f"({result.parsed / max(result.sentences, 1):.1%}), parses differing from natasha's whole-document "
          f"parse {result.differing_parses}")
    if not args.no_events:
        print(f"mentions {result.mentions}, texts whose mentions (spans, normal forms, links) differ "
              f"{result.differing_mention_texts}")
        print(f"events {result.events}, texts whose events differ {result.differing_event_texts}")
    print(f"parse CPU: every sentence {result.cpu_full_parse:.1f} s, the selected ones {result.cpu_subset_parse:.1f} s "
          f"({result.cpu_subset_parse / max(result.cpu_full_parse, 1e-9):.2f} x)")
    same = result.differing_parses == result.differing_mention_texts == result.differing_event_texts == 0
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
