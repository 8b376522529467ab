"""The seed pages in raw/: clean bodies and the metadata each page states."""

import re
from datetime import datetime, timezone

import pytest

from tests.conftest import RAW, build_rows

pytestmark = pytest.mark.realdata

FURNITURE = [
    r"[\w.+-]+@[\w-]+\.\w+",  # e-mails
    r"\]\(", r"\(#\)",  # markdown links
    r"(?i)читайте также", r"(?i)ранее на бабре", r"(?i)поделиться", r"(?i)в соцсетях", r"(?i)подписывайтесь",
    r"(?i)фото:", r"(?i)источник:", r"(?i)поддержать", r"UA / RU", r"(?i)порекомендовать", r"(?i)telegram",
    r"(?i)телеграм", r"©", r"👁", r"(?i)версия для печати", r"(?i)автор", r"URL:", r"# #",
    r"(?i)читайте в статье",
]


@pytest.fixture(scope="module")
def articles() -> dict[str, dict]:
    articles, rejects = build_rows(RAW)
    assert not rejects
    return {row["source_path"][:3]: row for row in articles}


def test_every_seed_is_an_article(articles):
    assert sorted(articles) == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_body_has_no_furniture(articles, seed):
    body = articles[seed]["body"]
    for pattern in FURNITURE:
        assert not re.search(pattern, body), f"{seed}: {pattern!r} left in body"
    for paragraph in body.split("\n\n"):
        assert paragraph.strip() == paragraph and "\n" not in paragraph and paragraph


def test_page_break_paragraph_rejoined_and_caption_dropped(articles):
    body = articles["002"]["body"]
    assert "но судьба остальных остается неизвестной." in body
    assert "Министр иностранных" not in body  # caption broken over three lines
    assert "Статья о тайных переговорах в южнокорейской газете" not in articles["001"]["body"]


def test_babr24_metadata(articles):
    a = articles["000"]
    assert a["outlet"] == "babr24.com"
    assert a["url"] == "https://babr24.com/?IDE=265274"
    assert a["authors"] == ["Денис Большаков"]
    assert a["published_at"] == datetime(2024, 9, 23, 8, 25, tzinfo=timezone.utc)  # 16:25 Irkutsk
    assert a["published_local"] == "2024-09-23T16:25" and a["timezone"] == "Asia/Irkutsk"
    assert a["rubrics"] == ["ПОЛИТИКА", "АРМИЯ", "МОНГОЛИЯ", "КОРЕЯ"]
    assert a["views"] == 33862
    assert a["title"].startswith("Сотрудничество в оборонной сфере")
    b = articles["001"]
    assert (b["views"], b["published_local"], b["rubrics"][1]) == (45876, "2024-06-17T14:44", "ОБЩЕСТВО")
    c = articles["002"]
    assert (c["authors"], c["views"], c["published_local"]) == (["Эрнест Баатырев"], 578, "2025-03-06T15:44")


def test_zn_ua_page_has_outlet_and_lead_but_no_invented_author_or_date(articles):
    a = articles["004"]
    assert a["outlet"] == "zn.ua"
    assert a["lead"].startswith("КНДР хочет от России военно-технического сотрудничества")
    assert a["authors"] == [] and a["published_at"] is None and a["url"] is None
    assert a["title"].startswith("США, Япония и Южная Корея пообещали")
    assert "В России встретились два мировых изгоя" not in a["body"]  # closing promo paragraph
    assert "Yonhap" in a["cited_agencies"]


def test_unknown_origin_page(articles):
    a = articles["003"]
    assert a["outlet"] is None and a["authors"] == [] and a["published_at"] is None
    assert a["cited_agencies"] == ["Kyodo"]
    assert "Kyodo" not in a["body"]
    assert a["title"] == "Япония и Южная Корея провели первые за пять лет переговоры по безопасности из-за КНДР"


def test_language_is_detected(articles):
    assert {a["language"] for a in articles.values()} == {"ru"}
