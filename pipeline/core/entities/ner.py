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
    doc = analyze(text, syntax=False, morph=False)  # the span sentences' tags, the ORG ones' parse
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


def analyze(text: str, syntax=True, morph=True):
    """natasha Doc of ``text`` with sentences, tokens, NER, and the morphology (with lemmas) and syntax that ``morph``
    and ``syntax`` ask for (cached; see :func:`analyze_many`)."""
    return analyze_many([text], syntax, morph)[0]


def analyze_many(texts: Sequence[str], syntax=True, morph=True) -> list:
    """natasha Docs of many texts: NER and morphology batched across documents (:mod:`.fast_ner`: the same spans and
    tags as natasha's per-document calls), syntax per document as natasha runs it, lemmas memoized.

    Morphology (``pos``, ``feats``) and lemmas are read by natasha's normalizer of span names and the spans' cases
    (the tokens of NER spans) and by the events stage (the sentences where a trigger can match). Every sentence
    that overlaps an NER span is tagged (:func:`span_sentences`); ``morph`` says which others are: True every one,
    False none, or a predicate on a natasha sentence before tagging (its tokens' text only): the events stage asks
    for the sentences where a trigger's first lemma is among the lemmas a word can have
    (``events.extract.trigger_candidate``). A sentence is tagged whole, as natasha tags it; an untagged token has
    ``pos``, ``feats`` and ``lemma`` None. Lemmas are set on the sentences ``morph`` selects (the events stage's
    reads): a sentence tagged only for its spans has none (the normalizer inflects the words, it reads no lemma).

    The dependency parse is about a third of the analysis's CPU and has two readers: natasha's normalizer of ORG names
    (``syntax_normalize`` inflects the span's head only), so every sentence holding an ORG span is parsed
    (:func:`org_sentences`, parsed first), and the events stage. ``syntax`` says which other sentences get a
    parse: True every one (the rest of the document), False none, or a predicate on a natasha sentence, asked only
    of the sentences ``morph`` selected (their tokens' lemmas are set when it is called): the events stage asks only
    for the sentences where a trigger can match. A cached analysis is completed sentence by sentence when a later call asks
    for more morphology or parse. Which sentences share a parser batch changes slovnet's head scores in the last
    digits (up to ~1e-4), so the equality of this path's parses with natasha's whole-document parse is measured,
    not guaranteed: no head or relation moved on the 962 NEREL and factRuEval dev texts, and their mentions and
    events are the same (``benchmarks/syntax_subset.py``); a near-tie on another text could move one attachment,
    deterministically. The same holds of the tags and the sentences that share a morphology batch
    (``benchmarks/morph_subset.py``).

    The last :data:`ANALYSIS_CACHE_SIZE` analyses are kept; analyzing a batch first makes the per-article calls
    of the entities and events stages cache hits."""
    from .fast_ner import tag_ner_docs

    missing = [t for t in dict.fromkeys(texts) if t not in _ANALYSES]
    _evict(set(texts), sum(len(t) for t in missing))
    docs = []
    if missing:
        m = models()
        nt = natasha()
        for text in missing:
            doc = nt.Doc(text)
            doc.segment(m.segmenter)
            docs.append(doc)
        tag_ner_docs(docs, m.ner)  # NER reads the words only: its spans choose the sentences to tag
    cached = {id(_ANALYSES[t]): _ANALYSES[t] for t in texts if t in _ANALYSES}
    _tag_morph(docs + list(cached.values()), morph)  # new and cached documents' sentences in one set of batches
    for doc in docs:  # kept only once NER, tags and the ORG sentences' parse are all there
        parse_syntax_capped(doc, m.syntax, wanted=org_sentences(doc))
        _ANALYSES[doc.text] = doc
    found = [_ANALYSES[text] for text in texts]
    for text, doc in zip(texts, found):
        _ANALYSES.move_to_end(text)
        if syntax is not False:  # loads the parser only if a sentence needs it
            parse_syntax_capped(doc, None, wanted=syntax if syntax is True else _lemmatized_and(syntax))
    if len(texts) > 1:  # a batch being primed stays whole until the next batch, however large
        _CAPACITY[0] = max(ANALYSIS_CACHE_SIZE, len(texts))
    _evict(set(texts))
    return found


def is_tagged(sent) -> bool:
    """True when the morphology tagger has run on a natasha sentence (every token has its ``pos``)."""
    return all(t.pos is not None for t in sent.tokens)


def is_lemmatized(sent) -> bool:
    """True when a natasha sentence's tokens have their lemmas (the sentences :func:`analyze_many`'s ``morph``
    selected; a sentence tagged only for the spans in it has tags without lemmas: nothing reads them)."""
    return all(t.lemma is not None for t in sent.tokens)


def _lemmatized_and(predicate):
    return lambda sent: is_lemmatized(sent) and predicate(sent)


def _tag_morph(docs, morph) -> None:
    """Tag the sentences of ``docs`` that :func:`analyze_many`'s ``morph`` asks for or that overlap an NER span
    and are not tagged yet, all in one set of batches; set the lemmas of those ``morph`` asks for."""
    from .fast_ner import tag_morph_sentences

    if morph is False and not any(doc.spans for doc in docs):
        return
    todo, lemmatize = [], []
    for doc in docs:
        spans = span_sentences(doc)
        for sent in doc.sents:
            if not sent.tokens:
                continue
            wanted = morph is True or (morph is not False and morph(sent))
            if not is_tagged(sent) and (wanted or spans(sent)):
                todo.append(sent)
            if wanted and not is_lemmatized(sent):
                lemmatize.append(sent)
    tag_ids = dict(zip(map(id, todo), tag_morph_sentences(todo, models().morph))) if todo else {}
    for sent in lemmatize:
        ids = tag_ids.get(id(sent))
        for k, token in enumerate(sent.tokens):
            token.lemma = (lemma(token.text, token.pos, token.feats) if ids is None
                           else tagged_lemma(token.text, ids[k], token.pos, token.feats))


def span_sentences(doc):
    """A predicate on ``doc``'s sentences: True for one that overlaps an NER span, whose tokens' morphology the
    span's normal form (natasha's normalizer) and cases read."""
    return _overlapping(doc.spans)


def org_sentences(doc):
    """A predicate on ``doc``'s sentences: True for one that overlaps an ORG span, whose normal form natasha
    derives from the parse."""
    return _overlapping([span for span in doc.spans if span.type == "ORG"])


def _overlapping(spans):
    """A predicate on sentences: True for one that overlaps one of ``spans`` (NER spans, which do not overlap)."""
    from bisect import bisect_right

    spans = sorted((span.start, span.stop) for span in spans)
    starts = [start for start, _ in spans]
    stops = [stop for _, stop in spans]

    def overlaps(sent) -> bool:
        k = bisect_right(stops, sent.start)  # the first span ending after the sentence starts
        return k < len(spans) and starts[k] < sent.stop

    return overlaps


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
#: lemmas memoized per worker, on (word, POS, features) or (word, tag id): ~520 bytes for the first kind (the key's
#: features tuple), so at most ~100 MiB (1,000,000 allowed ~500 MiB per worker on a large real corpus); later ones
#: are lemmatized again
MAX_LEMMAS = 200_000


def lemma(text: str, pos, feats) -> str:
    """pymorphy lemma of a tagged token, memoized on (word, POS, features): the same word recurs in every article."""
    return _memoized_lemma((text, pos, tuple(sorted(feats.items())) if feats else None), text, pos, feats)


def tagged_lemma(text: str, tag_id: int, pos, feats) -> str:
    """:func:`lemma` of a token the tagger gave ``tag_id`` (which stands for its ``pos`` and ``feats``), memoized on
    (word, tag id): cheaper to key than the features."""
    return _memoized_lemma((text, tag_id), text, pos, feats)


def _memoized_lemma(key: tuple, text: str, pos, feats) -> str:
    hit = _LEMMAS.get(key)
    if hit is None:
        hit = _lemmatize(text, pos, feats)
        if len(_LEMMAS) < MAX_LEMMAS:
            _LEMMAS[key] = hit
    return hit


def _lemmatize(text: str, pos, feats) -> str:
    try:
        return models().vocab.lemmatize(text, pos, feats)
    except Exception:
        return text.lower()


def lemma_candidates(word: str) -> frozenset[str]:
    """Every lemma :func:`lemma` can give ``word``, whatever its tags: natasha's lemmatizer returns the normal form
    (lower case, ё as е) of one of pymorphy's parses of the word (lower case, ё as е), or that word itself; an
    error gives the word in lower case. A superset that needs no tagging (``events.extract.trigger_candidate``)."""
    lowered = word.lower()
    normal = lowered.replace("ё", "е")
    try:
        forms = models().vocab(normal)
        return frozenset({normal, lowered, *(form.normal.lower().replace("ё", "е") for form in forms)})
    except Exception:
        return frozenset({normal, lowered})


def is_known_word(word: str) -> bool:
    """True when pymorphy's dictionary knows ``word`` (East Asian names usually are not)."""
    m = models()
    try:
        return any(getattr(p, "is_known", False) for p in m.vocab.parse(word))
    except Exception:
        return False
