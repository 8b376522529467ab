"""The reference time a build derives is capped by a constant of the code version (data/gx/time_bounds.json),
never by the wall clock: a page dated 2099 cannot set its own bound, and outputs are the same on any day."""

import json
from datetime import date, datetime, timezone

import pandas as pd

from pipeline.core.reference_time import ReferenceTime, latest_derived, resolve
from tests.conftest import REPO


def test_a_derived_reference_is_capped_by_the_code_versions_ceiling():
    ceiling = latest_derived()
    future = [pd.Timestamp("2024-09-23 10:00", tz="UTC"), pd.Timestamp("2099-01-01", tz="UTC")]
    capped = resolve(None, [None, None], future)
    assert capped == ReferenceTime(ceiling, "ceiling")
    assert "2099-01-01" > capped.latest_allowed  # the 2099 row is now beyond the articles suite's bound
    assert resolve(None, ["2099-05-01T00:00:00Z"], []) == ReferenceTime(ceiling, "ceiling")  # a crawl date too
    # within the ceiling nothing changes; a declared date is the user's word and is never capped
    assert resolve(None, [None], future[:1]) == ReferenceTime(date(2024, 9, 23), "newest_publication")
    assert resolve("2099-01-01", [None], future) == ReferenceTime(date(2099, 1, 1), "declared")
    assert resolve(None, [None], []) == ReferenceTime(date(1990, 1, 1), "no_dates")
    assert ReferenceTime.from_json(capped.to_json()) == capped  # a release records it; verify replays it


def test_the_resolution_does_not_read_the_clock():
    import time_machine

    published = [pd.Timestamp("2024-09-23 10:00", tz="UTC"), pd.Timestamp("2099-01-01", tz="UTC")]
    seen = set()
    for day in (datetime(2001, 1, 1, tzinfo=timezone.utc), datetime(2150, 6, 1, tzinfo=timezone.utc)):
        with time_machine.travel(day, tick=False):
            seen.add(resolve(None, [None, None], published))
            seen.add(resolve(None, [None], published[:1]))
    assert len(seen) == 2


def test_the_ceiling_is_past_every_shipped_releases_reference():
    """Raising the ceiling is a code change; it must never fall below what a release already derived."""
    recorded = []
    for provenance in sorted((REPO / "dataset" / "releases").glob("v*/provenance.json")):
        ref = json.loads(provenance.read_text(encoding="utf-8")).get("reference_time")
        if ref and ref["source"] != "declared":
            recorded.append(date.fromisoformat(ref["as_of"]))
    assert recorded and max(recorded) < latest_derived()
