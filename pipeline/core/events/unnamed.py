"""Actors a text names by a common noun, not a name: "Полиция задержала российского программиста", "Турецкие
силовики задержали 11 военнослужащих", "Итальянский суд приговорил украинского солдата". GDELT codes such sides
as agents (police, military, judiciary, civilians); the events table gives the noun's lemma in
``actor1_unnamed`` / ``actor2_unnamed`` where that side has no named actor.

Structure, not a list of people: a side's unnamed actor is the head of a phrase the parse rules put on that side
(:func:`.roles.actors_for`'s heads: a subject, an object, a "с кем", an instrumental agent, the genitive of an
act done to someone) that holds no name, when the head is a noun of people (its morphology says Animacy=Anim)
or an institution (``data/cameo/agent_nouns.tsv``, CAMEO's agent types).
"""

from __future__ import annotations

from functools import lru_cache

from ...knowledge import tsv_rows
from .roles import GROUP_SUBJECTS, PRONOUN_SUBJECTS
from .syntax import Token, _children

AGENT_NOUNS_FILE = "cameo/agent_nouns.tsv"
#: heads that stand for someone named elsewhere ("стороны", "который"): the rules resolve those, not this module
_NOT_UNNAMED = frozenset(GROUP_SUBJECTS | PRONOUN_SUBJECTS | {"который", "кто", "что", "себя"})
_MODIFIERS = frozenset({"amod", "nummod", "det"})


@lru_cache(maxsize=1)
def agent_nouns() -> frozenset[str]:
    """Lemmas of the institution nouns that act (CAMEO agent types), from :data:`AGENT_NOUNS_FILE`."""
    return frozenset(r[0] for r in tsv_rows(AGENT_NOUNS_FILE, header=True))


def is_unnamed_actor(token: Token) -> bool:
    """A noun of people or an institution that can do or undergo an act (a capitalised first word, "Стрелок ранил
    ...", is often tagged a proper noun: no name covers it, which the caller checks)."""
    if not (token.pos == "NOUN" or (token.pos == "PROPN" and token.index == 0)) or token.lemma in _NOT_UNNAMED:
        return False
    return (token.feats or {}).get("Animacy") == "Anim" or token.lemma in agent_nouns()


def unnamed_actor(tokens: list[Token], heads: list[int], in_names: dict[int, int] | frozenset[int],
                  covered=()) -> int | None:
    """The first of a side's phrase heads that is an unnamed actor: no name covers it, no trigger word is it."""
    for h in heads:
        if h in in_names or h in covered:
            continue
        if is_unnamed_actor(tokens[h]):
            return h
    return None


def noun_lemma(token: Token) -> str:
    """The noun's lemma (ё as е). A participle used as a noun ("бастующие", "заключенных") has its verb's infinitive
    from the lemmatizer; it is given in the nominative of its own number instead ("заключенные")."""
    from ..entities.ner import models

    vocab = models().vocab
    lemma = (token.lemma or token.text).lower()
    parses = vocab.parse(lemma)
    if any(p.tag.POS == "NOUN" for p in parses) or not any(p.tag.POS == "INFN" for p in parses):
        return lemma.replace("ё", "е")
    number = "Plur" if (token.feats or {}).get("Number") == "Plur" else "Sing"
    form = next((p for p in vocab.parse(token.text.lower()) if p.tag.POS in ("PRTF", "ADJF")), None)
    inflected = form.inflect({"Nom", number}) if form is not None else None
    return (inflected.word if inflected is not None else token.text.lower()).replace("ё", "е")


def phrase_span(tokens: list[Token], head: int) -> tuple[int, int]:
    """Body offsets of the head noun with the modifiers just before it ("бывшего морского пехотинца")."""
    first = head
    before = sorted((k for k in _children(tokens, head) if k < head and tokens[k].rel in _MODIFIERS), reverse=True)
    for k in before:
        if k == first - 1:
            first = k
    return tokens[first].start, tokens[head].end
