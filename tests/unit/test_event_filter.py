"""The events stage's trigger filter: its features, its decision, the shipped model file, and the training
function's reproducibility."""

import json

import pytest

from pipeline.core.build import tag_document
from pipeline.core.events.filter import FEATURE_NAMES, MODEL_FORMAT, keep, probability, shipped_model
from pipeline.knowledge import read_text


def _candidates(text: str) -> list[dict]:
    return tag_document("t", text, event_filter=False)["events"]


def test_every_candidate_carries_one_value_per_feature():
    evs = _candidates("Президент Монголии Ухнаагийн Хурэлсух провел встречу с премьер-министром Японии Фумио Кисидой "
                      "в Нью-Йорке 22 сентября 2024 года.")
    assert evs
    named = dict(zip(FEATURE_NAMES, evs[0]["features"]))
    assert len(evs[0]["features"]) == len(FEATURE_NAMES)
    assert named["syntax_actors"] == 1.0 and named["has_actor1"] == 1.0 and named["has_actor2"] == 1.0
    assert named["actor_person"] == 1.0 and named["has_place"] == 1.0 and named["has_date"] == 1.0
    assert named["first_sentence"] == 1.0 and named["not_asserted"] == 0.0
    assert named["first_second_person"] == 0.0


def test_a_first_or_second_person_in_the_sentence_is_marked():
    # "я встречался с Аркадием": someone's own words, quoted
    evs = _candidates("Когда мне было плохо, я встречался с Аркадием Дворковичем.")
    assert evs and dict(zip(FEATURE_NAMES, evs[0]["features"]))["first_second_person"] == 1.0


def test_filtered_output_is_a_subset_of_the_candidates():
    text = "Япония выделит Монголии грант. Санкции, гранты и визиты обсуждались весь день."
    all_events = _candidates(text)
    shipped = tag_document("t", text)["events"]
    key = lambda e: (e["start"], e["trigger_start"], e["cameo_code"])  # noqa: E731
    assert {key(e) for e in shipped} <= {key(e) for e in all_events}
    assert all("features" not in e for e in shipped)


def test_decision_is_the_probability_against_the_threshold():
    model = {"weights": [0.0] * len(FEATURE_NAMES), "intercept": 0.0, "threshold": 0.5}
    x = [1.0] * len(FEATURE_NAMES)
    assert probability(model, x) == pytest.approx(0.5) and keep(model, x)
    model["weights"][0] = -2.0
    assert probability(model, x) < 0.5 and not keep(model, x)
    assert keep(None, x)  # no model: every candidate stays


def test_shipped_model_matches_the_feature_list():
    model = json.loads(read_text("models/events.json"))
    assert model["format"] == MODEL_FORMAT and model["features"] == list(FEATURE_NAMES)
    assert len(model["weights"]) == len(FEATURE_NAMES)
    assert model["trained_on"]["documents"] == 840 and model["trained_on"]["candidates"] > 0
    assert shipped_model() == model


def test_training_reproduces_byte_for_byte():
    pytest.importorskip("sklearn")
    from scripts.train_events import dumps, fit

    x = [[float((i * 7 + j) % 3 == 0) for j in range(len(FEATURE_NAMES))] for i in range(60)]
    y = [int(row[0] or row[3]) for row in x]
    a, b = dumps(fit(x, y)), dumps(fit(x, y))
    assert a == b
    model = json.loads(a)
    assert model["weights"][0] > 0  # a feature that implies the label gets a positive weight
