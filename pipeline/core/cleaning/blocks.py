"""The learned block classifier: structural features of each logical line (block) of a page, and a small
gradient-boosted tree model read from ``data/models/blocks.json`` that scores each line as article text.

Features are mostly structural, so that they carry across outlets and languages: position and distance to
the title heading (the heading that matches the page's ``<title>``/``og:title``, else its first H1), heading
level, length, link density, punctuation and sentence shape, runs of short linked or headline-like lines
(tickers, "most read" and teaser lists), repetition across the outlet's pages (the template index, through
the rules' verdicts), the text density of the neighbours, and two language-level ones (stopword share,
script). The rules' own verdicts and their main region are features too: the model learns when to trust them.

Inference is plain numpy over the trees stored in the JSON file: deterministic and fast. The file is written
by ``scripts/train_blocks.py`` (``make train-blocks``) and is part of the extract stage's code version.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from ...knowledge import read_text
from ..markdown import LogicalLine
from .lines import Features, is_prose, starts_with_link

MODEL_FILE = "models/blocks.json"
MODEL_FORMAT = "vostok-blocks/1"

#: removal reasons of the rules that become one-hot features
REASONS = ("no_text", "language_switcher", "phrase", "contact", "copyright", "link_list", "template", "caption")

FEATURE_NAMES: tuple[str, ...] = (
    "log_chars", "log_words", "link_density", "terminal", "starts_lower", "stop_ratio", "short_word_share",
    "heading", "heading_level", "list_item", "table", "position", "has_title", "is_title", "after_title",
    "title_distance", "title_distance_log", "teaser_link", "sentences_per_word", "comma_rate", "digit_share",
    "upper_share", "latin_share", "cjk_share", "is_prose", "rule_score", "in_rule_region", "rule_region_distance",
    "block_lines", "chars_vs_max", "text_above", "text_below", "window_link_density", "window_log_chars",
    "window_prose_share", "headline_run", "headline_run_log_chars", "prev_log_chars", "next_log_chars",
    "prev_heading", "next_heading",
) + tuple(f"reason_{r}" for r in REASONS)

_SENTENCE_END = re.compile(r"[.!?…。！？](?=\s|$|[»\"”)])")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_NORM = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-ÞА-ЯЁΑ-ΩΆΈ-Ώ]")  # capitals of the Latin, Cyrillic and Greek alphabets


def _norm_tokens(text: str) -> list[str]:
    return _NORM.findall(text.lower())


def title_line(lines: Sequence[LogicalLine], page_title: str | None) -> int | None:
    """The page's title heading: the heading that best matches the stated ``<title>``/``og:title`` (most of its
    words in the title), else the first H1, else None."""
    if page_title:
        wanted = set(_norm_tokens(page_title))
        best, best_share = None, 0.0
        if wanted:
            for i, ln in enumerate(lines):
                if not ln.heading:
                    continue
                toks = _norm_tokens(ln.text)
                if len(toks) < 2:
                    continue
                share = sum(1 for t in toks if t in wanted) / len(toks)
                if share > best_share + 1e-9:
                    best, best_share = i, share
        if best is not None and best_share >= 0.6:
            return best
    for i, ln in enumerate(lines):
        if ln.heading == 1 and len(ln.words) >= 2:
            return i
    return None


def _headline_like(ln: LogicalLine, f: Features) -> bool:
    """A short line that reads as a link, a list entry or a headline rather than a sentence of prose."""
    if f.letters < 2:
        return False
    linked = f.link_density >= 0.3
    return (linked and f.words <= 30) or (ln.list_item and f.words <= 25) or \
        (not f.terminal and f.words <= 15 and not ln.heading)


def block_features(lines: Sequence[LogicalLine], feats: Sequence[Features], reasons: Sequence[str | None],
                   scores: Sequence[float], region: tuple[int, int], page_title: str | None = None) -> np.ndarray:
    """One row of :data:`FEATURE_NAMES` per logical line (float32)."""
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    t = title_line(lines, page_title)
    chars = [len(ln.text) for ln in lines]
    log_chars = [math.log1p(c) for c in chars]
    max_chars = max(chars) or 1
    prose = [is_prose(f) for f in feats]
    prose_chars = [c if p else 0 for c, p in zip(chars, prose)]
    total_prose = sum(prose_chars) or 1
    above = np.cumsum([0] + prose_chars)  # above[i] = prose chars before line i
    headline = [_headline_like(ln, f) for ln, f in zip(lines, feats)]
    # runs of consecutive headline-like lines (tickers, teaser lists): each line gets its run's length
    run_len = [0] * n
    run_chars = [0.0] * n
    i = 0
    while i < n:
        if not headline[i]:
            i += 1
            continue
        j = i
        while j < n and headline[j]:
            j += 1
        mean_chars = sum(log_chars[i:j]) / (j - i)
        for k in range(i, j):
            run_len[k], run_chars[k] = j - i, mean_chars
        i = j
    block_size: dict[int, int] = {}
    for ln in lines:
        block_size[ln.block] = block_size.get(ln.block, 0) + 1
    link = [f.link_density for f in feats]
    start, end = region
    denom = max(n - 1, 1)
    reason_col = {r: k for k, r in enumerate(REASONS)}
    rows = []
    for i, (ln, f) in enumerate(zip(lines, feats)):
        text = ln.text
        words = ln.words
        nw = len(words)
        n_chars = max(len(text), 1)
        letters = max(f.letters, 1)
        upper = len(_UPPER.findall(text))
        if t is not None:
            title = (1.0, float(i == t), float(i > t), (i - t) / denom, math.copysign(math.log1p(abs(i - t)), i - t))
        else:
            title = (0.0, 0.0, 0.0, 0.0, 0.0)
        lo, hi = max(0, i - 3), min(n, i + 4)
        width = hi - lo
        reason_onehot = [0.0] * len(REASONS)
        if reasons[i] in reason_col:
            reason_onehot[reason_col[reasons[i]]] = 1.0
        rows.append([
            log_chars[i], math.log1p(nw), f.link_density, f.terminal, f.starts_lower, f.stop_ratio,
            sum(1 for w in words if len(w) <= 3) / nw if nw else 0.0,
            bool(ln.heading), ln.heading or 7, ln.list_item, ln.table, i / denom, *title,
            starts_with_link(ln), len(_SENTENCE_END.findall(text)) / max(nw, 1),
            (text.count(",") + text.count("，") + text.count("、")) / max(nw, 1),
            len(_DIGIT.findall(text)) / n_chars, upper / letters, f.latin_share, len(_CJK.findall(text)) / letters,
            prose[i], max(-20.0, min(float(scores[i]), 60.0)), start <= i < end,
            0.0 if start <= i < end else (-math.log1p(start - i) if i < start else math.log1p(i - end + 1)),
            block_size[ln.block], chars[i] / max_chars, above[i] / total_prose,
            (total_prose - above[i + 1]) / total_prose,
            sum(link[lo:hi]) / width, sum(log_chars[lo:hi]) / width, sum(prose[lo:hi]) / width,
            math.log1p(run_len[i]), run_chars[i],
            log_chars[i - 1] if i > 0 else 0.0, log_chars[i + 1] if i + 1 < n else 0.0,
            bool(i > 0 and lines[i - 1].heading), bool(i + 1 < n and lines[i + 1].heading),
            *reason_onehot,
        ])
    out = np.array(rows, dtype=np.float32)
    return out


@dataclass(frozen=True)
class BlockModel:
    """Gradient-boosted regression trees on the log-odds of "this line is article text", stored flat: every
    tree's nodes in one array (children as absolute indices, -1 at a leaf), evaluated for all trees at once."""

    features: tuple[str, ...]
    init: float
    learning_rate: float
    roots: np.ndarray
    feature: np.ndarray
    threshold_: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    depth: int
    threshold: float = 0.5

    @classmethod
    def from_dict(cls, data: dict) -> "BlockModel":
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a {MODEL_FORMAT} model: {data.get('format')!r}")
        names = tuple(data["features"])
        missing = [n for n in names if n not in FEATURE_NAMES]
        if missing:
            raise ValueError(f"model uses unknown features {missing}")
        index = {n: k for k, n in enumerate(FEATURE_NAMES)}
        roots, feature, thr, left, right, value = [], [], [], [], [], []
        depth = 1
        for tr in data["trees"]:
            size = len(tr["feature"])
            if not all(len(tr[k]) == size for k in ("threshold", "left", "right", "value")):
                raise ValueError("malformed tree")
            base = len(feature)
            roots.append(base)
            feature += [index[names[f]] if f >= 0 else 0 for f in tr["feature"]]
            thr += tr["threshold"]
            left += [c + base if c >= 0 else -1 for c in tr["left"]]
            right += [c + base if c >= 0 else -1 for c in tr["right"]]
            value += tr["value"]
            depth = max(depth, int(tr.get("depth", size)))
        return cls(names, float(data["init"]), float(data["learning_rate"]), np.array(roots, dtype=np.int64),
                   np.array(feature, dtype=np.int64), np.array(thr, dtype=np.float32),
                   np.array(left, dtype=np.int64), np.array(right, dtype=np.int64),
                   np.array(value, dtype=np.float64), depth, float(data.get("threshold", 0.5)))

    def decision(self, x: np.ndarray) -> np.ndarray:
        """Raw log-odds per row of a :func:`block_features` matrix."""
        x = np.asarray(x, dtype=np.float32)
        n = len(x)
        if n == 0 or len(self.roots) == 0:
            return np.full(n, self.init, dtype=np.float64)
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()  # (rows, trees)
        rows = np.arange(n)[:, None]
        for _ in range(self.depth):
            child = self.left[node]
            inner = child >= 0
            if not inner.any():
                break
            go_left = x[rows, self.feature[node]] <= self.threshold_[node]
            node = np.where(inner, np.where(go_left, child, self.right[node]), node)
        return self.init + self.learning_rate * self.value[node].sum(axis=1)

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.decision(x)))


@lru_cache(maxsize=1)
def load_block_model() -> BlockModel:
    """The shipped model (``data/models/blocks.json``)."""
    return BlockModel.from_dict(json.loads(read_text(MODEL_FILE)))


def model_region(prob: np.ndarray, lines: Sequence[LogicalLine], threshold: float = 0.5) -> tuple[int, int]:
    """The contiguous run of lines with the most article evidence: each line weighs (p - threshold) times
    its length in characters (the metric counts text, not lines), maximum-sum subarray."""
    best, best_start, best_end = float("-inf"), 0, 0
    run, run_start = 0.0, 0
    for i, (p, ln) in enumerate(zip(prob, lines)):
        s = (float(p) - threshold) * len(ln.text)
        if run <= 0:
            run, run_start = s, i
        else:
            run += s
        if run > best:
            best, best_start, best_end = run, run_start, i + 1
    return best_start, best_end
