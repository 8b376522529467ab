"""Command line: ``python -m pipeline extract FILE...``, ``python -m pipeline tag`` and ``python -m pipeline build``.

``extract`` prints one JSON object per line: the ``articles`` fields for each
file, or ``{"source_path", "error", "message"}``. All files are processed as
one batch, so templates learned across pages of the same outlet apply.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from .core.build import build_from_directory, build_from_documents
from .core.errors import Reject, RejectError
from .core.ingest import read_document


def _jsonable(row: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


def cmd_extract(paths: list[str]) -> int:
    documents, rejects = [], []
    for p in paths:
        path = Path(p)
        try:
            documents.append(read_document(p, path))
        except RejectError as exc:
            rejects.append(Reject(p, None, "ingest", exc.reason, exc.message))
        except OSError as exc:
            rejects.append(Reject(p, None, "ingest", "unreadable", str(exc)))
    result = build_from_documents(documents, rejects)
    by_path = {row["source_path"]: _jsonable(row) for row in result.articles}
    by_path.update({r.source_path: {"source_path": r.source_path, "error": r.reason, "message": r.message}
                    for r in result.rejects})
    for p in paths:
        print(json.dumps(by_path.get(p, {"source_path": p, "error": "internal_error", "message": "no result"}),
                         ensure_ascii=False))
    return 0 if not result.rejects else 1


def cmd_tag(stdin, stdout) -> int:
    """JSON Lines {"id", "text"[, "published_at"]} on stdin → {"id", "mentions", "events"} per line.

    Same code as the mentions and events assets. ``published_at`` (ISO date) lets dates without a year resolve.
    """
    from datetime import date as date_type

    from .core.build import tag_document

    status = 0
    for n, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            doc_id, text = record["id"], record["text"]
            if not isinstance(text, str):
                raise TypeError("text must be a string")
            published = record.get("published_at")
            published = date_type.fromisoformat(published[:10]) if published else None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            stdout.write(json.dumps({"line": n, "error": "bad_input", "message": str(exc)}, ensure_ascii=False) + "\n")
            status = 1
            continue
        stdout.write(json.dumps(tag_document(doc_id, text, published), ensure_ascii=False) + "\n")
    return status


def cmd_build(raw: str, out: str) -> int:
    """Build the working tables without Dagster (same core functions, no GX gate)."""
    from .core.tables import to_arrow, write_parquet
    from .schema import ARTICLES, REJECTS

    result = build_from_directory(Path(raw))
    write_parquet(to_arrow(ARTICLES, result.articles), Path(out) / "articles.parquet")
    write_parquet(to_arrow(REJECTS, [r.as_row() for r in result.rejects]), Path(out) / "rejects.parquet")
    print(json.dumps({"articles": len(result.articles), "rejects": len(result.rejects), "out": out}))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description="Vostok pipeline")
    sub = parser.add_subparsers(dest="command", required=True)
    p_extract = sub.add_parser("extract", help="clean and parse pages, print JSON lines")
    p_extract.add_argument("files", nargs="+")
    sub.add_parser("tag", help="JSON Lines {id, text} on stdin -> linked entity mentions on stdout")
    p_build = sub.add_parser("build", help="build working tables from raw/ without Dagster")
    p_build.add_argument("--raw", default="raw")
    p_build.add_argument("--out", default="dataset/current")
    args = parser.parse_args(argv)
    if args.command == "extract":
        return cmd_extract(args.files)
    if args.command == "tag":
        return cmd_tag(sys.stdin, sys.stdout)
    return cmd_build(args.raw, args.out)


if __name__ == "__main__":
    sys.exit(main())
