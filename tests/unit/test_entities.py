import io
import json

import pytest

from pipeline.core.entities.gazetteer import load
from pipeline.core.entities.linking import build_entities, fuzzy_lookup, link_article, tag_spans
from pipeline.core.entities.names import deinflect, fold, nominative_east_asian, stem_key

UNKNOWN = lambda word: False  # noqa: E731 - East Asian names are outside pymorphy's dictionary


@pytest.mark.parametrize("text,normal,cases,expected", [
    ("Пак Чжина", "Пак Чжина", ("Gen", "Gen"), "Пак Чжин"),
    ("Пак Чжином", "Пак Чжин", ("Ins", "Ins"), "Пак Чжин"),
    ("Такэси Иваей", "Такэси Иваей", ("Ins", "Ins"), "Такэси Ивая"),
    ("Юн Сок Ёлем", "Юн Сок Елем", ("Ins", "Ins", "Nom"), "Юн Сок Ёль"),  # the tagger says Nom; the name agrees on Ins
    ("Фумио Кисидой", "Фумио Кисидой", ("Gen", "Ins"), "Фумио Кисида"),
    ("Ухнаагийн Хурэлсуха", "Ухнаагийн Хурэлсуха", ("Gen", "Gen"), "Ухнаагийн Хурэлсух"),
    ("У. Хурэлсуха", "У. Хурэлсуха", ("Gen", "Gen"), "У. Хурэлсух"),
    ("Ким Чен Ыне", "Ким Чен Ыне", ("Loc", "Loc", "Loc"), "Ким Чен Ын"),
    ("Пак Чжин", "Пак Чжин", ("Nom", "Nom"), "Пак Чжин"),
])
def test_east_asian_names_to_nominative(text, normal, cases, expected):
    assert nominative_east_asian(text, normal, cases, UNKNOWN) == expected


def test_known_words_are_left_to_natasha():
    assert nominative_east_asian("Владимиром Путиным", "Владимир Путин", ("Ins", "Ins"), lambda w: True) == "Владимир Путин"
    assert deinflect("Ёлем", "Ins") == "Ёль" and deinflect("Чжина", "Gen") == "Чжин"


@pytest.mark.parametrize("a,b", [
    ("Пак Джин", "Пак Чжина"), ("Такэши Иваэ", "Такеши Ивая"), ("Такэши Иваэ", "Такеши Иваей"),
    ("Северная Корея", "Северной Кореей"), ("Соединенные Штаты", "Соединённых Штатов"), ("Нью-Йорк", "Нью-Йорке"),
    ("Ким Чен Ын", "Ким Чен Ыне"), ("Хурэлсух", "Хурелсуха"),
])
def test_variants_share_a_key(a, b):
    assert stem_key(a) == stem_key(b)


@pytest.mark.parametrize("a,b", [
    ("Ким Чен Ын", "Ким Чен Ир"), ("Пак Чжин", "Пак Чжон"), ("ОАО", "ОАЭ"), ("Ким", "Кимура"), ("Россия", "Российская"),
])
def test_near_misses_do_not_share_a_key(a, b):
    assert stem_key(a) != stem_key(b)


def test_fold_handles_lookalikes_and_letters():
    assert fold("Пxеньян") == fold("Пхеньян")  # Latin x inside a Cyrillic word
    assert fold("Ёлем Чжин Щука") == "елем джин шука"


def test_fuzzy_matching_links_spelling_variants_but_not_near_misses():
    g = load()
    assert fuzzy_lookup(stem_key("Энтони Блинкин"), "PER", g).entity_id == "person:antony-blinken"
    assert fuzzy_lookup(stem_key("Ким Чен Ир"), "PER", g) is None or \
        fuzzy_lookup(stem_key("Ким Чен Ир"), "PER", g).entity_id != "person:kim-jong-un"
    assert fuzzy_lookup(stem_key("Пак Чжон"), "PER", g) is None


def test_gazetteer_links_countries_in_all_forms():
    body = ("КНДР и Северная Корея — одно государство. РФ и Россия тоже. "
            "Соединенные Штаты, то есть США, поддержали Южную Корею.")
    ids = {m.text: m.entity_id for m in link_article("a", body)}
    assert ids["КНДР"] == ids["Северная Корея"] == "country:PRK"
    assert ids["РФ"] == ids["Россия"] == "country:RUS"
    assert ids["Соединенные Штаты"] == ids["США"] == "country:USA"


def test_coreference_within_article():
    body = ("Президент Монголии Ухнаагийн Хурэлсух встретился с премьер-министром Японии Фумио Кисидой. "
            "Затем У. Хурэлсух поблагодарил Японию, а Кисида ответил на вопросы.")
    ms = link_article("a", body)
    by_text = {m.text: m for m in ms}
    assert by_text["У. Хурэлсух"].entity_id == by_text["Ухнаагийн Хурэлсух"].entity_id
    assert by_text["У. Хурэлсух"].link == "coreference"
    assert by_text["Кисида"].entity_id == "person:fumio-kishida"


def test_common_surname_alone_never_links_across_articles():
    a = link_article("a1", "Ким заявил журналистам, что переговоры продолжатся.")
    b = link_article("a2", "Ким заявил журналистам, что переговоры продолжатся.")
    kim_a = [m for m in a if m.text == "Ким"]
    kim_b = [m for m in b if m.text == "Ким"]
    assert kim_a and kim_b
    assert kim_a[0].entity_id != kim_b[0].entity_id
    assert not kim_a[0].entity_id.startswith("person:")
    c = link_article("a3", "Лидер КНДР Ким Чен Ын прибыл в Россию. Ким провёл переговоры.")
    assert {m.entity_id for m in c if m.type == "PER"} == {"person:kim-jong-un"}


def test_unlinked_names_get_the_same_id_everywhere():
    a = link_article("a1", "Глава компании Иван Сидоренков заявил о росте.")
    b = link_article("a2", "Об этом рассказал Иван Сидоренков.")
    ida = next(m.entity_id for m in a if m.type == "PER")
    idb = next(m.entity_id for m in b if m.type == "PER")
    assert ida == idb and ida.startswith("per:")


def test_capitals_stay_loc_and_carry_their_country():
    ms = link_article("a", "Пхеньян и Токио обменялись заявлениями, а Москва промолчала.")
    ents = {e["entity_id"]: e for e in build_entities(ms)}
    for m in ms:
        assert m.type == "LOC"
    assert {ents[m.entity_id]["country"] for m in ms} == {"PRK", "JPN", "RUS"}


def test_offsets_and_text_match_the_body():
    body = "Министр иностранных дел Сеула Пак Чжин встретился с Энтони Блинкеном в Нью-Йорке.\n\nВторой абзац про КНДР."
    for m in link_article("a", body):
        assert body[m.start:m.end] == m.text


def test_spans_are_cut_at_line_breaks_and_false_orgs_dropped():
    body = "Бурятия и Монголия: Станислав Цырь\n\nТелеграм канал. Об этом пишут СМИ."
    spans = tag_spans(body)
    assert all("\n" not in s.text for s in spans)
    assert "СМИ" not in {s.text for s in spans}


def test_tag_command_round_trip():
    from pipeline.__main__ import cmd_tag

    stdin = io.StringIO(json.dumps({"id": 7, "text": "Пак Чжин прибыл в Токио."}, ensure_ascii=False) + "\n{bad\n")
    stdout = io.StringIO()
    assert cmd_tag(stdin, stdout) == 1
    first, second = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert first["id"] == 7
    assert {(m["text"], m["entity_id"]) for m in first["mentions"]} >= {("Пак Чжин", "person:park-jin"),
                                                                       ("Токио", "geonames:1850147")}
    assert second["error"] == "bad_input"


def test_run_output_keeps_one_record_a_line_whatever_line_separators_the_page_holds(tmp_path):
    from pipeline.cli_commands import cmd_run, json_line

    body = "Пак Чжин прибыл в Токио.\u2028Второй абзац\u0085 и третий\u2029 абзац о встрече министров."
    assert json.loads(json_line({"body": body})) == {"body": body} and len(json_line({"body": body}).splitlines()) == 1
    page = tmp_path / "page.txt"
    page.write_text("Визит в Токио\n\n" + " ".join([body] * 4) + "\n", encoding="utf-8")
    out = io.StringIO()
    cmd_run([str(page)], out=out)
    (record,) = [json.loads(line) for line in out.getvalue().splitlines()]  # Unicode line breaks split nothing
    assert "\u2028" in record["article"]["body"]


def test_gazetteer_qids_and_countries_are_well_formed():
    import re

    g = load()
    iso3 = g.iso3_codes()
    for entry in g.entries.values():
        assert entry.wikidata_id is None or re.fullmatch(r"Q[0-9]+", entry.wikidata_id)
        assert entry.country is None or entry.country in iso3, entry
