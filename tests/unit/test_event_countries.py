"""The countries an event's sides name through adjectives (issue 16): "японско-китайские переговоры", "Японские и
китайские дипломаты", "турецкие силовики", on sentences written as a user would."""

from pipeline.core.entities.linking import link_article
from pipeline.core.events.rows import event_rows


def _events(text: str) -> list[dict]:
    mentions = link_article("t", text)
    return event_rows("t", text, mentions, None)


def _sides(ev: dict) -> tuple[list[str], list[str], bool]:
    return ev["actor1_countries"], ev["actor2_countries"], ev["symmetric"]


def test_combining_forms_of_compound_adjectives_come_from_the_country_adjectives():
    from pipeline.core.events.ontology import country_combining_forms

    forms = country_combining_forms()
    assert (forms["российско"], forms["японо"], forms["монголо"], forms["американо"], forms["южнокорейско"]) == \
        ("RUS", "JPN", "MNG", "USA", "KOR")


def test_a_compound_adjective_of_a_consultation_names_both_sides():
    (ev,) = _events("Российско-китайские переговоры прошли в Пекине 3 марта.")
    assert ev["cameo_root"] == "04" and _sides(ev) == (["RUS"], ["CHN"], True)
    (ev,) = _events("В Токио состоялись японско-южнокорейские консультации по вопросам безопасности.")
    assert _sides(ev) == (["JPN"], ["KOR"], True) and ev["cameo_code"] == "043"  # Japan hosts them in Tokyo


def test_coordinated_country_adjectives_of_a_consultations_subject_act_on_each_other():
    (ev,) = _events("Японские и китайские дипломаты провели переговоры в Пекине.")
    assert _sides(ev) == (["JPN"], ["CHN"], True)


def test_a_compound_adjective_of_the_object_names_the_target():
    ev = next(e for e in _events("Пхеньян осудил американо-южнокорейские учения.") if e["cameo_root"] == "11")
    assert _sides(ev) == (["PRK"], ["KOR", "USA"], False)


def test_an_adjective_of_a_country_outside_the_list_is_read_from_its_linked_mention():
    # "турецкий" is in no list of the events stage: the entities stage links the adjective to Turkey
    ev = next(e for e in _events("В понедельник турецкие силовики задержали двух японских журналистов.")
              if e["cameo_root"] == "17")
    assert _sides(ev) == (["TUR"], ["JPN"], False)


def test_a_pattern_whose_words_lie_in_two_phrases_is_anchored_on_its_noun():
    # the window matched "военные учения" across "военные корабли провели совместные учения": the exercise is the
    # noun's, so the ships' adjectives name who holds it (the adjective anchor found no side: the nearest name did)
    (ev,) = _events("Российские и китайские военные корабли провели совместные учения в Японском море.")
    assert ev["cameo_root"] == "15" and _sides(ev) == (["CHN", "RUS"], [], False)


def test_the_country_a_visit_goes_to_hosts_it_but_not_a_visit_at_home():
    ev = next(e for e in _events("Министр обороны Японии посетил Улан-Батор с официальным визитом.")
              if e["cameo_root"] == "04")
    assert ev["cameo_code"] == "042" and _sides(ev) == (["JPN"], ["MNG"], False)
    (ev,) = _events("Министр иностранных дел Южной Кореи Чо Тхэ Ёль прибыл в Токио.")
    assert _sides(ev) == (["KOR"], ["JPN"], False)
    (ev,) = _events("Президент России Владимир Путин посетил Владивосток.")
    assert _sides(ev) == (["RUS"], [], False)  # a visit in the visitor's own country has no host
    (ev,) = _events("Иван Петров посетил святилища в Японии.")
    assert ev["actor2_countries"] == []  # nor one by a side whose country is unknown


def test_a_venue_or_a_destination_named_by_an_adjective_is_no_side():
    (ev,) = _events("Сингапурские переговоры США и КНДР завершились подписанием декларации.")
    assert _sides(ev) == (["USA"], ["PRK"], True)  # the talks' place, not a party
    (ev,) = _events("Китайский визит Путина завершился подписанием соглашений.")
    assert ev["actor1_countries"] == ["RUS"]  # where he went, not who went
    (ev,) = _events("Пекинская встреча российских и японских дипломатов прошла без результатов.")
    assert _sides(ev) == (["RUS"], ["JPN"], True)  # a city's adjective is a venue
    (ev,) = _events("Американские санкции против России вступили в силу.")
    assert _sides(ev) == (["USA"], ["RUS"], False)  # one country, and nothing else names who imposes them


def test_a_visit_goes_where_its_own_place_is_not_where_the_sentence_is_said():
    (ev,) = _events("В Пекине заявили, что премьер Японии посетит Вашингтон.")
    assert ev["cameo_code"] == "042" and ev["actor2_countries"] != ["CHN"]


def test_a_place_in_the_genitive_qualifying_a_side_gives_its_country():
    ev = next(e for e in _events("Полиция Южной Кореи арестовала бывшего президента Юн Сок Ёля.")
              if e["cameo_root"] == "17")
    assert ev["actor1_countries"] == ["KOR"]
    ev = next(e for e in _events("Глава МИД Японии встретится с российским коллегой на следующей неделе.")
              if e["cameo_root"] == "04")
    assert (ev["actor1_countries"], ev["actor2_countries"]) == (["JPN"], ["RUS"])
    ev = next(e for e in _events("Посол России в Японии встретился с министром иностранных дел Японии.")
              if e["cameo_root"] == "04")
    assert ev["actor1_countries"] == ["RUS"]  # a place in a locative phrase qualifies no side
    ev = next(e for e in _events("Уроженец Японии, гражданин США Джон Смит был арестован в Китае.")
              if e["cameo_root"] == "17")
    assert "JPN" not in ev["actor2_countries"]  # a birthplace qualifies no name of the side
