"""Event dates stated in a sentence, resolved against the article's publication date.

Explicit only: "22 сентября 2024 года" (day), "22 сентября" (day, year inherited from the publication
date — the previous year when that would put it more than six months after publication), "в мае 2024 года" (month),
"в 2018 году" (year), "ранее в этом месяце" (month of publication). Nothing is ever inferred from the
publication date alone: a sentence without a date gives no event date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..dates import month_number

#: a day-month without a year up to this many days after publication is an upcoming date of the same year;
#: further ahead it must be last year's ("22 декабря" in a January article)
FUTURE_WINDOW_DAYS = 180
_MONTH = r"(январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья])"
_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})(?:\s?[-–]\s?\d{1,2})?\s" + _MONTH + r"(?:\s(\d{4})(?:\s?(?:года|г\.))?)?", re.I)
_MONTH_YEAR = re.compile(r"(?:в|во|к|с|до|на)\s" + r"(январе|феврале|марте|апреле|мае|июне|июле|августе|сентябре|октябре|ноябре|декабре)\s(\d{4})", re.I)
_YEAR = re.compile(r"(?:в|во)\s(\d{4})(?:\s?(?:году|г\.))", re.I)
_THIS_MONTH = re.compile(r"в этом месяце|в текущем месяце", re.I)
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")


@dataclass(frozen=True)
class EventDate:
    value: date
    precision: str  # day | month | year


def find_event_date(sentence: str, published: date | None) -> EventDate | None:
    """The first explicit date in the sentence, or None."""
    candidates: list[tuple[int, EventDate]] = []
    for m in _NUMERIC.finditer(sentence):
        try:
            candidates.append((m.start(), EventDate(date(int(m.group(3)), int(m.group(2)), int(m.group(1))), "day")))
        except ValueError:
            pass
    for m in _DAY_MONTH.finditer(sentence):
        day, month = int(m.group(1)), month_number(m.group(2))
        year = int(m.group(3)) if m.group(3) else None
        if year is None:
            if published is None:
                continue  # no year stated and nothing to inherit it from
            year = published.year
            try:
                if date(year, month, day) > published + timedelta(days=FUTURE_WINDOW_DAYS):
                    year -= 1
            except ValueError:
                continue
        try:
            candidates.append((m.start(), EventDate(date(year, month, day), "day")))
        except ValueError:
            pass
    for m in _MONTH_YEAR.finditer(sentence):
        candidates.append((m.start(), EventDate(date(int(m.group(2)), month_number(m.group(1)), 1), "month")))
    for m in _YEAR.finditer(sentence):
        year = int(m.group(1))
        if 1900 <= year <= 2100:
            candidates.append((m.start(), EventDate(date(year, 1, 1), "year")))
    if published is not None:
        for m in _THIS_MONTH.finditer(sentence):
            candidates.append((m.start(), EventDate(date(published.year, published.month, 1), "month")))
    if not candidates:
        return None
    # the most precise date wins; among equals, the first in the sentence
    rank = {"day": 0, "month": 1, "year": 2}
    return sorted(candidates, key=lambda c: (rank[c[1].precision], c[0]))[0][1]
