"""Extract: a raw page dump → title, lead and clean body paragraphs, plus what was removed and why.

The method, in small named steps:

1. :func:`~pipeline.core.markdown.logical_lines` segments the dump into lines.
2. Each line gets features (:func:`line_features`) and a verdict from named
   boilerplate rules (:data:`BOILERPLATE_RULES`), including templates learned
   across the batch (:class:`TemplateIndex`): a line that recurs on several
   pages of an outlet, or across the corpus, is furniture.
3. :func:`main_region` finds the contiguous run of lines with the highest
   "prose minus furniture" score (a maximum-sum subarray), which is where the
   article lives on a news page.
4. Inside the region, captions, credits and teasers are dropped; the title
   and lead are chosen (:func:`choose_title`, :func:`choose_lead`) and
   paragraphs cut by page breaks are rejoined (:func:`reflow`).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from ..knowledge import phrase_lines
from .errors import Reject, RejectError
from .documents import RawDocument
from .markdown import LogicalLine, logical_lines, words_of
from .outlets import detect_outlet, find_url

STAGE = "extract"
TERMINAL = tuple(".!?…»\"”;:)")
MIN_BODY_WORDS = 20


# ---------------------------------------------------------------- knowledge files
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


_RULES_CACHE: list[PhraseRules] = []


def phrase_rules() -> PhraseRules:
    if not _RULES_CACHE:
        _RULES_CACHE.append(PhraseRules.load())
    return _RULES_CACHE[0]


# ---------------------------------------------------------------- features
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}")
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,32}")
_PHONE = re.compile(r"(?:\+7|8)?\s?\(?\d{3,5}\)?[\s-]?\d{1,3}[\s-]\d{2}[\s-]\d{2}")
_LANG_SWITCH = re.compile(r"^[A-ZА-Я]{2,3}(?:\s*[/|]\s*[A-ZА-Я]{2,3})+$")
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|&copy;", re.I)
_DATE_ONLY = re.compile(r"^[\d\s.:,/\-–—]+$")


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


def line_features(line: LogicalLine, stopwords: frozenset[str]) -> Features:
    words = line.words
    n = len(words)
    stop = sum(1 for w in words if w.lower() in stopwords)
    text = line.text
    contact = bool(_EMAIL.search(text) or _HANDLE.search(text) or _PHONE.search(text))
    letters = sum(1 for ch in text if ch.isalpha())
    latin = sum(1 for ch in text if "a" <= ch.lower() <= "z")
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
    )


# ---------------------------------------------------------------- templates across pages
def template_key(text: str) -> str:
    """Normalized form under which recurring lines are counted: case, digits and punctuation folded."""
    return " ".join(re.sub(r"\d+", "0", w.lower()) for w in re.findall(r"\w+", text))[:300]


def template_hash(key: str) -> int:
    """A 64-bit hash of a template key: corpus-level counts keep integers, not lines of text."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


def page_template_keys(lines: Sequence[LogicalLine]) -> "np.ndarray":
    """The distinct hashed template keys of one page, sorted (what the corpus template index counts)."""
    import numpy as np

    keys = {template_key(l.text) for l in lines}
    keys.discard("")
    return np.array(sorted(template_hash(k) for k in keys), dtype=np.uint64)


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

    def signature(self, group: str | None, keys: "np.ndarray") -> str:
        """Which of a page's keys are templates, as a digest: a page needs re-extraction exactly when it changes."""
        hits = [int(k) for k in keys if self.is_template_hash(group, int(k))]
        return hashlib.sha256(",".join(map(str, hits)).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- boilerplate rules
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
    for p in c.rules.starts:
        if low.startswith(p):
            nxt = low[len(p):len(p) + 1]
            if (not nxt or not nxt.isalpha()) and (c.f.words <= 25 or p.endswith(":") or low[len(p):].lstrip().startswith(":")):
                return True
    if c.f.words < 25 and any(p in low for p in c.rules.short_contains):
        return True
    return any(p in low for p in c.rules.anywhere)


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


# ---------------------------------------------------------------- scoring and region
def is_prose(f: Features) -> bool:
    return f.words >= 6 and f.link_density < 0.35 and (f.stop_ratio >= 0.1 or f.terminal)


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


# ---------------------------------------------------------------- output
@dataclass(frozen=True)
class RemovedLine:
    text: str
    reason: str
    line: int  # index among the page's logical lines
    block: int  # index of its blank-line separated block


@dataclass
class CleanDocument:
    source_path: str
    raw_sha256: str
    title: str
    lead: str | None
    paragraphs: list[str]
    removed: list["RemovedLine"]
    url: str | None
    outlet_hint: str | None
    text: str  # the page as a text/markdown dump, for metadata parsing
    line_count: int
    title_line: int | None = None
    region: tuple[int, int] = (0, 0)
    html_meta: dict | None = None  # what an HTML page states about itself (see pipeline.core.html)
    source_url: str | None = None  # the WARC record's target URI
    kind: str = "text"

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def boilerplate_share(self) -> float:
        return round(len(self.removed) / self.line_count, 4) if self.line_count else 0.0


def _clean_title(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" |-–—:")


def choose_title(lines: list[LogicalLine], feats: list[Features], reasons: list[str | None],
                 start: int) -> tuple[int | None, int]:
    """Index of the title line and the (possibly advanced) region start."""
    for i in range(start, max(-1, start - 15), -1):
        ln = lines[i]
        if ln.heading and reasons[i] is None and 2 <= feats[i].words <= 40 and feats[i].link_density < 0.5:
            return i, max(start, i + 1)
    first = lines[start]
    if not feats[start].terminal or first.text.rstrip().endswith(("?", "!")):
        if 2 <= feats[start].words <= 30 and reasons[start] is None:
            return start, start + 1
    for i in range(start - 1, max(-1, start - 6), -1):
        if reasons[i] is None and 3 <= feats[i].words <= 30 and feats[i].link_density < 0.5:
            return i, start
    return None, start


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


def reflow(paragraphs: list[str], markups: list[str]) -> tuple[list[str], list[str]]:
    """Rejoin a paragraph cut in two (page break): no terminal punctuation, next starts lowercase."""
    out: list[str] = []
    out_raw: list[str] = []
    for p, raw in zip(paragraphs, markups):
        if out and not out[-1].rstrip().endswith(TERMINAL) and _starts_lowercase(p):
            out[-1] = out[-1].rstrip() + " " + p.lstrip()
            out_raw[-1] = out_raw[-1] + " " + raw
        else:
            out.append(p)
            out_raw.append(raw)
    return out, out_raw


def _starts_lowercase(text: str) -> bool:
    """Continues the previous paragraph: starts with a lowercase letter (after opening quotes or brackets),
    or with punctuation that cannot open a paragraph (",", ";", ")")."""
    for ch in text.lstrip():
        if ch in "«\"'(„“[":
            continue
        if ch.isalpha():
            return ch.islower()
        return ch in ",.;:)»…"
    return False


def extract_lines(doc: RawDocument, lines: list[LogicalLine], templates: TemplateIndex | None,
                  group: str | None, has_lead_profile: bool = False) -> CleanDocument:
    """Core of extraction for one page whose lines are already segmented."""
    rules = phrase_rules()
    feats = [line_features(ln, rules.stopwords) for ln in lines]
    reasons: list[str | None] = []
    for ln, f in zip(lines, feats):
        template = bool(templates and templates.is_template(group, ln.text))
        reasons.append(boilerplate_reason(LineContext(ln, f, rules, template, ln.text.lower())))
    _forgive_syndicated(feats, reasons)
    _mark_captions(lines, feats, reasons)
    total = max(len(lines) - 1, 1)
    letters = sum(f.letters for f in feats)
    cyrillic_page = letters > 0 and sum(f.letters * (1 - f.latin_share) for f in feats) / letters > 0.5
    scores = [line_score(f, r, ln, i / total, cyrillic_page) for i, (f, r, ln) in enumerate(zip(feats, reasons, lines))]
    if not lines or max(scores, default=0) <= 0:
        raise RejectError("no_article_text", "no line of running prose found")
    start, end = main_region(scores)
    end = cut_at_section_break(lines, feats, scores, rules, start, end)
    title_idx, start = choose_title(lines, feats, reasons, start)

    kept: list[int] = []
    for i in range(start, end):
        f, r = feats[i], reasons[i]
        if r is not None:
            continue
        if lines[i].heading and f.words >= 2:
            kept.append(i)
        elif _is_standalone_caption(lines, feats, i):
            reasons[i] = "caption"
        elif is_prose(f) or (f.terminal and f.words >= 3):
            kept.append(i)
        else:
            reasons[i] = "caption_or_fragment"
    kept = _drop_repeats(lines, kept, reasons)
    paragraphs = [lines[i].text for i in kept]
    markups = [lines[i].raw for i in kept]
    paragraphs, markups = reflow(paragraphs, markups)

    removed: list[RemovedLine] = []
    kept_set = set(kept)
    for i, ln in enumerate(lines):
        if i in kept_set or i == title_idx:
            continue
        removed.append(RemovedLine(ln.text, reasons[i] or "outside_main_text", i, ln.block))

    title = _clean_title(lines[title_idx].text) if title_idx is not None else ""
    lead_idx = choose_lead(paragraphs, markups, has_lead_profile)
    lead = paragraphs.pop(lead_idx) if lead_idx is not None else None
    if lead_idx is not None:
        markups.pop(lead_idx)
    if not title and paragraphs:
        # The page states no headline: use its first sentence, never an invented one.
        title = re.split(r"(?<=[.!?…])\s", paragraphs[0], maxsplit=1)[0][:300]
    body_words = sum(len(words_of(p)) for p in paragraphs) + len(words_of(lead or ""))
    if body_words < MIN_BODY_WORDS:
        raise RejectError("no_article_text", f"only {body_words} words of article text found")
    url = find_url(doc.text)
    return CleanDocument(doc.source_path, doc.raw_sha256, title, lead, paragraphs, removed, url,
                         group, doc.text, len(lines), title_idx, (start, end))


def _forgive_syndicated(feats: list[Features], reasons: list[str | None]) -> None:
    """A page whose prose is mostly 'template' is a syndicated copy, not a template: keep its prose."""
    prose_words = sum(f.words for f in feats if is_prose(f))
    tmpl_words = sum(f.words for f, r in zip(feats, reasons) if r == "template" and is_prose(f))
    if prose_words and tmpl_words / prose_words > 0.5:
        for i, (f, r) in enumerate(zip(feats, reasons)):
            if r == "template" and is_prose(f) and f.words >= 12:
                reasons[i] = None


def _mark_captions(lines: list[LogicalLine], feats: list[Features], reasons: list[str | None]) -> None:
    """A block of several short lines without sentence punctuation is a caption broken over lines."""
    by_block: dict[int, list[int]] = defaultdict(list)
    for i, ln in enumerate(lines):
        by_block[ln.block].append(i)
    for idxs in by_block.values():
        if len(idxs) < 2:
            continue
        if all(feats[i].words <= 6 and not feats[i].terminal and not lines[i].heading
               and not lines[i].list_item for i in idxs):
            for i in idxs:
                if reasons[i] is None:
                    reasons[i] = "caption"


def _drop_repeats(lines: list[LogicalLine], kept: list[int], reasons: list[str | None]) -> list[int]:
    """Pages often carry the same text twice (print or mobile copies): keep the first occurrence."""
    seen: set[str] = set()
    out = []
    for i in kept:
        key = template_key(lines[i].text)
        if key in seen:
            reasons[i] = "repeated"
            continue
        seen.add(key)
        out.append(i)
    return out


def _is_standalone_caption(lines: list[LogicalLine], feats: list[Features], i: int) -> bool:
    """A short line alone in its block, without sentence punctuation, not continued by a lowercase line."""
    f = feats[i]
    if f.terminal or f.words > 12 or lines[i].heading or lines[i].list_item:
        return False
    alone = (i == 0 or lines[i - 1].block != lines[i].block) and \
        (i + 1 >= len(lines) or lines[i + 1].block != lines[i].block)
    continued = i + 1 < len(lines) and feats[i + 1].starts_lower
    return alone and not continued


def outlet_group(doc: RawDocument, html_meta: dict | None = None) -> str | None:
    url = doc.url or (html_meta or {}).get("url") or find_url(doc.text)
    return detect_outlet(doc.text, url)


def from_html(doc: RawDocument) -> tuple[RawDocument, dict]:
    """An HTML page as its markdown dump, plus the metadata the page states about itself."""
    from dataclasses import replace

    from .html import html_metadata, to_markdown
    from .metadata_agencies import agency_names

    meta = html_metadata(doc.text, agency_names())
    return replace(doc, text=to_markdown(doc.text)), meta


def prepare_page(doc: RawDocument) -> tuple[RawDocument, dict | None, str | None, list[LogicalLine]]:
    """What extraction needs before cross-page templates: the page as text, its HTML metadata, outlet group
    and logical lines."""
    meta = None
    if doc.kind == "html":
        doc, meta = from_html(doc)
    return doc, meta, outlet_group(doc, meta), logical_lines(doc.text)


def extract_prepared(doc: RawDocument, meta: dict | None, group: str | None, lines: list[LogicalLine],
                     templates: TemplateIndex | None, profile: dict) -> CleanDocument:
    """Extract one prepared page with the corpus template index."""
    clean = extract_lines(doc, lines, templates, group, bool(profile.get("has_lead")))
    clean.html_meta = meta
    clean.source_url = doc.url
    clean.kind = doc.kind
    if meta and not clean.title and meta.get("title"):
        clean.title = meta["title"]
    return clean
