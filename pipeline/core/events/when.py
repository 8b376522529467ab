"""Event dates stated in a sentence, resolved against the article's publication date.

What the text states is kept, in ISO 8601 (``text``) beside the resolved ``value``:

- "22 сентября 2024 года", "12.03.2023" → day ``2024-09-22``;
- "22 сентября" → ``--09-22``; the year is taken from the publication date when there is one (the previous
  year when that would put it more than six months after publication), precision ``day``; without a
  publication date the value stays null and the precision is ``day_of_year_unknown`` (nothing assumed);
- "в мае 2024 года" → month ``2024-05``; "в 2018 году" → year ``2018``; "ранее в этом месяце" → month of
  publication;
- "с 1977 по 1983 годы", "в 1977–1983 годах" → ``year_range`` ``1977/1983`` (value = first day, end = last
  day); "в 1990-х годах" → ``decade`` ``1990/1999``; "в 1970–1980-х" → ``decade`` ``1970/1989``.

Nothing is ever inferred from the publication date alone: a sentence without a date gives no event date.
Which of a sentence's dates belongs to the event (not to the report of it) is decided by the caller
through ``exclude`` (see :func:`pipeline.core.events.extract.extract_events`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from ..dates import month_number

#: a day-month without a year up to this many days after publication is an upcoming date of the same year;
#: further ahead it must be last year's ("22 декабря" in a January article)
FUTURE_WINDOW_DAYS = 180
PRECISIONS = ("day", "month", "year", "day_of_year_unknown", "year_range", "decade")
_MONTH = r"(январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья])"
_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})(?:\s?[-–]\s?\d{1,2})?\s" + _MONTH + r"(?:\s(\d{4})(?:\s?(?:года|г\.))?)?", re.I)
_MONTH_YEAR = re.compile(r"(?:в|во|к|с|до|на)\s" + r"(январе|феврале|марте|апреле|мае|июне|июле|августе|сентябре|октябре|ноябре|декабре)\s(\d{4})", re.I)
_YEAR = re.compile(r"(?:в|во)\s(\d{4})(?:\s?(?:году|г\.))", re.I)
_THIS_MONTH = re.compile(r"в этом месяце|в текущем месяце", re.I)
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_YEAR_RANGE = re.compile(r"(?:(?:с|со)\s(\d{4})(?:\s?(?:года|г\.))?\s(?:по|до)\s(\d{4})"
                         r"|(?<!\d)(\d{4})\s?[-–—]\s?(\d{4})(?!\d)(?!-)(?:\s?(?:гг\.|годах|годы|года|год))?)", re.I)
_DECADE = re.compile(r"(?<!\d)(?:(\d{4})\s?[-–—]\s?)?(\d{3}0)-(?:х|е|ые|ых)(?!\w)", re.I)


@dataclass(frozen=True)
class EventDate:
    value: date | None  # resolved first day; None when the text leaves the year open and nothing gives it
    precision: str  # one of PRECISIONS
    text: str = ""  # ISO 8601 as stated: "2024-09-22", "--09-22", "2024-05", "2018", "1977/1983"
    end: date | None = None  # last day of a range or decade
    start_char: int = 0  # offset of the date in the sentence
    end_char: int = 0


def date_candidates(sentence: str, published: date | None) -> list[EventDate]:
    """Every date the sentence states, in order of appearance (ranges before the years inside them)."""
    out: list[EventDate] = []
    covered: list[tuple[int, int]] = []

    def add(ed: EventDate) -> None:
        if any(a <= ed.start_char and ed.end_char <= b for a, b in covered):
            return  # a year inside a range already taken
        covered.append((ed.start_char, ed.end_char))
        out.append(ed)

    for m in _DECADE.finditer(sentence):
        first = int(m.group(1)) if m.group(1) else int(m.group(2))
        last = int(m.group(2)) + 9
        if 1000 <= first <= last <= 2109:
            add(EventDate(date(first, 1, 1), "decade", f"{first}/{last}", date(last, 12, 31), m.start(), m.end()))
    for m in _YEAR_RANGE.finditer(sentence):
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        first, last = int(a), int(b)
        if 1000 <= first < last <= 2100:
            add(EventDate(date(first, 1, 1), "year_range", f"{first}/{last}", date(last, 12, 31), m.start(), m.end()))
    for m in _NUMERIC.finditer(sentence):
        try:
            d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            continue
        add(EventDate(d, "day", d.isoformat(), None, m.start(), m.end()))
    for m in _DAY_MONTH.finditer(sentence):
        day, month = int(m.group(1)), month_number(m.group(2))
        year = int(m.group(3)) if m.group(3) else None
        try:
            date(year or 2000, month, day)  # 29 February is valid in a leap year
        except ValueError:
            continue
        if year is not None:
            add(EventDate(date(year, month, day), "day", f"{year:04d}-{month:02d}-{day:02d}", None, m.start(), m.end()))
            continue
        text = f"--{month:02d}-{day:02d}"
        if published is None:
            add(EventDate(None, "day_of_year_unknown", text, None, m.start(), m.end()))
            continue
        year = published.year
        try:
            if date(year, month, day) > published + timedelta(days=FUTURE_WINDOW_DAYS):
                year -= 1
            add(EventDate(date(year, month, day), "day", text, None, m.start(), m.end()))
        except ValueError:
            add(EventDate(None, "day_of_year_unknown", text, None, m.start(), m.end()))
    for m in _MONTH_YEAR.finditer(sentence):
        y, mo = int(m.group(2)), month_number(m.group(1))
        add(EventDate(date(y, mo, 1), "month", f"{y:04d}-{mo:02d}", None, m.start(), m.end()))
    for m in _YEAR.finditer(sentence):
        year = int(m.group(1))
        if 1900 <= year <= 2100:
            add(EventDate(date(year, 1, 1), "year", f"{year:04d}", None, m.start(), m.end()))
    if published is not None:
        for m in _THIS_MONTH.finditer(sentence):
            add(EventDate(date(published.year, published.month, 1), "month",
                          f"{published.year:04d}-{published.month:02d}", None, m.start(), m.end()))
    return sorted(out, key=lambda e: e.start_char)


_RANK = {"day": 0, "day_of_year_unknown": 1, "month": 2, "year": 3, "year_range": 4, "decade": 5}


def find_event_date(sentence: str, published: date | None,
                    exclude: Callable[[int, int], bool] | None = None) -> EventDate | None:
    """The event's date in the sentence: the most precise stated date (first among equals) that ``exclude``
    (offsets within the sentence) does not rule out, e.g. the date of the report or speech; or None."""
    found = [c for c in date_candidates(sentence, published) if not (exclude and exclude(c.start_char, c.end_char))]
    if not found:
        return None
    return sorted(found, key=lambda c: (_RANK[c.precision], c.start_char))[0]
