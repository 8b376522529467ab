"""The CAMEO ontology and the trigger lexicon, read from ``data/cameo/``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ...knowledge import phrase_lines, tsv_rows


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    root: str
    quad_class: int
    goldstein: float
    plover: str | None = None  # PLOVER category, None where PLOVER has none (public statements)


#: the ``code`` of a trigger pattern that names a sense of its words that is no event ("освободить от должности")
NO_EVENT = "-"


@dataclass(frozen=True)
class Trigger:
    lemmas: tuple[str, ...]
    code: str
    target_genitive: bool = False  # a noun whose genitive is whom the act is done to ("арест Михайлова")
    person_object: bool = False  # a verb whose act is done to people: an inanimate object names another act
    object_required: bool = False  # a verb that is the act only with an object ("выделить средства")
    guest_object: bool = False  # a verb that is the act only with one person as object ("принять посла")


@lru_cache(maxsize=1)
def ontology() -> dict[str, Code]:
    return {r[0]: Code(r[0], r[1], r[2], int(r[3]), float(r[4]), (r[5].strip() or None) if len(r) > 5 else None)
            for r in tsv_rows("cameo/ontology.tsv", header=True)}


@lru_cache(maxsize=1)
def triggers() -> tuple[Trigger, ...]:
    out = []
    known = ontology()
    for lemmas, code, *rest in tsv_rows("cameo/triggers.tsv", header=True):
        if code not in known and code != NO_EVENT:
            raise ValueError(f"trigger {lemmas!r} uses code {code} missing from cameo/ontology.tsv")
        genitive = rest[0].strip() if rest else ""
        if genitive not in ("", "target"):
            raise ValueError(f"trigger {lemmas!r}: genitive must be empty or 'target', not {genitive!r}")
        obj = rest[1].strip() if len(rest) > 1 else ""
        if obj not in ("", "person", "required", "guest"):
            raise ValueError(f"trigger {lemmas!r}: object must be empty, 'person', 'required' or 'guest', not {obj!r}")
        out.append(Trigger(tuple(lemmas.split()), code, genitive == "target", obj == "person", obj == "required",
                           obj == "guest"))
    return tuple(sorted(out, key=lambda t: (-len(t.lemmas), t.lemmas)))


@lru_cache(maxsize=1)
def target_genitive_nouns() -> frozenset[str]:
    """Lemmas of the one-word noun triggers whose genitive is the act's target (``genitive`` = ``target`` in
    ``triggers.tsv``): "убийство Ким Чен Нама" puts Kim Jong Nam on the actor2 side."""
    return frozenset(t.lemmas[0] for t in triggers() if t.target_genitive and len(t.lemmas) == 1 and t.code != NO_EVENT)


@lru_cache(maxsize=1)
def one_word_triggers() -> frozenset[str]:
    """Lemmas that are an event's trigger on their own ("осудить", "обсудить", "потребовать")."""
    return frozenset(t.lemmas[0] for t in triggers() if len(t.lemmas) == 1 and t.code != NO_EVENT)


@lru_cache(maxsize=1)
def one_word_trigger_roots() -> dict[str, frozenset[str]]:
    """The CAMEO roots each one-word trigger lemma codes ("выделить" → {"07"})."""
    roots: dict[str, set[str]] = {}
    for t in triggers():
        if len(t.lemmas) == 1 and t.code != NO_EVENT:
            roots.setdefault(t.lemmas[0], set()).add(ontology()[t.code].root)
    return {lemma: frozenset(r) for lemma, r in roots.items()}


def entity_country(entity_id: str) -> str | None:
    """The ISO3 country of a gazetteer entity (a country, a city, a leader), None for others."""
    from ..entities.gazetteer import load

    entry = load().entries.get(entity_id)
    return entry.country if entry else None


@lru_cache(maxsize=1)
def country_adjectives() -> dict[str, str]:
    return {r[0]: r[1] for r in tsv_rows("cameo/country_adjectives.tsv")}


@lru_cache(maxsize=1)
def country_combining_forms() -> dict[str, str]:
    """The first parts of compound adjectives ("российско", "японо", "монголо" of "российско-китайский",
    "японо-корейский", "монголо-китайский") → ISO3, derived from :func:`country_adjectives`' lemmas: the lemma's
    stem in -ско/-цко, and for a lemma in -ский its root in -о; a form two countries would share is left out."""
    forms: dict[str, str] = {}
    shared: set[str] = set()
    for lemma, iso in country_adjectives().items():
        candidates = {lemma[:-2] + "о"}
        if lemma.endswith("ский"):
            candidates.add(lemma[:-4].removesuffix("ь") + "о")
        for form in candidates:
            if forms.setdefault(form, iso) != iso:
                shared.add(form)
    return {form: iso for form, iso in forms.items() if form not in shared}


@lru_cache(maxsize=1)
def currencies() -> tuple[tuple[str, str], ...]:
    pairs = []
    for line in phrase_lines("cameo/currencies.tsv"):
        word, _, iso = line.partition("\t")
        pairs.append((word.strip(), iso.strip()))
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))
