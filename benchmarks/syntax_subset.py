"""The dependency parse only where the events stage reads it: same parses, same events, less CPU.

The parse has two readers: natasha's normalizer of ORG names, which reads the sentences holding an ORG span
(``entities.ner.org_sentences``), and the events stage, which reads only sentences that hold every lemma of
some trigger pattern (``events.extract.needs_syntax``). For each text this compares

* the parse of every sentence the stages' path (``analyze_many(..., syntax=needs_syntax)``, then the calls of
  linking and events) parsed, against natasha's parse of the whole document in one call, as the analysis ran
  before (:func:`whole_document_analysis`): they must be equal token for token;
* the linked mentions (spans, normal forms, links) and the events of the two analyses: they must be equal field
  for field;

and prints the share of sentences parsed and the CPU seconds of the whole analysis both ways, interleaved text
by text (process time, so a loaded machine changes less). ``tests/realdata/test_syntax_subset.py`` runs the
comparisons on a sample.

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
    cpu_whole_document: float = 0.0
    cpu_selected: float = 0.0


def _parses(doc) -> dict[int, list[tuple]]:
    from pipeline.core.entities.ner import is_parsed

    return {i: [(t.id, t.head_id, t.rel) for t in s.tokens] for i, s in enumerate(doc.sents) if is_parsed(s)}


def whole_document_analysis(text: str):
    """The analysis as it was before the parse was restricted: segment, morphology, NER, and natasha's parse of
    every sentence in one call (``parse_syntax_capped`` with ``wanted=True`` on an unparsed document)."""
    from pipeline.core.entities import ner
    from pipeline.core.entities.fast_ner import tag_morph_docs, tag_ner_docs

    m = ner.models()
    doc = ner.natasha().Doc(text)
    doc.segment(m.segmenter)
    tag_morph_docs([doc], m.morph)
    ner.parse_syntax_capped(doc, m.syntax)
    tag_ner_docs([doc], m.ner)
    for token in doc.tokens:
        token.lemma = ner.lemma(token.text, token.pos, token.feats)
    return doc


def _analysis(text: str, whole_document: bool):
    """(natasha Doc, linked mention rows, event drafts, CPU seconds of the whole analysis: NER, parse, linking,
    events) of ``text``, analysed afresh either the stages' way or with every sentence parsed up front."""
    from pipeline.core.entities import ner
    from pipeline.core.entities.linking import link_article
    from pipeline.core.events.extract import extract_events, needs_syntax

    ner._ANALYSES.clear()
    start = time.process_time()
    if whole_document:
        doc = ner._ANALYSES[text] = whole_document_analysis(text)
    else:
        doc = ner.analyze_many([text], syntax=needs_syntax)[0]  # as analysis.analyze_articles primes a batch
    mentions = link_article("compare", text)
    events = extract_events(text, mentions, None)
    spent = time.process_time() - start
    ner._ANALYSES.clear()
    return doc, [m.as_row() for m in mentions], [asdict(ev) for ev in events], spent


def compare(texts: list[str]) -> Comparison:
    """Parses, mentions and events of ``texts`` both ways, one text at a time (see the module docstring)."""
    out = Comparison()
    for text in texts:
        if not text.strip():
            continue
        out.texts += 1
        whole_doc, whole_mentions, whole_events, whole_cpu = _analysis(text, whole_document=True)
        doc, mentions, events, cpu = _analysis(text, whole_document=False)
        whole, selected = _parses(whole_doc), _parses(doc)
        out.sentences += len(whole_doc.sents)
        out.parsed += len(selected)
        out.differing_parses += sum(1 for i, parse in selected.items() if whole.get(i) != parse)
        out.mentions += len(whole_mentions)
        out.events += len(whole_events)
        out.differing_mention_texts += mentions != whole_mentions
        out.differing_event_texts += events != whole_events
        out.cpu_whole_document += whole_cpu
        out.cpu_selected += cpu
    return out


def eval_texts(limit: int = 0) -> list[str]:
    texts = [json.loads(line)["text"] for line in (EVAL / "nerel_traindev.jsonl").open(encoding="utf-8")]
    texts += [json.loads(line)["text"] for line in (EVAL / "factrueval2016_devset.jsonl").open(encoding="utf-8")]
    return texts[:limit] if limit else texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="texts to compare (0: all 962)")
    args = parser.parse_args(argv)
    result = compare(eval_texts(args.limit))
    print(f"texts {result.texts}, sentences {result.sentences}, parsed for ORG names and events {result.parsed} "
          f"({result.parsed / max(result.sentences, 1):.1%}), parses differing from natasha's whole-document "
          f"parse {result.differing_parses}")
    print(f"mentions {result.mentions}, texts whose mentions (spans, normal forms, links) differ "
          f"{result.differing_mention_texts}")
    print(f"events {result.events}, texts whose events differ {result.differing_event_texts}")
    print(f"analysis CPU (NER, parse, linking, events; one text at a time, both ways interleaved): every sentence "
          f"parsed {result.cpu_whole_document:.1f} s, the selected ones {result.cpu_selected:.1f} s "
          f"({result.cpu_selected / max(result.cpu_whole_document, 1e-9):.2f} x)")
    same = result.differing_parses == result.differing_mention_texts == result.differing_event_texts == 0
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
