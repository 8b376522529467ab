"""natasha's NER model, run faster at identical output.

Stock natasha (``doc.segment(...)`` then ``doc.tag_ner(...)``) tokenizes every text twice with razdel
(the segmenter, then slovnet again), runs the CNN one document at a time and backtracks the CRF in a Python
loop per document. This module runs the *same* slovnet model and weights:

* on the tokens the segmenter already produced (both are razdel's ``tokenize`` over the whole text);
* on batches of documents of similar length, with padding positions zeroed before the first convolution
  exactly as a batch of one sees its zero padding (slovnet's encoder zeroes them after every layer);
* with the CRF's Viterbi backtracking vectorized over the batch;
* with word and shape ids memoized per distinct word.

``tests/realdata/test_fast_ner.py`` proves the spans equal stock natasha's on every factRuEval text.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

#: documents per CNN batch; sorted by length first, so padding stays small
BATCH_SIZE = 16
#: padded positions per NER batch (documents x the longest one's tokens): the CNN's activations grow with it, so
#: sixteen 50,000-token bodies would need gigabytes; longer documents go in smaller batches (the spans do not
#: depend on the batch, see above), and ordinary ones (16 x 4,096 tokens) keep their batches
NER_PADDED_TOKENS = 16 * 4096
_ENCODED_WORDS: dict[str, tuple[int, int]] = {}
#: distinct words whose ids are memoized per worker (~230 bytes each: at most ~45 MiB); the first ones seen are
#: kept, which in news text are the frequent ones, and a word past the cap is encoded again (same ids)
_MAX_MEMO = 200_000


def _encode(words_vocab, shapes_vocab, word: str) -> tuple[int, int]:
    hit = _ENCODED_WORDS.get(word)
    if hit is None:
        from slovnet.shape import word_shape

        hit = (words_vocab.encode(word.lower()), shapes_vocab.encode(word_shape(word)))
        if len(_ENCODED_WORDS) < _MAX_MEMO:
            _ENCODED_WORDS[word] = hit
    return hit


def viterbi(emissions: np.ndarray, mask: np.ndarray, transitions: np.ndarray) -> list[np.ndarray]:
    """Best tag path per sequence: slovnet's ``CRF.decode`` with the backtracking vectorized over the batch."""
    batch_size, seq_len, tags_num = emissions.shape
    emissions = emissions.swapaxes(1, 0)
    mask = mask.swapaxes(1, 0)
    history = np.zeros((max(seq_len - 1, 0), batch_size, tags_num), dtype=np.int64)
    score = emissions[0]
    rows = np.arange(batch_size)[:, None]
    cols = np.arange(tags_num)[None, :]
    for index in range(1, seq_len):
        candidate = score[:, :, None] + transitions + emissions[index][:, None, :]  # batch x from x to
        best_from = candidate.argmax(-2)
        history[index - 1] = best_from
        candidate = candidate[rows, best_from, cols]
        score = np.where(mask[index][:, None], candidate, score)
    sizes = mask.sum(0) - 1
    best = score.argmax(-1)
    tags = np.zeros((batch_size, seq_len), dtype=np.int64)
    tags[np.arange(batch_size), sizes] = best
    everyone = np.arange(batch_size)
    for index in range(seq_len - 2, -1, -1):
        active = index < sizes
        previous = history[index, everyone, best]
        best = np.where(active, previous, best)
        tags[active, index] = previous[active]
    return [tags[b, :sizes[b] + 1] for b in range(batch_size)]


def _batch_tags(ner_api, word_lists: Sequence[Sequence[str]]) -> list[list[str]]:
    infer = ner_api.infer
    model, encoder, decoder = infer.model, infer.encoder, infer.decoder
    words_vocab, shapes_vocab = encoder.words_vocab, encoder.shapes_vocab
    longest = max(len(w) for w in word_lists)
    word_id = np.full((len(word_lists), longest), words_vocab.pad_id, dtype=np.int64)
    shape_id = np.full((len(word_lists), longest), shapes_vocab.pad_id, dtype=np.int64)
    for row, words in enumerate(word_lists):
        for col, word in enumerate(words):
            word_id[row, col], shape_id[row, col] = _encode(words_vocab, shapes_vocab, word)
    pad_mask = np.zeros((len(word_lists), longest), dtype=bool)
    for row, words in enumerate(word_lists):
        pad_mask[row, len(words):] = True
    x = model.emb(word_id, shape_id)
    x[pad_mask] = 0  # what a batch of one sees past its end: the convolution's zero padding
    x = model.encoder(x, pad_mask)
    emissions = model.head(x)
    paths = viterbi(emissions, ~pad_mask, model.head.crf.transitions.array)
    return [[decoder.tags_vocab.decode(t) for t in path] for path in paths]


def bounded_batches(items: Sequence, size, most: int, padded: int) -> list[list]:
    """Consecutive batches of ``items`` (sorted by ``size``, shortest first) of at most ``most`` items and at most
    ``padded`` padded positions (items x the largest size); an item larger than ``padded`` is a batch alone."""
    batches: list[list] = []
    current: list = []
    for item in items:
        if current and (len(current) >= most or (len(current) + 1) * size(item) > padded):
            batches.append(current)
            current = []
        current.append(item)
    if current:
        batches.append(current)
    return batches


def bio_spans(tokens: Sequence, tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, stop, type) spans from BIO tags, as slovnet's ``bio_spans`` reads them."""
    from slovnet.bio import bio_spans as slovnet_bio_spans

    return [(s.start, s.stop, s.type) for s in slovnet_bio_spans(tokens, tags)]


def ner_spans(ner_api, token_lists: Sequence[Sequence]) -> list[list[tuple[int, int, str]]]:
    """NER spans for many documents at once; each document is its list of razdel tokens (``.start/.stop/.text``)."""
    out: list[list[tuple[int, int, str]]] = [[] for _ in token_lists]
    order = sorted((i for i, toks in enumerate(token_lists) if toks), key=lambda i: len(token_lists[i]))
    for chunk in bounded_batches(order, lambda i: len(token_lists[i]), BATCH_SIZE, NER_PADDED_TOKENS):
        tag_lists = _batch_tags(ner_api, [[t.text for t in token_lists[i]] for i in chunk])
        for i, tags in zip(chunk, tag_lists):
            out[i] = bio_spans(token_lists[i], tags)
    return out


def tag_ner_docs(docs: Sequence, ner_api) -> None:
    """Fill ``doc.spans`` of segmented natasha Docs, as ``doc.tag_ner(ner_api)`` would."""
    from natasha.doc import adapt_spans

    live = [d for d in docs if d.text.strip()]
    for doc in docs:
        if not doc.text.strip():
            doc.spans = []
    for doc, spans in zip(live, ner_spans(ner_api, [d.tokens for d in live])):
        doc.spans = list(adapt_spans(doc, spans))
        doc.envelop_span_tokens()
        doc.envelop_sent_spans()


# ---------------------------------------------------------------- morphology across documents
# Syntax stays per document, as natasha runs it: slovnet's head scores change in the last digits with the
# sentences that share a batch, so its choices among near-equal scores can depend on the batch (an early
# measurement of batching across documents moved 123 of 3,374 head attachments on the seeds; a later check of
# 901 factRuEval sentences, alone, per document and across documents sorted by length, moved none).
#: sentences per CNN batch for morphology (natasha runs 8 at a time, per document; so did this module until issue
#: 20's fifth round, whose batches of 64 slovnet's encoder cut into 8s)
SENTENCE_BATCH = 64
#: padded positions per morphology batch: one 25,000-token "sentence" padded 64 sentences to its length and took
#: a worker from 0.5 to 1.2 GB; sentences up to 256 tokens keep full batches (tags are per token, batch-independent)
MORPH_PADDED_TOKENS = SENTENCE_BATCH * 256


_MORPH_ENCODED: dict[str, tuple[int, int]] = {}
#: (part of speech, features) of each of the tagger's tag ids, parsed once (slovnet parses the tag string per token)
_TAGS: dict[int, tuple[str, tuple]] = {}


def _morph_ids(encoder, word: str) -> tuple[int, int]:
    """slovnet's ``TagEncoder.item`` for one word (word id, shape id), memoized per distinct word like the NER's."""
    hit = _MORPH_ENCODED.get(word)
    if hit is None:
        from slovnet.shape import word_shape

        hit = (encoder.words_vocab.encode(word.lower()), encoder.shapes_vocab.encode(word_shape(word)))
        if len(_MORPH_ENCODED) < _MAX_MEMO:
            _MORPH_ENCODED[word] = hit
    return hit


def _tag(decoder, tag_id: int) -> tuple[str, tuple]:
    hit = _TAGS.get(tag_id)
    if hit is None:
        from slovnet.conll import parse_conll_tag

        pos, feats = parse_conll_tag(decoder.tags_vocab.decode(tag_id))
        hit = _TAGS[tag_id] = (pos, tuple(feats.items()))
    return hit


def morph_batch(tagger, word_lists: list[list[str]]) -> list:
    """Tag ids of each word of each sentence of one batch: what slovnet's ``MorphInfer`` computes for a chunk (the
    same encoder input, pad mask, model and argmax), without its markup objects."""
    from slovnet.exec.mask import split_masked

    infer = tagger.infer
    inputs = infer.encoder.input([tuple(zip(*[_morph_ids(infer.encoder, w) for w in words])) for words in word_lists])
    pred = infer.model.head.decode(infer.model(inputs.word_id, inputs.shape_id, inputs.pad_mask))
    return list(split_masked(pred, ~inputs.pad_mask))


def tag_morph_sentences(sents: Sequence, tagger) -> list:
    """``inject_morph`` of natasha's tagger on these sentences (any documents'), batched across them: each token's
    ``pos`` and ``feats`` (a dict of its own), as ``doc.tag_morph(tagger)`` sets them. Returns each sentence's tag
    ids (the lemma memo's key).

    slovnet's padding embeddings are zero, its encoder zeroes padded positions after every layer and the head decides
    per token, so a sentence's tags do not depend on the sentences that share its batch, in exact arithmetic; in
    float32 the BLAS products change in the last bits with the batch's shape (up to ~3e-5 on a score, against a
    smallest gap of ~2e-4 between a token's two best tags on the dev texts), so the equality with natasha's
    per-document tags is measured (``tests/realdata/test_fast_ner.py``, ``benchmarks/morph_subset.py``)."""
    order = sorted(range(len(sents)), key=lambda k: len(sents[k].tokens))
    order = [k for k in order if sents[k].tokens]
    decoder = tagger.infer.decoder
    out: list = [[] for _ in sents]
    for batch in bounded_batches(order, lambda k: len(sents[k].tokens), SENTENCE_BATCH, MORPH_PADDED_TOKENS):
        for k, ids in zip(batch, morph_batch(tagger, [[t.text for t in sents[k].tokens] for k in batch])):
            ids = ids.tolist()
            for token, tag_id in zip(sents[k].tokens, ids):
                pos, feats = _tag(decoder, tag_id)
                token.pos, token.feats = pos, dict(feats)
            out[k] = ids
    return out


def tag_morph_docs(docs: Sequence, tagger) -> None:
    """``doc.tag_morph(tagger)`` for many documents, batching sentences across them (:func:`tag_morph_sentences`)."""
    tag_morph_sentences([sent for doc in docs for sent in doc.sents], tagger)
