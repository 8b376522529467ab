"""Metadata: a clean document plus the lines removed from it → one ``articles`` row.

Parses only what the page states and never invents the rest: author,
publication time (converted to UTC with the outlet profile's zone), rubrics,
view count, URL, outlet and the news agencies cited as the source.
Metadata is looked for in the page's *metadata zone*: removed lines that carry
a byline/copyright/date keyword, the other lines of their block, and the lines
right around the title. Dates inside the article body or in teaser lists
are never taken as the publication date.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timezone

from .dates import DEFAULT_TIMEZONE, find_dates, to_utc
from .cleaning.document import CleanDocument, RemovedLine
from .errors import RejectError
from .language import detect_language, unsupported_language
from .metadata_agencies import agency_variants
from .markdown import words_of
from .metadata_bounds import public_url, published_in_range
from .outlets import detect_outlet, normalize_domain, profile_for

STAGE = "metadata"

_NAME = r"[A-ZА-ЯЁ][a-zа-яё]+(?:-[A-ZА-ЯЁ][a-zа-яё]+)?"
_INITIAL = r"[A-ZА-ЯЁ]\."
_PERSON = rf"(?:{_INITIAL}\s?){{0,2}}{_NAME}(?:\s(?:{_INITIAL}\s?){{0,2}}{_NAME}){{0,2}}"
_AUTHOR = re.compile(rf"(?:^|\s)(?:Автор(?:\s(?:текста|материала|статьи))?|Текст|Автор[ыи]|By)\s?:\s?\**\s?({_PERSON}(?:\s?(?:,|и)\s{_PERSON})*)")
_META_KEYWORDS = re.compile(r"Автор|©|Опубликовано|Дата публикации|время публикации|Обновлено|Просмотр|👁|Рубрик",
                            re.I)
_VIEWS = re.compile(r"(?:👁|Просмотров|Просмотры|Views)\s?:?\s?(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?![\d.])", re.I)
_VIEWS_AFTER = re.compile(r"(?<!\d)(\d{1,9})\s(?:просмотр(?:ов|а)?)\b", re.I)
_RUBRICS = re.compile(r"(?:Рубрик[аи]|Раздел)\s?:\s?([^\n|]{2,200})", re.I)
_SOURCE_LINE = re.compile(r"^\s*(?:Источник|Source|Джерело)\s?:\s?(.{2,120})$", re.I)
_ATTRIBUTION = r"(?:сообщает|сообщило|сообщил|сообщили|передает|передаёт|пишет|по данным|со ссылкой на|по сообщению|информирует)"
_AGENCY_SKIP_AUTHORS = re.compile(r"^(?:Фото|Photo|Иллюстрация)\b", re.I)


def _agency_in(text: str) -> str | None:
    for variant, canonical in agency_variants():
        if re.search(r"(?<![\w])" + re.escape(variant) + r"(?![\w])", text):
            return canonical
    return None


def metadata_zone(doc: CleanDocument) -> list[RemovedLine]:
    """Removed lines that can carry the article's own metadata (see module docstring)."""
    keyword_blocks = {r.block for r in doc.removed if _META_KEYWORDS.search(r.text)}
    zone = []
    for r in doc.removed:
        near_title = doc.title_line is not None and abs(r.line - doc.title_line) <= 4
        if r.block in keyword_blocks or near_title:
            zone.append(r)
    return zone


def parse_authors(lines: list[str]) -> list[str]:
    authors: list[str] = []
    for text in lines:
        if _AGENCY_SKIP_AUTHORS.match(text):
            continue
        for m in _AUTHOR.finditer(text):
            for name in re.split(r",\s?|\sи\s", m.group(1)):
                name = " ".join(name.split()).strip(" .")
                if not name or _agency_in(name):
                    continue
                if any(a.startswith(name) for a in authors):
                    continue
                authors = [a for a in authors if not name.startswith(a)]
                authors.append(name)
    return authors


def parse_views(lines: list[str]) -> int | None:
    for text in lines:
        m = _VIEWS.search(text) or _VIEWS_AFTER.search(text)
        if m:
            digits = re.sub(r"\D", "", m.group(1))
            if digits and len(digits) <= 12:
                return int(digits)
    return None


#: separators between the fields of a byline ("23.08.2025 14:30 | Автор: Иван Петров | Политика")
_FIELDS = re.compile(r"\s[|·•]\s|\s/\s")
_DATE_FIELD = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{1,2}:\d{2}|\b\d{4}\b")
_SECTION_FIELD = re.compile(r"^[A-ZА-ЯЁ][\w-]*(?:\s[\w-]+){0,2}$")


def byline_sections(lines: list[str]) -> list[str]:
    """Sections named in a byline: the fields of a separated line that also holds a date or an author field,
    which are one to three words with no digit and are not the author."""
    for text in lines:
        fields = [f.strip() for f in _FIELDS.split(text) if f.strip()]
        if len(fields) < 2 or not any(_DATE_FIELD.search(f) or _AUTHOR.search(" " + f) for f in fields):
            continue
        authors = set(parse_authors([text]))
        sections = [f for f in fields if _SECTION_FIELD.match(f) and not re.search(r"\d", f)
                    and f not in authors and not _AUTHOR.search(" " + f) and not _META_KEYWORDS.search(f)]
        if sections:
            return sections
    return []


def parse_rubrics(lines: list[str], profile: dict | None) -> list[str]:
    pattern = (profile or {}).get("rubrics_pattern")
    for text in lines:
        m = re.search(pattern, text) if pattern else None
        if m is None:
            m = _RUBRICS.search(text)
            if m is None:
                continue
            raw = m.group(1)
        else:
            raw = m.group("rubrics")
        rubrics = [r.strip(" .") for r in raw.split(",") if r.strip(" .")]
        if rubrics:
            return rubrics
    return byline_sections(lines)


def parse_cited_agencies(removed: list[RemovedLine], body: str) -> list[str]:
    cited: list[str] = []
    for r in removed:
        m = _SOURCE_LINE.match(r.text)
        if m:
            agency = _agency_in(m.group(1))
            if agency and agency not in cited:
                cited.append(agency)
    for m in re.finditer(_ATTRIBUTION + r"[^.!?\n]{0,60}", body):
        agency = _agency_in(m.group(0))
        if agency and agency not in cited:
            cited.append(agency)
    return cited


def article_id(url: str | None, raw_sha256: str) -> str:
    """Stable id: from the canonical URL when the page states one, else from the raw bytes."""
    basis = f"url:{url}" if url else f"sha256:{raw_sha256}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class PublishedTime:
    utc: object
    local: str | None
    timezone: str | None
    timezone_source: str | None


#: a calendar day stated on this many removed lines outside the metadata zone is the page's own date (a site
#: header's "today", the dates of a latest-news list), not the article's
PAGE_WIDE_DATE_LINES = 2


def page_wide_days(removed: list[RemovedLine], zone: list[RemovedLine]) -> set[str]:
    """Calendar days that the page's boilerplate outside the metadata zone repeats (see PAGE_WIDE_DATE_LINES)."""
    in_zone = {id(r) for r in zone}
    counts: dict[str, int] = {}
    for r in removed:
        if id(r) in in_zone:
            continue
        for day in {d.local.date().isoformat() for d in find_dates(r.text)}:
            counts[day] = counts.get(day, 0) + 1
    return {day for day, n in counts.items() if n >= PAGE_WIDE_DATE_LINES}


def parse_published(lines: list[str], profile: dict | None, page_days: set[str] = frozenset()) -> PublishedTime:
    """The first plausible date of the zone's lines. A first date that is one of the page's own repeated days
    (``page_days``: a site header's "today", a latest-news list) gives way to the first zone date *earlier*
    than it: an article is not published after the day its page was served, a later date is something else."""
    candidates = [d for text in lines for d in find_dates(text) if 1990 <= d.local.year <= 2100]
    if not candidates:
        return PublishedTime(None, None, None, None)
    stated = candidates[0]
    if stated.local.date().isoformat() in page_days:
        earlier = [d for d in candidates if d.local.date() < stated.local.date()
                   and d.local.date().isoformat() not in page_days]
        stated = earlier[0] if earlier else stated
    tz_name = (profile or {}).get("timezone")
    source = "profile" if tz_name else "default"
    tz_name = tz_name or DEFAULT_TIMEZONE
    return PublishedTime(to_utc(stated, tz_name), stated.iso_local(), tz_name, source)


def published_from_html(value, profile: dict | None) -> PublishedTime | None:
    """A page-stated ISO time: an offset is honoured as stated (no zone shift), a naive time uses the profile."""
    if not value:
        return None
    dt, has_offset = value
    if has_offset:
        offset = dt.strftime("%z")
        return PublishedTime(dt.astimezone(timezone.utc), dt.replace(tzinfo=None).isoformat(timespec="minutes"),
                             f"UTC{offset[:3]}:{offset[3:]}", "page")
    from .dates import StatedDate

    tz_name = (profile or {}).get("timezone") or DEFAULT_TIMEZONE
    stated = StatedDate(dt, True)
    return PublishedTime(to_utc(stated, tz_name), stated.iso_local(), tz_name,
                         "profile" if (profile or {}).get("timezone") else "default")


def _same_site(a: str, b: str) -> bool:
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def own_url(stated: str | None, fetched: str | None, removed_text: str) -> str | None:
    """The page's canonical URL, unless the page's own host contradicts it: the host it was fetched from (a WARC
    record's target URI) or, for a saved page, the site its own footer names ("© site"). A page claiming another
    site's URL does not take that URL's article id (it would get the real article rejected as ``duplicate_url``);
    it is identified by its own URL, or by its bytes (docs/ingest-security.md)."""
    if not stated:
        return stated
    host = normalize_domain(stated)
    own = normalize_domain(fetched) if fetched else detect_outlet(removed_text)
    if host and own and not _same_site(host, own):
        return fetched
    return stated


def build_article(doc: CleanDocument) -> dict:
    """The ``articles`` row for one clean document (see :data:`pipeline.schema.ARTICLES`)."""
    zone_lines = metadata_zone(doc)
    zone = [r.text for r in zone_lines]
    meta = doc.html_meta or {}
    notes = []
    removed_text = "\n".join(r.text for r in doc.removed)
    url = own_url(meta.get("url") or doc.source_url or doc.url, doc.source_url, removed_text)
    if url is not None and not public_url(url):
        url = None
        notes.append("url_invalid")
    outlet = detect_outlet(removed_text, url) or doc.outlet_hint
    if outlet is not None and not public_url(f"https://{outlet}/"):
        outlet = None  # the page's group came from the URL set aside above
    profile = profile_for(outlet)
    try:
        published = (published_from_html(meta.get("published"), profile)
                     or parse_published(zone, profile, page_wide_days(doc.removed, zone_lines)))
    except (OverflowError, ValueError):  # 0001-01-01T00:00+05:00 is before datetime.min in UTC
        published = None
    if published is None or not published_in_range(published.utc):
        published = PublishedTime(None, None, None, None)
        notes.append("published_out_of_range")
    authors = meta.get("authors") or parse_authors(zone)
    rubrics = meta.get("sections") or parse_rubrics(zone, profile)
    body = doc.body
    text_for_language = "\n".join(filter(None, [doc.title, doc.lead, body]))
    language = detect_language(text_for_language)
    unsupported = unsupported_language(language, text_for_language)
    if unsupported:
        raise RejectError("unsupported_language", unsupported)
    return {
        "article_id": article_id(url, doc.raw_sha256),
        "source_path": doc.source_path,
        "raw_sha256": doc.raw_sha256,
        "url": url,
        "outlet": outlet,
        "title": doc.title,
        "lead": doc.lead,
        "body": body,
        "authors": authors,
        "published_at": published.utc,
        "published_local": published.local,
        "timezone": published.timezone,
        "timezone_source": published.timezone_source,
        "rubrics": rubrics,
        "views": parse_views(zone),
        "cited_agencies": parse_cited_agencies(doc.removed, body),
        "language": language,
        "word_count": len(words_of(text_for_language)),
        "boilerplate_share": doc.boilerplate_share,
        "body_sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
        "text_policy": "full",
        "text_license": (profile or {}).get("text_license"),
        "notes": sorted(notes),
    }
