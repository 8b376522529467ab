"""Event extraction rules on hand-written sentences: every code family, negation, future, dates, money."""

from datetime import date

import pytest

from pipeline.core.build import tag_document
from pipeline.core.events.cluster import assign_clusters
from pipeline.core.events.money import find_money
from pipeline.core.events.ontology import NO_EVENT, ontology, triggers
from pipeline.core.events.when import find_event_date

PUB = date(2024, 9, 23)


def _events(text: str, published: date | None = PUB) -> tuple[list[dict], list[dict]]:
    tagged = tag_document("t", text, published)
    return tagged["events"], tagged["mentions"]


def _countries(ev: dict, mentions: list[dict], side: str) -> set[str]:
    from pipeline.core.events.rows import entity_country

    return {entity_country(mentions[i]["entity_id"]) for i in ev[side]} - {None}


CASES = [
    # (sentence, expected root, actor1 countries ⊇, actor2 countries ⊇, modality)
    ("Президент Монголии Ухнаагийн Хурэлсух провел встречу с премьер-министром Японии Фумио Кисидой.", "04", {"MNG"}, {"JPN"}, "asserted"),
    ("Министр иностранных дел Японии Ёко Камикава встретилась с Энтони Блинкеном.", "04", {"JPN"}, {"USA"}, "asserted"),
    ("Япония и Южная Корея провели переговоры по безопасности.", "04", {"JPN"}, {"KOR"}, "asserted"),
    ("Владимир Путин посетил Пхеньян.", "04", {"RUS"}, set(), "asserted"),
    ("Япония выделит Монголии безвозмездный грант на сумму 3,7 миллиона долларов.", "07", {"JPN"}, {"MNG"}, "planned"),
    ("Южная Корея оказала гуманитарную помощь Монголии.", "07", {"KOR"}, {"MNG"}, "asserted"),
    ("Россия и КНДР подписали соглашение о сотрудничестве.", "05", {"RUS"}, {"PRK"}, "asserted"),
    ("Стороны обязались подписать договор в кратчайшие сроки.", None, set(), set(), None),  # no actor known: no event
    ("Пхеньян пригрозил Сеулу ответными мерами.", "13", {"PRK"}, {"KOR"}, "asserted"),
    ("США ввели санкции против КНДР.", "16", {"USA"}, {"PRK"}, "asserted"),
    ("КНДР провела ракетные испытания.", "15", {"PRK"}, set(), "asserted"),
    ("Япония осудила Северную Корею за запуск ракеты.", "11", {"JPN"}, {"PRK"}, "asserted"),
    ("Сеул потребовал от Токио извинений.", "10", {"KOR"}, {"JPN"}, "asserted"),
    ("Китай отказался от переговоров с США.", "12", {"CHN"}, set(), "asserted"),
    ("Министр иностранных дел Южной Кореи Пак Чжин не встретился с Ван И.", "04", {"KOR"}, {"CHN"}, "negated"),
    ("Монголия могла стать местом для проведения саммита, где Дональд Трамп мог встретиться с Ким Чен Ыном.", "04", {"USA"}, {"PRK"}, "possible"),
    ("Спецслужбы КНДР похитили японских граждан.", "18", {"PRK"}, set(), "asserted"),
    ("Суд Милана приговорил Сильвио Берлускони к четырём годам заключения.", "17", set(), set(), "asserted"),
    ("Неизвестные застрелили журналиста Ивана Петрова в Киеве.", "18", set(), set(), "asserted"),
]


@pytest.mark.parametrize("text,root,a1,a2,modality", CASES)
def test_event_rules(text, root, a1, a2, modality):
    events, mentions = _events(text)
    if root is None:
        assert events == []
        return
    matching = [e for e in events if e["cameo_code"].startswith(root)]
    assert matching, (text, events)
    ev = matching[0]
    assert a1 <= _countries(ev, mentions, "actor1") | set(), (text, ev)
    assert a2 <= _countries(ev, mentions, "actor2"), (text, ev)
    assert ev["modality"] == modality, (text, ev)


def test_an_organisation_acts_with_the_country_nested_in_its_name():
    from types import SimpleNamespace as M

    from pipeline.core.events.roles import _prefer_actors

    mentions = [M(type="ORG", start=0, end=15, entity_id="wikidata:Q1"), M(type="LOC", start=11, end=15,
                                                                           entity_id="country:PRK"),
                M(type="LOC", start=30, end=36, entity_id="country:JPN")]
    assert _prefer_actors([0, 1, 2], mentions) == [0, 1]  # "Спецслужбы КНДР": the agency and North Korea
    assert _prefer_actors([1, 2], mentions) == [1, 2]  # no organisation: the countries act


def test_meeting_in_third_country_is_044_with_place_and_date():
    events, mentions = _events("Президент Монголии Ухнаагийн Хурэлсух 22 сентября провел встречу с премьер-министром "
                               "Японии Фумио Кисидой в Нью-Йорке.")
    ev = events[0]
    assert ev["cameo_code"] == "044"
    assert mentions[ev["location"]]["text"] == "Нью-Йорке"
    assert (ev["event_date"], ev["date_precision"]) == ("2024-09-22", "day")


@pytest.mark.parametrize("text,place", [
    ("Полиция задержала Джона Смита в пригороде Феникса.", "Феникса"),  # the genitive of a place noun
    ("Президент Сербии Александр Вучич посетил Москву.", "Москву"),  # the destination of a visit
])
def test_place_beyond_a_bare_locative(text, place):
    events, mentions = _events(text)
    assert events and events[0]["location"] is not None, (text, events)
    assert mentions[events[0]["location"]]["text"] == place


def test_no_event_without_an_actor():
    assert _events("Переговоры прошли в конструктивной атмосфере.")[0] == []
    assert _events("Встреча состоялась вчера.")[0] == []


def test_no_invented_dates():
    events, _ = _events("Япония и Южная Корея провели переговоры.")
    assert events and events[0]["event_date"] is None and events[0]["date_precision"] is None
    events, _ = _events("Пак Чжин встретился с Энтони Блинкеном в пятницу, 22 сентября.", published=None)
    assert events[0]["event_date"] is None  # no year stated, none to inherit


@pytest.mark.parametrize("sentence,published,expected", [
    ("Встреча прошла 22 сентября 2024 года.", None, (date(2024, 9, 22), "day")),
    ("Встреча прошла 22 сентября.", date(2024, 9, 23), (date(2024, 9, 22), "day")),
    ("Встреча прошла 22 декабря.", date(2025, 1, 5), (date(2024, 12, 22), "day")),  # year before publication
    ("Переговоры прошли в мае 2024 года.", None, (date(2024, 5, 1), "month")),
    ("Переговоры были прерваны в 2016 году.", None, (date(2016, 1, 1), "year")),
    ("Ранее в этом месяце лидеры встретились.", date(2024, 9, 23), (date(2024, 9, 1), "month")),
    ("Встреча прошла 12.03.2023.", None, (date(2023, 3, 12), "day")),
])
def test_event_dates(sentence, published, expected):
    found = find_event_date(sentence, published)
    assert (found.value, found.precision) == expected


@pytest.mark.parametrize("text,amount,currency", [
    ("грант на сумму 3,7 миллиона долларов", 3_700_000.0, "USD"),
    ("545 миллионов иен", 545_000_000.0, "JPY"),
    ("1,3 миллиарда иен", 1_300_000_000.0, "JPY"),
    ("10 млрд вон", 10_000_000_000.0, "KRW"),
    ("500 северокорейских вон", 500.0, "KPW"),
    ("2 млн тугриков", 2_000_000.0, "MNT"),
    ("300 млн юаней", 300_000_000.0, "CNY"),
    ("$2 млрд", 2_000_000_000.0, "USD"),
    ("5 млн евро", 5_000_000.0, "EUR"),
    ("100 тысяч рублей", 100_000.0, "RUB"),
])
def test_money(text, amount, currency):
    m = find_money(text)[0]
    assert (m.amount, m.currency) == (amount, currency)


def test_money_needs_a_currency():
    assert find_money("вон там стояли 5 человек") == []


def test_aid_event_carries_money():
    events, _ = _events("Япония выделит Монголии безвозмездный грант на сумму 3,7 миллиона долларов (545 миллионов иен).")
    ev = next(e for e in events if e["cameo_code"].startswith("07"))
    assert (ev["amount"], ev["currency"]) == (3_700_000.0, "USD")


def _codes_unfiltered(text: str) -> list[str]:
    return [e["cameo_code"] for e in tag_document("t", text, PUB, event_filter=False)["events"]]


@pytest.mark.parametrize("text,code", [
    ("Россия освободила японских рыбаков.", "0841"),  # CAMEO 0841 return, release person(s)
    ("Япония выразила протест России.", "114"),  # complain officially
    ("Южная Корея отозвала посла из Токио.", "161"),  # reduce or break diplomatic relations
    ("Власти Японии депортировали гражданина Китая.", "174"),  # expel or deport individuals
    ("Полиция Японии начала расследование.", "090"),  # investigate
    ("Северокорейские пограничники открыли огонь по южнокорейским солдатам.", "190"),  # use conventional force
    ("Неизвестные избили журналиста Иванова.", "182"),  # physically assault
    ("Россия аннексировала Крым.", "192"),  # occupy territory
])
def test_codebook_categories_in_the_lexicon(text, code):
    assert code in _codes_unfiltered(text)


@pytest.mark.parametrize("text,code,wrong", [
    ("США сняли санкции с КНДР.", "085", "163"),  # ease sanctions, not impose them
    ("Евросоюз отменил санкции против Ирана.", "085", "163"),
    ("КНДР прервала переговоры с Южной Кореей.", "164", "046"),  # halt negotiations, not negotiate
    ("Япония приостановила переговоры с Россией о мирном договоре.", "164", "046"),
    ("Путин и Абэ договорились о встрече в Токио.", "036", "057"),  # intent to meet, not an agreement signed
    ("Суд осудил Ивана Петрова на пять лет лишения свободы.", "173", "111"),  # convicted, not criticized
])
def test_a_longer_pattern_gives_the_opposite_act_its_own_code(text, code, wrong):
    codes = _codes_unfiltered(text)
    assert code in codes and wrong not in codes


def test_a_word_of_a_name_is_no_trigger():
    from types import SimpleNamespace

    from pipeline.core.events.extract import find_triggers

    words = [("федеральный", "ADJ"), ("бюро", "NOUN"), ("расследование", "NOUN"), ("задержать", "VERB"),
             ("джон", "PROPN")]
    tokens = [SimpleNamespace(lemma=lemma, pos=pos, parent=None, kids=[], id=str(i), head="")
              for i, (lemma, pos) in enumerate(words)]
    assert [code for _, code, _ in find_triggers(tokens)] == ["090", "173"]
    # "Федеральное бюро расследований" is an ORG mention: its words start no event
    assert [code for _, code, _ in find_triggers(tokens, frozenset({0, 1, 2}))] == ["173"]


def test_a_preposition_in_a_pattern_introduces_the_word_after_it():
    # "договориться о встрече" is an intent to meet (036); in "в ходе встречи ... договорились о сотрудничестве"
    # the window holds the same words, but the meeting took place and the agreement is its own event
    codes = _codes_unfiltered("В ходе встречи Путин и Абэ договорились о сотрудничестве.")
    assert "036" not in codes and {"040", "057"} <= set(codes)


def test_an_act_done_to_people_is_another_act_when_done_to_things():
    assert "174" not in _codes_unfiltered("Посольство Японии выслало документы в МИД России.")  # sent, not expelled
    assert "0841" not in _codes_unfiltered("Войска Украины освободили Харьков.")  # took back, not released
    assert "174" in _codes_unfiltered("Япония выслала российского дипломата Ивана Петрова.")
    assert "0841" in _codes_unfiltered("КНДР освободила американца Кеннета Бэя.")


def test_a_verb_that_is_the_act_only_with_an_object():
    assert "070" not in _codes_unfiltered("Представитель Японии Кэн Сато выделил, что переговоры были трудными.")
    assert "070" in _codes_unfiltered("Правительство Японии выделило Монголии средства на строительство школ.")


def test_a_group_of_people_is_people():
    from types import SimpleNamespace

    from pipeline.core.events.extract import find_triggers

    def token(i, lemma, pos, rel, parent, animacy=None):
        return SimpleNamespace(lemma=lemma, pos=pos, rel=rel, parent=parent, kids=[], id=str(i), head=str(parent),
                               feats={"Animacy": animacy} if animacy else {})

    # "арестована группа военных": the passive subject is inanimate but heads animate people
    tokens = [token(0, "арестовать", "VERB", "root", None), token(1, "группа", "NOUN", "nsubj:pass", 0, "Inan"),
              token(2, "военный", "NOUN", "nmod", 1, "Anim")]
    tokens[2].feats["Number"] = "Plur"
    tokens[0].kids, tokens[1].kids = [1], [2]
    assert [code for _, code, _ in find_triggers(tokens)] == ["173"]
    tokens[2].feats = {"Animacy": "Inan"}  # "арестована группа счетов": things
    assert find_triggers(tokens) == []
    tokens[2].feats = {"Animacy": "Anim", "Number": "Sing"}  # "похищено полотно Дали": a thing and its author
    assert find_triggers(tokens) == []


def test_condemning_an_attack_on_someone_is_no_conviction():
    # the last preposition of "осудить на" must introduce a phrase of the verb, not of its object
    assert _codes_unfiltered("Япония осудила нападение на посольство в Пхеньяне.") == ["111"]


def test_cancelling_is_the_event_itself_when_it_is_the_trigger():
    # "отменить" says a noun trigger did not happen ("отменил визит"), but in "отменил санкции" it is the act (085)
    events = tag_document("t", "Евросоюз отменил санкции против Ирана.", PUB, event_filter=False)["events"]
    assert [(e["cameo_code"], e["modality"]) for e in events] == [("085", "asserted")]
    visit = tag_document("t", "Путин отменил визит в Японию.", PUB, event_filter=False)["events"]
    assert [(e["cameo_code"], e["modality"]) for e in visit] == [("042", "unrealized")]


def test_a_sense_that_is_no_event_triggers_nothing():
    # "освободить от должности" dismisses; the "-" pattern wins over "освободить" (release, 0841)
    assert _codes_unfiltered("Президент освободил министра Иванова от должности.") == []


def test_only_sentences_holding_a_whole_pattern_are_parsed():
    from types import SimpleNamespace

    from pipeline.core.events.extract import needs_syntax

    def sentence(*lemmas):
        return SimpleNamespace(tokens=[SimpleNamespace(lemma=lemma, text=lemma) for lemma in lemmas])

    assert not needs_syntax(sentence("министр", "заявить", "журналист"))  # "заявить" alone starts no event
    assert needs_syntax(sentence("япония", "заявить", "решительный", "протест"))
    assert needs_syntax(sentence("путин", "встретиться", "с", "си"))


def test_lexicon_codes_exist_in_ontology():
    codes = ontology()
    assert all(t.code in codes or t.code == NO_EVENT for t in triggers())
    for required in ("040", "041", "042", "043", "044", "045", "046", "057", "070", "071", "072", "073", "074",
                     "100", "110", "120", "130", "150", "163", "170", "180", "181"):
        assert required in codes
    assert all(c.root == c.code[:2] for c in codes.values())


def test_reports_of_one_event_share_a_cluster():
    base = {"cameo_root": "04", "actor1_countries": ["MNG"], "actor2_countries": ["JPN"], "location_id": "geonames:5128581"}
    rows = [dict(base, event_id="a", event_date=date(2024, 9, 22)), dict(base, event_id="b", event_date=date(2024, 9, 23)),
            dict(base, event_id="c", event_date=date(2024, 10, 30)), dict(base, event_id="d", event_date=None),
            dict(base, event_id="e", event_date=None)]
    assign_clusters(rows)
    ids = {r["event_id"]: r["event_cluster_id"] for r in rows}
    assert ids["a"] == ids["b"] != ids["c"]
    assert ids["d"] != ids["e"]


def test_receiving_one_person_is_hosting_a_visit():
    events, mentions = _events("Президент Монголии Цахиагийн Элбэгдорж принял посла Японии Такаси Симидзу.")
    hosted = [e for e in events if e["cameo_code"] == "043"]
    assert hosted and "Элбэгдорж" in mentions[hosted[0]["actor1"][0]]["text"]
    assert "Симидзу" in mentions[hosted[0]["actor2"][0]]["text"]
    # adopting a law, taking part, taking people in, admitting someone into a body are other acts
    for text in ("Госдума приняла закон о бюджете Японии.", "Министр Японии Таро Коно принял участие в заседании.",
                 "Южная Корея приняла беженцев из КНДР.", "С 1968 года Иванова приняли в Союз писателей.",
                 "Полиция приняла Ивана Петрова за грабителя.", "Врач больницы Иван Петров принял пациента."):
        assert "043" not in _codes_unfiltered(text), text


def test_a_pronoun_subject_is_the_person_the_text_is_about():
    # "он" is the person named most so far, not the last one named, and never a nearer organisation
    text = ("Владимир Зворыкин родился в Муроме. В 1919 году Зворыкин уехал в США, где Сергей Иванов помог ему. "
            "Позже он встречался с Давидом Сарновым.")
    events, mentions = _events(text)
    met = [e for e in events if e["cameo_code"].startswith("04")]
    assert met and {mentions[i]["text"] for i in met[-1]["actor1"]} <= {"Зворыкин", "Владимир Зворыкин"}
    assert met[-1]["actor1"]
    tagged = tag_document("t", "В 2017 году его включили в Творческую команду России, в составе которой он снова "
                          "встречался с президентом.", PUB, event_filter=False)
    # "он" names no one here: the meeting has no actor, so no event, and never the nearer organisation
    assert not any(tagged["mentions"][i]["type"] == "ORG" for e in tagged["events"] for i in e["actor1"])


def test_two_partners_from_different_phrases_are_no_symmetric_pair():
    # "встретился с Сарновым, ..., который назначил Зворыкина": the second name is no side of the meeting
    events, mentions = _events("В 1928 году изобретатель встретился с эмигрантом из России Давидом Сарновым, "
                               "вице-президентом компании RCA, который назначил Зворыкина руководителем лаборатории.")
    met = [e for e in events if e["cameo_code"].startswith("04")]
    assert met and not met[0]["actor1"] and not met[0]["symmetric"]


def test_a_genitive_that_qualifies_an_actor_is_no_actor():
    # the brother is killed; the leader only says whose brother he is. A genitive inside a name stays.
    events, mentions = _events("Полиция Малайзии подтвердила сообщения об убийстве Ким Чон Нама, брата лидера КНДР "
                               "Ким Чен Ына.")
    killed = [e for e in events if e["cameo_code"] == "180"]
    assert killed and [mentions[i]["text"] for i in killed[0]["actor2"]] == ["Ким Чон Нама"]
    events, mentions = _events("Спецслужбы КНДР похитили японских граждан.")
    assert {"Спецслужбы КНДР", "КНДР"} <= {mentions[i]["text"] for i in events[0]["actor1"]}


@pytest.mark.parametrize("text,code", [
    ("Вице-президент США Джо Байден побеседовал с президентом Эквадора Рафаэлем Корреа.", "040"),
    ("Министры иностранных дел Японии и Китая обменялись мнениями о ситуации в регионе.", "040"),
    ("Президент России Владимир Путин созвонился с премьер-министром Японии Синдзо Абэ.", "041"),
])
def test_talks_by_other_names_are_consultations(text, code):
    assert code in _codes_unfiltered(text)


def test_talking_to_the_press_is_no_consultation():
    for text in ("Политолог Владимир Васильев в беседе с корреспондентом РИА Новости сказал, что отставка — хороший "
                 "знак.", "Глава МИД России Сергей Лавров на встрече с журналистами резко отреагировал на заявление "
                 "Наото Кана."):
        assert not [c for c in _codes_unfiltered(text) if c.startswith("04")], text
    assert "040" in _codes_unfiltered("Глава МИД России Сергей Лавров на встрече с Ван И обсудил торговлю.")


def test_who_reports_an_act_is_not_its_side():
    # the fallback for a trigger without actors in the parse takes no speaker of a verb of saying
    text = "Мария Захарова подчеркнула, что переговоры с Японией прошли успешно."
    tagged = tag_document("t", text, PUB, event_filter=False)
    talks = [e for e in tagged["events"] if e["cameo_code"] == "046"]
    assert talks, "the talks with Japan are an event"
    assert not any(tagged["mentions"][i]["text"] == "Мария Захарова" for e in talks for i in e["actor1"] + e["actor2"])


def test_taken_into_custody_is_the_object_arrested():
    events, mentions = _events("Экс-премьера Пакистана Беназир Бхутто вновь взяли под домашний арест.")
    arrested = [e for e in events if e["cameo_code"] == "173"]
    assert arrested and not arrested[0]["actor1"]
    assert [mentions[i]["text"] for i in arrested[0]["actor2"]] == ["Беназир Бхутто"]


@pytest.mark.parametrize("text,expected", [
    # the date of the trigger's own clause, then the nearest of equal precision
    ("Одобренный парламентом Японии 12 апреля и подписанный ещё 29 апреля закон отменяет мораторий с 1 июля 2016 "
     "года.", "--04-29"),
    ("Документ был одобрен 29 ноября, а президент России Дмитрий Медведев подписал закон 5 декабря 2011 года.",
     "2011-12-05"),
])
def test_an_event_takes_the_date_of_its_own_clause(text, expected):
    events, _ = _events(text, published=date(2016, 12, 6))
    signed = [e for e in events if e["cameo_code"] == "057"]
    assert signed and signed[0]["event_date_text"] == expected


def test_the_city_of_a_place_noun_is_where_it_happens_not_who():
    events, mentions = _events("После недолгой погони в городе Гваделупе преступник Джон Смит был застрелен полицией.")
    shot = [e for e in events if e["cameo_code"] == "180"]
    assert shot and mentions[shot[0]["location"]]["text"] == "Гваделупе"
    events, mentions = _events("В аэропорту Буэнос-Айреса задержан россиянин с почти 4 кг кокаина.")
    assert not any(mentions[i]["text"] == "Буэнос-Айреса" for e in events for i in e["actor1"] + e["actor2"])


def test_a_prepositional_phrase_starts_at_its_preposition():
    from types import SimpleNamespace

    from pipeline.core.events.roles import _conjunct_actors

    # "правительству», — сказал ... с учёными и лауреатами": a misparse hangs the dative inside the с-phrase
    words = [("правительство", "nmod", 4), ("сказать", "root", None), ("с", "case", 3), ("учёный", "obl", 1),
             ("лауреат", "conj", 3)]
    tokens = [SimpleNamespace(index=i, lemma=w, rel=rel, parent=p, kids=[], id=str(i), head=str(p), pos="NOUN",
                              feats={}, start=i * 10, end=i * 10 + 5) for i, (w, rel, p) in enumerate(words)]
    for t in tokens:
        if t.parent is not None:
            tokens[t.parent].kids.append(t.index)
    mention = SimpleNamespace(type="ORG", start=0, end=5, entity_id="org:government", text="правительству")
    found = _conjunct_actors(tokens, 3, {0: 0}, [mention])
    assert all(0 not in sub for sub, _, _ in found) and all(not actors for _, actors, _ in found)


@pytest.mark.parametrize("text,code,modality", [
    ("Россия отказалась освободить японских рыбаков.", "0841", "negated"),  # refused: the release did not happen
    ("Профсоюз угрожает начать забастовку пилотов Ryanair 6 августа.", "143", "conditional"),  # threatened
    ("Япония потребовала освободить японских рыбаков.", "0841", "possible"),  # asked of someone
    ("КНДР объявила об отказе от переговоров с Японией.", "046", "negated"),  # the same, through a noun
    ("Япония выступила с призывом к переговорам с КНДР.", "046", "possible"),
    # a noun trigger that another verb takes is that verb's topic: the detention took place
    ("Песков отказался комментировать задержание Ивана Петрова.", "173", "asserted"),
])
def test_an_act_refused_threatened_or_demanded_is_not_asserted(text, code, modality):
    tagged = tag_document("t", text, PUB, event_filter=False)
    assert [e["modality"] for e in tagged["events"] if e["cameo_code"] == code] == [modality]


def test_the_subject_of_a_passive_trigger_undergoes_it():
    # "среди задержанных оказался X": the participle is passive, so the subject it takes from "оказался" was detained
    events, mentions = _events("Пользователь ЖЖ сообщает, что среди задержанных оказался депутат муниципального "
                               "собрания Михаил Вельмакин.")
    held = [e for e in events if e["cameo_code"] == "173"]
    assert held and not held[0]["actor1"]
    assert "Михаил Вельмакин" in [mentions[i]["text"] for i in held[0]["actor2"]]


def test_condemnation_and_criticism_as_nouns_are_111():
    assert "111" in _codes_unfiltered("В воскресенье Николя Саркози выпустил заявление с осуждением действий КНДР.")


def test_an_institution_of_a_country_acts_for_it():
    # "в посольстве США осудили": the embassy's country condemns; it is no place of a geographic noun
    events, mentions = _events("В посольстве США осудили нападение на журналистов.")
    condemned = [e for e in events if e["cameo_code"] == "111"]
    assert condemned and [mentions[i]["text"] for i in condemned[0]["actor1"]] == ["США"]


@pytest.mark.parametrize("text,code,side,lemma,span", [
    # a side named by a noun of people (its animacy) or of an institution (data/cameo/agent_nouns.tsv)
    ("Итальянский суд приговорил украинского солдата к 24 годам тюрьмы.", "173", "actor2_unnamed", "солдат",
     "украинского солдата"),
    ("ФБР 22 декабря арестовало бывшего морского пехотинца по обвинению в подготовке теракта.", "173",
     "actor2_unnamed", "пехотинец", "бывшего морского пехотинца"),
    ("Суд признал Ивана Петрова виновным в мошенничестве.", "173", "actor1_unnamed", "суд", "Суд"),
    ("Бастующие требуют от руководства Ryanair изменить условия труда.", "100", "actor1_unnamed", "бастующие",
     "Бастующие"),
    # beside a place only (a country or a city is no person or organisation), and a capitalised first word
    ("Суд Лондона приговорил россиянина Ивана Петрова к трем годам.", "173", "actor1_unnamed", "суд", "Суд"),
    ("Турецкие силовики задержали Ивана Петрова.", "173", "actor1_unnamed", "силовик", "Турецкие силовики"),
    ("Стрелок ранил Ивана Петрова.", "182", "actor1_unnamed", "стрелок", "Стрелок"),
    # the noun's lemma: a noun ending like an infinitive stays itself, a participle is given in the nominative
    ("Иван Петров обвинил власти в коррупции.", "112", "actor2_unnamed", "власть", "власти"),
    ("Иван Петров приказал освободить заключенных.", "0841", "actor2_unnamed", "заключенные", "заключенных"),
])
def test_a_side_named_by_a_common_noun_is_its_unnamed_actor(text, code, side, lemma, span):
    tagged = tag_document("t", text, PUB, event_filter=False)
    found = [e for e in tagged["events"] if e["cameo_code"] == code]
    assert found and found[0][side] is not None and found[0][side]["lemma"] == lemma
    assert text[found[0][side]["start"]:found[0][side]["end"]] == span
    other = "actor2_unnamed" if side == "actor1_unnamed" else "actor1_unnamed"
    assert found[0][other] is None  # the other side has a name in each of these


def test_a_named_side_has_no_unnamed_actor_and_a_noun_alone_makes_no_event():
    # the side's name is the actor; and with nothing but common nouns there is no event ("no actor, no event")
    tagged = tag_document("t", "Полиция задержала Ивана Петрова в Москве.", PUB, event_filter=False)
    held = [e for e in tagged["events"] if e["cameo_code"] == "173"]
    assert held and held[0]["actor2_unnamed"] is None and held[0]["actor2"]
    assert tag_document("t", "Вчера суд арестовал двух мужчин.", PUB, event_filter=False)["events"] == []


@pytest.mark.parametrize("text,names", [
    ("В декабре 35-летний житель Флориды Кристофер Чейни (Christopher Chaney) был приговорен к 10 годам тюрьмы.",
     ["Кристофер Чейни"]),
    ("Южнокорейский суд выдал ордер на арест главы Samsung Ли Джэён (также Ли Чже Ен, Ли Чже Ён).", ["Ли Джэён"]),
    ("В Донецке убит один из командиров ополчения Арсен Павлов, более известный как Моторола.", ["Арсен Павлов"]),
    # not a restatement: a list after a nickname, another person in brackets, a place in brackets
    ("Задержаны Арсен Павлов по прозвищу Моторола, Михаил Толстых.", ["Арсен Павлов", "Михаил Толстых"]),
    ("Полиция задержала Ивана Петрова (Сергея Сидорова отпустили).", ["Ивана Петрова", "Сергея Сидорова"]),
    ("Силовики обстреляли Донецк (Украина).", ["Донецк", "Украина"]),
])
def test_a_name_restated_in_brackets_is_one_actor(text, names):
    tagged = tag_document("t", text, PUB, event_filter=False)
    held = [e for e in tagged["events"] if e["cameo_code"] in ("173", "180", "190")]
    assert held and [tagged["mentions"][i]["text"] for i in held[0]["actor2"]] == names


@pytest.mark.parametrize("text,sides,symmetric", [
    # coordinated subjects of a consultation keep their nouns on their own sides
    ("Президент России и премьер-министр Японии провели переговоры в Токио.", ("президент", "премьер-министр"), True),
    ("Министры иностранных дел Японии и Южной Кореи провели переговоры.", ("министр", "министр"), True),
    # a named and an unnamed subject act on each other
    ("Иван Петров и министр обороны провели переговоры.", (None, "министр"), True),
])
def test_coordinated_subjects_named_by_nouns_keep_their_sides(text, sides, symmetric):
    tagged = tag_document("t", text, PUB, event_filter=False)
    talks = [e for e in tagged["events"] if e["cameo_code"] == "046"]
    assert talks and talks[0]["symmetric"] is symmetric
    assert tuple((talks[0][k] or {}).get("lemma") for k in ("actor1_unnamed", "actor2_unnamed")) == sides
