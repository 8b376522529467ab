"""Read the pipeline's knowledge files (phrase lists, outlet profiles, gazetteer and CAMEO tables, GX suites).

Files are read through :mod:`importlib.resources`, so they work from a checkout
and from an installed wheel. :func:`data_version` hashes a set of them, and the
Dagster layer folds that hash into each asset's ``code_version``: editing a
phrase list re-materializes exactly the assets that read it.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources

DATA_PACKAGE = "pipeline.data"


def _root():
    return resources.files(DATA_PACKAGE)


def read_text(relative: str) -> str:
    node = _root()
    for part in relative.split("/"):
        node = node / part
    return node.read_text(encoding="utf-8")


def list_dir(relative: str) -> list[str]:
    node = _root()
    for part in relative.split("/"):
        node = node / part
    return sorted(p.name for p in node.iterdir() if p.is_file())


@lru_cache(maxsize=None)
def phrase_lines(relative: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a phrase file."""
    out = []
    for line in read_text(relative).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return tuple(out)


def tsv_rows(relative: str, header: bool = False) -> list[list[str]]:
    """The tab-separated rows of a table file (gazetteer, CAMEO): blank and ``#`` comment lines skipped, fields
    as written; ``header`` drops the first row (column names)."""
    rows = [line.split("\t") for line in read_text(relative).splitlines() if line.strip() and not line.startswith("#")]
    return rows[1:] if header else rows


@lru_cache(maxsize=None)
def outlet_profiles() -> dict[str, dict]:
    """Outlet profiles keyed by domain (``data/outlets/<domain>.json``)."""
    profiles = {}
    for name in list_dir("outlets"):
        if name.endswith(".json"):
            profile = json.loads(read_text(f"outlets/{name}"))
            profiles[profile["domain"].lower()] = profile
    return profiles


def data_version(*relatives: str) -> str:
    """Short hash of the named data files or folders (for Dagster code versions)."""
    h = hashlib.sha256()
    for rel in sorted(relatives):
        names = [rel]
        try:
            names = [f"{rel}/{n}" for n in list_dir(rel)]
        except (NotADirectoryError, FileNotFoundError, OSError):
            pass
        for name in names:
            h.update(name.encode())
            h.update(read_text(name).encode())
    return h.hexdigest()[:12]


def knowledge_sources(folder: str = "gazetteer") -> list[dict]:
    """The ``# source: NAME | version: ... | license: ...`` header lines of a data folder's files, for release
    provenance: which recorded sources the shipped knowledge was built from."""
    out = []
    for name in list_dir(folder):
        for line in read_text(f"{folder}/{name}").splitlines()[:10]:
            if line.startswith("# source:"):
                fields = {}
                for part in line[2:].split(" | "):
                    key, _, value = part.partition(":")
                    fields[key.strip()] = value.strip()
                out.append({"file": f"{folder}/{name}", **fields})
    return out
