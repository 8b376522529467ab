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

from .rawnames import escape_name


def raw_entries(raw_dir: Path) -> set[str]:
    """Every non-directory entry under ``raw_dir`` (recorded relative paths, :mod:`~pipeline.core.rawnames`),
    symlinks included and not followed, a directory that cannot be listed counted as one entry. Its own walk,
    sharing nothing with ingest's: depth-first with an explicit stack (no depth limit), each folder opened from
    raw/ by descriptors, one component at a time (no PATH_MAX limit, no fixed number of open descriptors)."""
    found: set[str] = set()
    stack: list[list[bytes]] = [[]]
    while stack:
        parts = stack.pop()
        try:
            names = _listing(os.fsencode(raw_dir), parts)
        except OSError:
            if parts:
                found.add(escape_name(b"/".join(parts)))
            continue
        for name, is_dir in names:
            if is_dir:
                stack.append(parts + [name])
            else:
                found.add(escape_name(b"/".join(parts + [name])))
    return found


_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _listing(root: bytes, parts: list[bytes]) -> list[tuple[bytes, bool]]:
    fd = os.open(root, _FLAGS & ~os.O_NOFOLLOW)
    try:
        for part in parts:
            nxt = os.open(part, _FLAGS, dir_fd=fd)
            os.close(fd)
            fd = nxt
        out = []
        with os.scandir(fd) as listing:
            for e in listing:
                try:
                    out.append((os.fsencode(e.name), e.is_dir(follow_symlinks=False)))
                except OSError:
                    out.append((os.fsencode(e.name), False))
        return out
    finally:
        os.close(fd)


def _entry_of(output: str, entries: set[str]) -> str | None:
    """The raw entry an output row names: itself, or for a WARC record the longest entry it extends with '#'."""
    if output in entries:
        return output
    position = output.rfind("#")
    while position != -1:
        if output[:position] in entries:
            return output[:position]
        position = output.rfind("#", 0, position)
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
