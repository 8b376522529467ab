"""Publish validated working tables as an immutable release folder ``dataset/releases/vX.Y.Z/``.

Atomic: everything is written to ``releases/.tmp-vX.Y.Z-<pid>/`` and renamed into place at the end; a
crash leaves only a dot-folder, which loaders ignore and the next publication removes. Immutable: a
version that exists is never overwritten (same bytes: no-op; different bytes: refused).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ...schema import ID_SCHEME_VERSION, TABLES
from ..tables import to_arrow, write_parquet
from . import semver
from .card import changelog_entry, dataset_card
from .card_sections import data_dictionary_html, release_sources
from .descriptors import croissant, datapackage, dump, validate_croissant, validate_datapackage
from .diff import diff_releases
from .provenance import provenance, sha256_file
from .text_policy import DEFAULT_SNIPPET_CHARS, DEFAULT_TEXT_POLICY, TABLE_ORDER, published_tables, text_policies

#: fault injection for the atomicity test: seconds to sleep after the first file is written
PAUSE_ENV = "VOSTOK_RELEASE_TEST_PAUSE"


class ReleaseError(RuntimeError):
    """Publication refused (existing version with other bytes, invalid descriptors, bad version)."""


@dataclass
class PublishResult:
    path: Path
    status: str  # published | unchanged
    level: str
    reasons: list[str]


def release_dirs(root: Path) -> list[tuple[tuple[int, int, int], Path]]:
    out = []
    if root.exists():
        for p in root.iterdir():
            if p.is_dir() and p.name.startswith("v"):
                try:
                    out.append((semver.parse(p.name), p))
                except semver.VersionError:
                    continue
    return sorted(out)


def latest_release(root: Path, below: str | None = None) -> Path | None:
    dirs = release_dirs(root)
    if below is not None:
        limit = semver.parse(below)
        dirs = [d for d in dirs if d[0] < limit]
    return dirs[-1][1] if dirs else None


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o644)


#: files that name the version or derive from the tables alone: not, by themselves, a reason to bump
COMPARED_FOR_BUMP_EXCLUDE = {"CHANGELOG.md", "provenance.json", "SHA256SUMS", "README.md", "datapackage.json",
                             "croissant.json", "columns.html"}
#: files compared with their version number blanked (the validation report names its release)
VERSION_NAMED = {"validation/index.html"}


def _other_files_changed(previous: Path | None, folder: Path, version: str) -> list[str]:
    """Files beyond the tables (figures, validation, report) that differ from the previous release."""
    if previous is None:
        return []
    changed = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if not p.is_file() or rel.endswith(".parquet") or rel in COMPARED_FOR_BUMP_EXCLUDE:
            continue
        old = previous / rel
        if not old.exists():
            changed.append(rel)
            continue
        new_bytes, old_bytes = p.read_bytes(), old.read_bytes()
        if rel in VERSION_NAMED:
            new_bytes = new_bytes.replace(f"v{version}".encode(), b"vX")
            old_bytes = old_bytes.replace(previous.name.encode(), b"vX")
        if new_bytes != old_bytes:
            changed.append(rel)
    return changed


def _provenance_inputs_changed(previous: Path | None, prov: dict) -> list[str]:
    """Provenance blocks, other than the machine's (:data:`NOT_REPRODUCED`), that differ from the previous
    release's: the same tables built from another lock file are another release, or ``verify`` could not
    reproduce the previous one."""
    if previous is None or not (previous / "provenance.json").exists():
        return []
    old = json.loads((previous / "provenance.json").read_text(encoding="utf-8"))
    keys = sorted((set(old) | set(prov)) - set(NOT_REPRODUCED))
    return [key for key in keys if old.get(key) != json.loads(json.dumps(prov.get(key), default=str))]


def build_release_folder(folder: Path, version: str, tables: dict[str, pa.Table], validation: dict[str, dict],
                         previous: Path | None, prov: dict, enforce: bool = True) -> tuple[str, list[str]]:
    """Write every release file into ``folder``; returns the required bump level and reasons.

    ``enforce`` refuses a ``version`` that does not follow from the changes; without it (a tentative build
    that works the version out) the level is only reported."""
    from .figures import build_figures
    from .report import render

    out_tables = published_tables(tables)
    policies = {outlet: policy for outlet, (policy, _) in
                text_policies(set(tables["articles"].column("outlet").drop_null().to_pylist())).items()}
    diff = diff_releases(previous, out_tables, prov["raw_manifest"], ID_SCHEME_VERSION)
    requirement = diff.requirement()
    if enforce and requirement.level != "none":
        semver.check(previous.name[1:] if previous else None, version, requirement)  # fail early

    pause = float(os.environ.get(PAUSE_ENV, "0") or 0)
    files = {}
    for name, table in out_tables.items():
        path = write_parquet(table, folder / f"{name}.parquet")
        files[name] = {"path": path.name, "bytes": path.stat().st_size, "hash": sha256_file(path)}
        if pause:
            time.sleep(pause)
            pause = 0
    for name, report in sorted(validation.items()):
        _write(folder / "validation" / f"{name}.json", json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    _write(folder / "validation" / "index.html", render(version, validation))
    figures = build_figures(folder, out_tables)
    extra = _other_files_changed(previous, folder, version)
    if requirement.level == "none" and extra:
        requirement.level = "patch"
        requirement.reasons = [f"figures, validation or report changed: {', '.join(extra[:10])}"]
    inputs = _provenance_inputs_changed(previous, prov)
    if requirement.level == "none" and inputs:
        requirement.level = "patch"
        requirement.reasons = [f"the build's recorded inputs changed: {', '.join(inputs)}"]
    if previous is None and requirement.level == "none":
        requirement.level, requirement.reasons = "minor", ["first release"]
    if enforce:
        semver.check(previous.name[1:] if previous else None, version, requirement)
    _write(folder / "columns.html", data_dictionary_html(version, list(out_tables)))
    _write(folder / "datapackage.json", dump(datapackage(version, files, release_sources(out_tables["articles"].to_pylist()))))
    _write(folder / "croissant.json", dump(croissant(version, files)))
    _write(folder / "README.md", dataset_card(version, out_tables, policies, DEFAULT_TEXT_POLICY, DEFAULT_SNIPPET_CHARS,
                                              figures))
    entry = changelog_entry(version, previous.name[1:] if previous else None, diff, requirement.level, requirement.reasons)
    older = (previous / "CHANGELOG.md").read_text(encoding="utf-8") if previous and (previous / "CHANGELOG.md").exists() else ""
    older = older.split("\n", 2)[2] if older.startswith("# Changelog") else older
    _write(folder / "CHANGELOG.md", "# Changelog\n\n" + entry + ("\n" + older.lstrip("\n") if older.strip() else ""))
    _write(folder / "provenance.json", json.dumps(prov, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    errors = validate_datapackage(folder / "datapackage.json") + validate_croissant(folder / "croissant.json")
    if errors:
        raise ReleaseError("release descriptors are invalid: " + " | ".join(errors)[:2000])
    sums = [f"{sha256_file(p)}  {p.relative_to(folder).as_posix()}" for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "SHA256SUMS"]
    _write(folder / "SHA256SUMS", "\n".join(sums) + "\n")
    return requirement.level, requirement.reasons


#: provenance blocks that describe the building machine and checkout, not the release's inputs
NOT_REPRODUCED = ("git", "environment", "python")


def compare_folders(a: Path, b: Path) -> list[str]:
    """Differences between two release folders; provenance.json's :data:`NOT_REPRODUCED` blocks (where it was
    built) and the SHA256SUMS line for provenance.json are not compared."""
    diffs = []
    names_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    for n in sorted(names_a - names_b):
        diffs.append(f"only in {a}: {n}")
    for n in sorted(names_b - names_a):
        diffs.append(f"only in {b}: {n}")
    for n in sorted(names_a & names_b):
        x, y = (a / n).read_bytes(), (b / n).read_bytes()
        if n == "provenance.json":
            px, py = json.loads(x), json.loads(y)
            for machine_specific in NOT_REPRODUCED:
                px.pop(machine_specific, None)
                py.pop(machine_specific, None)
            if px != py:
                keys = sorted(k for k in set(px) | set(py) if px.get(k) != py.get(k))
                diffs.append(f"provenance.json differs in {', '.join(keys)}")
        elif n == "SHA256SUMS":
            fx = [line for line in x.decode().splitlines() if not line.endswith("provenance.json")]
            fy = [line for line in y.decode().splitlines() if not line.endswith("provenance.json")]
            if fx != fy:
                diffs.append("SHA256SUMS differs")
        elif x != y:
            diffs.append(f"{n} differs ({len(x)} vs {len(y)} bytes)")
    return diffs


def validate_and_publish(tables: dict[str, pa.Table], reference, version: str | None, releases_root: Path,
                         raw_dir: Path, repo: Path) -> PublishResult:
    """The one validate-then-publish path (the release asset and the CLI): run every suite on the tables
    exactly as they will be published (text policy applied) against the build's reference time, then
    :func:`publish` (refused when a suite failed)."""
    from ..quality_tables import validate_tables

    reports = validate_tables(published_tables(tables), reference, published=True)
    return publish(tables, {n: r.to_json() for n, r in reports.items()}, version, releases_root, raw_dir, repo,
                   reference)


def publish(tables: dict[str, pa.Table], validation: dict[str, dict], version: str | None, releases_root: Path,
            raw_dir: Path, repo: Path, reference=None) -> PublishResult:
    """Publish ``tables`` (validated working tables) as ``releases_root/v<version>``.

    ``version`` None works it out: the smallest bump the changes since the latest release need; when nothing
    changed, nothing is published (status ``unchanged``, the latest release's path). ``reference`` (the build's
    :class:`~pipeline.core.reference_time.ReferenceTime`) is recorded in provenance.json for ``verify``."""
    if version is not None:
        semver.parse(version)
    # One canonical Arrow form whatever path the tables took (Parquet, pandas, rows): same bytes out.
    tables = {name: to_arrow(TABLES[name], table.to_pylist()) for name, table in tables.items()}
    if any(not report.get("success", False) for report in validation.values()):
        failed = sorted(name for name, r in validation.items() if not r.get("success", False))
        raise ReleaseError(f"blocked: the GX suites of {', '.join(failed)} failed; nothing is published")
    releases_root.mkdir(parents=True, exist_ok=True)
    from ..locking import exclusive_lock

    with exclusive_lock(releases_root):
        if version is None:
            return _publish_next(tables, validation, releases_root, raw_dir, repo, reference)
        return _publish_locked(tables, validation, version, releases_root, raw_dir, repo, reference)


def _publish_next(tables: dict[str, pa.Table], validation: dict[str, dict], releases_root: Path, raw_dir: Path,
                  repo: Path, reference) -> PublishResult:
    """Publish under the version the changes call for, or nothing when the tables equal the latest release."""
    latest = latest_release(releases_root)
    previous = latest.name[1:] if latest else None
    prov = provenance(repo, raw_dir, repo / "uv.lock", reference)
    tentative = semver.next_version(previous, "patch")
    tmp = releases_root / f".tmp-next-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        level, reasons = build_release_folder(tmp, tentative, tables, validation, latest, prov, enforce=False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if level == "none":
        return PublishResult(latest, "unchanged", "none", [f"the tables equal v{previous}: nothing to publish"])
    return _publish_locked(tables, validation, semver.next_version(previous, level), releases_root, raw_dir, repo,
                           reference)


def _publish_locked(tables: dict[str, pa.Table], validation: dict[str, dict], version: str, releases_root: Path,
                    raw_dir: Path, repo: Path, reference=None) -> PublishResult:
    for stale in releases_root.glob(".tmp-*"):
        if stale.is_dir() and not _owned_by_live_process(stale):
            shutil.rmtree(stale, ignore_errors=True)
    final = releases_root / f"v{version}"
    prov = provenance(repo, raw_dir, repo / "uv.lock", reference)
    previous = latest_release(releases_root, below=version)
    tmp = releases_root / f".tmp-v{version}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        if final.exists():
            # Rebuild against the same predecessor and compare: identical is a no-op, anything else is refused.
            level, reasons = build_release_folder(tmp, version, tables, validation, previous, prov)
            differences = compare_folders(final, tmp)
            if differences:
                raise ReleaseError(f"v{version} already exists with different content; publish a new version. "
                                   + "; ".join(differences[:10]))
            return PublishResult(final, "unchanged", level, reasons)
        level, reasons = build_release_folder(tmp, version, tables, validation, previous, prov)
        os.rename(tmp, final)
        return PublishResult(final, "published", level, reasons)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _owned_by_live_process(tmp: Path) -> bool:
    try:
        pid = int(tmp.name.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False
