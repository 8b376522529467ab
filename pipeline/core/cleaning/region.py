"""Where the article lives on a page: the maximum-sum run of line scores, ended early at a line that opens a
related-articles, comments or latest-news section."""

from __future__ import annotations

from typing import Sequence

from ..markdown import LogicalLine
from .lines import Features
from .rules import PhraseRules


def main_region(scores: Sequence[float]) -> tuple[int, int]:
    """Bounds [start, end) of the maximum-sum contiguous run of scores (Kadane)."""
    best, best_start, best_end = float("-inf"), 0, 0
    run, run_start = 0.0, 0
    for i, s in enumerate(scores):
        if run <= 0:
            run, run_start = s, i
        else:
            run += s
        if run > best:
            best, best_start, best_end = run, run_start, i + 1
    return best_start, best_end


SECTION_BREAK_MAX_WORDS = 6
MIN_PROSE_BEFORE_BREAK = 40


def _strip_decoration(text: str) -> str:
    return text.lower().lstrip("▪•·*-–—#|>«\"' ").rstrip()


def is_section_break(line: LogicalLine, f: Features, rules: PhraseRules) -> bool:
    """A short line that opens a related-articles, comments or latest-news section."""
    if f.words == 0 or f.words > SECTION_BREAK_MAX_WORDS:
        return False
    low = _strip_decoration(line.text)
    for p in rules.section_breaks:
        if low.startswith(p):
            nxt = low[len(p):len(p) + 1]
            if not nxt or not nxt.isalpha():
                return True
    return False


def cut_at_section_break(lines: list[LogicalLine], feats: list[Features], scores: Sequence[float],
                         rules: PhraseRules, start: int, end: int) -> int:
    """End of the article: the first section-opening line after enough prose, else ``end``."""
    prose_words = 0
    for i in range(start, end):
        if prose_words >= MIN_PROSE_BEFORE_BREAK and is_section_break(lines[i], feats[i], rules):
            return i
        if scores[i] > 0:
            prose_words += feats[i].words
    return end
