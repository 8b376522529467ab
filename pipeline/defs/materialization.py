"""Materialization metadata helpers shared by the assets."""

from __future__ import annotations

from collections import Counter

import dagster as dg
import pyarrow as pa

from ..core.tables import markdown_preview
from ..schema import Table


def table_schema(table: Table) -> dg.TableSchema:
    return dg.TableSchema(columns=[
        dg.TableColumn(c.name, str(c.type), description=c.description,
                       constraints=dg.TableColumnConstraints(nullable=c.nullable, unique=c.unique))
        for c in table.columns
    ])


def table_metadata(table: Table, arrow: pa.Table, preview_columns: list[str], rows: int | None = None) -> dict:
    """Row count (``rows``, else ``arrow``'s), column schema and a preview of ``arrow``'s first rows."""
    return {
        "dagster/row_count": arrow.num_rows if rows is None else rows,
        "dagster/column_schema": table_schema(table),
        "preview": dg.MetadataValue.md(markdown_preview(arrow, preview_columns)),
    }


def counts_md(counter: Counter, header: tuple[str, str]) -> dg.MetadataValue:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---|"]
    for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {key} | {n} |")
    return dg.MetadataValue.md("\n".join(lines))
