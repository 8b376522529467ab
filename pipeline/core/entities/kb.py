"""The knowledge base for Wikidata linking: an alias → QID index with counts, and the gazetteer's QIDs.

* :class:`AliasIndex` maps a name key (:func:`~.names.stem_key` of a surface form, so inflections such as
  "Путина", "Путину", "Путиным" share one key) to the Wikidata items annotators linked that form to, with the
  number of times (a popularity prior) and the annotation's fine type (PERSON, COUNTRY, CITY, ...). Built by
  ``scripts/build_linking_index.py`` from recorded, linked corpora into ``data/gazetteer/wikidata_aliases.tsv``;
  the file header names each source, its version and its license.
* A person's full name also indexes its last word as a *surname* alias ("Кисида" from "Фумио Кисида"),
  counted apart from forms seen on their own, so a bare surname is weaker evidence than a seen one.
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
from .gazetteer import Gazetteer, load as load_gazetteer
from .names import stem_key, tokens

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


def build_kb(gazetteer: Gazetteer | None = None, index: AliasIndex | None = None) -> KnowledgeBase:
    g = gazetteer or load_gazetteer()
    ix = load_index() if index is None else index
    return KnowledgeBase(g, ix, gazetteer_qids(g, ix))


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
