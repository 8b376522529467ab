"""Event dates stated in a sentence, resolved against the article's publication date.

What the text states is kept, in ISO 8601 (``text``) beside the resolved ``value``:

- "22 сентября 2024 года", "12.03.2023" → day ``2024-09-22``;
- "22 сентября" → ``--09-22``; the year is taken from the publication date when there is one (the previous
  year when that would put it more than six months after publication), precision ``day``; without a
  publication date the value stays null and the precision is ``day_of_year_unknown`` (nothing assumed);
- "в мае 2024 года" → month ``2024-05``; "в 2018 году", "в начале 2018 года", "летом 2018 года" → year ``2018``;
  "ранее в этом месяце" → month of publication;
- relative to the publication date, when there is one (the resolved ISO date is the ``text``): "вчера",
  "сегодня" → day; "в понедельник" → the last Monday on or before publication (the next one for a planned
  event, "в следующий понедельник"; "в прошлую пятницу" → strictly before); "в прошлом году" → year;
  "в июне прошлого года", "в прошлом месяце" → month;
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

from ..dates import fold_case, month_number
from .modality import REPORT_WORDS, _predicate
from .syntax import Token

#: a day-month without a year up to this many days after publication is an upcoming date of the same year;
#: further ahead it must be last year's ("22 декабря" in a January article)
FUTURE_WINDOW_DAYS = 180
PRECISIONS = ("day", "month", "year", "day_of_year_unknown", "year_range", "decade")
_MONTH = r"(январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья])"
_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})(?:\s?[-–]\s?\d{1,2})?\s" + _MONTH + r"(?:\s(\d{4})(?:\s?(?:года|г\.))?)?", re.I)
#: a month in the prepositional case ("в июне")
_MONTH_IN = r"(январе|феврале|марте|апреле|мае|июне|июле|августе|сентябре|октябре|ноябре|декабре)"
_MONTH_YEAR = re.compile(r"(?:в|во|к|с|до|на)\s" + _MONTH_IN + r"\s(\d{4})", re.I)
_YEAR = re.compile(r"(?:в|во)\s(\d{4})(?:\s?(?:году|г\.))", re.I)
_THIS_MONTH = re.compile(r"в этом месяце|в текущем месяце", re.I)
#: "в начале 2010 года", "летом 2014 года": a part of a year states the year
_PART_OF_YEAR = re.compile(r"(?:(?:в|во)\s(?:начале|конце|середине|первой половине|второй половине)|летом|зимой|весной|"
                           r"осенью)\s(\d{4})\s?(?:года|г\.)", re.I)
# dates stated relative to the day of publication (resolved only when the article has one)
_RELATIVE_DAY = re.compile(r"(?<!\w)(позавчера|вчера|сегодня)(?!\w)", re.I)
_DAY_OFFSETS = {"позавчера": -2, "вчера": -1, "сегодня": 0}
_WEEKDAY = re.compile(r"(?<!\w)(?:в|во)\s(?:(прошл\w+|минувш\w+|прошедш\w+|следующ\w+|ближайш\w+)\s)?"
                      r"(понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)(?!\w)", re.I)
_WEEKDAYS = {"понедельник": 0, "вторник": 1, "среду": 2, "четверг": 3, "пятницу": 4, "субботу": 5, "воскресенье": 6}
_RELATIVE_YEAR = re.compile(r"(?<!\w)(?:в|во)\s(?:" + _MONTH_IN + r"\s)?(?:(прошлом|этом|текущем|нынешнем)\s+году|"
                            r"(прошлого|этого|текущего|нынешнего)\s+года)(?!\w)", re.I)
_LAST_MONTH = re.compile(r"(?<!\w)в\s(?:прошлом|минувшем|прошедшем)\s+месяце(?!\w)", re.I)
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
    relative: bool = False  # resolved from the publication date ("вчера", "в понедельник")


def date_candidates(sentence: str, published: date | None, future: bool = False) -> list[EventDate]:
    """Every date the sentence states, in order of appearance (ranges before the years inside them). ``future``:
    the event is planned, so a bare weekday ("встретятся в понедельник") is the next one, not the last."""
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
            date(2000 if year is None else year, month, day)  # 29 February is valid in a leap year; no year 0
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
        if y >= 1:  # "в мае 0000": no such month
            add(EventDate(date(y, mo, 1), "month", f"{y:04d}-{mo:02d}", None, m.start(), m.end()))
    for m in _YEAR.finditer(sentence):
        year = int(m.group(1))
        if 1900 <= year <= 2100:
            add(EventDate(date(year, 1, 1), "year", f"{year:04d}", None, m.start(), m.end()))
    for m in _PART_OF_YEAR.finditer(sentence):
        year = int(m.group(1))
        if 1900 <= year <= 2100:
            add(EventDate(date(year, 1, 1), "year", f"{year:04d}", None, m.start(), m.end()))
    if published is not None:
        for m in _THIS_MONTH.finditer(sentence):
            add(EventDate(date(published.year, published.month, 1), "month",
                          f"{published.year:04d}-{published.month:02d}", None, m.start(), m.end()))
        for ed in _relative_dates(sentence, published, future):
            add(ed)
    return sorted(out, key=lambda e: e.start_char)


def _relative_dates(sentence: str, published: date, future: bool) -> list[EventDate]:
    """Dates stated relative to the day of publication: "вчера", "в понедельник" (the last Monday on or before
    it; the next one after it for a planned event or "в следующий понедельник"; "в прошлую пятницу": strictly
    before), "в прошлом году", "в июне прошлого года", "в прошлом месяце"."""
    out = []
    for m in _RELATIVE_DAY.finditer(sentence):
        d = published + timedelta(days=_DAY_OFFSETS[fold_case(m.group(1))])
        out.append(EventDate(d, "day", d.isoformat(), None, m.start(), m.end(), True))
    for m in _WEEKDAY.finditer(sentence):
        which, weekday = fold_case(m.group(1) or ""), _WEEKDAYS[fold_case(m.group(2))]
        back = (published.weekday() - weekday) % 7
        if which.startswith(("следующ", "ближайш")) or (future and not which):
            d = published + timedelta(days=(weekday - published.weekday()) % 7 or 7)
        else:
            d = published - timedelta(days=back or (7 if which else 0))
        out.append(EventDate(d, "day", d.isoformat(), None, m.start(), m.end(), True))
    for m in _RELATIVE_YEAR.finditer(sentence):
        which = fold_case(m.group(2) or m.group(3))
        year = published.year - 1 if which.startswith("прошл") else published.year
        if m.group(1):
            mo = month_number(m.group(1))
            out.append(EventDate(date(year, mo, 1), "month", f"{year:04d}-{mo:02d}", None, m.start(), m.end(), True))
        else:
            out.append(EventDate(date(year, 1, 1), "year", f"{year:04d}", None, m.start(), m.end(), True))
    for m in _LAST_MONTH.finditer(sentence):
        first = published.replace(day=1) - timedelta(days=1)
        out.append(EventDate(first.replace(day=1), "month", f"{first.year:04d}-{first.month:02d}", None, m.start(),
                             m.end(), True))
    return out


#: precisions of a period ("с 1977 по 1983", "в 1970-х"): the setting of the clause it is stated in, not of another
#: trigger's act ("встреча ... освобождение граждан, похищенных в период с 1977 по 1983 годы"); a phase verb or a
#: clause describing the trigger passes it on ("В 1990-х годах Япония пыталась провести переговоры", "Переговоры,
#: проходившие в 1990-х годах")
PERIODS = frozenset({"year_range", "decade"})
_RANK = {"day": 0, "day_of_year_unknown": 1, "month": 2, "year": 3, "year_range": 4, "decade": 5}


def find_event_date(sentence: str, published: date | None,
                    exclude: Callable[[int, int], bool] | None = None, future: bool = False,
                    trigger_at: int | None = None, own: Callable[[int, int], bool] | None = None,
                    foreign: Callable[[int, int], bool] | None = None) -> EventDate | None:
    """The event's date in the sentence: the most precise stated date that ``exclude`` (offsets within the
    sentence) does not rule out, e.g. the date of the report or speech; or None. Of equal precision, a date stated
    outright comes before one resolved from the publication date, a date with its year before one whose year is
    inferred, and then the one nearest the trigger (``trigger_at``, its offset in the sentence; else the first):
    "Документ одобрен 29 ноября, а Медведев подписал закон 5 декабря 2011 года" signed it on 5 December. Before
    all of these, a date of the trigger's own clause (``own``, on offsets in the sentence) wins: "Одобренный
    12 апреля и подписанный 29 апреля закон отменяет ... 1 июля 2016 года" was signed on 29 April. A period
    (:data:`PERIODS`) in another trigger's clause (``foreign``) is none of this one's."""
    found = [c for c in date_candidates(sentence, published, future)
             if not (exclude and exclude(c.start_char, c.end_char))
             and not (c.precision in PERIODS and foreign is not None and foreign(c.start_char, c.end_char))]
    if not found:
        return None
    # a date the text states outright wins over one resolved from the publication date ("Сегодня стало известно,
    # что 3 сентября ...")
    def distance(c: EventDate) -> int:
        return c.start_char if trigger_at is None else abs(c.start_char - trigger_at)

    return sorted(found, key=lambda c: (not (own is None or own(c.start_char, c.end_char)), _RANK[c.precision],
                                        c.relative, c.text.startswith("--"), distance(c), c.start_char))[0]


# ---- which of a sentence's dates belong to which trigger, read off the parse (the predicates find_event_date takes)
def date_of_clause(tokens: list[Token], sent_start: int, anchor: int):
    """A predicate on date offsets (within the sentence): True for a date whose phrase hangs on the trigger or its
    predicate before it reaches another verb ("подписанный 29 апреля" in "Одобренный 12 апреля и подписанный 29
    апреля закон ..."). Without a parse every date counts as the trigger's own."""
    if all(t.parent is None for t in tokens):
        return lambda start, end: True
    own = {anchor, _predicate(tokens, anchor)}

    def of_clause(start: int, end: int) -> bool:
        k = next((k for k, t in enumerate(tokens) if t.start - sent_start >= start), None)
        steps = 0
        while k is not None and steps < 12:
            if k in own:
                return True
            if steps and tokens[k].pos in ("VERB", "AUX"):
                return False
            k = tokens[k].parent
            steps += 1
        return False

    return of_clause


def date_of_other_trigger(tokens: list[Token], sent_start: int, anchor: int, anchors: set[int]):
    """A predicate on date offsets (within the sentence): True for a date whose phrase reaches another trigger of
    the sentence (``anchors``) before the trigger at ``anchor`` or its predicate ("похищенных в период с 1977 по
    1983 годы" for the meeting the sentence opens with)."""
    own = {anchor, _predicate(tokens, anchor)}
    others = set(anchors) - own

    def of_other(start: int, end: int) -> bool:
        k = next((k for k, t in enumerate(tokens) if t.start - sent_start >= start), None)
        for _ in range(12):
            if k is None or k in own:
                return False
            if k in others:
                return True
            k = tokens[k].parent
        return False

    return of_other


def date_excluder(tokens: list[Token], sent_start: int, anchor: int):
    """A predicate on date offsets (within the sentence): True for a date that belongs to a report of the event
    ("заявил 5 мая", "в речи 22 сентября") rather than to the event: walking up from the date's first token,
    a reporting word comes before the trigger or its predicate."""
    pred = _predicate(tokens, anchor)
    own = {anchor, pred}

    def exclude(start: int, end: int) -> bool:
        first = next((k for k, t in enumerate(tokens) if t.start - sent_start >= start), None)
        if first is None:
            return False
        k, steps = first, 0
        while k is not None and steps < 12:
            if k in own:
                return False
            if tokens[k].lemma in REPORT_WORDS:
                return True
            k = tokens[k].parent
            steps += 1
        return False

    return exclude
