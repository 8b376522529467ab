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
from .dom import DOM_FEATURES, NO_DOM
from .lines import Features, is_prose, starts_with_link

MODEL_FILE = "models/blocks.json"
MODEL_FORMAT = "vostok-blocks/1"

#: features from the learned class/id vocabulary (see :func:`vocab_features`), computed last
VOCAB_FEATURES = ("dom_vocab_near", "dom_vocab_max", "dom_vocab_min")
#: removal reasons of the rules that become one-hot features
REASONS = ("no_text", "language_switcher", "phrase", "contact", "copyright", "link_list", "template", "caption")

FEATURE_NAMES: tuple[str, ...] = (
    "log_chars", "log_words", "link_density", "terminal", "starts_lower", "stop_ratio", "short_word_share",
    "heading", "heading_level", "list_item", "table", "position", "has_title", "is_title", "after_title",
    "title_distance", "title_distance_log", "teaser_link", "sentences_per_word", "comma_rate", "digit_share",
    "upper_share", "latin_share", "cjk_share", "is_prose", "rule_score", "in_rule_region", "rule_region_distance",
    "block_lines", "chars_vs_max", "text_above", "text_below", "window_link_density", "window_log_chars",
    "window_prose_share", "headline_run", "headline_run_log_chars", "prev_log_chars", "next_log_chars",
    "prev_heading", "next_heading", "script_gap",
) + tuple(f"reason_{r}" for r in REASONS) + DOM_FEATURES + VOCAB_FEATURES

_SENTENCE_END = re.compile(r"[.!?…。！？](?=\s|$|[»\"”)])")
_NORM = re.compile(r"\w+")
# counts are taken as what is left after removing the runs of everything else (one C pass, no match objects)
_NON_CJK = re.compile(r"[^\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
_NON_DIGIT = re.compile(r"\D+")
_NON_UPPER = re.compile(r"[^A-ZÀ-ÖØ-ÞА-ЯЁΑ-ΩΆΈ-Ώ]+")  # capitals of the Latin, Cyrillic and Greek alphabets


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
                   scores: Sequence[float], region: tuple[int, int], page_title: str | None = None,
                   vocab: dict[str, float] | None = None) -> np.ndarray:
    """One row of :data:`FEATURE_NAMES` per logical line (float32); the vocabulary columns are 0 without a
    ``vocab``."""
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
    # running sums for the 7-line windows: a window's sum is the difference of two (training and inference
    # both compute features here, so they agree to the bit)
    c_link = _running([f.link_density for f in feats])
    c_log = _running(log_chars)
    c_prose = _running([float(p) for p in prose])
    start, end = region
    denom = max(n - 1, 1)
    texts = [ln.text for ln in lines]
    nws = [f.words for f in feats]
    cjk = [len(_NON_CJK.sub("", x)) / max(f.letters, 1) for x, f in zip(texts, feats)]
    # column by column (list comprehensions and numpy), in the order of FEATURE_NAMES
    idx = range(n)
    if t is not None:
        title = ([1.0] * n, [float(i == t) for i in idx], [float(i > t) for i in idx], [(i - t) / denom for i in idx],
                 [math.copysign(math.log1p(abs(i - t)), i - t) for i in idx])
    else:
        title = ([0.0] * n,) * 5
    win = [(max(0, i - 3), min(n, i + 4)) for i in idx]
    columns = [
        log_chars, [math.log1p(w) for w in nws], [f.link_density for f in feats], [f.terminal for f in feats],
        [f.starts_lower for f in feats], [f.stop_ratio for f in feats],
        [f.short_words / f.words if f.words else 0.0 for f in feats],
        [bool(ln.heading) for ln in lines], [ln.heading or 7 for ln in lines], [ln.list_item for ln in lines],
        [ln.table for ln in lines], [i / denom for i in idx], *title,
        [starts_with_link(ln) for ln in lines],
        [len(_SENTENCE_END.findall(x)) / max(w, 1) for x, w in zip(texts, nws)],
        [(x.count(",") + x.count("，") + x.count("、")) / max(w, 1) for x, w in zip(texts, nws)],
        [len(_NON_DIGIT.sub("", x)) / max(len(x), 1) for x in texts],
        [len(_NON_UPPER.sub("", x)) / max(f.letters, 1) for x, f in zip(texts, feats)],
        [f.latin_share for f in feats],
        cjk, prose, [max(-20.0, min(float(s), 60.0)) for s in scores], [start <= i < end for i in idx],
        [0.0 if start <= i < end else (-math.log1p(start - i) if i < start else math.log1p(i - end + 1))
         for i in idx],
        [block_size[ln.block] for ln in lines], [c / max_chars for c in chars],
        [above[i] / total_prose for i in idx], [(total_prose - above[i + 1]) / total_prose for i in idx],
        [(c_link[hi] - c_link[lo]) / (hi - lo) for lo, hi in win],
        [(c_log[hi] - c_log[lo]) / (hi - lo) for lo, hi in win],
        [(c_prose[hi] - c_prose[lo]) / (hi - lo) for lo, hi in win],
        [math.log1p(r) for r in run_len], run_chars,
        [0.0] + log_chars[:-1], log_chars[1:] + [0.0],
        [False] + [bool(ln.heading) for ln in lines[:-1]], [bool(ln.heading) for ln in lines[1:]] + [False],
        _script_gap(feats, prose, cjk),
    ]
    columns += [[r == reason for r in reasons] for reason in REASONS]
    out = np.zeros((n, len(FEATURE_NAMES)), dtype=np.float32)
    for k, values in enumerate(columns):
        out[:, k] = values
    k = len(columns)
    if any(ln.dom is not None for ln in lines):
        out[:, k:k + len(NO_DOM)] = [ln.dom.values if ln.dom is not None else NO_DOM for ln in lines]
        if vocab:
            out[:, k + len(NO_DOM):] = [vocab_features(ln.dom.tokens if ln.dom is not None else (), vocab)
                                        for ln in lines]
    return out


def _script_gap(feats: Sequence[Features], prose: Sequence[bool], cjk: Sequence[float]) -> list[float]:
    """How far a line's script (Latin and CJK shares of its letters) is from the page's prose (its prose lines'
    letters; all lines' on a page without prose, as a Chinese one is in ``words_of`` tokens): an English licence
    on a Russian page, or a Cyrillic menu on an English one, stands apart."""
    use = prose if any(f.letters for f, p in zip(feats, prose) if p) else [True] * len(feats)
    letters = sum(f.letters for f, p in zip(feats, use) if p)
    if not letters:
        return [0.0] * len(feats)
    latin = sum(f.letters * f.latin_share for f, p in zip(feats, use) if p) / letters
    han = sum(f.letters * c for f, p, c in zip(feats, use, cjk) if p) / letters
    return [max(abs(f.latin_share - latin), abs(c - han)) if f.letters else 0.0 for f, c in zip(feats, cjk)]


def _running(values: Sequence[float]) -> list[float]:
    out = [0.0]
    for v in values:
        out.append(out[-1] + v)
    return out


def vocab_features(tokens: Sequence[str], vocab: dict[str, float] | None) -> tuple[float, float, float]:
    """A line's class/id tokens (nearest element first) scored by the learned vocabulary: the nearest known
    token's score, the highest and the lowest (0 where none is known)."""
    known = [vocab[t] for t in tokens if t in vocab] if vocab else []
    if not known:
        return 0.0, 0.0, 0.0
    return known[0], max(known), min(known)


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
    vocab: dict | None = None  # class/id token -> learned score (see scripts/train_blocks.py)

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
                   np.array(value, dtype=np.float64), depth, float(data.get("threshold", 0.5)),
                   dict(data.get("dom_vocab") or {}))

    def decision(self, x: np.ndarray) -> np.ndarray:
        """Raw log-odds per row of a :func:`block_features` matrix.

        The trees are walked as perfect binary trees of the model's depth (:meth:`_layout`: a leaf above the
        bottom is repeated down both sides), so a level is three gathers and an index step for all rows and
        trees at once; a row goes right where ``not x <= threshold``, as in the stored trees."""
        x = np.ascontiguousarray(x, dtype=np.float32)
        n = len(x)
        if n == 0 or len(self.roots) == 0:
            return np.full(n, self.init, dtype=np.float64)
        feat, thr, leaves, depth = self._layout()
        trees, inner = feat.shape
        tree_base = (np.arange(trees, dtype=np.int64) * inner)[None, :]
        row_base = (np.arange(n, dtype=np.int64) * x.shape[1])[:, None]
        flat_x, flat_f, flat_t = x.ravel(), feat.ravel(), thr.ravel()
        node = np.zeros((n, trees), dtype=np.int64)
        for _ in range(depth):
            at = tree_base + node
            right = ~(flat_x.take(row_base + flat_f.take(at)) <= flat_t.take(at))
            node = node * 2 + 1 + right
        leaf = node - inner
        values = leaves.ravel().take((np.arange(trees, dtype=np.int64) * (inner + 1))[None, :] + leaf)
        return self.init + self.learning_rate * values.sum(axis=1)

    def _layout(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """(feature, threshold) per inner position and value per leaf of each tree as a perfect binary tree of
        the model's depth: arrays of shape (trees, 2**depth - 1) and (trees, 2**depth), built once."""
        cached = self.__dict__.get("_perfect")
        if cached is not None:
            return cached
        depth = max(int(self.depth), 1)
        inner = 2 ** depth - 1
        trees = len(self.roots)
        feat = np.zeros((trees, inner), dtype=np.int64)
        thr = np.zeros((trees, inner), dtype=np.float32)
        leaves = np.zeros((trees, inner + 1), dtype=np.float64)
        for t, root in enumerate(self.roots):
            stack = [(int(root), 0, 0)]  # (stored node, position in the perfect tree, level)
            while stack:
                node, pos, level = stack.pop()
                if level == depth:
                    if self.left[node] >= 0:
                        raise ValueError("tree deeper than the model's depth")
                    leaves[t, pos - inner] = self.value[node]
                elif self.left[node] < 0:  # a leaf above the bottom: the same leaf whichever way
                    feat[t, pos] = 0
                    thr[t, pos] = 0.0
                    stack += [(node, 2 * pos + 1, level + 1), (node, 2 * pos + 2, level + 1)]
                else:
                    feat[t, pos] = self.feature[node]
                    thr[t, pos] = self.threshold_[node]
                    stack += [(int(self.left[node]), 2 * pos + 1, level + 1),
                              (int(self.right[node]), 2 * pos + 2, level + 1)]
        layout = (feat, thr, leaves, depth)
        object.__setattr__(self, "_perfect", layout)
        return layout

    def probability(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.decision(x)))


@lru_cache(maxsize=1)
def load_block_model() -> BlockModel:
    """The shipped model (``data/models/blocks.json``)."""
    return BlockModel.from_dict(json.loads(read_text(MODEL_FILE)))


#: a line weighs at least this many characters in :func:`model_region`
MIN_LINE_WEIGHT = 15


def model_region(prob: np.ndarray, lines: Sequence[LogicalLine], threshold: float = 0.5) -> tuple[int, int]:
    """The contiguous run of lines with the most article evidence: each line weighs (p - threshold) times
    its length in characters (the metric counts text, not lines), at least :data:`MIN_LINE_WEIGHT` (about
    three words), maximum-sum subarray. Without the floor a run of twenty menu entries and form labels cost
    less than one sentence, and the region bridged them to join a licence or teaser block to the article."""
    best, best_start, best_end = float("-inf"), 0, 0
    run, run_start = 0.0, 0
    for i, (p, ln) in enumerate(zip(prob, lines)):
        s = (float(p) - threshold) * max(len(ln.text), MIN_LINE_WEIGHT)
        if run <= 0:
            run, run_start = s, i
        else:
            run += s
        if run > best:
            best, best_start, best_end = run, run_start, i + 1
    return best_start, best_end
