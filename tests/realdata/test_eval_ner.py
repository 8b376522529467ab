"""NER on factRuEval-2016 dev (skipped when ../shared/eval is absent)."""

import json

import pytest

from benchmarks import ner as bench
from pipeline.core.entities.spans import name_spans
from tests.conftest import EVAL

pytestmark = pytest.mark.realdata
FACTRU = EVAL / "factrueval2016_devset.jsonl"


@pytest.mark.skipif(not FACTRU.exists(), reason="../shared/eval/factrueval2016_devset.jsonl not present")
def test_pipeline_ner_beats_stock_natasha_on_dev(capsys):
    """Names only: factRuEval does not annotate the place adjectives the mentions table adds."""
    docs = [json.loads(line) for line in FACTRU.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = [bench.gold_spans(d) for d in docs]
    stock = bench.score([set(bench.stock_spans(d["text"])) for d in docs], gold)
    ours = bench.score([{(s.start, s.end, s.type) for s in name_spans(d["text"])} for d in docs], gold)
    assert ours["micro"]["f1"] >= stock["micro"]["f1"] + 0.015, (ours, stock)
    assert ours["micro"]["f1"] >= 0.875
