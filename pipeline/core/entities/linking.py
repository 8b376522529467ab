"""Mentions → canonical entities: post-processed NER spans, gazetteer linking, variant matching, coreference.

Order of linking for one mention:

1. **Coreference within the article**: a surname ("Кисида"), an initial and a surname ("У. Хурэлсух")
   or a common Korean surname ("Ким") takes the entity of a full name in the same article that contains it.
2. **Gazetteer, exact**: the mention's :func:`~.names.stem_key` (surface form, then normal form) is an alias key.
3. **Gazetteer, fuzzy**: rapidfuzz ratio ≥ :data:`FUZZY_MIN` against alias keys with the same number of
   words and the same first letters (so "Ким Чен Ир" never becomes "Ким Чен Ын").
4. **Alias index** (:mod:`.kb`): a name outside the gazetteer whose key the Wikidata alias index knows (or a
   variant of it: a shorter form of a long name, its spelling in the other script) takes the best candidate
   (type, the document's other entities, popularity prior) when its confidence is at least
   :data:`~.kb.MIN_CONFIDENCE`; its entity id is ``wikidata:QID``.
5. **Unlinked**: an id derived from type and key, identical across articles and releases. A lone common
   surname is never linked across articles: its id includes the article id.

Every mention also carries ``wikidata_id`` and ``link_confidence``: the gazetteer entry's QID (recorded, or
filled from the alias index, see :func:`~.kb.gazetteer_qids`), the alias index's choice, or the antecedent's
for a coreferent short form; null and 0 when nothing vouches for one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from . import kb as kb_module
from .gazetteer import Entry, Gazetteer, load
from .invisible import for_ner
from .names import fold, nominative_east_asian, nominative_phrase, parse_word, restore_case, stem_key, tokens
from .ner import Span, is_known_word
from .spans import tag_spans

FUZZY_MIN = 92.0
ALLOWED = {"PER": {"PER"}, "LOC": {"LOC", "ORG"}, "ORG": {"ORG", "LOC"}}


@dataclass(frozen=True)
class Mention:
    article_id: str
    start: int
    end: int
    type: str
    text: str
    normal: str
    entity_id: str
    link: str  # coreference | gazetteer | fuzzy | index | unlinked
    wikidata_id: str | None = None
    link_confidence: float = 0.0

    @property
    def mention_id(self) -> str:
        return hashlib.sha256(f"{self.article_id}|{self.start}|{self.end}".encode()).hexdigest()[:16]

    def as_row(self) -> dict:
        return {"mention_id": self.mention_id, "article_id": self.article_id, "entity_id": self.entity_id,
                "type": self.type, "start": self.start, "end": self.end, "text": self.text,
                "normal": self.normal, "link": self.link, "wikidata_id": self.wikidata_id,
                "link_confidence": self.link_confidence}


# ---------------------------------------------------------------- normal forms
_parse = parse_word


def normal_form(span: Span) -> str:
    """natasha's normal form, letter case as in the text; where natasha left the name as written (dictionary
    matches, cut spans, names its normalizer skips), pymorphy's nominative (:func:`~.names.nominative_phrase`);
    East Asian names outside pymorphy's dictionary by :func:`~.names.nominative_east_asian`."""
    normal = span.normal
    if fold(normal) == fold(span.text) and normal != span.text and len(tokens(normal)) == len(tokens(span.text)):
        normal = span.text  # natasha only changed letter case
    if normal == span.text:
        fixed = nominative_phrase(span.text, span.type, span.cases, _parse)
        if fixed is not None:
            normal = fixed
    else:
        surface_words, normal_words = tokens(span.text), tokens(normal)
        if len(surface_words) == len(normal_words) and " ".join(normal_words) == normal:
            normal = " ".join(restore_case(a, b) for a, b in zip(surface_words, normal_words))
    if span.type == "PER":
        return nominative_east_asian(span.text, normal, span.cases, is_known_word)
    return normal


# ---------------------------------------------------------------- linking
@lru_cache(maxsize=1)
def _fuzzy_index() -> dict[tuple[str, int], list[tuple[str, str]]]:
    """(type, word count) → [(alias key, entity id)] for rapidfuzz, excluding cities (too many short names)."""
    g = load()
    index: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
    for key, ids in sorted(g.index.items()):
        entry = g.entries[ids[0]]
        if entry.kind == "city":
            continue
        index[(entry.type, len(key.split()))].append((key, entry.entity_id))
    return index


def fuzzy_lookup(key: str, mention_type: str, gazetteer: Gazetteer) -> Entry | None:
    from rapidfuzz import fuzz

    words = key.split()
    best: tuple[float, str] | None = None
    for etype in sorted(ALLOWED[mention_type]):
        for alias_key, entity_id in _fuzzy_index().get((etype, len(words)), ()):
            alias_words = alias_key.split()
            if entity_id not in gazetteer.entries:  # the fuzzy index is the shipped gazetteer's
                continue
            if any(a[:1] != b[:1] for a, b in zip(words, alias_words)):
                continue
            if any(len(a) <= 3 and a != b for a, b in zip(words, alias_words)):
                continue  # short syllables (Ким, Ын, Ир) must match exactly
            score = fuzz.ratio(key, alias_key)
            if score >= FUZZY_MIN and (best is None or (score, entity_id) > best):
                best = (score, entity_id)
    return gazetteer.entries[best[1]] if best else None


def unlinked_id(mention_type: str, key: str, article_id: str | None = None) -> str:
    basis = f"{mention_type}|{key}" + (f"|{article_id}" if article_id else "")
    return f"{mention_type.lower()}:{hashlib.sha256(basis.encode()).hexdigest()[:12]}"


def _initials(text: str) -> list[str]:
    """Single letters written as initials ("У." in "У. Хурэлсух"); "И" in "Ван И" is a name, not an initial."""
    return re.findall(r"(?<!\w)([A-ZА-ЯЁ])\.", text)


def _names(text: str) -> list[str]:
    initials = set(_initials(text))
    return [w for w in tokens(text) if not (len(w) == 1 and w in initials)]


def _is_short_reference(text: str) -> bool:
    """A surname alone, or initials plus one name ("У. Хурэлсух")."""
    return len(_names(text)) == 1


def _antecedent(i: int, spans: list[Span], keys: list[str]) -> int | None:
    """Index of a multi-word PER span in the article that contains this short reference."""
    name = _names(spans[i].text)[0]
    initials = _initials(spans[i].text)
    name_key = stem_key(name)
    order = sorted(range(len(spans)), key=lambda j: (j > i, abs(i - j)))  # preceding first, nearest first
    for j in order:
        if j == i or spans[j].type != "PER":
            continue
        other = tokens(spans[j].text)
        if _is_short_reference(spans[j].text):
            continue
        other_keys = keys[j].split()
        if name_key not in other_keys:
            continue
        rest = [w for w, k in zip(other, other_keys) if k != name_key]
        if initials and not all(any(r[:1].upper() == ini.upper() for r in rest) for ini in initials):
            continue
        return j
    return None


def link_article(article_id: str, body: str, spans: list[Span] | None = None,
                 gazetteer: Gazetteer | None = None, kb: "kb_module.KnowledgeBase | None" = None) -> list[Mention]:
    """All mentions of one article body, each linked to an entity id and, where something vouches for one, a QID.

    Names are read in the body normalized by :func:`.invisible.for_ner` (zero-width and bidi characters gone);
    the mentions' offsets and text are the body's own."""
    normal_body = for_ner(body) if spans is None else None
    if normal_body is not None:
        found = link_article(article_id, normal_body.text, None, gazetteer, kb)
        out = []
        for m in found:
            start, end = normal_body.original_span(m.start, m.end)
            out.append(dataclasses.replace(m, start=start, end=end, text=body[start:end]))
        return out
    if kb is None:
        kb = kb_module.load() if gazetteer is None else kb_module.build_kb(gazetteer)
    g = kb.gazetteer
    spans = tag_spans(body) if spans is None else spans
    spans = sorted({(s.start, s.end): s for s in spans}.values(), key=lambda s: (s.start, s.end))
    keys = [stem_key(s.text) for s in spans]
    normals = [normal_form(s) for s in spans]
    resolved: dict[int, tuple[str, str, str]] = {}  # index -> (entity id, link, normal)

    def resolve(i: int) -> tuple[str, str, str]:
        if i in resolved:
            return resolved[i]
        s, key = spans[i], keys[i]
        result = None
        if s.type == "PER" and _is_short_reference(s.text):
            j = _antecedent(i, spans, keys)
            if j is not None:
                resolved[i] = ("", "pending", normals[i])  # guard against cycles
                eid, _, _ = resolve(j)
                result = (eid, "coreference", normals[i])
            elif stem_key(_names(s.text)[0]) in g.common_surnames:
                result = (unlinked_id(s.type, key, article_id), "unlinked", normals[i])
        if result is None:
            entry = g.lookup(key, ALLOWED[s.type], s.text) or g.lookup(stem_key(normals[i]), ALLOWED[s.type],
                                                                    normals[i])
            link = "gazetteer"
            if entry is None and len(key) >= 6:
                entry = fuzzy_lookup(key, s.type, g)
                link = "fuzzy"
            if entry is not None:
                result = (entry.entity_id, link, normals[i])
            else:
                result = (unlinked_id(s.type, key), "unlinked", normals[i])
        resolved[i] = result
        return result

    base = [resolve(i) for i in range(len(spans))]

    cand_cache: dict[int, list] = {}

    def candidates(i: int) -> list:
        if i not in cand_cache:
            cand_cache[i] = _candidates(i)
        return cand_cache[i]

    def _candidates(i: int) -> list:
        if not kb.index.counts:
            return []
        cands = kb.index.candidates(keys[i], spans[i].type)
        normal_key = stem_key(normals[i])
        if not cands and normal_key != keys[i]:
            cands = kb.index.candidates(normal_key, spans[i].type)
        for key in ([] if cands else kb_module.variant_keys(normals[i], spans[i].type)):
            cands = [kb_module.Candidate(c.qid, c.fine_type, c.count * kb_module.VARIANT_WEIGHT)
                     for c in kb.index.candidates(key, spans[i].type)]
            if cands:
                break
        if not cands and spans[i].type == "PER":
            cands = kb_module.person_surname_candidates(kb.index, normals[i])
        if not cands and spans[i].type != "PER":  # "Microsoft" where the index knows "Майкрософт"
            cands = kb_module.transliteration_candidates(kb.index, spans[i].text, spans[i].type)
        return cands

    def is_common_surname(i: int) -> bool:
        s = spans[i]
        return s.type == "PER" and _is_short_reference(s.text) and stem_key(_names(s.text)[0]) in g.common_surnames

    # the document's unambiguous items (gazetteer entries with a QID, index keys with a single candidate) are the
    # context that disambiguates the rest; a mention's own contribution never counts for itself
    own: dict[int, str] = {}
    for i, (eid, link, _) in enumerate(base):
        if eid in kb.entry_qids:
            own[i] = kb.entry_qids[eid][0]
        elif link == "unlinked" and not is_common_surname(i):
            cands = candidates(i)
            if len({c.qid for c in cands}) == 1:
                own[i] = cands[0].qid
    context = Counter(own.values())

    def context_for(i: int) -> set[str]:
        """The document's other items, and the candidates of mention ``i`` whose label names one of them as a
        place ("МИД" in an article that names Russia: "МИД России")."""
        near = {q for q, n in context.items() if n - (own.get(i) == q) > 0}
        return near | {c.qid for c in candidates(i) if kb_module.label_places(kb, c.qid) & near}

    links: dict[int, tuple[str, str, str | None, float]] = {}  # index -> (entity id, link, qid, confidence)

    def final(i: int) -> tuple[str, str, str | None, float]:
        if i in links:
            return links[i]
        eid, link, _ = base[i]
        out: tuple[str, str, str | None, float] = (eid, link, None, 0.0)
        if link == "coreference":
            j = _antecedent(i, spans, keys)
            if j is not None and j != i:
                links[i] = out  # cycle guard
                antecedent_id, _, qid, conf = final(j)
                out = (antecedent_id, link, qid, conf)
        elif eid in kb.entry_qids:
            qid, conf, _ = kb.entry_qids[eid]
            out = (eid, link, qid, conf)
        elif link in ("unlinked", "gazetteer", "fuzzy") and not is_common_surname(i):
            pick = kb_module.choose(candidates(i), context_for(i))
            if pick is not None and pick[1] >= kb_module.MIN_CONFIDENCE:
                out = (kb.qid_entity.get(pick[0], f"wikidata:{pick[0]}") if link == "unlinked" else eid,
                       "index" if link == "unlinked" else link, pick[0], pick[1])
        links[i] = out
        return out

    for i in range(len(spans)):
        final(i)
    # a full name nothing links whose surname's own key does ("Уго Чавеса" ... "Чавес"): the surname's best item,
    # when its label is that full name (same first name, same surname), links the whole chain
    chains: dict[int, list[int]] = defaultdict(list)
    for i in range(len(spans)):
        j = _antecedent(i, spans, keys) if base[i][1] == "coreference" and not links[i][2] else None
        if j is not None and j != i and not links[j][2] and base[j][1] in ("unlinked", "gazetteer", "fuzzy"):
            chains[j].append(i)
    for j, refs in sorted(chains.items()):
        pick = kb_module.choose(candidates(refs[0]), context_for(refs[0]))
        label = tokens(kb.index.labels.get(pick[0], ("", ""))[1]) if pick else []
        if pick is None or pick[1] < kb_module.MIN_CONFIDENCE or len(label) < 2 \
                or stem_key(label[-1]) != keys[refs[0]].split()[-1] or stem_key(label[0]) not in keys[j].split():
            continue
        eid = kb.qid_entity.get(pick[0], f"wikidata:{pick[0]}") if base[j][1] == "unlinked" else base[j][0]
        for k in (j, *refs):
            links[k] = (eid, "index" if k == j and base[j][1] == "unlinked" else links[k][1], pick[0], pick[1])
    for j, i in _parenthesized_pairs(body, spans):  # "Алексис Оганян (Alexis Ohanian)", "... комитета (МОК)"
        if bool(links[i][2]) != bool(links[j][2]):
            src, dst = (i, j) if links[i][2] else (j, i)
            links[dst] = (links[src][0], "coreference", links[src][2], links[src][3])

    mentions = []
    for i, s in enumerate(spans):
        entity_id, link, qid, conf = final(i)
        mentions.append(Mention(article_id, s.start, s.end, s.type, s.text, base[i][2], entity_id, link, qid, conf))
    return mentions


_OPEN_PAREN = re.compile(r"\s*\(\s*")


_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC_LETTER = re.compile(r"[А-Яа-яЁё]")


def _same_name(a: str, b: str) -> bool:
    """b is a's acronym ("Международного олимпийского комитета", "МОК") or its spelling in the other script
    ("Алексис Оганян", "Alexis Ohanian"); not a place and its country ("Дублине (Ирландия)") nor an airport code."""
    if kb_module.acronym(a) == b:
        return True
    return bool(_CYRILLIC_LETTER.search(a)) and not _LATIN.search(a) and bool(_LATIN.search(b)) \
        and not _CYRILLIC_LETTER.search(b) and not b.isupper()  # "Милана (MXP)": a code, not a spelling


def _parenthesized_pairs(body: str, spans: list[Span]) -> list[tuple[int, int]]:
    """(j, i): span i is the whole of a parenthesis right after span j of a compatible type, and is the same
    name in another form (:func:`_same_name`), so the two are one entity."""
    starts = {s.start: i for i, s in enumerate(spans)}
    out = []
    for j, s in enumerate(spans):
        m = _OPEN_PAREN.match(body, s.end)
        if not m or m.end() == s.end or m.end() not in starts:
            continue
        i = starts[m.end()]
        close = body[spans[i].end:spans[i].end + 2].strip()[:1]
        if close in (")", ",", ";") and spans[i].type in ALLOWED[s.type] and _same_name(s.text, spans[i].text):
            out.append((j, i))
    return out


# ---------------------------------------------------------------- the entities table
def build_entities(mentions: list[Mention], gazetteer: Gazetteer | None = None,
                   kb: "kb_module.KnowledgeBase | None" = None) -> list[dict]:
    """One row per entity that has mentions: canonical data from the gazetteer, else from the mentions. The QID is
    the gazetteer entry's, else the one most of the entity's mentions carry; its confidence the mean of theirs."""
    if kb is None:
        kb = kb_module.load() if gazetteer is None else kb_module.build_kb(gazetteer)
    g = kb.gazetteer
    by_entity: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_entity[m.entity_id].append(m)
    rows = []
    for entity_id, ms in sorted(by_entity.items()):
        normals = Counter(m.normal for m in ms)
        observed = sorted(normals)
        entry = g.entries.get(entity_id)
        if entry is not None:
            name, etype = entry.name, entry.type
            aliases = sorted({*entry.aliases, *observed} - {name})
            country = entry.country
        else:
            name = sorted(normals.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            etype = Counter(m.type for m in ms).most_common(1)[0][0]
            aliases = sorted(set(observed) - {name})
            country = None
        qids = Counter(m.wikidata_id for m in ms if m.wikidata_id)
        if entity_id in kb.entry_qids:
            qid = kb.entry_qids[entity_id][0]
        else:
            qid = sorted(qids.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if qids else None
        confs = [m.link_confidence for m in ms if qid and m.wikidata_id == qid]
        confidence = round(sum(confs) / len(confs), 3) if confs else (kb.entry_qids[entity_id][1] if qid else 0.0)
        rows.append({
            "entity_id": entity_id,
            "type": etype,
            "name": name,
            "name_en": entry.name_en if entry else None,
            "wikidata_id": qid,
            "link_confidence": confidence,
            "country": country,
            "aliases": aliases,
            "mention_count": len(ms),
            "article_count": len({m.article_id for m in ms}),
            "linked": entry is not None or qid is not None,
        })
    return rows
