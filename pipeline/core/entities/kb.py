"""The knowledge base for Wikidata linking: an alias → QID index with counts, and the gazetteer's QIDs.

* :class:`AliasIndex` maps a name key (:func:`~.names.stem_key` of a surface form, so inflections such as
  "Путина", "Путину", "Путиным" share one key) to the Wikidata items annotators linked that form to, with the
  number of times (a popularity prior) and the annotation's fine type (PERSON, COUNTRY, CITY, ...). Built by
  ``scripts/build_linking_index.py`` from recorded, linked corpora into ``data/gazetteer/wikidata_aliases.tsv``;
  the file header names each source, its version and its license.
* A person's full name also indexes its last word as a *surname* alias ("Кисида" from "Фумио Кисида"),
  counted apart from forms seen on their own, so a bare surname is weaker evidence than a seen one.
* An organization's name of two to six words also indexes its *acronym* ("МВФ" from "Международного валютного
  фонда", "МЧС" from "Министерства по чрезвычайным ситуациям"), counted with the surname-derived forms.
* :func:`variant_keys` gives the other keys a person's long name may be known by when its own key has no
  candidate ("Мигель Диас-Канель Бермудес" → "Мигель Диас-Канель"); :func:`person_surname_candidates` the items
  a two-word name's surname is known for whose label agrees with its first name. (Stripping a trailing country
  from an organization, "Национальной гвардии Украины" → "Национальной гвардии", was tried and dropped: it links
  the name to another country's namesake.)
* :func:`transliteration_candidates`: an organization or place written in one script whose key the index lacks
  takes the items of a key in the other script with the same consonants ("Microsoft" / "Майкрософт"). Not for
  persons: their short consonant skeletons collide (CV PER precision .940 -> .936 when tried).
* :func:`gazetteer_qids` gives the gazetteer's countries, cities and curated entries a QID: the one the
  gazetteer records, else the one the index links the entry's own name to clearly (see :data:`FILL_MARGIN`), with
  a compatible fine type. Nothing else: an entry the index cannot vouch for keeps no QID (its local id stays stable).
* :func:`choose` picks among candidates by type, by the qualifiers and the other entities of the
  document, and by the prior, and returns a confidence in [0, 1].
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from ...knowledge import read_text
from .gazetteer import PRIORITY, Gazetteer, load as load_gazetteer
from .names import consonant_skeleton, script_of, stem_key, tokens

KB_FILE = "gazetteer/wikidata_aliases.tsv"
QID_RE = re.compile(r"^Q[1-9][0-9]*$")

#: annotation types that name linkable entities, and the mention type each becomes
FINE_TYPES = {"PERSON": "PER", "ORGANIZATION": "ORG", "COUNTRY": "LOC", "CITY": "LOC", "STATE_OR_PROVINCE": "LOC",
              "LOCATION": "LOC", "DISTRICT": "LOC"}
#: gazetteer kinds → the fine types whose QIDs may fill them
KIND_FINE = {"country": {"COUNTRY"}, "city": {"CITY"},
             "PER": {"PERSON"}, "ORG": {"ORGANIZATION", "COUNTRY"}, "LOC": {"STATE_OR_PROVINCE", "LOCATION",
                                                                           "DISTRICT", "CITY", "COUNTRY"}}
#: weight of a surname alias derived from a full name, against a form seen on its own
SURNAME_WEIGHT = 0.5
#: pseudo-count of "some other item" when estimating P(qid | key): one seen form gives .5, two agreeing .67
PRIOR_SMOOTHING = 1.0
#: a gazetteer entry takes the index's QID for its name when that QID has at least FILL_MARGIN times the links of
#: any other item for the name, and the item's own label is one of the entry's names (else FILL_MIN_COUNT links):
#: a lone mislinked mention ("Ёсихидэ Суга" linked once to Shinzo Abe) never fills an entry
FILL_MARGIN = 2.0
FILL_MIN_COUNT = 3
#: below this confidence a candidate is not returned as a link
MIN_CONFIDENCE = 0.5
#: how much a candidate gains when the document already names it (another mention's only reading)
CONTEXT_BONUS = 2.0


@dataclass(frozen=True)
class Candidate:
    qid: str
    fine_type: str
    count: float  # direct + SURNAME_WEIGHT * surname-derived


@dataclass
class AliasIndex:
    #: key → {(fine type, qid): [direct count, surname-derived count]}
    counts: dict[str, dict[tuple[str, str], list[int]]] = field(default_factory=dict)
    #: qid → (fine type, label): the most frequent full surface form
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: consonant skeleton → the keys that have it (:func:`transliteration_candidates`), built on first use
    _skeletons: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_links(cls, records: Iterable[tuple[str, str, str]]) -> "AliasIndex":
        """Build from (surface form, fine type, QID) triples (one per linked mention)."""
        counts: dict[str, dict[tuple[str, str], list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        surfaces: dict[str, Counter] = defaultdict(Counter)
        types: dict[str, Counter] = defaultdict(Counter)
        for surface, fine, qid in records:
            if fine not in FINE_TYPES or not qid or not QID_RE.match(qid):
                continue
            key = stem_key(surface)
            if not key:
                continue
            counts[key][(fine, qid)][0] += 1
            words = tokens(surface)
            if fine == "PERSON" and len(words) >= 2 and len(words[-1]) >= 3:
                counts[stem_key(words[-1])][(fine, qid)][1] += 1
            short = acronym(surface) if fine == "ORGANIZATION" else None
            if short and stem_key(short) != key:
                counts[stem_key(short)][(fine, qid)][1] += 1
            surfaces[qid][surface] += 1
            types[qid][fine] += 1
        index = cls({k: {c: list(v) for c, v in d.items()} for k, d in counts.items()})
        for qid, forms in surfaces.items():
            fine = sorted(types[qid].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            most_words = max(_name_words(f) for f in forms) if fine == "PERSON" else 0
            pool = [(n, f) for f, n in forms.items() if fine != "PERSON" or _name_words(f) == most_words]
            index.labels[qid] = (fine, sorted(pool, key=lambda nf: (-nf[0], nf[1]))[0][1])
        return index

    def candidates(self, key: str, mention_type: str | None = None) -> list[Candidate]:
        """Items linked to ``key``, best prior first; only those whose type fits ``mention_type`` (PER, LOC, ORG:
        LOC and ORG accept each other, as natasha confuses them)."""
        out = []
        for (fine, qid), (direct, derived) in self.counts.get(key, {}).items():
            coarse = FINE_TYPES[fine]
            if mention_type is not None and not _compatible(mention_type, coarse):
                continue
            out.append(Candidate(qid, fine, direct + SURNAME_WEIGHT * derived))
        return sorted(out, key=lambda c: (-c.count, c.fine_type, c.qid))

    def skeleton_keys(self, skeleton: str) -> list[str]:
        """The keys whose :func:`~.names.consonant_skeleton` is ``skeleton``."""
        if self._skeletons is None:
            by: dict[str, list[str]] = defaultdict(list)
            for key in sorted(self.counts):
                by[consonant_skeleton(key)].append(key)
            self._skeletons = dict(by)
        return self._skeletons.get(skeleton, [])

    # ------------------------------------------------------------ file form
    def to_tsv(self, header: str) -> str:
        lines = [header.rstrip("\n"), "# key\tfine_type\tqid\tcount\tsurname_count\tlabel"]
        for key in sorted(self.counts):
            for (fine, qid), (direct, derived) in sorted(self.counts[key].items()):
                label = self.labels.get(qid, ("", ""))[1]
                lines.append(f"{key}\t{fine}\t{qid}\t{direct}\t{derived}\t{label}")
        return "\n".join(lines) + "\n"

    @classmethod
    def from_tsv(cls, text: str) -> "AliasIndex":
        index = cls()
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            key, fine, qid, direct, derived, label = (line.split("\t") + [""] * 6)[:6]
            index.counts.setdefault(key, {})[(fine, qid)] = [int(direct), int(derived)]
            if label:
                index.labels.setdefault(qid, (fine, label))
        return index


def acronym(surface: str) -> str | None:
    """The initial letters of a multi-word name, skipping short lower-case function words ("по", "и", "де"):
    "Международного валютного фонда" → "МВФ". None for one word, for a name that has an acronym or a digit in
    it already ("МИД России"), or for names in Latin letters (their acronyms are not the Russian ones)."""
    words = tokens(surface)
    if not 2 <= len(words) <= 6 or any(not w.isalpha() or (len(w) >= 2 and w.isupper()) for w in words):
        return None
    if any(not ("а" <= w[0].lower() <= "я" or w[0] in "ёЁ") for w in words) or not words[0][0].isupper():
        return None
    letters = [w[0] for w in words if not (w.islower() and len(w) <= 3)]
    return "".join(letters).upper() if len(letters) >= 2 else None


#: how much a candidate found under a variant key (not the mention's own) counts, against its own key
VARIANT_WEIGHT = 1.0


def variant_keys(text: str, mention_type: str) -> list[str]:
    """Other keys for a person's name whose own key has no candidate: the name less its last word, then less one
    middle word ("Мигель Диас-Канель Бермудес" → "Мигель Диас-Канель"; "Владимир Вольфович Жириновский" →
    "Владимир Жириновский"), best first. Names with a word of three letters or fewer are left whole."""
    words = tokens(text)
    out: list[str] = []
    # East Asian names of short syllables ("Ким Чен Ын", "Мун Чжэ Ин") are never shortened
    if mention_type == "PER" and len(words) >= 3 and all(len(w) >= 4 for w in words):
        out.append(stem_key(" ".join(words[:-1])))  # a trailing second surname or patronymic-less form
        out += [stem_key(" ".join(words[:i] + words[i + 1:])) for i in range(1, len(words) - 1)]
    key = stem_key(text)
    return [k for k in dict.fromkeys(out) if k and k != key]


def person_surname_candidates(index: "AliasIndex", text: str) -> list[Candidate]:
    """A two-word person's name not in the index: the items its surname is known for whose label agrees with its
    first name (same first word, or a label of one word that the first name alone is also linked to)."""
    words = tokens(text)
    if len(words) != 2 or len(words[0]) < 2 or len(words[1]) < 3:
        return []
    first = stem_key(words[0])
    by_first = {c.qid for c in index.candidates(first, "PER")}
    out = []
    for c in index.candidates(stem_key(words[1]), "PER"):
        label = tokens(index.labels.get(c.qid, ("", ""))[1])
        if len(label) >= 2 and stem_key(label[0]) == first or c.qid in by_first:
            out.append(c)
    return out


#: the fewest consonants a skeleton needs to be a key across scripts ("Opera" / "Опера", "pr", is too few)
SKELETON_MIN = 4


def transliteration_candidates(index: "AliasIndex", text: str, mention_type: str) -> list[Candidate]:
    """A name in one script whose own key the index lacks, and the items it knows under a key in the other script
    with the same consonants ("Microsoft" → the key of "Майкрософт", "Форбс" → that of "Forbes"): annotated
    corpora link a name under the spelling their writers chose, and the two spellings share their consonants
    (:func:`~.names.consonant_skeleton`, at least :data:`SKELETON_MIN` of them)."""
    script = script_of(text)
    skeleton = consonant_skeleton(stem_key(text)) if script else ""
    if len(skeleton.replace(" ", "")) < SKELETON_MIN:
        return []
    out = []
    for key in index.skeleton_keys(skeleton):
        if script_of(key) not in ("", script):
            out += [Candidate(c.qid, c.fine_type, c.count * VARIANT_WEIGHT) for c in index.candidates(key, mention_type)]
    return out


def _name_words(surface: str) -> int:
    """Words of a name that are not initials ("В. В. Путин" has one)."""
    return sum(1 for w in tokens(surface) if len(w) > 1)


def _compatible(mention_type: str, coarse: str) -> bool:
    return mention_type == coarse or {mention_type, coarse} == {"LOC", "ORG"}


@lru_cache(maxsize=1)
def load_index() -> AliasIndex:
    try:
        return AliasIndex.from_tsv(read_text(KB_FILE))
    except FileNotFoundError:
        return AliasIndex()


# ---------------------------------------------------------------- the gazetteer's QIDs
def gazetteer_qids(g: Gazetteer, index: AliasIndex) -> dict[str, tuple[str, float, str]]:
    """entity id → (QID, confidence, source) for gazetteer entries: the recorded QID (source ``gazetteer``), else
    the QID the index links the entry's preferred name to by a clear margin (:data:`FILL_MARGIN`), whose label
    agrees with the entry, and whose fine type fits the entry's kind (source ``index``)."""
    out: dict[str, tuple[str, float, str]] = {}
    for entity_id, entry in sorted(g.entries.items()):
        if entry.wikidata_id and QID_RE.match(entry.wikidata_id):
            out[entity_id] = (entry.wikidata_id, 1.0, "gazetteer")
            continue
        allowed = KIND_FINE[entry.kind] if entry.kind in KIND_FINE else KIND_FINE[entry.type]
        votes: Counter = Counter()
        total = 0.0
        for c in index.candidates(stem_key(entry.name)):
            total += c.count
            if c.fine_type in allowed:
                votes[c.qid] += c.count
        if not votes:
            continue
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
        qid, n = ranked[0]
        runner_up = max([c.count for c in index.candidates(stem_key(entry.name)) if c.qid != qid], default=0.0)
        own_keys = {stem_key(a) for a in (entry.name, *entry.aliases)}
        label_agrees = stem_key(index.labels.get(qid, ("", ""))[1]) in own_keys
        if n >= FILL_MARGIN * runner_up and (label_agrees or n >= FILL_MIN_COUNT):
            out[entity_id] = (qid, round(n / (total + PRIOR_SMOOTHING), 3), "index")
    return out


@dataclass
class KnowledgeBase:
    gazetteer: Gazetteer
    index: AliasIndex
    entry_qids: dict[str, tuple[str, float, str]]
    #: QID → the gazetteer entry that carries it (by the gazetteer's priority), so a name the index links to
    #: that item ("российских" → Q159) joins the entry's entity (country:RUS) rather than a second one
    qid_entity: dict[str, str] = field(default_factory=dict)
    #: item → the places its names name (:func:`label_places`), filled on first use
    label_place_cache: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)


def build_kb(gazetteer: Gazetteer | None = None, index: AliasIndex | None = None) -> KnowledgeBase:
    g = gazetteer or load_gazetteer()
    ix = load_index() if index is None else index
    qids = gazetteer_qids(g, ix)
    by_qid: dict[str, str] = {}
    for eid in sorted(qids, key=lambda e: (PRIORITY[g.entries[e].kind], g.entries[e].rank, e)):
        by_qid.setdefault(qids[eid][0], eid)
    return KnowledgeBase(g, ix, qids, by_qid)


def label_places(kb: KnowledgeBase, qid: str) -> frozenset[str]:
    """The QIDs of the gazetteer's places named, after the first word, in a name the index links to item ``qid``
    ("МИД России" → Russia's): an organisation named after its country."""
    if not kb.label_place_cache:
        by_qid: dict[str, set[str]] = defaultdict(set)
        for key, links in kb.index.counts.items():
            words = key.split()
            for word in words[1:]:
                entry = kb.gazetteer.lookup(word, {"LOC"})
                if entry is not None and entry.entity_id in kb.entry_qids:
                    for fine, linked in links:
                        by_qid[linked].add(kb.entry_qids[entry.entity_id][0])
        kb.label_place_cache.update({q: frozenset(p) for q, p in by_qid.items()})
        kb.label_place_cache[""] = frozenset()  # built
    return kb.label_place_cache.get(qid, frozenset())


@lru_cache(maxsize=1)
def load() -> KnowledgeBase:
    return build_kb()


# ---------------------------------------------------------------- disambiguation
def choose(candidates: list[Candidate], context_qids: set[str] | frozenset = frozenset(),
           context_weights: dict[str, float] | None = None) -> tuple[str, float] | None:
    """The best candidate and its confidence: the smoothed share of its (context-boosted) count.

    ``context_qids`` are items the document names elsewhere without ambiguity (a country, a full name): a
    candidate among them gains :data:`CONTEXT_BONUS` pseudo-counts (``context_weights`` may scale that per item).
    """
    if not candidates:
        return None
    scored = []
    for c in candidates:
        bonus = CONTEXT_BONUS * (context_weights or {}).get(c.qid, 1.0) if c.qid in context_qids else 0.0
        scored.append((c.count + bonus, c.qid))
    merged: dict[str, float] = defaultdict(float)
    for s, qid in scored:
        merged[qid] += s
    qid, best = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    confidence = best / (sum(merged.values()) + PRIOR_SMOOTHING)
    return qid, round(min(1.0, confidence), 3)
