"""Where an event happens: a LOC mention in a locative phrase ("в Сеуле"), the named site of a place adjective
("в московском аэропорту Шереметьево"), a place noun's genitive ("в центре Киева"), a visit's object
("посетил Москву"); and which LOC mentions are places, never actors."""

from __future__ import annotations

from .ontology import entity_country
from .syntax import LOCATIVE_CASES, Token, _LOCATIVE_BEFORE, _case_words

#: words that tie a sentence to the place of the one before ("в рамках которой", "там")
ANAPHORIC_PLACE = {"который", "там", "где"}


def _in_locative(body: str, mention) -> bool:
    return mention.type == "LOC" and _LOCATIVE_BEFORE.search(body[max(0, mention.start - 25):mention.start]) is not None


#: nouns that name a part or a site of a place: the LOC in their genitive is where it happens ("в центре Киева",
#: "в пригороде Феникса", "в аэропорту Буэнос-Айреса", "на территории Израиля")
PLACE_NOUNS = frozenset({"центр", "пригород", "окрестность", "район", "аэропорт", "столица", "территория", "провинция",
                         "область", "штат", "город", "округ", "порт", "посольство", "здание", "регион", "село",
                         "деревня", "поселок", "улица", "граница", "побережье", "юг", "север", "запад", "восток",
                         "префектура", "уезд", "край", "республика", "зона", "суд", "тюрьма", "колония", "больница",
                         "лагерь", "отель", "гостиница", "резиденция", "штаб-квартира"})
#: triggers whose object is where the event happens ("посетил Москву")
VISIT_LEMMAS = frozenset({"посетить", "посещать"})


def location_for(body: str, sentence_mentions: list[int], mentions, exclude: set[int],
                 tokens: list[Token] | None = None, anchor: int | None = None) -> int | None:
    """The event's place: a LOC mention in a locative phrase ("в Сеуле"); failing that (with the parse), a LOC in
    the genitive of a place noun of a locative phrase ("в центре Киева") or the place a visit trigger governs
    ("посетил Москву")."""
    for m in sentence_mentions:
        if m not in exclude and _in_locative(body, mentions[m]):
            named = _named_site(tokens, mentions[m], sentence_mentions, mentions, exclude) if tokens else None
            return m if named is None else named
    if tokens is None:
        return None
    for m, head, up in _place_names(tokens, sentence_mentions, mentions, exclude):
        if _of_place_noun(tokens, head, up):
            return m
        if anchor is not None and up.index == anchor and head.rel == "obj" and up.lemma in VISIT_LEMMAS:
            return m
    return None


def _named_site(tokens: list[Token], men, sentence_mentions: list[int], mentions, exclude: set[int]) -> int | None:
    """"в японской префектуре Канагава", "в московском аэропорту Шереметьево": where a place adjective opens the
    locative phrase, the name of the noun it qualifies is the more exact place (None when there is none)."""
    if not men.text[:1].islower():
        return None
    adjective, noun = _phrase_head(tokens, men)
    if adjective is None or noun is None or adjective.rel != "amod":
        return None
    for k, head, up in _place_names(tokens, sentence_mentions, mentions, exclude):
        if up.index == noun.index and head.rel in ("nmod", "appos", "flat:name", "flat"):
            return k
    return None


def _place_names(tokens: list[Token], sentence_mentions: list[int], mentions, exclude: set[int]):
    """(mention, its head token, the token that head hangs on) of each LOC name (capitalised: no place adjective)
    of the sentence outside ``exclude`` that hangs on something."""
    for k in sentence_mentions:
        men = mentions[k]
        if k in exclude or men.type != "LOC" or men.text[:1].islower():
            continue
        head, up = _phrase_head(tokens, men)
        if up is not None:
            yield k, head, up


def _phrase_head(tokens: list[Token], men) -> tuple[Token | None, Token | None]:
    """The token of a mention that the rest of the sentence hangs it on, and that token's head."""
    first = next((t for t in tokens if men.start <= t.start < men.end), None)
    if first is None:
        return None, None
    inside = {t.index for t in tokens if men.start <= t.start < men.end}
    head = first
    while head.parent is not None and head.parent in inside:
        head = tokens[head.parent]
    return head, (tokens[head.parent] if head.parent is not None else None)


def _of_place_noun(tokens: list[Token], head: Token, up: Token) -> bool:
    """A name in the genitive of, or in apposition to, a place noun of a locative phrase: "в аэропорту
    Буэнос-Айреса", "в городе Гваделупе"."""
    return head.rel in ("nmod", "appos", "flat:name") and up.lemma in PLACE_NOUNS and \
        bool(_case_words(tokens, up.index) & LOCATIVE_CASES)


#: place nouns that name an institution as much as a site: "в посольстве США осудили" is the United States
#: acting, so their country stays a possible actor
INSTITUTION_PLACE_NOUNS = frozenset({"посольство", "здание", "суд", "тюрьма", "колония", "больница", "лагерь",
                                     "отель", "гостиница", "резиденция", "штаб-квартира"})


def in_place_noun_phrase(tokens: list[Token], men) -> bool:
    """Whether a LOC mention names the site of a locative phrase of a geographic place noun (:func:`_of_place_noun`;
    "в аэропорту Буэнос-Айреса", "в городе Гваделупе"): a place, never an actor."""
    if men.type != "LOC" or men.text[:1].islower():
        return False
    head, up = _phrase_head(tokens, men)
    return up is not None and up.lemma not in INSTITUTION_PLACE_NOUNS and _of_place_noun(tokens, head, up)


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


#: the CAMEO code of making a visit: its place's country hosts it
VISIT_CODE = "042"


def visit_host(code: str, location: int | None, actor1: list[int], actor1_countries: list[str], actor2: list[int],
               mentions, tokens: list[Token], anchor: int) -> list[str]:
    """The country a visit (042) with no named counterpart goes to, as its actor2 country: "Министр обороны Японии
    посетил Улан-Батор" (Mongolia hosts it). Only a place that hangs on the trigger itself is where it goes ("В
    Пекине заявили, что премьер посетит Вашингтон": not Beijing). The place stays the place, never an actor
    mention; a visit inside the visitor's own country ("Путин посетил Владивосток") has no host, and neither has a
    visit by a side whose country is unknown ("Акихито посетил святилища в Японии": the emperor at home)."""
    if code != VISIT_CODE or location is None or actor2:
        return []
    place = mentions[location]
    if not any(t.parent == anchor for t in tokens if place.start <= t.start and t.end <= place.end):
        return []
    host = entity_country(mentions[location].entity_id)
    own = (set(actor1_countries) | {entity_country(mentions[m].entity_id) for m in actor1}) - {None}
    return [host] if host and own and host not in own else []
