"""The build's reference time: what "not in the future" and every other time-relative check is measured
against. It is an input of the build, never the wall clock, so a build reproduces on any day.

Resolution, first that applies:

1. ``declared``: an explicit ``as_of`` date (``make dataset AS_OF=2026-12-01``, the ``as_of`` field of the
   ``paths`` resource, ``python -m pipeline build --as-of``), or the one a release recorded, which ``verify``
   replays;
2. ``newest_crawl``: the newest crawl time stated by the inputs (a WARC record's ``WARC-Date``), when every
   input states one;
3. ``newest_publication``: otherwise the newest publication time among the articles, or the newest crawl time
   if that is later (text and HTML dumps state no crawl time; the check then only bounds every other article
   by the newest one, so declare ``as_of`` to make it bite on them);
4. ``no_dates``: nothing states a time; the lower bound of the articles suite is used, and no row has a date
   to check.

A derived value (2 or 3) is capped at :func:`latest_derived`, a constant of the code version kept in
``data/gx/time_bounds.json`` (source ``ceiling``): one page claiming 2099 would otherwise become the reference
and pass its own bound; capped, the row-level check quarantines it. The cap is data, not the clock, so the
outputs are the same on any day (``tests/unit/test_reference_time.py`` builds under two frozen clocks). A
declared date is never capped.

A release records the resolved value in ``provenance.json`` (``reference_time``); ``verify`` passes it back as
given, so a release reproduces even if this resolution order changes later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Iterable

SOURCES = ("declared", "newest_crawl", "newest_publication", "ceiling", "no_dates")
#: used when nothing states a time (the articles suite's lower bound for published_at)
EARLIEST = date(1990, 1, 1)


@dataclass(frozen=True)
class ReferenceTime:
    as_of: date
    source: str

    @property
    def latest_allowed(self) -> str:
        """The upper bound of time columns: the end of the reference day, plus one day of slack for time zones."""
        return (self.as_of + timedelta(days=1)).isoformat() + "T00:00:00+00:00"

    def to_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "source": self.source}

    @classmethod
    def from_json(cls, data: dict) -> "ReferenceTime":
        source = data.get("source", "declared")
        if source not in SOURCES:
            raise ValueError(f"unknown reference time source {source!r}")
        return cls(date.fromisoformat(str(data["as_of"])[:10]), source)


def parse_declared(value: str | date | None) -> date | None:
    """An ``as_of`` given by a user: ``YYYY-MM-DD`` (or a full ISO timestamp, whose UTC date is taken)."""
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = value.isoformat() if isinstance(value, datetime) else str(value).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return _utc(text).date()
    except ValueError:
        raise ValueError(f"as_of must be a date YYYY-MM-DD, got {value!r}") from None


def _utc(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def _newest(values: Iterable) -> date | None:
    newest = None
    for v in values:
        if v is None:
            continue
        try:
            if isinstance(v, str):
                d = _utc(v).date()
            elif isinstance(v, datetime):
                d = (v if v.tzinfo else v.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).date()
            elif hasattr(v, "to_pydatetime"):  # pandas Timestamp
                if v != v:  # NaT
                    continue
                d = _newest([v.to_pydatetime()])
            else:
                continue
        except (ValueError, OverflowError):
            continue
        if d is not None and (newest is None or d > newest):
            newest = d
    return newest


@lru_cache(maxsize=1)
def latest_derived() -> date:
    """The latest reference time a build may derive from its inputs (``data/gx/time_bounds.json``)."""
    from ..knowledge import read_text

    return date.fromisoformat(json.loads(read_text("gx/time_bounds.json"))["latest_derived_reference"])


def resolve(declared: str | date | None, crawl_times: Iterable, publication_times: Iterable) -> ReferenceTime:
    """The reference time of a build (see the module docstring for the order).

    ``crawl_times`` has one entry per raw input (``None`` where the input states none)."""
    as_of = parse_declared(declared)
    if as_of is not None:
        return ReferenceTime(as_of, "declared")
    derived = _derive(crawl_times, publication_times)
    if derived.source != "no_dates" and derived.as_of > latest_derived():
        return ReferenceTime(latest_derived(), "ceiling")
    return derived


def _derive(crawl_times: Iterable, publication_times: Iterable) -> ReferenceTime:
    crawl_times = list(crawl_times)
    crawled = _newest(crawl_times)
    if crawled is not None and all(t is not None for t in crawl_times):
        return ReferenceTime(crawled, "newest_crawl")
    published = _newest(publication_times)
    if published is not None and (crawled is None or published >= crawled):
        return ReferenceTime(published, "newest_publication")
    if crawled is not None:
        return ReferenceTime(crawled, "newest_crawl")
    return ReferenceTime(EARLIEST, "no_dates")
