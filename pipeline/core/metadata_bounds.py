"""What the metadata stage keeps of what a page states about itself: a public http(s) URL, and a publication
time inside the years a news corpus can hold. A value outside is not the article's fault: the field becomes null
and the row carries a note (``articles.notes``), instead of the row breaking the articles suite.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timezone
from urllib.parse import urlsplit

__all__ = ["EARLIEST_PUBLISHED", "LATEST_PUBLISHED", "public_url", "published_in_range"]

#: the articles suite's lower bound for published_at (its upper bound, the reference time, is checked at quarantine)
EARLIEST_PUBLISHED = datetime(1990, 1, 1, tzinfo=timezone.utc)
#: beyond any reference time a build can declare: later dates are typos or placeholders (01.01.2099, 9999-12-31)
LATEST_PUBLISHED = datetime(2100, 1, 1, tzinfo=timezone.utc)
#: special-use names (RFC 6761, RFC 6762, RFC 2606) that no published article lives under
_RESERVED_SUFFIXES = ("localhost", "local", "internal", "test", "invalid", "example", "lan", "home", "corp")


def _label_ok(label: str) -> bool:
    return bool(label) and len(label) <= 63 and not label.startswith("-") and not label.endswith("-") \
        and all(c.isalnum() or c == "-" for c in label)


def public_url(url: str | None) -> bool:
    """True for an absolute http(s) URL whose host is a public domain name: dotted labels of letters, digits and
    hyphens (Unicode letters too: ``https://президент.рф/…``), a top-level label of letters (or an ``xn--``
    one), no IP literal, no special-use name such as ``localhost``, no user info, no space."""
    if not url or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host or "@" in parts.netloc:
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
        return False
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    if len(labels) < 2 or not all(_label_ok(label) for label in labels):
        return False
    tld = labels[-1]
    if tld in _RESERVED_SUFFIXES:
        return False
    return (tld.isalpha() and len(tld) >= 2) or (tld.startswith("xn--") and len(tld) > 4)


def published_in_range(utc) -> bool:
    """True when a publication time (aware, UTC) lies in [:data:`EARLIEST_PUBLISHED`, :data:`LATEST_PUBLISHED`)."""
    return utc is None or EARLIEST_PUBLISHED <= utc < LATEST_PUBLISHED
