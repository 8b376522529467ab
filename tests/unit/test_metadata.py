from datetime import datetime, timezone

import pytest

from pipeline.core.dates import find_dates, to_utc
from pipeline.core.metadata import (article_id, page_wide_days, parse_authors, parse_cited_agencies, parse_published,
                                    parse_rubrics, parse_views)
from pipeline.core.cleaning.document import RemovedLine
from pipeline.core.outlets import detect_outlet, find_url, normalize_domain


@pytest.mark.parametrize("text,expected", [
    ("23.09.2024, 16:25", "2024-09-23T16:25"),
    ("время публикации: 6 января 2012 г., 04:55", "2012-01-06T04:55"),
    ("Опубликовано 2012-01-05T10:00", "2012-01-05T10:00"),
    ("5 мая 2023", "2023-05-05"),
    ("10:05, 17.01.2012", "2012-01-17T10:05"),
])
def test_russian_dates(text, expected):
    assert find_dates(text)[0].iso_local() == expected


def test_impossible_dates_ignored():
    assert find_dates("31.02.2020 и 25:99") == []


def test_local_time_converted_with_profile_zone():
    stated = find_dates("23.09.2024, 16:25")[0]
    assert to_utc(stated, "Asia/Irkutsk") == datetime(2024, 9, 23, 8, 25, tzinfo=timezone.utc)


def test_published_uses_profile_zone_else_moscow_default():
    with_profile = parse_published(["Автор: X 23.09.2024, 16:25"], {"timezone": "Asia/Irkutsk"})
    assert with_profile.timezone_source == "profile" and with_profile.utc.hour == 8
    without = parse_published(["23.09.2024, 16:25"], None)
    assert without.timezone == "Europe/Moscow" and without.timezone_source == "default" and without.utc.hour == 13
    assert parse_published(["нет даты"], None).utc is None


def test_authors():
    assert parse_authors(["Автор: Денис Большаков © Babr24.com ПОЛИТИКА"]) == ["Денис Большаков"]
    assert parse_authors(["Автор текста: Денис", "Автор: Денис Большаков"]) == ["Денис Большаков"]
    assert parse_authors(["Фото: Автор: Иван Петров"]) == []
    assert parse_authors(["Автор: ТАСС"]) == []
    assert parse_authors(["Текст: Анна Иванова и Пётр Сидоров"]) == ["Анна Иванова", "Пётр Сидоров"]


def test_views_and_rubrics():
    line = "Автор: Д. Б. © Babr24.com ПОЛИТИКА, АРМИЯ, МОНГОЛИЯ 👁 33862 23.09.2024, 16:25"
    assert parse_views([line]) == 33862
    assert parse_views(["Просмотров: 1 234"]) == 1234
    assert parse_views(["без счётчика"]) is None
    profile = {"rubrics_pattern": r"©\s*Babr24\.com\s+(?P<rubrics>[А-ЯЁA-Z][А-ЯЁA-Z \-]*(?:,\s*[А-ЯЁA-Z][А-ЯЁA-Z \-]*)*?)\s*(?:👁|$)"}
    assert parse_rubrics([line], profile) == ["ПОЛИТИКА", "АРМИЯ", "МОНГОЛИЯ"]
    assert parse_rubrics(["Рубрика: Политика, Общество"], None) == ["Политика", "Общество"]


def test_cited_agencies_from_source_line_and_attribution():
    removed = [RemovedLine("Источник: Kyodo", "phrase", 3, 2)]
    assert parse_cited_agencies(removed, "Текст без ссылок.") == ["Kyodo"]
    assert parse_cited_agencies([], "Об этом сообщает Yonhap. Ещё пишет ТАСС.") == ["Yonhap", "TASS"]
    assert parse_cited_agencies([], "Агентство Yonhap основано давно.") == []


def test_outlet_from_url_copyright_or_support_call():
    assert find_url("URL: <https://babr24.com/?IDE=265274> Bytes") == "https://babr24.com/?IDE=265274"
    assert detect_outlet("", "https://www.Example.ru/news/1") == "example.ru"
    assert detect_outlet("Автор: X © Babr24.com ПОЛИТИКА") == "babr24.com"
    assert detect_outlet("UA / RU\nПоддержать ZN.ua") == "zn.ua"
    assert detect_outlet("Только главные новости в нашем Telegram") is None
    assert normalize_domain("HTTP://M.Site.RU:8080/x") == "m.site.ru"


def test_article_id_is_stable_and_prefers_url():
    a = article_id("https://babr24.com/?IDE=1", "ab" * 32)
    assert a == article_id("https://babr24.com/?IDE=1", "cd" * 32)
    assert a != article_id(None, "ab" * 32)
    assert len(a) == 16


def test_a_separated_byline_gives_author_and_section_apart():
    from pipeline.core.metadata import byline_sections, parse_authors

    line = "23.08.2025 14:30 · Автор: Иван Петров · Политика"
    assert parse_authors([line]) == ["Иван Петров"]
    assert byline_sections([line]) == ["Политика"]
    assert byline_sections(["Сегодня, 15:33 • Новости региона"]) == ["Новости региона"]
    assert byline_sections(["Политика · Экономика"]) == []  # no date or author field: a menu, not a byline


def test_a_markdown_table_row_keeps_its_cell_boundaries():
    from pipeline.core.markdown import FIELD_SEPARATOR, _line_markup

    text, _, _, table = _line_markup("| 23.08.2025 | Автор: Иван Петров | Политика |")
    assert table and text == FIELD_SEPARATOR.join(["23.08.2025", "Автор: Иван Петров", "Политика"])


def test_site_header_today_gives_way_to_an_earlier_byline_date():
    """A site header's "today" that the page's latest-news list repeats is the page's date, not the article's:
    the byline's earlier date wins. A later zone date never overrides the first one."""
    removed = [RemovedLine("Балтийский курс Среда, 10.04.2013, 09:36", "template", 2, 2),
               RemovedLine("Йохан Тере, БК, Таллинн, 04.01.2012.", "byline", 4, 4),
               RemovedLine("_10.04.2013_ Новость дня", "links", 48, 40),
               RemovedLine("_10.04.2013_ Другая новость", "links", 49, 40)]
    zone = removed[:2]
    page_days = page_wide_days(removed, zone)
    assert page_days == {"2013-04-10"}
    assert parse_published([r.text for r in zone], None, page_days).local == "2012-01-04"
    # without the repetition, the first stated date stays
    assert parse_published([r.text for r in zone], None, set()).local == "2013-04-10T09:36"
    # a page-wide first date is kept when the only other date is later
    later = ["Обновлено 03.01.2012", "26.05.2012 реклама"]
    assert parse_published(later, None, {"2012-01-03"}).local == "2012-01-03"


@pytest.mark.parametrize("language,text,supported", [
    ("ru", "Премьер-министр Японии провел встречу.", True),
    ("und", "Премьер Японии и КНДР: встреча в Пхеньяне", True),  # unsure, but Cyrillic
    ("en", "Japan and South Korea hold talks", False),
    ("uk", "Прем'єр-міністр Японії провів зустріч.", False),
    ("und", "日韩外长在首尔举行会谈", False),
    ("und", "Ιαπωνία και Νότια Κορέα", False),
])
def test_unsupported_language(language, text, supported):
    from pipeline.core.language import unsupported_language

    assert (unsupported_language(language, text) is None) == supported
