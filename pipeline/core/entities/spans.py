"""NER post-processing: the spans natasha tags, corrected before linking (stoplist, legal forms, quoted
organisation names, gazetteer types) and merged with the gazetteer's dictionary matches.
What ``tag`` and the mentions table use is :func:`tag_spans`: :func:`name_spans` plus place adjectives, nested
names (:func:`nested_spans`) and organisations named by common nouns (:mod:`.common_orgs`)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from functools import lru_cache

from ...knowledge import phrase_lines
from .gazetteer import Gazetteer, load
from .adjectives import place_adjective, place_adjective_spans  # noqa: F401  (place_adjective_spans: re-exported)
from .common_orgs import common_org_spans, org_nominative as _nominative
from .kb import FINE_TYPES
from .names import fold, parse_word, stem_key, tokens
from .ner import Span, recognize

@lru_cache(maxsize=1)
def _stoplist() -> dict[str, set[str]]:
    """``phrases/ner_stoplist.txt``: TYPE<TAB>word — spans natasha tags that are not names."""
    out: dict[str, set[str]] = defaultdict(set)
    for line in phrase_lines("phrases/ner_stoplist.txt"):
        t, _, word = line.partition("\t")
        out[t.strip()].add(fold(word.strip()))
    return out


LEGAL_FORMS = {"оао", "зао", "пао", "ооо", "ао", "нко", "фгуп", "гуп", "муп", "ано"}


def _sub_span(span: Span, text: str, start: int, end: int) -> Span | None:
    """The part of ``span`` within [start, end), edge punctuation stripped; natasha's normal is kept when nothing
    was cut, else the surface text stands in for it."""
    while end > start and not text[end - 1].isalnum():
        end -= 1
    while start < end and not text[start].isalnum():
        start += 1
    if end <= start:
        return None
    if (start, end) == (span.start, span.end):
        return span
    toks = tuple((max(a, start), min(b, end)) for a, b in span.tokens if a < end and b > start)
    cases = tuple(c for (a, b), c in zip(span.tokens, span.cases) if a < end and b > start)
    return Span(start, end, span.type, text[start:end], text[start:end], cases, toks)


def _trim(span: Span, text: str) -> Span | None:
    """Cut a span at a line break (NER runs across paragraph ends) and strip edge punctuation."""
    cut = text.find("\n", span.start, span.end)
    return _sub_span(span, text, span.start, cut if cut != -1 else span.end)


_PARENS = re.compile(r"[()\[\]]")


def split_parenthesized(span: Span, text: str) -> list[Span]:
    """A span that runs into a parenthesis is two names, the second an acronym or the original spelling:
    "Алексис Оганян (Alexis Ohanian" → "Алексис Оганян" + "Alexis Ohanian", "Исламского государства (ИГ" →
    "Исламского государства" + "ИГ"."""
    cuts = [m.start() for m in _PARENS.finditer(text, span.start, span.end)]
    if not cuts:
        return [span]
    bounds = [span.start, *cuts, span.end]
    parts = [_sub_span(span, text, a + (i > 0), b) for i, (a, b) in enumerate(zip(bounds, bounds[1:]))]
    return [_keep_normal(p, span, text) for p in parts if p is not None and any(ch.isalpha() for ch in p.text)]


def _keep_normal(part: Span, span: Span, text: str) -> Span:
    """natasha's normal words for the part of a span, where its normal has one word per word of the span
    ("Европейского Союза (ЕС" → "Европейский Союз"); else the part as it is."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text[span.start:span.end])]
    normal_words = re.findall(r"\w+", span.normal)
    if len(words) != len(normal_words) or part.normal != part.text:
        return part
    out, last = [], part.start
    for (a, b), norm in zip(words, normal_words):
        a, b = a + span.start, b + span.start
        if a >= part.start and b <= part.end:
            out.append(text[last:a] + norm)
            last = b
    out.append(text[last:part.end])
    return Span(part.start, part.end, part.type, part.text, "".join(out), part.cases, part.tokens)


def split_quoted_org(span: Span, text: str) -> list[Span]:
    """'ОАО «Газпром' → 'Газпром'; 'Русской службе «Голоса Америки' → two organisations."""
    if span.type != "ORG":
        return [span]
    q = text.find("«", span.start, span.end)
    if q == -1:
        q = text.find('"', span.start, span.end)
    if q == -1 or q == span.start:
        return [span]
    head = _sub_span(span, text, span.start, q)
    inner = _sub_span(span, text, q + 1, span.end)
    if inner is None:
        return [span]
    if head is None or fold(head.text) in LEGAL_FORMS:
        return [inner]
    return [head, inner]


def postprocess(spans: list[Span], text: str, gazetteer: Gazetteer) -> list[Span]:
    """Gazetteer- and rule-grounded fixes to natasha's spans."""
    stop = _stoplist()
    out: list[Span] = []
    pieces: list[Span] = []
    for span in spans:
        span = _trim(span, text)
        if span is not None:
            for part in split_parenthesized(span, text):
                pieces.extend(split_quoted_org(part, text))
    for span in pieces:
        if fold(span.text) in stop.get(span.type, ()) or fold(span.text) in stop.get("*", ()):
            continue
        retyped = _gazetteer_type(span, gazetteer)
        if retyped != span.type:
            span = Span(span.start, span.end, retyped, span.text, span.normal, span.cases, span.tokens)
        out.append(span)
    return out


def _gazetteer_type(span: Span, gazetteer: Gazetteer) -> str:
    """Fix ORG/LOC confusions where the gazetteer knows the name: "Евросоюз" is an organisation."""
    if span.type not in ("LOC", "ORG"):
        return span.type
    entry = gazetteer.lookup(stem_key(span.text), {"LOC", "ORG"})
    if entry is None:
        return span.type
    if entry.kind == "curated" and entry.type != span.type:
        return entry.type
    return span.type


_WORD_RE = re.compile(r"\w+(?:-\w+)*")
#: longest gazetteer alias (in words) looked for by the dictionary matcher
MAX_ALIAS_WORDS = 4
DICTIONARY_KINDS = {"curated", "country"}


def dictionary_spans(text: str, gazetteer: Gazetteer) -> list[Span]:
    """Capitalized word sequences that are gazetteer aliases (countries, curated people, organizations, regions).

    Recovers names the NER model misses ("Европы", "Голос Америки"); cities are left to the model
    because their thousands of short aliases collide with ordinary words.
    """
    words = [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    found: list[Span] = []
    i = 0
    while i < len(words):
        matched = None
        for n in range(min(MAX_ALIAS_WORDS, len(words) - i), 0, -1):
            start, end = words[i][0], words[i + n - 1][1]
            chunk = text[start:end]
            if not chunk[:1].isupper() or "\n" in chunk or len(chunk) < 2:
                continue
            if n == 1 and len(chunk) < 4 and not chunk.isupper():
                continue  # short capitalized words ("Сам", "Ни") are sentence starts, not names
            if n > 1 and any(not text[words[k][1]:words[k + 1][0]].strip() == "" for k in range(i, i + n - 1)):
                continue  # only words separated by spaces
            for entity_id in gazetteer.index.get(stem_key(chunk), ()):
                entry = gazetteer.entries[entity_id]
                if entry.kind in DICTIONARY_KINDS and (entry.type != "PER" or n > 1):
                    matched = Span(start, end, entry.type, chunk, chunk, (), tuple(words[i:i + n]))
                    break
            if matched:
                break
        if matched:
            found.append(matched)
            i += len(matched.tokens)
        else:
            i += 1
    return found


def merge_dictionary(spans: list[Span], extra: list[Span]) -> list[Span]:
    """Add dictionary spans that overlap no model span (the model's own spans always win: replacing
    "Голос" + "Америки" by "Голос Америки" loses the LOC that factRuEval also annotates inside it)."""
    out = list(spans)
    for d in extra:
        if all(d.end <= s.start or d.start >= s.end for s in spans):
            out.append(d)
    return sorted(out, key=lambda s: (s.start, s.end))


#: words before a place that :func:`nested_spans` tries as the head of an organization named after it
MAX_HEAD_WORDS = 3


def _index_knows(index, key: str, fine_types: tuple[str, ...]) -> bool:
    return any(fine in fine_types for fine, _ in index.counts.get(key, {}))


def nested_spans(text: str, spans: list[Span], index, parse) -> list[Span]:
    """Names inside names, as NEREL nests them:

    * a place and the (up to :data:`MAX_HEAD_WORDS`) words right before it ("МИД" + "России", "правительства" +
      "России") or right after it ("российской" + "армии") are also one organization ("МИД России") when the
      alias index (``index``) knows that whole name as an organization's: the ministry is not the country;
    * a place adjective that opens an organization's name ("Массачусетского технологического института") is also
      a place mention of its own (:func:`place_adjective`). A place *noun* inside a name ("Единой России", "Совета
      Федерации") is not: NEREL nests it about as often as not (tried: CV ORG precision .882 -> .848).
    The spans themselves are kept; these are added (the linking picks the closest span for each)."""
    if not index.counts:
        return []
    have = {(s.start, s.end) for s in spans}
    out: list[Span] = []
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    words = [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    starts = [w[0] for w in words]
    for b in ordered:
        if b.type != "LOC":
            continue
        k = bisect_left(starts, b.start)  # the place's first word
        last = bisect_left(starts, b.end)  # the first word after it
        # a place inside a word ("китайских" of "японско-китайских", a compound adjective's part) has no words of
        # its own before or after it on that side
        opens_word = k < len(words) and starts[k] == b.start
        closes_word = last > 0 and words[last - 1][1] == b.end
        windows = [(k - n, k, True) for n in range(min(MAX_HEAD_WORDS, k), 0, -1)] if opens_word else []
        windows += [(last, last + n, False) for n in range(min(MAX_HEAD_WORDS, len(words) - last), 0, -1)] \
            if closes_word else []  # words after: "российской армии"
        for i, j, before in windows:
            start, end = (words[i][0], b.end) if before else (b.start, words[j - 1][1])
            gaps = [text[words[x][1]:words[x + 1][0]] for x in (range(i, j) if before else range(i - 1, j - 1))]
            if any(g.strip() or "\n" in g for g in gaps) or (start, end) in have:
                continue
            whole = text[start:end]
            if _index_knows(index, stem_key(whole), ("ORGANIZATION",)):
                normal = _nominative(whole, (b.start - start, b.end - start), parse)
                out.append(Span(start, end, "ORG", whole, normal, (), ()))
                have.add((start, end))
                break
    for s in ordered:  # "Калифорнийского университета": the place adjective that opens an organization's name
        first = _WORD_RE.match(text, s.start)
        if s.type != "ORG" or first is None or first.end() >= s.end or (first.start(), first.end()) in have:
            continue
        normal = place_adjective(first.group(), index, parse)
        if normal is not None:
            out.append(Span(first.start(), first.end(), "LOC", first.group(), normal, ("",),
                            ((first.start(), first.end()),)))
    return out


#: an initial written before a surname ("Д.Медведев", "Б. Обама")
_INITIAL_BEFORE = re.compile(r"(?<!\w)[A-ZА-ЯЁ]\.\s?$")


def repeated_surname_spans(text: str, spans: list[Span], parse) -> list[Span]:
    """A person's surname the article names elsewhere in a PER span, written where no span is: NER misses names
    that open a headline ("Путин подписал закон ...", "Д.Медведев уволил ...") although the body names
    "Владимир Путин". A capitalized word outside every span whose key is the last word's of a PER span of the
    article is a PER mention (with an initial before it, when there is one); its normal form is that span's last
    normal word. A word that opens a sentence counts only when pymorphy reads it as a surname or does not know
    it ("Новый" is a word before it is a surname)."""
    surnames: dict[str, str] = {}
    for s in spans:
        words, normal_words = tokens(s.text), tokens(s.normal)
        if s.type == "PER" and words and len(words[-1]) >= 3 and words[-1][:1].isupper():
            surnames.setdefault(stem_key(words[-1]), normal_words[-1] if normal_words else words[-1])
    if not surnames:
        return []
    covered = _covered(text, spans)
    out = []
    for m in _WORD_RE.finditer(text):
        word = m.group()
        if len(word) < 3 or not word[:1].isupper() or word.isupper() or any(covered[m.start():m.end()]):
            continue
        normal = surnames.get(stem_key(word))
        if normal is None:
            continue
        initial = _INITIAL_BEFORE.search(text, max(0, m.start() - 3), m.start())
        start = initial.start() if initial else m.start()
        if _opens_sentence(text, start) and not _surname_reading(word, parse):
            continue
        prefix = text[start:m.start()]
        out.append(Span(start, m.end(), "PER", text[start:m.end()], prefix + normal, ("",) * (1 + bool(prefix)),
                        ()))
    return out


#: links (direct, and as the last word of a linked full name) the alias index must hold for a lone word's key
#: before :func:`known_surname_spans` takes the word for a person's surname
MIN_SURNAME_LINKS = 3
_CYRILLIC_WORD = re.compile(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)?")


def known_surname_spans(text: str, spans: list[Span], index, parse) -> list[Span]:
    """A known person's surname standing alone where NER found no span: natasha misses a bare surname that opens
    a sentence ("Путин встретился с Си Цзиньпином", "Исиба и Ли Чжэ Мён провели саммит"). A capitalized Cyrillic
    word of at least 4 letters outside every span is a PER mention when the alias index links its key to persons
    only, at least :data:`MIN_SURNAME_LINKS` times, or the curated gazetteer lists it as the surname of a person
    that may stand alone (and the index links it to nothing else), and pymorphy reads the word as a surname or a
    name, or does not know it (a capitalized common word, "Мир", "Союз", has a dictionary reading and is left
    alone). Its normal form is the last word of the index's label for the best-linked person, else the curated
    surname."""
    if not index.counts:
        return []
    covered = _covered(text, spans)
    out = []
    for m in _CYRILLIC_WORD.finditer(text):
        word = m.group()
        if len(word) < 4 or any(covered[m.start():m.end()]):
            continue
        key = stem_key(word)
        links = index.counts.get(key, {})
        if any(fine != "PERSON" for fine, _ in links):
            continue
        curated = _curated_surname(key)
        if curated is None and sum(direct + derived for direct, derived in links.values()) < MIN_SURNAME_LINKS:
            continue
        if not _surname_reading(word, parse):
            continue
        if links:
            best = max(links, key=lambda c: (sum(links[c]), c[1]))[1]
            label = tokens(index.labels.get(best, ("", ""))[1])
            normal = label[-1] if label and stem_key(label[-1]) == key else word
        else:
            normal = curated
        out.append(Span(m.start(), m.end(), "PER", word, normal, ("",), ((m.start(), m.end()),)))
    return out


def _curated_surname(key: str) -> str | None:
    """The surname (nominative, as the curated gazetteer writes it) of the curated persons whose one-word alias has
    stem ``key`` and whose surname may stand alone ("Исиба", "Хурэлсух"), when nothing else in the gazetteer shares
    the key; else None."""
    g = load()
    entries = [g.entries[i] for i in g.index.get(key, ())]
    if not entries or any(e.type != "PER" or e.kind != "curated" or not e.surname_alias for e in entries):
        return None
    return next((a for e in entries for a in (e.name, *e.aliases) if " " not in a and stem_key(a) == key), None)


def _covered(text: str, spans: list[Span]) -> bytearray:
    """One byte per character of ``text``, 1 where a span covers it."""
    covered = bytearray(len(text) + 1)
    for s in spans:
        covered[s.start:s.end] = b"\x01" * (s.end - s.start)
    return covered


def _opens_sentence(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t«\"(":
        j -= 1
    return j < 0 or text[j] in "\n.!?…"


def _surname_reading(word: str, parse) -> bool:
    readings = [p for p in parse(word) if getattr(p, "is_known", True)]
    return not readings or any({"Surn", "Name"} & set(p.tag.grammemes) for p in readings)


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'.&][A-Za-z0-9]+)*")
#: the longest run of Latin words tried as one name
MAX_LATIN_WORDS = 4


def latin_name_spans(text: str, spans: list[Span], index) -> list[Span]:
    """Names in Latin letters inside Russian text that NER misses ("Amazon", "World Press Photo", "Forbes"): a run
    of up to :data:`MAX_LATIN_WORDS` Latin words one space apart, the first capitalized, outside every span, whose
    key the alias index (``index``) links; the longest such run from the left wins, and its type is that of the
    index's best candidate. In Russian text a Latin word is a name far more often than not, and only what the
    index has seen linked is taken."""
    if not index.counts:
        return []
    covered = _covered(text, spans)
    words = [(m.start(), m.end()) for m in _LATIN_WORD.finditer(text)
             if not any(covered[m.start():m.end()]) and not (m.start() and text[m.start() - 1].isalnum())
             and not (m.end() < len(text) and text[m.end()].isalnum())]
    out: list[Span] = []
    i = 0
    while i < len(words):
        found = None
        for n in range(min(MAX_LATIN_WORDS, len(words) - i), 0, -1):
            run = words[i:i + n]
            if not text[run[0][0]].isupper() or any(text[a[1]:b[0]] != " " for a, b in zip(run, run[1:])):
                continue
            whole = text[run[0][0]:run[-1][1]]
            cands = index.candidates(stem_key(whole))
            if cands:
                found = (n, Span(run[0][0], run[-1][1], FINE_TYPES[cands[0].fine_type], whole, whole, (), ()))
                break
        if found is None:
            i += 1
            continue
        out.append(found[1])
        i += found[0]
    return out


def linked_spans(text: str, spans: list[Span], index, parse) -> list[Span]:
    """What the linking adds to the name spans (``index``: the alias index; ``parse``: pymorphy's parses):
    place and person adjectives, nested names, organisations named by common nouns, repeated surnames, known
    persons' surnames standing alone."""
    spans = spans + place_adjective_spans(text, spans, index, parse)
    spans = spans + nested_spans(text, spans, index, parse)
    spans = spans + common_org_spans(text, spans, index, parse)
    spans = spans + latin_name_spans(text, spans, index)
    spans = spans + repeated_surname_spans(text, spans, parse)
    return spans + known_surname_spans(text, spans, index, parse)


def name_spans(text: str) -> list[Span]:
    """Named-entity spans: NER after post-processing, merged with the gazetteer's dictionary matches. This is
    what NER gold (factRuEval) annotates, so ``benchmarks/ner.py`` scores it against stock natasha."""
    g = load()
    return merge_dictionary(postprocess(recognize(text), text, g), dictionary_spans(text, g))


def tag_spans(text: str) -> list[Span]:
    """Name spans plus :func:`linked_spans` (what ``tag`` and the mentions table use)."""
    from .kb import load_index

    return linked_spans(text, name_spans(text), load_index(), parse_word)
