"""Exact and near-duplicate articles across the corpus (syndicated copies with different footers).

Exact: the sha256 of the normalized body (case, punctuation and spacing folded). Near: MinHash LSH
(datasketch, fixed seed) over word 5-shingles proposes candidates; the reported similarity is the exact
Jaccard of their shingle sets, kept when ≥ :data:`NEAR_THRESHOLD`. Every copy points at the earliest article
of its group (publication time, then article id); duplicates stay in the table, marked.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone

NEAR_THRESHOLD = 0.8
NUM_PERM = 128
SHINGLE = 5
_EPOCH_FUTURE = datetime.max.replace(tzinfo=timezone.utc)


def normalized(body: str) -> str:
    return " ".join(re.findall(r"\w+", (body or "").lower()))


def shingles(body: str) -> set[str]:
    words = normalized(body).split()
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _template():
    """A fixed-seed MinHash whose permutations every article reuses (generated once, not once per article)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        from datasketch import MinHash

        _TEMPLATE = MinHash(num_perm=NUM_PERM, seed=1)
    return _TEMPLATE


_TEMPLATE = None


def _order(row: dict):
    published = row.get("published_at") or _EPOCH_FUTURE
    return (published, row["article_id"])


def signature(body: str) -> tuple[str, "object"]:
    """(sha256 of the normalized body, MinHash hash values of its shingles): what duplicate detection needs of
    one article. Cached with the article, so a rebuild does not hash every body again."""
    from datasketch import MinHash

    template = _template()
    m = MinHash(num_perm=NUM_PERM, seed=1, permutations=template.permutations, scheme=template.scheme)
    m.update_batch([s.encode("utf-8") for s in sorted(shingles(body))])  # same values as one update per shingle
    return hashlib.sha256(normalized(body).encode()).hexdigest(), m.hashvalues


#: the key under which an article row may carry its precomputed :func:`signature` (never written to a table)
SIGNATURE_KEY = "_duplicate_signature"


def mark_duplicates(rows: list[dict]) -> None:
    """Set ``duplicate_of`` and ``duplicate_similarity`` on every article row, in place."""
    from datasketch import MinHash, MinHashLSH

    ordered = sorted(rows, key=_order)
    for row in ordered:
        row["duplicate_of"] = None
        row["duplicate_similarity"] = None
    by_id = {row["article_id"]: row for row in ordered}
    exact_first: dict[str, dict] = {}
    sets: dict[str, set] = {}

    def shingle_set(row: dict) -> set:  # only candidates need their shingles
        if row["article_id"] not in sets:
            sets[row["article_id"]] = shingles(row["body"])
        return sets[row["article_id"]]

    lsh = MinHashLSH(threshold=NEAR_THRESHOLD, num_perm=NUM_PERM)
    template = _template()
    for row in ordered:
        digest, hashvalues = row.get(SIGNATURE_KEY) or signature(row["body"])
        if digest in exact_first:
            row["duplicate_of"] = exact_first[digest]["duplicate_of"] or exact_first[digest]["article_id"]
            row["duplicate_similarity"] = 1.0
            continue
        exact_first[digest] = row
        m = MinHash(num_perm=NUM_PERM, seed=1, hashvalues=hashvalues, permutations=template.permutations,
                    scheme=template.scheme)
        best = None
        candidates = sorted(lsh.query(m))
        if candidates:
            sh = shingle_set(row)
            for candidate in candidates:
                other = shingle_set(by_id[candidate])
                jaccard = len(sh & other) / len(sh | other) if sh | other else 0.0
                if jaccard >= NEAR_THRESHOLD and (best is None or jaccard > best[0]):
                    best = (jaccard, candidate)
        if best is not None:
            first = by_id[best[1]]
            row["duplicate_of"] = first["duplicate_of"] or first["article_id"]
            row["duplicate_similarity"] = round(best[0], 4)
        lsh.insert(row["article_id"], m)
