"""Name keys and East Asian name normalization.

* :func:`fold` — the fuzzy spelling key: case, ё/э→е, й/ы→и, щ→ш, чж→дж, hard and soft signs dropped,
  Latin look-alike letters mapped to Cyrillic, punctuation to spaces.
* :func:`stem_key` — ``fold`` plus one case ending stripped per token, so "Пак Чжином", "Пак Чжина" and
  "Пак Джин" share a key (and a surname's -ов/-ев: "Макаров", "Макарова" → "макар"). The same function is applied to gazetteer aliases and to mentions, so only
  consistency matters, not linguistic truth.
* :func:`nominative_east_asian` — rules that put transliterated names (outside pymorphy's dictionary)
  back in the nominative: "Пак Чжина" → "Пак Чжин", "Такэси Иваей" → "Такэси Ивая", "Юн Сок Ёлем" → "Юн Сок Ёль".
"""

from __future__ import annotations

import re
from functools import lru_cache


def casefold_ru(text: str) -> str:
    """``text`` lower-cased with ё read as е, as Russian is mostly written: for comparing two forms of a name."""
    return text.lower().replace("ё", "е")


_LOOKALIKES = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "k": "к",
                             "m": "м", "t": "т", "b": "в", "h": "н"})
_FOLD = str.maketrans({"ё": "е", "э": "е", "й": "и", "ы": "и", "щ": "ш", "ъ": "", "ь": ""})
_NON_WORD = re.compile(r"[^\w]+")
_WORD_SPAN = re.compile(r"\w+")
_CYRILLIC = re.compile(r"[а-яё]")
#: consonant-final case endings (on folded text), longest first; vowels are stripped after them
CONSONANT_ENDINGS = ("ами", "ями", "ого", "его", "ому", "ему", "ими", "ах", "ях", "ам", "ям", "ов", "ев", "ом", "ем",
                     "их", "им")
VOWELS = "аеиоуяю"
#: surname suffixes that :func:`stem_token` strips after the case ending
SURNAME_SUFFIXES = ("ов", "ев")


def fold_token(token: str) -> str:
    t = token.lower()
    if _CYRILLIC.search(t) and re.search(r"[a-z]", t):  # mixed script: Latin look-alikes are typos
        t = t.translate(_LOOKALIKES)
    t = t.translate(_FOLD)
    return t.replace("чж", "дж")


def fold(text: str) -> str:
    return " ".join(fold_token(t) for t in _NON_WORD.split(text) if t)


def stem_token(folded: str) -> str:
    """Strip one consonant-final case ending, then trailing vowels, keeping at least two letters."""
    t = folded
    if len(t) < 3:
        return t
    for ending in CONSONANT_ENDINGS:
        if t.endswith(ending) and len(t) - len(ending) >= 2:
            t = t[: -len(ending)]
            break
    while len(t) > 2 and t[-1] in VOWELS:
        t = t[:-1]
    # the oblique forms of a surname in -ов/-ев keep the suffix once their ending is gone ("Макарова", "Макаровым"
    # → "макаров"), the nominative loses it as an ending ("Макаров" → "макар"): strip it in every form
    if t.endswith(SURNAME_SUFFIXES) and len(t) - 2 >= 2:
        t = t[:-2]
    return t


def _is_acronym(token: str) -> bool:
    return len(token) >= 2 and token.isupper()


#: ~220 bytes an entry: at most ~28 MiB per worker (262,144 allowed ~55 MiB; 216k names were kept at 4k documents)
@lru_cache(maxsize=131_072)
def stem_key(text: str) -> str:
    """Spelling- and case-insensitive key of a name (see module docstring). Acronyms (США, ОАЭ) keep their letters."""
    out = []
    for t in tokens(text):
        folded = fold_token(t)
        out.append(folded if _is_acronym(t) else stem_token(folded))
    return " ".join(out)


def tokens(text: str) -> list[str]:
    return [t for t in _NON_WORD.split(text) if t]


@lru_cache(maxsize=1)
def _analyzer():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


#: ~1.2 KiB an entry (a tuple of pymorphy parses): at most ~75 MiB per worker (200,000 allowed ~230 MiB)
@lru_cache(maxsize=65_536)
def parse_word(word: str) -> tuple:
    """pymorphy's parses of one word (none for odd tokens pymorphy fails on)."""
    try:
        return tuple(_analyzer().parse(word))
    except Exception:  # pymorphy on odd tokens: no reading
        return ()


# ---------------------------------------------------------------- East Asian names in the nominative
#: (case, ending, replacement), tried in order for a word pymorphy does not know
_DEINFLECT = {
    "Ins": (("ей", "я"), ("ой", "а"), ("лем", "ль"), ("нем", "нь"), ("ем", ""), ("ом", "")),
    "Gen": (("ли", "ля"), ("ы", "а"), ("ля", "ль"), ("ня", "нь"), ("и", "я"), ("а", "")),
    "Dat": (("лю", "ль"), ("ню", "нь"), ("е", ""), ("у", "")),
    "Acc": (("ля", "ль"), ("ню", "нь"), ("у", "а"), ("ю", "я"), ("а", "")),
    "Loc": (("ле", "ль"), ("не", "н"), ("е", "")),
}
_MIN_STEM = 2


def deinflect(word: str, case: str) -> str:
    """Nominative of one unknown (transliterated) word given the morph tagger's case."""
    for ending, repl in _DEINFLECT.get(case, ()):
        if word.lower().endswith(ending) and len(word) - len(ending) >= 1 \
                and len(word) - len(ending) + len(repl) >= _MIN_STEM:
            out = word[: len(word) - len(ending)] + repl
            return out
    return word


def nominative_east_asian(text: str, natasha_normal: str, cases: tuple[str, ...], known) -> str:
    """Normal form of a PER span, fixing what natasha's normalizer leaves inflected.

    Only the last word of a multi-word name declines in Russian usage ("с Пак Чжином", "с Юн Сок Ёлем");
    it is de-inflected when pymorphy does not know it (``known(word)`` is False). Punctuation such as
    initials' dots and ё are kept where the text has them.
    """
    spans = [(m.start(), m.end()) for m in _WORD_SPAN.finditer(text)]
    normal_words = tokens(natasha_normal)
    if len(spans) != len(normal_words):
        return natasha_normal
    out, last = [], 0
    for i, ((a, b), norm) in enumerate(zip(spans, normal_words)):
        word = text[a:b]
        out.append(text[last:a])
        natasha_changed = casefold_ru(norm) != casefold_ru(word)
        case = _span_case(cases, i)
        if natasha_changed:
            out.append(_keep_yo(word, norm))
        elif i == len(spans) - 1 and case and case != "Nom" and not known(word):
            out.append(deinflect(word, case))
        else:
            out.append(word)
        last = b
    out.append(text[last:])
    return "".join(out)


def _span_case(cases: tuple[str, ...], i: int) -> str:
    """The word's own case, or, when the tagger says Nom, the oblique case the rest of the name agrees on."""
    own = cases[i] if i < len(cases) else ""
    if own and own != "Nom":
        return own
    others = [c for j, c in enumerate(cases) if j != i and c and c != "Nom"]
    if others and len(others) == len(cases) - 1:
        return max(sorted(set(others)), key=others.count)
    return own


def _keep_yo(surface: str, normal: str) -> str:
    """natasha folds ё to е; restore ё at the positions where the surface form has it."""
    if "ё" not in surface.lower():
        return normal
    chars = list(normal)
    for i, ch in enumerate(surface[: len(normal)]):
        if ch in "ёЁ" and chars[i] in "еЕ":
            chars[i] = ch
    return "".join(chars)


# ---------------------------------------------------------------- nominative of names natasha leaves inflected
#: natasha's (UD) case names → pymorphy's (OpenCorpora)
UD_CASES = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}
OBLIQUE = {"gent", "datv", "accs", "ablt", "loct", "gen2", "loc2", "acc2", "voct"}
NAME_TAGS = {"Name", "Surn", "Patr"}


def restore_case(surface: str, normal: str) -> str:
    """The surface word's letter case on its normal form: "МИДа" → "МИД" (not natasha's "мид"), "Европы" → "Европа"."""
    if len(surface) >= 2 and surface[:2].isupper():
        upper = len(surface) - len(surface.lstrip("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        if surface.isupper():
            return normal.upper()
        if normal.lower().startswith(surface[:upper].lower()) and len(normal) <= upper + 1:
            return surface[:upper]
        return normal[:upper].upper() + normal[upper:]
    if surface[:1].isupper() and normal[:1].islower():
        return normal[:1].upper() + normal[1:]
    return normal


def _pick(parses, case: str | None, want_names: bool, number: str | None = None):
    """The parse to inflect: a name parse (for persons) in the phrase's case; None when the word is (or may be)
    nominative already and no case says otherwise."""
    parses = [p for p in parses if getattr(p, "is_known", True)]  # guessed readings of unknown words mislead
    pool = [p for p in parses if NAME_TAGS & set(p.tag.grammemes)] if want_names else []
    pool = pool or [p for p in parses if {"NOUN", "ADJF", "PRTF"} & set(p.tag.grammemes)]
    if not pool:
        return None
    if case is None:
        if any(p.tag.case == "nomn" for p in pool):
            return None
        pool = [p for p in pool if p.tag.case in OBLIQUE]
    else:
        pool = [p for p in pool if p.tag.case == case]
    if number:
        pool = [p for p in pool if p.tag.number == number] or pool
    return pool[0] if pool else None


def _inflect(parse) -> str | None:
    grams = {"nomn"}
    if parse.tag.number == "plur" and "Pltm" not in parse.tag.grammemes:
        grams.add("plur")
    try:
        out = parse.inflect(grams)
    except (ValueError, KeyError):
        return None
    return out.word if out is not None else None


def nominative_phrase(text: str, span_type: str, cases: tuple[str, ...], parse) -> str | None:
    """The nominative of a name whose normal natasha left as the surface form (``parse(word)``: pymorphy parses).

    Persons: every name word in an oblique case (the tagger's, else the only readings pymorphy has) is put in the
    nominative ("Бориса Джонсона" → "Борис Джонсон", "Анны Политковской" → "Анна Политковская"). Places and
    organizations: the words up to and including the first noun agree with it and become nominative; what follows
    is a genitive dependent and stays ("Министерства иностранных дел" → "Министерство иностранных дел",
    "Западных Балкан" → "Западные Балканы"). None when nothing changes.
    """
    spans = [(m.start(), m.end()) for m in _WORD_SPAN.finditer(text)]
    if not spans:
        return None
    words = [text[a:b] for a, b in spans]
    # parts of hyphenated names ("Улан-Батора", "Рис-Могга") are left alone: pymorphy reads each part apart
    hyphened = {i for i, (a, b) in enumerate(spans) if text[b:b + 1] in "-‑–" and b < len(text)
                or a > 0 and text[a - 1] in "-‑–"}
    replaced: dict[int, str] = {}
    if span_type == "PER":
        for i, w in enumerate(words):
            if len(w) < 2 or not w[:1].isupper() or w.isupper() or i in hyphened:
                continue
            ud = cases[i] if i < len(cases) else ""
            case = UD_CASES.get(ud)
            if case == "nomn":
                continue
            p = _pick(parse(w), case, True)
            if p is not None and p.tag.case in OBLIQUE:
                new = _inflect(p)
                if new:
                    replaced[i] = restore_case(w, new)
    else:
        if words[0].isupper() or not words[0][:1].isupper():
            return None
        ud = next((c for c in cases if c), "")
        case = UD_CASES.get(ud)
        if case == "nomn":
            return None
        head_case, number = None, None
        for i, w in enumerate(words):
            if i in hyphened:
                break
            parses = parse(w)
            p = _pick(parses, case or head_case, False, number)
            if p is None or p.tag.case not in OBLIQUE:
                break
            head_case, number = p.tag.case, number or p.tag.number
            new = _inflect(p)
            if not new:
                break
            replaced[i] = restore_case(w, new)
            if "NOUN" in p.tag.grammemes:
                break
        last = parse(words[-1])
        if replaced and max(replaced) == len(words) - 1 and (not last or "NOUN" not in last[0].tag.grammemes):
            return None  # only adjectives: not a phrase with a head we found
    if not replaced:
        return None
    out, last = [], 0
    for i, (a, b) in enumerate(spans):
        out.append(text[last:a])
        out.append(replaced.get(i, words[i]))
        last = b
    out.append(text[last:])
    return "".join(out)


# ---------------------------------------------------------------- a key across scripts
#: consonant classes shared by the two scripts, applied to folded text (digraphs first); vowels, й, h and х drop
_SKELETON_DIGRAPHS = (("дж", "J"), ("sch", "X"), ("sh", "X"), ("ch", "C"), ("ph", "f"), ("ck", "k"), ("ts", "s"),
                      ("th", "t"), ("kh", "k"), ("zh", "J"))
_SKELETON_LETTERS = {
    "б": "b", "в": "v", "г": "g", "д": "d", "ж": "J", "з": "s", "к": "k", "л": "l", "м": "m", "н": "n", "п": "p",
    "р": "r", "с": "s", "т": "t", "ф": "f", "ц": "s", "ч": "C", "ш": "X",
    "b": "b", "v": "v", "w": "v", "g": "g", "d": "d", "j": "J", "z": "s", "s": "s", "k": "k", "q": "k", "l": "l",
    "m": "m", "n": "n", "p": "p", "r": "r", "t": "t", "f": "f", "x": "ks", "J": "J", "X": "X", "C": "C"}
_SOFT_C = re.compile(r"c(?=[eiy])")


def script_of(text: str) -> str:
    """"cyr", "lat" or "" (mixed or neither) for the letters of ``text``."""
    cyr, lat = bool(re.search(r"[а-яёА-ЯЁ]", text)), bool(re.search(r"[a-zA-Z]", text))
    return "cyr" if cyr and not lat else "lat" if lat and not cyr else ""


@lru_cache(maxsize=65_536)
def consonant_skeleton(key: str) -> str:
    """The consonants of a folded name key in classes both scripts share, doubled letters once: "microsoft" and
    "маикрософт" (Майкрософт) are both "mkrsft", "forbes" and "форбс" "frbs". A key for candidates across scripts,
    never a spelling."""
    out = []
    for word in key.split():
        w = _SOFT_C.sub("s", word).replace("c", "k")
        for a, b in _SKELETON_DIGRAPHS:
            w = w.replace(a, b)
        s = "".join(_SKELETON_LETTERS.get(ch, "") for ch in w)
        s = re.sub(r"(.)\1+", r"\1", s)
        if s:
            out.append(s)
    return " ".join(out)
