"""One page's cleaning, end to end: the prepared page (HTML converted, outlet group, logical lines), the
per-line verdicts, the main region, title, lead and paragraphs, as a :class:`CleanDocument` with every removed
line and its reason. Raises :class:`~pipeline.core.errors.RejectError` ("no_article_text") for a page without
an article."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

from ...knowledge import phrase_lines
from ..documents import RawDocument
from ..errors import RejectError
from ..html import html_metadata, to_markdown
from ..markdown import LogicalLine, logical_lines, words_of
from ..metadata_agencies import agency_names
from ..outlets import detect_outlet, find_url
from .dom import line_dom
from .blocks import BlockModel, block_features, load_block_model, model_region
from .edges import (FALLBACK_THRESHOLD, end_at_section_heading, prose_heads, prose_margin, start_at_title,
                    uncertain_prose)
from .lines import TERMINAL, Features, is_prose, line_features, line_score
from .region import cut_at_section_break, main_region
from .rules import LineContext, boilerplate_reason, phrase_rules
from .templates import TemplateIndex, template_key
from .titles import choose_lead, choose_title, clean_title, stated_title_line

MIN_BODY_WORDS = 20
#: Chinese and Japanese characters (no spaces between words): a run of them is one ``words_of`` token, so the
#: body's length counts them at about two characters a word (the mean word length of written Chinese is ~1.5-2)
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
CJK_CHARS_PER_WORD = 2
#: sentence-final punctuation of Chinese and Japanese text (full-width)
CJK_TERMINAL = ("。", "！", "？", "」", "』", "）", "…")
#: an intertitle (:func:`_is_intertitle`) has at most this many words (``_mark_captions``' short line)
INTERTITLE_MAX_WORDS = 6
#: a line holding an image (markdown dumps and html2text's output), or HTML image markup left in a text dump
_IMAGE_MARKUP = re.compile(r"!\[|<img\b|<figure\b", re.I)
#: what an intertitle may open with: a letter, a digit or an opening quote (not markup such as "==" or "|")
_OPENING_QUOTES = "«\"'“„‘"
#: rule verdicts a confident block model may overturn inside its region (the model sees them as features)
MODEL_OVERRIDABLE = frozenset({"template", "caption", "link_list"})
#: pages with more logical lines than this are cleaned by the rules alone: the block model's features and
#: trees cost memory per line (a hostile page of 100k lines would take gigabytes), and no news page needs it
MAX_MODEL_LINES = 5_000
#: nor is a page with a line longer than this (no paragraph is; a megabyte of one repeated word is not an
#: article, and the rules reject it as such)
MAX_MODEL_LINE_CHARS = 20_000


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


def reflow(paragraphs: list[str], markups: list[str]) -> tuple[list[str], list[str]]:
    """Rejoin a paragraph cut in two (page break): no terminal punctuation, next starts lowercase."""
    out: list[list[str]] = []  # each paragraph's pieces, joined once (a growing string was copied per piece)
    out_raw: list[list[str]] = []
    for p, raw in zip(paragraphs, markups):
        if out and not out[-1][-1].rstrip().endswith(TERMINAL) and _starts_lowercase(p):
            out[-1][-1] = out[-1][-1].rstrip()
            out[-1].append(p.lstrip())
            out_raw[-1].append(raw)
        else:
            out.append([p])
            out_raw.append([raw])
    return [" ".join(parts) for parts in out], [" ".join(parts) for parts in out_raw]


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


#: ``model`` argument of :func:`extract_lines` that selects the rules alone (no learned block model)
RULES = "rules"


@dataclass
class LineAnalysis:
    """What the rules see on one page: line features, removal reasons, line scores and their main region."""

    rules: object
    feats: list[Features]
    reasons: list[str | None]
    scores: list[float]
    region: tuple[int, int]
    #: template lines that are the page's own headline (:meth:`.templates.TemplateIndex.is_own_headline`): the
    #: block model reads them as templates, as it was trained; the title may still be one
    own_headlines: tuple[int, ...] = ()


def analyse_lines(lines: list[LogicalLine], templates: TemplateIndex | None, group: str | None) -> LineAnalysis:
    """Features, rule verdicts (templates included), scores and the rules' main region of one page's lines."""
    rules = phrase_rules()
    feats = [line_features(ln, rules.stopwords) for ln in lines]
    reasons: list[str | None] = []
    own_headlines = []
    for i, (ln, f) in enumerate(zip(lines, feats)):
        template = bool(templates and templates.is_template(group, ln.text))
        if template and templates.is_own_headline(group, ln):
            own_headlines.append(i)
        reasons.append(boilerplate_reason(LineContext(ln, f, rules, template, ln.text.lower())))
    _forgive_syndicated(feats, reasons)
    _mark_captions(lines, feats, reasons)
    total = max(len(lines) - 1, 1)
    letters = sum(f.letters for f in feats)
    cyrillic_page = letters > 0 and sum(f.letters * (1 - f.latin_share) for f in feats) / letters > 0.5
    scores = [line_score(f, r, ln, i / total, cyrillic_page) for i, (f, r, ln) in enumerate(zip(feats, reasons, lines))]
    if not lines or max(scores, default=0) <= 0:
        return LineAnalysis(rules, feats, reasons, scores, (0, 0), tuple(own_headlines))
    start, end = main_region(scores)
    end = cut_at_section_break(lines, feats, scores, rules, start, end)
    return LineAnalysis(rules, feats, reasons, scores, (start, end), tuple(own_headlines))


def extract_lines(doc: RawDocument, lines: list[LogicalLine], templates: TemplateIndex | None,
                  group: str | None, has_lead_profile: bool = False, page_title: str | None = None,
                  model: "BlockModel | str | None" = None) -> CleanDocument:
    """Core of extraction for one page whose lines are already segmented.

    ``model``: the learned block model to use (None: the shipped one, :data:`RULES`: the rules alone). With a
    model, the article region is the maximum-evidence run of the model's line probabilities, and inside it a
    line is kept when the model scores it as article text; the rules' title, caption, repeat and reflow steps
    follow as before."""
    a = analyse_lines(lines, templates, group)
    feats, reasons = a.feats, a.reasons
    heads = prose_heads(lines, feats, a.rules.stopwords)
    # where a line is a paragraph run on into a trailing row of links, the region's prose tests read its head
    prose_feats = [heads[i][1] if i in heads else f for i, f in enumerate(feats)]
    start, end = a.region
    prob = None
    threshold = 0.5
    if model != RULES and (len(lines) > MAX_MODEL_LINES or
                           any(len(line.text) > MAX_MODEL_LINE_CHARS for line in lines)):
        model = RULES
    if model == RULES and start == end:
        raise RejectError("no_article_text", "no line of running prose found")
    if model != RULES:
        block_model = load_block_model() if model is None else model
        prob = block_model.probability(block_features(lines, feats, reasons, a.scores, a.region, page_title,
                                                            block_model.vocab))
        threshold = block_model.threshold
        start, end = model_region(prob, lines, threshold)
        if _thin_region(lines, feats, reasons, prob, start, end, threshold):
            threshold = min(threshold, FALLBACK_THRESHOLD)
            start, end = model_region(prob, lines, threshold)
        if not lines or float(prob.max()) < threshold:
            raise RejectError("no_article_text", "no line the block model takes for article text")
        start, end = prose_margin(prose_feats, reasons, prob, start, end)
        start = start_at_title(lines, page_title, prob, threshold, start, end)
        end = end_at_section_heading(lines, feats, prob, threshold, start, end)
        for i in range(start, end):
            if prob[i] < threshold and reasons[i] is None and not uncertain_prose(prose_feats[i], prob[i]):
                reasons[i] = "block_model"
            elif prob[i] >= threshold and reasons[i] in MODEL_OVERRIDABLE:
                reasons[i] = None
    # a page's own headline, listed as a link on other pages, may be its title (and only that)
    own_headlines = [i for i in a.own_headlines if reasons[i] == "template"]
    for i in own_headlines:
        reasons[i] = None
    title_idx, title_start = choose_title(lines, feats, reasons, start)
    stated = stated_title_line(lines, feats, page_title, start, end, title_idx)
    extra: list[int] = []
    if stated is not None:
        # the line chosen by position goes back to the region's judgement; one before the region (a standfirst
        # or a dated lead, taken for a headline) is kept where the model takes it for article text
        if title_idx is not None and title_idx < start and reasons[title_idx] is None and \
                (prob[title_idx] >= FALLBACK_THRESHOLD if prob is not None else is_prose(feats[title_idx])):
            extra.append(title_idx)
        title_idx = stated
        if start < stated < end and prob is not None:
            # as for a title heading (:func:`.edges.start_at_title`): what the region holds above the line that states
            # the page's title is not the article
            start, extra = stated, []
    else:
        start = title_start

    for i in own_headlines:
        if i != title_idx:
            reasons[i] = "template"
    kept: list[int] = []
    for i in [*extra, *range(start, end)]:
        f, r = feats[i], reasons[i]
        if r is not None or i == title_idx:
            continue
        if lines[i].heading and f.words >= 2:
            kept.append(i)
        elif _is_standalone_caption(lines, feats, i) and \
                not (prob is not None and prob[i] >= threshold and _is_intertitle(lines, feats, i)):
            reasons[i] = "caption"
        elif is_prose(f) or (f.terminal and f.words >= 3) or (prob is not None and f.letters >= 4):
            kept.append(i)
        else:
            reasons[i] = "caption_or_fragment"
    kept = _drop_repeats(lines, kept, reasons, title_idx)
    paragraphs = [heads[i][0] if i in heads else lines[i].text for i in kept]
    markups = [lines[i].raw for i in kept]
    paragraphs, markups = reflow(paragraphs, markups)
    paragraphs = [cut_inline_teaser(p) for p in paragraphs]

    removed: list[RemovedLine] = []
    kept_set = set(kept)
    for i, ln in enumerate(lines):
        if i in kept_set or i == title_idx:
            continue
        removed.append(RemovedLine(ln.text, reasons[i] or "outside_main_text", i, ln.block))

    title = clean_title(lines[title_idx].text) if title_idx is not None else ""
    lead_idx = choose_lead(paragraphs, markups, has_lead_profile)
    lead = paragraphs.pop(lead_idx) if lead_idx is not None else None
    if lead_idx is not None:
        markups.pop(lead_idx)
    if not title and paragraphs:
        # The page states no headline: use its first sentence, never an invented one.
        title = re.split(r"(?<=[.!?…])\s", paragraphs[0], maxsplit=1)[0][:300]
    body_words = sum(body_word_count(p) for p in paragraphs) + body_word_count(lead or "")
    if body_words < MIN_BODY_WORDS:
        raise RejectError("no_article_text", f"only {body_words} words of article text found")
    url = find_url(doc.text)
    return CleanDocument(doc.source_path, doc.raw_sha256, title, lead, paragraphs, removed, url,
                         group, doc.text, len(lines), title_idx, (start, end))


@lru_cache(maxsize=1)
def _inline_teaser() -> re.Pattern:
    phrases = sorted(phrase_lines("inline_teasers.txt"), key=lambda p: (-len(p), p))
    return re.compile(r"(?<=[.!?…»\"”)])\s+(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)", re.I)


def cut_inline_teaser(paragraph: str) -> str:
    """The paragraph up to a sentence that calls to read, subscribe or share (``data/inline_teasers.txt``):
    a text dump runs "Читайте также: ..." or "Подписывайтесь на наш канал" into the article's last paragraph."""
    m = _inline_teaser().search(paragraph)
    return paragraph[:m.start()] if m else paragraph


def _thin_region(lines, feats, reasons, prob, start: int, end: int, threshold: float) -> bool:
    """Whether the model's region holds too little body to be an article (its lines over the threshold,
    headings aside, under :data:`MIN_BODY_WORDS`): the page's article is then scored under the threshold
    (a layout unlike the training outlets'), or the region is its headline alone. Counted in ``words_of``
    tokens, so a Chinese page (a sentence is one token) takes the fallback whenever its region has few lines:
    on purpose, since counting CJK characters here (:func:`body_word_count`) lowered the Chinese CV rows (the
    model scores many Chinese bodies a little under its threshold; docs/measurements.md, round 4)."""
    words = sum(feats[i].words for i in range(start, end)
                if prob[i] >= threshold and not lines[i].heading and reasons[i] in (None, *MODEL_OVERRIDABLE))
    return words < MIN_BODY_WORDS


def body_word_count(text: str) -> int:
    """Words of a paragraph for the minimum body length: ``words_of`` tokens that hold no CJK character, and
    CJK characters at :data:`CJK_CHARS_PER_WORD` a word (a Chinese sentence is otherwise one or two tokens)."""
    cjk = len(_CJK_CHAR.findall(text))
    if not cjk:
        return len(words_of(text))
    return sum(1 for w in words_of(text) if not _CJK_CHAR.search(w)) + cjk // CJK_CHARS_PER_WORD


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


def _drop_repeats(lines: list[LogicalLine], kept: list[int], reasons: list[str | None],
                  title: int | None = None) -> list[int]:
    """Pages often carry the same text twice (print or mobile copies): keep the first occurrence. The title
    counts as one: a paragraph that repeats it (the headline again above the text, an image's alt text) goes."""
    seen: set[str] = {template_key(lines[title].text)} if title is not None else set()
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
    # short by its length as read: a Chinese paragraph is one or two tokens (:func:`body_word_count`)
    if f.terminal or body_word_count(lines[i].text) > 12 or lines[i].heading or lines[i].list_item:
        return False
    if lines[i].text.rstrip().endswith(CJK_TERMINAL):  # a Chinese or Japanese sentence, not a caption
        return False
    alone = (i == 0 or lines[i - 1].block != lines[i].block) and \
        (i + 1 >= len(lines) or lines[i + 1].block != lines[i].block)
    continued = i + 1 < len(lines) and feats[i + 1].starts_lower
    return alone and not continued


def _is_intertitle(lines: list[LogicalLine], feats: list[Features], i: int) -> bool:
    """A short unpunctuated line set between two paragraphs of running text, the article's own subheading
    rather than a photo caption: the line before it is a finished paragraph (not the headline: a caption
    sits right under it), the line after it is prose, no image is on it or next to it, it is at most
    :data:`INTERTITLE_MAX_WORDS` long, holds no comma or parenthesis (a caption's "(left)", ", 2019") and
    opens on a letter, digit or quote (not markup). Chinese and Japanese lines are measured and ended as
    such (:func:`body_word_count`, :data:`CJK_TERMINAL`)."""
    if i == 0 or i + 1 >= len(lines) or lines[i - 1].heading:
        return False
    text = lines[i].text.strip()
    prev = lines[i - 1].text.rstrip()
    if not (feats[i - 1].terminal or prev.endswith(CJK_TERMINAL)) or not _is_paragraph(lines, feats, i - 1) \
            or not _is_paragraph(lines, feats, i + 1):
        return False
    if any(_IMAGE_MARKUP.search(lines[j].raw) for j in (i - 1, i, i + 1)):
        return False
    if body_word_count(text) > INTERTITLE_MAX_WORDS or any(ch in text for ch in ",()"):
        return False
    return text[:1].isalnum() or text[:1] in _OPENING_QUOTES


def _is_paragraph(lines: list[LogicalLine], feats: list[Features], i: int) -> bool:
    """Running prose (:func:`is_prose`), or a Chinese or Japanese line of as many words, few of them linked."""
    if is_prose(feats[i]):
        return True
    text = lines[i].text
    return bool(_CJK_CHAR.search(text)) and body_word_count(text) >= 6 and feats[i].link_density < 0.35


def outlet_group(doc: RawDocument, html_meta: dict | None = None) -> str | None:
    url = doc.url or (html_meta or {}).get("url") or find_url(doc.text)
    return detect_outlet(doc.text, url)


def from_html(doc: RawDocument) -> tuple[RawDocument, dict]:
    """An HTML page as its markdown dump, plus the metadata the page states about itself."""
    meta = html_metadata(doc.text, agency_names())
    return replace(doc, text=to_markdown(doc.text)), meta


def prepare_page(doc: RawDocument) -> tuple[RawDocument, dict | None, str | None, list[LogicalLine]]:
    """What extraction needs before cross-page templates: the page as text, its HTML metadata, outlet group
    and logical lines."""
    meta = None
    html = None
    if doc.kind == "html":
        html = doc.text
        doc, meta = from_html(doc)
    lines = logical_lines(doc.text)
    if html is not None and len(lines) <= MAX_MODEL_LINES:
        for line, dom in zip(lines, line_dom(html, [line.text for line in lines]) or ()):
            line.dom = dom
    return doc, meta, outlet_group(doc, meta), lines


def extract_prepared(doc: RawDocument, meta: dict | None, group: str | None, lines: list[LogicalLine],
                     templates: TemplateIndex | None, profile: dict,
                     model: "BlockModel | str | None" = None) -> CleanDocument:
    """Extract one prepared page with the corpus template index."""
    clean = extract_lines(doc, lines, templates, group, bool(profile.get("has_lead")),
                          (meta or {}).get("title"), model)
    clean.html_meta = meta
    clean.source_url = doc.url
    clean.kind = doc.kind
    if meta and not clean.title and meta.get("title"):
        clean.title = meta["title"]
    return clean
