"""Roles, modality, dates, evidence and bounds of events (issue 16), on sentences written as a user would."""

from datetime import date

import pytest

from pipeline.core.build import tag_document
from pipeline.core.events import extract
from pipeline.core.events.cluster import assign_clusters
from pipeline.core.events.ontology import ontology
from pipeline.core.events.when import find_event_date
from pipeline.schema import EVENTS, PLOVER_CATEGORIES

PUB = date(2024, 9, 23)


def _tag(text: str, published: date | None = PUB) -> tuple[list[dict], list[dict]]:
    tagged = tag_document("t", text, published)
    return tagged["events"], tagged["mentions"]


def _texts(ev: dict, mentions: list[dict], side: str) -> list[str]:
    return [mentions[i]["text"] for i in ev[side]]


def test_meeting_in_the_counterparts_capital_is_a_visit_with_the_city_as_place():
    text = ("Премьер-министр Японии Фумио Кисида 22 сентября провел встречу с президентом Южной Кореи "
            "Юн Сок Ёлем в Сеуле.")
    events, mentions = _tag(text)
    ev = next(e for e in events if e["cameo_code"].startswith("04"))
    assert _texts(ev, mentions, "actor1") == ["Фумио Кисида"]
    assert _texts(ev, mentions, "actor2") == ["Юн Сок Ёлем"]
    assert mentions[ev["location"]]["text"] == "Сеуле"
    assert ev["cameo_code"] == "042"  # Kishida travelled to Korea
    assert ev["event_date_text"] == "--09-22" and ev["event_date"] == "2024-09-22"
    assert text[ev["trigger_start"]:ev["trigger_end"]] == "провел встречу"


def test_meeting_at_home_is_hosting():
    events, mentions = _tag("Премьер-министр Японии Фумио Кисида провел встречу с президентом Монголии "
                            "Хурэлсухом в Токио.")
    ev = next(e for e in events if e["cameo_code"].startswith("04"))
    assert ev["cameo_code"] == "043"
    assert mentions[ev["location"]]["text"] == "Токио"


def test_a_place_is_never_an_actor():
    events, mentions = _tag("Путин встретился с Си Цзиньпином в Пекине.")
    assert events, "встретиться is a trigger and one side is known"
    ev = events[0]
    assert "Пекине" not in _texts(ev, mentions, "actor1") + _texts(ev, mentions, "actor2")
    assert mentions[ev["location"]]["text"] == "Пекине"


def test_coordinated_subjects_are_both_actors_and_symmetric():
    events, mentions = _tag("Монголия и Япония достигли соглашения о сотрудничестве.")
    ev = next(e for e in events if e["cameo_code"] == "057")
    assert {*_texts(ev, mentions, "actor1"), *_texts(ev, mentions, "actor2")} == {"Монголия", "Япония"}
    assert ev["symmetric"] is True


def test_the_sides_named_before_act_on_each_other():
    # "Стороны обсудили": the talks' two sides, whoever held them with whom, act on each other
    events, mentions = _tag("В пятницу Сигэру Исиба провел переговоры с президентом США Дональдом Трампом. "
                            "Стороны обсудили торговые пошлины.")
    ev = next(e for e in events if e["trigger"] == "обсудили")
    assert {*_texts(ev, mentions, "actor1"), *_texts(ev, mentions, "actor2")} == {"Сигэру Исиба", "Дональдом Трампом"}
    assert ev["symmetric"] is True


def test_hold_a_summit_is_a_trigger():
    events, mentions = _tag("Исиба и Ли Чжэ Мён провели саммит в Токио 23 августа 2025 года.")
    ev = next(e for e in events if e["cameo_code"].startswith("04"))
    assert (ev["event_date"], ev["date_precision"]) == ("2025-08-23", "day")
    assert mentions[ev["location"]]["text"] == "Токио"


def test_declining_to_comment_is_not_a_rejection():
    events, _ = _tag("Представитель МИД Японии отказался от дальнейших комментариев.")
    assert [e["cameo_code"] for e in events] == ["011"]
    assert ontology()["011"].label == "Decline comment"


@pytest.mark.parametrize("text,modality", [
    ("Повторные переговоры Японии и КНДР должны были состояться в октябре, но встреча так и не была согласована.",
     "unrealized"),
    ("Встреча Путина и Си Цзиньпина не состоялась.", "unrealized"),
    ("Визит Кисиды в Сеул сорвался.", "unrealized"),
    ("Министр иностранных дел Южной Кореи Пак Чжин не встретился с Ван И.", "negated"),
    ("Если Япония и КНДР проведут переговоры, санкции могут быть смягчены.", "conditional"),
    ("МИД Японии сообщил, что Кисида встретится с Юн Сок Ёлем.", "planned"),
    ("Пхеньян опроверг, что Ким Чен Ын встречался с Путиным.", "denied"),
    ("Кисида заявил, что спецслужбы КНДР похитили японских граждан.", "reported"),
    ("Кисида встретился с Юн Сок Ёлем.", "asserted"),
    ("Осуждённый за шпионаж Валентин Данилов будет освобождён условно-досрочно.", "planned"),  # "будет" + passive
    ("Сергей Иванов был задержан в Москве.", "asserted"),
    ("Тереза Мэй намерена заключить с ЕС соглашение.", "planned"),  # short adjective "намерена"
    # a contrasting clause undoes a plan, not a meeting that took place
    ("Джеймс Брэддок встречался с продюсером Эдином Саркичем, но к соглашению они так и не пришли.", "asserted"),
    ("Мишель Барнье готов к переговорам с Терезой Мэй.", "planned"),
    ("Кабинет Терезы Мэй согласовал позицию по будущим переговорам с Евросоюзом.", "planned"),
    ("Пилоты Ryanair объявили о забастовке, запланированной на 12 сентября.", "planned"),
])
def test_modality_follows_the_clause(text, modality):
    events, _ = _tag(text)
    assert events, text
    assert events[0]["modality"] == modality, (text, events[0])


def test_negation_in_another_clause_does_not_negate():
    events, _ = _tag("Кисида встретился с Юн Сок Ёлем, хотя Ким Чен Ын не приехал.")
    meeting = next(e for e in events if e["cameo_code"].startswith("04"))
    assert meeting["modality"] == "asserted"


def test_date_range_belongs_to_the_event_not_to_the_speech():
    events, _ = _tag("Кисида 22 сентября заявил, что спецслужбы КНДР похитили японских граждан "
                     "в период с 1977 по 1983 годы.")
    ev = next(e for e in events if e["cameo_code"] == "181")
    assert (ev["date_precision"], ev["event_date_text"]) == ("year_range", "1977/1983")
    assert (ev["event_date"], ev["event_date_end"]) == ("1977-01-01", "1983-12-31")


def test_the_date_of_a_speech_is_not_the_event_date():
    events, _ = _tag("Кисида 22 сентября заявил, что спецслужбы КНДР похитили японских граждан.")
    ev = next(e for e in events if e["cameo_code"] == "181")
    assert ev["event_date"] is None and ev["date_precision"] is None
    assert (ev["fallback_date"], ev["fallback_date_precision"]) == ("2024-09-23", "publication")


@pytest.mark.parametrize("sentence,published,expected", [
    ("Встреча прошла 22 сентября.", None, (None, "day_of_year_unknown", "--09-22", None)),
    ("Встреча прошла 22 сентября.", date(2024, 9, 23), (date(2024, 9, 22), "day", "--09-22", None)),
    ("граждане, похищенные в период с 1977 по 1983 годы", None,
     (date(1977, 1, 1), "year_range", "1977/1983", date(1983, 12, 31))),
    ("похищения в 1970–1980-х", None, (date(1970, 1, 1), "decade", "1970/1989", date(1989, 12, 31))),
    ("в 1990-х годах", None, (date(1990, 1, 1), "decade", "1990/1999", date(1999, 12, 31))),
    ("в мае 2024 года", None, (date(2024, 5, 1), "month", "2024-05", None)),
])
def test_partial_dates_and_ranges(sentence, published, expected):
    found = find_event_date(sentence, published)
    assert (found.value, found.precision, found.text, found.end) == expected


def test_place_and_date_from_the_next_sentence():
    events, mentions = _tag("Кисида провел переговоры с Юн Сок Ёлем. Встреча состоялась в Сеуле 22 сентября.",
                            published=None)
    assert len(events) == 1
    ev = events[0]
    assert mentions[ev["location"]]["text"] == "Сеуле"
    assert (ev["event_date"], ev["date_precision"], ev["event_date_text"]) == (None, "day_of_year_unknown", "--09-22")
    assert ev["fallback_date"] is None and ev["fallback_date_precision"] is None


def test_no_event_without_an_actor_on_either_side():
    events, _ = _tag("Учения прошли в конструктивной атмосфере.")
    assert events == []
    for text in ("КНДР провела ракетные испытания.", "Путин встретился с Си Цзиньпином в Пекине."):
        for ev in _tag(text)[0]:
            assert ev["actor1"] or ev["actor2"], (text, ev)


def test_plover_column_is_mapped_from_cameo():
    codes = ontology()
    assert codes["057"].plover == "AGREE" and codes["040"].plover == "CONSULT" and codes["163"].plover == "SANCTION"
    assert codes["010"].plover is None
    assert all(c.plover is None or c.plover in PLOVER_CATEGORIES for c in codes.values())
    events, _ = _tag("США ввели санкции против КНДР.")
    assert events[0]["plover"] == "SANCTION"


def test_one_representative_per_cluster():
    base = {"cameo_root": "04", "actor1_countries": ["MNG"], "actor2_countries": ["JPN"], "location_id": "x",
            "article_id": "a"}
    rows = [dict(base, event_id="a", event_date=date(2024, 9, 22), confidence=0.6, start=0),
            dict(base, event_id="b", event_date=date(2024, 9, 23), confidence=0.9, start=5),
            dict(base, event_id="c", event_date=None, confidence=0.5, start=9)]
    assign_clusters(rows)
    assert [r["cluster_representative"] for r in rows] == [False, True, True]


def test_schema_documents_and_guards_the_new_columns():
    names = set(EVENTS.column_names)
    for col in ("trigger_start", "trigger_end", "plover", "symmetric", "event_date_text", "event_date_end",
                "fallback_date", "fallback_date_precision", "cluster_representative"):
        assert col in names
    by_name = {c.name: c for c in EVENTS.columns}
    assert "unrealized" in by_name["modality"].allowed and "denied" in by_name["modality"].allowed
    assert "day_of_year_unknown" in by_name["date_precision"].allowed
    assert "publication" in by_name["fallback_date_precision"].allowed


def test_long_sentences_are_bounded(monkeypatch):
    countries = ", ".join(["Япония", "Китай", "Монголия", "Россия", "Индия", "Вьетнам"] * 6)
    text = f"Представители стран ({countries}) провели переговоры в Сеуле."
    events, _ = _tag(text)
    for ev in events:
        assert len(ev["actor1"]) <= extract.MAX_ACTORS_PER_SIDE and len(ev["actor2"]) <= extract.MAX_ACTORS_PER_SIDE
    monkeypatch.setattr(extract, "MAX_SENTENCE_TOKENS", 10)
    assert _tag("Премьер-министр Японии Фумио Кисида провел встречу с президентом Монголии Хурэлсухом.")[0] == []


def test_passive_subject_undergoes_the_act():
    events, mentions = _tag("Дмитрий Фирташ был арестован в Вене.")
    ev = next(e for e in events if e["cameo_code"] == "173")
    assert _texts(ev, mentions, "actor2") == ["Дмитрий Фирташ"] and ev["actor1"] == []
    assert mentions[ev["location"]]["text"] == "Вене"


def test_a_place_conjoined_to_a_place_is_not_an_actor():
    events, mentions = _tag("Кисида провел переговоры с Юн Сок Ёлем в Берлине и Москве.")
    ev = events[0]
    assert "Москве" not in _texts(ev, mentions, "actor1") + _texts(ev, mentions, "actor2")


def test_a_person_not_the_employer_is_the_actor():
    tagged = tag_document("t", "Глава отдела расследований «Лаборатории Касперского» Руслан Стоянов арестован в Москве.",
                          event_filter=False)
    m = tagged["mentions"]
    ev = next(e for e in tagged["events"] if e["cameo_code"] == "173")
    assert [m[i]["text"] for i in ev["actor1"] + ev["actor2"]] == ["Руслан Стоянов"]


def test_conjoined_countries_in_one_subject_are_the_two_sides():
    tagged = tag_document("t", "Министры иностранных дел Японии и Южной Кореи провели переговоры в Сеуле.",
                          event_filter=False)
    m = tagged["mentions"]
    ev = next(e for e in tagged["events"] if e["cameo_code"].startswith("04"))
    assert [m[i]["text"] for i in ev["actor1"]] == ["Японии"] and [m[i]["text"] for i in ev["actor2"]] == ["Южной Кореи"]
    assert ev["symmetric"] and m[ev["location"]]["text"] == "Сеуле"


def test_fallback_actor_comes_from_the_triggers_own_clause():
    """"Иванов сказал, что Петров приехал": a mention under another predicate's clause is not the trigger's actor."""
    from pipeline.core.events.roles import clause_mentions
    from pipeline.core.events.syntax import Token, _link

    rows = [("Иванов", "сказал", "nsubj", "PROPN"), ("сказал", None, "root", "VERB"), (",", "приехал", "punct", "PUNCT"),
            ("что", "приехал", "mark", "SCONJ"), ("Петров", "приехал", "nsubj", "PROPN"),
            ("приехал", "сказал", "ccomp", "VERB")]
    ids = {w: str(k + 1) for k, (w, *_) in enumerate(rows)}
    tokens = _link([Token(k, str(k + 1), w, w, 0, 0, ids.get(h, "0"), rel, pos, {})
                    for k, (w, h, rel, pos) in enumerate(rows)])
    token_mentions = {0: 0, 4: 1}  # Иванов is mention 0, Петров mention 1
    assert clause_mentions(tokens, 5, [0, 1], token_mentions) == [1]
    assert clause_mentions(tokens, 1, [0, 1], token_mentions) == [0]


def test_the_genitive_of_an_act_done_to_someone_is_its_target():
    # "убийство X": X was killed, not the killer (triggers.tsv marks the noun's genitive as the target)
    events, mentions = _tag("Полиция Малайзии расследует убийство Ким Чен Нама в аэропорту Куала-Лумпура.")
    ev = next(e for e in events if e["cameo_code"] == "180")
    assert "Ким Чен Нама" in _texts(ev, mentions, "actor2")
    assert "Ким Чен Нама" not in _texts(ev, mentions, "actor1")


def test_the_genitive_of_a_visit_is_who_travels():
    events, mentions = _tag("Визит Владимира Путина в Пхеньян продлится два дня.")
    ev = next(e for e in events if e["cameo_code"].startswith("04"))
    assert _texts(ev, mentions, "actor1") == ["Владимира Путина"]


def test_whoever_a_passive_trigger_names_without_a_subject_undergoes_it():
    events, mentions = _tag("Иван Петров вернулся в Москву. Позднее он был арестован в аэропорту.")
    ev = next(e for e in events if e["cameo_code"] == "173")
    assert _texts(ev, mentions, "actor2") == ["Иван Петров"]
    assert ev["actor1"] == []


def test_of_two_triggers_of_one_root_the_first_in_the_sentence_is_the_event():
    events, mentions = _tag("Повторные переговоры Японии и КНДР должны были состояться в октябре, но встреча так и "
                            "не была согласована.")
    ev = next(e for e in events if e["cameo_code"].startswith("04"))
    assert ev["trigger"] == "переговоры"
    assert {*_texts(ev, mentions, "actor1"), *_texts(ev, mentions, "actor2")} == {"Японии", "КНДР"}
    assert ev["modality"] == "unrealized"


def test_a_name_reached_twice_is_one_actor():
    events, mentions = _tag("Лавров встретился с Ваном И и обсудил ситуацию на Корейском полуострове.")
    ev = next(e for e in events if e["cameo_code"].startswith("04"))
    assert _texts(ev, mentions, "actor2") == ["Ваном И"]


@pytest.mark.parametrize("sentence,planned,expected", [
    ("В понедельник его арестовали.", False, ("2024-09-23", "day")),  # PUB is Monday 23 September 2024
    ("В пятницу его арестовали.", False, ("2024-09-20", "day")),
    ("В прошлый понедельник его арестовали.", False, ("2024-09-16", "day")),
    ("Лидеры встретятся в пятницу.", True, ("2024-09-27", "day")),
    ("В следующий вторник они встретятся.", False, ("2024-09-24", "day")),
    ("Вчера его арестовали.", False, ("2024-09-22", "day")),
    ("В прошлом году его арестовали.", False, ("2023-01-01", "year")),
    ("В июне прошлого года суд признал его виновным.", False, ("2023-06-01", "month")),
    ("В прошлом месяце его задержали.", False, ("2024-08-01", "month")),
    ("Летом 2014 года его арестовали.", False, ("2014-01-01", "year")),
    ("Вчера стало известно, что 3 сентября его арестовали.", False, ("2024-09-03", "day")),
])
def test_dates_relative_to_publication(sentence, planned, expected):
    when = find_event_date(sentence, PUB, future=planned)
    assert (when.value.isoformat(), when.precision) == expected


def test_a_relative_date_without_a_publication_date_is_no_date():
    assert find_event_date("В понедельник его арестовали.", None) is None
    assert find_event_date("Вчера его арестовали.", None) is None


def test_a_planned_meeting_on_a_weekday_is_dated_ahead():
    events, _ = _tag("Путин и Си Цзиньпин встретятся в пятницу в Пекине.")
    ev = next(e for e in events if e["cameo_code"].startswith("04"))
    assert ev["modality"] == "planned" and ev["event_date"] == "2024-09-27"


def test_who_speaks_of_an_act_done_to_someone_does_not_do_it():
    events, mentions = _tag("Президент Южной Кореи Юн Сок Ёль осудил убийство Ким Чен Нама.")
    ev = next(e for e in events if e["cameo_code"] == "180")
    assert "Юн Сок Ёль" not in _texts(ev, mentions, "actor1")
    assert "Ким Чен Нама" in _texts(ev, mentions, "actor2")


def test_the_subject_of_a_support_verb_does_the_act():
    events, mentions = _tag("Полиция Малайзии провела арест Ри Чжон Чхоля.")
    ev = next(e for e in events if e["cameo_code"] == "173")
    assert "Ри Чжон Чхоля" in _texts(ev, mentions, "actor2")
    assert _texts(ev, mentions, "actor1") or ev["actor1_countries"]


def test_coordinated_actors_of_a_relative_clause_are_the_two_sides():
    events, mentions = _tag("Вопрос решат глава «Газпрома» Алексей Миллер и министр энергетики Белоруссии "
                            "Александр Озерец, которые сегодня встречаются в Москве.")
    ev = next(e for e in events if e["cameo_code"].startswith("04"))
    assert ev["symmetric"] is True
    assert _texts(ev, mentions, "actor1") == ["Алексей Миллер"]
    assert _texts(ev, mentions, "actor2") == ["Александр Озерец"]


def test_a_parse_with_cycles_becomes_a_forest():
    # slovnet picks every token's head on its own: a token may head itself, two tokens each other
    from pipeline.core.events.syntax import Token, _link

    def token(i, head, rel="appos"):
        return Token(i, str(i + 1), f"w{i}", f"w{i}", 3 * i, 3 * i + 2, head, rel, "NOUN", {})

    # ids are index + 1: w1 and w2 head each other, w3 heads itself, w4 hangs on w3
    tokens = _link([token(0, "0", "root"), token(1, "3"), token(2, "2"), token(3, "4"), token(4, "4")])
    for t in tokens:  # every walk up the heads ends at a root
        seen, j = set(), t.index
        while j is not None:
            assert j not in seen
            seen.add(j)
            j = tokens[j].parent
    assert tokens[2].parent is None and tokens[1].parent == 2  # the link closing the cycle is cut
    assert tokens[3].parent is None and tokens[4].parent == 3  # the self-loop is cut, a link into it kept
    assert tokens[2].kids == [1] and tokens[3].kids == [4]


def test_who_condemns_a_visit_does_not_make_it():
    # "осудил" is an event of its own (111); its subject does not become the visitor of the "визит" it governs
    events, mentions = _tag("Премьер-министр Японии Наото Кан осудил визит Дмитрия Медведева на Курилы.")
    visit = next(e for e in events if e["cameo_code"] == "042")
    assert "Наото Кан" not in [mentions[i]["text"] for i in visit["actor1"]]


def test_who_condemns_an_attack_did_not_attack():
    # no parse actor for the attack; the fallback must not take the subject of the verb that condemns it
    events, _ = _tag("Япония осудила нападение на посольство в Пхеньяне.")
    assert [e["cameo_code"] for e in events] == ["111"]


def test_a_place_of_another_clause_is_no_fallback_actor():
    # no parse actor for the passive "был осужден"; Mariupol belongs to the participle's clause, not to the act
    events, mentions = _tag("Врач, заразивший троих детей Мариуполя ВИЧ-инфекцией, был осужден на 5 лет.")
    assert all("Мариуполя" not in _texts(e, mentions, "actor2") + _texts(e, mentions, "actor1") for e in events)


def test_a_pronoun_object_is_the_person_named_before():
    events, mentions = _tag("Сергей Иванов приехал в Москву. Там его задержала полиция.")
    arrest = next(e for e in events if e["cameo_code"] == "173")
    assert _texts(arrest, mentions, "actor2") == ["Сергей Иванов"]


def test_a_pronoun_object_is_the_person_spoken_of_most_not_the_last_named():
    events, mentions = _tag("В аэропорту Куала-Лумпура скончался Ким Чен Нам. Ким Чен Нам, старший брат лидера КНДР "
                            "Ким Чен Ына, жил в Макао. По предварительным данным, его отравили в аэропорту.")
    poisoning = next(e for e in events if e["cameo_code"] == "182")
    assert _texts(poisoning, mentions, "actor2") == ["Ким Чен Нам"]


def test_a_predicative_passive_participle_modifies_no_noun():
    # "была задержана" is said of its passive subject; the verb of the clause it stands in ("РБК напоминает")
    # is no noun it modifies, so its subject does not undergo the arrest
    events, mentions = _tag("РБК напоминает, что в начале декабря в Великобритании была задержана 25-летняя "
                            "россиянка Екатерина Затуливетер по подозрению в шпионаже.")
    ev = next(e for e in events if e["cameo_code"].startswith("17"))
    assert _texts(ev, mentions, "actor2") == ["Екатерина Затуливетер"]
    assert _texts(ev, mentions, "actor1") == []


def test_the_instrumental_agent_of_a_predicative_passive_participle_acts():
    events, mentions = _tag("Договор был подписан Дмитрием Медведевым и Бараком Обамой в Праге.")
    ev = next(e for e in events if e["cameo_code"].startswith("05"))
    assert set(_texts(ev, mentions, "actor1") + _texts(ev, mentions, "actor2")) == {"Дмитрием Медведевым",
                                                                                    "Бараком Обамой"}


def test_the_name_before_a_passive_participle_modifying_a_noun_does_not_undergo_it():
    # "задержанного" modifies "бизнесмена": the businessman was detained, and the authorities named before the
    # participle are the subject of "освободили", not whom the detention was done to
    events, mentions = _tag("Китайские власти освободили задержанного японского бизнесмена.")
    detention = next(e for e in events if e["cameo_code"].startswith("17"))
    assert "Китайские власти" not in _texts(detention, mentions, "actor2")
    release = next(e for e in events if e["cameo_code"].startswith("08"))
    assert _texts(release, mentions, "actor1") == ["Китайские власти"]


def test_a_passive_participle_modifying_an_apposition_is_done_to_the_name_it_describes():
    events, mentions = _tag("В понедельник Абид Насир, 26-летний пакистанец, арестованный по подозрению в "
                            "терроризме, был доставлен в суд.")
    arrest = next(e for e in events if e["cameo_code"].startswith("17"))
    assert _texts(arrest, mentions, "actor2") == ["Абид Насир"]


def test_an_act_named_with_its_own_doer_in_an_adverbial_phrase_is_not_the_subjects():
    # "после вторжения китайских судов": the ships invaded, not Japan, which protested after it
    events, mentions = _tag("Япония направила Китаю ноту протеста после вторжения китайских судов в "
                            "территориальные воды.")
    incursion = next(e for e in events if e["trigger"] == "вторжения")
    assert "Япония" not in _texts(incursion, mentions, "actor1")


@pytest.mark.parametrize("text, code, actor", [
    ("После заключения договора Россия и КНДР провели переговоры.", "057", "Россия"),  # the trigger's own word
    ("После снятия санкций США возобновили торговлю с Ираном.", "085", "США"),
])
def test_a_genitive_that_names_no_doer_leaves_the_act_to_the_subject(text, code, actor):
    events, mentions = _tag(text)
    ev = next(e for e in events if e["cameo_code"] == code)
    assert actor in _texts(ev, mentions, "actor1")


def test_the_agent_in_a_clause_modifying_the_target_is_not_the_target():
    # "освобождение граждан, похищенных спецслужбами КНДР": the citizens are released; the services named in the
    # clause that qualifies them are the abduction's agent, not whom the release is done to
    events, mentions = _tag("Цель визита — освобождение южнокорейских рыбаков, похищенных агентами КНДР в 2019 году.")
    release = next(e for e in events if e["cameo_code"].startswith("08"))
    assert not any("КНДР" in t for t in _texts(release, mentions, "actor2"))
    abduction = next(e for e in events if e["cameo_code"] == "181")
    assert any("КНДР" in t for t in _texts(abduction, mentions, "actor1"))


def test_a_participle_modifying_a_noun_takes_no_side_from_outside_that_nouns_phrase():
    # the actor check once added the subject of "поблагодарил" as the one abducted
    for text, speaker in (("В ходе переговоров Ли Цян поблагодарил Монголию за содействие в освобождении "
                           "южнокорейских рыбаков, похищенных агентами КНДР в 2019 году.", "Ли Цян"),
                          ("На встрече Ивая поблагодарил Улан-Батор за помощь в освобождении японских туристов, "
                           "похищенных боевиками в Сирии.", "Ивая")):
        events, mentions = _tag(text)
        abduction = next(e for e in events if e["cameo_code"] == "181")
        assert speaker not in _texts(abduction, mentions, "actor1") + _texts(abduction, mentions, "actor2")


def test_a_clause_that_says_who_the_noun_is_keeps_its_names():
    # "судно, принадлежащее КНДР": the clause identifies the ship, so the country stays its side (only a clause that
    # is an act of its own, "похищенных спецслужбами", is left to that act)
    events, mentions = _tag("Японская береговая охрана задержала судно, принадлежащее КНДР.")
    ev = next(e for e in events if e["cameo_code"].startswith("17"))
    assert "КНДР" in _texts(ev, mentions, "actor2")


def test_a_curated_leaders_bare_surname_acts():
    events, mentions = _tag("Исиба принял председателя КНР Си Цзиньпина в своей резиденции.")
    ev = next(e for e in events if e["cameo_code"] == "043")
    assert _texts(ev, mentions, "actor1") == ["Исиба"]


def test_a_name_under_a_preposition_is_no_subject_the_actor_check_adds():
    # "в телестудию «Аль-Джазира»": the name reads as a nominative, but it stands in a prepositional phrase
    events, mentions = _tag("Сотрудники службы безопасности Египта ворвались в телестудию «Аль-Джазира» и "
                            "арестовали нескольких журналистов.")
    arrest = next(e for e in events if e["cameo_code"].startswith("17"))
    assert not any("Джазира" in t for t in _texts(arrest, mentions, "actor1"))


def test_the_noun_an_active_participle_modifies_does_the_act():
    events, mentions = _tag("ФСБ задержала Иванова, напавшего на полицейского.")
    attack = next(e for e in events if e["trigger"] == "напавшего")
    assert _texts(attack, mentions, "actor1") == ["Иванова"]
    # the man attacked; the officers named before the participle arrested him and did not attack
    events, mentions = _tag("Сотрудники ФСБ задержали мужчину, напавшего на полицейского.")
    for attack in (e for e in events if e["trigger"] == "напавшего"):
        assert "ФСБ" not in _texts(attack, mentions, "actor1")
    arrest = next(e for e in events if e["cameo_code"].startswith("17"))
    assert _texts(arrest, mentions, "actor1") == ["ФСБ"]


def test_concluding_a_treaty_is_signing_an_agreement():
    events, mentions = _tag("Россия и КНДР заключили договор о всеобъемлющем стратегическом партнерстве.")
    ev = next(e for e in events if e["cameo_code"] == "057")
    assert set(_texts(ev, mentions, "actor1") + _texts(ev, mentions, "actor2")) == {"Россия", "КНДР"}
    assert ev["symmetric"]


def test_the_named_site_of_a_place_adjective_is_the_place():
    # "в московском аэропорту Шереметьево": the adjective opens the locative phrase, the airport's name is where
    events, mentions = _tag("Гражданку Израиля Нааму Иссахар задержали в московском аэропорту Шереметьево "
                            "9 апреля 2019 года.")
    ev = next(e for e in events if e["cameo_code"].startswith("17"))
    assert mentions[ev["location"]]["text"] == "Шереметьево"
    # without a named site the adjective's place stands ("в московском суде": Moscow)
    events, mentions = _tag("Активиста Ивана Петрова арестовали в московском суде в среду.")
    ev = next(e for e in events if e["cameo_code"].startswith("17"))
    assert mentions[ev["location"]]["text"] == "московском"


def test_a_dropped_subject_is_the_person_named_before():
    # Russian drops a subject the text has just named: "была арестована" is said of the person before, and a
    # verb whose sentence holds a nominative (a subject the parse missed) is not read so
    events, mentions = _tag("Мишель Бачелет родилась в Сантьяго в 1951 году. Во время диктатуры Пиночета была "
                            "арестована.")
    ev = next(e for e in events if e["cameo_code"].startswith("17"))
    assert "Мишель Бачелет" in _texts(ev, mentions, "actor2")
    assert _texts(ev, mentions, "actor1") == []
    events, mentions = _tag("Мишель Бачелет родилась в Сантьяго в 1951 году. Полковник был арестован в Сантьяго.")
    assert all("Мишель Бачелет" not in _texts(e, mentions, "actor2") for e in events)


def test_a_dropped_subject_beside_a_foreign_name_the_tagger_reads_as_nominative():
    # "с президентом Юн Сок Ёлем": the tagger reads the name's last word as nominative; a name's later words
    # carry the case of its head, so the sentence still has no subject and the person named before acts
    events, mentions = _tag("Премьер-министр Японии Фумио Кисида прибыл в Сеул. В среду провел переговоры с "
                            "президентом Юн Сок Ёлем.")
    ev = next(e for e in events if e["trigger"] == "провел переговоры")
    assert _texts(ev, mentions, "actor1") == ["Фумио Кисида"] and _texts(ev, mentions, "actor2") == ["Юн Сок Ёлем"]


def test_there_takes_the_place_a_visit_found_in_the_sentence_before():
    events, mentions = _tag("Президент Монголии Ухнаагийн Хурэлсух посетил Токио с официальным визитом. Там он "
                            "встретился с премьер-министром Японии Фумио Кисидой.")
    ev = next(e for e in events if e["trigger"] == "встретился")
    assert mentions[ev["location"]]["text"] == "Токио"


def test_a_pronoun_or_dropped_subject_of_a_passive_with_an_agent_undergoes_the_act():
    # "Позже он был арестован полицией": the agent fills actor1, and the person the pronoun (or the dropped
    # subject) stands for is still the one arrested
    for text in ("Муаммар Каддафи бежал из Триполи в августе. Позже он был арестован полицией Ливии.",
                 "Муаммар Каддафи бежал из Триполи в августе. Позже был арестован силами ПНС."):
        events, mentions = _tag(text)
        ev = next(e for e in events if e["trigger"] == "арестован")
        assert _texts(ev, mentions, "actor2") == ["Муаммар Каддафи"] and _texts(ev, mentions, "actor1")


def test_the_dative_of_a_noun_trigger_is_whom_the_act_is_for():
    for text, code, doer, recipient in (("Россия оказала помощь Монголии.", "070", "Россия", "Монголии"),
                                        ("Владимир Путин направил поздравительную телеграмму Ким Чен Ыну.", "051",
                                         "Владимир Путин", "Ким Чен Ыну")):
        events, mentions = _tag(text)
        (ev,) = events
        assert ev["cameo_code"] == code and not ev["symmetric"]
        assert (_texts(ev, mentions, "actor1"), _texts(ev, mentions, "actor2")) == ([doer], [recipient]), text


def test_a_noun_trigger_under_a_verb_of_its_own_act_is_done_by_the_verbs_subject():
    # "выделить" (070) governs "гуманитарную помощь" (073): one act of giving, not an act on another event
    events, mentions = _tag("Япония выделила гуманитарную помощь Монголии в размере 2 млн долларов.")
    (ev,) = events
    assert ev["cameo_code"] == "073"
    assert (_texts(ev, mentions, "actor1"), _texts(ev, mentions, "actor2")) == (["Япония"], ["Монголии"])


def _candidates(text: str) -> tuple[list[dict], list[dict]]:
    tagged = tag_document("t", text, PUB, event_filter=False)  # every candidate, scored or not
    return tagged["events"], tagged["mentions"]


def test_the_object_of_an_appeal_is_who_would_do_the_act_it_asks_for():
    events, mentions = _candidates("Премьер-министр Японии призвал Китай освободить задержанных граждан.")
    release = next(e for e in events if e["cameo_code"].startswith("08"))
    assert _texts(release, mentions, "actor1") == ["Китай"] and release["modality"] == "possible"
    events, mentions = _candidates("Япония согласилась освободить задержанных китайских рыбаков.")
    release = next(e for e in events if e["cameo_code"].startswith("08"))
    assert _texts(release, mentions, "actor1") == ["Япония"]  # no object: the controller's subject acts


def test_a_refused_meeting_did_not_take_place_as_far_as_the_refusal_did():
    for text, modality in (("Президент Южной Кореи отказался от встречи с лидером КНДР.", "negated"),
                           ("Президент Южной Кореи не отказался от встречи с лидером КНДР.", "asserted"),
                           ("Сеул может отказаться от встречи с Пхеньяном.", "possible"),
                           ("КНДР пригрозила отказаться от переговоров с США.", "conditional")):
        events, _ = _candidates(text)
        assert [e["modality"] for e in events if e["cameo_code"].startswith("04")] == [modality], text


def test_a_period_dates_the_clause_it_is_stated_in_not_another_clauses_act():
    events, _ = _candidates("В ходе встречи Ли Цян поблагодарил Монголию за содействие в освобождении рыбаков, "
                            "похищенных агентами КНДР в период с 1977 по 1983 годы.")
    dates = [(e["cameo_code"][:2], e["event_date"], e["date_precision"]) for e in events]
    assert ("18", "1977-01-01", "year_range") in dates  # the abduction's period
    assert [d for d in dates if d[0] == "04"] == [("04", None, None)]  # the meeting is not dated by it
    # a phase verb, or a clause describing the trigger, passes the period on
    for text in ("В 1990-х годах Япония неоднократно пыталась провести переговоры с КНДР.",
                 "Переговоры Японии и КНДР, проходившие в 1990-х годах, не дали результата."):
        events, _ = _candidates(text)
        assert [(e["event_date"], e["date_precision"]) for e in events if e["cameo_code"][:2] == "04"] == \
            [("1990-01-01", "decade")], text


def test_a_name_qualifying_the_subject_of_another_trigger_is_no_side_of_the_act_it_speaks_of():
    events, mentions = _candidates("Генсек ООН осудил ракетный пуск КНДР.")
    launch = next(e for e in events if e["cameo_code"] == "150")
    assert (_texts(launch, mentions, "actor1"), _texts(launch, mentions, "actor2")) == (["КНДР"], [])
    # a speaker reporting talks he took part in stays their side
    events, mentions = _candidates("Глава МИД Китая по итогам переговоров с Лавровым сообщил о достигнутых "
                                   "договоренностях.")
    talks = next(e for e in events if e["cameo_code"].startswith("04"))
    assert "МИД Китая" in _texts(talks, mentions, "actor1")
