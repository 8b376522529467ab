from datetime import date

import pandas as pd
import pytest

from pipeline.core.quality import (ARTICLE_CHECK_COLUMNS, failing_articles, is_row_level, suite_expectations,
                                   validate_frame, with_article_check_columns)
from pipeline.core.reference_time import ReferenceTime, resolve
from pipeline.core.tables import to_arrow
from pipeline.schema import ARTICLES
from tests.unit.test_schema_and_tables import _article


AS_OF = ReferenceTime(date(2026, 12, 1), "declared")


def _validate_articles(frame):
    return validate_frame("articles", with_article_check_columns(frame), AS_OF, extra_columns=ARTICLE_CHECK_COLUMNS)


@pytest.fixture(scope="module")
def good_frame() -> pd.DataFrame:
    rows = []
    for i in range(3):
        row = _article(i)
        row.update(title="Япония и Монголия провели переговоры", url=f"https://babr24.com/?IDE={i}",
                   outlet="babr24.com", body="Министр иностранных дел провёл переговоры. " * 5, word_count=30)
        rows.append(row)
    return to_arrow(ARTICLES, rows).to_pandas()


def test_good_table_passes(good_frame):
    report = _validate_articles(good_frame)
    assert report.success, [o.describe() for o in report.failures]


@pytest.mark.parametrize("column,value,expectation", [
    ("body", "Пишите нам: news@example.ru " * 5, "expect_column_values_to_not_match_regex_list"),
    ("body", "Текст со ссылкой [сюда](http://x.ru) и ещё немного слов для длины тела статьи.", "expect_column_values_to_not_match_regex_list"),
    ("body", "Поделиться в соцсетях: много слов, чтобы длина тела статьи была больше восьмидесяти символов.", "expect_column_values_to_not_match_regex_list"),
    ("title", "", "expect_column_value_lengths_to_be_between"),
    ("url", "not a url", "expect_column_values_to_match_regex"),
    ("language", "xx", "expect_column_values_to_be_in_set"),
    ("word_count", 5, "expect_column_values_to_be_between"),
    ("published_at", pd.Timestamp("1985-01-01", tz="UTC"), "expect_column_values_to_be_between"),
    ("published_at", pd.Timestamp("2999-01-01", tz="UTC"), "expect_column_values_to_be_between"),
])
def test_broken_values_fail(good_frame, column, value, expectation):
    frame = good_frame.copy()
    frame.loc[0, column] = value
    report = _validate_articles(frame)
    assert not report.success
    assert expectation in {o.expectation for o in report.failures}


def test_duplicate_ids_fail(good_frame):
    frame = good_frame.copy()
    frame.loc[1, "article_id"] = frame.loc[0, "article_id"]
    report = _validate_articles(frame)
    assert [o.column for o in report.failures] == ["article_id"]


def test_time_bound_comes_from_the_reference_time_not_the_clock():
    exps = suite_expectations("articles", ReferenceTime(date(2020, 5, 1), "declared"))
    bounds = [e["kwargs"].get("max_value") for e in exps if e["kwargs"].get("column") == "published_at"]
    assert bounds == ["2020-05-02T00:00:00+00:00"]
    assert "$LATEST" not in str(exps)


def test_reference_time_resolution_order():
    published = [pd.Timestamp("2024-09-23 10:00", tz="UTC"), None, pd.NaT]
    assert resolve("2025-01-02", ["2024-01-01T00:00:00Z"], published) == ReferenceTime(date(2025, 1, 2), "declared")
    assert resolve(None, ["2024-10-01T23:30:00Z", "2024-09-01T00:00:00+03:00"], published) == \
        ReferenceTime(date(2024, 10, 1), "newest_crawl")
    # a text dump among the crawled pages states no crawl time: the newest publication counts too
    assert resolve(None, ["2024-01-01T00:00:00Z", None], published) == \
        ReferenceTime(date(2024, 9, 23), "newest_publication")
    assert resolve(None, [None], []) == ReferenceTime(date(1990, 1, 1), "no_dates")
    assert ReferenceTime.from_json(AS_OF.to_json()) == AS_OF
    with pytest.raises(ValueError):
        resolve("next tuesday", [], [])


def test_row_level_and_table_level_expectations():
    assert is_row_level("expect_column_values_to_match_regex")
    assert is_row_level("expect_column_pair_values_a_to_be_greater_than_b")
    assert not is_row_level("expect_column_values_to_be_unique")
    assert not is_row_level("expect_compound_columns_to_be_unique")
    assert not is_row_level("expect_table_row_count_to_be_between")


def test_failing_rows_name_their_article_and_expectation(good_frame):
    frame = good_frame.copy()
    frame.loc[1, "body"] = "Подписывайтесь на наш канал, где много слов, чтобы тело статьи было длиннее восьмидесяти."
    frame.loc[2, "published_at"] = pd.Timestamp("2099-01-01", tz="UTC")
    empty = pd.DataFrame(columns=["article_id"])
    failing = failing_articles({"articles": frame, "mentions": empty, "entities": empty, "events": empty}, AS_OF)
    assert sorted(failing) == sorted(frame.loc[[1, 2], "article_id"])
    assert failing[frame.loc[1, "article_id"]].startswith("articles.body: expect_column_values_to_not_match_regex_list")
    assert "published_at" in failing[frame.loc[2, "article_id"]]
    assert failing_articles({"articles": good_frame}, AS_OF) == {}


def test_quarantine_share_is_a_table_level_gate(good_frame):
    from pipeline.core.quality import QUARANTINE_SHARE, validate_table

    rejects = pd.DataFrame([{"source_path": f"q{i}.txt", "raw_sha256": "0" * 64, "stage": "validate",
                             "reason": "quarantined", "message": "articles.body: boilerplate"} for i in range(2)])
    report = validate_table("rejects", {"rejects": rejects, "articles": good_frame}, AS_OF)
    share = next(o for o in report.outcomes if o.expectation == QUARANTINE_SHARE)
    assert not share.success and share.kwargs["share"] == 0.4 and not report.success


def test_mentions_suite_checks_offsets_and_entity_ids():
    from pipeline.core.quality import with_relational_columns
    from pipeline.schema import ENTITIES, MENTIONS

    articles = pd.DataFrame({"article_id": ["a"], "body": ["Пак Чжин прибыл в Токио."]})
    entities = to_arrow(ENTITIES, [{"entity_id": "person:park-jin", "type": "PER", "name": "Пак Чжин", "name_en": None,
                                    "wikidata_id": None, "link_confidence": 0.0, "country": "KOR", "aliases": [], "mention_count": 1,
                                    "article_count": 1, "linked": True}]).to_pandas()
    good = {"mention_id": "0" * 16, "article_id": "a", "entity_id": "person:park-jin", "type": "PER", "start": 0,
            "end": 8, "text": "Пак Чжин", "normal": "Пак Чжин", "link": "gazetteer", "wikidata_id": None,
            "link_confidence": 0.0}
    frame = to_arrow(MENTIONS, [good]).to_pandas()
    report = validate_frame("mentions", with_relational_columns(frame, articles, entities), AS_OF,
                            extra_columns=("span_ok", "entity_known"))
    assert report.success, [o.describe() for o in report.failures]
    bad = [dict(good, mention_id="1" * 16, start=1, end=9),  # text no longer body[start:end]
           dict(good, mention_id="2" * 16, start=12, end=18, text="прибыл", entity_id="per:unknown")]
    frame = to_arrow(MENTIONS, [good, *bad]).to_pandas()
    report = validate_frame("mentions", with_relational_columns(frame, articles, entities), AS_OF,
                            extra_columns=("span_ok", "entity_known"))
    failed = {o.column for o in report.failures}
    assert {"span_ok", "entity_known"} <= failed


def test_entities_suite_rejects_bad_country_and_qid():
    from pipeline.schema import ENTITIES

    row = {"entity_id": "person:x", "type": "PER", "name": "X", "name_en": None, "wikidata_id": "Q1",
           "link_confidence": 0.9, "country": "JPN", "aliases": [], "mention_count": 2, "article_count": 1, "linked": True}
    ok = validate_frame("entities", to_arrow(ENTITIES, [row]).to_pandas(), AS_OF)
    assert ok.success, [o.describe() for o in ok.failures]
    bad = to_arrow(ENTITIES, [dict(row, country="JP", wikidata_id="wd:42", link_confidence=1.5)]).to_pandas()
    failed = {o.column for o in validate_frame("entities", bad, AS_OF).failures}
    assert {"country", "wikidata_id", "link_confidence"} <= failed
    leading_zero = to_arrow(ENTITIES, [dict(row, wikidata_id="Q0123")]).to_pandas()
    assert "wikidata_id" in {o.column for o in validate_frame("entities", leading_zero, AS_OF).failures}


def test_events_suite_checks_ontology_ids_and_dates():
    from datetime import date

    from pipeline.core.quality import EVENT_CHECK_COLUMNS, with_event_check_columns
    from pipeline.schema import EVENTS

    body = "Япония выделит Монголии грант."
    articles = pd.DataFrame({"article_id": ["a"], "body": [body],
                             "published_at": [pd.Timestamp("2024-09-23", tz="UTC")]})
    entities = pd.DataFrame({"entity_id": ["country:JPN", "country:MNG"]})
    good = {"event_id": "e" * 16, "article_id": "a", "event_cluster_id": "c" * 16, "cameo_code": "071",
            "cameo_root": "07", "quad_class": 2, "goldstein": 7.4, "actor1_ids": ["country:JPN"],
            "actor2_ids": ["country:MNG"], "actor1_countries": ["JPN"], "actor2_countries": ["MNG"],
            "location_id": None, "event_date": date(2024, 9, 22), "date_precision": "day", "modality": "asserted",
            "amount": 3.7e6, "currency": "USD", "trigger": "выделит грант", "sentence": body, "start": 0,
            "end": len(body), "confidence": 0.8, "cluster_representative": True, "plover": "AID", "symmetric": False,
            "event_date_text": "--09-22", "event_date_end": None, "fallback_date": date(2024, 9, 22),
            "fallback_date_precision": "day", "trigger_start": body.index("выделит"), "trigger_end": body.index("."),
            "event_probability": 0.7}

    def report(rows):
        frame = with_event_check_columns(to_arrow(EVENTS, rows).to_pandas(), articles, entities)
        return validate_frame("events", frame, AS_OF, extra_columns=EVENT_CHECK_COLUMNS)

    yearless = dict(good, event_id="f" * 16, event_date=None, date_precision="day_of_year_unknown",
                    fallback_date=None, fallback_date_precision=None)
    ok = report([good, yearless])
    assert ok.success, [o.describe() for o in ok.failures]
    bad = [dict(good, event_id="1" * 16, goldstein=-3.0),  # inconsistent with the ontology
           dict(good, event_id="2" * 16, actor2_ids=["country:XXX"], actor2_countries=["XX"]),
           dict(good, event_id="3" * 16, event_date=date(2024, 12, 1)),  # asserted, after publication
           dict(good, event_id="4" * 16, date_precision=None),
           dict(good, event_id="5" * 16, start=1),
           dict(good, event_id="6" * 16, plover="ASSAULT"),  # PLOVER disagrees with the ontology
           dict(good, event_id="7" * 16, modality="future", date_precision="fortnight", event_date_text="22.09")]
    failed = {o.column for o in report([good, *bad]).failures}
    assert {"code_ok", "ids_known", "countries_ok", "date_ok", "precision_ok", "sentence_ok", "modality",
            "date_precision", "event_date_text"} <= failed
    trigger_outside = dict(good, event_id="8" * 16, trigger_start=len(body) - 1, trigger_end=len(body) + 5)
    assert "sentence_ok" in {o.column for o in report([good, trigger_outside]).failures}


def test_duplicate_of_must_point_at_an_earlier_existing_article(good_frame):
    frame = good_frame.copy()
    frame.loc[1, "duplicate_of"] = frame.loc[0, "article_id"]  # published earlier: fine
    frame.loc[1, "duplicate_similarity"] = 0.93
    assert _validate_articles(frame).success
    frame.loc[0, "duplicate_of"] = frame.loc[2, "article_id"]  # published later: not allowed
    frame.loc[0, "duplicate_similarity"] = 0.9
    frame.loc[2, "duplicate_of"] = "ffffffffffffffff"  # does not exist
    frame.loc[2, "duplicate_similarity"] = 1.0
    report = _validate_articles(frame)
    assert [o.column for o in report.failures] == ["duplicate_ok"]
    assert report.failures[0].unexpected_count == 2


def test_remembered_suite_results_equal_a_fresh_run_and_any_change_is_a_miss(good_frame, tmp_path):
    from dataclasses import asdict

    from pipeline.core import validation_cache

    broken = good_frame.copy()
    broken.loc[1, "language"] = "xx"
    fresh = {name: asdict(_validate_articles(frame)) for name, frame in (("good", good_frame), ("broken", broken))}
    validation_cache.enable(tmp_path)
    try:
        first = asdict(_validate_articles(good_frame))
        assert len(list(tmp_path.glob("*.json"))) == 1
        assert asdict(_validate_articles(good_frame)) == first == fresh["good"]  # a hit, the same report
        assert len(list(tmp_path.glob("*.json"))) == 1
        assert asdict(_validate_articles(broken)) == fresh["broken"]  # one changed value: a miss, a new entry
        assert len(list(tmp_path.glob("*.json"))) == 2
        later = ReferenceTime(date(2027, 1, 1), "declared")  # the suite embeds the reference time
        validate_frame("articles", with_article_check_columns(good_frame), later, extra_columns=ARTICLE_CHECK_COLUMNS)
        assert len(list(tmp_path.glob("*.json"))) == 3
        for entry in tmp_path.glob("*.json"):  # (rows/ holds the rows judged: tests/unit/test_known_rows.py)
            entry.write_text("{damaged")
        assert asdict(_validate_articles(good_frame)) == fresh["good"]  # a damaged entry is a miss
    finally:
        validation_cache.enable(None)
