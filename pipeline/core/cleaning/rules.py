"""The named boilerplate rules, read from the phrase lists in ``data/phrases/``: each rule looks at one line in
its context; the first that fires is the line's removal reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from ...knowledge import phrase_lines
from ..markdown import LogicalLine
from .lines import PROSE_STOP_RATIO, Features


@dataclass(frozen=True)
class PhraseRules:
    starts: tuple[str, ...]
    short_contains: tuple[str, ...]
    anywhere: tuple[str, ...]
    stopwords: frozenset[str]
    section_breaks: tuple[str, ...] = ()

    @classmethod
    def load(cls) -> "PhraseRules":
        starts, short, anywhere = [], [], []
        for p in phrase_lines("phrases/boilerplate.txt"):
            if p.startswith("~"):
                short.append(p[1:].lower())
            elif p.startswith("!"):
                anywhere.append(p[1:].lower())
            else:
                starts.append(p.lower())
        stop = set()
        for line in phrase_lines("phrases/stopwords_ru.txt"):
            stop.update(w.lower() for w in line.split())
        breaks = tuple(p.lower() for p in phrase_lines("phrases/section_breaks.txt"))
        return cls(tuple(starts), tuple(short), tuple(anywhere), frozenset(stop), breaks)

    @cached_property
    def short_contains_re(self) -> re.Pattern:
        """One alternation of the ``short_contains`` phrases: a search is ``any(p in text ...)`` in one C pass."""
        return _alternation(self.short_contains)

    @cached_property
    def anywhere_re(self) -> re.Pattern:
        return _alternation(self.anywhere)


def _alternation(phrases: tuple[str, ...]) -> re.Pattern:
    if not phrases:
        return re.compile(r"(?!)")  # matches nothing, as any() of no phrase is False
    return re.compile("|".join(re.escape(p) for p in sorted(set(phrases), key=lambda p: (-len(p), p))))


_RULES_CACHE: list[PhraseRules] = []


def phrase_rules() -> PhraseRules:
    if not _RULES_CACHE:
        _RULES_CACHE.append(PhraseRules.load())
    return _RULES_CACHE[0]


_LANG_SWITCH = re.compile(r"^[A-ZА-Я]{2,3}(?:\s*[/|]\s*[A-ZА-Я]{2,3})+$")
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|&copy;", re.I)
_DATE_ONLY = re.compile(r"^[\d\s.:,/\-–—]+$")


@dataclass
class LineContext:
    line: LogicalLine
    f: Features
    rules: PhraseRules
    template: bool
    lowered: str


def _rule_no_text(c: LineContext) -> bool:
    return c.f.letters < 2 or _DATE_ONLY.match(c.line.text) is not None


def _rule_phrase(c: LineContext) -> bool:
    low = c.lowered.lstrip("«\"'•·*-–— ")
    if c.rules.starts and low.startswith(c.rules.starts):  # one C call rules out nearly every line
        for p in c.rules.starts:
            if low.startswith(p):
                nxt = low[len(p):len(p) + 1]
                if (not nxt or not nxt.isalpha()) and (c.f.words <= 25 or _label_list(c, p, low)):
                    return True
    if c.f.words < 25 and c.rules.short_contains_re.search(low) is not None:
        return True
    return c.rules.anywhere_re.search(low) is not None


def _label_list(c: LineContext, phrase: str, low: str) -> bool:
    """A long line under a label ("Теги: ...", "Рубрики: ...", "Фото: ...") is furniture when it is a list, not
    running prose: a text dump can run a photo credit into the paragraph after it ("Фото: AFP. Борис Джонсон
    ушел в отставку ..."), and that paragraph may be the whole article."""
    labelled = phrase.endswith(":") or low[len(phrase):].lstrip().startswith(":")
    return labelled and c.f.stop_ratio < PROSE_STOP_RATIO


def _rule_contact(c: LineContext) -> bool:
    return c.f.has_contact and c.f.words < 25


def _rule_links(c: LineContext) -> bool:
    return c.f.link_density >= 0.5 and c.line.link_chars > 0


def _rule_language_switcher(c: LineContext) -> bool:
    return _LANG_SWITCH.match(c.line.text) is not None


def _rule_copyright(c: LineContext) -> bool:
    return _COPYRIGHT.search(c.line.text) is not None and c.f.words < 40


def _rule_template(c: LineContext) -> bool:
    return c.template


#: named rules, checked in order; the first that fires is the removal reason
BOILERPLATE_RULES: tuple[tuple[str, Callable[[LineContext], bool]], ...] = (
    ("no_text", _rule_no_text),
    ("language_switcher", _rule_language_switcher),
    ("phrase", _rule_phrase),
    ("contact", _rule_contact),
    ("copyright", _rule_copyright),
    ("link_list", _rule_links),
    ("template", _rule_template),
)


def boilerplate_reason(c: LineContext) -> str | None:
    for name, rule in BOILERPLATE_RULES:
        if rule(c):
            return name
    return None
