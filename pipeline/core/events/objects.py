"""What a trigger verb is done to: its objects and passive subjects, and whether they are things, people in number
or one named person. Senses of a verb hang on it (``triggers.tsv``'s ``object`` column): "выслать документы" sends
them where "выслать дипломата" expels him; "принял закон" adopts it where "принял посла" hosts him."""

from __future__ import annotations

from .syntax import Token


def inanimate_object(tokens: list[Token], anchor: int) -> bool:
    """Whether the verb at ``anchor`` acts on things: its objects and passive subjects are all inanimate ("выслать
    документы", "освободили Харьков", "похищена картина"). A verb of an act done to people names another act then."""
    objects = undergoers(tokens, anchor)
    return bool(objects) and all(_thing(tokens, j) for j in objects)


def one_person_object(tokens: list[Token], anchor: int) -> bool:
    """Whether the verb receives a named person as a guest: an object or passive subject is one person with a name
    ("принял посла Японии Такаси Симидзу", "был принят президентом Путиным"), none is a thing ("принял закон",
    "принял участие"; "приняли законы" with a misparsed second subject), none is people in number ("приняла
    беженцев"), a person without a name is no guest ("врач принял пациента"), and nothing says into what or as what
    ("принят в Союз писателей", "принять на работу", "приняла Петрова за грабителя": в/на/за with the
    accusative; в with the locative says where)."""
    feats = lambda k: tokens[k].feats or {}  # noqa: E731
    objects = undergoers(tokens, anchor)
    admitted_into = any(tokens[k].rel == "obl" and feats(k).get("Case") == "Acc"
                        and any(tokens[c].rel == "case" and tokens[c].lemma in ("в", "на", "за") for c in tokens[k].kids)
                        for k in tokens[anchor].kids)

    def named(j: int) -> bool:
        return tokens[j].pos == "PROPN" or any(tokens[c].pos == "PROPN" and tokens[c].rel in ("appos", "flat:name")
                                               for c in tokens[j].kids)

    return not admitted_into and not any(_thing(tokens, j) for j in objects) and \
        any(tokens[j].pos in ("NOUN", "PROPN") and feats(j).get("Animacy") == "Anim"
            and feats(j).get("Number") != "Plur" and named(j) for j in objects)


def undergoers(tokens: list[Token], anchor: int) -> list[int]:
    """The verb's objects and passive subjects."""
    return [j for j in tokens[anchor].kids if tokens[j].rel in ("obj", "nsubj:pass")]


def _thing(tokens: list[Token], j: int) -> bool:
    """An inanimate noun that heads no group of people: "группа военных", "сотни рабов" are people (a plural
    animate genitive), "полотно Сальвадора Дали" is a thing (its author is one person)."""
    feats = lambda k: tokens[k].feats or {}  # noqa: E731
    return tokens[j].pos in ("NOUN", "PROPN") and feats(j).get("Animacy") == "Inan" and \
        not any(tokens[k].rel == "nmod" and feats(k).get("Animacy") == "Anim" and feats(k).get("Number") == "Plur"
                for k in tokens[j].kids)
