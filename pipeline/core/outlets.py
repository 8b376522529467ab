"""Outlet detection: which site a page comes from, from what the page itself states.

Used by extract (to group pages for template learning) and by metadata.
Order of evidence: a stated canonical URL, then a "© domain" notice, then a
self-reference to a known outlet profile, then a domain named in a
"Поддержать/Support" call.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..knowledge import outlet_profiles

# Linear-time patterns only: no nested quantifiers.
_URL_LINE = re.compile(r"^\s*(?:URL|Url|Адрес статьи|Источник|Ссылка)\s*:\s*<?(https?://[^\s<>()\]]{4,300})", re.M)
_CANONICAL = re.compile(r"(?:canonical|og:url)[^\n]{0,40}?(https?://[^\s\"'<>]{4,300})", re.I)
_DOMAIN = r"(?:[A-Za-z0-9][A-Za-z0-9\-]{0,62}\.){1,3}(?:ru|com|ua|net|org|info|su|by|kz|mn|jp|kr|cn|рф|io|media|news|tv|am|ge|uz|kg|md|lv|lt|ee)"
_COPYRIGHT_DOMAIN = re.compile(r"©\s*(?:\d{4}\s*[-–]?\s*(?:\d{4})?\s*)?(" + _DOMAIN + r")\b", re.I)
_SUPPORT_DOMAIN = re.compile(r"(?:Поддержать|Поддержите|Підтримати|Support)\s+(" + _DOMAIN + r")\b", re.I)


def normalize_domain(value: str) -> str | None:
    value = value.strip().lower().rstrip(".")
    if "://" in value:
        value = urlsplit(value).hostname or ""
    value = value.split("/")[0].split(":")[0]
    if value.startswith("www."):
        value = value[4:]
    return value or None


def find_url(text: str) -> str | None:
    """The page's own URL when the dump states it (footer 'URL: <…>' line or canonical meta)."""
    for pattern in (_URL_LINE, _CANONICAL):
        m = pattern.search(text)
        if m:
            return m.group(1).rstrip(".,;>")
    return None


def detect_outlet(text: str, url: str | None = None) -> str | None:
    if url:
        dom = normalize_domain(url)
        if dom:
            return _profile_domain(dom) or dom
    m = _COPYRIGHT_DOMAIN.search(text)
    if m:
        dom = normalize_domain(m.group(1))
        return _profile_domain(dom) or dom
    lowered = text.lower()
    for domain, profile in sorted(outlet_profiles().items()):
        for ref in profile.get("self_references", []):
            if re.search(r"(?<![\w.])" + re.escape(ref.lower()) + r"(?![\w])", lowered) and "." in ref:
                return domain
    m = _SUPPORT_DOMAIN.search(text)
    if m:
        dom = normalize_domain(m.group(1))
        return _profile_domain(dom) or dom
    return None


def _profile_domain(domain: str | None) -> str | None:
    """Map a subdomain (m.babr24.com) onto a profiled domain when one matches."""
    if not domain:
        return None
    profiles = outlet_profiles()
    parts = domain.split(".")
    for i in range(len(parts) - 1):
        candidate = ".".join(parts[i:])
        if candidate in profiles:
            return candidate
    return None


def profile_for(domain: str | None) -> dict | None:
    if not domain:
        return None
    return outlet_profiles().get(domain)
