"""The dependency parse as the event extractor reads it: tokens with heads and relations, subtrees,
conjuncts, locative phrases, the mentions a set of tokens covers, country adjectives."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from .ontology import country_adjectives, country_combining_forms, entity_country, one_word_triggers, ontology, target_genitive_nouns, triggers


LOCATIVE_CASES = {"в", "во", "на"}
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


# ---------------------------------------------------------------- syntax helpers
def name_phrase(tokens: list[Token], k: int) -> int:
    """The phrase a name stands in: up from ``k`` through appositions and name parts ("Президент ... Юн Сок Ёль",
    "премьер-министр ... Тереза Мэй": the head noun). The parse is a forest (:func:`_link`), so the walk ends."""
    while tokens[k].rel in ("appos", "flat", "flat:name") and tokens[k].parent is not None:
        k = tokens[k].parent
    return k


def _children(tokens: list[Token], i: int) -> list[int]:
    return tokens[i].kids


def _link(tokens: list[Token]) -> list[Token]:
    """Fill ``kids`` and ``parent`` once per sentence (the helpers below ask for them many times)."""
    by_id = {t.id: k for k, t in enumerate(tokens)}
    for k, t in enumerate(tokens):
        t.parent = by_id.get(t.head)
    _break_cycles(tokens)
    for k, t in enumerate(tokens):
        if t.parent is not None:
            tokens[t.parent].kids.append(k)
    return tokens


def _break_cycles(tokens: list[Token]) -> None:
    """Make the heads a forest. slovnet picks each token's head on its own, so a token can head itself or two
    tokens each other; every walk up the heads must end. Walking up from each token in order, the head link that
    closes a cycle is cut (that token becomes a root)."""
    DONE, ON_PATH = 2, 1
    state = [0] * len(tokens)
    for k in range(len(tokens)):
        path, j = [], k
        while j is not None and state[j] == 0:
            state[j] = ON_PATH
            path.append(j)
            j = tokens[j].parent
        if j is not None and state[j] == ON_PATH:
            tokens[path[-1]].parent = None
        for i in path:
            state[i] = DONE


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


def _instrumental_agent(tokens: list[Token], verb: int) -> bool:
    """Whether a verb or participle has a doer in the instrumental, without a preposition ("похищенных спецслужбами")."""
    return any(tokens[k].rel in ("obl", "obl:agent") and (tokens[k].feats or {}).get("Case") == "Ins"
               and not _case_words(tokens, k) for k in _children(tokens, verb))


def _own_subtree(tokens: list[Token], i: int) -> list[int]:
    """Subtree of ``i`` without its conjuncts (they are separate actors), without a clause that modifies it and is an
    act of its own, a trigger word or a verb with a doer in the instrumental ("граждан, похищенных спецслужбами
    КНДР": the services are the abduction's; "судно, принадлежащее КНДР" and "боевиков, связанных с ИГ" say who
    the noun is and stay) and without place phrases."""
    skip = frozenset(j for j in _children(tokens, i) if tokens[j].rel == "conj" or (
        (tokens[j].rel in ("acl", "acl:relcl") or (tokens[j].rel == "amod" and tokens[j].pos == "VERB"))
        and (tokens[j].lemma in one_word_triggers() or _instrumental_agent(tokens, j))))
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


#: the endings of a place adjective's normal form (the entities stage gives a place adjective its lemma)
ADJECTIVE_NORMAL_ENDINGS = ("ский", "цкий")
#: the gazetteer's ids of countries ("country:JPN")
COUNTRY_ENTITY_PREFIX = "country:"


def _adjective_countries(tokens: list[Token], indexes: list[int], mentions=None, countries_only: bool = False) -> list[str]:
    """The countries the adjectives among ``indexes`` name, in text order: by the lemma ("японский"), each part of a
    compound ("японско-китайский"), and, given the text's ``mentions``, the country of a place adjective the
    entities stage linked inside the token ("турецкие" → Turkey: every country the alias index knows; with
    ``countries_only`` not a city's, "пекинская" → China)."""
    adj, forms = country_adjectives(), country_combining_forms()
    ordered = sorted(set(indexes))
    adjectives = []
    if mentions is not None and ordered:
        lo, hi = min(tokens[k].start for k in ordered), max(tokens[k].end for k in ordered)
        adjectives = [m for m in mentions if lo <= m.start and m.end <= hi and m.type == "LOC"
                      and m.normal.lower().endswith(ADJECTIVE_NORMAL_ENDINGS)
                      and (not countries_only or m.entity_id.startswith(COUNTRY_ENTITY_PREFIX))]
    out: list[str] = []
    for k in ordered:
        lemma = tokens[k].lemma or ""
        found = [adj.get(lemma)]
        if "-" in lemma:
            *first, last = lemma.split("-")
            found = [forms.get(part) for part in first] + [adj.get(last)]
        found += [entity_country(m.entity_id) for m in adjectives
                  if tokens[k].start <= m.start and m.end <= tokens[k].end]
        for iso in found:
            if iso and iso not in out:
                out.append(iso)
    return out


def _own_adjectives(tokens: list[Token], anchor: int, covered, mentions, code: str, has_actor1: bool) -> list[int]:
    """The country adjectives of a noun trigger that name its doers: two countries or more ("японско-китайские
    переговоры", "российские и китайские учения") always; one only where nothing else names actor1 and the act is no
    gathering ("американские санкции против России"; "китайский визит Путина", "Сингапурский саммит" name where it
    goes or is held). A city's adjective is a venue ("Пекинская встреча"), and an act done to someone ("арест") is
    left alone: its adjective may name either side."""
    t = tokens[anchor]
    if t.pos not in ("NOUN", "PROPN") or t.lemma in target_genitive_nouns():
        return []
    own = [c for j in _children(tokens, anchor) if tokens[j].rel == "amod" and j not in covered
           for c in _with_conjuncts(tokens, j)]
    countries = _adjective_countries(tokens, own, mentions, countries_only=True)
    if len(countries) > 1 or (countries and not has_actor1 and root_of(code) != "04"):
        return own
    return []


def token_lemma(tok) -> str:
    """The lemma the event extractor matches triggers on: natasha's lemma (or the word), lower case, ё as е."""
    return (tok.lemma or tok.text).lower().replace("ё", "е")


@dataclass
class LineSegment:
    """The part of a natasha sentence on one line of the text, with natasha's tokens of that part (``start``,
    ``stop``, ``tokens``: the attributes of a natasha sentence the stage reads)."""
    start: int
    stop: int
    tokens: list


def line_segments(sent, text: str) -> list:
    """A natasha sentence cut at the line breaks inside it. natasha's sentence splitter does not stop at a line
    break, so a headline, a caption or a subheading without a final full stop runs into the next paragraph's
    first sentence ("Моторолу убили в Донецке\n\nМоторола\nВ воскресенье ... убит один из командиров"); the
    stage reads events line by line, so a name in a caption never acts in the sentence below it. A sentence on
    one line is returned as it is."""
    tokens = list(sent.tokens)
    cuts = [k for k in range(1, len(tokens)) if "\n" in text[tokens[k - 1].stop:tokens[k].start]]
    if not cuts:
        return [sent]
    bounds = [0, *cuts, len(tokens)]
    return [LineSegment(tokens[a].start, tokens[b - 1].stop, tokens[a:b]) for a, b in zip(bounds, bounds[1:])]


def _sentence_tokens(sent) -> list[Token]:
    """The stage's tokens of a natasha sentence or :class:`LineSegment`; a head outside a segment is no head
    (the token is a root of its line)."""
    out = []
    ids = {tok.id for tok in sent.tokens}
    for i, tok in enumerate(sent.tokens):
        inside = tok.head_id in ids
        out.append(Token(i, tok.id, tok.text, token_lemma(tok), tok.start, tok.stop, tok.head_id if inside else "",
                         (tok.rel or "") if inside or not tok.rel else "root", tok.pos or "", dict(tok.feats or {})))
    return _link(out)
