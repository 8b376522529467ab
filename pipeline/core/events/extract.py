"""Events from one article: CAMEO trigger → actors from the dependency parse → place, date, money, modality.

Steps per sentence (natasha's sentences, lemmas and syntax, shared with NER through
:func:`pipeline.core.entities.ner.analyze`):

1. :func:`find_triggers` matches the lexicon (``data/cameo/triggers.tsv``) on lemmas; longer patterns win
   and one event per CAMEO root is kept per sentence.
2. :func:`actors_for` reads the parse: subject (and its coordinated conjuncts) → actor1; indirect object,
   "с кем" and "между X и Y" → actor2; genitive modifiers of a noun trigger ("переговоры Японии и КНДР").
   "Стороны"/"он" take the actors of the previous event or the last person; without a parse, mentions
   before and after the trigger. Country adjectives ("японский премьер") add actor countries.
3. :func:`location_for` — a LOC mention in a locative phrase ("в Нью-Йорке", "недалеко от Улан-Батора").
4. Date (:mod:`.when`), money (:mod:`.money`) and modality (:func:`modality_for`).

An event needs an actor: a trigger whose sentence gives none yields nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from ..entities.ner import analyze
from .money import find_money
from .ontology import country_adjectives, ontology, triggers
from .when import find_event_date

WINDOW = 5
ACTOR_TYPES = ("PER", "ORG")
SYMMETRIC_ROOTS = {"04", "05", "06"}
GROUP_SUBJECTS = {"сторона", "лидер", "делегация", "страна", "государство", "партнер", "участник"}
PRONOUN_SUBJECTS = {"он", "она"}
#: words that tie a sentence to the place of the one before ("в рамках которой", "там")
ANAPHORIC_PLACE = {"который", "там", "где"}
LOCATIVE_CASES = {"в", "во", "на"}
INTENT_VERBS = {"обязаться", "пообещать", "намереваться", "планировать", "собираться", "договориться", "решить",
                "согласиться"}
POSSIBLE_VERBS = {"мочь", "смочь"}
PLAN_VERBS = {"планироваться", "должный", "предполагаться"}
_LOCATIVE_BEFORE = re.compile(r"(?:^|\s)(?:в|во|на|недалеко от|неподалеку от|близ|возле|около|под|у)\s+$", re.I)


@dataclass
class Token:
    index: int
    id: str
    text: str
    lemma: str
    start: int
    end: int
    head: str
    rel: str
    pos: str
    feats: dict


@dataclass
class EventDraft:
    code: str
    anchor: int  # token index of the trigger's anchor within the sentence
    trigger: str
    sentence_start: int
    sentence_end: int
    actor1: list[int] = field(default_factory=list)  # mention indexes
    actor2: list[int] = field(default_factory=list)
    actor1_countries: list[str] = field(default_factory=list)  # from country adjectives
    actor2_countries: list[str] = field(default_factory=list)
    location: int | None = None
    event_date: date | None = None
    date_precision: str | None = None
    modality: str = "asserted"
    amount: float | None = None
    currency: str | None = None
    syntax_actors: bool = False


# ---------------------------------------------------------------- triggers
def find_triggers(tokens: list[Token]) -> list[tuple[int, str, list[int]]]:
    """(anchor index, code, token indexes) for each trigger; longest patterns first, one per anchor and root."""
    used_anchor: set[int] = set()
    used_root: set[str] = set()
    found = []
    lemmas = [t.lemma for t in tokens]
    for trig in triggers():
        first = trig.lemmas[0]
        for i, lemma in enumerate(lemmas):
            if lemma != first or i in used_anchor:
                continue
            covered = [i]
            for other in trig.lemmas[1:]:
                window = [j for j in range(max(0, i - WINDOW), min(len(tokens), i + WINDOW + 1))
                          if lemmas[j] == other and j not in covered]
                if not window:
                    break
                covered.append(min(window, key=lambda j: abs(j - i)))
            else:
                root = ontology()[trig.code].root
                if root in used_root:
                    continue
                used_anchor.update(covered)
                used_root.add(root)
                found.append((_syntactic_head(tokens, covered), trig.code, sorted(covered)))
    return sorted(found)


def _syntactic_head(tokens: list[Token], covered: list[int]) -> int:
    """The trigger word that governs the others ("помощь" in "гуманитарную помощь"), verbs first."""
    ids = {tokens[j].id for j in covered}
    heads = [j for j in covered if tokens[j].head not in ids]
    if not heads:
        return covered[0]
    verbs = [j for j in heads if tokens[j].pos == "VERB"]
    return (verbs or heads)[0]


# ---------------------------------------------------------------- syntax helpers
def _children(tokens: list[Token], i: int) -> list[int]:
    return [j for j, t in enumerate(tokens) if t.head == tokens[i].id]


def _subtree(tokens: list[Token], i: int, limit: int = 60, skip: frozenset[int] = frozenset()) -> list[int]:
    """Token indexes under ``i`` (a parse may contain cycles: every node is visited once)."""
    out: list[int] = []
    seen = {i}
    stack = [i]
    while stack and len(out) < limit:
        k = stack.pop()
        out.append(k)
        for c in _children(tokens, k):
            if c not in seen and c not in skip:
                seen.add(c)
                stack.append(c)
    return sorted(out)


def _case_words(tokens: list[Token], i: int) -> set[str]:
    return {tokens[j].lemma for j in _children(tokens, i) if tokens[j].rel in ("case", "fixed")}


def _mentions_in(token_indexes: list[int], token_mentions: dict[int, int]) -> list[int]:
    out = []
    for k in token_indexes:
        m = token_mentions.get(k)
        if m is not None and m not in out:
            out.append(m)
    return out


def _with_conjuncts(tokens: list[Token], i: int) -> list[int]:
    heads = [i]
    for j in _children(tokens, i):
        if tokens[j].rel == "conj" and j not in heads:
            heads.append(j)
    return heads


def _own_subtree(tokens: list[Token], i: int) -> list[int]:
    """Subtree of ``i`` without its conjuncts (they are separate actors)."""
    skip = frozenset(j for j in _children(tokens, i) if tokens[j].rel == "conj")
    return _subtree(tokens, i, skip=skip)


def _adjective_countries(tokens: list[Token], indexes: list[int]) -> list[str]:
    adj = country_adjectives()
    out = []
    for k in indexes:
        iso = adj.get(tokens[k].lemma)
        if iso and iso not in out:
            out.append(iso)
    return out


# ---------------------------------------------------------------- actors
def _prefer_actors(mention_ids: list[int], mentions) -> list[int]:
    """People and organisations are the actors; countries and cities only when nothing else is there
    (metonymy: "Токио и Пхеньян"). Regions and unknown places never act."""
    agents = [m for m in mention_ids if mentions[m].type in ACTOR_TYPES]
    return agents or [m for m in mention_ids if mentions[m].type == "LOC"
                      and mentions[m].entity_id.startswith(("country:", "geonames:"))]


def _conjunct_actors(tokens: list[Token], j: int, token_mentions: dict[int, int],
                     mentions) -> list[tuple[list[int], list[int]]]:
    """(subtree, actor mentions) of ``j`` and of each of its conjuncts: coordinated actors ("Япония и КНДР") are
    separate groups, each its own subtree without the others."""
    out = []
    for h in _with_conjuncts(tokens, j):
        sub = _own_subtree(tokens, h)
        out.append((sub, _prefer_actors(_mentions_in(sub, token_mentions), mentions)))
    return out


def _add_actors(indexes: list[int], groups: list[list[int]], found: list[tuple[list[int], list[int]]]) -> None:
    """Append found (subtree, actor mentions) pairs to one side: its token indexes and its actor groups."""
    for sub, group in found:
        indexes.extend(sub)
        groups.append(group)


def actors_for(tokens: list[Token], anchor: int, token_mentions: dict[int, int], mentions,
               code: str) -> tuple[list[list[int]], list[list[int]], list[str], list[str], bool, str | None]:
    """(actor1 groups, actor2 groups, actor1 adjective countries, actor2 adjective countries, from syntax, subject lemma)."""
    a1_groups: list[list[int]] = []
    a2_groups: list[list[int]] = []
    a1_idx: list[int] = []
    a2_idx: list[int] = []
    subject_lemma = None
    anchor_tok = tokens[anchor]
    verb = anchor
    if anchor_tok.pos in ("NOUN", "PROPN") and anchor_tok.rel == "obj":  # "провел встречу": the verb's subject
        verb = next((j for j, t in enumerate(tokens) if t.id == anchor_tok.head), anchor)
    subject_holders = [verb]
    if tokens[verb].rel == "xcomp":  # "согласились принять меры": the controller's subject acts
        subject_holders.append(next((k for k, t in enumerate(tokens) if t.id == tokens[verb].head), verb))
    subjects = [j for h in subject_holders for j in _children(tokens, h)
                if tokens[j].rel in ("nsubj", "nsubj:pass") and j != anchor]
    for j in subjects[:1]:
        subject_lemma = tokens[j].lemma
        if subject_lemma == "который" and tokens[verb].rel.startswith("acl"):
            # "Миллер и Озерец, которые встречаются": the relative clause's noun and its conjuncts act
            j = next((k for k, t in enumerate(tokens) if t.id == tokens[verb].head), j)
            subject_lemma = tokens[j].lemma
        _add_actors(a1_idx, a1_groups, _conjunct_actors(tokens, j, token_mentions, mentions))
    feats = anchor_tok.feats or {}
    if feats.get("VerbForm") == "Part" and feats.get("Voice") == "Pass":
        # "граждан, похищенных спецслужбами КНДР": the agent acts on the noun the participle modifies
        for j in _children(tokens, anchor):
            if tokens[j].rel in ("obl:agent", "obl") and (tokens[j].feats or {}).get("Case") == "Ins" \
                    and not _case_words(tokens, j):
                sub = _subtree(tokens, j)
                a1_idx.extend(sub)
                a1_groups.append(_prefer_actors(_mentions_in(sub, token_mentions), mentions))
        head = next((k for k, t in enumerate(tokens) if t.id == anchor_tok.head), None)
        if head is not None:
            sub = [k for k in _own_subtree(tokens, head) if k not in _subtree(tokens, anchor)]
            a2_idx.extend(sub)
            a2_groups.append(_prefer_actors(_mentions_in(sub, token_mentions), mentions))
    partners = []
    between = []
    root = code[:2]
    for head in {anchor, verb}:
        for j in _children(tokens, head):
            rel, cases = tokens[j].rel, _case_words(tokens, j)
            if cases & LOCATIVE_CASES:
                continue  # "в Киеве", "на Курилах": a place, not a counterpart
            obj_mentions = _mentions_in(_own_subtree(tokens, j), token_mentions)
            if root == "04" and rel == "obj" and obj_mentions and all(mentions[m].type == "LOC" for m in obj_mentions):
                continue  # "посетил Белград": the destination is the place of a visit
            if rel == "iobj" or (rel in ("obl", "nmod") and cases & {"с", "со"}) or \
                    (rel == "obj" and j != anchor and tokens[j].lemma not in {"грант", "помощь", "встреча"}):
                partners.append(j)
            elif rel in ("obl", "nmod") and cases & {"между"}:
                between.append(j)
            elif rel in ("obl", "nmod") and (cases & {"против"} or (cases & {"для"} and root == "07")
                                             or (cases & {"от"} and root == "10")):
                partners.append(j)
            elif rel == "nmod" and head == anchor and not cases and anchor_tok.pos == "NOUN" and \
                    not any(_case_words(tokens, k) & {"между"} for k in _children(tokens, anchor)):
                # "переговоры Японии и КНДР", "встреча двух делегаций": genitive participants of a noun trigger
                _add_actors(a1_idx, a1_groups, _conjunct_actors(tokens, j, token_mentions, mentions))
    for j in between:  # "между Пхеньяном и Москвой": the first side acts, the others are its counterparts
        groups = _conjunct_actors(tokens, j, token_mentions, mentions)
        if groups and not any(a1_groups):
            _add_actors(a1_idx, a1_groups, groups[:1])
            groups = groups[1:]
        _add_actors(a2_idx, a2_groups, groups)
    for j in partners:
        _add_actors(a2_idx, a2_groups, _conjunct_actors(tokens, j, token_mentions, mentions))
    a1_groups = [g for g in a1_groups if g]
    a2_groups = [g for g in a2_groups if g]
    from_syntax = bool(a1_groups or a2_groups)
    return (a1_groups, a2_groups, _adjective_countries(tokens, a1_idx), _adjective_countries(tokens, a2_idx),
            from_syntax, subject_lemma)


def _in_locative(body: str, mention) -> bool:
    return mention.type == "LOC" and _LOCATIVE_BEFORE.search(body[max(0, mention.start - 25):mention.start]) is not None


def location_for(body: str, sentence_mentions: list[int], mentions, exclude: set[int]) -> int | None:
    for m in sentence_mentions:
        if m not in exclude and _in_locative(body, mentions[m]):
            return m
    return None


def modality_for(tokens: list[Token], anchor: int) -> str:
    t = tokens[anchor]
    window = tokens[max(0, anchor - 3):anchor]
    if any(w.lemma == "не" for w in window) or any(tokens[j].lemma == "не" for j in _children(tokens, anchor)):
        return "negated"
    head = next((x for x in tokens if x.id == t.head), None)
    governors = [head] if head is not None and t.rel in ("xcomp", "csubj", "ccomp") else []
    governors += [tokens[j] for j in _children(tokens, anchor) if tokens[j].rel in ("aux", "aux:pass")]
    lemmas = {g.lemma for g in governors}
    if lemmas & PLAN_VERBS or any(w.lemma in PLAN_VERBS for w in window):
        return "reported_plan"
    if lemmas & POSSIBLE_VERBS or any(w.lemma in ("возможно", "мочь") for w in window):
        return "possible"
    if lemmas & INTENT_VERBS or "быть" in lemmas and (t.feats or {}).get("VerbForm") == "Inf":
        return "future"
    if (t.feats or {}).get("Tense") == "Fut":
        return "future"
    return "asserted"


# ---------------------------------------------------------------- the article
def _sentence_tokens(sent) -> list[Token]:
    out = []
    for i, tok in enumerate(sent.tokens):
        out.append(Token(i, tok.id, tok.text, (tok.lemma or tok.text).lower().replace("ё", "е"), tok.start, tok.stop, tok.head_id,
                         tok.rel or "", tok.pos or "", dict(tok.feats or {})))
    return out


def extract_events(body: str, mentions, published: date | None) -> list[EventDraft]:
    """Event drafts of one article body; ``mentions`` are that body's linked mentions (sorted by offset)."""
    if not body.strip():
        return []
    doc = analyze(body)
    events: list[EventDraft] = []
    previous_location: int | None = None
    for sent in doc.sents:
        tokens = _sentence_tokens(sent)
        sentence_mentions = [k for k, m in enumerate(mentions) if m.start >= sent.start and m.end <= sent.stop]
        token_mentions = {}
        for t in tokens:
            for k in sentence_mentions:
                if mentions[k].start <= t.start and t.end <= mentions[k].end:
                    token_mentions[t.index] = k
        found = find_triggers(tokens)
        anchors = {a for a, _, _ in found}
        for anchor, code, covered in found:
            # "обязались подписать": the intent verb governs another trigger; keep the governed one, as future
            if code.startswith("03") and any(tokens[j].index in anchors and tokens[j].rel == "xcomp"
                                             for j in _children(tokens, anchor)):
                continue
            a1g, a2g, a1c, a2c, from_syntax, subject = actors_for(tokens, anchor, token_mentions, mentions, code)
            root = ontology()[code].root
            if not a1g and (subject in GROUP_SUBJECTS) and events:
                prev = events[-1]
                a1g, a2g = [prev.actor1], [prev.actor2] if prev.actor2 else a2g
            elif not a1g and subject in PRONOUN_SUBJECTS:
                last_person = [k for k, m in enumerate(mentions) if m.type == "PER" and m.end <= sent.start]
                if last_person:
                    a1g = [[last_person[-1]]]
            if not a1g and not a2g and not a1c:
                # no parse to go by: the nearest agent before the trigger, and a "с кем" partner after it
                free = [k for k in sentence_mentions if not _in_locative(body, mentions[k])]
                before = [k for k in free if mentions[k].end <= tokens[anchor].start]
                after = [k for k in free if mentions[k].start >= tokens[anchor].end
                         and re.search(r"(?:^|\s)(?:с|со)\s+(?:\S+\s+){0,3}$",
                                       body[tokens[anchor].end:mentions[k].start])]
                b, a = _prefer_actors(before, mentions), _prefer_actors(after, mentions)
                a1g = [b[-1:]] if b else []
                a2g = [a[:1]] if a else []
            actor1 = [m for g in a1g for m in g]
            actor1_entities = {mentions[m].entity_id for m in actor1}
            actor2 = [m for g in a2g for m in g if m not in actor1 and mentions[m].entity_id not in actor1_entities]
            if root in SYMMETRIC_ROOTS and len(a1g) > 1 and not actor2:
                actor1, actor2 = a1g[0], [m for g in a1g[1:] for m in g]
            if not actor1 and not a1c:
                if actor2 and root in SYMMETRIC_ROOTS and len(actor2) > 1:
                    actor1, actor2 = actor2[:1], actor2[1:]
                else:
                    continue  # no event without an actor
            location = location_for(body, sentence_mentions, mentions, set(actor1) | set(actor2))
            if location is None and previous_location is not None and \
                    any(t.lemma in ANAPHORIC_PLACE for t in tokens[:anchor]):
                location = previous_location  # "В Нью-Йорке проходит сессия. В рамках которой ... провёл встречу"
            sentence_text = body[sent.start:sent.stop]
            when = find_event_date(sentence_text, published)
            ev = EventDraft(code, anchor, " ".join(tokens[j].text for j in covered), sent.start, sent.stop,
                            actor1, actor2, a1c, a2c, location,
                            when.value if when else None, when.precision if when else None,
                            modality_for(tokens, anchor), syntax_actors=from_syntax)
            if root in ("06", "07"):
                money = find_money(sentence_text)
                if money:
                    ev.amount, ev.currency = money[0].amount, money[0].currency
            events.append(ev)
        previous_location = location_for(body, sentence_mentions, mentions, set())
    return events


def event_id(article_id: str, ev: EventDraft) -> str:
    return hashlib.sha256(f"{article_id}|{ev.sentence_start}|{ev.anchor}|{ev.code}".encode()).hexdigest()[:16]


def confidence(ev: EventDraft) -> float:
    score = 0.4 + (0.25 if ev.syntax_actors else 0.0) + (0.15 if ev.actor2 else 0.0)
    score += 0.1 if ev.location is not None else 0.0
    score += 0.1 if ev.event_date is not None else 0.0
    return round(min(score, 1.0), 2)
