"""Relative adjectives that name a place or a person ("российских", "японской", "Каннского", "Нобелевской"):
NER tags names, not adjectives, yet annotators link them to the item ("российские власти" → Russia, "Нобелевской
премии" → Alfred Nobel). Which adjectives name what is learned from the linked corpus, not from a list: a word
qualifies when pymorphy knows it as an adjective in -ский/-цкий and the alias index records its key as linked to
items of the kind often enough (:data:`MIN_LINKS`) and in most of the key's links (:data:`MIN_SHARE`).

The first parts of a compound adjective ("российско" in "российско-американских") are the combining forms of
such adjectives and are mentions of their own, as is the compound's last part."""

from __future__ import annotations

import re

from .names import stem_key
from .ner import Span

_WORD_RE = re.compile(r"\w+(?:-\w+)*")

#: fine types of the alias index that count as places, and the mention type their adjectives get
PLACE_FINE_TYPES = ("COUNTRY", "CITY", "STATE_OR_PROVINCE", "LOCATION")
#: adjectives of persons ("Нобелевской", "Ленинской"): capitalized only, as a name's adjective is written
PERSON_FINE_TYPES = ("PERSON",)
KINDS = ((PLACE_FINE_TYPES, "LOC"), (PERSON_FINE_TYPES, "PER"))
#: a word is such an adjective when annotators linked its key to items of the kind at least this often, and in at
#: least this share of all the key's links
MIN_LINKS = 2
MIN_SHARE = 0.5
ADJECTIVE_ENDINGS = ("ский", "цкий")


def place_adjective_spans(text: str, spans: list[Span], index, parse) -> list[Span]:
    """Place and person adjectives outside every span in ``spans``, as LOC and PER spans (see the module
    docstring); the parts of a compound adjective each on their own. ``index``: the alias index
    (:class:`~.kb.AliasIndex`); ``parse(word)``: pymorphy's parses. The normal form is the adjective's lemma."""
    covered = bytearray(len(text) + 1)
    for s in spans:
        covered[s.start:s.end] = b"\x01" * (s.end - s.start)
    out = []
    for m in _WORD_RE.finditer(text):
        if any(covered[m.start():m.end()]):
            continue
        word, offset = m.group(), m.start()
        parts = [(offset, word)]
        if "-" in word and name_adjective(word, index, parse) is None:  # "нью-йоркской" is one adjective
            parts = [(p.start() + offset, p.group()) for p in re.finditer(r"[^\W\d_]+", word)]
            if len(parts) != word.count("-") + 1:
                continue  # "Сочи-2014": not a compound adjective
        for k, (start, part) in enumerate(parts):
            last = k == len(parts) - 1
            found = name_adjective(part, index, parse) if last else combining_form(part, index, parse)
            if found is not None:
                mention_type, normal = found
                out.append(Span(start, start + len(part), mention_type, part, normal, ("",),
                                ((start, start + len(part)),)))
    return out


def _kind(word: str, index) -> str | None:
    """The mention type of the items ``word``'s key is linked to often enough, and in most of its links."""
    links = index.counts.get(stem_key(word))
    if not links:
        return None
    total = sum(d for d, _ in links.values())
    for fine_types, mention_type in KINDS:
        linked = sum(direct for (fine, _), (direct, _) in links.items() if fine in fine_types)
        if linked >= MIN_LINKS and linked >= MIN_SHARE * total and (mention_type == "LOC" or word[:1].isupper()):
            return mention_type
    return None


def name_adjective(word: str, index, parse) -> tuple[str, str] | None:
    """(mention type, lemma capitalized as written) when ``word`` is a place or person adjective, else None."""
    if len(word) < 5:
        return None
    mention_type = _kind(word, index)
    if mention_type is None:
        return None
    known = [p for p in parse(word) if getattr(p, "is_known", False) and "ADJF" in p.tag.grammemes]
    if known and known[0].normal_form.endswith(ADJECTIVE_ENDINGS):
        lemma = known[0].normal_form
        return mention_type, (lemma[:1].upper() + lemma[1:] if word[:1].isupper() else lemma)
    return None


def place_adjective(word: str, index, parse) -> str | None:
    """The lemma of ``word`` when it is a place adjective, else None."""
    found = name_adjective(word, index, parse)
    return found[1] if found is not None and found[0] == "LOC" else None


def combining_form(part: str, index, parse) -> tuple[str, str] | None:
    """"российско" (of "российско-американских"): the combining form in -о of an adjective that qualifies
    (:func:`name_adjective` of "российский"), with that adjective's lemma."""
    if len(part) < 5 or not part.lower().endswith(("ско", "цко")):
        return None
    adjective = part[:-1] + "ий"
    if stem_key(adjective) != stem_key(part):
        return None
    return name_adjective(adjective, index, parse)
