"""Hostile content, unit level: the analysis's memory caps, metadata bounds, invisible characters in names and a
corrupt document cache (tests/hostile/test_content_cases.py builds the whole cases)."""

import logging
import os
import sqlite3
import unicodedata

import pytest

from pipeline.core.document_cache import DocumentCache
from pipeline.core.entities.fast_ner import bounded_batches
from pipeline.core.entities.invisible import for_ner
from pipeline.core.metadata_bounds import public_url, published_in_range


# ---------------------------------------------------------------- batches bounded by padded positions
def test_bounded_batches_keep_ordinary_batches_and_split_long_items():
    sizes = [10] * 20 + [300, 5000]
    batches = bounded_batches(list(range(len(sizes))), lambda i: sizes[i], 16, 4096)
    assert batches[0] == list(range(16))  # ordinary items: full batches, as before
    assert [i for b in batches for i in b] == list(range(len(sizes)))  # every item once, in order
    for b in batches:
        assert len(b) <= 16 and (len(b) == 1 or len(b) * max(sizes[i] for i in b) <= 4096)
    assert batches[-1] == [21]  # larger than the budget: alone


def test_ner_spans_do_not_depend_on_the_padded_budget(monkeypatch):
    """The budget only changes which documents share a CNN batch, never the spans."""
    from pipeline.core.entities import fast_ner
    from pipeline.core.entities.ner import models, natasha

    texts = ["Премьер-министр Японии Фумио Кисида прибыл в Улан-Батор.",
             "Президент Монголии Ухнаагийн Хурэлсух встретился с президентом Южной Кореи в Сеуле. " * 6,
             "В Токио прошли переговоры МИД Японии и Китая."]
    m, nt = models(), natasha()
    docs = []
    for t in texts:
        d = nt.Doc(t)
        d.segment(m.segmenter)
        docs.append(d)
    tokens = [d.tokens for d in docs]
    wide = fast_ner.ner_spans(m.ner, tokens)
    monkeypatch.setattr(fast_ner, "NER_PADDED_TOKENS", 1)  # every document alone
    assert fast_ner.ner_spans(m.ner, tokens) == wide
    assert any(t == "PER" for spans in wide for _, _, t in spans)


def test_morphology_batches_are_bounded_and_tags_unchanged(monkeypatch):
    from pipeline.core.entities import fast_ner
    from pipeline.core.entities.ner import models, natasha

    m, nt = models(), natasha()

    def tags(text):
        d = nt.Doc(text)
        d.segment(m.segmenter)
        fast_ner.tag_morph_docs([d], m.morph)
        return [(t.pos, tuple(sorted((t.feats or {}).items()))) for t in d.tokens]

    text = "Министр провёл переговоры в Сеуле. " * 5 + "а " * 600 + "."
    seen = []
    real = fast_ner.morph_batch
    monkeypatch.setattr(fast_ner, "morph_batch",
                        lambda tagger, items: seen.append(len(items) * max(map(len, items))) or real(tagger, items))
    bounded = tags(text)
    assert max(seen) <= max(fast_ner.MORPH_PADDED_TOKENS, 602)  # the long sentence is not padded with the others
    monkeypatch.setattr(fast_ner, "MORPH_PADDED_TOKENS", 10 ** 9)
    assert tags(text) == bounded


def test_analysis_notes_say_which_cap_applied():
    from pipeline.core.analysis import MAX_ANALYZED_CHARS, analyze_articles

    ordinary = "Министр иностранных дел Японии провёл переговоры в Улан-Баторе. " * 3
    long_sentence = ordinary + "Япония, Монголия, Китай, " * 120 + "Корея."
    long_body = "\n\n".join(f"Абзац {i}. " + ordinary for i in range(MAX_ANALYZED_CHARS // len(ordinary) + 5))
    results = analyze_articles([("a", ordinary, None), ("b", long_sentence, None), ("c", long_body, None)])
    assert [r[2] for r in results] == [[], ["long_sentence"], ["analysis_truncated"]]


def test_memory_error_in_extraction_is_a_too_large_reject(monkeypatch):
    from pipeline.core import batch_rows
    from pipeline.core.batches import PreparedPage

    def bomb(*_):
        raise MemoryError

    monkeypatch.setattr(batch_rows, "clean_page", bomb)
    page = PreparedPage("bomb.md", "0" * 64, None, None, "key")
    reject = batch_rows._article_for(page, None, DocumentCache(None))
    assert (reject.stage, reject.reason) == ("extract", "too_large")
    assert "memory" in reject.message


def test_a_bug_met_on_one_article_is_its_internal_error_reject_not_the_runs_end(monkeypatch):
    from pipeline.core.analysis import AnalysisFailure, analyze_articles
    from pipeline.core.entities import linking

    real = linking.link_article

    def flawed(article_id, body, *args, **kwargs):
        if "Сеул" in body:
            raise IndexError("list index out of range")
        return real(article_id, body, *args, **kwargs)

    monkeypatch.setattr(linking, "link_article", flawed)
    good = "Министр иностранных дел Японии провёл переговоры в Улан-Баторе."
    results = analyze_articles([("a", good, None), ("b", "Переговоры прошли в Сеуле.", None), ("c", good, None)])
    assert isinstance(results[1], AnalysisFailure) and results[1].reason == "internal_error"
    assert results[1].message.startswith("IndexError in test_hostile_content.py:")  # where, without a path
    assert [[m["text"] for m in r[0]] for r in (results[0], results[2])] == [["Японии", "Улан-Баторе"]] * 2

    from pipeline.core.entities import ner

    one_by_one = ner.analyze_many

    def batch_fails(texts, *args, **kwargs):
        if len(texts) > 1:
            raise ValueError("a text natasha's batch fails on")
        return one_by_one(texts, *args, **kwargs)

    monkeypatch.setattr(ner, "analyze_many", batch_fails)  # the batch call fails: each article is analysed alone
    again = analyze_articles([("a", good, None), ("b", "Переговоры прошли в Сеуле.", None)])
    assert [m["text"] for m in again[0][0]] == ["Японии", "Улан-Баторе"] and again[1].reason == "internal_error"


# ---------------------------------------------------------------- metadata bounds
@pytest.mark.parametrize("url", ["https://babr24.com/?IDE=1", "https://президент.рф/news/72000",
                                 "http://www.mid.ru:8080/ru/press", "https://xn--d1abbgf6aiiy.xn--p1ai/"])
def test_public_urls_pass_and_match_the_suite(url):
    import json
    import re
    from pathlib import Path

    assert public_url(url)
    suite = json.loads((Path(__file__).resolve().parents[2] / "pipeline/data/gx/articles.json").read_text())
    pattern = next(e["kwargs"]["regex"] for e in suite["expectations"] if e["kwargs"].get("column") == "url")
    assert re.match(pattern, url)


@pytest.mark.parametrize("url", ["http://localhost/news/1", "httpfoo", "http://192.168.0.7/a", "http://[::1]/a",
                                 "ftp://mid.ru/a", "http://intranet/a", "https://site.local/a", "http://a b.ru/",
                                 "https://user@mid.ru/", "http://mid.ru:port/", "https://-bad.ru/", "https://x.123/"])
def test_non_public_urls_are_set_aside(url):
    assert not public_url(url)


def test_publication_years_outside_the_corpus_are_out_of_range():
    from datetime import datetime, timezone

    assert published_in_range(datetime(2024, 5, 1, tzinfo=timezone.utc)) and published_in_range(None)
    assert not published_in_range(datetime(1970, 1, 1, tzinfo=timezone.utc))
    assert not published_in_range(datetime(9999, 12, 31, tzinfo=timezone.utc))


def test_bad_dates_and_urls_become_null_fields_with_a_note(tmp_path):
    """Extract and metadata over the content cases: each bad value is set aside with its note, the IDN URL kept."""
    from pipeline.core.build import extract_files
    from tests.hostile.cases_content import bad_dates, bad_urls

    bad_dates(tmp_path)
    bad_urls(tmp_path)
    rows, rejects = extract_files(sorted(str(p) for p in tmp_path.iterdir()))
    assert not rejects, [(r.source_path, r.reason, r.message) for r in rejects]
    by_name = {os.path.basename(r["source_path"]): r for r in rows}
    for name in ("date-jsonld-1970.html", "date-year-0001-offset.html", "date-year-9999-offset.html"):
        row = by_name[name]
        assert row["published_at"] is None and row["published_local"] is None and row["timezone"] is None
        assert row["notes"] == ["published_out_of_range"], name
    assert by_name["date-jsonld-2099.html"]["published_at"].year == 2099  # left to the reference-time check
    for name in ("url-localhost.html", "url-httpfoo.html", "url-private.html"):
        row = by_name[name]
        assert row["url"] is None and row["outlet"] is None and row["notes"] == ["url_invalid"], name
    idn = by_name["url-idn.html"]
    assert idn["url"] == "https://президент.рф/news/72000" and idn["outlet"] == "президент.рф" and idn["notes"] == []


# ---------------------------------------------------------------- invisible characters
def test_normal_text_is_left_alone():
    assert for_ner("Фумио Кисида прибыл в Улан-Батор.") is None


@pytest.mark.parametrize("text,word", [("Фумио Ки\u200bсида прибыл", "Кисида"), ("Хурэл\u202eсух прибыл", "Хурэлсух"),
                                       ("\ufeffФумио\u2060 Кисида\u200d", "Кисида"), ("Ｔｏｋｙｏ и Кисида", "Tokyo")])
def test_format_characters_go_and_offsets_map_back(text, word):
    n = for_ner(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    assert all(0 <= s < e <= len(text) for s, e in zip(n.starts, n.ends))
    start = n.text.index(word)
    a, b = n.original_span(start, start + len(word))
    assert unicodedata.normalize("NFKC", "".join(c for c in text[a:b] if unicodedata.category(c) != "Cf")) == word
    assert unicodedata.category(text[b - 1]) != "Cf"  # a trailing invisible character stays outside the span


def test_a_zero_width_space_inside_a_name_links_to_the_same_entity():
    from pipeline.core.entities.linking import link_article

    plain = "Премьер-министр Японии Фумио Кисида прибыл в Улан-Батор."
    hidden = plain.replace("Кисида", "Ки\u200bсида").replace("Улан-Батор", "Улан\u202e-Батор")
    want = {(m.type, m.entity_id, m.normal) for m in link_article("a", plain)}
    got = link_article("a", hidden)
    assert {(m.type, m.entity_id, m.normal) for m in got} == want
    for m in got:
        assert hidden[m.start:m.end] == m.text  # offsets index the stored text
    assert any(m.entity_id == "person:fumio-kishida" and "\u200b" in m.text for m in got)


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
OTHER_FORMAT = "\u200b\u200c\u200d\u2060\u00ad\ufeff\u061c\u200e\u200f"


def test_every_bidi_control_and_format_character_inside_a_name_is_read_past_and_noted():
    """Each bidi control (U+202A-U+202E, U+2066-U+2069) and other format character, put inside the names, gives
    the entities of the plain text, offsets that index the text as it is, and the ``names_normalized`` note."""
    from pipeline.core.analysis import analyze_articles

    plain = "Премьер-министр Японии Фумио Кисида и президент Монголии Ухнаагийн Хурэлсух встретились в Улан-Баторе."
    items = [("plain", plain, None)] + [
        (f"u{ord(c):04x}", plain.replace("Кисида", f"Ки{c}сида").replace("Хурэлсух", f"Хурэл{c}сух"), None)
        for c in BIDI + OTHER_FORMAT]
    results = analyze_articles(items)
    want = sorted((m["type"], m["entity_id"]) for m in results[0][0])
    assert results[0][2] == [] and ("PER", "person:fumio-kishida") in want
    for (name, body, _), (mentions, _, notes) in zip(items[1:], results[1:]):
        assert sorted((m["type"], m["entity_id"]) for m in mentions) == want, name
        assert all(body[m["start"]:m["end"]] == m["text"] for m in mentions), name
        assert notes == ["names_normalized"], name


# ---------------------------------------------------------------- a corrupt document cache
def _filled(path):
    cache = DocumentCache(path)
    cache.put_many("article", [(str(i), "x" * 4000) for i in range(500)])
    db = cache._db()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.remove(f"{path}{suffix}")


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_a_corrupt_cache_is_moved_aside_and_rebuilt(tmp_path, caplog, damage):
    path = tmp_path / "cache.sqlite"
    _filled(path)
    if damage == "truncate":
        with open(path, "r+b") as f:
            f.truncate(os.path.getsize(path) // 3)
    else:
        path.write_bytes(b"not a database " * 1000)
    with caplog.at_level(logging.WARNING):
        cache = DocumentCache(path)
        assert cache.get("article", "499") is None  # a miss, not an error
        cache.put_many("article", [("k", "v")])
        assert cache.get("article", "k") == "v"
    assert (tmp_path / "cache.sqlite.corrupt").exists()
    assert "corrupt" in caplog.text and "moved aside" in caplog.text
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


# ---------------------------------------------------------------- same-size edits with the mtime restored
def test_full_rebuild_sees_an_edit_that_kept_size_and_mtime(tmp_path, monkeypatch):
    from pipeline.core.batches import list_batches, prepare_batch

    raw = tmp_path / "raw"
    raw.mkdir()
    page = raw / "a.txt"
    page.write_text("Заголовок\n\nМинистр провёл переговоры в Токио. " * 3)
    cache = DocumentCache(tmp_path / "cache.sqlite")
    (batch,) = list_batches(raw)
    first = prepare_batch(raw, batch, cache).pages[0].raw_sha256
    stat = page.stat()
    page.write_text(page.read_text().replace("Токио", "Сеуле"))  # same length in characters and bytes
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert page.stat().st_size == stat.st_size
    assert prepare_batch(raw, batch, cache).pages[0].raw_sha256 == first  # served stale: the documented limit
    monkeypatch.setenv("VOSTOK_FULL", "1")
    assert prepare_batch(raw, batch, cache).pages[0].raw_sha256 != first


def test_the_format_character_class_is_unicode_cf():
    import sys

    from pipeline.core.entities.invisible import _FORMAT

    # the class is Unicode 14.0's Cf (Python 3.11), fixed so that the output does not depend on the interpreter:
    # there it must be exactly Cf; a newer Unicode (Python 3.13: 15.1) adds format characters, never removes one
    exact = unicodedata.unidata_version == "14.0.0"
    for c in range(sys.maxunicode + 1):
        ch = chr(c)
        in_class, is_cf = bool(_FORMAT.fullmatch(ch)), unicodedata.category(ch) == "Cf"
        assert (in_class == is_cf) if exact else (is_cf or not in_class), hex(c)


def test_symbols_and_spaces_are_left_as_the_page_has_them():
    assert for_ner("Указ № 5\u00a0от 1…2² и ™") is None


def test_a_zero_width_space_is_no_space_in_the_stored_text():
    from pipeline.core.markdown import strip_inline

    assert strip_inline("Фумио Ки\u200bсида\u2060 прибыл\ufeff")[0] == "Фумио Кисида прибыл"
    assert strip_inline("Хурэл\u202eсух")[0] == "Хурэл\u202eсух"  # bidi controls stay; NER reads past them


def test_dates_at_the_edges_of_the_calendar_and_historic_letters_are_read_or_skipped_not_raised():
    from datetime import date, datetime, timezone

    from pipeline.core.dates import StatedDate, find_dates, month_number, to_utc
    from pipeline.core.events.when import find_event_date

    assert month_number("окᲄября") == 10  # "ᲄ" (tall te) matches "т" under re.I
    assert [d.local.date().isoformat() for d in find_dates("5 окᲄября 2020 г.")] == ["2020-10-05"]
    assert to_utc(StatedDate(datetime(1, 1, 1), False), "Europe/Moscow") == datetime(1, 1, 1, tzinfo=timezone.utc)
    for sentence in ("Встреча прошла 5 мая 0000 года.", "Встреча прошла в мае 0000 года."):
        assert find_event_date(sentence, None) is None  # no year 0
    assert find_event_date("Встреча прошла 5 окᲄября 2020 года.", None).value.isoformat() == "2020-10-05"
    published = date(2020, 5, 6)  # a Wednesday
    # "ᲃегодня", "в ᲃреду", "в пяᲄницу", "в ᲀторник": the relative dates' tables read the letters as re.I matched them
    assert [find_event_date(s, published).value.isoformat() for s in
            ("Встреча прошла ᲃегодня.", "Встреча прошла в ᲃреду.", "Встреча прошла в пяᲄницу.",
             "Встреча прошла в ᲀторник.")] == ["2020-05-06", "2020-05-06", "2020-05-01", "2020-05-05"]


def test_the_same_failure_on_every_article_of_a_chunk_stops_the_run(monkeypatch):
    from pipeline.core.analysis import SYSTEMIC_FAILURE_MIN, analyze_articles
    from pipeline.core.entities import linking

    def broken(*_args, **_kwargs):
        raise FileNotFoundError("models/events.json")  # the environment's fault, the same for every article

    monkeypatch.setattr(linking, "link_article", broken)
    items = [(str(k), f"Министр провёл переговоры в Сеуле {k}.", None) for k in range(SYSTEMIC_FAILURE_MIN)]
    with pytest.raises(RuntimeError, match="all 8 articles"):
        analyze_articles(items)
    assert all(r.reason == "internal_error" for r in analyze_articles(items[:2]))  # a few: each its own reject
