"""News agency names from ``phrases/agencies.txt`` (shared by HTML author cleaning and metadata)."""

from __future__ import annotations

from functools import lru_cache

from ..resources import phrase_lines


@lru_cache(maxsize=1)
def agency_names() -> set[str]:
    names = set()
    for line in phrase_lines("phrases/agencies.txt"):
        names.update(n.strip().lower() for n in line.split("|") if n.strip())
    return names
