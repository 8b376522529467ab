import pandas as pd
import pytest

from pipeline.core.quality import suite_expectations, validate_frame
from pipeline.core.tables import to_arrow
from pipeline.schema import ARTICLES
from tests.unit.test_schema_and_tables import _article


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
    report = validate_frame("articles", good_frame)
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
    report = validate_frame("articles", frame)
    assert not report.success
    assert expectation in {o.expectation for o in report.failures}


def test_duplicate_ids_fail(good_frame):
    frame = good_frame.copy()
    frame.loc[1, "article_id"] = frame.loc[0, "article_id"]
    report = validate_frame("articles", frame)
    assert [o.column for o in report.failures] == ["article_id"]


def test_tomorrow_is_resolved():
    exps = suite_expectations("articles")
    assert "$TOMORROW" not in str(exps)


def test_mentions_suite_checks_offsets_and_entity_ids():
    from pipeline.core.quality import with_relational_columns
    from pipeline.schema import ENTITIES, MENTIONS

    articles = pd.DataFrame({"article_id": ["a"], "body": ["Пак Чжин прибыл в Токио."]})
    entities = to_arrow(ENTITIES, [{"entity_id": "person:park-jin", "type": "PER", "name": "Пак Чжин", "name_en": None,
                                    "wikidata_id": None, "country": "KOR", "aliases": [], "mention_count": 1,
                                    "article_count": 1, "linked": True}]).to_pandas()
    good = {"mention_id": "0" * 16, "article_id": "a", "entity_id": "person:park-jin", "type": "PER", "start": 0,
            "end": 8, "text": "Пак Чжин", "normal": "Пак Чжин", "link": "gazetteer"}
    frame = to_arrow(MENTIONS, [good]).to_pandas()
    report = validate_frame("mentions", with_relational_columns(frame, articles, entities),
                            extra_columns=("span_ok", "entity_known"))
    assert report.success, [o.describe() for o in report.failures]
    bad = [dict(good, mention_id="1" * 16, start=1, end=9),  # text no longer body[start:end]
           dict(good, mention_id="2" * 16, start=12, end=18, text="прибыл", entity_id="per:unknown")]
    frame = to_arrow(MENTIONS, [good, *bad]).to_pandas()
    report = validate_frame("mentions", with_relational_columns(frame, articles, entities),
                            extra_columns=("span_ok", "entity_known"))
    failed = {o.column for o in report.failures}
    assert {"span_ok", "entity_known"} <= failed


def test_entities_suite_rejects_bad_country_and_qid():
    from pipeline.schema import ENTITIES

    row = {"entity_id": "person:x", "type": "PER", "name": "X", "name_en": None, "wikidata_id": "Q1",
           "country": "JPN", "aliases": [], "mention_count": 2, "article_count": 1, "linked": True}
    ok = validate_frame("entities", to_arrow(ENTITIES, [row]).to_pandas())
    assert ok.success, [o.describe() for o in ok.failures]
    bad = to_arrow(ENTITIES, [dict(row, country="JP", wikidata_id="wd:42")]).to_pandas()
    failed = {o.column for o in validate_frame("entities", bad).failures}
    assert {"country", "wikidata_id"} <= failed
