"""Is a trigger candidate a real event in its context? A logistic model over a few structural features of the
candidate (its parse, its actors, its clause), read from ``data/models/events.json``.

The lexicon (``data/cameo/triggers.tsv``) proposes candidates; many are words used in another sense or
events nobody takes part in ("санкции" in a list of topics, "встреча" in a film title). The model scores
each candidate from what the parse says about it: part of speech and relation of the trigger word, whether
its actors come from the parse (a subject, a "с кем"), their types, a place and a date, its modality, the
sentence's length and its people, whether the CAMEO code is a speech act (:data:`SPEECH_ACT_ROOTS`) or a
material conflict (QuadClass 4: arrests, violence, force, sanctions), and whether the sentence speaks in the
first or second person (someone's words quoted: "я встречался с ...").
The stage keeps every candidate and publishes this probability as ``events.event_probability``;
:func:`keep` (at :data:`THRESHOLD`) is the cut the benchmarks report and readers may apply.

The model is trained by ``scripts/train_events.py`` (``make train-events``) on NEREL's train and dev
documents (a candidate is positive when its sentence holds an annotated event with participants), with
folds grouped by document; its cross-validated effect is what ``benchmarks/events.py`` reports.
Pure Python at run time: weights are plain JSON, the score is a dot product and a sigmoid.
"""

from __future__ import annotations

import math
from functools import lru_cache

from .logistic import probability, read_model
from .ontology import ontology
from .syntax import Token

MODEL_FILE = "models/events.json"
MODEL_FORMAT = "vostok-event-filter-1"
#: the decision rule: keep a candidate that is more likely an event than not
THRESHOLD = 0.5
_EMBEDDED = {"acl", "acl:relcl", "advcl", "ccomp", "csubj", "xcomp", "parataxis"}
_NOMINAL = {"nmod", "obl", "appos", "conj", "amod", "nsubj", "nsubj:pass", "obj", "iobj", "flat", "flat:name"}

#: CAMEO roots whose act is an utterance (statement, appeal, intent, demand, disapprove, reject, threaten): often
#: only talk about an act, where consultations, cooperation, aid, arrests and attacks are acts that took place
SPEECH_ACT_ROOTS = frozenset({"01", "02", "03", "10", "11", "12", "13"})

FEATURE_NAMES = (
    "verb", "noun", "participle", "trigger_is_root", "trigger_embedded", "trigger_nominal", "multiword",
    "syntax_actors", "has_actor1", "has_actor2", "actor_person", "actor_place_only", "symmetric", "has_place", "has_date", "not_asserted", "reported", "past", "log_tokens", "log_persons",
    "first_sentence", "nsubj_child", "has_mention_child", "speech_act", "first_second_person", "material_conflict",
)


def features(tokens: list[Token], ev, mentions, sentence_mentions: list[int]) -> list[float]:
    """The candidate's feature vector, in :data:`FEATURE_NAMES` order (``ev`` an :class:`EventDraft`)."""
    t = tokens[ev.anchor]
    feats = t.feats or {}
    actors = ev.actor1 + ev.actor2
    types = {mentions[k].type for k in actors}
    kids = t.kids
    spans = [(mentions[k].start, mentions[k].end) for k in sentence_mentions]
    mention_child = any(any(s <= tokens[j].start < e for s, e in spans) for j in kids)
    persons = sum(1 for k in sentence_mentions if mentions[k].type == "PER")
    return [
        float(t.pos == "VERB"), float(t.pos in ("NOUN", "PROPN")), float(feats.get("VerbForm") == "Part"),
        float(t.rel == "root"), float(t.rel in _EMBEDDED), float(t.rel in _NOMINAL),
        float(len(ev.trigger.split()) > 1),
        float(ev.syntax_actors), float(bool(ev.actor1)), float(bool(ev.actor2)),
        float("PER" in types), float(bool(actors) and types <= {"LOC"}), float(ev.symmetric), float(ev.location is not None), float(ev.event_date is not None or bool(ev.date_text)),
        float(ev.modality != "asserted"), float(ev.modality == "reported"),
        float(feats.get("Tense") == "Past"), math.log(1 + len(tokens)), math.log(1 + persons),
        float(ev.sentence_index == 0), float(any(tokens[j].rel in ("nsubj", "nsubj:pass") for j in kids)),
        float(mention_child),
        float(ontology()[ev.code].root in SPEECH_ACT_ROOTS),
        # "я встречался с Аркадием": a first or second person in the sentence, the speech of someone quoted
        float(any((x.feats or {}).get("Person") in ("1", "2") for x in tokens)),
        float(ontology()[ev.code].quad_class == 4),
    ]


@lru_cache(maxsize=1)
def shipped_model() -> dict | None:
    """The shipped model, or None when the file is absent (then no candidate is dropped)."""
    return read_model(MODEL_FILE, MODEL_FORMAT, FEATURE_NAMES)


def keep(model: dict | None, x: list[float]) -> bool:
    return model is None or probability(model, x) >= model.get("threshold", THRESHOLD)
