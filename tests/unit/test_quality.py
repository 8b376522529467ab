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
