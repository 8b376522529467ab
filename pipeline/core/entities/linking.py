"""Mentions → canonical entities: post-processed NER spans, gazetteer linking, variant matching, coreference.

Order of linking for one mention:

1. **Coreference within the article**: a surname ("Кисида"), an initial and a surname ("У. Хурэлсух")
   or a common Korean surname ("Ким") takes the entity of a full name in the same article that contains it.
2. **Gazetteer, exact**: the mention's :func:`~.names.stem_key` (surface form, then normal form) is an alias key.
3. **Gazetteer, fuzzy**: rapidfuzz ratio ≥ :data:`FUZZY_MIN` against alias keys with the same number of
   words and the same first letters (so "Ким Чен Ир" never becomes "Ким Чен Ын").
4. **Alias index** (:mod:`.kb`): a name outside the gazetteer whose key the Wikidata alias index knows takes
   the best candidate (type, the document's other entities, popularity prior) when its confidence is at least
   :data:`~.kb.MIN_CONFIDENCE`; its entity id is ``wikidata:QID``.
5. **Unlinked**: an id derived from type and key, identical across articles and releases. A lone common
   surname is never linked across articles: its id includes the article id.

Every mention also carries ``wikidata_id`` and ``link_confidence``: the gazetteer entry's QID (recorded, or
filled from the alias index, see :func:`~.kb.gazetteer_qids`), the alias index's choice, or the antecedent's
for a coreferent short form; null and 0 when nothing vouches for one.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ...knowledge import phrase_lines
from . import kb as kb_module
from .gazetteer import Entry, Gazetteer, load
from .names import fold, nominative_east_asian, nominative_phrase, restore_case, stem_key, tokens
from .ner import Span, is_known_word, recognize

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


# ---------------------------------------------------------------- NER post-processing
@lru_cache(maxsize=1)
def _stoplist() -> dict[str, set[str]]:
    """``phrases/ner_stoplist.txt``: TYPE<TAB>word — spans natasha tags that are not names."""
    out: dict[str, set[str]] = defaultdict(set)
    for line in phrase_lines("phrases/ner_stoplist.txt"):
        t, _, word = line.partition("\t")
        out[t.strip()].add(fold(word.strip()))
    return out


LEGAL_FORMS = {"оао", "зао", "пао", "ооо", "ао", "нко", "фгуп", "гуп", "муп", "ано"}


def _sub_span(span: Span, text: str, start: int, end: int) -> Span | None:
    """The part of ``span`` within [start, end), edge punctuation stripped; natasha's normal is kept when nothing
    was cut, else the surface text stands in for it."""
    while end > start and not text[end - 1].isalnum():
        end -= 1
    while start < end and not text[start].isalnum():
        start += 1
    if end <= start:
        return None
    if (start, end) == (span.start, span.end):
        return span
    toks = tuple((max(a, start), min(b, end)) for a, b in span.tokens if a < end and b > start)
    cases = tuple(c for (a, b), c in zip(span.tokens, span.cases) if a < end and b > start)
    return Span(start, end, span.type, text[start:end], text[start:end], cases, toks)


def _trim(span: Span, text: str) -> Span | None:
    """Cut a span at a line break (NER runs across paragraph ends) and strip edge punctuation."""
    cut = text.find("\n", span.start, span.end)
    return _sub_span(span, text, span.start, cut if cut != -1 else span.end)


def split_quoted_org(span: Span, text: str) -> list[Span]:
    """'ОАО «Газпром' → 'Газпром'; 'Русской службе «Голоса Америки' → two organisations."""
    if span.type != "ORG":
        return [span]
    q = text.find("«", span.start, span.end)
    if q == -1:
        q = text.find('"', span.start, span.end)
    if q == -1 or q == span.start:
        return [span]
    head = _sub_span(span, text, span.start, q)
    inner = _sub_span(span, text, q + 1, span.end)
    if inner is None:
        return [span]
    if head is None or fold(head.text) in LEGAL_FORMS:
        return [inner]
    return [head, inner]


def postprocess(spans: list[Span], text: str, gazetteer: Gazetteer) -> list[Span]:
    """Gazetteer- and rule-grounded fixes to natasha's spans."""
    stop = _stoplist()
    out: list[Span] = []
    pieces: list[Span] = []
    for span in spans:
        span = _trim(span, text)
        if span is not None:
            pieces.extend(split_quoted_org(span, text))
    for span in pieces:
        if fold(span.text) in stop.get(span.type, ()) or fold(span.text) in stop.get("*", ()):
            continue
        retyped = _gazetteer_type(span, gazetteer)
        if retyped != span.type:
            span = Span(span.start, span.end, retyped, span.text, span.normal, span.cases, span.tokens)
        out.append(span)
    return out


def _gazetteer_type(span: Span, gazetteer: Gazetteer) -> str:
    """Fix ORG/LOC confusions where the gazetteer knows the name: "Евросоюз" is an organisation."""
    if span.type not in ("LOC", "ORG"):
        return span.type
    entry = gazetteer.lookup(stem_key(span.text), {"LOC", "ORG"})
    if entry is None:
        return span.type
    if entry.kind == "curated" and entry.type != span.type:
        return entry.type
    return span.type


_WORD_RE = re.compile(r"\w+(?:-\w+)*")
#: longest gazetteer alias (in words) looked for by the dictionary matcher
MAX_ALIAS_WORDS = 4
DICTIONARY_KINDS = {"curated", "country"}


def dictionary_spans(text: str, gazetteer: Gazetteer) -> list[Span]:
    """Capitalized word sequences that are gazetteer aliases (countries, curated people, organizations, regions).

    Recovers names the NER model misses ("Европы", "Голос Америки"); cities are left to the model
    because their thousands of short aliases collide with ordinary words.
    """
    words = [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    found: list[Span] = []
    i = 0
    while i < len(words):
        matched = None
        for n in range(min(MAX_ALIAS_WORDS, len(words) - i), 0, -1):
            start, end = words[i][0], words[i + n - 1][1]
            chunk = text[start:end]
            if not chunk[:1].isupper() or "\n" in chunk or len(chunk) < 2:
                continue
            if n == 1 and len(chunk) < 4 and not chunk.isupper():
                continue  # short capitalized words ("Сам", "Ни") are sentence starts, not names
            if n > 1 and any(not text[words[k][1]:words[k + 1][0]].strip() == "" for k in range(i, i + n - 1)):
                continue  # only words separated by spaces
            for entity_id in gazetteer.index.get(stem_key(chunk), ()):
                entry = gazetteer.entries[entity_id]
                if entry.kind in DICTIONARY_KINDS and (entry.type != "PER" or n > 1):
                    matched = Span(start, end, entry.type, chunk, chunk, (), tuple(words[i:i + n]))
                    break
            if matched:
                break
        if matched:
            found.append(matched)
            i += len(matched.tokens)
        else:
            i += 1
    return found


def merge_dictionary(spans: list[Span], extra: list[Span]) -> list[Span]:
    """Add dictionary spans that overlap no model span (the model's own spans always win: replacing
    "Голос" + "Америки" by "Голос Америки" loses the LOC that factRuEval also annotates inside it)."""
    out = list(spans)
    for d in extra:
        if all(d.end <= s.start or d.start >= s.end for s in spans):
            out.append(d)
    return sorted(out, key=lambda s: (s.start, s.end))


def tag_spans(text: str) -> list[Span]:
    """NER spans after post-processing (what ``tag`` and the mentions table use)."""
    g = load()
    return merge_dictionary(postprocess(recognize(text), text, g), dictionary_spans(text, g))


# ---------------------------------------------------------------- normal forms
@lru_cache(maxsize=1)
def _analyzer():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def _parse(word: str) -> tuple:
    try:
        return tuple(_analyzer().parse(word))
    except Exception:  # pymorphy on odd tokens: no reading
        return ()


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
    """All mentions of one article body, each linked to an entity id and, where something vouches for one, a QID."""
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
            entry = g.lookup(key, ALLOWED[s.type]) or g.lookup(stem_key(normals[i]), ALLOWED[s.type])
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
        return {q for q, n in context.items() if n - (own.get(i) == q) > 0}

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
                out = (f"wikidata:{pick[0]}" if link == "unlinked" else eid,
                       "index" if link == "unlinked" else link, pick[0], pick[1])
        links[i] = out
        return out

    mentions = []
    for i, s in enumerate(spans):
        entity_id, link, qid, conf = final(i)
        mentions.append(Mention(article_id, s.start, s.end, s.type, s.text, base[i][2], entity_id, link, qid, conf))
    return mentions


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
