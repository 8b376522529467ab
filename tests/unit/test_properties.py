"""Hypothesis property tests for the pure stage functions: nothing escapes, offsets stay valid, idempotence."""

import os
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.core.dates import find_dates
from pipeline.core.entities.names import fold, nominative_east_asian, stem_key
from pipeline.core.errors import RejectError
from pipeline.core.events.money import find_money
from pipeline.core.events.when import find_event_date
from pipeline.core.build import extract_documents as extract_batch
from pipeline.core.cleaning.document import reflow
from pipeline.core.documents import document_from_bytes
from pipeline.core.encoding import decode
from pipeline.core.markdown import logical_lines, strip_inline
from pipeline.core.metadata import parse_authors, parse_rubrics, parse_views

EXAMPLES = int(os.environ.get("VOSTOK_PROPERTY_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

markdownish = st.text(alphabet=st.sampled_from(list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"
                                                    "abcxyzABC0123456789 .,:;!?-–—«»\"'()[]#*_|\\/@\n\t<>&=©👁")),
                      max_size=600)


@SETTINGS
@given(markdownish)
def test_segmentation_never_raises_and_loses_no_letters(text):
    lines = logical_lines(text)
    for line in lines:
        assert "\n" not in line.text
        assert 0 <= line.link_chars <= len(line.text)
    stripped, link_chars = strip_inline(text.replace("\n", " "))
    assert link_chars <= len(stripped)


@SETTINGS
@given(markdownish)
def test_extraction_never_raises_anything_but_reject(text):
    try:
        doc = document_from_bytes("x.md", text.encode("utf-8"))
    except RejectError:
        return
    cleaned, rejects = extract_batch([doc])
    assert len(cleaned) + len(rejects) == 1
    assert all(r.reason != "internal_error" for r in rejects), rejects
    for c in cleaned:
        assert all(p and "\n" not in p for p in c.paragraphs)


@SETTINGS
@given(st.lists(st.text(alphabet="абвгд ежз.,", min_size=1, max_size=40).map(str.strip).filter(bool), max_size=8))
def test_reflow_is_idempotent(paragraphs):
    once, raw = reflow(paragraphs, paragraphs)
    twice, _ = reflow(once, raw)
    assert once == twice


@SETTINGS
@given(st.binary(max_size=2000))
def test_decoding_arbitrary_bytes_is_text_or_a_reject(data):
    try:
        text, encoding = decode(data)
    except RejectError as exc:
        assert exc.reason == "undecodable"
        return
    assert isinstance(text, str) and encoding


@SETTINGS
@given(markdownish, st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 1, 1))))
def test_date_and_money_parsers_never_raise(text, published):
    for d in find_dates(text):
        assert 1 <= d.local.month <= 12
    when = find_event_date(text, published)
    assert when is None or when.precision in ("day", "month", "year")
    for m in find_money(text):
        assert m.amount >= 0 and len(m.currency) == 3 and 0 <= m.start < m.end <= len(text)
    parse_authors([text])
    parse_views([text])
    parse_rubrics([text], None)


@SETTINGS
@given(st.text(max_size=60))
def test_linking_keys_are_stable(name):
    key = stem_key(name)
    assert stem_key(name) == key
    assert fold(fold(name)) == fold(name)
    nominative_east_asian(name, name, (), lambda w: False)


@SETTINGS
@given(st.lists(st.sampled_from(["Пак Чжин встретился с Энтони Блинкеном в Сеуле.", "КНДР и Россия.", "Ким заявил.",
                                 "Япония выделит грант.", "  ", "\n\n", "Фумио Кисида", "«Газпром»", "У. Хурэлсух"]),
                max_size=6))
def test_mentions_always_match_the_body(parts):
    from pipeline.core.entities.linking import link_article

    body = " ".join(parts)
    for m in link_article("a", body):
        assert 0 <= m.start < m.end <= len(body)
        assert body[m.start:m.end] == m.text
