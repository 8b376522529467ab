"""Candidate generation beyond a mention's own key: acronyms, shorter forms of long names, surnames whose label
agrees, and a name with its parenthesized spelling or acronym."""

from pipeline.core.entities import kb as kbm
from pipeline.core.entities.gazetteer import Gazetteer
from pipeline.core.entities.linking import link_article
from pipeline.core.entities.names import stem_key
from pipeline.core.entities.ner import Span
from pipeline.core.entities.spans import split_parenthesized


def test_acronym_of_organization_names():
    assert kbm.acronym("Международного валютного фонда") == "МВФ"
    assert kbm.acronym("Министерства по чрезвычайным ситуациям") == "МЧС"  # "по" is skipped
    assert kbm.acronym("Организация Объединённых Наций") == "ООН"
    assert kbm.acronym("МИД России") is None  # has an acronym already
    assert kbm.acronym("Bank of Montreal") is None  # Latin letters: not the Russian acronym
    assert kbm.acronym("Госдума") is None  # one word
    assert kbm.acronym("федеральное казначейство") is None  # not a proper name


def test_index_knows_an_organization_by_its_acronym_at_derived_weight():
    ix = kbm.AliasIndex.from_links([("Международного валютного фонда", "ORGANIZATION", "Q7804"),
                                    ("Владимир Путин", "PERSON", "Q7747")])
    [c] = ix.candidates("мвф", "ORG")
    assert (c.qid, c.count) == ("Q7804", kbm.SURNAME_WEIGHT)
    assert ix.candidates("вп", "PER") == []  # persons get no acronym


def test_variant_keys_drop_a_long_name_s_extra_words():
    keys = kbm.variant_keys("Мигель Диас-Канель Бермудес", "PER")
    assert keys[0] == stem_key("Мигель Диас-Канель")
    assert stem_key("Владимир Жириновский") in kbm.variant_keys("Владимира Вольфовича Жириновского", "PER")
    assert kbm.variant_keys("Фумио Кисида", "PER") == []  # two words: nothing to drop
    assert kbm.variant_keys("Ким Чен Ын", "PER") == []  # short syllables: "Ким Чен" is not a shorter form
    assert kbm.variant_keys("Международного валютного фонда", "ORG") == []


def test_surname_candidates_need_an_agreeing_first_name():
    ix = kbm.AliasIndex.from_links([("Фидель", "PERSON", "Q11256"), ("Кастро", "PERSON", "Q11256"),
                                    ("Рауль Кастро", "PERSON", "Q46809"), ("Кастро", "PERSON", "Q999")])
    assert [c.qid for c in kbm.person_surname_candidates(ix, "Фидель Кастро")] == ["Q11256"]
    assert [c.qid for c in kbm.person_surname_candidates(ix, "Рауля Кастро")] == ["Q46809"]
    assert kbm.person_surname_candidates(ix, "Мария Кастро") == []  # no item agrees with the first name


def test_split_at_a_parenthesis():
    text = "с Алексис Оганян (Alexis Ohanian) и"
    a, b = text.index("Алексис"), text.index(")")
    parts = split_parenthesized(Span(a, b, "PER", text[a:b], text[a:b], (), ()), text)
    assert [p.text for p in parts] == ["Алексис Оганян", "Alexis Ohanian"]
    assert all(text[p.start:p.end] == p.text and p.type == "PER" for p in parts)
    whole = Span(2, 16, "PER", text[2:16], text[2:16], (), ())
    assert split_parenthesized(whole, text) == [whole]


def test_a_name_and_its_parenthesized_acronym_share_the_link():
    g = Gazetteer()
    g.finish()
    kb = kbm.build_kb(g, kbm.AliasIndex.from_links([("МОК", "ORGANIZATION", "Q40970")] * 2))
    body = "Решение Международного олимпийского комитета (МОК) вступило в силу."
    a = body.index("Международного")
    b = body.index(" (")
    c = body.index("МОК")
    spans = [Span(a, b, "ORG", body[a:b], body[a:b], (), ()), Span(c, c + 3, "ORG", "МОК", "МОК", (), ())]
    ms = {m.text: m for m in link_article("d", body, spans, kb=kb)}
    assert ms["МОК"].wikidata_id == "Q40970" and ms["МОК"].link == "index"
    long = ms["Международного олимпийского комитета"]
    assert long.wikidata_id == "Q40970" and long.link == "coreference" and long.entity_id == ms["МОК"].entity_id
    # a place and its country in parentheses are two entities
    kb2 = kbm.load()
    text = "в Малвике (Ирландия) прошла встреча"
    d0, i0 = text.index("Малвике"), text.index("Ирландия")
    pair = [Span(d0, d0 + 7, "LOC", "Малвике", "Малвик", (), ()), Span(i0, i0 + 8, "LOC", "Ирландия", "Ирландия", (), ())]
    town, country = link_article("d", text, pair, kb=kb2)
    assert country.wikidata_id == "Q27" and town.wikidata_id is None and town.entity_id != country.entity_id
    # without the parenthesis the long name has nothing to vouch for it
    alone = link_article("d", body[:b] + ".", spans[:1], kb=kb)
    assert alone[0].wikidata_id is None


def test_place_adjectives_become_mentions_of_the_place_the_index_links_them_to():
    from pipeline.core.entities.gazetteer import Entry
    from pipeline.core.entities.names import parse_word
    from pipeline.core.entities.spans import place_adjective_spans

    g = Gazetteer()
    g.add(Entry("country:RUS", "LOC", "country", "Россия", None, "Q159", "RUS", ("России",)))
    g.finish()
    ix = kbm.AliasIndex.from_links([("российских", "COUNTRY", "Q159"), ("российские", "COUNTRY", "Q159"),
                                    ("японской", "COUNTRY", "Q17"),  # seen once: not enough
                                    ("московского", "CITY", "Q649"), ("московского", "ORGANIZATION", "Q1"),
                                    ("московского", "ORGANIZATION", "Q2")])  # mostly an organization's word
    kb = kbm.build_kb(g, ix)
    body = "Российские власти и японской стороны из московского офиса. России"
    russia = Span(body.index("России"), len(body), "LOC", "России", "Россия", ("Gen",), ())
    adj = place_adjective_spans(body, [russia], ix, parse_word)
    assert [(s.text, s.normal, s.type) for s in adj] == [("Российские", "Российский", "LOC")]
    ms = {m.text: m for m in link_article("d", body, [russia, *adj], kb=kb)}
    # the adjective joins the gazetteer's entity for the item, not a second wikidata: one
    assert ms["Российские"].entity_id == ms["России"].entity_id == "country:RUS"
    assert ms["Российские"].wikidata_id == "Q159" and ms["Российские"].link == "index"
    assert place_adjective_spans(body, [russia, *adj], ix, parse_word) == []  # inside a span: left alone


def test_compound_adjectives_and_adjectives_of_persons_are_mentions_of_their_items():
    from pipeline.core.entities.adjectives import place_adjective_spans
    from pipeline.core.entities.names import parse_word

    ix = kbm.AliasIndex.from_links([("российских", "COUNTRY", "Q159"), ("российской", "COUNTRY", "Q159"),
                                    ("американских", "COUNTRY", "Q30"), ("американский", "COUNTRY", "Q30"),
                                    ("Нобелевской", "PERSON", "Q23810"), ("Нобелевскую", "PERSON", "Q23810")])
    body = "российско-американских переговоров, лауреат Нобелевской премии, нобелевской недели, Сочи-2014"
    found = [(s.text, s.type, s.normal, body[s.start:s.end] == s.text) for s in
             place_adjective_spans(body, [], ix, parse_word)]
    # each part of the compound is a mention of its own, with the adjective's lemma as its normal form
    assert found == [("российско", "LOC", "российский", True), ("американских", "LOC", "американский", True),
                     ("Нобелевской", "PER", "Нобелевский", True)]  # a person's adjective only capitalized
    kb = kbm.build_kb(Gazetteer(), ix)
    spans = place_adjective_spans(body, [], ix, parse_word)
    assert {m.text: m.wikidata_id for m in link_article("d", body, spans, kb=kb)} == \
        {"российско": "Q159", "американских": "Q30", "Нобелевской": "Q23810"}
    assert place_adjective_spans(body, [], kbm.AliasIndex(), parse_word) == []  # nothing linked, nothing found


def test_a_surname_the_article_names_in_full_is_a_mention_where_ner_missed_it():
    from pipeline.core.entities.names import parse_word
    from pipeline.core.entities.spans import repeated_surname_spans

    body = "Путин подписал закон\n\nВладимир Путин заявил, что Д.Медведев и Новый год. Президента Путина ждут."
    full = Span(body.index("Владимир"), body.index(" заявил"), "PER", "Владимир Путин", "Владимир Путин", (), ())
    medvedev = Span(0, 0, "PER", "Дмитрий Медведев", "Дмитрий Медведев", (), ())  # named elsewhere
    found = [(s.text, s.normal) for s in repeated_surname_spans(body, [full, medvedev], parse_word)]
    assert found == [("Путин", "Путин"), ("Д.Медведев", "Д.Медведев"), ("Путина", "Путин")]
    assert repeated_surname_spans(body, [], parse_word) == []  # no full name in the article: nothing
    g = Gazetteer()
    kb = kbm.build_kb(g, kbm.AliasIndex.from_links([("Владимир Путин", "PERSON", "Q7747")]))
    spans = [full, *repeated_surname_spans(body, [full], parse_word)]
    ms = link_article("d", body, spans, kb=kb)
    assert [(m.text, m.link, m.wikidata_id) for m in ms if m.text != "Владимир Путин"] == \
        [("Путин", "coreference", "Q7747"), ("Путина", "coreference", "Q7747")]


def test_names_in_latin_letters_the_index_has_seen_linked_become_mentions():
    from pipeline.core.entities.spans import latin_name_spans

    ix = kbm.AliasIndex.from_links([("World Press Photo", "ORGANIZATION", "Q551947"),
                                    ("Amazon", "ORGANIZATION", "Q3884"), ("Houston", "CITY", "Q16555")])
    body = "Фото получило приз World Press Photo, а Amazon и Netflix промолчали; WorldPress в Houston."
    found = [(s.text, s.type) for s in latin_name_spans(body, [], ix)]
    assert found == [("World Press Photo", "ORG"), ("Amazon", "ORG"), ("Houston", "LOC")]  # Netflix: never seen
    amazon = Span(body.index("Amazon"), body.index("Amazon") + 6, "ORG", "Amazon", "Amazon", (), ())
    assert "Amazon" not in {s.text for s in latin_name_spans(body, [amazon], ix)}  # inside a span: left alone
    assert latin_name_spans(body, [], kbm.AliasIndex()) == []


def test_nested_names_an_organization_named_after_a_place_and_the_place_that_opens_an_organization():
    from pipeline.core.entities.gazetteer import Entry
    from pipeline.core.entities.names import parse_word
    from pipeline.core.entities.spans import nested_spans

    g = Gazetteer()
    g.add(Entry("country:RUS", "LOC", "country", "Россия", None, "Q159", "RUS", ("России",)))
    g.add(Entry("country:GBR", "LOC", "country", "Великобритания", None, "Q145", "GBR", ("Великобритании",)))
    g.finish()
    ix = kbm.AliasIndex.from_links([("МИД России", "ORGANIZATION", "Q789889"), ("России", "COUNTRY", "Q159"),
                                    ("правительства Великобритании", "ORGANIZATION", "Q6063"),
                                    ("калифорнийского", "STATE_OR_PROVINCE", "Q99"),
                                    ("калифорнийском", "STATE_OR_PROVINCE", "Q99")])
    kb = kbm.build_kb(g, ix)
    body = "МИД России и правительства Великобритании, Калифорнийского университета. МИД Японии"

    def span(text, typ, start=0):
        i = body.index(text, start)
        return Span(i, i + len(text), typ, text, text, (), ())

    base = [span("МИД", "ORG"), span("России", "LOC"), span("Великобритании", "LOC"),
            span("Калифорнийского университета", "ORG"), span("МИД", "ORG", 60), span("Японии", "LOC")]
    extra = nested_spans(body, base, ix, parse_word)
    assert [(s.text, s.type, s.normal) for s in extra] == [
        ("МИД России", "ORG", "МИД России"),
        ("правительства Великобритании", "ORG", "правительство Великобритании"),  # lower-case head, nominative
        ("Калифорнийского", "LOC", "Калифорнийский")]  # "МИД Японии": the index does not know it, nothing added
    ms = {(m.start, m.end): m for m in link_article("d", body, base + extra, kb=kb)}
    whole, place = ms[(0, len("МИД России"))], ms[(body.index("России"), body.index("России") + 6)]
    assert (whole.wikidata_id, place.wikidata_id) == ("Q789889", "Q159")  # both the ministry and the country
    assert nested_spans(body, base, kbm.AliasIndex(), parse_word) == []  # no index, no nesting


def test_nominative_of_an_organization_named_after_a_place_agrees_with_its_head():
    from pipeline.core.entities.names import parse_word
    from pipeline.core.entities.common_orgs import org_nominative as _nominative

    assert _nominative("британском правительстве", (0, 10), parse_word) == "британское правительство"
    assert _nominative("Верховного суда России", (16, 22), parse_word) == "Верховный суд России"
    assert _nominative("МИД России", (4, 10), parse_word) == "МИД России"  # an acronym head stays
    assert _nominative("российской армии", (0, 10), parse_word) == "российская армия"


def test_organisations_named_by_common_nouns_are_learned_from_the_linked_corpus():
    from pipeline.core.entities.common_orgs import common_org_spans
    from pipeline.core.entities.names import parse_word

    links = [("правительство", "ORGANIZATION", "Q7188")] * 2 + [("правительства", "ORGANIZATION", "Q7188"),
                                                                ("полиции", "ORGANIZATION", "Q35535"),
                                                                ("полиция", "ORGANIZATION", "Q35535"),
                                                                ("полиция", "ORGANIZATION", "Q35535"),
                                                                ("Полиция", "ORGANIZATION", "Q35535"),
                                                                ("кабинета министров", "ORGANIZATION", "Q640506"),
                                                                ("кабинет министров", "ORGANIZATION", "Q640506"),
                                                                ("кабинету министров", "ORGANIZATION", "Q640506"),
                                                                ("мэрии", "ORGANIZATION", "Q543654"),
                                                                ("мэрия", "ORGANIZATION", "Q543654"),
                                                                ("мэрией", "ORGANIZATION", "Q543654"),
                                                                ("парламент", "ORGANIZATION", "Q35749")]
    ix = kbm.AliasIndex.from_links(links)
    g = Gazetteer()
    g.finish()
    body = ("Полиция задержала двоих. Решение правительства одобрил кабинета министров глава, "
            "а мэра города нет. Парламент молчит.")
    found = {(s.text, s.type, s.normal) for s in common_org_spans(body, [], ix, parse_word)}
    assert found == {("Полиция", "ORG", "полиция"),  # a sentence's capital is no name's
                     ("правительства", "ORG", "правительство"),
                     ("кабинета министров", "ORG", "кабинет министров")}  # the longest sequence the index knows
    # "мэра" shares a key with "мэрии" but is another word (the nominatives differ); "Парламент": one link only
    ms = {m.text: m for m in link_article("d", body, common_org_spans(body, [], ix, parse_word),
                                          kb=kbm.build_kb(g, ix))}
    assert (ms["правительства"].wikidata_id, ms["Полиция"].wikidata_id) == ("Q7188", "Q35535")
    inside = Span(body.index("правительства"), body.index("правительства") + 13, "ORG", "x", "x", (), ())
    assert "правительства" not in {s.text for s in common_org_spans(body, [inside], ix, parse_word)}  # covered
    assert common_org_spans(body, [], kbm.AliasIndex(), parse_word) == []


def test_a_known_persons_surname_standing_alone_becomes_a_mention():
    from pipeline.core.entities.names import parse_word
    from pipeline.core.entities.spans import known_surname_spans

    ix = kbm.AliasIndex.from_links([("Владимир Путин", "PERSON", "Q7747")] * 2 + [("Путина", "PERSON", "Q7747"),
                                    ("Союз", "ORGANIZATION", "Q1"), ("Союза", "PERSON", "Q2"),
                                    ("Союзом", "PERSON", "Q2"), ("Союзу", "PERSON", "Q2"),
                                    ("Мария Кюри", "PERSON", "Q7186")])
    body = "Путин встретился с коллегой. Союз распался. Кюри открыла полоний. Встречу провёл Путин."
    found = [(s.text, s.normal, s.type, body[s.start:s.end]) for s in known_surname_spans(body, [], ix, parse_word)]
    # "Путин" twice (3 links, persons only); "Союз": the key also names an organisation; "Кюри": 1 link only
    assert found == [("Путин", "Путин", "PER", "Путин")] * 2
    putin = Span(0, 5, "PER", "Путин", "Путин", (), ())
    assert [s.start for s in known_surname_spans(body, [putin], ix, parse_word)] == [body.rindex("Путин")]
    assert known_surname_spans(body, [], kbm.AliasIndex(), parse_word) == []


def test_a_curated_persons_surname_standing_alone_becomes_a_mention():
    # the curated gazetteer lists surnames that may stand alone ("Исиба", "Хурэлсух") and ones that may not ("Суга":
    # surname_alias false); the alias index need not link them three times
    from pipeline.core.entities.names import parse_word
    from pipeline.core.entities.spans import known_surname_spans

    ix = kbm.AliasIndex.from_links([("Владимир Путин", "PERSON", "Q7747")])
    body = "Исиба принял гостя в резиденции. Хурэлсух прибыл в Токио. Суга выступил с речью."
    found = [(s.text, s.normal, s.type) for s in known_surname_spans(body, [], ix, parse_word)]
    assert found == [("Исиба", "Исиба", "PER"), ("Хурэлсух", "Хурэлсух", "PER")]


def test_a_compound_place_adjective_that_ends_the_text_is_read_whole_not_a_crash():
    # a part of a compound adjective starts or ends inside a word: no words of its own lie before or after it there
    # (this last word once ran the search for "МИД России"-like names past the end of the text)
    for body, parts in (("Эксперты отмечают потепление отношений японско-китайских.", ["японско", "китайских"]),
                        ("Начались российско-американские", ["российско", "американские"]),
                        ("Российско-китайские переговоры прошли в Пекине", ["Российско", "китайские", "Пекине"])):
        found = [(m.text, m.type) for m in link_article("d", body)]
        assert found == [(p, "LOC") for p in parts], body
