"""Where each logical line of an HTML page sits in the page's DOM: structural features for the block model.

The extractor reads an HTML page as its markdown dump (:func:`pipeline.core.html.to_markdown`), which keeps
headings, lists and links but loses the tree. This module parses the same HTML once more with lxml (a C
parser: a few milliseconds a page), lays out the words of its text in document order, each with the element
it sits in, and aligns every logical line with that stream (html2text keeps the order of the text, so a
forward search from the previous line's position finds it). A line then gets, from the element holding its
middle word:

- its DOM depth and the kind of element (paragraph, list item, table cell, heading, link);
- whether it is inside ``<article>``/``<main>``, ``<nav>``, ``<footer>``, ``<aside>``, ``<header>``, ``<form>``;
- the share of its words inside ``<a>`` (link density from the markup rather than from the dump);
- its container (nearest ``div``/``td``/``section``/``article``/...): how much of the page's text it holds,
  its link share and how many words it holds (text density, as content-extraction methods use);
- the class and id tokens of the element and its ancestors (``article-body`` → ``article``, ``body``), which
  the block model scores with a vocabulary it learned across outlets (see :mod:`.blocks`).

Nothing here names an outlet or a class; the vocabulary is learned, and only tokens seen on many outlets'
pages are kept in it. A page whose HTML cannot be parsed gets no DOM features (``has_dom`` 0), like a dump.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

#: names of the fixed DOM features, in the order :func:`line_dom_features` returns them
DOM_FEATURES = (
    "has_dom", "dom_aligned", "dom_depth", "dom_in_p", "dom_in_li", "dom_in_td", "dom_in_heading",
    "dom_link_share", "dom_in_article", "dom_in_nav", "dom_in_footer", "dom_in_aside", "dom_in_header",
    "dom_in_form", "dom_container_share", "dom_container_link_share", "dom_container_log_chars",
)
_LANDMARKS = {"article": 0, "main": 0, "nav": 1, "footer": 2, "aside": 3, "header": 4, "form": 5}
_CONTAINERS = frozenset({"div", "td", "th", "section", "article", "main", "aside", "nav", "footer", "header",
                         "ul", "ol", "table", "body", "form", "center", "dl", "blockquote"})
_SKIP = frozenset({"head", "title", "script", "style", "noscript", "template", "svg", "iframe", "object"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_NON_WORD = re.compile(r"[\W_]+")
_ROLES = {"main": 0, "navigation": 1, "contentinfo": 2, "complementary": 3}
_CLASS_TOKEN = re.compile(r"[a-z]{3,}")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
#: at most this many ancestors' class/id tokens are kept for a line (the nearest ones)
MAX_ANCESTOR_TOKENS = 24
#: a line is found in the page's text by its first this many word characters
KEY_CHARS = 40


@dataclass(frozen=True)
class LineDom:
    """The DOM position of one logical line: fixed features (:data:`DOM_FEATURES`) and class/id tokens,
    nearest element first."""

    values: tuple[float, ...]
    tokens: tuple[str, ...]


NO_DOM = (0.0,) * len(DOM_FEATURES)
UNALIGNED = (1.0,) + NO_DOM[1:]  # an HTML page's line not found in its DOM text


def class_tokens(value: str) -> list[str]:
    """Word tokens of a class or id attribute: camelCase and separators split, lowercased, digits dropped."""
    return list(_class_tokens(value))


@lru_cache(maxsize=4096)
def _class_tokens(value: str) -> tuple[str, ...]:
    """:func:`class_tokens`, cached: a page repeats the same few class attributes on most of its elements."""
    return tuple(_CLASS_TOKEN.findall(_CAMEL.sub(" ", value).lower()))


@dataclass
class _Context:
    depth: int
    kind: tuple[bool, bool, bool, bool]  # in p, li, td/th, heading
    landmarks: tuple[bool, ...]
    container: int  # index of the container element in the page's element list
    tokens: tuple[str, ...]


def _parse(html: str):
    import lxml.html

    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)


def _walk(root):
    """The page's text in document order as chunks (normalized text, context index, in a link), with the
    contexts and the characters of text under each container (its nested containers included)."""
    chunks: list[tuple[str, int, bool]] = []
    contexts: list[_Context] = [_Context(0, (False, False, False, False), (False,) * 6, 0, ())]
    container_parent: list[int] = [-1]

    def add(text: str | None, ctx: int, in_link: bool) -> None:
        if text:
            norm = _NON_WORD.sub("", text.lower())
            if norm:
                chunks.append((norm, ctx, in_link))

    # iterative walk (hostile pages nest deeply): an element, then its children, each followed by its tail
    stack: list[tuple] = [("open", root, 0, False)]
    while stack:
        item = stack.pop()
        if item[0] == "tail":
            add(item[1], item[2], item[3])
            continue
        _, el, parent, in_link = item
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _SKIP:
            continue
        p = contexts[parent]
        landmarks = list(p.landmarks)
        if tag in _LANDMARKS:
            landmarks[_LANDMARKS[tag]] = True
        role = (el.get("role") or "").lower()
        if role in _ROLES:
            landmarks[_ROLES[role]] = True
        own = _class_tokens(" ".join(filter(None, (el.get("class"), el.get("id")))))
        tokens = (tuple(own) + p.tokens)[:MAX_ANCESTOR_TOKENS] if own else p.tokens
        container = p.container
        if tag in _CONTAINERS:
            container = len(container_parent)
            container_parent.append(p.container)
        kind = (p.kind[0] or tag == "p", p.kind[1] or tag == "li", p.kind[2] or tag in ("td", "th"),
                p.kind[3] or tag in _HEADINGS)
        contexts.append(_Context(p.depth + 1, kind, tuple(landmarks), container, tokens))
        ctx = len(contexts) - 1
        link = in_link or tag == "a"
        if tag == "img":
            add(el.get("alt"), ctx, link)
        for child in reversed(list(el)):
            stack.append(("tail", child.tail, ctx, link))
            stack.append(("open", child, ctx, link))
        if tag:
            add(el.text, ctx, link)
    # each container's own text, then children into parents in one reverse pass: a container's index is
    # always above its parent's (pre-order), so every child is summed before its parent is added on
    c_chars = [0] * len(container_parent)
    c_links = [0] * len(container_parent)
    for norm, ctx, link in chunks:
        c = contexts[ctx].container
        c_chars[c] += len(norm)
        if link:
            c_links[c] += len(norm)
    for c in range(len(container_parent) - 1, 0, -1):
        parent = container_parent[c]
        c_chars[parent] += c_chars[c]
        c_links[parent] += c_links[c]
    return chunks, contexts, c_chars, c_links


def line_dom(html: str, line_texts: Sequence[str]) -> list[LineDom] | None:
    """The DOM position of each line (texts of the page's logical lines, in order), or None when the HTML
    cannot be parsed or holds no text.

    Text is compared as its word characters alone (lowercased, everything else dropped), because the dump
    joins adjacent elements' texts without a space where the page shows none."""
    try:
        root = _parse(html)
    except Exception:  # lxml raises several kinds on hostile input; such a page is read as a dump
        return None
    chunks, contexts, c_chars, c_links = _walk(root)
    if not chunks:
        return None
    stream = "".join(c[0] for c in chunks)
    starts = [0] * len(chunks)
    linked = [0] * (len(chunks) + 1)  # linked characters before chunk k
    at = 0
    for k, (norm, _, link) in enumerate(chunks):
        starts[k] = at
        at += len(norm)
        linked[k + 1] = linked[k] + (len(norm) if link else 0)
    total = len(stream)

    def linked_before(pos: int) -> int:
        k = bisect_right(starts, pos) - 1
        return linked[k] + (min(pos - starts[k], len(chunks[k][0])) if chunks[k][2] else 0)

    out: list[LineDom] = []
    pointer = 0
    for text in line_texts:
        norm = _NON_WORD.sub("", text.lower())
        if not norm:
            out.append(LineDom(UNALIGNED, ()))
            continue
        key = norm[:KEY_CHARS]
        pos = stream.find(key, pointer)
        if pos < 0:
            pos = stream.find(key)
        if pos < 0:
            out.append(LineDom(UNALIGNED, ()))
            continue
        end = min(pos + len(norm), total)
        pointer = pos + 1
        c = contexts[chunks[bisect_right(starts, (pos + end - 1) // 2) - 1][1]]
        link_share = (linked_before(end) - linked_before(pos)) / max(end - pos, 1)
        cc = c_chars[c.container]
        out.append(LineDom((
            1.0, 1.0, float(c.depth), *map(float, c.kind), link_share, *map(float, c.landmarks),
            cc / total, c_links[c.container] / max(cc, 1), math.log1p(cc),
        ), c.tokens))
    return out
