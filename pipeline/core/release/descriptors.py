"""datapackage.json (Frictionless) and croissant.json (MLCommons Croissant), both derived from pipeline/schema.py."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from ...schema import TABLES, Table

LICENSE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0 (tables and annotations; article text stays under each outlet's terms)"}
TITLE = "Vostok: Russian-language news about Northeast Asia"
DESCRIPTION = ("Clean, linked, validated tables built from Russian-language news pages about Japan, the two Koreas, "
               "Mongolia, China, Russia and the US: articles, entity mentions linked to a gazetteer, canonical "
               "entities, CAMEO-coded events, and the rejected inputs with reasons.")


def frictionless_type(t: pa.DataType, nullable: bool = False) -> str:
    """Frictionless field type. Frictionless reads Parquet through pandas, where lists arrive as arrays and a
    nullable integer as a float with NaN; those columns are declared ``any`` and ``number``, and the exact
    Arrow type is kept in the field's ``arrowType``."""
    if pa.types.is_string(t):
        return "string"
    if pa.types.is_integer(t):
        return "number" if nullable else "integer"
    if pa.types.is_floating(t):
        return "number"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_timestamp(t):
        return "datetime"
    if pa.types.is_date(t):
        return "date"
    return "any"


def table_schema(table: Table) -> dict:
    fields = []
    for c in table.columns:
        f = {"name": c.name, "type": frictionless_type(c.type, c.nullable), "description": c.description,
             "arrowType": str(c.type)}
        constraints = {}
        if not c.nullable:
            constraints["required"] = True
        if c.unique:
            constraints["unique"] = True
        if c.allowed:
            constraints["enum"] = list(c.allowed)
        if c.pattern is not None:
            constraints["pattern"] = c.pattern
        if c.min_value is not None:
            constraints["minimum"] = c.min_value
        if c.max_value is not None:
            constraints["maximum"] = c.max_value
        if constraints:
            f["constraints"] = constraints
        fields.append(f)
    return {"fields": fields, "primaryKey": list(table.primary_key)}


def datapackage(version: str, files: dict[str, dict], sources: list[dict] | None = None) -> dict:
    """``files``: table name → {"path", "bytes", "hash"} for each Parquet file; ``sources``: the release's sources
    (:func:`.card_sections.release_sources`), each listed with its articles, text policy and text licence, and
    each open text licence added to ``licenses``."""
    resources = []
    for name, info in files.items():
        table = TABLES[name]
        resources.append({
            "name": name,
            "path": info["path"],
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            # frictionless cannot measure Parquet bytes (it reads through pandas) and would flag the standard
            # "bytes" property; the byte count is kept as byteCount and checked by validate_datapackage.
            "byteCount": info["bytes"],
            "hash": f"sha256:{info['hash']}",
            "description": table.description,
            "schema": table_schema(table),
        })
    return {
        "name": "vostok",
        "title": TITLE,
        "description": DESCRIPTION,
        "version": version,
        "licenses": [LICENSE] + [{"name": lic, "path": url, "title": f"{', '.join(names)}: article text"}
                                 for (lic, url), names in sorted(_text_licenses(sources or []).items())],
        "sources": [{"title": "Raw news pages in raw/ (see provenance.json for every file's sha256)", "path": "raw/"}]
                   + [_source_entry(s) for s in sources or []],
        "keywords": ["news", "russian", "northeast asia", "events", "cameo", "named entities"],
        "resources": resources,
    }


def _text_licenses(sources: list[dict]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for s in sources:
        if s.get("text_license") and s.get("license_url"):
            out.setdefault((s["text_license"], s["license_url"]), []).append(s["name"])
    return out


def _source_entry(s: dict) -> dict:
    entry = {"title": f"{s['name']}: {s['articles']} article{'' if s['articles'] == 1 else 's'}, text policy {s['text_policy']}, text licence "
                      f"{s['text_license'] or 'the outlet’s own terms'}"}
    if s.get("outlet"):
        entry["path"] = f"https://{s['outlet']}/"
    if s.get("attribution"):
        entry["title"] += f"; attribution: {s['attribution']}"
    return entry


def croissant_type(t: pa.DataType):
    import mlcroissant as mlc

    if pa.types.is_list(t):
        return croissant_type(t.value_type)
    if pa.types.is_integer(t):
        return mlc.DataType.INTEGER
    if pa.types.is_floating(t):
        return mlc.DataType.FLOAT
    if pa.types.is_boolean(t):
        return mlc.DataType.BOOL
    if pa.types.is_timestamp(t):
        return mlc.DataType.DATETIME
    if pa.types.is_date(t):
        return mlc.DataType.DATE
    return mlc.DataType.TEXT


def croissant(version: str, files: dict[str, dict]) -> dict:
    """The Croissant JSON-LD, built with mlcroissant."""
    import mlcroissant as mlc

    distribution, record_sets = [], []
    for name, info in files.items():
        table = TABLES[name]
        file_id = f"{name}-parquet"
        distribution.append(mlc.FileObject(id=file_id, name=file_id, description=table.description,
                                           content_url=info["path"], content_size=f"{info['bytes']} B",
                                           encoding_formats=["application/x-parquet"], sha256=info["hash"]))
        fields = []
        for c in table.columns:
            fields.append(mlc.Field(
                id=f"{name}/{c.name}", name=c.name, description=c.description,
                data_types=[croissant_type(c.type)],
                is_array=True if pa.types.is_list(c.type) else None,
                array_shape="-1" if pa.types.is_list(c.type) else None,
                source=mlc.Source(file_object=file_id, extract=mlc.Extract(column=c.name))))
        record_sets.append(mlc.RecordSet(id=name, name=name, description=table.description, fields=fields))
    metadata = mlc.Metadata(
        name="vostok", description=DESCRIPTION, version=version, license=[LICENSE["path"]],
        url="https://example.invalid/vostok", cite_as=f"Vostok dataset, release v{version}",
        in_language=["ru"], keywords=["news", "russian", "northeast asia", "events", "cameo"],
        distribution=distribution, record_sets=record_sets,
        conforms_to=["http://mlcommons.org/croissant/1.1"],
    )
    return metadata.to_json()


def validate_croissant(path: Path) -> list[str]:
    """Errors reported by mlcroissant for the file (empty when valid)."""
    import mlcroissant as mlc

    try:
        mlc.Dataset(jsonld=str(path))
    except mlc.ValidationError as exc:
        return [str(exc)]
    return []


def validate_datapackage(path: Path) -> list[str]:
    """Frictionless validation of descriptor and data, plus our own byte and sha256 check of every resource
    (frictionless checks neither for Parquet resources)."""
    import hashlib

    from frictionless import validate

    report = validate(str(path))
    errors = [] if report.valid else [f"{e[0]}: {e[1]}" for e in report.flatten(["type", "note"])]
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        data = (path.parent / res["path"]).read_bytes()
        if len(data) != res["byteCount"]:
            errors.append(f"{res['path']}: {len(data)} bytes, descriptor says {res['byteCount']}")
        if f"sha256:{hashlib.sha256(data).hexdigest()}" != res["hash"]:
            errors.append(f"{res['path']}: sha256 differs from the descriptor")
    return errors


def dump(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
