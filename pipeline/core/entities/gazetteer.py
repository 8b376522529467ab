"""The canonical catalogue: countries, cities, people and organizations, read from ``data/gazetteer/``.

Every alias is indexed under its :func:`~.names.stem_key`. When several entries share a key, the
priority decides: curated people and organizations, then countries, then cities by population.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

from ...knowledge import phrase_lines, read_text, tsv_rows
from .names import casefold_ru, stem_key

PRIORITY = {"curated": 0, "country": 1, "city": 2}


@dataclass(frozen=True)
class Entry:
    entity_id: str
    type: str  # PER | LOC | ORG
    kind: str  # curated | country | city
    name: str
    name_en: str | None
    wikidata_id: str | None
    country: str | None
    aliases: tuple[str, ...]
    rank: int = 0  # tie-breaker within a kind (e.g. -population)
    surname_alias: bool = True


@dataclass
class Gazetteer:
    entries: dict[str, Entry] = field(default_factory=dict)
    index: dict[str, list[str]] = field(default_factory=dict)  # stem key -> entity ids, best first
    common_surnames: frozenset[str] = frozenset()

    def add(self, entry: Entry) -> None:
        self.entries[entry.entity_id] = entry
        for alias in {entry.name, *entry.aliases}:
            key = stem_key(alias)
            if key:
                self.index.setdefault(key, []).append(entry.entity_id)

    def finish(self) -> None:
        for key, ids in self.index.items():
            ids[:] = sorted(set(ids), key=lambda i: (PRIORITY[self.entries[i].kind], self.entries[i].rank, i))

    def lookup(self, key: str, allowed_types: set[str], surface: str | None = None) -> Entry | None:
        """The best entry of an allowed type under ``key``. Entries that share a key ("Нигерия" and "Нигер" stem
        alike) are told apart by ``surface``, the form written: the entry with an alias sharing the longest
        prefix with it wins ("Нигерии" → Nigeria, "Нигере" → Niger); the priority decides ties."""
        found = [self.entries[i] for i in self.index.get(key, ()) if self.entries[i].type in allowed_types]
        if len(found) > 1 and surface:
            return max(found, key=lambda e: _closest_alias(e, surface))  # max keeps the first of equals
        return found[0] if found else None

    def iso3_codes(self) -> set[str]:
        return {e.country for e in self.entries.values() if e.kind == "country" and e.country}


def _closest_alias(entry: Entry, surface: str) -> int:
    """The longest prefix ``surface`` shares with one of the entry's names (case and ё folded)."""
    s = casefold_ru(surface)
    best = 0
    for alias in (entry.name, *entry.aliases):
        a = casefold_ru(alias)
        n = 0
        while n < min(len(a), len(s)) and a[n] == s[n]:
            n += 1
        best = max(best, n)
    return best


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    g = Gazetteer()
    for row in tsv_rows("gazetteer/countries.tsv"):
        iso3, _iso2, name_ru, name_en, _geonames, qid, aliases = (row + [""] * 7)[:7]
        g.add(Entry(f"country:{iso3}", "LOC", "country", name_ru, name_en or None, qid or None, iso3,
                    tuple(a for a in aliases.split("|") if a)))
    for row in tsv_rows("gazetteer/cities.tsv"):
        gid, iso3, name_ru, name_en, population, _capital, qid, aliases = (row + [""] * 8)[:8]
        g.add(Entry(f"geonames:{gid}", "LOC", "city", name_ru, name_en or None, qid or None, iso3,
                    tuple(a for a in aliases.split("|") if a), rank=-int(population or 0)))
    curated = json.loads(read_text("gazetteer/people_orgs.json"))
    for e in curated["entities"]:
        g.add(Entry(e["id"], e["type"], "curated", e["name"], e.get("name_en"), e.get("wikidata"), e.get("country"),
                    tuple(e.get("aliases", [])), surname_alias=e.get("surname_alias", True)))
    g.common_surnames = frozenset(stem_key(s) for s in phrase_lines("gazetteer/common_surnames.txt"))
    g.finish()
    return g
