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
import re
from dataclasses import dataclass, field
from datetime import date

from ..entities.ner import analyze
from .money import find_money
from .ontology import country_adjectives, ontology, triggers
from .when import find_event_date

WINDOW = 5
#: per-sentence bounds (lists of 30 countries, tables read as one sentence): longer sentences are not read for
#: events; further triggers and actors are dropped. Recorded in the events asset's metadata.
MAX_SENTENCE_TOKENS = 200
MAX_TRIGGERS_PER_SENTENCE = 8
MAX_ACTORS_PER_SIDE = 10


def limits() -> dict[str, int]:
    """The per-sentence bounds, for the events asset's metadata."""
    return {"max_sentence_tokens": MAX_SENTENCE_TOKENS, "max_triggers_per_sentence": MAX_TRIGGERS_PER_SENTENCE,
            "max_actors_per_side": MAX_ACTORS_PER_SIDE}


#: sentences back that a place- or date-only sentence ("Встреча состоялась в Сеуле") may lend them to
PLACE_LOOKBACK = 2
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
PLAN_VERBS = {"планироваться", "должный", "предполагаться", "запланировать", "намечать", "намечаться",
              "наметить", "ожидаться", "готовиться"}
#: the head verb of a noun trigger that says it did not take place ("встреча сорвалась", "визит отменили")
UNREALIZED_VERBS = {"сорваться", "отменить", "отменять", "отмениться", "отложить", "откладывать", "перенести",
                    "сорвать", "провалиться"}
#: "не состоялась", "так и не провели": negated realization verbs mean the event did not happen
REALIZE_VERBS = {"состояться", "пройти", "проходить", "удаться", "согласовать"}
#: a clause under these reports what someone said ("сообщил, что ...", "по словам ...")
REPORT_VERBS = {"заявить", "сообщить", "сказать", "сообщать", "заявлять", "говорить", "отметить", "подчеркнуть",
                "написать", "рассказать", "объявить", "передать", "утверждать", "считать", "полагать",
                "подтвердить"}
DENY_VERBS = {"опровергнуть", "опровергать", "отрицать", "отвергнуть", "опровержение"}
CONDITIONAL_MARKERS = {"если", "бы", "в случае"}
#: words whose date is the date of the report, not of what it reports
REPORT_WORDS = REPORT_VERBS | DENY_VERBS | {"выступить", "выступление", "речь", "заявление", "доклад", "сообщение",
                                            "брифинг", "пресс-конференция", "интервью", "опубликовать"}
MODALITIES = ("asserted", "negated", "unrealized", "planned", "conditional", "possible", "reported", "denied")
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
    kids: list[int] = field(default_factory=list)  # indexes of the tokens whose head this is
    parent: int | None = None  # index of the head token (None for the root)


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
    return tokens[i].kids


def _link(tokens: list[Token]) -> list[Token]:
    """Fill ``kids`` and ``parent`` once per sentence (the helpers below ask for them many times)."""
    by_id = {t.id: k for k, t in enumerate(tokens)}
    for k, t in enumerate(tokens):
        t.parent = by_id.get(t.head)
        if t.parent is not None and t.parent != k:
            tokens[t.parent].kids.append(k)
    return tokens


def root_of(code: str) -> str:
    return ontology()[code].root


def _is_locative(tokens: list[Token], j: int) -> bool:
    """"в Сеуле", "на Курилах", "недалеко от Улан-Батора": a place phrase, never an actor."""
    return bool(_case_words(tokens, j) & (LOCATIVE_CASES | {"близ", "возле", "около", "неподалеку", "недалеко"}))


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
    """Subtree of ``i`` without its conjuncts (they are separate actors) and without place phrases."""
    skip = frozenset(j for j in _children(tokens, i) if tokens[j].rel == "conj")
    sub = _subtree(tokens, i, skip=skip)
    places = frozenset(k for k in sub if k != i and _is_locative(tokens, k))
    if places:
        sub = _subtree(tokens, i, skip=skip | places)
        # "посол Италии в Грузии Виторио Сандали": a name the parser hung on the place noun is the person's
        for k in places:
            for j in _children(tokens, k):
                if tokens[j].rel in ("appos", "flat:name") and tokens[j].pos == "PROPN":
                    sub.extend(_subtree(tokens, j))
        sub = sorted(set(sub))
    return sub


def _same_side(sub: list[int], head: int, verb: int | None) -> list[int]:
    """A phrase's tokens on its own side of the verb: a name the parser hung on the subject from the far side
    of the verb ("Кисида провел встречу с президентом Юн Сок Ёлем") belongs to the phrase it stands in."""
    if verb is None or head == verb:
        return sub
    before = head < verb
    return [k for k in sub if (k < verb) == before]


def _adjacent_names(tokens: list[Token], sub: list[int], token_mentions: dict[int, int], mentions,
                    taken: set[int]) -> list[int]:
    """Extend a phrase with the person's name that directly follows it ("президентом Южной Кореи Юн Сок Ёлем")
    when the parser attached that name elsewhere."""
    if not sub:
        return sub
    out = list(sub)
    k = max(sub) + 1
    while k < len(tokens) and k in token_mentions and mentions[token_mentions[k]].type == "PER" \
            and token_mentions[k] not in taken and tokens[k].rel in ("appos", "flat:name", "nmod", "flat", "obl"):
        out.append(k)
        k += 1
    return out


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
                     mentions, verb: int | None = None,
                     taken: set[int] | None = None) -> list[tuple[list[int], list[int]]]:
    """(subtree, actor mentions) of ``j`` and of each of its conjuncts: coordinated actors ("Япония и КНДР") are
    separate groups, each its own subtree without the others, on its own side of ``verb``."""
    out = []
    for h in _with_conjuncts(tokens, j):
        sub = _same_side(_own_subtree(tokens, h), h, verb)
        if taken is not None:
            sub = _adjacent_names(tokens, sub, token_mentions, mentions, taken)
        out.append((sub, _prefer_actors(_mentions_in(sub, token_mentions), mentions)[:MAX_ACTORS_PER_SIDE]))
    return out


def _add_actors(indexes: list[int], groups: list[list[int]], found: list[tuple[list[int], list[int]]]) -> None:
    """Append found (subtree, actor mentions) pairs to one side: its token indexes and its actor groups."""
    for sub, group in found:
        indexes.extend(sub)
        groups.append(group)


def actors_for(tokens: list[Token], anchor: int, token_mentions: dict[int, int], mentions,
               code: str, covered: list[int] | tuple[int, ...] = ()) -> tuple[list[list[int]], list[list[int]], list[str], list[str], bool, str | None, bool]:
    """(actor1 groups, actor2 groups, actor1 adjective countries, actor2 adjective countries, from syntax, subject
    lemma, coordinated subject)."""
    a1_groups: list[list[int]] = []
    a2_groups: list[list[int]] = []
    a1_idx: list[int] = []
    a2_idx: list[int] = []
    subject_lemma = None
    anchor_tok = tokens[anchor]
    verb = anchor
    if anchor_tok.pos in ("NOUN", "PROPN") and anchor_tok.parent is not None and (
            anchor_tok.rel == "obj" or (anchor_tok.rel == "obl" and tokens[anchor_tok.parent].pos == "VERB"
                                        and _case_words(tokens, anchor) & {"в", "во", "на", "после", "по"})):
        # "провел встречу", "в ходе встречи с Януковичем Эрдоган заявил": the verb's subject took part
        verb = anchor_tok.parent
    subject_holders = [verb]
    if tokens[verb].rel == "xcomp":  # "согласились принять меры": the controller's subject acts
        subject_holders.append(tokens[verb].parent if tokens[verb].parent is not None else verb)
    subjects = [j for h in subject_holders for j in _children(tokens, h)
                if tokens[j].rel in ("nsubj", "nsubj:pass") and j != anchor]
    coordinated = False
    for j in subjects[:1]:
        subject_lemma = tokens[j].lemma
        side_verb: int | None = verb
        if subject_lemma == "который" and tokens[verb].rel.startswith("acl"):
            # "Миллер и Озерец, которые встречаются": the relative clause's noun and its conjuncts act
            j = tokens[verb].parent if tokens[verb].parent is not None else j
            subject_lemma = tokens[j].lemma
            side_verb = None
        found = _conjunct_actors(tokens, j, token_mentions, mentions, side_verb)
        coordinated = len([g for _, g in found if g]) > 1
        if tokens[j].rel == "nsubj:pass" and root_of(code) not in SYMMETRIC_ROOTS:
            # "Фирташ арестован в Вене", "Янукович был обвинён": the passive subject undergoes the act
            _add_actors(a2_idx, a2_groups, found)
            for k in _children(tokens, verb):
                if tokens[k].rel in ("obl:agent", "obl") and (tokens[k].feats or {}).get("Case") == "Ins" \
                        and not _case_words(tokens, k):
                    _add_actors(a1_idx, a1_groups, _conjunct_actors(tokens, k, token_mentions, mentions, verb))
            coordinated = False
        else:
            _add_actors(a1_idx, a1_groups, found)
    feats = anchor_tok.feats or {}
    if feats.get("VerbForm") == "Part" and feats.get("Voice") == "Pass":
        # "граждан, похищенных спецслужбами КНДР": the agent acts on the noun the participle modifies
        for j in _children(tokens, anchor):
            if tokens[j].rel in ("obl:agent", "obl") and (tokens[j].feats or {}).get("Case") == "Ins" \
                    and not _case_words(tokens, j):
                sub = _subtree(tokens, j)
                a1_idx.extend(sub)
                a1_groups.append(_prefer_actors(_mentions_in(sub, token_mentions), mentions))
        head = anchor_tok.parent
        if head is not None:
            sub = [k for k in _own_subtree(tokens, head) if k not in _subtree(tokens, anchor)]
            a2_idx.extend(sub)
            a2_groups.append(_prefer_actors(_mentions_in(sub, token_mentions), mentions))
    partners = []
    between = []
    root = code[:2]
    # "провел встречу с ...": the counterpart may hang on the trigger's noun as well as on its verb
    nouns = [k for k in covered if k != anchor and tokens[k].pos in ("NOUN", "PROPN")]
    for head in sorted({anchor, verb, *nouns}):
        for j in _children(tokens, head):
            if j in covered:
                continue
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
            elif rel == "nmod" and (head == anchor or head in nouns) and not cases and tokens[head].pos == "NOUN" and \
                    not any(_case_words(tokens, k) & {"между"} for k in _children(tokens, head)):
                # "переговоры Японии и КНДР", "встреча двух делегаций": genitive participants of a noun trigger
                _add_actors(a1_idx, a1_groups, _conjunct_actors(tokens, j, token_mentions, mentions))
    for j in between:  # "между Пхеньяном и Москвой": the first side acts, the others are its counterparts
        groups = _conjunct_actors(tokens, j, token_mentions, mentions)
        if groups and not any(a1_groups):
            _add_actors(a1_idx, a1_groups, groups[:1])
            groups = groups[1:]
        _add_actors(a2_idx, a2_groups, groups)
    taken = {m for g in a1_groups for m in g}
    for j in partners:
        _add_actors(a2_idx, a2_groups, _conjunct_actors(tokens, j, token_mentions, mentions, verb, taken))
    a1_groups = [g for g in a1_groups if g]
    a2_groups = [g for g in a2_groups if g]
    from_syntax = bool(a1_groups or a2_groups)
    return (a1_groups, a2_groups, _adjective_countries(tokens, a1_idx), _adjective_countries(tokens, a2_idx),
            from_syntax, subject_lemma, coordinated)


def _in_locative(body: str, mention) -> bool:
    return mention.type == "LOC" and _LOCATIVE_BEFORE.search(body[max(0, mention.start - 25):mention.start]) is not None


def location_for(body: str, sentence_mentions: list[int], mentions, exclude: set[int]) -> int | None:
    for m in sentence_mentions:
        if m not in exclude and _in_locative(body, mentions[m]):
            return m
    return None


def _predicate(tokens: list[Token], anchor: int) -> int:
    """The clause predicate of a trigger: the trigger itself, or for a noun ("провели встречу", "встреча
    сорвалась") the verb it is the object or subject of."""
    t = tokens[anchor]
    if t.pos in ("NOUN", "PROPN") and t.rel in ("obj", "nsubj", "nsubj:pass") and t.parent is not None \
            and tokens[t.parent].pos in ("VERB", "AUX", "ADJ"):
        return t.parent
    return anchor


def _governors(tokens: list[Token], pred: int, steps: int = 3) -> list[int]:
    """Predicates that embed the clause of ``pred`` ("сообщил, что ...", "опроверг ...", "мог встретиться")."""
    out = []
    k = pred
    for _ in range(steps):
        t = tokens[k]
        if t.parent is None or t.rel not in ("xcomp", "ccomp", "csubj", "parataxis", "obj", "advcl"):
            break
        k = t.parent
        out.append(k)
    return out


def _negated(tokens: list[Token], nodes: list[int]) -> bool:
    for n in nodes:
        if any(tokens[j].lemma in ("не", "ни") and tokens[j].rel in ("advmod", "discourse", "neg", "")
               for j in _children(tokens, n)):
            return True
        if n > 0 and tokens[n - 1].lemma == "не":
            return True
    return False


def _tak_i_ne(tokens: list[Token], nodes: list[int]) -> bool:
    """"так и не": the expected event never came."""
    for n in nodes:
        for j in range(max(0, n - 5), n):
            if tokens[j].lemma == "так" and j + 2 < len(tokens) and tokens[j + 1].lemma == "и" \
                    and tokens[j + 2].lemma == "не":
                return True
    return False


def modality_for(tokens: list[Token], anchor: int) -> str:
    """asserted, negated, unrealized, planned, conditional, possible, reported or denied, read from the trigger's
    own clause (its predicate, that predicate's auxiliaries and the predicates that embed it), not from the
    whole sentence."""
    t = tokens[anchor]
    pred = _predicate(tokens, anchor)
    nodes = [anchor] if pred == anchor else [anchor, pred]
    nodes += [j for n in list(nodes) for j in _children(tokens, n) if tokens[j].rel in ("aux", "aux:pass", "cop")]
    governors = _governors(tokens, pred)
    gov_lemmas = {tokens[g].lemma for g in governors}
    if gov_lemmas & DENY_VERBS:
        return "denied"
    negated = _negated(tokens, nodes)
    if tokens[pred].lemma in UNREALIZED_VERBS or (negated and (_tak_i_ne(tokens, nodes)
                                                              or tokens[pred].lemma in REALIZE_VERBS)):
        return "unrealized"
    # "должны были состояться, но встреча так и не была согласована": the contrasting clause undoes the plan
    for j in _children(tokens, pred):
        if tokens[j].rel == "conj" and any(tokens[c].lemma == "но" for c in _children(tokens, j)) \
                and _negated(tokens, [j]) and _tak_i_ne(tokens, [j]):
            return "unrealized"
    if negated:
        return "negated"
    marks = {tokens[j].lemma for n in nodes + governors[:1] for j in _children(tokens, n)}
    if marks & CONDITIONAL_MARKERS:
        return "conditional"
    aux_lemmas = {tokens[j].lemma for j in nodes} | gov_lemmas
    if aux_lemmas & POSSIBLE_VERBS or "возможно" in marks:
        return "possible"
    feats = t.feats or {}
    pred_feats = tokens[pred].feats or {}
    if aux_lemmas & (PLAN_VERBS | INTENT_VERBS) or feats.get("Tense") == "Fut" or pred_feats.get("Tense") == "Fut" \
            or ("быть" in aux_lemmas and (feats.get("VerbForm") == "Inf" or pred_feats.get("VerbForm") == "Inf")):
        return "planned"
    if gov_lemmas & REPORT_VERBS:
        return "reported"
    return "asserted"


# ---------------------------------------------------------------- the article
def _sentence_tokens(sent) -> list[Token]:
    out = []
    for i, tok in enumerate(sent.tokens):
        out.append(Token(i, tok.id, tok.text, (tok.lemma or tok.text).lower().replace("ё", "е"), tok.start, tok.stop, tok.head_id,
                         tok.rel or "", tok.pos or "", dict(tok.feats or {})))
    return _link(out)


def _date_excluder(tokens: list[Token], sent_start: int, anchor: int):
    """A predicate on date offsets (within the sentence): True for a date that belongs to a report of the event
    ("заявил 5 мая", "в речи 22 сентября") rather than to the event: walking up from the date's first token,
    a reporting word comes before the trigger or its predicate."""
    pred = _predicate(tokens, anchor)
    own = {anchor, pred}

    def exclude(start: int, end: int) -> bool:
        first = next((k for k, t in enumerate(tokens) if t.start - sent_start >= start), None)
        if first is None:
            return False
        k, steps = first, 0
        while k is not None and steps < 12:
            if k in own:
                return False
            if tokens[k].lemma in REPORT_WORDS:
                return True
            k = tokens[k].parent
            steps += 1
        return False

    return exclude


def extract_events(body: str, mentions, published: date | None) -> list[EventDraft]:
    """Event drafts of one article body; ``mentions`` are that body's linked mentions (sorted by offset)."""
    if not body.strip():
        return []
    doc = analyze(body)
    events: list[EventDraft] = []
    previous_location: int | None = None
    for sent_index, sent in enumerate(doc.sents):
        tokens = _sentence_tokens(sent)
        sentence_mentions = [k for k, m in enumerate(mentions) if m.start >= sent.start and m.end <= sent.stop]
        if len(tokens) > MAX_SENTENCE_TOKENS:
            previous_location = None
            continue
        places = {k for k in sentence_mentions if _in_locative(body, mentions[k])}
        places |= _conjoined_places(tokens, sentence_mentions, places, mentions)
        token_mentions = {}
        for t in tokens:
            for k in sentence_mentions:
                if k not in places and mentions[k].start <= t.start and t.end <= mentions[k].end:
                    token_mentions[t.index] = k
        found = find_triggers(tokens)[:MAX_TRIGGERS_PER_SENTENCE]
        anchors = {a for a, _, _ in found}
        sentence_text = body[sent.start:sent.stop]
        for anchor, code, covered in found:
            # "обязались подписать": the intent verb governs another trigger; keep the governed one, as planned
            if code.startswith("03") and any(tokens[j].index in anchors and tokens[j].rel == "xcomp"
                                             for j in _children(tokens, anchor)):
                continue
            a1g, a2g, a1c, a2c, from_syntax, subject, coordinated = actors_for(tokens, anchor, token_mentions,
                                                                                mentions, code, covered)
            root = ontology()[code].root
            if not a1g and (subject in GROUP_SUBJECTS) and events:
                prev = events[-1]
                a1g, a2g = [prev.actor1], [prev.actor2] if prev.actor2 else a2g
                coordinated = coordinated or prev.symmetric
            elif not a1g and subject in PRONOUN_SUBJECTS:
                last_person = [k for k, m in enumerate(mentions) if m.type == "PER" and m.end <= sent.start]
                if last_person:
                    a1g = [[last_person[-1]]]
            if not a1g and not a2g and not a1c:
                # no parse to go by: the nearest agent before the trigger, and a "с кем" partner after it
                free = [k for k in sentence_mentions if k not in places]
                before = [k for k in free if mentions[k].end <= tokens[anchor].start]
                after = [k for k in free if mentions[k].start >= tokens[anchor].end
                         and re.search(r"(?:^|\s)(?:с|со)\s+(?:\S+\s+){0,3}$",
                                       body[tokens[anchor].end:mentions[k].start])]
                b, a = _prefer_actors(before, mentions), _prefer_actors(after, mentions)
                a1g = [b[-1:]] if b else []
                a2g = [a[:1]] if a else []
            actor1 = [m for g in a1g for m in g][:MAX_ACTORS_PER_SIDE]
            actor1_entities = {mentions[m].entity_id for m in actor1}
            actor2 = [m for g in a2g for m in g if m not in actor1
                      and mentions[m].entity_id not in actor1_entities][:MAX_ACTORS_PER_SIDE]
            symmetric = False
            if root in SYMMETRIC_ROOTS and len(a1g) > 1 and not actor2:
                # "Монголия и Япония достигли соглашения": coordinated subjects act on each other
                actor1, actor2 = a1g[0], [m for g in a1g[1:] for m in g][:MAX_ACTORS_PER_SIDE]
                symmetric = True
            elif root in SYMMETRIC_ROOTS and coordinated and not actor2:
                symmetric = True
            if not actor1 and not a1c:
                if actor2 and root in SYMMETRIC_ROOTS and len(actor2) > 1:
                    actor1, actor2 = actor2[:1], actor2[1:]
                    symmetric = True
                elif not actor2 and not a2c:
                    # no actor on either side: a place or date here may belong to an event just before
                    _lend_place_and_date(events, sent_index, root, body, sentence_mentions, places, mentions,
                                         tokens, sent.start, anchor, published)
                    continue
            location = location_for(body, sentence_mentions, mentions, set(actor1) | set(actor2))
            if location is None and previous_location is not None and \
                    any(t.lemma in ANAPHORIC_PLACE for t in tokens[:anchor]):
                location = previous_location  # "В Нью-Йорке проходит сессия. В рамках которой ... провёл встречу"
            when = find_event_date(sentence_text, published, _date_excluder(tokens, sent.start, anchor))
            ev = EventDraft(code, anchor, " ".join(tokens[j].text for j in covered), sent.start, sent.stop,
                            min(tokens[j].start for j in covered), max(tokens[j].end for j in covered),
                            actor1, actor2, a1c, a2c, location,
                            when.value if when else None, when.precision if when else None,
                            when.text if when else None, when.end if when else None,
                            modality_for(tokens, anchor), syntax_actors=from_syntax, symmetric=symmetric,
                            sentence_index=sent_index)
            if root in ("06", "07"):
                money = find_money(sentence_text)
                if money:
                    ev.amount, ev.currency = money[0].amount, money[0].currency
            events.append(ev)
        previous_location = location_for(body, sentence_mentions, mentions, set())
    return events


def _conjoined_places(tokens: list[Token], sentence_mentions: list[int], places: set[int], mentions) -> set[int]:
    """"в Берлине и Москве": a LOC conjoined to a place is a place too."""
    def mention_at(t: Token) -> int | None:
        return next((k for k in sentence_mentions if mentions[k].start <= t.start and t.end <= mentions[k].end), None)

    out: set[int] = set()
    for t in tokens:
        if t.rel != "conj" or t.parent is None:
            continue
        k, head = mention_at(t), mention_at(tokens[t.parent])
        if k is not None and head in places and mentions[k].type == "LOC":
            out.add(k)
    return out


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
        when = find_event_date(text, published, _date_excluder(tokens, sent_start, anchor))
        if when:
            target.event_date, target.date_precision, target.date_text, target.date_end = \
                when.value, when.precision, when.text, when.end


def event_id(article_id: str, ev: EventDraft) -> str:
    return hashlib.sha256(f"{article_id}|{ev.sentence_start}|{ev.anchor}|{ev.code}".encode()).hexdigest()[:16]


def confidence(ev: EventDraft) -> float:
    score = 0.4 + (0.25 if ev.syntax_actors else 0.0) + (0.15 if ev.actor2 else 0.0)
    score += 0.1 if ev.location is not None else 0.0
    score += 0.1 if ev.event_date is not None or ev.date_text else 0.0
    return round(min(score, 1.0), 2)
