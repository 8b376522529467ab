"""Relevance stage: is an article about the region a topic profile describes, and which of its countries?

A *topic profile* (``data/topics/<name>.json``, built by scripts/build_topic_profile.py) lists the entries that
make an article "about" the region: countries, cities, people, organizations, regions (each a gazetteer entity id
or a profile id, with aliases), adjectives and demonyms, each with a weight and the ISO 3166-1 alpha-3 code of
its country. Entities outside the profile (Russia, the United States, Moscow) add nothing.

Evidence is counted in three zones:

* **body**: the entity mentions the entities stage found (``mentions`` rows): a mention counts for an entry when
  its ``entity_id`` is the entry's id, or when its text's :func:`~.entities.names.stem_key` is one of the entry's
  alias keys (an unlinked "Приморья"); adjectives and demonyms are not entity mentions, so the body's words are
  looked up for them;
* **title** and **lead**: the entities stage reads the body only, so these are matched against the profile's
  aliases directly (word n-grams up to :data:`MAX_WORDS`, by stem key; names must start with a capital letter,
  adjectives and demonyms may not).

Each entry counts at most ``zone_caps[zone]`` times per zone; the evidence is
``E = sum over zones of zone_weights[zone] * sum over entries of weight * min(count, cap)`` and the score
``relevance = 1 - exp(-E / scale)``, in [0, 1] (rounded to 4 decimals, a long article on the region reaches 1.0). An article whose relevance is under the
threshold is ``off_topic``. ``region_countries`` are the ISO3 codes of the entries found in any zone, sorted.

The profile and the threshold are configuration (:class:`RelevanceConfig`): the pipeline receives them from the
Dagster resource or the CLI (``VOSTOK_TOPIC_PROFILE``, ``VOSTOK_RELEVANCE_THRESHOLD``), so another region needs
another profile file, not other code.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from ..knowledge import read_text
from .entities.names import fold_token, stem_key, tokens

__all__ = ["DEFAULT_PROFILE", "MAX_WORDS", "STAGE", "Profile", "RelevanceConfig", "Score", "load_profile",
           "score_article"]

#: the stage name in rejects
STAGE = "relevance"
#: the packaged profile used when the configuration names none
DEFAULT_PROFILE = "northeast_asia"
#: longest alias, in words, looked for in titles and leads
MAX_WORDS = 4
#: kinds matched in lower case too (they are not names)
WORD_KINDS = {"adjective", "demonym"}
#: letters of a word compared before it is stemmed (see ``Profile.word_prefixes``)
PREFIX = 4

#: entity id prefixes of mentions outside the gazetteer (pipeline/core/entities/linking.py ``unlinked_id``): only
#: these are looked up by their text (a linked mention already says what it is)
UNLINKED_PREFIXES = {"loc", "org"}

_WORD_RE = re.compile(r"\w+(?:-\w+)*")


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    country: str | None
    weight: float


@dataclass(frozen=True)
class Profile:
    name: str
    digest: str  # sha256 of the profile file (12 hex chars): what a build records
    threshold: float
    zone_weights: Mapping[str, float]
    zone_caps: Mapping[str, int]
    scale: float
    entries: Mapping[str, Entry]  # id -> entry
    #: stem key of a name alias -> ((folded last word of the alias, entry id), ...), heaviest entry first
    names: Mapping[str, tuple[tuple[str, str], ...]]
    #: the same for adjectives and demonyms
    words: Mapping[str, tuple[tuple[str, str], ...]]
    #: the first :data:`PREFIX` letters (lower case, and folded) of every adjective and demonym alias: a body word
    #: is stemmed only when it starts with one of them (a long body has thousands of words and a dozen hits; the
    #: words are found by one regular expression, :attr:`word_pattern`)
    word_prefixes: frozenset[str] = frozenset()

    @property
    def word_pattern(self) -> re.Pattern:
        """Words that start with one of :attr:`word_prefixes` (any case)."""
        return _prefix_pattern(self.word_prefixes)

    def lookup(self, key: str, last_word: str, words: bool = False) -> str | None:
        """The entry whose alias has this stem key and whose last word the text's last word resembles beyond
        the stem: stem keys are short ("Китом" and "Китай" share "кит", "Кана" and "Каноя" share "кан"), so
        the folded word must share all but the alias word's last letter (two for adjectives and demonyms,
        whose endings are longer) with it."""
        word = fold_token(last_word)
        for alias_word, entry_id in (self.words if words else self.names).get(key, ()):
            need = max(1, len(alias_word) - (2 if words else 1))
            if len(_common_prefix(word, alias_word)) >= min(need, len(alias_word)):
                return entry_id
        return None


@lru_cache(maxsize=16)
def _prefix_pattern(prefixes: frozenset[str]) -> re.Pattern:
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=lambda p: (-len(p), p))) or "(?!)"
    return re.compile(rf"(?<![\w-])(?:{alternatives})\w*(?:-\w+)*", re.IGNORECASE)


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


@dataclass(frozen=True)
class RelevanceConfig:
    """Which profile and which threshold: ``profile`` is a packaged profile's name (``data/topics/<name>.json``)
    or a path to a profile file; ``threshold`` overrides the profile's own when not None."""

    profile: str = DEFAULT_PROFILE
    threshold: float | None = None

    @classmethod
    def from_strings(cls, profile: str | None, threshold: str | float | None) -> "RelevanceConfig":
        """From configuration values where empty means the default (environment variables, Dagster config)."""
        value = None if threshold in (None, "") else float(threshold)
        if value is not None and not 0.0 <= value <= 1.0:
            raise ValueError(f"relevance threshold {value} is not in [0, 1]")
        return cls(profile or DEFAULT_PROFILE, value)

    def load(self) -> Profile:
        return load_profile(self.profile)

    def effective_threshold(self, profile: Profile | None = None) -> float:
        return self.threshold if self.threshold is not None else (profile or self.load()).threshold


@dataclass(frozen=True)
class Score:
    relevance: float
    region_countries: list[str]
    evidence: float
    hits: Mapping[str, Mapping[str, int]]  # zone -> entry id -> count (capped)

    def message(self, threshold: float, profile: Profile) -> str:
        """The ``off_topic`` reject's message: the score, the threshold, the profile and what was found."""
        found = sorted({e for zone in self.hits.values() for e in zone})
        what = ", ".join(found[:8]) + (" …" if len(found) > 8 else "") if found else "no entry of the profile"
        return (f"relevance {self.relevance:.4f} < threshold {threshold:.4f} (profile {profile.name} "
                f"{profile.digest}); found: {what}")[:500]


def _profile_text(profile: str) -> str:
    if "/" in profile or profile.endswith(".json"):
        return Path(profile).read_text(encoding="utf-8")
    return read_text(f"topics/{profile}.json")


@lru_cache(maxsize=8)
def load_profile(profile: str = DEFAULT_PROFILE) -> Profile:
    """A profile by packaged name or path (cached). Alias keys that two entries share go to the heavier entry
    (then the smaller id), so the result does not depend on the file's order."""
    text = _profile_text(profile)
    data = json.loads(text)
    entries: dict[str, Entry] = {}
    names: dict[str, set] = {}
    words: dict[str, set] = {}
    prefixes: set[str] = set()
    for raw in data["entries"]:
        entry = Entry(raw["id"], raw["kind"], raw.get("country"), float(raw["weight"]))
        entries[entry.id] = entry
        target = words if entry.kind in WORD_KINDS else names
        for alias in [raw["name"], *raw.get("aliases", [])]:
            key, parts = stem_key(alias), tokens(alias)
            if key and parts:
                target.setdefault(key, set()).add((fold_token(parts[-1]), entry.id))
                if entry.kind in WORD_KINDS:
                    prefixes |= {alias.lower()[:PREFIX], fold_token(alias)[:PREFIX]}

    def ranked(table: dict[str, set]) -> dict[str, tuple]:
        return {k: tuple(sorted(v, key=lambda a: (-entries[a[1]].weight, a[1], a[0]))) for k, v in table.items()}

    return Profile(name=data.get("name", Path(profile).stem), digest=hashlib.sha256(text.encode()).hexdigest()[:12],
                   threshold=float(data["threshold"]), zone_weights=dict(data["zone_weights"]),
                   zone_caps={k: int(v) for k, v in data["zone_caps"].items()}, scale=float(data["scale"]),
                   entries=entries, names=ranked(names), words=ranked(words), word_prefixes=frozenset(prefixes))


def _text_hits(text: str, profile: Profile, names: bool = True) -> dict[str, int]:
    """Entries of the profile in a text: name aliases (capitalized word n-grams, longest first) when ``names``,
    adjectives and demonyms (single words, any case)."""
    hits: dict[str, int] = {}
    if not text:
        return hits
    if not names:  # words only: look at the words that start like an adjective or demonym of the profile
        seen: dict[str, str | None] = {}
        for m in profile.word_pattern.finditer(text):
            word = m.group()
            if word not in seen:
                seen[word] = profile.lookup(stem_key(word), word, words=True)
            entry_id = seen[word]
            if entry_id is not None:
                hits[entry_id] = hits.get(entry_id, 0) + 1
        return hits
    spans = [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    keys = [stem_key(text[a:b]) for a, b in spans]
    if text.isupper():  # a headline in capitals: its words are not acronyms ("СПИД В ЗАБАЙКАЛЬЕ")
        keys = [stem_key(text[a:b].capitalize()) for a, b in spans]
        for k, (a, b) in enumerate(spans):
            if stem_key(text[a:b]) in profile.names:  # but a real acronym stays one ("КНДР")
                keys[k] = stem_key(text[a:b])
    i = 0
    while i < len(spans):
        matched = 0
        if names and text[spans[i][0]].isupper():
            for n in range(min(MAX_WORDS, len(spans) - i), 0, -1):
                if n > 1 and any(text[spans[k][1]:spans[k + 1][0]].strip() for k in range(i, i + n - 1)):
                    continue  # only words separated by spaces
                a, b = spans[i + n - 1]
                entry_id = profile.lookup(" ".join(keys[i:i + n]), text[a:b])
                if entry_id is not None:
                    hits[entry_id] = hits.get(entry_id, 0) + 1
                    matched = n
                    break
        if not matched:
            entry_id = profile.lookup(keys[i], text[spans[i][0]:spans[i][1]], words=True)
            if entry_id is not None:
                hits[entry_id] = hits.get(entry_id, 0) + 1
            matched = 1
        i += matched
    return hits


def _mention_hits(mentions: Iterable[Mapping], profile: Profile) -> dict[str, int]:
    """Mentions linked to an entry of the profile, and unlinked ones whose text is an entry's alias."""
    hits: dict[str, int] = {}
    for m in mentions:
        entry_id = m["entity_id"] if m["entity_id"] in profile.entries else None
        parts = tokens(m["text"])
        if entry_id is None and parts and m["entity_id"].split(":", 1)[0] in UNLINKED_PREFIXES:
            entry_id = profile.lookup(stem_key(m["text"]), parts[-1])
        if entry_id is not None:
            hits[entry_id] = hits.get(entry_id, 0) + 1
    return hits


def score_article(title: str | None, lead: str | None, body: str | None, mentions: Iterable[Mapping],
                  profile: Profile) -> Score:
    """The relevance of one article to the profile's region, from its body's entity mentions (rows with
    ``entity_id`` and ``text``) and the profile's aliases in its title and lead."""
    body_hits = _mention_hits(mentions, profile)
    for entry_id, n in _text_hits(body or "", profile, names=False).items():
        body_hits[entry_id] = body_hits.get(entry_id, 0) + n
    found = {"title": _text_hits(title or "", profile), "lead": _text_hits(lead or "", profile), "body": body_hits}
    capped = {zone: {e: min(n, profile.zone_caps.get(zone, n)) for e, n in sorted(hits.items())}
              for zone, hits in found.items()}
    evidence = sum(profile.zone_weights.get(zone, 0.0) * sum(profile.entries[e].weight * n for e, n in hits.items())
                   for zone, hits in capped.items())
    relevance = round(1.0 - math.exp(-evidence / profile.scale), 4) if evidence > 0 else 0.0
    countries = sorted({profile.entries[e].country for hits in capped.values() for e in hits
                        if profile.entries[e].country})
    return Score(relevance, countries, round(evidence, 4), capped)
