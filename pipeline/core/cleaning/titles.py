"""The title and the lead of a page's article: the headline line (by position around the article region, or
the line that states the page's own ``<title>``/``og:title``) and the standfirst paragraph."""

from __future__ import annotations

import re

from ..markdown import LogicalLine, words_of
from .lines import Features


def clean_title(text: str) -> str:
    return _once(re.sub(r"\s+", " ", text).strip(" |-–—:"))


def _once(title: str) -> str:
    """A headline stated twice in one line (an image's alt text or a link beside the headline it repeats),
    with at most a few words after the second copy (a date, a time), once: "X X 16.01.2012" -> "X 16.01.2012"."""
    words = title.split(" ")
    for k in range(2, len(words) // 2 + 1):
        if words[:k] == words[k:2 * k] and len(words) - 2 * k <= 4:
            return " ".join(words[k:])
    return title


#: how many lines after the region's first line a heading may be and still be taken for the title
TITLE_LOOKAHEAD = 2


def choose_title(lines: list[LogicalLine], feats: list[Features], reasons: list[str | None],
                 start: int) -> tuple[int | None, int]:
    """Index of the title line and the (possibly advanced) region start."""
    for i in range(start, max(-1, start - 15), -1):
        ln = lines[i]
        if ln.heading and reasons[i] is None and 2 <= feats[i].words <= 40 and feats[i].link_density < 0.5:
            return i, max(start, i + 1)
    for i in range(start + 1, min(start + 1 + TITLE_LOOKAHEAD, len(lines))):
        # an unpunctuated first line right above a heading (a caption, a kicker, a date bar): the heading is
        # the title
        if feats[start].terminal:
            break
        ln = lines[i]
        if ln.heading and reasons[i] is None and 2 <= feats[i].words <= 40 and feats[i].link_density < 0.5:
            return i, i + 1
    first = lines[start]
    if not feats[start].terminal or first.text.rstrip().endswith(("?", "!")):
        if 2 <= feats[start].words <= 30 and reasons[start] is None:
            return start, start + 1
    for i in range(start - 1, max(-1, start - 6), -1):
        if reasons[i] is None and 3 <= feats[i].words <= 30 and feats[i].link_density < 0.5:
            return i, start
    return None, start


#: a line is the page's stated title when this share of its words are in ``<title>``/``og:title`` ...
STATED_TITLE_SHARE = 0.8
#: ... and it holds at least this share of the stated title's words (the rest: the site's name, a rubric)
STATED_TITLE_COVER = 0.4


def stated_title_line(lines: list[LogicalLine], feats: list[Features], page_title: str | None, start: int,
                      end: int, chosen: int | None) -> int | None:
    """The line that states the page's own title (``<title>``/``og:title``/JSON-LD headline of an HTML page),
    where the title chosen from the region's neighbourhood is not it: a teaser's headline, a caption, a
    rubric or date line picked by position. Most of the line's words are in the stated title and it holds a
    good share of it; of several such lines, the nearest to the region's start (at or before it first).
    None where the chosen title already matches, or no line does."""
    if not page_title:
        return None
    wanted = set(words_of(page_title.lower()))
    if len(wanted) < 2:
        return None

    def matches(i: int) -> bool:
        toks = words_of(lines[i].text.lower())
        if len(toks) < 2 or feats[i].link_density >= 0.5:
            return False
        inside = sum(1 for t in toks if t in wanted)
        return inside >= STATED_TITLE_SHARE * len(toks) and len(set(toks) & wanted) >= STATED_TITLE_COVER * len(wanted)

    if chosen is not None and matches(chosen):
        return None
    candidates = [i for i in range(len(lines)) if matches(i)]
    if not candidates:
        return None
    return min(candidates, key=lambda i: (i > start, abs(start - i)))


def choose_lead(paragraphs: list[str], markups: list[str], has_lead_profile: bool) -> int | None:
    """The standfirst: an emphasized first paragraph, or a short one-sentence opener before ≥3 paragraphs."""
    if len(paragraphs) < 2:
        return None
    first, raw = paragraphs[0], markups[0].strip()
    if raw.startswith(("**", "__", "*", "_")) and raw.rstrip().endswith(("**", "__", "*", "_")):
        return 0
    sentences = [s for s in re.split(r"(?<=[.!?…])\s+(?=[А-ЯЁA-Z«\"])", first) if s]
    n_words = len(words_of(first))
    if has_lead_profile and n_words <= 60:
        return 0
    if len(sentences) == 1 and 8 <= n_words <= 40 and len(paragraphs) >= 4:
        return 0
    return None
