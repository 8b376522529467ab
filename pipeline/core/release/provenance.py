"""Where a release came from: the raw inventory, the checkout and its state, the lock file, tool and code
versions, the reference time. ``git`` and ``environment`` describe the building machine (``verify`` does not
compare them); everything else is an input of the build and must reproduce."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version as package_version
from pathlib import Path

from ...knowledge import knowledge_sources
from ...schema import ID_SCHEME_VERSION
from ..documents import open_regular
from ..errors import RejectError
from ..ingest import walk_raw
from ..versions import all_code_versions


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def raw_manifest(raw_dir: Path) -> dict[str, dict]:
    """Every input under raw/ (the walk the accounting check makes): its size and sha256."""
    out = {}
    for rel, path in walk_raw(raw_dir):
        try:  # opened as ingest opens it: no symlink followed, no FIFO waited on, no PATH_MAX limit
            with os.fdopen(open_regular(path, raw_dir), "rb") as fh:
                digest, size = hashlib.sha256(), 0
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
                    size += len(chunk)
            out[rel] = {"bytes": size, "sha256": digest.hexdigest()}
        except (RejectError, OSError):
            out[rel] = {"bytes": None, "sha256": None, "note": "not a regular file"}
    return out


#: where an uncommitted file changes what a release is built from (untracked files count here)
BUILD_INPUT_PATHS = ("raw", "pipeline", "uv.lock", "pyproject.toml")


def checkout_state(repo: Path) -> dict:
    """The commit, and whether it alone rebuilds the release: ``clean`` is false when a tracked file is modified
    anywhere, or a file under :data:`BUILD_INPUT_PATHS` is untracked; ``dirty`` lists them (first 50)."""
    tracked = _git(repo, "status", "--porcelain", "--untracked-files=no")
    inputs = _git(repo, "status", "--porcelain", "--untracked-files=all", "--", *BUILD_INPUT_PATHS)
    if tracked is None or inputs is None:
        return {"commit": _git(repo, "rev-parse", "HEAD"), "clean": None, "dirty": []}
    dirty = sorted({line[2:].strip() for line in (tracked + "\n" + inputs).splitlines() if line.strip()})
    return {"commit": _git(repo, "rev-parse", "HEAD"), "clean": not dirty, "dirty": dirty[:50]}


def _git(repo: Path, *args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def provenance(repo: Path, raw_dir: Path, lock_file: Path, reference=None) -> dict:
    """Where a release came from. ``git`` and ``environment`` describe the machine and checkout that built it
    (``verify`` does not compare them); everything else is an input of the build and must reproduce."""
    tools = {}
    for name in ("natasha", "slovnet", "navec", "pymorphy3", "great-expectations", "pyarrow", "pandas", "dagster",
                 "lingua-language-detector", "rapidfuzz", "frictionless", "mlcroissant"):
        try:
            tools[name] = package_version(name)
        except PackageNotFoundError:
            tools[name] = None
    return {
        "git": checkout_state(repo),
        "lock_file": {"path": lock_file.name, "sha256": sha256_file(lock_file) if lock_file.exists() else None},
        "environment": {"python": platform.python_version()},
        "reference_time": reference.to_json() if reference is not None else None,
        "tools": tools,
        "code_versions": all_code_versions(),
        "knowledge_sources": knowledge_sources("gazetteer"),
        "id_scheme_version": ID_SCHEME_VERSION,
        "raw_manifest": raw_manifest(raw_dir),
    }
