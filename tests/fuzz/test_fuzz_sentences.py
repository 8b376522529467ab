"""Hypothesis over sentence lengths and invisible characters, through NER, linking and events, for ``make fuzz``.

Sentences of 1 to 3,000 tokens (the syntax parser's memory grows with the square of a sentence's length, the
CNNs' with a batch's padded length), with zero-width and bidi characters inside words: the analysis never fails,
offsets index the body, the notes say when a sentence was too long and when the names were read normalized, and
memory stays bounded. Runs ``VOSTOK_FUZZ_EXAMPLES / 100`` examples (the analysis is ~100 times slower than
extraction per example).
"""

import os
import resource

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("VOSTOK_FUZZ_EXAMPLES", "0"))
pytestmark = pytest.mark.skipif(EXAMPLES == 0, reason="set VOSTOK_FUZZ_EXAMPLES (make fuzz)")

WORDS = ["Япония", "Монголия", "Кисида", "Хурэлсух", "министр", "провёл", "переговоры", "в", "Улан-Баторе", ",", "и",
         "а", "Сеуле", "МИД", "«", "»", "-", "2024"]
#: no mark (most words), zero-width and other format characters, every bidi control (U+202A-U+202E, U+2066-U+2069)
INVISIBLE = [""] * 8 + ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060", "\u200e", "\u200f"] + \
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
_START = []


@st.composite
def sentence(draw):
    n = draw(st.one_of(st.integers(1, 40), st.integers(150, 400), st.integers(1000, 3000)))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=n, max_size=n))
    marks = draw(st.lists(st.sampled_from(INVISIBLE), min_size=n, max_size=n))
    return " ".join(w[: len(w) // 2] + m + w[len(w) // 2:] for w, m in zip(words, marks)) + "."


@settings(max_examples=max(EXAMPLES // 100, 1), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(sentence(), min_size=1, max_size=6), st.sampled_from([" ", "\n\n"]))
def test_any_sentence_lengths_are_analysed_within_bounds(sentences, joiner):
    from pipeline.core.analysis import AnalysisFailure, analyze_articles, analyzed_text
    from pipeline.core.entities.ner import models

    models()
    if not _START:
        _START.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    body = joiner.join(sentences)
    (result,) = analyze_articles([("a", body, None)])
    assert not isinstance(result, AnalysisFailure), result
    mentions, events, notes = result
    for m in mentions:
        assert body[m["start"]:m["end"]] == m["text"]
    for e in events:
        assert 0 <= e["start"] < e["end"] <= len(body)
    if any(len(s.split()) > 1500 for s in sentences):
        assert "long_sentence" in notes
    if any(m and m in analyzed_text(body) for m in INVISIBLE):
        assert "names_normalized" in notes
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - _START[0]) / 1024
    assert growth_mb < 1024, f"analysis memory grew by {growth_mb:.0f} MB"
