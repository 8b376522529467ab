"""The accounting invariant: every entry under raw/ ends up in ``articles`` or ``rejects``, exactly once.

The inventory is taken by a walk of raw/ of its own, not by the batching code, so a file that the batching
code fails to see (a folder it maps wrongly, a name it cannot encode) shows up here as missing. A WARC file
counts once per record it yields (``file.warc.gz#<record id>``), or once if it is rejected whole.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Sequence


def raw_entries(raw_dir: Path) -> set[str]:
    """Every non-directory entry under ``raw_dir`` (relative posix paths), symlinks included and not followed."""
    root = os.fspath(raw_dir)
    found = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        linked = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        for name in filenames + linked:
            found.add(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/"))
    return found


def _entry_of(output: str, entries: set[str]) -> str | None:
    if output in entries:
        return output
    position = output.find("#")
    while position != -1:  # a WARC record: the file's path, '#', the record id (a file name may hold '#' too)
        if output[:position] in entries:
            return output[:position]
        position = output.find("#", position + 1)
    return None


def accounting(raw_dir: Path, article_paths: Sequence[str], reject_paths: Sequence[str]) -> dict:
    """Check the invariant; ``ok`` with the counts, or the paths that break it (missing from both tables,
    present twice, or not under raw/ at all)."""
    entries = raw_entries(Path(raw_dir))
    outputs = list(article_paths) + list(reject_paths)
    doubled = sorted(p for p, n in Counter(outputs).items() if n > 1)
    covered, unexpected = set(), []
    for output in outputs:
        entry = _entry_of(output, entries)
        if entry is None:
            unexpected.append(output)
        else:
            covered.add(entry)
    missing = sorted(entries - covered)
    return {"inputs": len(set(outputs) - set(unexpected)) + len(missing), "files": len(entries),
            "articles": len(article_paths), "rejects": len(reject_paths), "missing": missing, "doubled": doubled,
            "unexpected": sorted(unexpected), "ok": not missing and not doubled and not unexpected}
