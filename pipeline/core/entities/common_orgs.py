"""Organisations named by common nouns ("правительство", "полиции", "кабинета министров", "коалиционного
правительства"): NER tags names, which start with a capital, so these are never spans of their own, yet annotators
link them to Wikidata items (the government, the police). Which lower-case words name an organisation is learned
from the linked corpus, as for place adjectives (:func:`.spans.place_adjective_spans`): a lower-case word
sequence is an ORG mention when the alias index records its key as linked to an organisation often enough
(:data:`MIN_LINKS`) and in most of the key's links (:data:`MIN_SHARE`). :func:`org_nominative` gives an
organisation's name in the nominative (here and for the nested names of :func:`.spans.nested_spans`)."""

from __future__ import annotations

import re

from .names import OBLIQUE, casefold_ru, restore_case, stem_key
from .ner import Span

_WORD = re.compile(r"\w+(?:-\w+)*")

#: a lower-case sequence qualifies when its key has at least this many direct ORGANIZATION links in the index ...
MIN_LINKS = 3
#: ... and they are at least this share of all the key's direct links
MIN_SHARE = 0.5
#: the longest sequence tried, in words ("кабинета министров", "администрации президента")
MAX_WORDS = 3


def _org_labels(index, key: str) -> list[str]:
    """The labels of the organisations the index links ``key`` to, when the key qualifies (see the module
    docstring), else []."""
    links = index.counts.get(key)
    if not links:
        return []
    org = sum(direct for (fine, _), (direct, _) in links.items() if fine == "ORGANIZATION")
    if org < MIN_LINKS or org < MIN_SHARE * sum(direct for direct, _ in links.values()):
        return []
    return [index.labels.get(qid, ("", ""))[1] for (fine, qid) in links if fine == "ORGANIZATION"]


def _opens_sentence(text: str, i: int) -> bool:
    """Whether the word at ``i`` opens the text, a line or a sentence (its capital is then no name's)."""
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    return j < 0 or text[j] == "\n" or (text[j] in ".!?…" and j < i - 1)


def _same_name(a: str, b: str) -> bool:
    return casefold_ru(a) == casefold_ru(b)


def common_org_spans(text: str, spans: list[Span], index, parse) -> list[Span]:
    """ORG spans for lower-case organisation nouns outside every span in ``spans``: the longest qualifying
    sequence of up to :data:`MAX_WORDS` adjacent lower-case words (one space apart), left to right. The normal
    form is the nominative, agreeing with its head noun ("коалиционного правительства" → "коалиционное
    правительство"). ``index``: the alias index; ``parse(word)``: pymorphy's parses."""
    if not index.counts:
        return []
    covered = bytearray(len(text) + 1)
    for s in spans:
        covered[s.start:s.end] = b"\x01" * (s.end - s.start)
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)
             if (text[m.start()].islower() or _opens_sentence(text, m.start()))
             and not any(covered[m.start():m.end()])]
    out: list[Span] = []
    i = 0
    while i < len(words):
        found = None
        for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
            run = words[i:i + n]
            if any(text[a[1]:b[0]] != " " for a, b in zip(run, run[1:])):
                continue
            start, end = run[0][0], run[-1][1]
            whole = text[start:end]
            if any(text[a].isupper() for a, _ in run[1:]):
                continue
            if whole[:1].isupper():  # "Полиция задержала ...": the capital is the sentence's
                whole = whole[:1].lower() + whole[1:]
            labels = [lab for lab in _org_labels(index, stem_key(whole)) if lab[:1].islower()]
            if not labels:
                continue
            # the key alone conflates words ("мэра" and "мэрии", "ранее" and "Рана"): the mention's nominative
            # must be that of an organisation's lower-case label
            normal = org_nominative(whole, (len(whole), len(whole)), parse)
            if any(_same_name(normal, org_nominative(lab, (len(lab), len(lab)), parse)) for lab in labels):
                found = (n, start, end, normal)
                break
        if found is None:
            i += 1
            continue
        n, start, end, normal = found
        out.append(Span(start, end, "ORG", text[start:end], normal, (), ()))
        i += n
    return out


def org_nominative(name: str, place: tuple[int, int], parse) -> str:
    """An organization's name in the nominative: the words up to its head noun (which is not the place, at
    ``place`` offsets within ``name``) agree with it ("правительства Великобритании" → "правительство
    Великобритании", "британском правительстве" → "британское правительство"); what follows stays."""
    words = list(_WORD.finditer(name))
    out: dict[int, str] = {}
    head = None
    for i, m in enumerate(words):
        if m.group().isupper():
            return name
        known = [p for p in parse(m.group()) if getattr(p, "is_known", True)]
        nouns = [p for p in known if "NOUN" in p.tag.grammemes]
        if nouns:
            if place[0] <= m.start() < place[1]:
                return name  # the place itself would be the head: "МИД России" stays
            oblique = [p for p in nouns if p.tag.case in OBLIQUE]
            head = next((p for p in oblique if p.tag.number == "sing"), oblique[0] if oblique else None)
            if head is None:
                return name
            out[i] = _inflected(head, {"nomn"} | ({"plur"} if head.tag.number == "plur" else set()))
            break
    if head is None or out[max(out)] is None:
        return name
    k = max(out)
    grams = {"nomn", "plur"} if head.tag.number == "plur" else {"nomn", head.tag.gender} - {None}
    for i in range(k):
        adj = [p for p in parse(words[i].group()) if {"ADJF", "PRTF"} & set(p.tag.grammemes)
               and p.tag.case == head.tag.case]
        if not adj:
            return name
        out[i] = _inflected(adj[0], grams)
    if any(v is None for v in out.values()):
        return name
    pieces, last = [], 0
    for i, m in enumerate(words):
        pieces.append(name[last:m.start()])
        pieces.append(restore_case(m.group(), out[i]) if i in out else m.group())
        last = m.end()
    return "".join(pieces) + name[last:]


def _inflected(parse, grams: set[str]) -> str | None:
    try:
        form = parse.inflect(grams)
    except (ValueError, KeyError):
        return None
    return form.word if form is not None else None
