"""HTML pages: conversion to the markdown form the extractor reads, and the metadata pages state (decoding
them is :func:`.encoding.decode_html`).

Conversion uses html2text (no line wrapping), the same form scrapers save as dumps, so one extractor
serves both inputs. Metadata comes from JSON-LD (NewsArticle), OpenGraph/article:* and <meta> tags, with
fixes for what such extractors commonly get wrong: "Автор:" prefixes, photo credits or agencies taken as
authors, tags left as one comma-joined string, and times shifted by a zone (offsets are kept and
converted to UTC; naive times are marked as such).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from html import unescape

from .errors import RejectError

_JSONLD = re.compile(r"""<script[^>]{0,200}application/ld\+json[^>]{0,100}>(.{0,200000}?)</script>""", re.I | re.S)
_META_TAG = re.compile(r"""<meta\s[^>]{0,2000}>""", re.I)
_ATTR = re.compile(r"""([a-zA-Z:_\-]{1,40})\s*=\s*(?:"([^"]{0,5000})"|'([^']{0,5000})')""")
_TITLE = re.compile(r"<title[^>]{0,200}>(.{0,2000}?)</title>", re.I | re.S)
_CANONICAL = re.compile(r"""<link[^>]{0,300}rel=["']canonical["'][^>]{0,300}>""", re.I)
MAX_HTML_CHARS = 3_000_000


def to_markdown(html: str) -> str:
    """The page as a markdown dump (html2text, no wrapping), scripts and styles dropped."""
    import html2text

    if len(html) > MAX_HTML_CHARS:
        raise RejectError("too_large", f"HTML of {len(html)} characters exceeds {MAX_HTML_CHARS}")
    html = re.sub(r"<(script|style|noscript)\b[^>]{0,500}>.{0,500000}?</\1\s*>", " ", html, flags=re.I | re.S)
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = False
    converter.unicode_snob = True
    try:
        return converter.handle(html)
    except (AssertionError, ValueError, IndexError, RecursionError) as exc:
        raise RejectError("no_article_text", f"HTML could not be converted: {type(exc).__name__}") from None


def _attrs(tag: str) -> dict[str, str]:
    return {m.group(1).lower(): unescape(m.group(2) if m.group(2) is not None else m.group(3)) for m in _ATTR.finditer(tag)}


def _jsonld_articles(html: str) -> list[dict]:
    out = []
    for m in _JSONLD.finditer(html):
        try:
            data = json.loads(m.group(1).strip())
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                t = node.get("@type")
                types = t if isinstance(t, list) else [t]
                if any(isinstance(x, str) and x.endswith(("NewsArticle", "Article", "ReportageNewsArticle")) for x in types):
                    out.append(node)
                stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return out


def _names(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


_AUTHOR_PREFIX = re.compile(r"^\s*(?:автор(?:ы)?|текст|by)\s*[:\-–—]\s*", re.I)
_CREDIT = re.compile(r"^\s*(?:фото|photo|иллюстрация|источник фото)\b", re.I)


def clean_authors(values: list[str], agencies: set[str]) -> list[str]:
    """Strip "Автор:" prefixes; drop photo credits, agency names, URLs and non-names; split "A, B" and "A и B"."""
    out: list[str] = []
    for value in values:
        value = _AUTHOR_PREFIX.sub("", unescape(value)).strip()
        if not value or _CREDIT.match(value) or "http" in value or "@" in value:
            continue
        for part in re.split(r"\s*(?:,|;|\sи\s)\s*", value):
            part = part.strip(" .")
            if len(part) < 3 or len(part) > 80 or not re.search(r"[A-Za-zА-Яа-яЁё]", part):
                continue
            if part.lower() in agencies or any(ch.isdigit() for ch in part):
                continue
            if part not in out:
                out.append(part)
    return out


def split_tags(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        for t in re.split(r"\s*[,;|]\s*", v):
            t = t.strip()
            if t and t not in out:
                out.append(t)
    return out


def parse_datetime(value: str) -> tuple[datetime, bool] | None:
    """(datetime, has_offset). An offset is honoured (no zone shift); a naive time stays naive."""
    value = value.strip()
    for candidate in (value, value.replace("Z", "+00:00"), value[:19], value[:10]):
        try:
            dt = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return dt, dt.tzinfo is not None
    return None


def html_metadata(html: str, agencies: set[str]) -> dict:
    """What the page states about itself: url, title, authors, published, section, tags, site name."""
    meta: dict[str, list[str]] = {}
    for tag in _META_TAG.findall(html[:500000]):
        a = _attrs(tag)
        key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
        if key and a.get("content"):
            meta.setdefault(key, []).append(a["content"].strip())
    articles = _jsonld_articles(html[:2_000_000])
    ld = articles[0] if articles else {}
    candidates: list = []
    m = _CANONICAL.search(html[:500000])
    if m:
        candidates.append(_attrs(m.group(0)).get("href"))
    candidates += meta.get("og:url", []) + [ld.get("url")]
    if isinstance(ld.get("mainEntityOfPage"), dict):
        candidates.append(ld["mainEntityOfPage"].get("@id"))
    url = next((c for c in candidates if isinstance(c, str) and c.startswith("http")), None)
    title = ld.get("headline") or (meta.get("og:title") or [None])[0]
    if not title:
        t = _TITLE.search(html[:200000])
        title = unescape(re.sub(r"\s+", " ", t.group(1))).strip() if t else None
    published = None
    for candidate in [ld.get("datePublished")] + meta.get("article:published_time", []) + meta.get("pubdate", []) \
            + meta.get("date", []):
        if isinstance(candidate, str) and (parsed := parse_datetime(candidate)):
            published = parsed
            break
    authors = clean_authors(_names(ld.get("author")) + meta.get("article:author", []) + meta.get("author", []), agencies)
    sections = split_tags(_names(ld.get("articleSection")) + meta.get("article:section", []))
    tags = split_tags(_names(ld.get("keywords")) + meta.get("article:tag", []) + meta.get("news_keywords", [])
                      + meta.get("keywords", []))
    site = (meta.get("og:site_name") or [None])[0] or (_names(ld.get("publisher")) or [None])[0]
    return {"url": url, "title": title,
            "published": published, "authors": authors, "sections": sections, "tags": tags, "site_name": site}
