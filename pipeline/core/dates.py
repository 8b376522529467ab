"""Russian publication dates as pages state them: "23.09.2024, 16:25", "5 января 2012 г., 04:55", ISO 8601."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8,
    "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}


def fold_case(word: str) -> str:
    """``word`` in lower case as a case-insensitive regular expression reads it: letters that only ``re.I`` equates
    with the usual ones (the historic Cyrillic "ᲃ", "ᲄ", "ᲀ" are "с", "т", "в") become those, so that a word a
    pattern matched is found in the pattern's tables."""
    return word.upper().lower()


def month_number(word: str) -> int:
    """Month of a Russian month word in any case form ("марта", "мае", "сентябрь"; see :func:`fold_case`)."""
    w = fold_case(word)
    for stem, n in sorted(MONTHS.items(), key=lambda kv: -len(kv[0])):
        if w.startswith(stem):
            return n
    raise ValueError(word)


_MONTH_WORD = r"(января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)"
_TIME = r"(?:[,\s]{0,3}(?:в\s)?\s?(\d{1,2})[:.](\d{2})(?!\d))?"
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})[./](\d{4})(?!\d)" + _TIME)
_WORDED = re.compile(r"(?<!\d)(\d{1,2})\s" + _MONTH_WORD + r"\s(\d{4})(?:\s?(?:года|г\.))?" + _TIME, re.I)
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[T\s](\d{2}):(\d{2}))?")
_TIME_FIRST = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})[,\s]{1,3}(\d{1,2})[./](\d{1,2})[./](\d{4})(?!\d)")

DEFAULT_TIMEZONE = "Europe/Moscow"


@dataclass(frozen=True)
class StatedDate:
    local: datetime  # naive wall-clock time as stated
    has_time: bool

    def iso_local(self) -> str:
        return self.local.isoformat(timespec="minutes") if self.has_time else self.local.date().isoformat()


def _build(y: int, mo: int, d: int, h: str | None, mi: str | None) -> StatedDate | None:
    try:
        if h is not None and mi is not None:
            return StatedDate(datetime(y, mo, d, int(h), int(mi)), True)
        return StatedDate(datetime(y, mo, d), False)
    except ValueError:
        return None


def find_dates(text: str) -> list[StatedDate]:
    """Every full date (with a year) in ``text``, in order of appearance."""
    found: list[tuple[int, StatedDate]] = []
    for m in _TIME_FIRST.finditer(text):
        sd = _build(int(m.group(5)), int(m.group(4)), int(m.group(3)), m.group(1), m.group(2))
        if sd:
            found.append((m.start(), sd))
    for m in _NUMERIC.finditer(text):
        sd = _build(int(m.group(3)), int(m.group(2)), int(m.group(1)), m.group(4), m.group(5))
        if sd:
            found.append((m.start(), sd))
    for m in _WORDED.finditer(text):
        month = month_number(m.group(2))
        sd = _build(int(m.group(3)), month, int(m.group(1)), m.group(4), m.group(5))
        if sd:
            found.append((m.start(), sd))
    for m in _ISO.finditer(text):
        sd = _build(int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4), m.group(5))
        if sd:
            found.append((m.start(), sd))
    found.sort(key=lambda x: x[0])
    return [sd for _, sd in found]


def to_utc(stated: StatedDate, tz_name: str) -> datetime:
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(DEFAULT_TIMEZONE)
    try:
        return stated.local.replace(tzinfo=zone).astimezone(timezone.utc)
    except OverflowError:  # "01.01.0001 00:00" east of Greenwich lies before year 1 in UTC: kept as stated
        return stated.local.replace(tzinfo=timezone.utc)
