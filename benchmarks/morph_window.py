"""How much morphology a windowed tagger would save (issue 20): an estimate, to decide whether to build it.

slovnet's morphology tagger is a convolution over a few tokens each side (its receptive field: ``--radius``), so the
tags of an NER span's tokens depend only on the tokens within that radius. Sentences the events stage reads (a
trigger can match: ``events.extract.trigger_candidate``) need every tag; a sentence tagged only for its spans (its
names' normal forms and cases) could be tagged on windows around the spans instead. This counts, on the NEREL and
factRuEval dev texts, the tokens tagged today and the tokens a windowed tagger would run on (each span's tokens, the
radius each side whose tags are right, and the radius again as context), and prints the share saved. It measures
no time and changes nothing.

    .venv/bin/python benchmarks/morph_window.py [--limit 300] [--radius 3]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVAL = ROOT.parent / "shared" / "eval"


def windowed_tokens(sent, spans: list[tuple[int, int]], radius: int) -> int:
    """Tokens a windowed tagger reads for one sentence: its span tokens, ``radius`` each side, and ``radius`` more."""
    n = len(sent.tokens)
    inside = [i for i, tok in enumerate(sent.tokens) if any(a <= tok.start and tok.stop <= b for a, b in spans)]
    read = {j for i in inside for j in range(max(0, i - 2 * radius), min(n, i + 2 * radius + 1))}
    return len(read)


def main() -> None:
    from pipeline.core.entities.ner import analyze, span_sentences
    from pipeline.core.events.extract import trigger_candidate

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=300, help="NEREL documents (0: all 840); factRuEval's 122 always")
    ap.add_argument("--radius", type=int, default=3, help="the tagger's receptive field, tokens each side")
    args = ap.parse_args()
    nerel = [json.loads(line)["text"] for line in open(EVAL / "nerel_traindev.jsonl", encoding="utf-8")]
    texts = (nerel[:args.limit] if args.limit else nerel) + \
        [json.loads(line)["text"] for line in open(EVAL / "factrueval2016_devset.jsonl", encoding="utf-8")]
    total = tagged = windowed = trigger = 0
    for text in texts:
        doc = analyze(text, syntax=False, morph=False)
        has_span = span_sentences(doc)
        spans = [(s.start, s.stop) for s in doc.spans]
        for sent in doc.sents:
            n = len(sent.tokens)
            total += n
            if trigger_candidate(sent):
                tagged, windowed, trigger = tagged + n, windowed + n, trigger + n
            elif has_span(sent):
                tagged += n
                windowed += windowed_tokens(sent, spans, args.radius)
    print(json.dumps({"texts": len(texts), "tokens": total, "tagged_now": tagged, "in_trigger_sentences": trigger,
                      "windowed": windowed, "morphology_tokens_saved": round(1 - windowed / tagged, 3)}))


if __name__ == "__main__":
    main()
