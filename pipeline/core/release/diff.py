"""What changed between two releases: schema, rows by id, raw files."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ...schema import TABLES
from .semver import Requirement


@dataclass
class TableDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    columns_retyped: list[str] = field(default_factory=list)


@dataclass
class ReleaseDiff:
    tables: dict[str, TableDiff]
    tables_added: list[str]
    tables_removed: list[str]
    raw_added: list[str]
    raw_removed: list[str]
    id_scheme_changed: bool

    def requirement(self) -> Requirement:
        major, minor, patch = [], [], []
        if self.id_scheme_changed:
            major.append("the id scheme changed")
        for name in self.tables_removed:
            major.append(f"table {name} removed")
        for name, d in self.tables.items():
            for c in d.columns_removed:
                major.append(f"{name}.{c} removed or renamed")
            for c in d.columns_retyped:
                major.append(f"{name}.{c} retyped")
            for c in d.columns_added:
                minor.append(f"{name}.{c} added")
            if d.added:
                minor.append(f"{len(d.added)} {name} rows added")
            if d.changed or d.removed:
                patch.append(f"{len(d.changed)} {name} rows changed, {len(d.removed)} removed")
        for name in self.tables_added:
            minor.append(f"table {name} added")
        for level, reasons in (("major", major), ("minor", minor), ("patch", patch)):
            if reasons:
                return Requirement(level, major + minor + patch)
        return Requirement("none", [])


def _type_name(t: pa.DataType) -> str:
    """Arrow type without list-item field names (Parquet round trips rename "item" to "element")."""
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return f"list<{_type_name(t.value_type)}>"
    return str(t)


def _row_digests(table: pa.Table, key: str) -> dict[str, str]:
    out = {}
    for row in table.to_pylist():
        out[str(row[key])] = hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()
    return out


def diff_releases(old_dir: Path | None, new_tables: dict[str, pa.Table], new_raw: dict[str, str],
                  new_id_scheme: int) -> ReleaseDiff:
    old_tables: dict[str, pa.Table] = {}
    old_raw: dict[str, str] = {}
    old_scheme = new_id_scheme
    if old_dir is not None:
        for name in TABLES:
            path = old_dir / f"{name}.parquet"
            if path.exists():
                old_tables[name] = pq.read_table(path)
        prov = json.loads((old_dir / "provenance.json").read_text(encoding="utf-8"))
        old_raw = prov.get("raw_manifest", {})
        old_scheme = prov.get("id_scheme_version", new_id_scheme)
    diffs: dict[str, TableDiff] = {}
    for name, new in new_tables.items():
        if name not in old_tables:
            continue
        old = old_tables[name]
        d = TableDiff()
        old_types = {f.name: _type_name(f.type) for f in old.schema}
        new_types = {f.name: _type_name(f.type) for f in new.schema}
        d.columns_added = sorted(set(new_types) - set(old_types))
        d.columns_removed = sorted(set(old_types) - set(new_types))
        d.columns_retyped = sorted(c for c in set(old_types) & set(new_types) if old_types[c] != new_types[c])
        key = TABLES[name].primary_key[0]
        if key in old.column_names and key in new.column_names:
            common = [c for c in new.column_names if c in old.column_names]
            a, b = _row_digests(old.select(common), key), _row_digests(new.select(common), key)
            d.added = sorted(set(b) - set(a))
            d.removed = sorted(set(a) - set(b))
            d.changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
        diffs[name] = d
    return ReleaseDiff(
        tables=diffs,
        tables_added=sorted(set(new_tables) - set(old_tables)) if old_dir is not None else [],
        tables_removed=sorted(set(old_tables) - set(new_tables)),
        raw_added=sorted(set(new_raw) - set(old_raw)) if old_dir is not None else sorted(new_raw),
        raw_removed=sorted(set(old_raw) - set(new_raw)),
        id_scheme_changed=old_scheme != new_id_scheme,
    )
