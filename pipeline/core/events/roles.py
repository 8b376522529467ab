"""Who did what to whom: actor1 and actor2 from the parse (subjects and their conjuncts, "с X", "между X и Y",
genitive modifiers of a noun trigger). Where it happened is :mod:`.places`."""

from __future__ import annotations

from .ontology import entity_country, one_word_trigger_roots, one_word_triggers, target_genitive_nouns
from .syntax import (LOCATIVE_CASES, Token, _adjacent_names, _adjective_countries, _case_words, _children, _mentions_in,
                     _own_adjectives, _own_subtree, _same_side, _subtree, _with_conjuncts, root_of)


MAX_ACTORS_PER_SIDE = 10
ACTOR_TYPES = ("PER", "ORG")
SYMMETRIC_ROOTS = {"04", "05", "06"}
GROUP_SUBJECTS = {"сторона", "лидер", "делегация", "страна", "государство", "партнер", "участник"}
PRONOUN_SUBJECTS = {"он", "она"}
#: the subject lemma :func:`actors_for` reports for a singular finite verb or short participle with no subject
#: at all ("После был арестован силами ПНС.", "В 2010 году подписала контракт"): a dropped pronoun, read as "он"/"она"
ZERO_SUBJECT = "<zero>"


# ---------------------------------------------------------------- actors
def is_passive(tokens: list[Token], anchor: int) -> bool:
    """A trigger in the passive voice ("был арестован", "убиты", "арестованный"): whoever it names without a
    parse to go by (a pronoun, the nearest name before it) undergoes the act rather than doing it."""
    return (tokens[anchor].feats or {}).get("Voice") == "Pass"


def _prefer_actors(mention_ids: list[int], mentions) -> list[int]:
    """People and organisations are the actors; countries and cities only when nothing else is there
    (metonymy: "Токио и Пхеньян"). Regions and unknown places never act."""
    agents = [m for m in mention_ids if mentions[m].type in ACTOR_TYPES]
    people = [m for m in agents if mentions[m].type == "PER"]
    if people and len(people) < len(agents):
        # "глава отдела «Лаборатории Касперского» Руслан Стоянов": in one phrase, the person acts and the
        # organisation is where the person works
        return people
    places = [m for m in mention_ids if mentions[m].type == "LOC"
              and mentions[m].entity_id.startswith(("country:", "geonames:"))]
    return with_nested_places(agents, places, mentions) if agents else places


def with_nested_places(agents: list[int], places: list[int], mentions) -> list[int]:
    """An organisation acts with the country its name holds: "Спецслужбы КНДР" (one ORG mention with the
    country mention КНДР nested inside it) gives the event North Korea's side as well as the agency."""
    out = list(agents)
    for p in places:
        if any(mentions[a].type == "ORG" and mentions[a].start <= mentions[p].start
               and mentions[p].end <= mentions[a].end for a in agents):
            out.append(p)
    return out


def _conjunct_actors(tokens: list[Token], j: int, token_mentions: dict[int, int],
                     mentions, verb: int | None = None,
                     taken: set[int] | None = None) -> list[tuple[list[int], list[int], int]]:
    """(subtree, actor mentions, head) of ``j`` and of each of its conjuncts: coordinated actors ("Япония и КНДР")
    are separate groups, each its own subtree without the others, on its own side of ``verb``; the head token is
    given where the actors hold no person or organisation ("Суд Лондона": an unnamed actor may stand there), else
    None."""
    out = []
    # a prepositional phrase starts at its preposition: a word before it that the parser hung inside ("даю
    # поручение правительству», — сказал ... на встрече с учёными и лауреатами") is not part of it
    opening = min((k for k in _children(tokens, j) if tokens[k].rel == "case" and k < j), default=None)
    for h in _with_conjuncts(tokens, j):
        sub = _same_side(_own_subtree(tokens, h), h, verb)
        if opening is not None:
            sub = [k for k in sub if k >= opening]
        if taken is not None:
            sub = _adjacent_names(tokens, sub, token_mentions, mentions, taken)
        core = _prefer_actors(_mentions_in(_phrase_core(tokens, h, sub, token_mentions, mentions), token_mentions),
                              mentions)
        actors = core or _prefer_actors(_mentions_in(sub, token_mentions), mentions)
        out.append((sub, actors[:MAX_ACTORS_PER_SIDE], None if names_agent(actors, mentions) else h))
    return out


def _phrase_core(tokens: list[Token], head: int, sub: list[int], token_mentions: dict[int, int], mentions) -> list[int]:
    """The tokens of a phrase that name its referent, not a qualifier of it: the phrase without the genitives
    (nmod) that hang on its words, unless one continues the same name. "Ким Чон Нама, брата лидера КНДР Ким Чен
    Ына" is Kim Jong Nam (his brother qualifies him); "депутат Верховной Рады Игорь Мосийчук" is the deputy; a
    genitive inside the name of the word it hangs on stays ("Спецслужбы КНДР"). A phrase whose only names are in
    its genitives ("сотрудники полиции") is read whole by the caller."""

    def same_name(child: int, parent: int) -> bool:
        m = token_mentions.get(parent)
        return m is not None and mentions[m].start <= tokens[child].start < mentions[m].end

    inside = set(sub)
    out, stack = [], [head]
    seen = {head}
    while stack:
        k = stack.pop()
        out.append(k)
        for c in _children(tokens, k):
            if c in seen or c not in inside:
                continue
            if tokens[c].rel == "nmod" and not same_name(c, k):
                continue
            seen.add(c)
            stack.append(c)
    return sorted(out)


def names_agent(actors: list[int], mentions) -> bool:
    """Whether the mentions hold a person or an organisation (a side a country or city alone names does not)."""
    return any(mentions[m].type in ACTOR_TYPES for m in actors)


def _add_actors(indexes: list[int], groups: list[list[int]], found: list[tuple[list[int], list[int], int | None]],
                heads: list[int] | None = None) -> None:
    """Append found (subtree, actor mentions, head) triples to one side: its token indexes and its actor groups;
    ``heads`` collects the heads of the phrases that name no person or organisation."""
    for sub, group, head in found:
        indexes.extend(sub)
        groups.append(group)
        if heads is not None and head is not None:
            heads.append(head)


#: support verbs: their subject does the act the noun they govern names ("провести арест", "совершить убийство")
SUPPORT_VERBS = frozenset({"провести", "проводить", "совершить", "совершать", "осуществить", "осуществлять",
                           "устроить", "организовать", "учинить", "произвести", "производить"})
#: clauses that share the subject of the clause they hang on when they have none of their own: "прибыл и провел
#: переговоры" (conj), "прибыл, чтобы обсудить" (advcl), "посетила Москву, где провела переговоры" (a relative
#: clause of place)
SUBJECT_SHARING = ("conj", "advcl")
PLACE_RELATIVES = frozenset({"где", "куда"})


def object_of_another_event(tokens: list[Token], anchor: int, code: str | None = None) -> bool:
    """A noun trigger that is the object of a verb which is an event of its own: who condemns, discusses or demands
    a visit, an attack or a release ("Кан осудил визит Медведева", "Япония осудила нападение", "потребовала
    освобождения") does not do it, so that verb's subject is none of the noun's actors."""
    t = tokens[anchor]
    return t.pos in ("NOUN", "PROPN") and t.rel in ("obj", "nmod") and t.parent is not None \
        and tokens[t.parent].lemma in one_word_triggers() \
        and not (code is not None and root_of(code) in one_word_trigger_roots()[tokens[t.parent].lemma])


def _adverbial_with_own_agent(tokens: list[Token], anchor: int, covered, token_mentions: dict[int, int]) -> bool:
    """A noun trigger in an adverbial phrase that names its own doer in the genitive ("после вторжения китайских
    судов Япония направила протест", "после нападения боевиков"): the act is the genitive's, not the subject's of
    the verb the phrase hangs on. The doer is a name, a person or a group of people, or what a country adjective
    qualifies; the trigger's own words ("после заключения договора") and a thing ("после осуждения приговора") are
    none, and an act done to someone ("после ареста Навального") has its target there. Not of a gathering (CAMEO
    04): "поехала на саммит ФСЭГ", "на встрече министров Ван И заявил" name who attends."""
    t = tokens[anchor]

    def doer(k: int) -> bool:
        feats = tokens[k].feats or {}
        return k not in covered and tokens[k].rel == "nmod" and tokens[k].pos in ("NOUN", "PROPN") and \
            feats.get("Case") == "Gen" and not _case_words(tokens, k) and \
            (k in token_mentions or feats.get("Animacy") == "Anim" or bool(_adjective_countries(tokens, tokens[k].kids)))

    return t.rel == "obl" and t.lemma not in target_genitive_nouns() and any(doer(k) for k in t.kids)


def dropped_subject(tokens: list[Token], verb: int) -> bool:
    """Whether the verb's subject is a dropped third-person singular pronoun: a finite verb or a short participle
    in the singular, with a person or a gender that only a person has, heading its own clause (a verb under
    another one shares that one's subject, :func:`_inherited_subject`; an impersonal "сообщается" is neuter
    or has no person)."""
    t = tokens[verb]
    feats = t.feats or {}
    if t.pos not in ("VERB", "AUX") or feats.get("Number") != "Sing":
        return False
    finite = feats.get("VerbForm") == "Fin" and (feats.get("Person") == "3" or feats.get("Gender") in ("Masc", "Fem"))
    short = feats.get("VerbForm") == "Part" and feats.get("Variant") == "Short" and feats.get("Gender") in ("Masc", "Fem")
    if not (finite or short) or feats.get("Gender") == "Neut":
        return False
    if feats.get("Person") in ("1", "2") or any(tokens[k].rel == "expl" for k in t.kids):
        return False
    return t.rel in ("root", "parataxis")


def _inherited_subject(tokens: list[Token], verb: int, anchor: int) -> list[int]:
    """The subject a verb without one shares with the clause above it (one step up, the way enhanced Universal
    Dependencies propagate subjects), or nothing."""
    t = tokens[verb]
    up = t.parent
    if up is None:
        return []
    if t.rel == "acl:relcl" and any(tokens[k].lemma in PLACE_RELATIVES for k in t.kids):
        up = tokens[up].parent  # "посетила Москву, где ...": the verb that governs the place noun
    elif t.rel not in SUBJECT_SHARING:
        return []
    if up is None or tokens[up].pos != "VERB":
        return []
    return [j for j in _children(tokens, up) if tokens[j].rel in ("nsubj", "nsubj:pass") and j != anchor][:1]


def actors_for(tokens: list[Token], anchor: int, token_mentions: dict[int, int], mentions,
               code: str, covered: list[int] | tuple[int, ...] = ()) -> tuple[list[list[int]], list[list[int]], list[str], list[str], bool, str | None, bool, tuple[list[int], list[int]]]:
    """(actor1 groups, actor2 groups, actor1 adjective countries, actor2 adjective countries, from syntax, subject
    lemma, coordinated subject, (actor1 heads, actor2 heads): the heads of each side's phrases that name no actor,
    in the order the rules read them, for :func:`unnamed_actor`)."""
    a1_heads: list[int] = []
    a2_heads: list[int] = []
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
        # "провел встречу", "в ходе встречи с Януковичем Эрдоган заявил": the verb's subject took part; of an act
        # done to someone only through a support verb ("полиция провела арест", not "Кисида осудил убийство")
        governor = tokens[anchor_tok.parent].lemma
        if (anchor_tok.lemma not in target_genitive_nouns() or governor in SUPPORT_VERBS) and \
                not object_of_another_event(tokens, anchor, code) and \
                not (root_of(code) != "04" and _adverbial_with_own_agent(tokens, anchor, covered, token_mentions)):
            verb = anchor_tok.parent
    subject_holders = [verb]
    controller_objects: list[int] = []
    if tokens[verb].rel == "xcomp" and tokens[verb].parent is not None:
        # "согласились принять меры": the controller's subject acts; "призвал Китай освободить граждан": its object
        controller = tokens[verb].parent
        controller_objects = [j for j in _children(tokens, controller) if tokens[j].rel == "obj" and j != anchor]
        if not controller_objects:
            subject_holders.append(controller)
    subjects = [j for h in subject_holders for j in _children(tokens, h)
                if tokens[j].rel in ("nsubj", "nsubj:pass") and j != anchor] or controller_objects[:1]
    if not subjects and tokens[verb].pos == "VERB":
        subjects = _inherited_subject(tokens, verb, anchor)
    if not subjects and dropped_subject(tokens, verb):
        subject_lemma = ZERO_SUBJECT
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
        coordinated = len([g for _, g, _ in found if g]) > 1
        if (tokens[j].rel == "nsubj:pass" or is_passive(tokens, anchor)) and root_of(code) not in SYMMETRIC_ROOTS:
            # "Фирташ арестован в Вене", "Янукович был обвинён": the passive subject undergoes the act
            _add_actors(a2_idx, a2_groups, found, a2_heads)
            for k in _children(tokens, verb):
                if tokens[k].rel in ("obl:agent", "obl") and (tokens[k].feats or {}).get("Case") == "Ins" \
                        and not _case_words(tokens, k):
                    _add_actors(a1_idx, a1_groups, _conjunct_actors(tokens, k, token_mentions, mentions, verb),
                                a1_heads)
            coordinated = False
        else:
            _add_actors(a1_idx, a1_groups, found, a1_heads)
    feats = anchor_tok.feats or {}
    if feats.get("VerbForm") == "Part" and feats.get("Voice") == "Pass":
        # "граждан, похищенных спецслужбами КНДР", "договор был подписан Медведевым": the agent in the instrumental
        for j in _children(tokens, anchor):
            if tokens[j].rel in ("obl:agent", "obl") and (tokens[j].feats or {}).get("Case") == "Ins" \
                    and not _case_words(tokens, j):
                sub = _subtree(tokens, j)
                a1_idx.extend(sub)
                a1_groups.append(_prefer_actors(_mentions_in(sub, token_mentions), mentions))
                a1_heads.extend([] if names_agent(a1_groups[-1], mentions) else [j])
        if modifies_noun(tokens, anchor):
            # the noun the participle modifies undergoes the act; a predicative one ("РБК напоминает, что ... была
            # задержана россиянка") has its passive subject, read above, and its governing verb is no such noun
            _add_modified_noun(tokens, anchor, token_mentions, mentions, a2_idx, a2_groups, a2_heads)
    elif modifies_noun(tokens, anchor) and not subjects:
        # "мужчина, напавший на полицейского", "боевики, захватившие заложников": the noun an active participle
        # modifies does the act
        _add_modified_noun(tokens, anchor, token_mentions, mentions, a1_idx, a1_groups, a1_heads)
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
                    (tokens[j].feats or {}).get("Case") == "Dat":
                # "направил поздравительную телеграмму Ким Чен Ыну", "оказала помощь Монголии": the dative a noun
                # trigger takes is whom the act is for, not a participant in the genitive
                partners.append(j)
            elif rel == "nmod" and (head == anchor or head in nouns) and not cases and tokens[head].pos == "NOUN" and \
                    not any(_case_words(tokens, k) & {"между"} for k in _children(tokens, head)):
                # "переговоры Японии и КНДР", "встреча двух делегаций": genitive participants of a noun trigger;
                # "арест Михайлова", "убийство Ким Чен Нама": the genitive of an act done to someone is its target
                # ("похищение Северной Кореей японских граждан": the instrumental is who does it)
                target = tokens[head].lemma in target_genitive_nouns() and \
                    (tokens[j].feats or {}).get("Case") != "Ins"
                _add_actors(a2_idx if target else a1_idx, a2_groups if target else a1_groups,
                            _conjunct_actors(tokens, j, token_mentions, mentions), a2_heads if target else a1_heads)
    for j in between:  # "между Пхеньяном и Москвой": the first side acts, the others are its counterparts
        groups = _conjunct_actors(tokens, j, token_mentions, mentions)
        if groups and not any(a1_groups):
            _add_actors(a1_idx, a1_groups, groups[:1], a1_heads)
            groups = groups[1:]
        _add_actors(a2_idx, a2_groups, groups, a2_heads)
    taken = {m for g in a1_groups for m in g}
    for j in partners:
        _add_actors(a2_idx, a2_groups, _conjunct_actors(tokens, j, token_mentions, mentions, verb, taken), a2_heads)
    a1_idx.extend(_own_adjectives(tokens, anchor, covered, mentions, code, any(a1_groups)))

    def _place_genitives(indexes: list[int], groups: list[list[int]]) -> list[str]:
        # "Глава МИД Японии", "Полиция Южной Кореи": a country or city in the genitive qualifying a name of the side
        # gives the side its country ("Уроженец Японии, гражданин США Джон Смит": a birthplace qualifies no name)
        names = {m for g in groups for m in g}
        found = (entity_country(mentions[token_mentions[k]].entity_id) for k in sorted(set(indexes))
                 if k in token_mentions and mentions[token_mentions[k]].type == "LOC" and tokens[k].rel == "nmod"
                 and not _case_words(tokens, k) and token_mentions.get(tokens[k].parent) in names)
        return [c for c in dict.fromkeys(found) if c]
    a1_groups = [g for g in a1_groups if g]
    a2_groups = [g for g in a2_groups if g]
    from_syntax = bool(a1_groups or a2_groups)
    return (a1_groups, a2_groups, _adjective_countries(tokens, a1_idx, mentions) + _place_genitives(a1_idx, a1_groups),
            _adjective_countries(tokens, a2_idx, mentions) + _place_genitives(a2_idx, a2_groups),
            from_syntax, subject_lemma, coordinated, (a1_heads, a2_heads))


def _add_modified_noun(tokens: list[Token], anchor: int, token_mentions: dict[int, int], mentions,
                       idx: list[int], groups: list[list[int]], heads: list[int]) -> None:
    """Add the noun a participle modifies (its phrase without the participle's) as one side's group; where the noun
    names no actor and stands beside a name ("Абид Насир, 26-летний пакистанец, арестованный ..."), the name."""
    head = tokens[anchor].parent
    sub = [k for k in _own_subtree(tokens, head) if k not in _subtree(tokens, anchor)]
    group = _prefer_actors(_mentions_in(sub, token_mentions), mentions)
    if not group and tokens[head].rel == "appos" and tokens[head].parent is not None:
        group = _prefer_actors(_mentions_in([tokens[head].parent], token_mentions), mentions)
    idx.extend(sub)
    groups.append(group)
    heads.extend([] if names_agent(group, mentions) else [head])


#: relations by which a participle modifies a noun ("граждан, похищенных ...", "задержанного Соловьёва")
ATTRIBUTIVE_RELS = frozenset({"acl", "amod", "acl:relcl"})


def modifies_noun(tokens: list[Token], anchor: int) -> bool:
    """Whether the trigger is a participle modifying a noun ("задержанного бизнесмена", "граждан, похищенных ...")."""
    t = tokens[anchor]
    return (t.feats or {}).get("VerbForm") == "Part" and t.rel in ATTRIBUTIVE_RELS and t.parent is not None


#: relations that open a clause of their own: a mention under one of them belongs to another predicate
CLAUSE_RELS = {"root", "ccomp", "advcl", "acl", "acl:relcl", "parataxis", "csubj", "conj"}


def _clause_head(tokens: list[Token], j: int) -> int:
    """The nearest ancestor of ``j`` (itself included) heading a clause: a verb under a clause relation."""
    seen = set()
    while j not in seen:
        seen.add(j)
        t = tokens[j]
        if t.parent is None or (t.rel in CLAUSE_RELS and (t.rel != "conj" or t.pos == "VERB")):
            return j
        j = t.parent
    return j


def clause_mentions(tokens: list[Token], anchor: int, candidates: list[int], token_mentions: dict[int, int]) -> list[int]:
    """The candidates whose tokens lie in the trigger's own clause ("Иванов сказал, что Петров встретился с ...":
    Петров, not Иванов, met)."""
    clause = _clause_head(tokens, anchor)
    inside = {token_mentions[t] for t in token_mentions if _clause_head(tokens, t) == clause}
    return [k for k in candidates if k in inside]


def split_conjoined(tokens: list[Token], group: list[int], mentions) -> tuple[list[int], list[int]] | None:
    """"Министры иностранных дел Японии и Южной Кореи провели переговоры": mentions of one actor phrase joined
    by a conjunction are the two sides of a symmetric event; (first side, the conjoined ones) or None."""
    def mention_of(t: Token) -> int | None:
        return next((m for m in group if mentions[m].start <= t.start and t.end <= mentions[m].end), None)

    later = []
    for t in tokens:
        if t.rel != "conj" or t.parent is None:
            continue
        k, head = mention_of(t), mention_of(tokens[t.parent])
        if k is not None and head is not None and k != head and k not in later:
            later.append(k)
    first = [m for m in group if m not in later]
    return (first, later) if later and first else None
