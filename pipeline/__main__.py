"""Command line: ``python -m pipeline <command>``.

* ``extract FILE...``: clean and parse pages (text, HTML, WARC: one JSON line per record);
* ``tag``: JSON Lines ``{id, text}`` on stdin → mentions and events;
* ``build``: the working tables from raw/ without Dagster (same core functions, quarantine included);
* ``release``: publish dataset/current as the next (or a given) version;
* ``verify``: rebuild the latest release from raw/ and compare it byte for byte;
* ``run FILE...``: pages straight to their article, mentions and events (one JSON object per document);
* ``stats``: the counts of dataset/current or of a release;
* ``materialize JOB``: run a Dagster job (``build_dataset``, ``publish_release``) in this process, recorded in
  the instance, INFO logs, and a summary of what it did (``make dataset`` and ``make release`` use it).

``extract`` prints one JSON object per line: the ``articles`` fields for each article, or
``{"source_path", "error", "message"}`` for each reject. All files are processed as one batch, so templates
learned across pages of the same outlet apply.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def cmd_extract(paths: list[str]) -> int:
    from .cli_commands import json_line, jsonable, missing_files
    from .core.build import extract_files

    missing = missing_files(paths)
    for path in missing:
        print(f"python -m pipeline extract: no such file: {path}", file=sys.stderr)
    paths = [p for p in paths if p not in missing]
    articles, rejects = extract_files(paths) if paths else ([], [])
    lines = [(row["source_path"], jsonable(row)) for row in articles]
    lines += [(r.source_path, {"source_path": r.source_path, "error": r.reason, "message": r.message})
              for r in rejects]
    from .core.rawnames import escape_name

    order = {escape_name(p): i for i, p in enumerate(paths)}

    def position(source_path: str) -> tuple:  # the order the files were given; a WARC's records in record order
        for name in (source_path, source_path.split("#", 1)[0]):
            if name in order:
                return order[name], source_path
        return len(order), source_path

    for _, line in sorted(lines, key=lambda item: position(item[0])):
        print(json_line(line, default=str))
    return 0 if not rejects and not missing else 1


def cmd_tag(stdin, stdout) -> int:
    """JSON Lines {"id", "text"[, "published_at"]} on stdin → {"id", "mentions", "events"} per line.

    Same code as the mentions and events assets. ``published_at`` (ISO date) lets dates without a year resolve.
    """
    from datetime import date as date_type

    from .cli_commands import json_line
    from .core.build import tag_document

    status = 0
    for n, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise TypeError(f"expected a JSON object {{\"id\": ..., \"text\": ...}}, got {type(record).__name__}")
            absent = [field for field in ("id", "text") if field not in record]
            if absent:
                raise KeyError(f"missing field {' and '.join(repr(f) for f in absent)}; each line is a JSON object "
                               f"{{\"id\": ..., \"text\": ...[, \"published_at\": \"YYYY-MM-DD\"]}}")
            doc_id, text = record["id"], record["text"]
            if not isinstance(text, str):
                raise TypeError("text must be a string")
            published = record.get("published_at")
            published = date_type.fromisoformat(published[:10]) if published else None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            stdout.write(json_line({"line": n, "error": "bad_input", "message": f"line {n}: {message}"}) + "\n")
            status = 1
            continue
        stdout.write(json_line(tag_document(doc_id, text, published)) + "\n")
    return status


def cmd_build(raw: str, out: str, cache: str | None = None, workers: int = 1, as_of: str | None = None,
              topic_profile: str | None = None, relevance_threshold: str | None = None) -> int:
    """Build the working tables without Dagster (same core functions; the GX suites run but do not gate)."""
    from .core.corpus import build_corpus
    from .core.document_cache import DocumentCache
    from .core.quality_tables import validate_tables
    from .core.relevance import RelevanceConfig
    from .core.tables import write_working_tables

    relevance = RelevanceConfig.from_strings(topic_profile, relevance_threshold)
    build = build_corpus(Path(raw), DocumentCache(cache) if cache else None, workers, declared_as_of=as_of,
                         relevance=relevance)
    write_working_tables(build.tables, build.reference.to_json(), Path(out))
    reports = validate_tables(build.tables, build.reference)  # chunk by chunk, table-level checks as queries
    from .core.accounting import accounting

    report = accounting(Path(raw), build.tables.column("articles", "source_path").to_pylist(),
                        build.tables.column("rejects", "source_path").to_pylist())
    print(json.dumps({"rows": {n: build.tables.num_rows(n) for n in build.tables},
                      "accounting": {k: report[k] if k in ("ok", "files") else report[k][:20]
                                     for k in ("ok", "files", "missing", "doubled", "unexpected")},
                      "quarantined": len(build.quarantined), "reference_time": build.reference.to_json(),
                      "suites": {n: r.success for n, r in reports.items()}, "out": out}))
    return 0 if all(r.success for r in reports.values()) and report["ok"] else 1


def cmd_release(version: str | None, tables_dir: str, releases: str, raw: str) -> int:
    """Publish the working tables in ``tables_dir`` (validated against the reference time stored with them) as
    release ``version``, or as the version the changes call for."""
    from .core.reference_time import ReferenceTime
    from .core.release.publish import ReleaseError, validate_and_publish
    from .core.release.semver import VersionError
    from .core.tables import CorruptTableError, read_parquet_checked, read_reference
    from .schema import TABLES

    try:
        tables = {name: read_parquet_checked(Path(tables_dir) / f"{name}.parquet") for name in TABLES}
    except CorruptTableError as exc:
        print(f"release refused: {exc}", file=sys.stderr)
        return 2
    stored = read_reference(Path(tables_dir))
    if stored is None:
        print(f"release refused: {tables_dir} has no reference_time.json; rebuild it (make dataset)", file=sys.stderr)
        return 2
    try:
        result = validate_and_publish(tables, ReferenceTime.from_json(stored), version, Path(releases), Path(raw),
                                      Path.cwd())
    except (ReleaseError, VersionError) as exc:
        print(f"release refused: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"release": str(result.path), "status": result.status, "bump": result.level,
                      "reasons": result.reasons}, ensure_ascii=False))
    return 0


def cmd_verify(releases: str, raw: str) -> int:
    """Rebuild the latest release from raw/ in a temporary folder, with the reference time it recorded, and
    compare it file by file."""
    import shutil
    import tempfile

    from .core.corpus import build_corpus
    from .core.reference_time import ReferenceTime
    from .core.release.publish import compare_folders, latest_release, validate_and_publish

    root = Path(releases)
    latest = latest_release(root)
    if latest is None:
        print(f"no release under {root} to verify", file=sys.stderr)
        return 2
    version = latest.name[1:]
    provenance = json.loads((latest / "provenance.json").read_text(encoding="utf-8"))
    recorded = provenance.get("reference_time")
    origin = provenance.get("git") or {}
    if origin.get("clean") is False:
        print(f"v{version} was built from a checkout with uncommitted changes at {origin.get('commit')}: "
              f"{', '.join(origin.get('dirty') or []) or '(not listed)'}; its commit alone may not rebuild it",
              file=sys.stderr)
    if recorded is None:
        print(f"v{version} records no reference time (released before it was an input): it cannot be replayed "
              "on another day", file=sys.stderr)
    reference = ReferenceTime.from_json(recorded) if recorded else None
    build = build_corpus(Path(raw), reference=reference)
    with tempfile.TemporaryDirectory(prefix="vostok-verify-") as tmp:
        tmp_root = Path(tmp) / "releases"
        tmp_root.mkdir()
        previous = latest_release(root, below=version)
        if previous is not None:
            shutil.copytree(previous, tmp_root / previous.name)
        tables = dict(build.tables.items())  # publishing holds the tables (the release's text policy, diff, card)
        rebuilt = validate_and_publish(tables, build.reference, version, tmp_root, Path(raw), Path.cwd()).path
        differences = compare_folders(latest, rebuilt)
    if differences:
        print(f"v{version} NOT reproduced:")
        for d in differences:
            print(f"  - {d}")
        return 1
    print(f"v{version} reproduced: every file is byte-identical (provenance's machine blocks aside), "
          f"reference time {build.reference.as_of} ({build.reference.source})")
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
    p_build.add_argument("--as-of", default=None, help="reference date YYYY-MM-DD (default: derived from the data)")
    p_build.add_argument("--topic-profile", default=None,
                         help="topic profile: a packaged name or a JSON path (default: northeast_asia)")
    p_build.add_argument("--relevance-threshold", default=None, help="override the profile's threshold (0..1)")
    p_release = sub.add_parser("release", help="publish dataset/current as dataset/releases/vX.Y.Z")
    p_release.add_argument("--version", default=None, help="X.Y.Z (default: the bump the changes need)")
    p_release.add_argument("--tables", default="dataset/current")
    p_release.add_argument("--releases", default="dataset/releases")
    p_release.add_argument("--raw", default="raw")
    p_verify = sub.add_parser("verify", help="rebuild the latest release from raw/ and compare byte for byte")
    p_verify.add_argument("--releases", default="dataset/releases")
    p_verify.add_argument("--raw", default="raw")
    p_pages = sub.add_parser("run", help="pages -> article, mentions and events, one JSON object per document")
    p_pages.add_argument("files", nargs="+")
    p_stats = sub.add_parser("stats", help="counts of dataset/current, or of a release (--release X.Y.Z|latest)")
    p_stats.add_argument("--release", default=None)
    p_stats.add_argument("--tables", default="dataset/current")
    p_stats.add_argument("--releases", default="dataset/releases")
    p_run = sub.add_parser("materialize", help="run a Dagster job quietly and summarize what it did")
    p_run.add_argument("job", choices=("build_dataset", "publish_release"))
    p_run.add_argument("--version", default="", help="publish_release: X.Y.Z (default: the bump the changes need)")
    p_run.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    args = parser.parse_args(argv)
    if args.command in ("run", "stats"):
        from .cli_commands import cmd_run, cmd_stats

        return cmd_run(args.files) if args.command == "run" else cmd_stats(args.release, args.tables, args.releases)
    if args.command == "materialize":
        from .defs.launch import launch

        return launch(args.job, args.version, args.log_level)
    if args.command == "release":
        return cmd_release(args.version, args.tables, args.releases, args.raw)
    if args.command == "verify":
        return cmd_verify(args.releases, args.raw)
    if args.command == "extract":
        return cmd_extract(args.files)
    if args.command == "tag":
        return cmd_tag(sys.stdin, sys.stdout)
    return cmd_build(args.raw, args.out, args.cache, args.workers, args.as_of, args.topic_profile,
                     args.relevance_threshold)


if __name__ == "__main__":
    sys.exit(main())
