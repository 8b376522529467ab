"""The edges of an article inside a page's lines: where its region starts (at the page's own title heading) and
where a paragraph ends (before the row of links a dump runs on into it)."""

from __future__ import annotations

from ..markdown import LogicalLine, line_markup, linked_tail, strip_inline
from .blocks import title_line
from .lines import TERMINAL, Features, is_prose, line_features

#: the block model's threshold on a page where its region at the model's own threshold is too thin
#: (``document._thin_region``), and the least score of an uncertain prose line (:func:`uncertain_prose`)
FALLBACK_THRESHOLD = 0.25

def prose_heads(lines: list[LogicalLine], feats: list[Features], stopwords: frozenset[str]) \
        -> dict[int, tuple[str, Features]]:
    """Lines where a finished paragraph runs on into a trailing row of links (the dump joins an article's last
    paragraph with the share, print and "read also" links after it in the same cell): index -> the
    paragraph's text and its features. The head ends a sentence and is prose by itself; the tail is a row of
    links (:func:`~pipeline.core.markdown.linked_tail`), or one link alone where the whole line is not prose."""
    out: dict[int, tuple[str, Features]] = {}
    for i, ln in enumerate(lines):
        if ln.link_chars == 0 or ln.heading or feats[i].words < 6:
            continue
        body, heading, list_item, table = line_markup(ln.raw)
        # a paragraph that is prose by itself loses only a row of links; one that is not may lose one link
        cut = linked_tail(body, single=not is_prose(feats[i]))
        if cut is None:
            continue
        text, link_chars = strip_inline(body[:cut])
        if not text.endswith(TERMINAL) or text == ln.text:
            continue
        head = LogicalLine(ln.block, ln.raw, text, heading, list_item, table, link_chars)
        f = line_features(head, stopwords)
        if is_prose(f):
            out[i] = (text, f)
    return out


def start_at_title(lines: list[LogicalLine], page_title: str | None, prob, threshold: float, start: int,
                    end: int) -> int:
    """The region's start moved down to the page's title heading where that heading lies inside the region
    (:func:`~.blocks.title_line`: the heading that states ``<title>``/``og:title``, else the first H1) and the
    model takes it for article text: what the region joined above the article's own headline (a licence or
    notice block, another piece on the page, a column of readers' letters) is not its text."""
    t = title_line(lines, page_title)
    if t is None or not start < t < end or prob[t] < threshold:
        return start
    return t


def end_at_section_heading(lines: list[LogicalLine], feats: list[Features], prob, threshold: float, start: int,
                           end: int) -> int:
    """The region's end moved up to a heading inside it that opens another section: the model rejects the
    heading (at least two words) and the line after it, the region has taken article prose before it, and
    less prose the model takes for article text follows it than precedes it (a "latest publications" or
    related-stories block the region ran on into, whose teasers score near the threshold). An intertitle the
    model doubts, with the article going on after it, does not end the region."""
    before = 0
    for i in range(start, end):
        ln, f = lines[i], feats[i]
        if ln.heading and before and prob[i] < threshold and f.words >= 2 and i + 1 < end and \
                prob[i + 1] < threshold:
            after = sum(feats[j].words for j in range(i + 1, end)
                        if not lines[j].heading and prob[j] >= threshold and is_prose(feats[j]))
            if after < before:
                return i
        if not ln.heading and prob[i] >= threshold and is_prose(f):
            before += f.words
    return end


def uncertain_prose(f: Features, p: float) -> bool:
    """A line of running prose (sentences, stop words) the model scores under its threshold but not under
    :data:`FALLBACK_THRESHOLD`: a paragraph of an article whose layout the model knows less well (the last
    paragraph before a teaser list, a quote). Kept where it lies in or next to the region."""
    return p >= FALLBACK_THRESHOLD and is_prose(f)


def prose_margin(feats, reasons, prob, start: int, end: int) -> tuple[int, int]:
    """The region grown over the uncertain prose lines (:func:`uncertain_prose`) that adjoin it, on either
    side, so a closing or opening paragraph scored a little under the threshold is not cut off."""
    while end < len(feats) and reasons[end] is None and uncertain_prose(feats[end], prob[end]):
        end += 1
    while start > 0 and reasons[start - 1] is None and uncertain_prose(feats[start - 1], prob[start - 1]):
        start -= 1
    return start, end
