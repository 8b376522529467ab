"""News agencies from ``phrases/agencies.txt``: one parser for metadata (cited agencies) and HTML author cleaning."""

from __future__ import annotations

from functools import lru_cache

from ..knowledge import phrase_lines


@lru_cache(maxsize=1)
def agency_variants() -> tuple[tuple[str, str], ...]:
    """(variant, canonical) pairs, longest variant first."""
    pairs = []
    for line in phrase_lines("phrases/agencies.txt"):
        names = [n.strip() for n in line.split("|") if n.strip()]
        for n in names:
            pairs.append((n, names[0]))
    pairs.sort(key=lambda p: -len(p[0]))
    return tuple(pairs)


@lru_cache(maxsize=1)
def agency_names() -> set[str]:
    """Every variant, lowercase (to refuse agencies as authors)."""
    return {variant.lower() for variant, _ in agency_variants()}
