"""Events from one article: CAMEO trigger → actors from the dependency parse → place, date, money, modality.

Steps per sentence (natasha's sentences, lemmas and syntax, shared with NER through
:func:`pipeline.core.entities.ner.analyze`):

1. :func:`find_triggers` matches the lexicon (``data/cameo/triggers.tsv``) on lemmas; longer patterns win
   and one event per CAMEO root is kept per sentence.
2. :func:`actors_for` reads the parse: subject (and its coordinated conjuncts) → actor1; indirect object,
   "с кем" and "между X и Y" → actor2; genitive modifiers of a noun trigger ("переговоры Японии и КНДР").
   "Стороны"/"он" (or a dropped subject: "Во время диктатуры Пиночета была арестована.") take the actors of
   the previous event or the last person; without a parse, mentions
   before and after the trigger. Country adjectives ("японский премьер") add actor countries.
3. :func:`location_for` — a LOC mention in a locative phrase ("в Нью-Йорке", "недалеко от Улан-Батора"), else
   the LOC in the genitive of a place noun of one ("в пригороде Феникса") or a visit's object ("посетил Москву").
4. Date (:mod:`.when`; a date governed by a reporting word — "заявил 5 мая", "в речи 22 сентября" — is the
   report's, not the event's), money (:mod:`.money`) and modality (:func:`modality_for`, read from the
   trigger's own clause).
5. A sentence whose trigger has no actor but names a place or date ("Встреча состоялась в Сеуле") lends them
   to the event of the same root in one of the :data:`PLACE_LOOKBACK` sentences before.

An event needs an actor on at least one side: a trigger whose sentence gives none yields nothing.
Places are never actors: a mention in a locative phrase ("в Сеуле") is the event's place. Coordinated
subjects ("Монголия и Япония достигли соглашения") are both actors and the event is marked ``symmetric``.
Bounds: sentences longer than :data:`MAX_SENTENCE_TOKENS` tokens are skipped, at most
:data:`MAX_TRIGGERS_PER_SENTENCE` triggers and :data:`MAX_ACTORS_PER_SIDE` actor mentions a side are kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from ..entities.ner import analyze
from . import actor_model as actor_scorer
from .filter import features, shipped_model
from .logistic import probability
from .money import find_money
from .objects import inanimate_object, one_person_object, undergoers
from .ontology import NO_EVENT, country_adjectives, ontology, triggers
from .when import date_excluder, date_of_clause, date_of_other_trigger, find_event_date
from .syntax import Token, _children, _sentence_tokens, line_segments, token_lemma
from .modality import modality_for
from .places import ANAPHORIC_PLACE, location_for, visit_host
from .roles import MAX_ACTORS_PER_SIDE, SYMMETRIC_ROOTS, names_agent
from .sentence import rule_sides, sentence_view, without_aliases
from .unnamed import noun_lemma, phrase_span


WINDOW = 5
#: per-sentence bounds (lists of 30 countries, tables read as one sentence): longer sentences are not read for
#: events; further triggers and actors are dropped. Recorded in the events asset's metadata.
MAX_SENTENCE_TOKENS = 200
MAX_TRIGGERS_PER_SENTENCE = 8


def limits() -> dict[str, int]:
    """The per-sentence bounds, for the events asset's metadata."""
    return {"max_sentence_tokens": MAX_SENTENCE_TOKENS, "max_triggers_per_sentence": MAX_TRIGGERS_PER_SENTENCE,
            "max_actors_per_side": MAX_ACTORS_PER_SIDE}


#: sentences back that a place- or date-only sentence ("Встреча состоялась в Сеуле") may lend them to
PLACE_LOOKBACK = 2


@dataclass
class EventDraft:
    code: str
    anchor: int  # token index of the trigger's anchor within the sentence
    trigger: str
    sentence_start: int
    sentence_end: int
    trigger_start: int = 0  # offsets in the body: first to last trigger word
    trigger_end: int = 0
    actor1: list[int] = field(default_factory=list)  # mention indexes
    actor2: list[int] = field(default_factory=list)
    actor1_countries: list[str] = field(default_factory=list)  # from country adjectives
    actor2_countries: list[str] = field(default_factory=list)
    location: int | None = None
    event_date: date | None = None
    date_precision: str | None = None
    date_text: str | None = None  # ISO 8601 as stated ("--09-22", "1977/1983")
    date_end: date | None = None
    modality: str = "asserted"
    amount: float | None = None
    currency: str | None = None
    syntax_actors: bool = False
    symmetric: bool = False
    sentence_index: int = 0
    features: list[float] = field(default_factory=list)  # the event filter's view of the candidate (:mod:`.filter`)
    actor_rows: dict[int, list[float]] = field(default_factory=dict)  # mention → :mod:`.actor_model` features
    probability: float | None = None  # the event filter's probability that the candidate is an event
    #: a side named by a common noun where it has no named actor ("полиция", "военнослужащих"): body offsets and
    #: the noun's lemma (:mod:`.unnamed`)
    actor1_unnamed: tuple[int, int, str] | None = None
    actor2_unnamed: tuple[int, int, str] | None = None


# ---------------------------------------------------------------- triggers
@lru_cache(maxsize=1)
def trigger_patterns_by_first_lemma() -> dict[str, tuple[frozenset[str], ...]]:
    """The lexicon's event patterns by their first lemma: the other lemmas each needs (empty for one word)."""
    out: dict[str, list[frozenset[str]]] = {}
    for t in triggers():
        if t.code != NO_EVENT:
            out.setdefault(t.lemmas[0], []).append(frozenset(t.lemmas[1:]))
    return {first: tuple(rests) for first, rests in out.items()}


_CAN_START: dict[str, bool] = {}
#: distinct words whose answer is memoized per worker (~150 bytes each)
MAX_CAN_START = 200_000


def trigger_candidate(sent) -> bool:
    """True for a natasha sentence where a trigger could match whatever the tagger says: a word of it has a
    trigger's first lemma among the lemmas natasha's lemmatizer can give it (``ner.lemma_candidates``). Decided
    before tagging, on the words alone, and a superset of :func:`needs_syntax` (and of its line segments), so the
    analysis tags only these sentences for the stage (``ner.analyze_many``'s ``morph``): the stage reads the tags and
    lemmas of no other sentence."""
    return any(_can_start_trigger(t.text) for t in sent.tokens)


def _can_start_trigger(word: str) -> bool:
    hit = _CAN_START.get(word)
    if hit is None:
        from ..entities.ner import lemma_candidates

        hit = not trigger_patterns_by_first_lemma().keys().isdisjoint(lemma_candidates(word))  # already folded
        if len(_CAN_START) < MAX_CAN_START:
            _CAN_START[word] = hit
    return hit


def needs_syntax(sent) -> bool:
    """True for a natasha sentence whose dependency parse the stage reads: one it does not skip as too long
    (:data:`MAX_SENTENCE_TOKENS`) and that holds every lemma of some trigger pattern (a superset of where
    :func:`find_triggers` can match: a common first word such as "заявить" of "заявить протест" does not make a
    sentence parsed alone). Every other sentence only lends its place to the next one (:func:`location_for`
    reads the text, not the parse), so the analysis parses only these."""
    if len(sent.tokens) > MAX_SENTENCE_TOKENS:
        return False
    lemmas = {token_lemma(t) for t in sent.tokens}
    patterns = trigger_patterns_by_first_lemma()
    return any(rest <= lemmas for first in lemmas & patterns.keys() for rest in patterns[first])


def find_triggers(tokens: list[Token], in_names: frozenset[int] = frozenset()) -> list[tuple[int, str, list[int]]]:
    """(anchor index, code, token indexes) for each trigger; longest patterns first, one per anchor and root. A word
    of a name (``in_names``: token indexes inside a mention) starts none: "Федеральное бюро расследований", "Центр
    по изучению отравлений", "площадь Освобождения" name no event."""
    used_anchor: set[int] = set()
    used_root: set[str] = set()
    found = []
    lemmas = [t.lemma for t in tokens]
    parsed = any(t.parent is not None for t in tokens)
    matches = []  # (-pattern length, anchor not a verb, anchor position, pattern order, code, covered)
    for order, trig in enumerate(triggers()):
        first = trig.lemmas[0]
        for i, lemma in enumerate(lemmas):
            if lemma != first or i in in_names:
                continue
            covered = [i]
            for other in trig.lemmas[1:]:
                window = [j for j in range(max(0, i - WINDOW), min(len(tokens), i + WINDOW + 1))
                          if lemmas[j] == other and j not in covered]
                if not window:
                    break
                covered.append(min(window, key=lambda j: abs(j - i)))
            else:
                if parsed and ((trig.person_object and inanimate_object(tokens, i))
                               or (trig.object_required and not undergoers(tokens, i))
                               or (trig.guest_object and not one_person_object(tokens, i))):
                    continue
                if len(covered) == 1 or not parsed or _prepositions_fit(tokens, covered):
                    matches.append((-len(trig.lemmas), tokens[i].pos != "VERB", i, order, trig.code, covered))
    # longer patterns first; among patterns of one length a verb (the predicate that asserts the act: a headline's
    # "Встреча с послом" run into the sentence "посол встретился с ..." names no one), then the one that comes
    # first ("Повторные переговоры Японии и КНДР ..., но встреча так и не была согласована": the talks)
    for _, _, i, _, code, covered in sorted(matches, key=lambda m: m[:4]):
        if i in used_anchor:
            continue
        if code == NO_EVENT:  # the words' sense that is no event: they trigger nothing else either
            used_anchor.update(covered)
            continue
        root = ontology()[code].root
        if root in used_root:
            continue
        used_anchor.update(covered)
        used_root.add(root)
        found.append((_syntactic_head(tokens, covered), code, sorted(covered)))
    return sorted(found)


def _prepositions_fit(tokens: list[Token], covered: list[int]) -> bool:
    """Whether each preposition of a multi-word pattern (``covered``: the matched tokens in the pattern's order)
    introduces the pattern word after it: "договориться о встрече", where the window alone also takes "в ходе
    встречи ... договорились о сотрудничестве" (the meeting is not what was agreed on). A last preposition
    introduces a phrase that hangs on a pattern word: "осудить на [пять лет]" (a sentence, 173) but not "осудила
    нападение на посольство" (condemned, 111); "освободить от [должности]". The rest of a pattern stays a window
    of words: requiring the words to form one phrase of the parse lost more true events than wrong ones on NEREL
    (parse errors)."""
    last = len(covered) - 1
    for k, j in enumerate(covered):
        if tokens[j].pos != "ADP":
            continue
        head = tokens[j].parent
        if k < last and head != covered[k + 1]:
            return False
        if k == last and (head is None or tokens[head].parent not in covered):
            return False
    return True


def _syntactic_head(tokens: list[Token], covered: list[int]) -> int:
    """The trigger word that governs the others ("помощь" in "гуманитарную помощь"), verbs first, then nouns: where
    the window took words of two phrases ("военные корабли провели совместные учения" for "военные учения") the
    act is the noun's, not the adjective's."""
    ids = {tokens[j].id for j in covered}
    heads = [j for j in covered if tokens[j].head not in ids]
    if not heads:
        return covered[0]
    verbs = [j for j in heads if tokens[j].pos == "VERB"]
    nouns = [j for j in heads if tokens[j].pos in ("NOUN", "PROPN")]
    return (verbs or nouns or heads)[0]


SHIPPED = "shipped"


def extract_events(body: str, mentions, published: date | None, model: dict | str | None = SHIPPED,
                   actor_model: dict | str | None = SHIPPED) -> list[EventDraft]:
    """Event drafts of one article body; ``mentions`` are that body's linked mentions (sorted by offset).
    ``model``: the event filter (:mod:`.filter`) that scores how likely each candidate is an event in context:
    the shipped one, a given one, or None (no score: training and cross-validation). Every candidate is kept
    with its ``probability``: dropping those below the filter's threshold would lose real CAMEO events that
    NEREL does not annotate (a meeting of two leaders, a refusal to comment); the table publishes the
    probability (``events.event_probability``) and readers choose their cut. ``actor_model``: the actor check
    (:mod:`.actor_model`): the shipped one, a given one, or None (the parse rules' actors)."""
    if not body.strip():
        return []
    actor_model = actor_scorer.shipped_model() if actor_model == SHIPPED else actor_model
    events = _candidates(body, mentions, published, actor_model)
    model = shipped_model() if model == SHIPPED else model
    if model is not None:
        for ev in events:
            ev.probability = round(probability(model, ev.features), 6)
    return events


def _candidates(body: str, mentions, published: date | None, actor_model: dict | None = None) -> list[EventDraft]:
    doc = analyze(body, syntax=needs_syntax, morph=trigger_candidate)
    events: list[EventDraft] = []
    previous_location: int | None = None
    segments = (segment for natasha_sentence in doc.sents for segment in line_segments(natasha_sentence, body))
    for sent_index, sent in enumerate(segments):
        first_event = len(events)  # this sentence's events are appended after it
        sentence_mentions = [k for k, m in enumerate(mentions) if m.start >= sent.start and m.end <= sent.stop]
        if len(sent.tokens) > MAX_SENTENCE_TOKENS:
            previous_location = None
            continue
        if not needs_syntax(sent):  # no trigger can match: the sentence only lends its place to the next one
            previous_location = location_for(body, sentence_mentions, mentions, set())
            continue
        tokens = _sentence_tokens(sent)
        view = sentence_view(body, sent, tokens, mentions, sentence_mentions)
        places, token_mentions, mention_tokens = view.places, view.token_mentions, view.mention_tokens
        in_names = frozenset(j for j, t in enumerate(tokens) for k in sentence_mentions
                             if mentions[k].start <= t.start and t.end <= mentions[k].end)
        found = find_triggers(tokens, in_names)[:MAX_TRIGGERS_PER_SENTENCE]
        anchors = {a for a, _, _ in found}
        sentence_text = body[sent.start:sent.stop]
        for anchor, code, covered in found:
            # "обязались подписать": the intent verb governs another trigger; keep the governed one, as planned
            if code.startswith("03") and any(tokens[j].index in anchors and tokens[j].rel == "xcomp"
                                             for j in _children(tokens, anchor)):
                continue
            root = ontology()[code].root
            actor1, actor2, a1c, a2c, from_syntax, symmetric, unnamed = rule_sides(
                view, anchor, code, covered, mentions, events[-1] if events else None)
            if not actor1 and not a1c and not actor2 and not a2c:
                # no actor on either side: a place or date here may belong to an event just before
                _lend_place_and_date(events, sent_index, root, body, sentence_mentions, places, mentions,
                                     tokens, sent.start, anchor, published)
                continue
            rows = actor_scorer.candidate_features(tokens, anchor, mention_tokens, mentions, set(actor1), set(actor2))
            actor1, actor2 = actor_scorer.select(actor_model, actor1, actor2, rows, tokens, anchor, mention_tokens,
                                                 mentions, root in SYMMETRIC_ROOTS, frozenset(anchors - {anchor}))
            actor1, actor2 = without_aliases(actor1, mentions, body), without_aliases(actor2, mentions, body)
            # a side with no person or organisation ("Турецкие силовики": a country at most) may be named by a noun
            unnamed1, unnamed2 = (None if names_agent(side, mentions) else _unnamed(tokens, h)
                                  for side, h in zip((actor1, actor2), unnamed))
            location = location_for(body, sentence_mentions, mentions, set(actor1) | set(actor2), tokens, anchor)
            if location is None and previous_location is not None and \
                    any(t.lemma in ANAPHORIC_PLACE for t in tokens[:anchor]):
                location = previous_location  # "В Нью-Йорке проходит сессия. В рамках которой ... провёл встречу"
            a2c = a2c or visit_host(code, location, actor1, a1c, actor2, mentions, tokens, anchor)
            modality = modality_for(tokens, anchor)
            when = find_event_date(sentence_text, published, date_excluder(tokens, sent.start, anchor),
                                   future=modality == "planned", trigger_at=tokens[anchor].start - sent.start,
                                   own=date_of_clause(tokens, sent.start, anchor),
                                   foreign=date_of_other_trigger(tokens, sent.start, anchor, anchors))
            ev = EventDraft(code, anchor, " ".join(tokens[j].text for j in covered), sent.start, sent.stop,
                            min(tokens[j].start for j in covered), max(tokens[j].end for j in covered),
                            actor1, actor2, a1c, a2c, location,
                            when.value if when else None, when.precision if when else None,
                            when.text if when else None, when.end if when else None,
                            modality, syntax_actors=from_syntax, symmetric=symmetric,
                            sentence_index=sent_index, actor1_unnamed=unnamed1, actor2_unnamed=unnamed2)
            if root in ("06", "07"):
                money = find_money(sentence_text)
                if money:
                    ev.amount, ev.currency = money[0].amount, money[0].currency
            ev.features = features(tokens, ev, mentions, sentence_mentions)
            ev.actor_rows = rows
            events.append(ev)
        # the place the sentence's last event found ("посетил Токио"), else its first locative place
        found = [e.location for e in events[first_event:] if e.location is not None]
        previous_location = found[-1] if found else location_for(body, sentence_mentions, mentions, set())
    return events


def _lend_place_and_date(events: list[EventDraft], sent_index: int, root: str, body: str, sentence_mentions: list[int],
                         places: set[int], mentions, tokens: list[Token], sent_start: int, anchor: int,
                         published: date | None) -> None:
    """"Стороны провели переговоры. Встреча состоялась в Сеуле": an actorless trigger of the same root in one of
    the next :data:`PLACE_LOOKBACK` sentences gives its place and date to the latest such event lacking them."""
    target = next((ev for ev in reversed(events) if ev.sentence_index < sent_index
                   and sent_index - ev.sentence_index <= PLACE_LOOKBACK and ontology()[ev.code].root == root), None)
    if target is None:
        return
    if target.location is None:
        target.location = next((k for k in sentence_mentions if k in places), None)
    if target.event_date is None and target.date_precision is None:
        text = body[sent_start:tokens[-1].end] if tokens else ""
        when = find_event_date(text, published, date_excluder(tokens, sent_start, anchor))
        if when:
            target.event_date, target.date_precision, target.date_text, target.date_end = \
                when.value, when.precision, when.text, when.end


def _unnamed(tokens: list[Token], head: int | None) -> tuple[int, int, str] | None:
    return None if head is None else (*phrase_span(tokens, head), noun_lemma(tokens[head]))


def event_id(article_id: str, ev: EventDraft) -> str:
    return hashlib.sha256(f"{article_id}|{ev.sentence_start}|{ev.anchor}|{ev.code}".encode()).hexdigest()[:16]


def confidence(ev: EventDraft) -> float:
    score = 0.4 + (0.25 if ev.syntax_actors else 0.0) + (0.15 if ev.actor2 else 0.0)
    score += 0.1 if ev.location is not None else 0.0
    score += 0.1 if ev.event_date is not None or ev.date_text else 0.0
    return round(min(score, 1.0), 2)
