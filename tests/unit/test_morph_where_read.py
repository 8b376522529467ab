"""Morphology only where it is read, and the other shortcuts of issue 20's fifth round: each selection is a superset
of what its readers read, and each shortcut gives what the long way gives."""

from __future__ import annotations

import random
import unicodedata

import pytest

from pipeline.core.entities import invisible


# ---------------------------------------------------------------- for_ner's shortcut for unchanged texts
def _for_ner_reference(text: str):
    """for_ner as it was before the shortcut: the loop over every cluster."""
    if unicodedata.is_normalized("NFKC", text) and not invisible._FORMAT.search(text):
        return None
    out, starts, ends = [], [], []
    for i, last, cluster in invisible._clusters(text):
        out.append(cluster)
        starts.extend([i] * len(cluster))
        ends.extend([last] * len(cluster))
    normal = "".join(out)
    return None if normal == text else invisible.NormalText(normal, tuple(starts), tuple(ends))


_ALPHABET = ("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЕЁЙКЛМНОЯ abcXYZ019.,;:-–—«»\"'()\n"
             "…№\u00a0\u2009²½™©°ªµº\u0301\u0308\u0306\u200b\u200d\u202e\u2060\ufeff\u00adﬁﬂＴｏ①Ⅻ㎏ｶ가漢字😀\u0338")


@pytest.mark.parametrize("seed", range(8))
def test_for_ner_shortcut_equals_the_loop_on_random_texts(seed):
    rng = random.Random(seed)
    for _ in range(3000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 12)))
        assert invisible.for_ner(text) == _for_ner_reference(text), repr(text)


@pytest.mark.parametrize("text", ["", "\u0301", "е\u0308", "Е\u0308ж", "a\u0301\u200b", "ﬁ", "Указ № 5\u00a0от 1…2²",
                                  "Ки\u200bсида", "\u00ad", "ª", "x\u0338", "Ｔｏｋｙｏ", "й", "и\u0306"])
def test_for_ner_shortcut_equals_the_loop_on_edge_cases(text):
    assert invisible.for_ner(text) == _for_ner_reference(text)


def test_stable_characters_are_stable():
    stable = set(invisible._UNSTABLE.sub("", "".join(chr(c) for c in range(0x3000))))
    assert {"а", "Я", "ё", "…", "№", "\u00a0", "«", "a", "\n"} <= stable
    for ch in stable:
        assert invisible._stable(ch), repr(ch)
    assert not {"\u200b", "\u0301", "ﬁ", "ª", "µ", "\u00ad"} & stable


# ---------------------------------------------------------------- the sentences whose morphology is read
def test_lemma_candidates_hold_every_lemma_the_tagger_can_lead_to():
    from pipeline.core.entities import ner

    for word in ["провёл", "Переговоры", "встретились", "людей", "шёл", "Кисида", "ЁЖ", "123", "—", "визитом"]:
        candidates = ner.lemma_candidates(word)
        forms = ner.models().vocab(word.lower().replace("ё", "е"))
        for form in forms:  # whatever the tags, the lemmatizer picks one of these forms or none
            assert ner.lemma(word, form.pos, form.feats) in candidates
        assert ner.lemma(word, "X", {}) in candidates and ner.lemma(word, None, None) in candidates


def test_trigger_candidate_is_a_superset_of_needs_syntax():
    from pipeline.core.entities import ner
    from pipeline.core.events.extract import needs_syntax, trigger_candidate

    text = ("Премьер-министр Японии Фумио Кисида провёл переговоры с президентом Южной Кореи в Сеуле. "
            "Погода была ясной. Стороны подписали соглашение о сотрудничестве. Встреча прошла в Токио.\n\n"
            "Министры встретились.")
    doc = ner.analyze(text, syntax=False)  # every sentence tagged and lemmatized
    assert any(needs_syntax(s) for s in doc.sents)
    for sent in doc.sents:
        assert trigger_candidate(sent) or not needs_syntax(sent)
    assert not trigger_candidate(doc.sents[1])  # "Погода была ясной.": no trigger can start here


def test_analysis_tags_span_and_trigger_sentences_and_completes_on_demand():
    from pipeline.core.entities import ner
    from pipeline.core.events.extract import needs_syntax, trigger_candidate

    text = "Погода была ясной. Фумио Кисида сейчас в Сеуле. Стороны подписали соглашение. Дождь шёл весь день."
    ner._ANALYSES.pop(text, None)
    doc = ner.analyze(text, syntax=needs_syntax, morph=trigger_candidate)
    tagged = [ner.is_tagged(s) for s in doc.sents]
    lemmatized = [ner.is_lemmatized(s) for s in doc.sents]
    assert tagged == [False, True, True, False]  # spans in the 2nd, a trigger can start in the 3rd
    assert lemmatized == [False, False, True, False]  # lemmas only where the events stage reads them
    assert [ner.is_parsed(s) for s in doc.sents] == [False, False, True, False]
    full = ner.analyze(text, syntax=False)  # every sentence: the same object, completed
    assert full is doc and all(ner.is_tagged(s) and ner.is_lemmatized(s) for s in doc.sents)
    fresh = ner.natasha().Doc(text)
    fresh.segment(ner.models().segmenter)
    fresh.tag_morph(ner.models().morph)
    assert [(t.pos, t.feats) for t in doc.tokens] == [(t.pos, t.feats) for t in fresh.tokens]
    ner._ANALYSES.pop(text, None)
