"""Two command-line commands for users rather than builds: ``run`` (pages straight to articles, entities and
events, one JSON object per document) and ``stats`` (the counts of a release or of dataset/current).

``run`` calls the functions a build calls (extract and metadata as one batch, then the analysis of each
article), so what it prints is what the tables would hold for those files, less the corpus-level steps
(the entities table, event clusters, quarantine).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path


#: characters that JSON leaves raw but ``str.splitlines`` (and some JSON Lines readers) break a line at
_LINE_BREAKS_JSON_KEEPS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_line(value, **kwargs) -> str:
    """One JSON Lines record: UTF-8 text as it is, except the line separators JSON may leave raw (a page's U+2028
    would otherwise split the record for a reader that splits lines the Unicode way)."""
    text = json.dumps(value, ensure_ascii=False, **kwargs)
    for char, escaped in _LINE_BREAKS_JSON_KEEPS.items():
        text = text.replace(char, escaped)
    return text


def jsonable(value):
    """Rows as JSON: dates in ISO form, private (``_``) keys dropped, nested lists and dicts alike."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def missing_files(paths: list[str]) -> list[str]:
    """Paths that name nothing; each gets its own message, and the others are still processed."""
    return [p for p in paths if not Path(p).exists()]


def cmd_run(paths: list[str], out=sys.stdout, err=sys.stderr) -> int:
    """``{"article", "mentions", "events"}`` per article, ``{"source_path", "error", "message"}`` per reject."""
    from .core.analysis import AnalysisFailure, analyze_articles
    from .core.build import extract_files

    missing = missing_files(paths)
    for path in missing:
        print(f"python -m pipeline run: no such file: {path}", file=err)
    present = [p for p in paths if p not in missing]
    articles, rejects = extract_files(present) if present else ([], [])
    analyses = analyze_articles([(a["article_id"], a["body"], a.get("published_at")) for a in articles])
    status = 1 if missing or rejects else 0
    for article, analysis in zip(articles, analyses):
        if isinstance(analysis, AnalysisFailure):
            record = {"source_path": article["source_path"], "error": analysis.reason, "message": analysis.message}
            status = 1
        else:
            mention_rows, event_rows, notes = analysis
            article = {**article, "notes": sorted(set(article.get("notes") or []) | set(notes))}
            record = {"article": jsonable(article), "mentions": jsonable(mention_rows),
                      "events": jsonable(event_rows)}
        out.write(json_line(record, default=str) + "\n")
    for reject in rejects:
        out.write(json_line({"source_path": reject.source_path, "error": reject.reason, "message": reject.message})
                  + "\n")
    return status


def table_stats(folder: Path) -> dict:
    """Counts a user asks of a release first: rows per table, articles by outlet, language and year, events
    by CAMEO root and modality, rejects by reason."""
    import pyarrow.parquet as pq

    from .schema import TABLES

    present = {name: folder / f"{name}.parquet" for name in TABLES if (folder / f"{name}.parquet").exists()}
    if not present:
        raise FileNotFoundError(f"no tables under {folder}")
    column = lambda table, name: (pq.read_table(present[table], columns=[name]).column(name).to_pylist()  # noqa: E731
                                  if table in present and name in pq.read_schema(present[table]).names else [])
    counted = lambda values: dict(sorted(Counter("(none)" if v is None else str(v) for v in values).items()))  # noqa: E731
    return {
        "folder": folder.as_posix(),
        "rows": {name: pq.read_metadata(path).num_rows for name, path in present.items()},
        "articles_by_outlet": counted(column("articles", "outlet")),
        "articles_by_language": counted(column("articles", "language")),
        "articles_by_year": counted(v.year if v is not None else None for v in column("articles", "published_at")),
        "events_by_cameo_root": counted(column("events", "cameo_root")),
        "events_by_modality": counted(column("events", "modality")),
        "rejects_by_reason": counted(column("rejects", "reason")),
    }


def cmd_stats(release: str | None, tables: str, releases: str, out=sys.stdout, err=sys.stderr) -> int:
    from .core.release.publish import latest_release

    if release:
        folder = latest_release(Path(releases)) if release == "latest" else Path(releases) / f"v{release.lstrip('v')}"
        if folder is None or not folder.is_dir():
            print(f"python -m pipeline stats: no release {release!r} under {releases}", file=err)
            return 2
    else:
        folder = Path(tables)
    try:
        out.write(json.dumps(table_stats(folder), ensure_ascii=False, indent=2) + "\n")
    except FileNotFoundError as exc:
        print(f"python -m pipeline stats: {exc} (run make dataset, or name a release with --release)", file=err)
        return 2
    return 0
