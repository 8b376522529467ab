"""The fast paths give exactly stock natasha's output: NER spans (segment, then ``doc.tag_ner``), and
morphology batched across documents (``doc.tag_morph`` per document), and the syntax that follows it.

On every factRuEval dev text when ../shared/eval is present, and always on the raw/ seed pages and on
texts of awkward lengths (empty, one token, a batch of mixed lengths)."""

import json

import numpy as np
import pytest

from benchmarks.ner import stock_spans
from pipeline.core.entities import fast_ner
from pipeline.core.entities.ner import models, natasha
from tests.conftest import EVAL, RAW

FACTRU = EVAL / "factrueval2016_devset.jsonl"


def _segmented(texts: list[str]) -> list:
    m = models()
    docs = []
    for text in texts:
        doc = natasha().Doc(text)
        doc.segment(m.segmenter)
        docs.append(doc)
    return docs


def fast_spans(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    docs = _segmented(texts)
    fast_ner.tag_ner_docs(docs, models().ner)
    return [[(s.start, s.stop, s.type) for s in d.spans] for d in docs]


def assert_same(texts: list[str]) -> int:
    fast = fast_spans(texts)
    differing = [i for i, text in enumerate(texts) if stock_spans(text) != fast[i]]
    assert differing == [], f"{len(differing)} of {len(texts)} texts differ, first: {texts[differing[0]][:200]!r}"
    return sum(len(f) for f in fast)


@pytest.mark.skipif(not FACTRU.exists(), reason="../shared/eval/factrueval2016_devset.jsonl not present")
def test_fast_ner_equals_stock_on_factrueval():
    texts = [json.loads(line)["text"] for line in FACTRU.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) == 122
    assert assert_same(texts) > 1000


def test_fast_ner_equals_stock_on_seeds_and_odd_lengths():
    from pipeline.core.ingest import ingest

    documents, _ = ingest(RAW)
    texts = [d.text for d in documents]
    texts += ["", "   ", "Путин", "Токио.", "Премьер-министр Японии Фумио Кисида встретился с Хурэлсухом в Нью-Йорке. " * 40]
    texts += [texts[0][:n] for n in (10, 100, 1000)]
    assert assert_same(texts) > 20


def test_vectorized_viterbi_equals_slovnet_crf():
    crf = models().ner.infer.model.head.crf
    rng = np.random.default_rng(7)
    tags = crf.transitions.array.shape[0]
    lengths = [1, 2, 5, 17, 17, 30]
    emissions = rng.normal(size=(len(lengths), max(lengths), tags)).astype(np.float32)
    mask = np.zeros((len(lengths), max(lengths)), dtype=bool)
    for row, n in enumerate(lengths):
        mask[row, :n] = True
    expected = crf.decode(emissions.copy(), mask.copy())
    got = fast_ner.viterbi(emissions.copy(), mask.copy(), crf.transitions.array)
    assert [list(e) for e in expected] == [list(g) for g in got]
    assert [len(g) for g in got] == lengths


def _token_analysis(docs) -> list:
    return [[(t.pos, tuple(sorted((t.feats or {}).items())), t.id, t.head_id, t.rel) for t in d.tokens] for d in docs]


def assert_same_morph_and_syntax(texts: list[str]) -> None:
    m = models()
    stock = _segmented(texts)
    for doc in stock:
        doc.tag_morph(m.morph)
        doc.parse_syntax(m.syntax)
    fast = _segmented(texts)
    for k in range(0, len(fast), 32):  # the chunks the pipeline uses
        fast_ner.tag_morph_docs(fast[k:k + 32], m.morph)
    for doc in fast:
        doc.parse_syntax(m.syntax)  # syntax stays per document (fast_ner explains why); it reads the tags too
    expected, got = _token_analysis(stock), _token_analysis(fast)
    differing = [i for i in range(len(texts)) if expected[i] != got[i]]
    assert differing == [], f"{len(differing)} of {len(texts)} texts differ, first: {texts[differing[0]][:200]!r}"


@pytest.mark.skipif(not FACTRU.exists(), reason="../shared/eval/factrueval2016_devset.jsonl not present")
def test_batched_morphology_and_syntax_equal_natasha_on_factrueval():
    assert_same_morph_and_syntax([json.loads(line)["text"] for line in FACTRU.read_text(encoding="utf-8").splitlines()
                                  if line.strip()])


def test_batched_morphology_and_syntax_equal_natasha_on_seeds():
    from pipeline.core.ingest import ingest

    documents, _ = ingest(RAW)
    assert_same_morph_and_syntax([d.text for d in documents] + ["Путин", "", "Кисида прибыл в Токио. Встреча прошла."])
