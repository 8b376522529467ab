"""One sentence as the event extractor reads it (its places, the mentions that may act, their tokens), and the
parse rules' actors of one trigger in it (:func:`rule_sides`), shared by the stage and by the training of the
actor check (:mod:`.actor_model`), which scores them on NEREL's own event words too."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .modality import REPORT_VERBS, in_source_phrase
from .ontology import entity_country, ontology
from .places import _conjoined_places, _in_locative, in_place_noun_phrase
from .roles import (ACTOR_TYPES, GROUP_SUBJECTS, MAX_ACTORS_PER_SIDE, PRONOUN_SUBJECTS, SYMMETRIC_ROOTS, ZERO_SUBJECT,
                    _prefer_actors, actors_for, clause_mentions, is_passive, modifies_noun, names_agent,
                    object_of_another_event, split_conjoined)
from .syntax import Token, name_phrase
from .unnamed import unnamed_actor


@dataclass
class SentenceView:
    body: str
    start: int
    tokens: list[Token]
    sentence_mentions: list[int]  # mention indexes inside the sentence
    places: set[int]  # those in a locative phrase ("в Сеуле"): never actors
    token_mentions: dict[int, int]  # token index → the mention that may act covering it
    mention_tokens: dict[int, list[int]]  # the same, mention → its token indexes


def _is_place_adjective(mention) -> bool:
    """A LOC mention written in lower case is a place adjective ("японской", see
    :func:`pipeline.core.entities.spans.place_adjective_spans`): its country reaches the event through the
    adjective countries of the actor phrase (``actor1_countries``), never as an actor mention of its own."""
    return mention.type == "LOC" and mention.text[:1].islower()


def sentence_view(body: str, sent, tokens: list[Token], mentions, sentence_mentions: list[int]) -> SentenceView:
    places = {k for k in sentence_mentions if _in_locative(body, mentions[k])}
    places |= _conjoined_places(tokens, sentence_mentions, places, mentions)
    token_mentions = {}
    for t in tokens:
        for k in sentence_mentions:
            if k not in places and not _is_place_adjective(mentions[k]) \
                    and mentions[k].start <= t.start and t.end <= mentions[k].end:
                token_mentions[t.index] = k
    mention_tokens: dict[int, list[int]] = {}
    for t_index, k in sorted(token_mentions.items()):
        mention_tokens.setdefault(k, []).append(t_index)
    return SentenceView(body, sent.start, tokens, sentence_mentions, places, token_mentions, mention_tokens)


def _pronoun_object(tokens: list[Token], anchor: int) -> bool:
    """The verb trigger's object is "его" or "её" (a person the text named before)."""
    return tokens[anchor].pos == "VERB" and any(
        tokens[j].rel == "obj" and tokens[j].pos == "PRON" and tokens[j].lemma in PRONOUN_SUBJECTS
        for j in tokens[anchor].kids)


#: how far back (characters) a pronoun subject looks for the person it names, about three sentences: the person
#: named most there, not the article's main person ("... Затем прилетела Ангела Меркель. Она встретилась с ...")
PRONOUN_WINDOW = 400
def _speaker(tokens: list[Token], mention_tokens: list[int], anchor: int) -> bool:
    """Whether a mention is the subject of a verb of saying other than the trigger: "Тереза Мэй заявила, что они
    были отравлены", "подчеркнула Захарова": who reports an act is not, by that, one of its sides. Also for the
    act the verb takes as its object ("МВД сообщило о задержании"): limiting the guard to reported clauses added
    6 rows on NEREL, none on target."""
    for j in mention_tokens:
        k = name_phrase(tokens, j)  # "премьер-министр ... Тереза Мэй заявила": the name's phrase
        verb = tokens[k].parent
        if tokens[k].rel == "nsubj" and verb is not None and verb != anchor and tokens[verb].lemma in REPORT_VERBS:
            return True
        if in_source_phrase(tokens, j, anchor):
            return True
    return False


#: the text between a name and another name for it: "Кристофер Чейни (Christopher Chaney)", "Ли Джэён (также Ли Чже
#: Ен, Ли Чже Ён)", "Исламским государством (ИГ)", "Арсен Павлов, более известный как Моторола", "по прозвищу"
_ALIAS_OPENING = re.compile(r"[»\"”]?\s*\(\s*(?:также|англ\.|[a-zа-яё]{2,5}\.)?\s*[«\"“]?"
                            r"|\s*,?\s*(?:более\s+|также\s+)?известн\w*\s+(?:как|под\s+(?:именем|псевдонимом))\s+"
                            r"|\s*,?\s*(?:по\s+прозвищу|он\s+же|она\s+же)\s+", re.I)
_ALIAS_NEXT = re.compile(r"\s*[,;/]\s*(?:или\s+)?")
_ALIAS_CLOSING = re.compile(r"[»\"”]?\s*(?:[),;/.!?—–]|$)")


def without_aliases(actors: list[int], mentions, body: str) -> list[int]:
    """The actors without a person's or organisation's name that only restates the one before it (same type; in
    brackets the other name must close them or be listed: "(Сергея Сидорова отпустили)" is another person, and a
    place in brackets, "Донецк (Украина)", says where): one actor, not two."""
    out: list[int] = []
    in_brackets, last = False, None
    for m in sorted(actors, key=lambda k: mentions[k].start):
        if last is not None and mentions[m].type == mentions[last].type and mentions[m].type in ACTOR_TYPES:
            gap = body[mentions[last].end:mentions[m].start]
            opening = _ALIAS_OPENING.fullmatch(gap)
            if (opening or (in_brackets and _ALIAS_NEXT.fullmatch(gap))) and \
                    _ALIAS_CLOSING.match(body, mentions[m].end):
                in_brackets = "(" in gap if opening else in_brackets
                last = m
                continue
        in_brackets, last = False, m
        out.append(m)
    return [m for m in actors if m in out]


def _nominative_in(view: SentenceView) -> bool:
    """Whether a noun or pronoun in the nominative stands in the sentence: a subject the parse did not hang on
    the verb ("Президент России Владимир Путин подписал", "расследование проводит управление"), so the verb's
    subject was not dropped. A name's later words and a word after a preposition carry their phrase's case, not
    their own (the tagger reads "с президентом Юн Сок Ёлем" with a nominative "Ёлем")."""
    return any(t.pos in ("NOUN", "PROPN", "PRON", "NUM") and (t.feats or {}).get("Case") == "Nom"
               and t.rel not in ("flat", "flat:name") and not any(view.tokens[k].rel == "case" for k in t.kids)
               for t in view.tokens)


def rule_sides(view: SentenceView, anchor: int, code: str, covered, mentions, previous=None):
    """(actor1, actor2, actor1 adjective countries, actor2 adjective countries, from syntax, symmetric, unnamed
    heads) of the trigger at ``anchor`` by the parse rules; ``previous``: the event before (whose actors
    "стороны" take); the unnamed heads are each side's :func:`.unnamed.unnamed_actor` (token index or None)."""
    tokens, body, token_mentions = view.tokens, view.body, view.token_mentions
    a1g, a2g, a1c, a2c, from_syntax, subject, coordinated, heads = actors_for(tokens, anchor, token_mentions,
                                                                               mentions, code, covered)
    root = ontology()[code].root
    passive = is_passive(tokens, anchor) and root not in SYMMETRIC_ROOTS
    group_sides = False
    if not a1g and (subject in GROUP_SUBJECTS) and previous is not None:
        a1g, a2g = [previous.actor1], [previous.actor2] if previous.actor2 else a2g
        coordinated = coordinated or previous.symmetric
        # "Стороны обсудили ...", "лидеры подписали ...": the sides act on each other, whoever hosted before
        group_sides = bool(previous.actor1) and bool(previous.actor2)
    elif not any(a2g if passive else a1g) and \
            (subject in PRONOUN_SUBJECTS or (subject == ZERO_SUBJECT and not _nominative_in(view))):
        # the side a pronoun subject stands for is empty: the doer, or of a passive ("Он был арестован
        # полицией") the one who undergoes it
        last_person = [k for k, m in enumerate(mentions) if m.type == "PER" and m.end <= view.start]
        recent = [k for k in last_person if mentions[k].end > view.start - PRONOUN_WINDOW]
        last_person = recent or last_person
        if last_person:
            counts = Counter(mentions[k].entity_id for k in last_person)
            main = max(reversed(last_person), key=lambda k: counts[mentions[k].entity_id])
            if passive:  # "Он был арестован": the person undergoes the act
                a2g = a2g + [[main]]
            else:
                a1g = [[main]]
    if not a2g and _pronoun_object(tokens, anchor):
        # "его арестовали": the person the text has spoken of most undergoes the act (the last one named is often
        # another: "Ким Чен Нам, брат лидера КНДР Ким Чен Ына … его отравили")
        taken = {mentions[m].entity_id for g in a1g for m in g}
        before = [k for k, m in enumerate(mentions) if m.type == "PER" and m.end <= tokens[anchor].start
                  and m.entity_id not in taken]
        if before:
            counts = Counter(mentions[k].entity_id for k in before)
            a2g = [[max(reversed(before), key=lambda k: counts[mentions[k].entity_id])]]
    if not a1g and not a2g and not a1c:
        # no parse to go by: the nearest agent before the trigger, and a "с кем" partner after it
        free = [k for k in view.sentence_mentions if k not in view.places
                and not in_place_noun_phrase(tokens, mentions[k])
                and not _speaker(tokens, view.mention_tokens.get(k, []), anchor)]
        own = clause_mentions(tokens, anchor, free, token_mentions)
        # a place of another clause is no fallback actor ("Врач, заразивший детей Мариуполя, был осужден")
        free = own or [k for k in free if mentions[k].type != "LOC"]
        before = [k for k in free if mentions[k].end <= tokens[anchor].start]
        after = [k for k in free if mentions[k].start >= tokens[anchor].end
                 and re.search(r"(?:^|\s)(?:с|со)\s+(?:\S+\s+){0,3}$", body[tokens[anchor].end:mentions[k].start])]
        if object_of_another_event(tokens, anchor, code) or subject in PRONOUN_SUBJECTS or \
                modifies_noun(tokens, anchor):
            # "Япония осудила нападение": the one who condemns did not attack; "..., в составе которой он
            # встречался с президентом": the subject is someone the text named before, not a nearer name;
            # "власти освободили задержанного бизнесмена": the noun a participle modifies undergoes (or does) the
            # act (read by the rules), and the name before it is the subject of another verb
            before = []
        b, a = _prefer_actors(before, mentions), _prefer_actors(after, mentions)
        a1g = [b[-1:]] if b and not passive else []
        a2g = ([b[-1:]] if b and passive else []) + ([a[:1]] if a else [])
    # a mention reached twice ("с Ваном И": the name's two words both hang on the verb) is one actor
    actor1 = list(dict.fromkeys(m for g in a1g for m in g))[:MAX_ACTORS_PER_SIDE]
    actor1_entities = {mentions[m].entity_id for m in actor1}
    actor2 = list(dict.fromkeys(m for g in a2g for m in g if m not in actor1
                                and mentions[m].entity_id not in actor1_entities))[:MAX_ACTORS_PER_SIDE]
    symmetric = root in SYMMETRIC_ROOTS and group_sides and bool(actor1) and bool(actor2)
    if root in SYMMETRIC_ROOTS and len(a1g) > 1 and not actor2:
        # "Монголия и Япония достигли соглашения": coordinated subjects act on each other
        actor1, actor2 = a1g[0], [m for g in a1g[1:] for m in g][:MAX_ACTORS_PER_SIDE]
        symmetric = True
    elif root in SYMMETRIC_ROOTS and coordinated and not actor2:
        # "Миллер и Озерец, которые встречаются": one phrase of coordinated actors; the first is actor1, the
        # others its counterparts, as for coordinated subjects
        if len({mentions[m].entity_id for m in actor1}) > 1:
            first = mentions[actor1[0]].entity_id
            actor1, actor2 = ([m for m in actor1 if mentions[m].entity_id == first],
                              [m for m in actor1 if mentions[m].entity_id != first])
        symmetric = True
    elif root in SYMMETRIC_ROOTS and len(a1g) == 1 and not actor2 and split_conjoined(tokens, actor1, mentions):
        # "Министры иностранных дел Японии и Южной Кореи провели переговоры": the conjoined are the sides
        actor1, actor2 = split_conjoined(tokens, actor1, mentions)
        symmetric = True
    if not actor1 and not a1c and actor2 and root in SYMMETRIC_ROOTS and len(actor2) > 1 and len(a2g) == 1:
        actor1, actor2 = actor2[:1], actor2[1:]
        symmetric = True
    if root in SYMMETRIC_ROOTS and not actor2 and not a2c and len(a1c) > 1 and \
            {entity_country(mentions[m].entity_id) for m in actor1} <= set(a1c[:1]):
        # "японско-китайские переговоры", "Японские и китайские дипломаты провели переговоры": the countries the
        # adjectives name act on each other, the first named as actor1 (only when actor1's names, if any, are all of
        # that country: "Кисида провел японско-китайские переговоры")
        a1c, a2c = a1c[:1], a1c[1:]
        symmetric = True
    heads, symmetric = _symmetric_heads(view, heads, root, actor1, actor2, symmetric, mentions, covered)
    unnamed = (unnamed_actor(tokens, heads[0], token_mentions, covered),
               unnamed_actor(tokens, heads[1], token_mentions, covered))
    return actor1, actor2, a1c, a2c, from_syntax, symmetric, unnamed


def _symmetric_heads(view: SentenceView, heads, root: str, actor1: list[int], actor2: list[int], symmetric: bool,
                     mentions, covered) -> tuple[tuple[list[int], list[int]], bool]:
    """The unnamed heads of coordinated subjects of a consultation or cooperation, sided as their names are: "Президент
    России и премьер-министр Японии провели переговоры" (each country's noun on its side), "Министры иностранных дел
    Японии и Южной Кореи" (one plural noun, both sides); "Иван Петров и министр обороны провели переговоры" (the
    named and the unnamed act on each other)."""
    first, second = heads
    if root not in SYMMETRIC_ROOTS or second:
        return heads, symmetric
    nouns = [h for h in first if unnamed_actor(view.tokens, [h], view.token_mentions, covered) is not None]
    if symmetric and len(nouns) > 1:
        return (nouns[:1], nouns[1:]), symmetric
    if symmetric and len(nouns) == 1 and actor1 and actor2 and \
            (view.tokens[nouns[0]].feats or {}).get("Number") == "Plur":
        return (nouns, nouns), symmetric  # "Министры иностранных дел Японии и Южной Кореи": one noun for both sides
    if not symmetric and not actor2 and len(nouns) == 1 and names_agent(actor1, mentions):
        return ([], nouns), True
    return heads, symmetric
