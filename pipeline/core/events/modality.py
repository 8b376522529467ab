"""Modality of an event, read from its trigger's own clause (not the sentence): asserted, negated,
unrealized ("так и не", "сорвалась"), planned, conditional, possible, reported, denied."""

from __future__ import annotations

from .syntax import Token, _case_words, _children


INTENT_VERBS = {"обязаться", "пообещать", "намереваться", "намерен", "планировать", "собираться", "договориться",
                "решить", "согласиться"}
#: a noun trigger modified so that it lies ahead ("будущие переговоры", "забастовки, запланированной на среду") or governed by
#: readiness ("готов к переговорам")
FUTURE_MODIFIERS = {"будущий", "предстоящий", "грядущий", "намеченный", "запланированный", "планируемый"}
READY_HEADS = {"готовый", "готовиться"}
POSSIBLE_VERBS = {"мочь", "смочь"}
PLAN_VERBS = {"планироваться", "должный", "предполагаться", "запланировать", "намечать", "намечаться",
              "наметить", "ожидаться", "готовиться"}
#: the head verb of a noun trigger that says it did not take place ("встреча сорвалась", "визит отменили")
UNREALIZED_VERBS = {"сорваться", "отменить", "отменять", "отмениться", "отложить", "откладывать", "перенести",
                    "сорвать", "провалиться"}
#: "не состоялась", "так и не провели": negated realization verbs mean the event did not happen
REALIZE_VERBS = {"состояться", "пройти", "проходить", "удаться", "согласовать"}
#: a clause under these reports what someone said ("сообщил, что ...", "по словам ...")
#: what marks a noun trigger as lying ahead: a future adjective or a planning participle ("запланированной")
AHEAD_MODIFIERS = frozenset(FUTURE_MODIFIERS | PLAN_VERBS)
REPORT_VERBS = {"заявить", "сообщить", "сказать", "сообщать", "заявлять", "говорить", "отметить", "подчеркнуть",
                "написать", "рассказать", "объявить", "передать", "утверждать", "считать", "полагать",
                "подтвердить"}
DENY_VERBS = {"опровергнуть", "опровергать", "отрицать", "отвергнуть", "опровержение"}
CONDITIONAL_MARKERS = {"если", "бы", "в случае"}
#: a clause under these names an act that was refused ("отказалась освободить": the release did not happen),
#: threatened (a threat is conditional: "угрожает начать забастовку") or asked of someone (it may or may not happen:
#: "призвал вывести войска", "потребовал освободить")
REFUSE_VERBS = {"отказаться", "отказываться"}
THREAT_VERBS = {"угрожать", "пригрозить", "грозить", "грозиться"}
APPEAL_VERBS = {"призвать", "призывать", "потребовать", "требовать", "попросить", "просить", "предложить",
                "предлагать", "настаивать", "настоять"}
#: verbs whose object is the act itself, so that what governs them governs the act ("начать забастовку", "провести
#: переговоры"), unlike "комментировать задержание", a verb with an act of its own
DOING_VERBS = {"начать", "начинать", "продолжить", "продолжать", "возобновить", "провести", "проводить", "совершить",
               "устроить", "организовать", "осуществить"}
#: the same for a noun trigger that hangs on a noun: "отказ от переговоров", "угроза забастовки", "призыв к переговорам"
REFUSE_NOUNS = {"отказ"}
THREAT_NOUNS = {"угроза"}
APPEAL_NOUNS = {"призыв", "требование", "просьба", "предложение"}
#: nouns that attribute what a sentence says to a source: "по данным ОВД-Инфо", "по сообщению издательства Clarin",
#: "по словам источника", "по информации МВД" (and "согласно данным / источникам", "со ссылкой на ...": "согласно
#: договору" names no source)
SOURCE_NOUNS = frozenset({"данные", "сообщение", "слово", "информация", "сведение", "сведения", "оценка", "мнение",
                          "версия", "подсчет", "утверждение", "заявление"})
#: words whose date is the date of the report, not of what it reports
REPORT_WORDS = REPORT_VERBS | DENY_VERBS | {"выступить", "выступление", "речь", "заявление", "доклад", "сообщение",
                                            "брифинг", "пресс-конференция", "интервью", "опубликовать"}
AUX_RELATIONS = ("aux", "aux:pass", "cop")
MODALITIES = ("asserted", "negated", "unrealized", "planned", "conditional", "possible", "reported", "denied")


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


def _future_auxiliary(t: Token) -> bool:
    """"будет освобождён", "будут подписаны": the future sits on the auxiliary of a passive or a copula. A finite
    "быть" that is not past is future in Russian (the tagger calls "будет" present)."""
    feats = t.feats or {}
    return feats.get("Tense") == "Fut" or (t.lemma == "быть" and feats.get("VerbForm") == "Fin"
                                           and feats.get("Tense") != "Past")


def modality_for(tokens: list[Token], anchor: int) -> str:
    """asserted, negated, unrealized, planned, conditional, possible, reported or denied, read from the trigger's
    own clause (its predicate, that predicate's auxiliaries and the predicates that embed it), not from the
    whole sentence."""
    t = tokens[anchor]
    pred = _predicate(tokens, anchor)
    nodes = [anchor] if pred == anchor else [anchor, pred]
    nodes += [j for n in list(nodes) for j in _children(tokens, n) if tokens[j].rel in AUX_RELATIONS]
    governors = _governors(tokens, pred)
    gov_lemmas = {tokens[g].lemma for g in governors}
    if gov_lemmas & DENY_VERBS:
        return "denied"
    negated = _negated(tokens, nodes)
    # only a noun trigger's head verb: in "отменили санкции" the cancelling is the event (085) itself
    if (pred != anchor and tokens[pred].lemma in UNREALIZED_VERBS) or (negated and (_tak_i_ne(tokens, nodes)
                                                              or tokens[pred].lemma in REALIZE_VERBS)):
        return "unrealized"
    # "должны были состояться, но встреча так и не была согласована": the contrasting clause undoes a plan (not an
    # event that took place: "встречался с ним, но к соглашению они так и не пришли")
    planned_before = bool(({tokens[j].lemma for j in nodes} | gov_lemmas) & PLAN_VERBS)
    for j in _children(tokens, pred):
        if planned_before and tokens[j].rel == "conj" and any(tokens[c].lemma == "но" for c in _children(tokens, j)) \
                and _negated(tokens, [j]) and _tak_i_ne(tokens, [j]):
            return "unrealized"
    head_noun = tokens[t.parent].lemma if t.pos in ("NOUN", "PROPN") and t.rel == "nmod" and t.parent is not None \
        else None
    # a verb of refusal, threat or appeal governs only a verb trigger it takes directly ("отказалась освободить"); a
    # noun trigger under another verb is that verb's topic ("отказался комментировать задержание": the detention
    # took place)
    doing = pred == anchor or tokens[pred].lemma in DOING_VERBS  # "угрожает начать забастовку": the strike itself
    asked = tokens[governors[0]].lemma if doing and governors and tokens[pred].rel == "xcomp" else None
    gov_lemmas_direct = {asked} if asked else set()
    # "отказался от встречи": what is refused is the noun trigger itself, as far as the refusal took place ("не
    # отказался от встречи" refuses nothing; "может отказаться от встречи" leaves the meeting possible)
    if t.pos in ("NOUN", "PROPN") and t.rel == "obl" and t.parent is not None \
            and tokens[t.parent].lemma in REFUSE_VERBS and "от" in _case_words(tokens, anchor):
        refusal = modality_for(tokens, t.parent)
        if refusal in ("asserted", "reported"):
            return "negated"
        if refusal != "negated":
            return refusal
    if negated or gov_lemmas_direct & REFUSE_VERBS or head_noun in REFUSE_NOUNS:
        return "negated"
    marks = {tokens[j].lemma for n in nodes + governors[:1] for j in _children(tokens, n)}
    if marks & CONDITIONAL_MARKERS or gov_lemmas_direct & THREAT_VERBS or head_noun in THREAT_NOUNS:
        return "conditional"
    aux_lemmas = {tokens[j].lemma for j in nodes} | gov_lemmas
    if aux_lemmas & POSSIBLE_VERBS or "возможно" in marks or gov_lemmas_direct & APPEAL_VERBS \
            or head_noun in APPEAL_NOUNS:
        return "possible"
    feats = t.feats or {}
    pred_feats = tokens[pred].feats or {}
    future_aux = any(_future_auxiliary(tokens[j]) for j in nodes if tokens[j].rel in AUX_RELATIONS)
    ahead = t.pos in ("NOUN", "PROPN") and (
        any(tokens[j].rel in ("amod", "acl") and tokens[j].lemma in AHEAD_MODIFIERS for j in _children(tokens, anchor))
        or (t.parent is not None and tokens[t.parent].lemma in READY_HEADS))
    if aux_lemmas & (PLAN_VERBS | INTENT_VERBS) or feats.get("Tense") == "Fut" or pred_feats.get("Tense") == "Fut" \
            or future_aux or ahead \
            or ("быть" in aux_lemmas and (feats.get("VerbForm") == "Inf" or pred_feats.get("VerbForm") == "Inf")):
        return "planned"
    if gov_lemmas & REPORT_VERBS:
        return "reported"
    return "asserted"


def in_source_phrase(tokens: list[Token], j: int, anchor: int) -> bool:
    """Whether token ``j`` lies in a phrase naming the source of what the sentence says ("по данным ОВД-Инфо, на
    акции задержали 39 человек", "согласно источникам в МВД", "со ссылкой на Reuters"): the nouns on its way up to
    its clause, the trigger excluded."""
    seen = set()
    while j is not None and j not in seen and j != anchor and tokens[j].pos != "VERB":
        seen.add(j)
        cases = _case_words(tokens, j)
        if ("по" in cases and tokens[j].lemma in SOURCE_NOUNS) or \
                ("согласно" in cases and (tokens[j].lemma in SOURCE_NOUNS or tokens[j].lemma == "источник")) or \
                (tokens[j].lemma == "ссылка" and cases & {"с", "со"}):
            return True
        j = tokens[j].parent
    return False
