"""Templates across pages: lines that recur on several pages of an outlet, or across the corpus, are
furniture. Pages are counted by hashed, normalized keys (:class:`TemplateIndex`, the corpus-level state of the
extract stage)."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from ..markdown import LogicalLine


_WORDS = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")


def template_key(text: str) -> str:
    """Normalized form under which recurring lines are counted: case, digits and punctuation folded."""
    return _DIGITS.sub("0", " ".join(_WORDS.findall(text)).lower())[:300]


def template_hash(key: str) -> int:
    """A 64-bit hash of a template key: corpus-level counts keep integers, not lines of text."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


#: what the second key of a plain heading appends to its text's key (no normalized key holds a control
#: character); the second key of a link line with the same text is that hash XOR :data:`_OTHER_FORM`, so that
#: either form's hash gives the other's (:meth:`TemplateIndex.signature` covers both)
_AS_PLAIN_HEADING = "\x00heading"
_OTHER_FORM = 0x9E3779B97F4A7C15
#: words of a link line from which it may be another page's headline (a teaser), and gets its second key
LINK_HEADLINE_WORDS = 3
#: words of a plain line (no heading markup) that may state the page's headline: a text dump drops the markup
PLAIN_HEADLINE_WORDS = (3, 25)


def is_link_line(line: LogicalLine) -> bool:
    return line.link_chars * 2 >= len(line.text)


def plain_heading(line: LogicalLine) -> bool:
    """A line that is no link and may state the page's own headline: a heading, or, in a dump that dropped the
    markup, a short line outside lists and tables that does not end a sentence with a full stop."""
    if is_link_line(line):
        return False
    if line.heading:
        return True
    return not line.list_item and not line.table and not line.text.rstrip().endswith(".") and \
        PLAIN_HEADLINE_WORDS[0] <= len(line.words) <= PLAIN_HEADLINE_WORDS[1]


def _form_hashes(key: str) -> tuple[int, int]:
    """(plain-heading form, link form) hashes of a key."""
    heading = template_hash(key + _AS_PLAIN_HEADING)
    return heading, heading ^ _OTHER_FORM


def line_hashes(line: LogicalLine) -> list[int]:
    """The hashed keys a line counts under: its text's, and for a plain heading and a link line of a few words
    (a teaser) also the text's in that form, so that :meth:`TemplateIndex.is_own_headline` can tell them apart."""
    key = template_key(line.text)
    if not key:
        return []
    if plain_heading(line):
        return [template_hash(key), _form_hashes(key)[0]]
    if is_link_line(line) and len(line.words) >= LINK_HEADLINE_WORDS:
        return [template_hash(key), _form_hashes(key)[1]]
    return [template_hash(key)]


def page_template_keys(lines: Sequence[LogicalLine]) -> "np.ndarray":
    """The distinct hashed template keys of one page, sorted (what the corpus template index counts)."""
    import numpy as np

    keys = {k for line in lines for k in line_hashes(line)}
    return np.array(sorted(keys), dtype=np.uint64)


@dataclass
class TemplateIndex:
    """How many distinct pages, per outlet group and overall, contain each normalized line.

    Only keys seen on two pages or more are kept: a key on one page can never be a template."""

    per_group: dict[tuple[str, int], int] = field(default_factory=dict)
    overall: dict[int, int] = field(default_factory=dict)
    min_group_pages: int = 2
    min_corpus_pages: int = 3

    @classmethod
    def learn(cls, pages: Iterable[tuple[str | None, list[LogicalLine]]]) -> "TemplateIndex":
        return cls.from_keysets((group, page_template_keys(lines)) for group, lines in pages)

    @classmethod
    def from_keysets(cls, pages: Iterable[tuple[str | None, "np.ndarray"]]) -> "TemplateIndex":
        """Count pages per key from each page's (group, hashed keys): the corpus-level state of the extract stage."""
        import numpy as np

        by_group: dict[str | None, list] = defaultdict(list)
        for group, keys in pages:
            by_group[group].append(keys)
        per_group: dict[tuple[str, int], int] = {}
        everything = []
        for group in sorted(by_group, key=lambda g: (g is None, g or "")):
            keys = np.concatenate(by_group[group]) if by_group[group] else np.zeros(0, dtype=np.uint64)
            everything.append(keys)
            if group:
                values, counts = np.unique(keys, return_counts=True)
                per_group.update({(group, int(v)): int(c) for v, c in zip(values[counts >= 2], counts[counts >= 2])})
        values, counts = np.unique(np.concatenate(everything) if everything else np.zeros(0, dtype=np.uint64),
                                   return_counts=True)
        overall = {int(v): int(c) for v, c in zip(values[counts >= 2], counts[counts >= 2])}
        return cls(per_group, overall)

    def is_template_hash(self, group: str | None, key: int) -> bool:
        if group and self.per_group.get((group, key), 0) >= self.min_group_pages:
            return True
        return self.overall.get(key, 0) >= self.min_corpus_pages

    def is_template(self, group: str | None, text: str) -> bool:
        k = template_key(text)
        return bool(k) and self.is_template_hash(group, template_hash(k))

    def is_own_headline(self, group: str | None, line: LogicalLine) -> bool:
        """Whether a template line is the page's own headline: a plain heading whose text recurs as a link on
        enough pages (teasers and "most read" lists of the outlet link to it) but as a plain heading on too few.
        Decided by the template status of the line's two form hashes, which :meth:`signature` covers."""
        if not plain_heading(line):
            return False
        heading, link = _form_hashes(template_key(line.text))
        return self.is_template_hash(group, link) and not self.is_template_hash(group, heading)

    def signature(self, group: str | None, keys: "np.ndarray") -> str:
        """Which of a page's keys are templates, and of which the other form is (a plain heading's link form:
        :meth:`is_own_headline`), as a digest: a page needs re-extraction exactly when it changes."""
        hits = [str(int(k)) for k in keys if self.is_template_hash(group, int(k))]
        hits += [f"~{int(k)}" for k in keys if self.is_template_hash(group, int(k) ^ _OTHER_FORM)]
        return hashlib.sha256(",".join(hits).encode()).hexdigest()[:16]
