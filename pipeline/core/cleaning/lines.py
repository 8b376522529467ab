"""Line features and line scores: what each logical line of a page looks like, and how much it weighs as
article prose (positive) or page furniture (negative)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..markdown import LogicalLine

TERMINAL = tuple(".!?…»\"”;:)")

_NON_LETTER = re.compile(r"[\W\d_]+")  # what is left after removing these runs is the letters
_NON_LATIN = re.compile(r"[^A-Za-z]+")
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}")
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,32}")
#: what every _PHONE match contains (its last three digit groups): a cheap test before the costly pattern
_PHONE_HINT = re.compile(r"\d[\s-]\d\d[\s-]\d\d")
_PHONE = re.compile(r"(?:\+7|8)?\s?\(?\d{3,5}\)?[\s-]?\d{1,3}[\s-]\d{2}[\s-]\d{2}")


@dataclass
class Features:
    words: int
    stop_ratio: float
    link_density: float
    terminal: bool
    starts_lower: bool
    has_contact: bool
    letters: int
    latin_share: float = 0.0
    short_words: int = 0  # words of at most three letters


def line_features(line: LogicalLine, stopwords: frozenset[str]) -> Features:
    words = line.words
    n = len(words)
    stop = sum(1 for w in words if w.lower() in stopwords)
    text = line.text
    contact = bool(("@" in text and (_EMAIL.search(text) or _HANDLE.search(text))) or
                   (_PHONE_HINT.search(text) and _PHONE.search(text)))
    letters = len(_NON_LETTER.sub("", text))
    latin = len(_NON_LATIN.sub("", text))
    first_alpha = next((ch for ch in text if ch.isalpha()), "")
    return Features(
        words=n,
        stop_ratio=stop / n if n else 0.0,
        link_density=line.link_chars / max(len(text), 1),
        terminal=text.rstrip().endswith(TERMINAL),
        starts_lower=first_alpha.islower(),
        has_contact=contact,
        letters=letters,
        latin_share=latin / letters if letters else 0.0,
        short_words=sum(1 for w in words if len(w) <= 3),
    )


#: the least stop-word share of running prose
PROSE_STOP_RATIO = 0.1


def is_prose(f: Features) -> bool:
    return f.words >= 6 and f.link_density < 0.35 and (f.stop_ratio >= PROSE_STOP_RATIO or f.terminal)


def position_weight(position: float) -> float:
    """Articles sit in the upper part of a page; comment rules and legal notes at its foot."""
    return 1.0 if position <= POSITION_FLAT else 1.0 - (position - POSITION_FLAT) / (1.0 - POSITION_FLAT) * POSITION_DROP


POSITION_FLAT = 0.6
POSITION_DROP = 0.6


def line_score(f: Features, reason: str | None, line: LogicalLine, position: float = 0.0,
               page_is_cyrillic: bool = True) -> float:
    """Positive for running prose, negative for furniture, near zero for short neutral lines."""
    if reason is not None:
        return -(2.0 + 0.5 * f.words)
    if line.heading:
        return 0.0
    if is_prose(f):
        quality = 0.5 + 0.5 * min(f.stop_ratio, 0.35) / 0.35
        score = f.words * quality * (1.0 if f.terminal else 0.6) * (1.0 - f.link_density)
        if starts_with_link(line):
            score *= TEASER_FACTOR
        if line.list_item:
            score *= LIST_ITEM_FACTOR
        if page_is_cyrillic and f.latin_share > FOREIGN_SCRIPT_SHARE:
            score *= FOREIGN_SCRIPT_FACTOR
        return score * position_weight(position)
    return -1.0


TEASER_FACTOR = 0.3
#: a Latin-script line on a Cyrillic page is usually a legal notice or an ad, not the article
FOREIGN_SCRIPT_SHARE = 0.8
FOREIGN_SCRIPT_FACTOR = 0.2
TEASER_MIN_LINK_SHARE = 0.08
LIST_ITEM_FACTOR = 0.6


def starts_with_link(line: LogicalLine) -> bool:
    """A headline link followed by a snippet: the shape of a teaser for another article."""
    raw = line.raw.lstrip("*_#>-+ ")
    return raw.startswith("[") and not raw.startswith("[]") and line.link_chars >= 15 \
        and line.link_chars >= TEASER_MIN_LINK_SHARE * len(line.text)
