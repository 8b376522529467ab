"""One real event, many reports: events that share root, actor countries and place, with dates within
:data:`MAX_DAYS_APART`, get one ``event_cluster_id`` (the id of the cluster's earliest event).

Undated events are never merged: without a date nothing says two reports describe one event.
Each cluster has one ``cluster_representative`` row: the most confident report (then the earliest article,
offset and event id), so that counts can be of events rather than of reports.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

MAX_DAYS_APART = 3


def assign_clusters(rows: list[dict]) -> None:
    """Set ``event_cluster_id`` on every row, in place."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        if row["event_date"] is None:
            row["event_cluster_id"] = _cluster_id(row["event_id"])
            continue
        countries = tuple(sorted(set(row["actor1_countries"]) | set(row["actor2_countries"])))
        groups[(row["cameo_root"], countries, row["location_id"])].append(row)
    for members in groups.values():
        members.sort(key=lambda r: (r["event_date"], r["event_id"]))
        current, last_date = None, None
        for row in members:
            if current is None or (row["event_date"] - last_date).days > MAX_DAYS_APART:
                current = _cluster_id(row["event_id"])
            row["event_cluster_id"] = current
            last_date = row["event_date"]
    mark_representatives(rows)


def mark_representatives(rows: list[dict]) -> None:
    """Set ``cluster_representative`` on one row per ``event_cluster_id``, in place."""
    best: dict[str, dict] = {}
    for row in rows:
        row["cluster_representative"] = False
        cur = best.get(row["event_cluster_id"])
        key = (-row.get("confidence", 0.0), row.get("article_id", ""), row.get("start", 0), row["event_id"])
        if cur is None or key < (-cur.get("confidence", 0.0), cur.get("article_id", ""), cur.get("start", 0),
                                 cur["event_id"]):
            best[row["event_cluster_id"]] = row
    for row in best.values():
        row["cluster_representative"] = True


def _cluster_id(seed_event_id: str) -> str:
    return hashlib.sha256(f"cluster|{seed_event_id}".encode()).hexdigest()[:16]
