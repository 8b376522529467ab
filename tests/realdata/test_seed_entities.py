"""On the seeds, every variant of one person, country or organization links to one entity, across articles."""

import pytest

from pipeline.core.corpus import build_corpus
from tests.conftest import RAW

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def tagged():
    tables = build_corpus(RAW).tables
    return (tables["mentions"].to_pylist(), {e["entity_id"]: e for e in tables["entities"].to_pylist()},
            {a["article_id"]: a["body"] for a in tables["articles"].to_pylist()})


def _ids(mentions, *texts):
    return {m["entity_id"] for m in mentions if m["text"] in texts}


def test_variants_link_to_one_entity(tagged):
    mentions, entities, _ = tagged
    assert _ids(mentions, "Пак Джин", "Пак Чжин") == {"person:park-jin"}
    assert _ids(mentions, "Такэши Иваэ", "Такеши Ивая") == {"person:takeshi-iwaya"}
    assert _ids(mentions, "Ухнаагийн Хурэлсух", "У. Хурэлсух") == {"person:ukhnaagiin-khurelsukh"}
    assert _ids(mentions, "КНДР", "Северной Кореи", "Северной Кореей", "Северная Корея") == {"country:PRK"}
    assert _ids(mentions, "РФ", "России", "Россия") == {"country:RUS"}
    assert _ids(mentions, "Соединенных Штатов", "США") == {"country:USA"}
    assert _ids(mentions, "Фумио Кисида", "Фумио Кисидой") == {"person:fumio-kishida"}
    assert entities["person:park-jin"]["article_count"] == 2  # across articles


def test_mentions_are_exact_substrings(tagged):
    mentions, _, bodies = tagged
    for m in mentions:
        assert bodies[m["article_id"]][m["start"]:m["end"]] == m["text"]
