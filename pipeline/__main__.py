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

from .core.build import build_from_documents
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


def cmd_partitions(raw: str) -> int:
    """Register raw/'s batches as Dagster dynamic partitions (DAGSTER_HOME's instance); print run tags over all."""
    import dagster as dg

    from .defs.batches import range_tags, sync_partitions

    with dg.DagsterInstance.get() as instance:
        state = sync_partitions(instance, Path(raw))
        if state["added"] or state["removed"]:
            print(f"batches: +{len(state['added'])} -{len(state['removed'])}, {len(state['batches'])} in all",
                  file=sys.stderr)
        print(json.dumps(range_tags(instance)))
    return 0


def cmd_build(raw: str, out: str, cache: str | None = None, workers: int = 1) -> int:
    """Build the working tables without Dagster (same core functions; the GX suites run but do not gate)."""
    from .core.build import build_tables
    from .core.quality import validate_all
    from .core.tables import write_parquet

    from .core.locking import exclusive_lock
    from .core.tables import write_checksums

    from .core.incremental import DocumentCache

    tables = build_tables(Path(raw), DocumentCache(cache) if cache else None, workers)
    with exclusive_lock(Path(out)):
        for name, table in tables.items():
            write_parquet(table, Path(out) / f"{name}.parquet")
        write_checksums(Path(out), [f"{name}.parquet" for name in tables])
    reports = validate_all({name: t.to_pandas() for name, t in tables.items()})
    print(json.dumps({"rows": {n: t.num_rows for n, t in tables.items()},
                      "suites": {n: r.success for n, r in reports.items()}, "out": out}))
    return 0 if all(r.success for r in reports.values()) else 1


def cmd_release(version: str, tables_dir: str, releases: str, raw: str) -> int:
    """Publish the validated working tables in ``tables_dir`` as release ``version``."""
    from .core.quality import validate_all
    from .core.release.publish import ReleaseError, publish
    from .core.release.semver import VersionError
    from .schema import TABLES

    from .core.tables import CorruptTableError, read_parquet_checked

    try:
        tables = {name: read_parquet_checked(Path(tables_dir) / f"{name}.parquet") for name in TABLES}
    except CorruptTableError as exc:
        print(f"release refused: {exc}", file=sys.stderr)
        return 2
    reports = validate_all({name: t.to_pandas() for name, t in tables.items()})
    try:
        result = publish(tables, {n: r.to_json() for n, r in reports.items()}, version, Path(releases), Path(raw),
                         Path.cwd())
    except (ReleaseError, VersionError) as exc:
        print(f"release refused: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"release": str(result.path), "status": result.status, "bump": result.level,
                      "reasons": result.reasons}, ensure_ascii=False))
    return 0


def cmd_verify(releases: str, raw: str) -> int:
    """Rebuild the latest release from raw/ in a temporary folder and compare it file by file."""
    import shutil
    import tempfile

    from .core.build import build_tables
    from .core.quality import validate_all
    from .core.release.publish import compare_folders, latest_release, publish

    root = Path(releases)
    latest = latest_release(root)
    if latest is None:
        print(f"no release under {root} to verify", file=sys.stderr)
        return 2
    version = latest.name[1:]
    tables = build_tables(Path(raw))
    reports = validate_all({name: t.to_pandas() for name, t in tables.items()})
    with tempfile.TemporaryDirectory(prefix="vostok-verify-") as tmp:
        tmp_root = Path(tmp) / "releases"
        tmp_root.mkdir()
        previous = latest_release(root, below=version)
        if previous is not None:
            shutil.copytree(previous, tmp_root / previous.name)
        rebuilt = publish(tables, {n: r.to_json() for n, r in reports.items()}, version, tmp_root, Path(raw),
                          Path.cwd()).path
        differences = compare_folders(latest, rebuilt)
    if differences:
        print(f"v{version} NOT reproduced:")
        for d in differences:
            print(f"  - {d}")
        return 1
    print(f"v{version} reproduced: every file is byte-identical (provenance's git block aside)")
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
    p_build.add_argument("--cache", default=None, help="document cache (SQLite), e.g. dataset/work/cache.sqlite")
    p_build.add_argument("--workers", type=int, default=1, help="processes for NER and events")
    p_parts = sub.add_parser("partitions", help="sync raw/ batches into Dagster's dynamic partitions, print run tags")
    p_parts.add_argument("--raw", default="raw")
    p_release = sub.add_parser("release", help="publish dataset/current as dataset/releases/vX.Y.Z")
    p_release.add_argument("--version", required=True)
    p_release.add_argument("--tables", default="dataset/current")
    p_release.add_argument("--releases", default="dataset/releases")
    p_release.add_argument("--raw", default="raw")
    p_verify = sub.add_parser("verify", help="rebuild the latest release from raw/ and compare byte for byte")
    p_verify.add_argument("--releases", default="dataset/releases")
    p_verify.add_argument("--raw", default="raw")
    args = parser.parse_args(argv)
    if args.command == "release":
        return cmd_release(args.version, args.tables, args.releases, args.raw)
    if args.command == "verify":
        return cmd_verify(args.releases, args.raw)
    if args.command == "extract":
        return cmd_extract(args.files)
    if args.command == "tag":
        return cmd_tag(sys.stdin, sys.stdout)
    if args.command == "partitions":
        return cmd_partitions(args.raw)
    return cmd_build(args.raw, args.out, args.cache, args.workers)


if __name__ == "__main__":
    sys.exit(main())
