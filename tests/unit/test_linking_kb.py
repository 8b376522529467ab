"""The Wikidata alias index, candidate choice, gazetteer QIDs and normal forms of names natasha leaves inflected."""

import re

from pipeline.core.entities import kb as kbm
from pipeline.core.entities.gazetteer import Entry, Gazetteer
from pipeline.core.entities.linking import _parse, link_article, normal_form
from pipeline.core.entities.names import nominative_phrase, restore_case, stem_key
from pipeline.core.entities.ner import Span
from pipeline.knowledge import read_text
from pipeline.schema import QID_PATTERN

RECORDS = [("Путин", "PERSON", "Q7747"), ("Путина", "PERSON", "Q7747"), ("Владимира Путина", "PERSON", "Q7747"),
           ("Грузии", "COUNTRY", "Q230"), ("Грузия", "COUNTRY", "Q230"), ("Грузия", "STATE_OR_PROVINCE", "Q1428"),
           ("Фумио Кисида", "PERSON", "Q359480"), ("Мюррей", "PERSON", "Q1"), ("Мюррей", "PERSON", "Q2"),
           ("Мюррей", "PERSON", "Q2"), ("МИД", "PROFESSION", "Q3"), ("x", "PERSON", "not-a-qid")]


def test_index_keys_inflections_together_and_counts_them():
    ix = kbm.AliasIndex.from_links(RECORDS)
    assert stem_key("Путиным") == stem_key("Путину") == "путин"
    [c] = ix.candidates("путин", "PER")
    # two forms seen alone, plus the surname of one full name at half weight
    assert (c.qid, c.count) == ("Q7747", 2 + kbm.SURNAME_WEIGHT)
    assert [c.qid for c in ix.candidates(stem_key("Кисидой"), "PER")] == ["Q359480"]  # surname of a full name
    assert ix.candidates("путин", "LOC") == []  # a person never becomes a place
    assert "мид" not in ix.counts  # unlinkable types (PROFESSION) and malformed QIDs are skipped
    assert all(re.match(QID_PATTERN, qid) for d in ix.counts.values() for _, qid in d)
    assert ix.labels["Q7747"] == ("PERSON", "Владимира Путина")  # the full form for a person


def test_index_round_trips_through_its_file_form():
    ix = kbm.AliasIndex.from_links(RECORDS)
    back = kbm.AliasIndex.from_tsv(ix.to_tsv("# test"))
    assert back.counts == ix.counts
    assert {q: lab for q, (_, lab) in back.labels.items()} == {q: lab for q, (_, lab) in ix.labels.items()}


def test_choice_by_prior_and_by_context():
    ix = kbm.AliasIndex.from_links(RECORDS)
    cands = ix.candidates(stem_key("Мюррей"), "PER")
    qid, conf = kbm.choose(cands)
    assert qid == "Q2" and 0 < conf < 1 and conf == round(2 / (3 + kbm.PRIOR_SMOOTHING), 3)
    qid, conf2 = kbm.choose(cands, {"Q1"})  # the document already names Q1 unambiguously
    assert qid == "Q1"
    assert kbm.choose([]) is None
    # Грузия the country (two links) over the US state (one): the prior, not the order of the records
    assert kbm.choose(ix.candidates(stem_key("Грузии"), "LOC"))[0] == "Q230"


def _gazetteer(*entries):
    g = Gazetteer()
    for e in entries:
        g.add(e)
    g.finish()
    return g


def test_gazetteer_qids_are_recorded_or_vouched_for_never_invented():
    g = _gazetteer(
        Entry("person:fumio-kishida", "PER", "curated", "Фумио Кисида", None, None, "JPN", ()),
        Entry("country:GEO", "LOC", "country", "Грузия", None, None, "GEO", ()),
        Entry("person:nobody", "PER", "curated", "Иван Неизвестный", None, None, None, ()),
        Entry("country:RUS", "LOC", "country", "Россия", None, "Q159", "RUS", ()),
        Entry("geonames:1", "LOC", "city", "Грузия", None, None, "USA", ()),
        Entry("person:suga", "PER", "curated", "Ёсихидэ Суга", None, None, "JPN", ()),
    )
    ix = kbm.AliasIndex.from_links(RECORDS + [("Ёсихидэ Суга", "PERSON", "Q7747")] + [("Владимир Путин", "PERSON", "Q7747")] * 2)
    qids = kbm.gazetteer_qids(g, ix)
    assert qids["person:fumio-kishida"][0] == "Q359480" and qids["person:fumio-kishida"][2] == "index"
    assert qids["country:GEO"][0] == "Q230"  # the country reading: twice the links of the US state's
    assert "person:suga" not in qids  # its name's only link is to another person's item (a mislink)
    assert "person:nobody" not in qids  # nothing vouches for it: no QID
    assert qids["country:RUS"] == ("Q159", 1.0, "gazetteer")
    assert "geonames:1" not in qids  # the name's links are to a country and a state, not to a city


def test_link_article_links_names_outside_the_gazetteer_and_their_short_forms():
    g = _gazetteer(Entry("country:RUS", "LOC", "country", "Россия", None, "Q159", "RUS", ("России",)))
    ix = kbm.AliasIndex.from_links([("Мохаммед Мурси", "PERSON", "Q4631"), ("Мурси", "PERSON", "Q4631"),
                                    ("Египет", "COUNTRY", "Q79"), ("Египта", "COUNTRY", "Q79")])
    kb = kbm.build_kb(g, ix)
    body = "Президент Египта Мохаммед Мурси прибыл в Россию. Мурси встретился с журналистами."
    ms = {m.text: m for m in link_article("a", body, kb=kb)}
    assert ms["Мохаммед Мурси"].wikidata_id == "Q4631" and ms["Мохаммед Мурси"].entity_id == "wikidata:Q4631"
    assert ms["Мохаммед Мурси"].link == "index" and 0.5 <= ms["Мохаммед Мурси"].link_confidence <= 1
    assert ms["Мурси"].link == "coreference" and ms["Мурси"].entity_id == "wikidata:Q4631"
    assert ms["Мурси"].wikidata_id == "Q4631"
    assert ms["Россию"].wikidata_id == "Q159" and ms["Россию"].link_confidence == 1.0
    assert ms["Египта"].wikidata_id == "Q79"
    empty = kbm.build_kb(g, kbm.AliasIndex())
    plain = {m.text: m for m in link_article("a", body, kb=empty)}
    assert plain["Мохаммед Мурси"].wikidata_id is None and plain["Мохаммед Мурси"].link_confidence == 0.0
    assert plain["Мохаммед Мурси"].link == "unlinked"


def test_shipped_index_records_its_source_and_links_the_gazetteer():
    header = [line for line in read_text(kbm.KB_FILE).splitlines()[:4] if line.startswith("# source:")]
    assert header and "NEREL" in header[0] and "license" in header[0] and "version" in header[0]
    kb = kbm.load()
    assert kb.entry_qids["person:fumio-kishida"][0] == "Q359480"
    assert kb.entry_qids["country:SGP"][0] == "Q334"
    assert all(re.match(QID_PATTERN, q) and 0 <= c <= 1 for q, c, _ in kb.entry_qids.values())


def test_nominative_of_names_left_inflected():
    assert nominative_phrase("Бориса Джонсона", "PER", ("Gen", "Gen"), _parse) == "Борис Джонсон"
    assert nominative_phrase("Анны Политковской", "PER", ("Gen", "Gen"), _parse) == "Анна Политковская"
    # without the tagger's cases a word that may be nominative ("Анны": plural) is left as it is
    assert nominative_phrase("Анны Политковской", "PER", (), _parse) == "Анны Политковская"
    assert nominative_phrase("Министерства иностранных дел", "ORG", ("Gen", "Gen", "Gen"), _parse) \
        == "Министерство иностранных дел"
    assert nominative_phrase("Нидерландах", "LOC", (), _parse) == "Нидерланды"
    assert nominative_phrase("Улан-Батора", "LOC", ("Gen",), _parse) is None  # hyphenated: left alone
    assert nominative_phrase("Япония", "LOC", ("Nom",), _parse) is None
    assert restore_case("МИДа", "мид") == "МИД" and restore_case("Европы", "европа") == "Европа"
    span = Span(0, 4, "ORG", "МИДа", "мид", ("Gen",), ((0, 4),))
    assert normal_form(span) == "МИД"


def test_tag_output_carries_qid_and_confidence():
    from pipeline.core.build import tag_document

    out = tag_document("d", "Премьер-министр Японии Фумио Кисида прибыл в Сингапур.")
    ms = {m["text"]: m for m in out["mentions"]}
    assert ms["Японии"]["wikidata_id"] == "Q17" and ms["Японии"]["link_confidence"] == 1.0
    assert ms["Фумио Кисида"]["wikidata_id"] == "Q359480" and 0.5 <= ms["Фумио Кисида"]["link_confidence"] <= 1
    assert ms["Сингапур"]["wikidata_id"] == "Q334"
    for m in out["mentions"]:
        assert (m["wikidata_id"] is None) == (m["link_confidence"] == 0.0)
        assert m["wikidata_id"] is None or re.match(QID_PATTERN, m["wikidata_id"])


def test_countries_carry_natural_earth_qids_and_name_their_sources():
    from pipeline.core.entities.gazetteer import load

    g = load()
    qids = {iso: g.entries[f"country:{iso}"].wikidata_id for iso in ("JPN", "KOR", "PRK", "MNG", "CHN", "FRA", "NOR", "MLI")}
    assert qids == {"JPN": "Q17", "KOR": "Q884", "PRK": "Q423", "MNG": "Q711", "CHN": "Q148", "FRA": "Q142",
                    "NOR": "Q20", "MLI": "Q912"}
    header = [line for line in read_text("gazetteer/countries.tsv").splitlines() if line.startswith("# source:")]
    assert any("Natural Earth" in line and "public domain" in line for line in header)
    assert all("| version:" in line and "| license:" in line for line in header)


def test_entries_sharing_a_key_are_told_apart_by_the_form_written():
    from pipeline.core.entities.gazetteer import load
    from pipeline.core.entities.names import stem_key

    g = load()
    assert stem_key("Нигерии") == stem_key("Нигер")  # the stems collide
    assert g.lookup(stem_key("Нигерии"), {"LOC"}, "Нигерии").entity_id == "country:NGA"
    assert g.lookup(stem_key("Нигерия"), {"LOC"}, "Нигерия").wikidata_id == "Q1033"
    assert g.lookup(stem_key("Нигере"), {"LOC"}, "Нигере").entity_id == "country:NER"
    assert g.lookup(stem_key("Нигер"), {"LOC"}).entity_id == "country:NER"  # no form: the priority order


def test_a_name_in_the_other_script_finds_the_items_of_the_spelling_the_index_knows():
    from pipeline.core.entities.names import consonant_skeleton

    assert consonant_skeleton(stem_key("Microsoft")) == consonant_skeleton(stem_key("Майкрософта")) == "mkrsft"
    assert consonant_skeleton(stem_key("Forbes")) == consonant_skeleton(stem_key("Форбс"))
    ix = kbm.AliasIndex.from_links([("Майкрософт", "ORGANIZATION", "Q2283"), ("Майкрософта", "ORGANIZATION", "Q2283"),
                                    ("Forbes", "ORGANIZATION", "Q25161472"), ("Опера", "ORGANIZATION", "Q1")])
    assert [c.qid for c in kbm.transliteration_candidates(ix, "Microsoft", "ORG")] == ["Q2283"]
    assert [c.qid for c in kbm.transliteration_candidates(ix, "Форбс", "ORG")] == ["Q25161472"]
    assert kbm.transliteration_candidates(ix, "Майкрософт", "ORG") == []  # same script: its own key, not this
    assert kbm.transliteration_candidates(ix, "Opera", "ORG") == []  # "pr": too few consonants to tell apart
    body = "Компания Microsoft выпустила обновление."
    span = Span(body.index("Microsoft"), body.index(" выпустила"), "ORG", "Microsoft", "Microsoft", (), ())
    (m,) = link_article("d", body, [span], kb=kbm.build_kb(Gazetteer(), ix))
    assert (m.wikidata_id, m.link) == ("Q2283", "index")


def test_a_full_name_nothing_links_takes_the_item_its_surname_is_known_for_when_the_label_agrees():
    ix = kbm.AliasIndex.from_links([("Уго Чавес", "PERSON", "Q8440"), ("Чавес", "PERSON", "Q8440"),
                                    ("Чавеса", "PERSON", "Q8440"), ("Хулио Чавес", "PERSON", "Q9")])
    kb = kbm.build_kb(Gazetteer(), ix)

    def linked(body: str, full: str) -> dict:
        spans = [Span(body.index(full), body.index(full) + len(full), "PER", full, full, (), ())]
        spans += [Span(m.start(), m.end(), "PER", "Чавес", "Чавес", (), ()) for m in re.finditer(r"Чавес\b", body)
                  if not spans[0].start <= m.start() < spans[0].end]
        return {(m.start, m.text): (m.wikidata_id, m.entity_id) for m in link_article("d", body, spans, kb=kb)}

    # "Уго Уго Чавеса" (a doubled first name) has no key of its own; its surname's item is labelled "Уго Чавес"
    got = linked("Президент Уго Уго Чавеса встретил гостей. Чавес заявил ...", "Уго Уго Чавеса")
    assert {v for v in got.values()} == {("Q8440", "wikidata:Q8440")}  # the full name and its surname, one entity
    # another first name: the surname's item is not his, and nothing is linked
    got = linked("Певец Педро Педро Чавеса пел. Чавес ушёл.", "Педро Педро Чавеса")
    assert {v[0] for v in got.values()} == {None}


def test_an_organisation_whose_label_names_a_place_of_the_article_gains_the_context_bonus():
    g = Gazetteer()
    g.add(Entry("country:RUS", "LOC", "country", "Россия", None, "Q159", "RUS", ("России",)))
    g.add(Entry("country:UKR", "LOC", "country", "Украина", None, "Q212", "UKR", ("Украины",)))
    g.finish()
    ix = kbm.AliasIndex.from_links([("МИД России", "ORGANIZATION", "Q1")] + [("МИД", "ORGANIZATION", "Q1")] * 2
                                   + [("МИД Украины", "ORGANIZATION", "Q2")] + [("МИД", "ORGANIZATION", "Q2")] * 2)
    kb = kbm.build_kb(g, ix)
    assert kbm.label_places(kb, "Q2") == {"Q212"}
    for country, form, qid in (("Украина", "Украины", "Q2"), ("Россия", "России", "Q1")):
        body = f"В МИД заявили, что {form} это не касается."
        spans = [Span(3, 6, "ORG", "МИД", "МИД", (), ()),
                 Span(body.index(form), body.index(form) + len(form), "LOC", form, country, (), ())]
        assert link_article("d", body, spans, kb=kb)[0].wikidata_id == qid
