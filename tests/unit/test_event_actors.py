"""The events stage's learned actor check: its features, its selection rules, the shipped model file, and the
training function's reproducibility."""

import json

import pytest

from pipeline.core.build import tag_document
from pipeline.core.events.actor_model import FEATURE_NAMES, MODEL_FORMAT, select, shipped_model
from pipeline.knowledge import read_text

KISHIDA = ("Премьер-министр Японии Фумио Кисида провел встречу с президентом Южной Кореи Юн Сок Ёлем "
           "в Сеуле 22 сентября.")


def _candidates(text: str, actor_model="shipped") -> dict:
    return tag_document("t", text, event_filter=False, actor_model=actor_model)


def test_every_candidate_actor_carries_one_value_per_feature():
    tagged = _candidates(KISHIDA)
    ev = tagged["events"][0]
    rows = dict((k, x) for k, x in ev["actor_candidates"])
    assert rows and all(len(x) == len(FEATURE_NAMES) for x in rows.values())
    m = tagged["mentions"]
    kishida = next(k for k in rows if m[k]["text"].startswith("Фумио"))
    named = dict(zip(FEATURE_NAMES, rows[kishida]))
    assert named["person"] == 1.0 and named["rule_actor1"] == 1.0 and named["rule_actor2"] == 0.0
    assert named["before_trigger"] == 1.0 and named["country"] == 0.0 and named["subject_of_other_verb"] == 0.0
    # Seoul is the place of the meeting: never a candidate actor
    assert all(m[k]["text"] != "Сеуле" for k in rows)


def test_the_country_of_an_unnamed_title_holder_is_marked():
    # "Министр иностранных дел Японии встретился с ...": the minister is not named, the country stands for him
    tagged = _candidates("Министр иностранных дел Японии встретился с Сергеем Лавровым.")
    m = tagged["mentions"]
    rows = dict((k, x) for ev in tagged["events"] for k, x in ev["actor_candidates"])
    country = next(k for k in rows if m[k]["text"] == "Японии")
    assert dict(zip(FEATURE_NAMES, rows[country]))["title_genitive"] == 1.0
    # the title holder is named: the country is the holder's, not the actor
    named = _candidates(KISHIDA)
    rows = dict((k, x) for ev in named["events"] for k, x in ev["actor_candidates"])
    assert all(dict(zip(FEATURE_NAMES, x))["title_genitive"] == 0.0 for x in rows.values())


def test_the_shipped_check_keeps_both_sides_of_a_meeting():
    tagged = _candidates(KISHIDA)
    m = tagged["mentions"]
    ev = tagged["events"][0]
    assert [m[i]["text"] for i in ev["actor1"]] == ["Фумио Кисида"]
    assert [m[i]["text"] for i in ev["actor2"]] == ["Юн Сок Ёлем"]


def _model(weights: dict[str, float], intercept: float, threshold: float = 0.5) -> dict:
    return {"weights": [weights.get(n, 0.0) for n in FEATURE_NAMES], "intercept": intercept, "threshold": threshold}


def test_a_low_score_drops_a_rule_actor_but_never_the_last_one():
    text = "Президент Монголии Ухнаагийн Хурэлсух встретился с Фумио Кисидой."
    tagged = _candidates(text, actor_model=None)
    ev = tagged["events"][0]
    assert ev["actor1"] and ev["actor2"]
    # every candidate scores below the threshold except the rule's counterpart
    model = _model({"rule_actor2": 20.0}, -10.0)
    after = _candidates(text, actor_model=model)["events"][0]
    assert after["actor1"] == [] and after["actor2"] == ev["actor2"]
    # nothing above the threshold: the best-scored rule actor stays
    nothing = _candidates(text, actor_model=_model({}, -10.0))["events"][0]
    assert len(nothing["actor1"] + nothing["actor2"]) == 1


def test_a_high_score_adds_people_but_never_places_or_a_persons_employer():
    text = "Глава отдела расследований «Лаборатории Касперского» Руслан Стоянов арестован в Москве."
    everyone = _model({}, 10.0)  # every candidate above the threshold
    tagged = _candidates(text, actor_model=everyone)
    m = tagged["mentions"]
    ev = next(e for e in tagged["events"] if e["cameo_code"] == "173")
    assert [m[i]["text"] for i in ev["actor1"] + ev["actor2"]] == ["Руслан Стоянов"]
    visit = _candidates("Помощник госсекретаря США Джеймс О'Брайен в среду посетил Белград.", actor_model=everyone)
    vm = visit["mentions"]
    assert all(vm[i]["type"] in ("PER", "ORG") for e in visit["events"] for i in e["actor1"] + e["actor2"]
               if vm[i]["text"] == "Белград")


def test_select_without_a_model_or_candidates_keeps_the_rules():
    assert select(None, [1], [2], {1: [0.0] * len(FEATURE_NAMES)}, [], 0, {}, []) == ([1], [2])
    assert select(_model({}, 0.0), [1], [2], {}, [], 0, {}, []) == ([1], [2])


def test_shipped_model_matches_the_feature_list():
    model = json.loads(read_text("models/event_actors.json"))
    assert model["format"] == MODEL_FORMAT and model["features"] == list(FEATURE_NAMES)
    assert len(model["weights"]) == len(FEATURE_NAMES) and 0.2 <= model["threshold"] <= 0.6
    assert model["trained_on"]["documents"] == 840 and model["trained_on"]["event_word_rows"] > model["trained_on"]["candidates"]
    assert shipped_model() == model


def test_training_reproduces_byte_for_byte_and_picks_the_f1_threshold():
    pytest.importorskip("sklearn")
    from scripts.train_event_actors import THRESHOLDS, dumps, fit

    x = [[float((i * 7 + j) % 3 == 0) for j in range(len(FEATURE_NAMES))] for i in range(80)]
    y = [int(row[0] or row[3]) for row in x]
    a, b = dumps(fit(x, y, 5, (x[:20], y[:20]))), dumps(fit(x, y, 5, (x[:20], y[:20])))
    assert a == b
    model = json.loads(a)
    assert model["threshold"] in THRESHOLDS and model["weights"][0] > 0
