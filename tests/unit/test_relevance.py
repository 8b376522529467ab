"""The relevance stage: topic profile, scorer, configuration and the off_topic rejects of consolidation."""

import json

import pytest

from pipeline.core.consolidate import score_relevance
from pipeline.core.relevance import DEFAULT_PROFILE, RelevanceConfig, load_profile, score_article
from pipeline.knowledge import read_text
from pipeline.schema import REJECT_REASONS, STAGES


@pytest.fixture(scope="module")
def profile():
    return load_profile(DEFAULT_PROFILE)


def _mention(entity_id: str, text: str) -> dict:
    return {"entity_id": entity_id, "text": text}


RUSSIA_US = [_mention("country:RUS", "России"), _mention("country:USA", "США"), _mention("geonames:524901", "Москве"),
             _mention("country:USA", "Соединенных Штатов"), _mention("country:RUS", "Россия")]


def test_an_article_about_the_region_is_relevant_and_names_its_countries(profile):
    mentions = [_mention("country:JPN", "Япония"), _mention("country:MNG", "Монголии"),
                _mention("geonames:2028462", "Улан-Баторе")]
    score = score_article("Япония и Монголия провели переговоры", None, "Министр ...", mentions, profile)
    assert score.relevance >= profile.threshold
    assert score.region_countries == ["JPN", "MNG"]
    assert score.hits["title"] == {"country:JPN": 1, "country:MNG": 1}
    assert score.hits["body"]["country:JPN"] == 1


def test_russia_and_the_united_states_alone_are_off_topic(profile):
    score = score_article("Россия и США обсудили стратегическую стабильность", "Переговоры в Москве",
                          "Российская и американская делегации встретились в Москве.", RUSSIA_US, profile)
    assert score.relevance == 0.0 and score.region_countries == [] and score.evidence == 0


def test_the_russian_far_east_counts_and_reports_russia(profile):
    score = score_article("Депутаты Приморья попросили сменить часовой пояс", None, "",
                          [_mention("loc:0123456789ab", "Приморского края")], profile)
    assert score.region_countries == ["RUS"]
    assert score.hits["title"] and score.hits["body"]  # the unlinked body mention is found by its text
    assert score.relevance >= profile.threshold


def test_the_title_weighs_more_than_the_body(profile):
    china = [_mention("country:CHN", "Китай")]
    in_body = score_article("Новости недели", None, "Китай упоминается один раз.", china, profile)
    in_title = score_article("Китай ответил на пошлины", None, "Пошлины вводятся с понедельника.", [], profile)
    assert in_title.relevance > in_body.relevance
    assert in_body.relevance < profile.threshold <= in_title.relevance
    assert in_title.evidence == pytest.approx(profile.zone_weights["title"] * in_body.evidence)


def test_lead_counts_between_title_and_body(profile):
    title = score_article("Монголия", None, "", [], profile).evidence
    lead = score_article("Новости", "Монголия", "", [], profile).evidence
    body = score_article("Новости", None, "", [_mention("country:MNG", "Монголия")], profile).evidence
    assert title > lead > body > 0


def test_body_mentions_are_capped_per_entity(profile):
    many = [_mention("country:JPN", "Японии")] * 50
    three = [_mention("country:JPN", "Японии")] * profile.zone_caps["body"]
    assert score_article("", None, "", many, profile).evidence == score_article("", None, "", three, profile).evidence


def test_short_stems_do_not_match_other_words(profile):
    # "Китом" (the name Keith) and "Китай" share the stem key "кит"; "Приморский районный суд" is in Ukraine
    assert score_article("Полиция опубликовала видео столкновения с Китом Лэмонтом Скоттом", None, "", [], profile).relevance == 0
    assert score_article("Приморский районный суд рассмотрит дело", None, "", [], profile).relevance == 0
    assert score_article("Спор о Китае", None, "", [], profile).hits["title"] == {"country:CHN": 1}


def test_adjectives_and_demonyms_count_in_any_case(profile):
    score = score_article("Японские учёные нашли новый способ", None, "Китайцы с ними не согласны.", [], profile)
    assert score.hits["title"] == {"adjective:японский": 1}
    assert score.hits["body"] == {"demonym:китаец": 1}
    assert score.region_countries == ["CHN", "JPN"]


def test_a_headline_in_capitals_is_matched(profile):
    assert score_article("СПИД В ЗАБАЙКАЛЬЕ СТАЛ «СТАРШЕ»", None, "", [], profile).region_countries == ["RUS"]
    assert score_article("РАКЕТЫ КНДР УПАЛИ В МОРЕ", None, "", [], profile).region_countries == ["PRK"]


def test_threshold_and_profile_are_configuration(tmp_path, profile):
    article = ("Япония и Монголия провели переговоры", None, "", [])
    default = RelevanceConfig()
    assert default.effective_threshold() == profile.threshold
    strict = RelevanceConfig.from_strings("", "0.99")
    assert strict.effective_threshold() == 0.99
    assert score_article(*article, profile).relevance < 0.99
    with pytest.raises(ValueError):
        RelevanceConfig.from_strings(None, "1.5")
    other = json.loads(read_text("topics/northeast_asia.json"))
    other.update(name="baltic", threshold=0.3, entries=[
        {"id": "country:EST", "kind": "country", "country": "EST", "weight": 1.0, "name": "Эстония",
         "aliases": ["Эстонская Республика"]}])
    path = tmp_path / "baltic.json"
    path.write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    baltic = RelevanceConfig(str(path)).load()
    assert baltic.name == "baltic" and baltic.threshold == 0.3
    about_estonia = ("Эстония закрыла границу", None, "", [_mention("country:EST", "Эстонии")])
    assert score_article(*about_estonia, baltic).region_countries == ["EST"]
    assert score_article(*about_estonia, profile).relevance == 0.0
    assert score_article(*article, baltic).relevance == 0.0


def _row(source_path: str, title: str) -> dict:
    return {"source_path": source_path, "raw_sha256": "0" * 64, "article_id": source_path, "title": title,
            "lead": None, "body": "Текст статьи."}


def test_consolidation_rejects_off_topic_articles_with_their_score():
    rows = [_row("a.md", "Япония и Южная Корея провели переговоры"), _row("b.md", "Россия и США обсудили договор")]
    mentions = {"a.md": [_mention("country:JPN", "Япония")], "b.md": RUSSIA_US}
    kept, rejects = score_relevance(rows, lambda row: mentions[row["article_id"]])
    assert [r["source_path"] for r in kept] == ["a.md"]
    assert kept[0]["region_countries"] == ["JPN", "KOR"] and 0 < kept[0]["relevance"] <= 1
    (reject,) = rejects
    assert (reject.source_path, reject.stage, reject.reason) == ("b.md", "relevance", "off_topic")
    assert reject.message.startswith("relevance 0.0000 < threshold 0.6600 (profile northeast_asia ")
    kept, rejects = score_relevance(rows, lambda row: mentions[row["article_id"]], RelevanceConfig(threshold=0.0))
    assert len(kept) == 2 and not rejects


def test_off_topic_is_a_reject_reason_of_the_relevance_stage():
    assert "off_topic" in REJECT_REASONS
    assert STAGES.index("entities") < STAGES.index("relevance") < STAGES.index("validate")


def test_the_profile_is_rebuilt_byte_for_byte_by_its_script():
    import importlib.util

    from tests.conftest import REPO

    spec = importlib.util.spec_from_file_location("build_topic_profile", REPO / "scripts" / "build_topic_profile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = json.dumps(module.build(), ensure_ascii=False, indent=1) + "\n"
    assert built == read_text("topics/northeast_asia.json")
    entries = json.loads(built)["entries"]
    assert not [e for e in entries if e["country"] in ("USA",) or e["id"] in ("country:RUS", "geonames:524901")]
