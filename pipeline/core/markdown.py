"""Turn a text or markdown page dump into logical lines with their markup features.

Every pattern here is linear-time (no nested quantifiers), because dumps are
hostile input: one 5 MB line must not stall the run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_IMAGE = re.compile(r"!\[([^\]\n]{0,500})\]\(([^)\n]{0,2000})\)")
_LINK = re.compile(r"\[([^\[\]\n]{0,1000})\]\(([^)\n]{0,2000})\)")
_EMPTY_LINK = re.compile(r"\[\]\(([^)\n]{0,2000})\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^>\s]{1,2000})>")
_BARE_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]{2,2000}")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})(?:\s+|$)")
_LIST_ITEM = re.compile(r"^\s*(?:[*+\-•·]|\d{1,3}[.)])\s+")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_RULE = re.compile(r"^\s*(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|(?:=\s*){3,})\s*$")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
#: zero-width spaces and joiners are no space: "Ки\u200bсида" is one word on the page (bidi controls stay in the
#: stored text; NER reads past them, pipeline/core/entities/invisible.py)
_ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff]+")
_WORD = re.compile(r"[^\W\d_]+(?:[-’'][^\W\d_]+)*")
_PLACEHOLDER = "\ue000"
_PLACEHOLDER_RE = re.compile("\ue000([\ue100-\uf0ff])")


@dataclass
class LogicalLine:
    """A line as the page shows it: markdown stripped, wrapped pieces joined."""

    block: int  # index of the blank-line separated block it came from
    raw: str
    text: str
    heading: int  # markdown heading level, 0 if none
    list_item: bool
    table: bool
    link_chars: int  # characters of text inside links, images or URLs
    dom: object = None  # an HTML page's line: its place in the DOM (a cleaning.dom.LineDom), else None

    @property
    def words(self) -> list[str]:
        return _WORD.findall(self.text)


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


def strip_inline(raw: str) -> tuple[str, int]:
    """Plain text of one markdown line and how many of its characters were link text."""
    link_chars = 0
    escaped: list[str] = []

    def protect(m: re.Match) -> str:
        escaped.append(m.group(1))
        return _PLACEHOLDER + chr(0xE100 + (len(escaped) - 1) % 0x1000)

    text = _ESCAPED.sub(protect, raw)

    def image(m: re.Match) -> str:
        nonlocal link_chars
        link_chars += len(m.group(1)) + 1
        return m.group(1)

    def link(m: re.Match) -> str:
        nonlocal link_chars
        link_chars += max(len(m.group(1).strip()), 1)
        return m.group(1)

    def url(m: re.Match) -> str:
        nonlocal link_chars
        link_chars += len(m.group(1) if m.groups() else m.group(0))
        return m.group(1) if m.groups() else m.group(0)

    # bare URLs outside link syntax (links and autolinks are counted by their own handlers)
    residual = _AUTOLINK.sub(" ", _LINK.sub(" ", _IMAGE.sub(" ", text)))
    link_chars += sum(len(m.group(0)) for m in _BARE_URL.finditer(residual))
    text = _IMAGE.sub(image, text)
    text = _EMPTY_LINK.sub(lambda m: " ", text)
    text = _LINK.sub(link, text)
    text = _LINK.sub(link, text)  # one level of nesting: [![img](src)](href)
    text = _AUTOLINK.sub(url, text)
    text = _EMPHASIS.sub("", text)
    if escaped:
        text = _PLACEHOLDER_RE.sub(lambda m: escaped[ord(m.group(1)) - 0xE100], text) if len(escaped) <= 0x1000 \
            else _PLACEHOLDER_RE.sub("", text)
    text = _SPACES.sub(" ", _ZERO_WIDTH.sub("", text)).strip()
    return text, min(link_chars, len(text))


#: what a table row's cell boundaries become in text (not a word character: token metrics are unchanged)
FIELD_SEPARATOR = " · "


#: a line's tail is a row of links where at least this share of its text is link text ...
LINK_ROW_SHARE = 0.7
#: ... and it holds at least this many links or images
LINK_ROW_LINKS = 2
#: a tail of fewer links is link text alone: at least this share (a separator or two may stand between links)
LINK_ONLY_SHARE = 0.9
_SENTENCE_GAP = re.compile(r"(?<=[.!?…»\"”)])\s+")


def linked_tail(body: str, single: bool = False) -> int | None:
    """Where a line's trailing row of links begins: the earliest sentence end in ``body`` (a line's markup as
    :func:`line_markup` leaves it) after which the rest of the line is mostly links and images (at least
    :data:`LINK_ROW_SHARE` of its text, :data:`LINK_ROW_LINKS` of them: the share, print and "read also"
    links that a dump joins to an article's last paragraph), as an offset into ``body``; None where there is
    no such row or nothing before it. With ``single``, one link or image alone after the sentence end counts
    too where the rest is all link text (:data:`LINK_ONLY_SHARE`). Linear in the line's length."""
    spans = [(m.start(), m.end()) for m in _IMAGE.finditer(body)]
    masked = _IMAGE.sub(lambda m: "\ue001" * len(m.group(0)), body)
    spans += [(m.start(), m.end()) for m in _LINK.finditer(masked)]
    least = 1 if single else LINK_ROW_LINKS
    if len(spans) < least:
        return None
    spans.sort(key=lambda sp: (sp[0], -sp[1]))
    outer: list[tuple[int, int]] = []  # a linked image is one link: spans inside another are dropped
    for sp in spans:
        if not outer or sp[0] >= outer[-1][1]:
            outer.append(sp)
    if len(outer) < least:
        return None
    cuts = []
    k = 0
    for m in _SENTENCE_GAP.finditer(body):  # sentence ends outside any link's markup
        while k < len(outer) and outer[k][1] <= m.start():
            k += 1
        if k < len(outer) and outer[k][0] < m.start():
            continue
        cuts.append(m.end())
    if not cuts:
        return None
    bounds = [*cuts, len(body)]
    seg_text, seg_link, seg_count = [], [], []
    k = 0
    for lo, hi in zip(bounds, bounds[1:]):
        text, link_chars = strip_inline(body[lo:hi])
        seg_text.append(len(text))
        seg_link.append(link_chars)
        n = 0
        while k < len(outer) and outer[k][1] <= hi:
            n += outer[k][0] >= lo
            k += 1
        seg_count.append(n)
    total = links = count = 0
    best = None
    for j in range(len(cuts) - 1, -1, -1):  # suffixes from the shortest
        total += seg_text[j]
        links += seg_link[j]
        count += seg_count[j]
        if total and ((links >= LINK_ROW_SHARE * total and count >= LINK_ROW_LINKS) or
                      (single and count and links >= LINK_ONLY_SHARE * total)):
            best = cuts[j]
    if best is None or not strip_inline(body[:best])[0]:
        return None
    return best


def _line_markup(raw: str) -> tuple[str, int, bool, bool]:
    heading = 0
    list_item = False
    m = _HEADING.match(raw)
    if m:
        heading = len(m.group(1))
        raw = raw[m.end():]
        raw = raw.rstrip().rstrip("#").rstrip()
    raw = _QUOTE.sub("", raw)
    m = _LIST_ITEM.match(raw)
    if m and not heading:
        list_item = True
        raw = raw[m.end():]
    table = raw.count("|") >= 2
    if table:  # cells keep a visible boundary (bylines "date | author | section" are such rows)
        raw = FIELD_SEPARATOR.join(cell.strip() for cell in raw.strip().strip("|").split("|") if cell.strip())
    return raw, heading, list_item, table


def line_markup(raw: str) -> tuple[str, int, bool, bool]:
    """A logical line's raw markdown without its heading, quote and list markup (table cells joined): its body,
    heading level, whether it is a list item and whether it is a table row."""
    return _line_markup(raw.strip())


def _is_wrapped_block(lines: list[str]) -> bool:
    """A block hard-wrapped at a fixed width: lines of similar length, none a list item or heading."""
    if len(lines) < 3:
        return False
    body = [ln.rstrip() for ln in lines[:-1]]
    longest = max(len(ln) for ln in body)
    if longest < 50:
        return False
    similar = sum(1 for ln in body if len(ln) >= 0.8 * longest)
    return similar >= 0.7 * len(body)


def _starts_lower(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
        if ch in "«\"'(—–-":
            continue
        return False
    return False


def split_blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks of raw lines (horizontal rules also separate)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if not line.strip() or _RULE.match(line):
            if current:
                blocks.append(current)
                current = []
            continue
        current.append(line)
    if current:
        blocks.append(current)
    return blocks


def logical_lines(text: str) -> list[LogicalLine]:
    """Segment a dump into logical lines.

    Inside a block, a line is joined to the previous one when the dump wrapped
    it: no markdown hard break ("two spaces" or backslash) and the next piece
    starts in lowercase, or the whole block is hard-wrapped at a fixed width.
    """
    out: list[LogicalLine] = []
    for b, block in enumerate(split_blocks(text)):
        wrapped = _is_wrapped_block(block)
        pieces: list[tuple[str, bool]] = []  # (raw, ends_with_hard_break)
        for raw in block:
            hard = raw.endswith("  ") or raw.rstrip().endswith("\\") and not raw.rstrip().endswith("\\\\")
            pieces.append((raw.rstrip().rstrip("\\") if hard and raw.rstrip().endswith("\\") else raw.rstrip(), hard))
        # each logical line as the list of its pieces, joined once at the end: appending to a growing string
        # copied it every time (quadratic: 4 MB of short lowercase lines took minutes)
        merged: list[list[str]] = []
        last_is_heading = False  # a line's heading markup is in its first piece: joining never changes it
        prev_hard = True
        for raw, hard in pieces:
            stripped = raw.strip()
            if merged and not last_is_heading and not _HEADING.match(stripped) and not _LIST_ITEM.match(stripped) \
                    and (wrapped or (not prev_hard and _starts_lower(stripped))):
                merged[-1][-1] = merged[-1][-1].rstrip()
                if stripped:  # an empty piece (a lone backslash break) adds no second space
                    merged[-1].append(stripped)
            else:
                merged.append([raw])
                last_is_heading = bool(_HEADING.match(stripped))
            prev_hard = hard
        for raw in map(" ".join, merged):
            body, heading, list_item, table = _line_markup(raw.strip())
            plain, link_chars = strip_inline(body)
            if not plain and not raw.strip():
                continue
            out.append(LogicalLine(b, raw.strip(), plain, heading, list_item, table, link_chars))
    return out
