"""Which mentions of a sentence take part in its event? A learned check on the parse rules of :mod:`.roles`.

The rules (:func:`.roles.actors_for`) propose actor1 and actor2; every other person, organisation or country of
the sentence (places in a locative phrase and place adjectives excluded) is a candidate too. A logistic model
over structural features of the (trigger, mention) pair scores each candidate: the mention's type, whether a
rule chose it and on which side, the dependency relation, case and preposition of the mention's head word,
whether it hangs on the trigger or on the trigger's verb, whether it is in the trigger's own clause, its
distance in words and in the tree, whether it is the subject of another verb, and whether it is the country in
the genitive of an unnamed title holder who takes part ("Министр иностранных дел Японии встретился":
``title_genitive``, CAMEO's government actor) (:data:`FEATURE_NAMES`).
A rule actor scored below the threshold is dropped, any other candidate above it is added (the subject side
when it stands before the trigger in the nominative, the counterpart side otherwise), save an organisation in
the phrase of a person who acts (:func:`.roles._prefer_actors`: the person's employer); an event never loses
its last actor this way (the best-scored rule actor stays), so the set of events does not change.

Trained by ``scripts/train_event_actors.py`` (``make train-event-actors``) on NEREL's AGENT and PARTICIPANT_IN
arguments of the events the stage proposes, read from ``data/models/event_actors.json``; pure Python at run
time (a dot product and a sigmoid). ``benchmarks/events.py`` cross-validates it with folds grouped by document.
"""

from __future__ import annotations

import math
from functools import lru_cache

from .modality import REPORT_VERBS, in_source_phrase
from .logistic import probability, read_model
from .roles import _clause_head, is_passive, modifies_noun
from .syntax import Token, _case_words, _subtree, name_phrase

MODEL_FILE = "models/event_actors.json"
MODEL_FORMAT = "vostok-event-actors-1"
THRESHOLD = 0.5
#: the types a candidate the rules did not choose may be added as: a country or city acts only as the rules
#: say (metonymy, "Токио и Пхеньян"), never as the destination of a visit or the place a person is from
ADDED_TYPES = frozenset({"PER", "ORG"})

FEATURE_NAMES = (
    "person", "organisation", "country", "rule_actor1", "rule_actor2",
    "rel_subject", "rel_object", "rel_obl", "rel_nmod", "rel_conj", "rel_name",
    "case_nom", "case_gen", "case_dat", "case_ins", "case_acc",
    "prep_with", "prep_between", "prep_other",
    "child_of_trigger", "child_of_verb", "under_trigger", "above_trigger", "same_clause", "before_trigger",
    "log_distance", "log_tree_distance", "log_candidates", "trigger_noun", "conj_of_rule_actor",
    "nearest_person", "subject_of_other_verb", "title_genitive",
)


def _ancestors(tokens: list[Token], j: int) -> list[int]:
    out, seen = [j], {j}
    while tokens[out[-1]].parent is not None and tokens[out[-1]].parent not in seen:
        out.append(tokens[out[-1]].parent)
        seen.add(out[-1])
    return out


def mention_head(tokens: list[Token], token_ids: list[int]) -> int:
    """The mention's token whose head lies outside the mention (its first such token)."""
    inside = set(token_ids)
    return next((j for j in token_ids if tokens[j].parent not in inside), token_ids[0])


def trigger_verb(tokens: list[Token], anchor: int) -> int:
    """The verb a noun trigger hangs on ("провел встречу"), else the trigger itself."""
    t = tokens[anchor]
    if t.pos in ("NOUN", "PROPN") and t.parent is not None and tokens[t.parent].pos == "VERB":
        return t.parent
    return anchor


def candidate_features(tokens: list[Token], anchor: int, candidates: dict[int, list[int]], mentions,
                       rule1: set[int], rule2: set[int]) -> dict[int, list[float]]:
    """Feature vectors (:data:`FEATURE_NAMES` order) of each candidate mention (index → its token indexes)."""
    verb = trigger_verb(tokens, anchor)
    up = _ancestors(tokens, anchor)
    clause = _clause_head(tokens, anchor)
    heads = {k: mention_head(tokens, toks) for k, toks in candidates.items()}
    rule_heads = {heads[k] for k in candidates if k in rule1 | rule2}
    people = [k for k in candidates if mentions[k].type == "PER"]
    person_heads = {heads[k] for k in people}
    nearest = min(people, key=lambda k: abs(heads[k] - anchor)) if people else None
    out = {}
    for k, toks in candidates.items():
        m, h = mentions[k], heads[k]
        t = tokens[h]
        rel = t.rel.split(":")[0] if t.rel not in ("nsubj:pass", "flat:name") else t.rel
        case = (t.feats or {}).get("Case")
        preps = _case_words(tokens, h)
        chain = _ancestors(tokens, h)
        common = next((a for a in chain if a in up), None)
        tree = (chain.index(common) + up.index(common)) if common is not None else len(tokens)
        other_verb = t.rel in ("nsubj", "nsubj:pass") and t.parent not in (anchor, verb) and t.parent is not None
        title = t.parent is not None and tokens[t.parent]
        # "Генпрокурор Саудовской Аравии подтвердил": the country of an unnamed title holder who takes part
        title_genitive = bool(title) and t.rel == "nmod" and case == "Gen" and title.pos == "NOUN" \
            and (title.feats or {}).get("Animacy") == "Anim" and title.parent in (anchor, verb) \
            and not any(tokens[p].parent == t.parent or p == t.parent for p in person_heads)
        out[k] = [
            float(m.type == "PER"), float(m.type == "ORG"), float(m.type == "LOC"),
            float(k in rule1), float(k in rule2),
            float(t.rel in ("nsubj", "nsubj:pass")), float(rel in ("obj", "iobj")), float(rel == "obl"),
            float(rel == "nmod"), float(rel == "conj"), float(rel in ("appos", "flat", "flat:name")),
            float(case == "Nom"), float(case == "Gen"), float(case == "Dat"), float(case == "Ins"),
            float(case == "Acc"),
            float(bool(preps & {"с", "со"})), float("между" in preps),
            float(bool(preps - {"с", "со", "между"})),
            float(t.parent == anchor), float(t.parent == verb and verb != anchor), float(anchor in chain[1:]),
            float(h in up[1:]), float(_clause_head(tokens, h) == clause), float(min(toks) < anchor),
            math.log(1 + abs(h - anchor)), math.log(1 + tree), math.log(1 + len(candidates)),
            float(tokens[anchor].pos in ("NOUN", "PROPN")),
            float(t.rel == "conj" and t.parent in rule_heads), float(k == nearest), float(other_verb),
            float(title_genitive),
        ]
    return out


def _argument(tokens: list[Token], j: int, stops: set[int]) -> int:
    """The phrase ``j`` stands in: its ancestor right below the trigger or its verb (``stops``)."""
    chain = _ancestors(tokens, j)
    for a, up in zip(chain, chain[1:]):
        if up in stops:
            return a
    return chain[-1]


def _qualified_phrase(tokens: list[Token], phrase: Token, anchor: int) -> Token:
    """The phrase a name qualifies in the genitive ("Генсек ООН", "глава МИД Японии"), up to the word that is no such
    genitive, or the name's own phrase: who that phrase's head is the subject of, the name is too."""
    for _ in range(4):
        if phrase.rel != "nmod" or phrase.parent is None or phrase.parent == anchor or _case_words(tokens, phrase.index):
            break
        phrase = tokens[phrase.parent]
    return phrase


def select(model: dict | None, actor1: list[int], actor2: list[int], rows: dict[int, list[float]],
           tokens: list[Token], anchor: int, candidates: dict[int, list[int]], mentions,
           symmetric_root: bool = True, other_triggers: frozenset[int] = frozenset()) -> tuple[list[int], list[int]]:
    """actor1 and actor2 after the model's check (unchanged without a model or candidates). An added candidate
    that is no subject joins actor2, or actor1 when that is empty and the act is one of consultation, cooperation
    or agreement (``symmetric_root``), where either side may be named first; of an act done to someone
    ("ареста Стросс-Кана") it is the target. The subject of another trigger of the sentence (``other_triggers``: their
    anchors) is never added: "Юн Сок Ёль осудил убийство ...": he condemns, he does not kill."""
    if model is None or not rows:
        return actor1, actor2
    threshold = model.get("threshold", THRESHOLD)
    p = {k: probability(model, x) for k, x in rows.items()}
    keep1 = [k for k in actor1 if k not in p or p[k] >= threshold]
    keep2 = [k for k in actor2 if k not in p or p[k] >= threshold]
    if not keep1 and not keep2:
        best = max((k for k in actor1 + actor2 if k in p), key=lambda k: p[k], default=None)
        keep1, keep2 = ([best], []) if best in actor1 else ([], [best] if best is not None else [])
    elif not keep2 and actor2 and not symmetric_root:
        # "США ввели санкции против КНДР": the side an act is done to keeps its best rule actor
        keep2 = [max(actor2, key=lambda k: p.get(k, 1.0))]
    stops = {anchor, trigger_verb(tokens, anchor)}
    passive = is_passive(tokens, anchor)
    person_phrases = {_argument(tokens, mention_head(tokens, candidates[k]), stops)
                      for k in keep1 + keep2 if k in candidates and mentions[k].type == "PER"}
    # a participle modifying a noun acts within that noun's phrase ("граждан, похищенных КНДР"): a name outside it
    # belongs to the clause the noun stands in ("Кисида поблагодарил ... за освобождение граждан, похищенных ...")
    phrase_of_noun = set(_subtree(tokens, tokens[anchor].parent)) if modifies_noun(tokens, anchor) else None
    for k in sorted(p, key=lambda k: (-p[k], k)):
        if p[k] < threshold or k in actor1 or k in actor2 or mentions[k].type not in ADDED_TYPES:
            continue
        if phrase_of_noun is not None and not phrase_of_noun & set(candidates.get(k, ())):
            continue
        if mentions[k].type != "PER" and _argument(tokens, mention_head(tokens, candidates[k]), stops) in person_phrases:
            continue  # "глава «Лаборатории Касперского» Руслан Стоянов": the person acts, not the employer
        h = tokens[mention_head(tokens, candidates[k])]
        phrase = tokens[name_phrase(tokens, h.index)]
        if phrase.rel in ("nsubj", "nsubj:pass") and phrase.parent is not None and phrase.parent != anchor and \
                (phrase.parent in other_triggers or tokens[phrase.parent].lemma in REPORT_VERBS):
            continue  # who condemns or reports an act does not, by that, do it ("Захарова подчеркнула, что ...")
        qualified = _qualified_phrase(tokens, phrase, anchor)
        if qualified is not phrase and qualified.rel in ("nsubj", "nsubj:pass") and qualified.parent in other_triggers \
                and qualified.parent != anchor:
            continue  # nor the name qualifying that subject ("Генсек ООН осудил ракетный пуск КНДР")
        if in_source_phrase(tokens, h.index, anchor):
            continue  # "согласно источникам в МВД", "по данным ОВД-Инфо": the source of the report
        # a nominative before the trigger acts, save before a passive one ("Картер был арестован")
        # (an indeclinable name read as a nominative inside a prepositional phrase, "с главой МИД Батцэцэг", is none)
        subject = (h.feats or {}).get("Case") == "Nom" and min(candidates[k]) < anchor and not passive and \
            not _case_words(tokens, phrase.index)
        (keep1 if subject or (not keep1 and symmetric_root) else keep2).append(k)
    ids1 = {mentions[k].entity_id for k in keep1}
    keep2 = [k for k in keep2 if mentions[k].entity_id not in ids1]
    return sorted(keep1), sorted(keep2)


@lru_cache(maxsize=1)
def shipped_model() -> dict | None:
    """The shipped model, or None when the file is absent (then the rules' actors stand)."""
    return read_model(MODEL_FILE, MODEL_FORMAT, FEATURE_NAMES)
