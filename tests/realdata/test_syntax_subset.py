"""The analysis parses only the sentences the parse's readers read (ORG normal forms, events), and that changes
no parse, no mention and no event.

On factRuEval dev texts when ../shared/eval is present (``benchmarks/syntax_subset.py`` runs the same comparison
on all 962 NEREL and factRuEval texts); on raw/, ``make verify`` rebuilds the release's events byte for byte."""

import json

import pytest

from benchmarks.syntax_subset import compare
from pipeline.core.entities import ner
from pipeline.core.events.extract import needs_syntax
from tests.conftest import EVAL

FACTRU = EVAL / "factrueval2016_devset.jsonl"


@pytest.mark.skipif(not FACTRU.exists(), reason="needs ../shared/eval")
def test_factrueval_parses_and_events_equal_the_whole_document_parse():
    texts = [json.loads(line)["text"] for line in FACTRU.open(encoding="utf-8")][:30]
    result = compare(texts)
    assert result.texts == 30 and result.events > 0 and 0 < result.parsed < result.sentences
    assert result.differing_parses == 0
    assert result.mentions > 0 and result.differing_mention_texts == 0
    assert result.differing_event_texts == 0


def test_a_cached_partial_analysis_is_completed_when_more_is_asked():
    text = ("Премьер-министр Японии провел встречу с президентом Южной Кореи в Сеуле. Погода была ясной. "
            "Стороны подписали соглашение о сотрудничестве.")
    ner._ANALYSES.clear()
    partial = ner.analyze(text, syntax=needs_syntax)
    parsed = [ner.is_parsed(s) for s in partial.sents]
    assert parsed == [True, False, True]
    full = ner.analyze(text)  # every sentence: the same object, completed
    assert full is partial and all(ner.is_parsed(s) for s in full.sents)
    ner._ANALYSES.clear()
    assert not any(ner.is_parsed(s) for s in ner.analyze(text, syntax=False).sents)
    ner._ANALYSES.clear()


def test_org_normal_forms_read_the_parse_so_org_sentences_are_parsed():
    text = "Сотрудники Министерства иностранных дел прибыли утром. Погода была ясной."
    ner._ANALYSES.clear()
    doc = ner.analyze(text, syntax=False)
    assert [ner.is_parsed(s) for s in doc.sents] == [True, False]  # the ORG's sentence only
    org = next(s for s in doc.spans if s.type == "ORG")
    org.normalize(ner.models().vocab)
    assert org.normal == "Министерство иностранных дел"  # natasha inflects the head it finds on the parse
    for token in doc.sents[0].tokens:  # without a parse every word is inflected
        token.id = token.head_id = token.rel = None
    org.normalize(ner.models().vocab)
    assert org.normal != "Министерство иностранных дел"
    ner._ANALYSES.clear()


def test_every_trigger_pattern_makes_its_sentence_parsed():
    from types import SimpleNamespace

    from pipeline.core.events.ontology import triggers

    for trigger in triggers():
        tokens = [SimpleNamespace(lemma=lemma, text=lemma) for lemma in trigger.lemmas]
        assert needs_syntax(SimpleNamespace(tokens=tokens)), trigger
