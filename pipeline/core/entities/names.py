"""Name keys and East Asian name normalization.

* :func:`fold` — the fuzzy spelling key: case, ё/э→е, й/ы→и, щ→ш, чж→дж, hard and soft signs dropped,
  Latin look-alike letters mapped to Cyrillic, punctuation to spaces.
* :func:`stem_key` — ``fold`` plus one case ending stripped per token, so "Пак Чжином", "Пак Чжина" and
  "Пак Джин" share a key. The same function is applied to gazetteer aliases and to mentions, so only
  consistency matters, not linguistic truth.
* :func:`nominative_east_asian` — rules that put transliterated names (outside pymorphy's dictionary)
  back in the nominative: "Пак Чжина" → "Пак Чжин", "Такэси Иваей" → "Такэси Ивая", "Юн Сок Ёлем" → "Юн Сок Ёль".
"""

from __future__ import annotations

import re

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
    return t


def _is_acronym(token: str) -> bool:
    return len(token) >= 2 and token.isupper()


def stem_key(text: str) -> str:
    """Spelling- and case-insensitive key of a name (see module docstring). Acronyms (США, ОАЭ) keep their letters."""
    out = []
    for t in tokens(text):
        folded = fold_token(t)
        out.append(folded if _is_acronym(t) else stem_token(folded))
    return " ".join(out)


def tokens(text: str) -> list[str]:
    return [t for t in _NON_WORD.split(text) if t]


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
        natasha_changed = norm.lower().replace("ё", "е") != word.lower().replace("ё", "е")
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
