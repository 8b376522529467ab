"""Named-entity recognition with natasha (slovnet NER + morphology), loaded once per process.

pymorphy2, which natasha 1.6 imports, is abandoned and does not run on
Python 3.11 (pymorphy2 issue #159: ``inspect.getargspec``). pymorphy3 is its
maintained fork with the same API; :func:`_install_pymorphy_compat` points
the ``pymorphy2`` module names at it before natasha is imported.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    type: str  # PER | LOC | ORG
    text: str
    normal: str
    cases: tuple[str, ...]  # the morph tagger's case per token (Nom, Gen, ...), "" when untagged
    tokens: tuple[tuple[int, int], ...]  # token offsets (start, end) within the text


def _install_pymorphy_compat() -> None:
    if "pymorphy2" in sys.modules and not getattr(sys.modules["pymorphy2"], "__vostok_compat__", False):
        try:
            sys.modules["pymorphy2"].MorphAnalyzer()  # a working pymorphy2: leave it alone
            return
        except Exception:
            pass
    import pymorphy3
    import pymorphy3.analyzer

    pymorphy3.__vostok_compat__ = True
    sys.modules["pymorphy2"] = pymorphy3
    sys.modules["pymorphy2.analyzer"] = pymorphy3.analyzer


def natasha():
    """The natasha package, imported only after the pymorphy compat is in place (always import it this way)."""
    _install_pymorphy_compat()
    import natasha as _natasha

    return _natasha


@dataclass
class NatashaModels:
    segmenter: object
    ner: object
    morph: object
    vocab: object
    syntax: object


@lru_cache(maxsize=1)
def models() -> NatashaModels:
    """Load natasha's models (shipped inside the wheels, no download) once per process."""
    nt = natasha()
    embedding = nt.NewsEmbedding()
    return NatashaModels(nt.Segmenter(), nt.NewsNERTagger(embedding), nt.NewsMorphTagger(embedding), nt.MorphVocab(),
                         nt.NewsSyntaxParser(embedding))


def recognize(text: str) -> list[Span]:
    """Natasha's PER/LOC/ORG spans in ``text`` with natasha's normal form (offsets into ``text``)."""
    if not text.strip():
        return []
    m = models()
    doc = analyze(text, syntax=False)  # only the sentences the ORG normal forms read
    spans = []
    for s in doc.spans:
        try:
            s.normalize(m.vocab)
            normal = s.normal or s.text
        except Exception:  # natasha's normalizer can trip on odd tokens; keep the surface form
            normal = s.text
        cases = tuple((t.feats or {}).get("Case", "") if getattr(t, "feats", None) else "" for t in s.tokens)
        tokens = tuple((t.start, t.stop) for t in s.tokens)
        spans.append(Span(s.start, s.stop, s.type, text[s.start:s.stop], normal, cases, tokens))
    return spans


#: analyses kept per process, so the entities and events stages share one analysis per article
ANALYSIS_CACHE_SIZE = 64
#: characters of text whose analyses are kept besides the batch being analysed (an analysis holds every token's
#: tags and parse: ~10 kB per 100 characters), so long bodies do not pile up in a worker
ANALYSIS_CACHE_CHARS = 200_000
_ANALYSES: "OrderedDict[str, object]" = OrderedDict()
_CAPACITY = [ANALYSIS_CACHE_SIZE]


def _evict(keep: set, incoming: int = 0) -> None:
    """Drop the oldest analyses outside ``keep`` while more than the capacity are kept, or more than
    :data:`ANALYSIS_CACHE_CHARS` characters with ``incoming`` more to come."""
    chars = sum(len(t) for t in _ANALYSES) + incoming
    for text in list(_ANALYSES):
        if len(_ANALYSES) <= _CAPACITY[0] and chars <= ANALYSIS_CACHE_CHARS:
            break
        if text not in keep:
            del _ANALYSES[text]
            chars -= len(text)


def analyze(text: str, syntax=True):
    """natasha Doc of ``text`` with sentences, tokens, morphology (with lemmas), NER and the syntax that ``syntax``
    asks for (cached; see :func:`analyze_many`)."""
    return analyze_many([text], syntax)[0]


def analyze_many(texts: Sequence[str], syntax=True) -> list:
    """natasha Docs of many texts: morphology and NER batched across documents (:mod:`.fast_ner`: the same tags
    and spans as natasha's per-document calls), syntax per document as natasha runs it, lemmas memoized.

    The dependency parse is about a third of the analysis's CPU and has two readers: natasha's normalizer of ORG names
    (``syntax_normalize`` inflects the span's head only), so every sentence holding an ORG span is parsed
    (:func:`org_sentences`, parsed first), and the events stage. ``syntax`` says which other sentences get a
    parse: True every one (the rest of the document), False none, or a predicate on a natasha sentence (its tokens'
    lemmas are set when it is called): the events stage asks only for the sentences where a trigger can match.
    A cached analysis is completed sentence by sentence when a later call asks for more. Which sentences share
    a parser batch changes slovnet's head scores in the last digits (up to ~1e-4), so the equality of this
    path's parses with natasha's whole-document parse is measured, not guaranteed: no head or relation moved on
    the 962 NEREL and factRuEval dev texts, and their mentions and events are the same
    (``benchmarks/syntax_subset.py``); a near-tie on another text could move one attachment, deterministically.

    The last :data:`ANALYSIS_CACHE_SIZE` analyses are kept; analyzing a batch first makes the per-article calls
    of the entities and events stages cache hits."""
    from .fast_ner import tag_morph_docs, tag_ner_docs

    missing = [t for t in dict.fromkeys(texts) if t not in _ANALYSES]
    _evict(set(texts), sum(len(t) for t in missing))
    if missing:
        m = models()
        nt = natasha()
        docs = []
        for text in missing:
            doc = nt.Doc(text)
            doc.segment(m.segmenter)
            docs.append(doc)
        tag_morph_docs(docs, m.morph)
        tag_ner_docs(docs, m.ner)
        for doc in docs:
            parse_syntax_capped(doc, m.syntax, wanted=org_sentences(doc))
            for token in doc.tokens:
                token.lemma = lemma(token.text, token.pos, token.feats)
            _ANALYSES[doc.text] = doc
    found = []
    for text in texts:
        _ANALYSES.move_to_end(text)
        doc = _ANALYSES[text]
        if syntax is not False:
            parse_syntax_capped(doc, None, wanted=syntax)  # loads the parser only if a sentence needs it
        found.append(doc)
    if len(texts) > 1:  # a batch being primed stays whole until the next batch, however large
        _CAPACITY[0] = max(ANALYSIS_CACHE_SIZE, len(texts))
    _evict(set(texts))
    return found


def org_sentences(doc):
    """A predicate on ``doc``'s sentences: True for one that overlaps an ORG span, whose normal form natasha
    derives from the parse."""
    from bisect import bisect_right

    orgs = sorted((span.start, span.stop) for span in doc.spans if span.type == "ORG")  # NER spans do not overlap
    starts = [start for start, _ in orgs]
    stops = [stop for _, stop in orgs]

    def overlaps_org(sent) -> bool:
        k = bisect_right(stops, sent.start)  # the first span ending after the sentence starts
        return k < len(orgs) and starts[k] < sent.stop

    return overlaps_org


def is_parsed(sent) -> bool:
    """True when every token of a natasha sentence has its head (the parse has run on it)."""
    return all(t.head_id is not None for t in sent.tokens)


#: the syntax parser's memory grows with the square of a sentence's length (400k tokens: 596 GiB); longer
#: sentences (lists of 30 countries, tables, a paragraph without full stops) are parsed in windows of this size
MAX_SYNTAX_TOKENS = 250


def parse_syntax_capped(doc, parser, max_tokens: int = MAX_SYNTAX_TOKENS, wanted=True) -> bool:
    """natasha's ``doc.parse_syntax`` on the sentences ``wanted`` selects (True: all; a predicate on a sentence)
    that are not parsed yet. Sentences of at most ``max_tokens`` tokens are parsed whole, as natasha does;
    when a longer one is among them, every sentence is parsed in consecutive windows of at most ``max_tokens``
    tokens, each window's root attached to the sentence root. Returns True when a cap applied. ``parser`` None:
    the process's parser, loaded only when a sentence is to be parsed."""
    todo = [(sent_id, sent) for sent_id, sent in enumerate(doc.sents, 1)
            if (wanted is True or wanted(sent)) and sent.tokens and not is_parsed(sent)]
    if not todo:
        return False
    if parser is None:
        parser = models().syntax
    capped = any(len(sent.tokens) > max_tokens for _, sent in todo)
    windows = []  # (sentence number, first token index, tokens)
    for sent_id, sent in todo:
        step = max_tokens if capped else len(sent.tokens)
        for first in range(0, len(sent.tokens), step):
            windows.append((sent_id, first, sent.tokens[first:first + step]))
    markups = parser.map([[t.text for t in tokens] for _, _, tokens in windows])
    for (sent_id, first, tokens), markup in zip(windows, markups):
        for target, source in zip(tokens, markup.tokens):
            local_id, local_head = int(source.id), int(source.head_id)
            target.id = f"{sent_id}_{first + local_id}"
            target.head_id = f"{sent_id}_{first + local_head if local_head else 0}"
            target.rel = source.rel
    return capped


_LEMMAS: dict[tuple, str] = {}
#: (word, POS, features) lemmas memoized per worker: ~520 bytes each (the key's features tuple), so at most
#: ~100 MiB (1,000,000 allowed ~500 MiB per worker on a large real corpus); later ones are lemmatized again
MAX_LEMMAS = 200_000


def lemma(text: str, pos, feats) -> str:
    """pymorphy lemma of a tagged token, memoized on (word, POS, features): the same word recurs in every article."""
    key = (text, pos, tuple(sorted(feats.items())) if feats else None)
    hit = _LEMMAS.get(key)
    if hit is None:
        try:
            hit = models().vocab.lemmatize(text, pos, feats)
        except Exception:
            hit = text.lower()
        if len(_LEMMAS) < MAX_LEMMAS:
            _LEMMAS[key] = hit
    return hit


def is_known_word(word: str) -> bool:
    """True when pymorphy's dictionary knows ``word`` (East Asian names usually are not)."""
    m = models()
    try:
        return any(getattr(p, "is_known", False) for p in m.vocab.parse(word))
    except Exception:
        return False
